/**
 * Sending, in one place: the URL and auth (through the one openapi-fetch client, so that middleware registered
 * with `use()` sees every request), timeouts, retries, and turning every failure into a typed error. The client
 * above it only says which route, which body and what kind of call.
 */
import createFetchClient, { type Client, type Middleware } from 'openapi-fetch'
// Per runtime (package.json "imports"): on Node and Bun, a fetch without the runtime's own 300 s waits.
import { defaultFetch } from '#fetch'
import type { Dialect, Route } from './dialect.ts'
import { ConfigurationError, MalformedResponseError, UserAbortError, type GeminiGatewayError } from './errors.ts'
import { findBodyError } from './internal/body.ts'
import { loadErrorBodies as errorBodies } from './internal/load-error-bodies.ts'
import { DEFAULT_MAX_RETRIES, isRetryableError, retryDelayMs, sleep } from './retry.ts'
import type { CallOptions } from './types.ts'

/** Generations: 10 minutes per attempt, as openai-node and anthropic-sdk-typescript give theirs. */
export const DEFAULT_TIMEOUT_MS = 600_000
/** Calls that answer at once: long enough for a slow upload (countTokens of a big file), short enough that a dead host fails fast. */
export const DEFAULT_QUICK_TIMEOUT_MS = 30_000

/** What the transport takes from the client's options. */
export interface TransportOptions {
  apiKey: string
  baseUrl?: string | undefined
  fetch?: typeof globalThis.fetch | undefined
  headers?: Record<string, string> | undefined
  maxRetries?: number | undefined
  timeoutMs?: number | undefined
  quickTimeoutMs?: number | undefined
}

/** A time limit and the option that sets it (named in the TimeoutError's message). */
export interface Limit { ms: number; option: string }

/** Generations run for minutes and are billed; the other calls answer at once. */
export type CallKind = 'stream' | 'generate' | 'quick'

export interface RouteInit { path?: Record<string, string>; query?: Record<string, string | number>; body?: unknown }

/** A unary 2xx answer: its JSON, and the text it was parsed from (kept for error messages). */
export interface JsonAnswer { response: Response; text: string; json: unknown }

/** A streaming 2xx answer whose body is unread, and what the stream reader needs to end its exchange. */
export interface StreamAnswer { response: Response; abort: () => void; timeout: Limit; attempts: number }

export interface Transport {
  readonly provider: Dialect['name']
  readonly baseUrl: string
  /** Values never to show in an error (the key). */
  readonly secrets: readonly string[]
  /** The openapi-fetch client every request goes through. */
  readonly raw: Client<any>
  send(route: Route, init: RouteInit, call: CallOptions, kind: 'generate' | 'quick'): Promise<JsonAnswer>
  send(route: Route, init: RouteInit, call: CallOptions, kind: 'stream'): Promise<StreamAnswer>
  abortError(signal: AbortSignal): UserAbortError
}

/** Strips a trailing slash and a trailing version segment, since every route starts with its version. */
function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/(v1beta|v1)$/, '')
}

/**
 * What openapi-fetch is given as its `Request` while no middleware is registered: the URL and init, handed to fetch
 * as they are, so that no `Request` is built twice per call (fetch builds its own). With middleware, openapi-fetch
 * builds standard `Request`s, as its middleware expects.
 */
class WireRequest {
  readonly method: string
  constructor(readonly url: string, readonly init: RequestInit) {
    this.method = init.method ?? 'GET'
  }
}

/** Errors from decompressing a body (zlib, brotli): the bytes are wrong, not the connection. */
function isDecodingError(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && /^(Z_|ERR_ZLIB|ERR_BROTLI)/.test(e.code)) return true
  }
  return false
}

export function createTransport(dialect: Dialect, options: TransportOptions): Transport {
  const provider = dialect.name
  const { apiKey } = options
  const secrets = [apiKey]
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? dialect.defaultBaseUrl)
  if (!/^https?:\/\//.test(baseUrl)) throw new ConfigurationError(`${provider}: baseUrl must start with http:// or https://`, { provider })
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES
  const generationLimit: Limit = { ms: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, option: 'timeoutMs' }
  const quickLimit: Limit =
    options.quickTimeoutMs !== undefined ? { ms: options.quickTimeoutMs, option: 'quickTimeoutMs' }
    : generationLimit.ms < DEFAULT_QUICK_TIMEOUT_MS ? generationLimit
    : { ms: DEFAULT_QUICK_TIMEOUT_MS, option: 'quickTimeoutMs' }
  const auth: Record<string, string> = dialect.auth.kind === 'bearer' ? { authorization: `Bearer ${apiKey}` } : { [dialect.auth.name]: apiKey }
  const fetchImpl = options.fetch ?? defaultFetch
  // Error bodies are kept as the server wrote them (openapi-fetch would hand them over parsed).
  const errorText = new WeakMap<Response, string>()

  const client = createFetchClient<any>({
    baseUrl,
    headers: { ...options.headers, ...auth },
    // Redirects are not followed: fetch strips Authorization on a cross-origin hop, but not x-goog-api-key or
    // X-API-Key. A 3xx surfaces as an APIStatusError instead.
    redirect: 'manual',
    fetch: async (request: Request) => {
      const response = request instanceof WireRequest ? await fetchImpl(request.url, request.init) : await fetchImpl(request)
      if (response.ok) return response
      const text = await response.text()
      const copy = new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers })
      errorText.set(copy, text)
      return copy
    },
  })
  let middlewares = 0
  const raw: Client<any> = {
    ...client,
    use: (...added: Middleware[]) => { middlewares += added.length; client.use(...added) },
    eject: (...removed: Middleware[]) => { middlewares = Math.max(0, middlewares - removed.length); client.eject(...removed) },
  }

  function abortError(signal: AbortSignal): UserAbortError {
    return new UserAbortError(`${provider}: aborted by the caller`, { provider, cause: signal.reason, secrets })
  }

  /** Parses a unary 2xx body: empty, HTML and invalid JSON become typed errors; an error disguised as a 200 throws. */
  async function parse(response: Response, text: string): Promise<unknown> {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (cause) {
      throw (await errorBodies()).malformedResponseError({ status: response.status, headers: response.headers, bodyText: text, provider, secrets, cause })
    }
    if (findBodyError(json) !== undefined) {
      const disguised = (await errorBodies()).errorInBody(json, { status: response.status, headers: response.headers, bodyText: text, provider, secrets })
      if (disguised) throw disguised
    }
    return json
  }

  /**
   * One HTTP exchange with retries. Unary: the 2xx body is read inside the attempt, so a reset while reading is
   * retried like one before the headers, for quick calls; a generation that was sent is never sent again, neither
   * after its timeout nor after a lost connection (see isRetryableError). Stream: resolves at the headers, body
   * unread (a stream is never retried once it has started).
   */
  async function send(route: Route, init: RouteInit, call: CallOptions, kind: CallKind): Promise<JsonAnswer | StreamAnswer> {
    const limit: Limit = call.timeoutMs !== undefined ? { ms: call.timeoutMs, option: 'timeoutMs' } : kind === 'quick' ? quickLimit : generationLimit
    for (let attempt = 1; ; attempt++) {
      const started = Date.now()
      if (call.signal?.aborted) throw abortError(call.signal)
      const controller = new AbortController()
      let timedOut = false
      const onAbort = (): void => controller.abort(call.signal?.reason)
      call.signal?.addEventListener('abort', onAbort, { once: true })
      const timer = setTimeout(() => { timedOut = true; controller.abort() }, limit.ms)
      const done = (): void => { clearTimeout(timer); call.signal?.removeEventListener('abort', onAbort) }
      let failure!: GeminiGatewayError // set by the catch, or below from an error response
      let exchange: { response: Response; text: string } | undefined
      let readingBody = false
      try {
        const { response } = await client.request(route.method as 'post', route.path, {
          params: { path: init.path, query: init.query },
          body: init.body,
          headers: call.headers,
          parseAs: 'stream',
          signal: controller.signal,
          ...(middlewares === 0 && { Request: WireRequest as unknown as typeof Request }),
        })
        if (response.ok && kind === 'stream') {
          done() // the stream's own idle timer takes over
          return { response, timeout: limit, attempts: attempt, abort: () => controller.abort() }
        }
        readingBody = response.ok
        // A middleware may have replaced an error response; then its own body is the text.
        const text = response.ok ? await response.text() : errorText.get(response) ?? (await response.text().catch(() => ''))
        done()
        exchange = { response, text }
      } catch (cause) {
        done()
        if (call.signal?.aborted) throw abortError(call.signal)
        if (isDecodingError(cause)) {
          // A body that cannot be decompressed will not decode on a second try either.
          throw new MalformedResponseError(`${provider}: the response body could not be decoded (${(cause as Error)?.message ?? cause})`, { provider, cause, secrets })
        }
        failure = (await errorBodies()).transportError({
          provider, baseUrl, cause, secrets, phase: readingBody ? 'body' : 'response', timeout: timedOut ? limit : undefined, attempts: attempt, elapsedMs: Date.now() - started,
        })
      }
      if (exchange) {
        const { response, text } = exchange
        if (response.ok) return { response, text, json: await parse(response, text) }
        failure = (await errorBodies()).errorFromResponse({ status: response.status, headers: response.headers, bodyText: text, provider, secrets })
      }
      if (attempt > maxRetries || !isRetryableError(failure, { generation: kind !== 'quick' })) throw failure
      await sleep(retryDelayMs(attempt, failure.headers, { details: failure.details }), call.signal).catch(() => { throw abortError(call.signal!) })
    }
  }

  return { provider, baseUrl, secrets, raw, send: send as Transport['send'], abortError }
}
