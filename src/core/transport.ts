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
import { credentialValues } from './internal/redact.ts'
import type { CallOptions } from './types.ts'

/** Retries after the first attempt, unless the caller sets `maxRetries`. */
export const DEFAULT_MAX_RETRIES = 2
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
  allowDuplicateGenerations?: boolean | undefined
  /** The API version to call (`v1` maps to the provider's own segment); the routes are written with `v1beta`'s. */
  apiVersion?: 'v1beta' | 'v1' | undefined
}

/** A time limit and the option that sets it (named in the TimeoutError's message). */
export interface Limit {
  ms: number
  option: string
}

/** Generations run for minutes and are billed; the other calls answer at once. */
export type CallKind = 'stream' | 'generate' | 'quick'

export interface RouteInit {
  path?: Record<string, string>
  query?: Record<string, string | number>
  body?: unknown
}

/** What every answer carries: the response, how many attempts it took, and the values its errors must never show. */
interface Answered {
  response: Response
  attempts: number
  secrets: readonly string[]
}

/** A unary 2xx answer: its JSON, and the text it was parsed from (kept for error messages). */
export interface JsonAnswer extends Answered {
  text: string
  json: unknown
}

/** A streaming 2xx answer whose body is unread, and what the stream reader needs to end its exchange. */
export interface StreamAnswer extends Answered {
  abort: () => void
  timeout: Limit
}

export interface Transport {
  readonly provider: Dialect['name']
  readonly baseUrl: string
  /** Values never to show in an error: the key and the credential headers of every request (see {@link callSecrets}). */
  readonly secrets: readonly string[]
  /** The openapi-fetch client every request goes through, typed by the provider file. */
  readonly raw: Client<any>
  use(...middleware: Middleware[]): void
  eject(...middleware: Middleware[]): void
  /** The secrets of one call: the client's, and the credentials among the call's own headers. */
  callSecrets(call: CallOptions): readonly string[]
  send(route: Route, init: RouteInit, call: CallOptions, kind: 'generate' | 'quick'): Promise<JsonAnswer>
  send(route: Route, init: RouteInit, call: CallOptions, kind: 'stream'): Promise<StreamAnswer>
  abortError(signal: AbortSignal, secrets?: readonly string[]): UserAbortError
}

/**
 * Strips a trailing slash and a trailing version segment (`/v1beta`, `/v1`, Vertex AI's `/v1beta1`), then what the
 * routes start with before their version (litellm's `/gemini`), since every route carries both.
 */
export function normalizeBaseUrl(url: string, dialect?: Pick<Dialect, 'routes'>): string {
  const prefix = dialect?.routes.generate.path.split(/\/v1(?:beta1?)?\//)[0] ?? ''
  const out = url
    .trim()
    .replace(/\/+$/, '')
    .replace(/(\w)\/v1(?:beta1?)?$/, '$1')
  return prefix !== '' && out.endsWith(prefix) ? out.slice(0, -prefix.length) : out
}

/**
 * What openapi-fetch is given as its `Request` for a call no middleware sees: the URL and init, handed to fetch
 * as they are, so that no `Request` is built twice per call (fetch builds its own). With middleware, openapi-fetch
 * builds standard `Request`s, as its middleware expects.
 */
class WireRequest {
  readonly method: string
  constructor(
    readonly url: string,
    readonly init: RequestInit,
  ) {
    this.method = init.method ?? 'GET'
  }
}

// What a failure needs (whether to send again, and when) loads with the first failure: an answer that comes at once never needs it.
let policyModule: Promise<typeof import('./sending-policy.ts')> | undefined
let retryModule: Promise<typeof import('./retry.ts')> | undefined

/** Errors from decompressing a body (zlib, brotli): the bytes are wrong, not the connection. */
function isDecodingError(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && /^(Z_|ERR_ZLIB|ERR_BROTLI)/.test(e.code)) return true
  }
  return false
}

/** A header value fetch would refuse (a line break, a NUL): found when the client is made, not at the first call. */
function refuseBadValue(provider: Dialect['name'], what: string, value: string): void {
  const trimmed = value.trim()
  const at = trimmed.search(/[\r\n\0]/)
  if (at !== -1) {
    const char = trimmed[at] === '\0' ? 'a NUL character' : 'a line break'
    throw new ConfigurationError(`${provider}: ${what} holds ${char} at character ${at + 1} of ${trimmed.length} (pasted from a wrapped line?); remove it`, {
      provider,
    })
  }
}

/** openapi-fetch's own rule for what may be registered as middleware (its `use()` throws the same). */
function checkMiddleware(m: unknown): m is Middleware {
  if (!m) return false
  if (typeof m !== 'object' || !('onRequest' in m || 'onResponse' in m || 'onError' in m)) {
    throw new Error('Middleware must be an object with one of `onRequest()`, `onResponse() or `onError()`')
  }
  return true
}

const RAW_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const

export function createTransport(dialect: Dialect, options: TransportOptions): Transport {
  const provider = dialect.name
  // Surrounding whitespace is trimmed, as fetch trims a header value; a break inside is refused.
  const apiKey = options.apiKey.trim()
  refuseBadValue(provider, 'the API key', apiKey)
  for (const [name, value] of Object.entries(options.headers ?? {})) if (typeof value === 'string') refuseBadValue(provider, `header ${name}`, value)
  // An empty key (keyless, where the spec allows it) is ignored by redaction.
  const secrets = [apiKey, ...credentialValues(options.headers)]
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? dialect.defaultBaseUrl, dialect)
  // apiVersion: every route's version segment becomes that version's (Vertex AI: v1beta1 → v1); a provider without it refuses.
  const versions = dialect.apiVersions ?? {}
  const version = options.apiVersion === undefined || options.apiVersion === 'v1beta' ? undefined : versions[options.apiVersion]
  if (options.apiVersion && !version && options.apiVersion !== 'v1beta')
    throw new ConfigurationError(`${provider}: apiVersion ${options.apiVersion} is not served by ${provider} (it serves ${Object.keys(versions)})`, {
      provider,
    })
  if (!/^https?:\/\//.test(baseUrl)) throw new ConfigurationError(`${provider}: baseUrl must start with http:// or https://`, { provider })
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES
  const generationLimit: Limit = { ms: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, option: 'timeoutMs' }
  const quickLimit: Limit =
    options.quickTimeoutMs !== undefined
      ? { ms: options.quickTimeoutMs, option: 'quickTimeoutMs' }
      : generationLimit.ms < DEFAULT_QUICK_TIMEOUT_MS
        ? generationLimit
        : { ms: DEFAULT_QUICK_TIMEOUT_MS, option: 'quickTimeoutMs' }
  // No key only where the spec allows it (keyOptional: the credential headers stand in for it).
  const auth: Record<string, string> =
    apiKey === '' ? {} : dialect.auth.kind === 'bearer' ? { authorization: `Bearer ${apiKey}` } : { [dialect.auth.name]: apiKey }
  const fetchImpl = options.fetch ?? defaultFetch
  // Error bodies are kept as the server wrote them (openapi-fetch would hand them over parsed).
  const errorText = new WeakMap<Response, string>()
  // What fetch itself threw (the network edge): everything else thrown by a call is the caller's own.
  const fromFetch = new WeakSet<object>()

  /** The network edge: what fetch throws (or reading an error body) is marked as its own; an error body is read as the server wrote it. */
  async function edge(request: Request): Promise<Response> {
    try {
      const response = request instanceof WireRequest ? await fetchImpl(request.url, request.init) : await fetchImpl(request)
      if (response.ok) return response
      const text = await response.text()
      const copy = new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers })
      errorText.set(copy, text)
      return copy
    } catch (error) {
      if (typeof error === 'object' && error !== null) fromFetch.add(error)
      throw error
    }
  }

  const client = createFetchClient<any>({
    baseUrl,
    headers: { ...options.headers, ...auth },
    // Redirects are not followed: fetch strips Authorization on a cross-origin hop, but not x-goog-api-key or
    // X-API-Key. A 3xx surfaces as an APIStatusError instead.
    redirect: 'manual',
    fetch: edge,
  })

  // The client's middleware, handed to openapi-fetch with each request (its documented per-request `middleware`
  // option): the list a call runs is the list checked here, so the fast path cannot drift from it.
  const middleware: Middleware[] = []
  const use = (...added: Middleware[]): void => {
    for (const m of added) if (checkMiddleware(m)) middleware.push(m)
  }
  const eject = (...removed: Middleware[]): void => {
    for (const m of removed) {
      const i = middleware.indexOf(m)
      if (i !== -1) middleware.splice(i, 1)
    }
  }
  const withMiddleware = (init: any): any => (middleware.length === 0 ? init : { ...init, middleware: [...middleware, ...(init?.middleware ?? [])] })
  const raw = {
    ...client,
    use,
    eject,
    request: (method: any, url: any, init: any) => client.request(method, url, withMiddleware(init)),
    ...Object.fromEntries(RAW_METHODS.map((m) => [m, (url: any, init: any) => (client[m] as any)(url, withMiddleware(init))])),
  } as Client<any>

  function callSecrets(call: CallOptions): readonly string[] {
    return call.headers === undefined ? secrets : [...secrets, ...credentialValues(call.headers)]
  }

  function abortError(signal: AbortSignal, callSecrets: readonly string[] = secrets): UserAbortError {
    return new UserAbortError(`${provider}: aborted by the caller`, { provider, cause: signal.reason, secrets: callSecrets })
  }

  /** Parses a unary 2xx body; empty, HTML and invalid JSON become typed errors, and an error disguised as a 200 is returned as one. */
  async function parse(response: Response, text: string, secrets: readonly string[]): Promise<{ json: unknown } | { failure: GeminiGatewayError }> {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (cause) {
      throw (await errorBodies()).malformedResponseError({ status: response.status, headers: response.headers, bodyText: text, provider, secrets, cause })
    }
    if (findBodyError(json) !== undefined) {
      const disguised = (await errorBodies()).errorInBody(json, { status: response.status, headers: response.headers, bodyText: text, provider, secrets })
      if (disguised) return { failure: disguised }
    }
    return { json }
  }

  /** Whether `error`, or an error it wraps (a middleware's onError may wrap it), came out of fetch itself. */
  function thrownByFetch(error: unknown): unknown {
    for (let e: any = error, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause, depth++) if (fromFetch.has(e)) return e
    return undefined
  }

  /**
   * One HTTP exchange, sent again as the sending policy (sending-policy.ts) allows. Unary: the 2xx body is read inside
   * the attempt, so a reset while reading counts as a lost connection. Stream: resolves at the headers, body unread (a
   * stream is never sent again once it has started).
   */
  async function send(route: Route, init: RouteInit, call: CallOptions, kind: CallKind): Promise<JsonAnswer | StreamAnswer> {
    const limit: Limit = call.timeoutMs !== undefined ? { ms: call.timeoutMs, option: 'timeoutMs' } : kind === 'quick' ? quickLimit : generationLimit
    const operation = kind === 'quick' ? 'quick' : 'generation'
    const policy = { allowDuplicateGenerations: call.allowDuplicateGenerations ?? options.allowDuplicateGenerations }
    let secrets = callSecrets(call)
    // With middleware, each Request that goes out adds the credentials a middleware set to what errors scrub.
    const observe =
      middleware.length === 0
        ? undefined
        : (request: Request) => {
            const seen = credentialValues(request.headers).filter((v) => !secrets.includes(v))
            if (seen.length) secrets = [...secrets, ...seen]
          }
    for (let attempt = 1; ; attempt++) {
      const started = Date.now()
      if (call.signal?.aborted) throw abortError(call.signal, secrets)
      const controller = new AbortController()
      let timedOut = false
      const onAbort = (): void => controller.abort(call.signal?.reason)
      call.signal?.addEventListener('abort', onAbort, { once: true })
      const timer = setTimeout(() => {
        timedOut = true
        controller.abort()
      }, limit.ms)
      const done = (): void => {
        clearTimeout(timer)
        call.signal?.removeEventListener('abort', onAbort)
      }
      let failure: GeminiGatewayError | undefined
      let exchange: { response: Response; text: string } | undefined
      let readingBody = false
      try {
        const { response } = await client.request(route.method as 'post', version ? route.path.replace(`/${versions.v1beta}/`, `/${version}/`) : route.path, {
          params: { path: init.path, query: init.query },
          body: init.body,
          headers: call.headers,
          parseAs: 'stream',
          signal: controller.signal,
          ...(observe === undefined
            ? { Request: WireRequest as unknown as typeof Request }
            : {
                middleware,
                fetch: (request: Request) => {
                  observe(request)
                  return edge(request)
                },
              }),
        })
        if (response.ok && kind === 'stream') {
          done() // the stream's own idle timer takes over
          return { response, secrets, timeout: limit, attempts: attempt, abort: () => controller.abort() }
        }
        readingBody = response.ok
        // A middleware may have replaced an error response; then its own body is the text.
        const text = response.ok ? await response.text() : (errorText.get(response) ?? (await response.text().catch(() => '')))
        done()
        exchange = { response, text }
      } catch (cause) {
        done()
        if (call.signal?.aborted) throw abortError(call.signal, secrets)
        if (isDecodingError(cause)) {
          // A body that cannot be decompressed will not decode on a second try either.
          throw new MalformedResponseError(`${provider}: the response body could not be decoded (${(cause as Error)?.message ?? cause})`, {
            provider,
            cause,
            secrets,
          })
        }
        const bodies = await errorBodies()
        if (!readingBody && !timedOut) {
          const own = bodies.callerError({ provider, cause, fetched: thrownByFetch(cause), secrets })
          if (own) throw own
        }
        failure = bodies.transportError({
          provider,
          baseUrl,
          cause,
          secrets,
          phase: readingBody ? 'body' : 'response',
          timeout: timedOut ? limit : undefined,
          attempts: attempt,
          elapsedMs: Date.now() - started,
        })
      }
      if (exchange) {
        const { response, text } = exchange
        if (response.ok) {
          const parsed = await parse(response, text, secrets)
          if ('json' in parsed) return { response, secrets, attempts: attempt, text, json: parsed.json }
          failure = parsed.failure
        } else {
          failure = (await errorBodies()).errorFromResponse({ status: response.status, headers: response.headers, bodyText: text, provider, secrets })
        }
      }
      if (attempt > maxRetries) throw failure
      policyModule ??= import('./sending-policy.ts')
      if (!(await policyModule).judge(failure, operation, policy).retry) throw failure
      retryModule ??= import('./retry.ts')
      const { retryDelayMs, sleep } = await retryModule
      await sleep(retryDelayMs(attempt, failure!.headers, { details: failure!.details }), call.signal).catch(() => {
        throw abortError(call.signal!, secrets)
      })
    }
  }

  return { provider, baseUrl, secrets, raw, use, eject, callSecrets, send: send as Transport['send'], abortError }
}
