/**
 * The client every provider shares: each method names its route and body, and hands the sending to the transport
 * (transport.ts), the checks to checks.ts and a stream's bytes to stream.ts. A provider supplies only a {@link Dialect}.
 */
import type { Client, Middleware } from 'openapi-fetch'
import { holdsAnswer } from './answer.ts'
import { bareModel, createChecks } from './checks.ts'
import type { Dialect } from './dialect.ts'
import { ConfigurationError, MalformedResponseError } from './errors.ts'
import { createTransport, type JsonAnswer, type TransportOptions } from './transport.ts'
import type { CallOptions, CountTokensParams, CountTokensResponse, GenerateContentParams, GenerateContentResponse, Model } from './types.ts'
import type { RequestValidation, ResponseValidation } from './validate.ts'


/** Options every provider's client takes. */
export interface ClientOptions {
  /** Defaults from the provider's environment variable (e.g. `GEMINI_API_KEY`). */
  apiKey?: string
  /** Defaults to the provider's documented host. A trailing `/` or `/v1beta` is fine. */
  baseUrl?: string
  /**
   * A custom fetch (proxies, tests). Defaults to the global one at call time; on Node, to the undici package's fetch
   * with no headers/body timeout of its own, and on Bun to its fetch with `timeout: false`, so `timeoutMs` is the limit.
   */
  fetch?: typeof globalThis.fetch
  /** Extra headers sent with every request. */
  headers?: Record<string, string>
  /** Retries after 408, 409, 429, 5xx, connection errors and timeouts; a generation only when its connection was never made. Default 2. */
  maxRetries?: number
  /**
   * Generations, per attempt: time to the whole body (generateContent), or to the headers and between chunks
   * (streamGenerateContent). Default 10 minutes: a thinking model can take minutes before its first byte.
   */
  timeoutMs?: number
  /** listModels, getModel, countTokens, which answer at once: time to the whole body. Default 30 s, or `timeoutMs` if shorter. */
  quickTimeoutMs?: number
  /** `tolerant` (default) passes unknown fields and enum values; `strict` reports unknown enum values; `off` skips. */
  responseValidation?: ResponseValidation
  /**
   * `strict` (default) refuses a request Google or the gateway would reject or silently drop, before sending;
   * `off` sends it unchecked. Either way snake_case names, `null` fields and Schema type case are normalised.
   */
  requestValidation?: RequestValidation
}

/** The methods a client can have; a provider's client has those its spec has operations for. */
export interface GatewayClient<Paths extends {} = any, Documented extends string = string, Extra extends object = {}, Omitted extends keyof GenerateContentParams = never> {
  readonly provider: Dialect['name']
  /** Generates the whole answer. Throws a GeminiGatewayError on any failure; never returns an empty success. */
  generateContent(params: Omit<GenerateContentParams<Documented>, Omitted> & Extra, options?: CallOptions): Promise<GenerateContentResponse>
  /** Yields each chunk as it arrives; throws when the stream carries an error or ends before its final chunk. Leaving the loop early cancels the request. */
  streamGenerateContent(params: Omit<GenerateContentParams<Documented>, Omitted> & Extra, options?: CallOptions): AsyncGenerator<GenerateContentResponse>
  countTokens(params: CountTokensParams<Documented>, options?: CallOptions): Promise<CountTokensResponse>
  listModels(options?: CallOptions & { pageSize?: number }): AsyncGenerator<Model>
  getModel(model: string, options?: CallOptions): Promise<Model>
  /**
   * Registers openapi-fetch middleware (`onRequest`, `onResponse`, `onError`), as openapi-fetch documents it: it
   * sees every request this client makes, generations and streams included, each retry as its own request.
   */
  use(...middleware: Middleware[]): void
  /** Removes middleware registered with {@link GatewayClient.use}. */
  eject(...middleware: Middleware[]): void
  /** The openapi-fetch client typed with this provider's own paths (auth, base URL and middleware applied). */
  readonly raw: Client<Paths>
}

/** The client methods named after their operation. */
type Method = 'generateContent' | 'streamGenerateContent' | 'countTokens' | 'listModels' | 'getModel'

/**
 * A provider's client type, derived from its generated routes: a method is there when its spec has the operation
 * (apimart, whose one `generate` operation serves both generation methods, names them in `Methods`).
 */
export type ProviderClient<
  Meta extends { routes: object; documentedModels: readonly string[] },
  Paths extends {},
  Options extends { methods?: Method; extra?: object; omitted?: keyof GenerateContentParams } = {},
> = Pick<
  GatewayClient<Paths, Meta['documentedModels'][number], Options['extra'] extends object ? Options['extra'] : {}, Options['omitted'] extends keyof GenerateContentParams ? Options['omitted'] : never>,
  'provider' | 'use' | 'eject' | 'raw' | (Options['methods'] extends Method ? Options['methods'] : Extract<keyof Meta['routes'], Method>)
>

function envKey(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  return env?.[name] || undefined
}

export function createGatewayClient<C>(dialect: Dialect, options: ClientOptions = {}): C {
  const apiKey = options.apiKey ?? envKey(dialect.envKey)
  if (!apiKey) throw new ConfigurationError(`${dialect.name}: no API key: pass apiKey or set ${dialect.envKey}`, { provider: dialect.name })
  const transport = createTransport(dialect, { ...options, apiKey } satisfies TransportOptions)
  const { provider, secrets, send } = transport
  const checks = createChecks(dialect, secrets, options)
  const { routes } = dialect
  let streamModule: Promise<typeof import('./stream.ts')> | undefined

  function unsupported(op: string): never {
    throw new ConfigurationError(`${provider}: ${op} is not offered by this provider`, { provider })
  }

  /** A generate answer must say something (answer.ts); `{}` or `{"candidates": []}` is a MalformedResponseError. */
  function requireAnswer(body: unknown, { response, text }: JsonAnswer): GenerateContentResponse {
    if (holdsAnswer(body)) return body
    throw new MalformedResponseError(`${provider}: ${response.status}: the response holds no answer (no candidates and no blocked prompt)`, {
      provider, status: response.status, headers: response.headers, rawBody: text, secrets,
    })
  }

  const client: GatewayClient = {
    provider,
    raw: transport.raw,
    use: transport.raw.use,
    eject: transport.raw.eject,

    async generateContent(params, call = {}) {
      const route = routes.generate
      const { model, body } = await checks.wireRequest(params, 'generateContentRequest')
      await checks.request(route.operationId, body, call)
      const answer = await send(route, { path: { model, ...route.pathParams }, body }, call, 'generate')
      await checks.response(`${route.operationId}Response200`, answer.json, answer.response)
      if (!dialect.fromWire) return requireAnswer(answer.json, answer)
      // The wire schema may accept a wrapper or a bare body; what the caller gets must be a response.
      const canonical = dialect.fromWire(answer.json)
      await checks.response('GenerateContentResponse', canonical, answer.response)
      return requireAnswer(canonical, answer)
    },

    async *streamGenerateContent(params, call = {}) {
      const route = routes.stream ?? unsupported('streamGenerateContent')
      const { model, body } = await checks.wireRequest(params, 'streamGenerateContentRequest')
      await checks.request(route.operationId, body, call)
      const answer = await send(route, { path: { model, ...route.pathParams }, query: { alt: 'sse' }, body }, call, 'stream')
      // The stream reader loads with the first stream: a client that only calls generateContent never loads it.
      const { streamChunks } = await (streamModule ??= import('./stream.ts'))
      yield* streamChunks({
        response: answer.response,
        body: answer.response.body,
        provider,
        secrets,
        signal: call.signal,
        baseUrl: transport.baseUrl,
        idleTimeout: answer.timeout,
        attempts: answer.attempts,
        abort: answer.abort,
        check: (chunk) => checks.response('GenerateContentResponse', chunk, answer.response),
        fromWire: dialect.fromWire,
      })
    },

    async countTokens(params, call = {}) {
      const route = routes.countTokens ?? unsupported('countTokens')
      const { model, body } = await checks.wireRequest(params, 'countTokensRequest', false)
      await checks.request(route.operationId, body, call)
      const answer = await send(route, { path: { model }, body }, call, 'quick')
      await checks.response(`${route.operationId}Response200`, answer.json, answer.response)
      return answer.json as CountTokensResponse
    },

    async *listModels(call = {}) {
      const route = routes.listModels ?? unsupported('listModels')
      let pageToken: string | undefined
      const seen = new Set<string>()
      do {
        const query: Record<string, string | number> = {}
        if (call.pageSize) query.pageSize = call.pageSize
        if (pageToken) query.pageToken = pageToken
        const answer = await send(route, { query }, call, 'quick')
        await checks.response(`${route.operationId}Response200`, answer.json, answer.response)
        const page = dialect.modelsFromWire ? dialect.modelsFromWire(answer.json) : (answer.json as { models?: Model[]; nextPageToken?: string })
        yield* page.models ?? []
        pageToken = page.nextPageToken || undefined
        if (pageToken !== undefined) {
          // A server that hands out the same token again would page forever.
          if (seen.has(pageToken)) throw new MalformedResponseError(`${provider}: the model list repeated a page token; stopping`, { provider, status: answer.response.status, secrets })
          seen.add(pageToken)
        }
      } while (pageToken)
    },

    async getModel(model, call = {}) {
      const route = routes.getModel ?? unsupported('getModel')
      const answer = await send(route, { path: { model: bareModel(model) } }, call, 'quick')
      await checks.response(`${route.operationId}Response200`, answer.json, answer.response)
      return answer.json as Model
    },
  }
  return client as C
}

/** A provider's `create<Name>Client`: its dialect, and the client type its generated routes give. */
export function clientFactory<C>(dialect: Dialect): (options?: ClientOptions) => C {
  return (options = {}) => createGatewayClient<C>(dialect, options)
}
