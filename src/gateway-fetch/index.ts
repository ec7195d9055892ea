/**
 * `gemini-gateways/fetch`: a standard `fetch` that takes the requests Google's SDKs send (@google/genai's
 * `httpOptions.fetch`, the AI SDK's `createGoogleGenerativeAI({ fetch })`) and sends each one in a gateway's dialect.
 * Each request is read back into a call of this package's client, so the gateway's auth header, wire format,
 * refusals, sending policy, timeouts and secret scrubbing are the client's; the answer is written back as Google
 * writes it (JSON, SSE, `{"error": {"code", "message", "status"}}`).
 *
 * @example
 * ```ts
 * import { GoogleGenAI } from '@google/genai'
 * import { createGatewayFetch } from 'gemini-gateways/fetch'
 *
 * const ai = new GoogleGenAI({ apiKey: process.env.APIMART_API_KEY, httpOptions: { fetch: createGatewayFetch({ provider: 'apimart' }) } })
 * ```
 * @packageDocumentation
 */
import type { Middleware } from 'openapi-fetch'
import { loaders } from '../../generated/client-loaders.ts'
import { providers, type Provider } from '../../generated/registry.ts'
import type { ClientOptions, GatewayClient } from '../core/client.ts'
import { CallerError, ConfigurationError, ConnectionError, GeminiGatewayError, TimeoutError, UserAbortError } from '../core/errors.ts'
import type { CallOptions, GenerateContentParams, GenerateContentResponse, Model } from '../core/types.ts'
import { redactSecrets } from '../core/internal/redact.ts'
import { errorHeaders, errorResponse, googleError, toGoogleError } from './google-errors.ts'
import { jsonResponse, streamResponse } from './responses.ts'
import { readSdkRequest, type SdkRequest } from './sdk-request.ts'

/** Options of {@link createGatewayFetch}: the client's (see `ClientOptions`), for the provider the requests go to. */
export interface GatewayFetchOptions extends ClientOptions {
  /** The gateway every request goes to, in its dialect. */
  provider: Provider
  /**
   * The gateway's key. Else the key the SDK sent (`x-goog-api-key` or `?key=`: the SDK's `apiKey`), moved into the
   * gateway's own auth header; else the provider's environment variable.
   */
  apiKey?: string
  /** openapi-fetch middleware, as `client.use()` takes it: it sees each request as sent to the gateway. */
  middleware?: Middleware[]
}

/** Clients kept for keys the SDKs sent, most recent last: an app uses a few, and an old one is cheap to make again. */
const MAX_CLIENTS = 16

/**
 * A `fetch` for Google's SDKs that sends every request to `provider` in its dialect.
 *
 * It serves the routes the SDKs call, under `/v1` or `/v1beta` on any host: `models/{model}:generateContent`,
 * `:streamGenerateContent` (SSE, or Google's JSON array without `alt=sse`), `:countTokens`, `GET models` (every
 * page, as one) and `GET models/{model}` (found in the model list where the gateway has no lookup). What the gateway
 * does not serve is Google's 501 `UNIMPLEMENTED`; what the client refuses before sending is Google's 400
 * `INVALID_ARGUMENT`; the gateway's errors, whatever their shape, are Google's, with the gateway's status. No answer
 * at all rejects, as fetch does: a connection that failed is a `TypeError('fetch failed')` with the
 * `ConnectionError` as its cause, a timeout is the client's `TimeoutError`, the caller's abort its signal's reason.
 *
 * A long answer (finishReason `CONTINUATION`) is continued inside, as the client does (`automaticContinuation`),
 * so the SDK gets it whole whichever version it is and whether or not the gateway carries the token.
 */
export function createGatewayFetch(options: GatewayFetchOptions): typeof globalThis.fetch {
  const { provider, apiKey, middleware = [], ...clientOptions } = options
  const load = (loaders as Record<string, (() => Promise<(options: ClientOptions) => unknown>) | undefined>)[provider]
  if (!load) throw new ConfigurationError(`gemini-gateways/fetch: unknown provider ${String(provider)}; expected one of ${providers.join(', ')}`)
  // The provider's code loads with the first request: a bundle holds every provider, an app loads the one it names.
  let factory: Promise<(options: ClientOptions) => GatewayClient> | undefined
  const clients = new Map<string, GatewayClient>()

  /** The client for the key in use; a client that cannot be made (no key, a bad baseUrl) throws its ConfigurationError. */
  async function clientFor(sdkKey: string | undefined): Promise<GatewayClient> {
    const key = apiKey ?? sdkKey
    const id = key ?? ''
    let client = clients.get(id)
    if (client) {
      clients.delete(id)
    } else {
      factory ??= load!() as Promise<(options: ClientOptions) => GatewayClient>
      client = (await factory)({ ...clientOptions, ...(key !== undefined && { apiKey: key }) })
      if (middleware.length > 0) client.use(...middleware)
      if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value!)
    }
    clients.set(id, client)
    return client
  }

  // Continuing inside, the SDK must never see a hop's end: it would send the token itself (both SDKs continue).
  const shape = clientOptions.automaticContinuation === false ? (chunk: object) => chunk : withoutContinuation

  async function gatewayFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = await readSdkRequest(input, init)
    if (!('operation' in request))
      return errorResponse(googleError(request.status, redactSecrets(request.message, request.key === undefined ? [] : [request.key])))
    if (request.signal?.aborted) throw request.signal.reason
    const client = await clientFor(request.key)
    const secrets = request.key === undefined ? [] : [request.key]
    const call: CallOptions = { headers: request.headers, ...(request.signal && { signal: request.signal }) }
    try {
      return await answer(client, request, call, { secrets, shape })
    } catch (error) {
      return failure(error, request, secrets)
    }
  }
  return gatewayFetch as typeof globalThis.fetch
}

/** One operation through the client, written back as Google answers it. */
async function answer(
  client: GatewayClient,
  request: SdkRequest,
  call: CallOptions,
  out: { secrets: readonly string[]; shape: (chunk: object) => object },
): Promise<Response> {
  const params = { ...request.body, model: request.model } as GenerateContentParams
  switch (request.operation) {
    case 'generateContent': {
      const res = await client.generateContent(params, call)
      return jsonResponse(out.shape(res), res.http)
    }
    case 'streamGenerateContent': {
      const chunks = client.streamGenerateContent(params, call)
      // The first chunk before the status: a failure until then is still an HTTP error the SDK can retry.
      const first = await chunks.next()
      if (first.done) throw new Error('the stream ended without a chunk') // the client throws IncompleteStreamError first
      return streamResponse(first.value, chunks, { framing: request.alt === 'sse' ? 'sse' : 'array', ...out })
    }
    case 'countTokens': {
      const res = await client.countTokens(params, call)
      return jsonResponse(res, res.http)
    }
    case 'listModels':
      return jsonResponse({ models: await allModels(client, request, call) }, undefined)
    case 'getModel': {
      try {
        const res = await client.getModel(request.model!, call)
        return jsonResponse(res, res.http)
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error
      }
      // A gateway with a model list but no lookup (new-api): the model is the list's entry, or not found.
      const name = `models/${request.model!.replace(/^models\//, '')}`
      const found = (await allModels(client, request, call)).find((m) => m.name === name)
      if (found) return jsonResponse(found, undefined)
      return errorResponse(googleError(404, `${client.provider}: ${name} is not in the gateway's model list`))
    }
  }
}

/**
 * A chunk with no sign of a hop's end, which the SDKs would continue on their own (@google/genai: a token with
 * `CONTINUATION` or no finish reason; the AI SDK: with `CONTINUATION`): a gateway that cannot carry the token still
 * marks hop 1 so before the client's ContinuationError, and the SDK's own next hop would be refused.
 */
function withoutContinuation<T extends object>(chunk: T): T {
  for (const candidate of (chunk as GenerateContentResponse).candidates ?? []) {
    // A token beside another finish reason (MAX_TOKENS) is the caller's to resume with by hand: kept.
    if (candidate.finishReason !== undefined && candidate.finishReason !== 'CONTINUATION') continue
    delete candidate.finishReason
    delete candidate.continuationToken
  }
  return chunk
}

/** Every page of the model list as one: the SDK pages on, and finds no `nextPageToken`. */
async function allModels(client: GatewayClient, request: SdkRequest, call: CallOptions): Promise<Model[]> {
  const models: Model[] = []
  for await (const model of client.listModels({ ...call, ...(request.pageSize !== undefined && { pageSize: request.pageSize }) })) models.push(model)
  return models
}

/**
 * A failure as the SDK should see it: the gateway's error as Google's; an operation the gateway does not offer as
 * 501; no answer at all as fetch rejects (so the SDK's own network handling applies).
 */
function failure(error: unknown, request: SdkRequest, secrets: readonly string[]): Response {
  if (error instanceof UserAbortError) throw request.signal?.reason ?? error
  if (error instanceof ConnectionError) throw new TypeError('fetch failed', { cause: error })
  if (error instanceof TimeoutError || error instanceof CallerError) throw error
  if (error instanceof ConfigurationError) return errorResponse(googleError(501, error.message, 'UNIMPLEMENTED'))
  if (!(error instanceof GeminiGatewayError)) throw error
  return errorResponse(toGoogleError(error, secrets), errorHeaders(error))
}
