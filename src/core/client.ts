/**
 * The client every provider shares: each method names its route and body, and hands the sending to the transport
 * (transport.ts), the checks to checks.ts and a stream's bytes to stream.ts. A provider supplies only a {@link Dialect}.
 */
import type { Client, Middleware } from 'openapi-fetch'
import { holdsAnswer } from './answer.ts'
import { bareModel, createChecks } from './checks.ts'
import type { Dialect, Route } from './dialect.ts'
import { ConfigurationError, MalformedResponseError } from './errors.ts'
import { hopOf, httpInfo, withHttp, type WithHttp } from './http-info.ts'
import { envValue } from './internal/env.ts'
import { createTransport, type JsonAnswer, type TransportOptions } from './transport.ts'
import type { CallOptions, CountTokensParams, CountTokensResponse, GenerateContentParams, GenerateContentResponse, Model } from './types.ts'
import type { RequestValidation, ResponseValidation } from './validate.ts'

/** Options every provider's client takes. */
export interface ClientOptions {
  /** Defaults from the provider's environment variable (e.g. `GEMINI_API_KEY`). */
  apiKey?: string
  /**
   * Defaults to the provider's documented host. A trailing `/` or version segment (`/v1beta`) is fine. A `{name}` in
   * it (cloudflare's `{account_id}`) is filled from the option of that name's provider (`accountId`).
   */
  baseUrl?: string
  /**
   * The API version to call: `v1beta` (default) or `v1`, mapped to the provider's own path segment (Vertex AI:
   * `v1beta1`, `v1`). The body is the same; a provider that serves one version only refuses the other when the
   * client is made.
   */
  apiVersion?: ApiVersion
  /**
   * A custom fetch (proxies, tests). Defaults to the global one at call time; on Node, to the undici package's fetch
   * with no headers/body timeout of its own, and on Bun to its fetch with `timeout: false`, so `timeoutMs` is the limit.
   */
  fetch?: typeof globalThis.fetch
  /** Extra headers sent with every request. */
  headers?: Record<string, string>
  /**
   * How many times a failed request may be sent again, as the sending policy allows (README, "Errors"): a generation
   * only after a failure that shows it never ran (429, 503, no connection). Default 2.
   */
  maxRetries?: number
  /**
   * Also sends a generation again (retry and failover) after a failure that shows it may have run: 500, 502, 504, a
   * timeout, a connection lost once the request was out. The model may then answer, and bill, it twice. Default false.
   */
  allowDuplicateGenerations?: boolean
  /**
   * Continues an answer that stops at the model's output limit (finishReason `CONTINUATION`), sending the request
   * again with its `continuationToken` until the answer is whole, as the official SDK does. Default true; `false`
   * returns each hop untouched.
   */
  automaticContinuation?: boolean
  /** Continuation hops one call may take after the first. Default 32 (about a million output tokens at 32K a hop). */
  maxContinuations?: number
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

/** The API versions a client may call. */
export type ApiVersion = 'v1beta' | 'v1'

/** The methods a client can have; a provider's client has those its spec has operations for. */
export interface GatewayClient<
  Paths extends {} = any,
  Documented extends string = string,
  Extra extends object = object,
  Omitted extends keyof GenerateContentParams = never,
> {
  readonly provider: Dialect['name']
  /**
   * Generates the whole answer, continued across hops when it stops at the output limit. Throws a GeminiGatewayError
   * on any failure; never returns an empty success. `res.http` is the response behind it.
   */
  generateContent(params: Omit<GenerateContentParams<Documented>, Omitted> & Extra, options?: CallOptions): Promise<WithHttp<GenerateContentResponse>>
  /**
   * Yields each chunk as it arrives, across hops when the answer is continued; throws when the stream carries an
   * error or ends before its final chunk. Leaving the loop early cancels the request. `chunk.http` is the response
   * behind each chunk.
   */
  streamGenerateContent(
    params: Omit<GenerateContentParams<Documented>, Omitted> & Extra,
    options?: CallOptions,
  ): AsyncGenerator<WithHttp<GenerateContentResponse>>
  countTokens(params: CountTokensParams<Documented>, options?: CallOptions): Promise<WithHttp<CountTokensResponse>>
  listModels(options?: CallOptions & { pageSize?: number }): AsyncGenerator<Model>
  getModel(model: string, options?: CallOptions): Promise<WithHttp<Model>>
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
  Options extends { methods?: Method; extra?: object; omitted?: keyof GenerateContentParams } = object,
> = Pick<
  GatewayClient<
    Paths,
    Meta['documentedModels'][number],
    Options['extra'] extends object ? Options['extra'] : object,
    Options['omitted'] extends keyof GenerateContentParams ? Options['omitted'] : never
  >,
  'provider' | 'use' | 'eject' | 'raw' | (Options['methods'] extends Method ? Options['methods'] : Extract<keyof Meta['routes'], Method>)
>

/** One hop of a unary answer: the response as the caller gets it, and the exchange behind it. */
export interface UnaryHop {
  value: GenerateContentResponse
  answer: JsonAnswer
}

/**
 * An async generator whose work starts at the first `next()`: `start` makes the real one, and every later call goes
 * to it directly (no generator of its own in between).
 */
function deferred<T>(start: () => Promise<AsyncGenerator<T>>): AsyncGenerator<T> {
  let inner: AsyncGenerator<T> | undefined
  let starting: Promise<AsyncGenerator<T>> | undefined
  const started = (): Promise<AsyncGenerator<T>> => (starting ??= start().then((g) => (inner = g)))
  const self: AsyncGenerator<T> = {
    next: (...args) => (inner ? inner.next(...args) : started().then((g) => g.next(...args))),
    // Before the first next() there is nothing to stop: nothing was sent.
    return: (value) =>
      inner
        ? inner.return(value)
        : starting
          ? starting.then(
              (g) => g.return(value),
              () => ({ done: true, value: value as T }),
            )
          : Promise.resolve({ done: true, value: value as T }),
    throw: (error) => (inner ? inner.throw(error) : Promise.reject(error)),
    [Symbol.asyncIterator]: () => self,
  } as AsyncGenerator<T>
  return self
}

export function createGatewayClient<C>(dialect: Dialect, options: ClientOptions = {}): C {
  // The provider's own options (cloudflare's ids and gateway token), where its spec has some.
  const own = dialect.configure?.(options as ClientOptions & Record<string, unknown>)
  const apiKey = options.apiKey ?? envValue(dialect.envKey)
  if (!apiKey && !own?.keyless) {
    throw new ConfigurationError(`${dialect.name}: no API key: pass apiKey or set ${dialect.envKey}${own?.alternative ? `, or ${own.alternative}` : ''}`, {
      provider: dialect.name,
    })
  }
  const { routes } = dialect
  const transport = createTransport(dialect, {
    ...options,
    apiKey: apiKey ?? '',
    ...(own && { baseUrl: own.baseUrl, headers: { ...options.headers, ...own.headers } }),
  } satisfies TransportOptions)
  const { provider, send } = transport
  const checks = createChecks(dialect, options)
  // A dialect whose wire has no place for the token cannot continue an answer: the gateway would start it over.
  const carriesToken = dialect.carriesContinuation !== false && !dialect.unplaced?.includes('continuationToken')
  const maxContinuations = options.maxContinuations ?? 32
  let streamModule: Promise<typeof import('./streamed-generation.ts')> | undefined
  let continuationModule: Promise<typeof import('./continuation.ts')> | undefined
  const continuation = () => (continuationModule ??= import('./continuation.ts'))
  const continues = (call: CallOptions): boolean => (call.automaticContinuation ?? options.automaticContinuation) !== false

  function unsupported(op: string): never {
    throw new ConfigurationError(`${provider}: ${op} is not offered by this provider`, { provider })
  }

  /** A generate answer must say something (answer.ts); `{}` or `{"candidates": []}` is a MalformedResponseError. */
  function requireAnswer(body: unknown, { response, text, secrets }: JsonAnswer): GenerateContentResponse {
    if (holdsAnswer(body)) return body
    throw new MalformedResponseError(`${provider}: ${response.status}: the response holds no answer (no candidates and no blocked prompt)`, {
      provider,
      status: response.status,
      headers: response.headers,
      rawBody: text,
      secrets,
    })
  }

  /** The wire body of a generation, read and checked before anything is sent. */
  async function prepare(
    params: GenerateContentParams,
    bodyName: string,
    route: Route & { operationId: string },
    call: CallOptions,
    secrets: readonly string[],
  ) {
    const { model, body } = await checks.wireRequest(params, bodyName, secrets)
    await checks.request(route.operationId, body, call, secrets)
    return { model, body }
  }

  /** Sends one unary generation and reads its answer (apimart's envelope unwrapped). */
  async function generateHop(
    route: Route & { operationId: string; pathParams?: Record<string, string> },
    model: string,
    body: Record<string, unknown>,
    call: CallOptions,
  ): Promise<UnaryHop> {
    const answer = await send(route, { path: { model, ...route.pathParams }, body }, call, 'generate')
    await checks.response(`${route.operationId}Response200`, answer.json, answer.response, answer.secrets)
    if (!dialect.fromWire) return { value: requireAnswer(answer.json, answer), answer }
    // The wire schema may accept a wrapper or a bare body; what the caller gets must be a response.
    const canonical = dialect.fromWire(answer.json)
    await checks.response('GenerateContentResponse', canonical, answer.response, answer.secrets)
    return { value: requireAnswer(canonical, answer), answer }
  }

  const client: GatewayClient = {
    provider,
    raw: transport.raw,
    use: transport.use,
    eject: transport.eject,

    async generateContent(params, call = {}) {
      const route = routes.generate
      const secrets = transport.callSecrets(call)
      const { model, body } = await prepare(params, 'generateContentRequest', route, call, secrets)
      const first = await generateHop(route, model, body, call)
      const candidate = first.value.candidates?.[0]
      const mayContinue = candidate?.finishReason === 'CONTINUATION' || (candidate?.continuationToken !== undefined && candidate.finishReason === undefined)
      if (!mayContinue || !continues(call)) {
        return withHttp(first.value, httpInfo([hopOf(first.answer, first.value)]))
      }
      const { continueUnary } = await continuation()
      return continueUnary(first, (token) => generateHop(route, model, { ...body, continuationToken: token }, call), {
        provider,
        carriesToken,
        maxContinuations,
        secrets,
      })
    },

    streamGenerateContent(params, call = {}) {
      // Nothing happens until the first next(); the stream code loads with the first stream, so a client that only
      // calls generateContent never loads it, and each chunk is handed straight from its generator.
      return deferred(async () => {
        const route = routes.stream ?? unsupported('streamGenerateContent')
        const secrets = transport.callSecrets(call)
        const { model, body } = await prepare(params, 'streamGenerateContentRequest', route, call, secrets)
        streamModule ??= import('./streamed-generation.ts')
        const { startStream } = await streamModule
        return startStream(
          { transport, checks, dialect, carriesToken, maxContinuations, continuation },
          { route, model, body, call, secrets, auto: continues(call) },
        )
      })
    },

    async countTokens(params, call = {}) {
      const route = routes.countTokens ?? unsupported('countTokens')
      const secrets = transport.callSecrets(call)
      const { model, body } = await checks.wireRequest(params, 'countTokensRequest', secrets, false)
      await checks.request(route.operationId, body, call, secrets)
      const answer = await send(route, { path: { model }, body }, call, 'quick')
      await checks.response(`${route.operationId}Response200`, answer.json, answer.response, answer.secrets)
      return withHttp(answer.json as CountTokensResponse, httpInfo([hopOf(answer, undefined)]))
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
        await checks.response(`${route.operationId}Response200`, answer.json, answer.response, answer.secrets)
        const page = dialect.modelsFromWire ? dialect.modelsFromWire(answer.json) : (answer.json as { models?: Model[]; nextPageToken?: string })
        yield* page.models ?? []
        pageToken = page.nextPageToken || undefined
        if (pageToken !== undefined) {
          // A server that hands out the same token again would page forever.
          if (seen.has(pageToken))
            throw new MalformedResponseError(`${provider}: the model list repeated a page token; stopping`, {
              provider,
              status: answer.response.status,
              secrets: answer.secrets,
            })
          seen.add(pageToken)
        }
      } while (pageToken)
    },

    async getModel(model, call = {}) {
      const route = routes.getModel ?? unsupported('getModel')
      const answer = await send(route, { path: { model: bareModel(model) } }, call, 'quick')
      await checks.response(`${route.operationId}Response200`, answer.json, answer.response, answer.secrets)
      return withHttp(answer.json as Model, httpInfo([hopOf(answer, undefined)]))
    },
  }
  return client as C
}

/** A provider's `create<Name>Client`: its dialect, the client type its generated routes give, and its own options. */
export function clientFactory<C, O extends object = object>(dialect: Dialect): (options?: ClientOptions & O) => C {
  return (options = {} as ClientOptions & O) => createGatewayClient<C>(dialect, options)
}
