/**
 * The transport every provider shares, on openapi-fetch: auth, base URL, retries, timeouts, aborts, error
 * mapping, response unwrapping and validation. A provider only supplies a {@link Dialect}.
 */
import createFetchClient, { type Client } from 'openapi-fetch'
// Per runtime (package.json "imports"): on Node and Bun, a fetch without the runtime's own 300 s waits.
import { defaultFetch } from '#fetch'
import type { Dialect, Route } from './dialect.ts'
import {
  ConfigurationError,
  GeminiGatewayError,
  MalformedResponseError,
  RequestValidationError,
  ResponseValidationError,
  UserAbortError,
  findBodyError,
  loadErrorBodies as errorBodies,
} from './errors.ts'
import { DEFAULT_MAX_RETRIES, isRetryableError, retryDelayMs, sleep } from './retry.ts'
import { holdsAnswer } from './answer.ts'
import { streamChunks } from './stream.ts'
import type { CallOptions, CountTokensParams, CountTokensResponse, GenerateContentParams, GenerateContentResponse, Model } from './types.ts'
import type { NameTable } from './normalize.ts'
import { issuesOf, onDemand, type RequestValidation, type ResponseValidation } from './validate.ts'

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

/** Generations: 10 minutes per attempt, as openai-node and anthropic-sdk-typescript give theirs. */
export const DEFAULT_TIMEOUT_MS = 600_000
/** Calls that answer at once: long enough for a slow upload (countTokens of a big file), short enough that a dead host fails fast. */
export const DEFAULT_QUICK_TIMEOUT_MS = 30_000

/** The methods every provider's client has; providers without an operation omit it from their type. */
export interface GatewayClient<Paths extends {} = any, Documented extends string = string, Extra extends object = {}, Omitted extends keyof GenerateContentParams = never> {
  readonly provider: Dialect['name']
  /** Generates the whole answer. Throws a GeminiGatewayError on any failure; never returns an empty success. */
  generateContent(params: Omit<GenerateContentParams<Documented>, Omitted> & Extra, options?: CallOptions): Promise<GenerateContentResponse>
  /** Yields each chunk as it arrives; throws when the stream carries an error or ends before its final chunk. Leaving the loop early cancels the request. */
  streamGenerateContent(params: Omit<GenerateContentParams<Documented>, Omitted> & Extra, options?: CallOptions): AsyncGenerator<GenerateContentResponse>
  countTokens(params: CountTokensParams<Documented>, options?: CallOptions): Promise<CountTokensResponse>
  listModels(options?: CallOptions & { pageSize?: number }): AsyncGenerator<Model>
  getModel(model: string, options?: CallOptions): Promise<Model>
  /** The openapi-fetch client typed with this provider's own paths (auth and base URL applied). */
  readonly raw: Client<Paths>
}

/** Strips a trailing slash and a trailing version segment, since every route starts with its version. */
export function normalizeBaseUrl(url: string): string {
  let u = url.trim().replace(/\/+$/, '')
  u = u.replace(/\/(v1beta|v1)$/, '')
  return u
}

/** Model ids are written bare in paths; callers may pass Google's `models/` form. */
export function bareModel(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model
}

function envKey(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  return env?.[name] || undefined
}

/** A streaming 2xx response whose body is unread, and the handle that ends its exchange. */
interface Exchange {
  response: Response
  body: ReadableStream<Uint8Array> | null
  abort: () => void
  timeout: Limit
  attempts: number
}

/** A time limit and the option that sets it (named in the TimeoutError's message). */
interface Limit { ms: number; option: string }

/** Generations run for minutes and are billed; the other calls answer at once. */
type CallKind = 'stream' | 'generate' | 'quick'

interface RouteInit { path?: Record<string, string>; query?: Record<string, string | number>; body?: unknown }

/** Errors from decompressing a body (zlib, brotli): the bytes are wrong, not the connection. */
function isDecodingError(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && /^(Z_|ERR_ZLIB|ERR_BROTLI)/.test(e.code)) return true
  }
  return false
}

/** What openapi-fetch builds for the internal client: the URL and init, handed to fetch as they are. */
class WireRequest {
  readonly method: string
  constructor(readonly url: string, readonly init: RequestInit) {
    this.method = init.method ?? 'GET'
  }
}

export function createGatewayClient<Paths extends {}, Documented extends string, Extra extends object = {}>(dialect: Dialect, options: ClientOptions = {}): GatewayClient<Paths, Documented, Extra> {
  const apiKey = options.apiKey ?? envKey(dialect.envKey)
  if (!apiKey) {
    throw new ConfigurationError(`${dialect.name}: no API key: pass apiKey or set ${dialect.envKey}`, { provider: dialect.name })
  }
  const secrets = [apiKey]
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? dialect.defaultBaseUrl)
  if (!/^https?:\/\//.test(baseUrl)) throw new ConfigurationError(`${dialect.name}: baseUrl must start with http:// or https://`, { provider: dialect.name })
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES
  const generationLimit: Limit = { ms: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, option: 'timeoutMs' }
  const quickLimit: Limit =
    options.quickTimeoutMs !== undefined ? { ms: options.quickTimeoutMs, option: 'quickTimeoutMs' }
    : generationLimit.ms < DEFAULT_QUICK_TIMEOUT_MS ? generationLimit
    : { ms: DEFAULT_QUICK_TIMEOUT_MS, option: 'quickTimeoutMs' }
  const validation = options.responseValidation ?? 'tolerant'
  const authHeaders: Record<string, string> = dialect.auth.kind === 'bearer' ? { authorization: `Bearer ${apiKey}` } : { [dialect.auth.name]: apiKey }
  const headers = { ...options.headers, ...authHeaders }
  const fetchImpl = (input: Request | string, init?: RequestInit): Promise<Response> => (options.fetch ?? defaultFetch)(input, init)
  /** The public openapi-fetch client: standard `Request`s, so users' middleware works as documented. */
  // Redirects are not followed: fetch strips Authorization on a cross-origin hop, but not x-goog-api-key or
  // X-API-Key. A 3xx surfaces as an APIStatusError instead.
  const raw = createFetchClient<Paths>({ baseUrl, headers, redirect: 'manual', fetch: (request: Request) => fetchImpl(request) })
  const provider = dialect.name
  // errors keep the body text exactly as the server sent it (openapi-fetch would hand it over parsed).
  const errorText = new WeakMap<Response, string>()
  /**
   * The client the wrapper itself calls: the same openapi-fetch, but given a plain object for its `Request`
   * and a fetch that sends `url, init` directly, so no `Request` is built twice per call (fetch builds one).
   */
  const wire = createFetchClient<Paths>({
    baseUrl,
    headers,
    redirect: 'manual',
    Request: WireRequest as unknown as typeof Request,
    fetch: async (request: Request) => {
      const { url, init } = request as unknown as WireRequest
      const response = await fetchImpl(url, init)
      if (response.ok) return response
      const text = await response.text()
      const copy = new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers })
      errorText.set(copy, text)
      return copy
    },
  })

  /**
   * One HTTP exchange with retries. Unary: the 2xx body is read inside the attempt, so a reset while reading is
   * retried like one before the headers, for quick calls; a generation that was sent is never sent again, neither
   * after its timeout nor after a lost connection (see isRetryableError). Stream:
   * resolves at the headers, body unread (a stream is never retried once it has started).
   */
  function send(route: Route, init: RouteInit, call: CallOptions, kind: 'stream'): Promise<Exchange>
  function send(route: Route, init: RouteInit, call: CallOptions, kind: 'generate' | 'quick'): Promise<{ response: Response; text: string }>
  async function send(route: Route, init: RouteInit, call: CallOptions, kind: CallKind): Promise<Exchange | { response: Response; text: string }> {
    const stream = kind === 'stream'
    const limit: Limit = call.timeoutMs !== undefined ? { ms: call.timeoutMs, option: 'timeoutMs' } : kind === 'quick' ? quickLimit : generationLimit
    for (let attempt = 0; ; attempt++) {
      const started = Date.now()
      if (call.signal?.aborted) throw abortError(call.signal)
      const controller = new AbortController()
      let timedOut = false
      const onAbort = (): void => controller.abort(call.signal?.reason)
      call.signal?.addEventListener('abort', onAbort, { once: true })
      const timer = setTimeout(() => { timedOut = true; controller.abort() }, limit.ms)
      const done = (): void => { clearTimeout(timer); call.signal?.removeEventListener('abort', onAbort) }
      let failure: GeminiGatewayError
      let readingBody = false
      try {
        const result = await (wire as any)[route.method](route.path, {
          params: { path: init.path, query: init.query },
          body: init.body,
          headers: call.headers,
          parseAs: 'stream',
          signal: controller.signal,
        })
        const response: Response = result.response
        if (response.ok && stream) {
          done() // the stream's own idle timer takes over
          return { response, body: result.data ?? null, timeout: limit, attempts: attempt + 1, abort: () => controller.abort() }
        }
        if (response.ok) {
          readingBody = true
          const text = await response.text()
          done()
          return { response, text }
        }
        done()
        const bodyText = errorText.get(response) ?? ''
        failure = (await errorBodies()).errorFromResponse({ status: response.status, headers: response.headers, bodyText, provider, secrets })
      } catch (cause) {
        done()
        if (call.signal?.aborted) throw abortError(call.signal)
        if (isDecodingError(cause)) {
          // A body that cannot be decompressed will not decode on a second try either.
          throw new MalformedResponseError(`${provider}: the response body could not be decoded (${(cause as Error)?.message ?? cause})`, { provider, cause, secrets })
        }
        failure = (await errorBodies()).transportError({
          provider, baseUrl, cause, secrets, phase: readingBody ? 'body' : 'response', timeout: timedOut ? limit : undefined, attempts: attempt + 1, elapsedMs: Date.now() - started,
        })
      }
      if (attempt >= maxRetries || !isRetryableError(failure, { generation: kind !== 'quick' })) throw failure
      await sleep(retryDelayMs(attempt + 1, failure.headers, { details: failure.details }), call.signal).catch(() => { throw abortError(call.signal!) })
    }
  }

  function abortError(signal: AbortSignal): UserAbortError {
    return new UserAbortError(`${provider}: aborted by the caller`, { provider, cause: signal.reason, secrets })
  }

  /** Parses a unary 2xx body: empty, HTML and invalid JSON become typed errors; disguised errors throw. */
  async function readJson({ response, text }: { response: Response; text: string }): Promise<unknown> {
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch (cause) {
      throw (await errorBodies()).malformedResponseError({ status: response.status, headers: response.headers, bodyText: text, provider, secrets, cause })
    }
    if (findBodyError(body) !== undefined) {
      const disguised = (await errorBodies()).errorInBody(body, { status: response.status, headers: response.headers, bodyText: text, provider, secrets })
      if (disguised) throw disguised
    }
    return body
  }

  // The request names and checks load with the first request; strict response checks only for clients that ask for them.
  let normalizer: Promise<[NameTable, typeof import('./normalize.ts')]> | undefined
  const requestSet = onDemand(dialect.validators.request)
  const strictSet = onDemand(dialect.validators.responseStrict)

  /** `undefined` when the body passes (no promise on the hot path); else a promise that rejects with the issues. */
  function checkResponse(name: string, body: unknown, response: Response): Promise<void> | undefined {
    if (validation === 'off') return undefined
    const set = validation === 'strict' ? strictSet.current() : dialect.validators.response
    if (!set) return strictSet.ready().then(() => checkResponse(name, body, response))
    if (set.checks[name]?.(body)) return undefined
    return issuesOf(set, name, body).then((issues) => {
      if (issues.length) throw new ResponseValidationError(issues, body, { provider, status: response.status, headers: response.headers, secrets })
    })
  }

  function checkRequest(operationId: string, body: unknown, call: CallOptions): Promise<void> | undefined {
    if ((call.requestValidation ?? options.requestValidation ?? 'strict') === 'off') return undefined
    const unplaced = dialect.unplaced?.filter((key) => (body as Record<string, unknown>)[key] !== undefined)
    if (unplaced?.length) {
      const issues = unplaced.map((key) => ({ path: '', message: `"${key}": ${provider} has no place for this field and would drop it; leave it out, or send this request through another provider` }))
      return Promise.reject(new RequestValidationError(issues, { provider, secrets }))
    }
    const name = `${operationId}Request`
    const set = requestSet.current()
    if (!set) return requestSet.ready().then(() => checkRequest(operationId, body, call))
    if (set.checks[name]?.(body)) return undefined
    return issuesOf(set, name, body).then((issues) => {
      if (issues.length) throw new RequestValidationError(issues, { provider, secrets })
    })
  }

  /**
   * A generate response must say something: at least one candidate, or a verdict on the prompt (see
   * answer.ts).
   */
  function requireAnswer(body: any, response: Response, text: string): GenerateContentResponse {
    if (!holdsAnswer(body)) {
      throw new MalformedResponseError(`${provider}: ${response.status}: the response holds no answer (no candidates and no blocked prompt)`, {
        provider, status: response.status, headers: response.headers, rawBody: text, secrets,
      })
    }
    return body
  }

  /** The canonical body (proto-JSON spellings read, see normalize.ts), then the dialect's wire form. */
  async function wireRequest(params: { model: string }, bodyName: string, mapToWire = true): Promise<{ model: string; body: Record<string, unknown> }> {
    const { model, ...rest } = params
    if (typeof model !== 'string' || !model) throw new RequestValidationError([{ path: '/model', message: 'must be a non-empty string' }], { provider, secrets })
    const [names, { normalizeRequest }] = await (normalizer ??= Promise.all([dialect.validators.names(), import('./normalize.ts')]))
    const canonical = normalizeRequest(names, bodyName, rest) as Omit<GenerateContentParams, 'model'>
    return { model: bareModel(model), body: mapToWire && dialect.toWire ? dialect.toWire(canonical) : canonical }
  }

  function unsupported(op: string): never {
    throw new ConfigurationError(`${provider}: ${op} is not offered by this provider`, { provider })
  }

  const client: GatewayClient<Paths, Documented, Extra> = {
    provider,
    raw,

    async generateContent(params, call = {}) {
      const route = dialect.routes.generate
      const { model, body } = await wireRequest(params, 'generateContentRequest')
      await checkRequest(route.operationId, body, call)
      const answer = await send(route, { path: { model, ...route.pathParams }, body }, call, 'generate')
      const json = await readJson(answer)
      await checkResponse(`${route.operationId}Response200`, json, answer.response)
      if (!dialect.fromWire) return requireAnswer(json, answer.response, answer.text)
      // The wire schema may accept a wrapper or a bare body; what the caller gets must be a response.
      const canonical = dialect.fromWire(json)
      await checkResponse('GenerateContentResponse', canonical, answer.response)
      return requireAnswer(canonical, answer.response, answer.text)
    },

    async *streamGenerateContent(params, call = {}) {
      const route = dialect.routes.stream ?? unsupported('streamGenerateContent')
      const { model, body } = await wireRequest(params, 'streamGenerateContentRequest')
      await checkRequest(route.operationId, body, call)
      const attempt = await send(route, { path: { model, ...route.pathParams }, query: { alt: 'sse' }, body }, call, 'stream')
      yield* streamChunks({
        response: attempt.response,
        body: attempt.body,
        provider,
        secrets,
        signal: call.signal,
        baseUrl,
        idleTimeout: attempt.timeout,
        attempts: attempt.attempts,
        abort: attempt.abort,
        check: (chunk) => checkResponse('GenerateContentResponse', chunk, attempt.response),
        fromWire: dialect.fromWire,
      })
    },

    async countTokens(params, call = {}) {
      const route = dialect.routes.countTokens ?? unsupported('countTokens')
      const { model, body } = await wireRequest(params, 'countTokensRequest', false)
      await checkRequest(route.operationId, body, call)
      const answer = await send(route, { path: { model }, body }, call, 'quick')
      const json = await readJson(answer)
      await checkResponse(`${route.operationId}Response200`, json, answer.response)
      return json as CountTokensResponse
    },

    async *listModels(call = {}) {
      const route = dialect.routes.listModels ?? unsupported('listModels')
      let pageToken: string | undefined
      const seen = new Set<string>()
      do {
        const query: Record<string, string | number> = {}
        if (call.pageSize) query.pageSize = call.pageSize
        if (pageToken) query.pageToken = pageToken
        const answer = await send(route, { query }, call, 'quick')
        const json = await readJson(answer)
        await checkResponse(`${route.operationId}Response200`, json, answer.response)
        const page = dialect.modelsFromWire ? dialect.modelsFromWire(json) : (json as { models?: Model[]; nextPageToken?: string })
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
      const route = dialect.routes.getModel ?? unsupported('getModel')
      const answer = await send(route, { path: { model: bareModel(model) } }, call, 'quick')
      const json = await readJson(answer)
      await checkResponse(`${route.operationId}Response200`, json, answer.response)
      return json as Model
    },
  }
  return client
}
