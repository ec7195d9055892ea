/**
 * What a dialect of the local gateway must define, plus helpers several dialects share.
 * Each file in `./dialects/` holds only what differs between gateways; the HTTP mechanics live in `./server.ts`
 * (lifecycle), `./routing.ts`, `./scenarios.ts`, `./replies.ts` and `./request-log.ts`.
 * @internal
 */
import type { IncomingHttpHeaders } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { Provider } from '../../generated/registry.ts'
import type { RecordedEvent } from './recordings.ts'

/** Operations the gateways serve. `openaiModels` is new-api's `GET /v1/models`. */
export type GatewayOperation = 'generate' | 'stream' | 'countTokens' | 'listModels' | 'getModel' | 'openaiModels'

/** A matched route. `model` is the bare id from the path; `alt` is the `alt` query value if any. */
export interface GatewayRoute {
  op: GatewayOperation
  model?: string
  alt?: string
}

/** A complete response: status, headers, body. */
export interface Reply {
  status: number
  headers: Record<string, string>
  body: string
}

/** Error kinds a dialect renders in its own shape. */
export type ErrorKind =
  | 'rate-limit'
  | 'overloaded'
  | 'server-error'
  | 'error-200'
  | 'unknown-model'
  | 'auth'
  | 'bad-request'
  /** Google's own 400 INVALID_ARGUMENT for a request it read but refuses (e.g. a bad role), as each relay forwards it. */
  | 'invalid-argument'

/** What a dialect may need to word an error. */
export interface ErrorContext {
  /** The request was a streaming one (google still answers errors as plain JSON, but labelled `text/event-stream`). */
  stream: boolean
  method: string
  path: string
  model?: string
  /** For `bad-request`: what was wrong. */
  message?: string
}

/** What a dialect made of a generateContent body. */
export interface BodyReading {
  /** Canonical camelCase request as the gateway will act on it, without `contents`. */
  effective: Record<string, unknown>
  /** `contents` as read (may be missing). */
  contents: unknown
  /** Top-level keys silently dropped. */
  ignoredKeys: string[]
  /** A relay that decodes the body and encodes it again (newapi): the whole body it passes on. */
  forwarded?: Record<string, unknown>
  /** JSON pointers of every field silently dropped, nested ones included (newapi). */
  dropped?: string[]
  /** Set when the gateway rejects the body (400). */
  error?: string
}

/** How a dialect frames a stream. Each string is one socket write. */
export interface StreamFraming {
  headers: Record<string, string>
  /** Written before the first event (e.g. `: PING`). */
  start: string[]
  /** One write, or several (a relay that passes on upstream bytes as they came, split anywhere). */
  event(ev: RecordedEvent, index: number): string | string[]
  /** Written after the last event (e.g. `data: [DONE]`); also after a cut stream. */
  end: string[]
  /** What follows the events when the upstream fails mid-stream; `undefined` = the stream just ends. */
  midStreamError(): string | undefined
}

/** Context of a successful answer. */
export interface AnswerContext {
  model: string
  route: GatewayRoute
  /** apimart only: wrap unary answers in its envelope. */
  envelope: boolean
}

/** One gateway's behaviour. */
export interface GatewayDialect {
  provider: Provider
  /** The path the gateway's URL ends in (cloudflare's `/v1/{account}/{gateway}/google-ai-studio`); `gw.url` includes it. */
  basePath?: string
  route(method: string, path: string, query: URLSearchParams): GatewayRoute | undefined
  notFound(method: string, path: string): Reply
  /** `undefined` when the key is accepted; otherwise the auth error to send. `gatewayToken`: cloudflare's, when its gateway is authenticated. */
  checkAuth(
    headers: IncomingHttpHeaders,
    query: URLSearchParams,
    apiKey: string,
    ctx: ErrorContext,
    gateway?: { gatewayToken?: string | undefined },
  ): Reply | undefined
  error(kind: ErrorKind, ctx: ErrorContext): Reply
  readBody(body: Record<string, unknown>): BodyReading
  /** Model ids the gateway serves (its documented or recorded catalogue); any other gets its `unknown-model` error. */
  models: readonly string[]
  /** Content type of a successful unary JSON answer (used when stalling or cutting one). */
  unaryContentType: string
  unary(value: Record<string, unknown>, rawText: string, ctx: AnswerContext): Reply
  framing(ctx: AnswerContext): StreamFraming
  countTokens?(rawText: string): Reply
  listModels?(query: URLSearchParams, ctx: ErrorContext): Reply
  getModel?(model: string, ctx: ErrorContext): Reply
  openaiModels?(): Reply
}

/** Canonical GenerateContentRequest top-level fields other than `contents` (camelCase). */
export const REQUEST_FIELDS = [
  'generationConfig',
  'systemInstruction',
  'safetySettings',
  'tools',
  'toolConfig',
  'cachedContent',
  'model',
  'serviceTier',
  'store',
  'continuationToken',
] as const

/** Content type the Go relays send with JSON. */
export const RELAY_JSON = 'application/json; charset=utf-8'

/** A JSON reply; `pretty` = Google's 2-space indent plus trailing newline. */
export function jsonReply(status: number, value: unknown, contentType: string, pretty = false, headers: Record<string, string> = {}): Reply {
  const body = pretty ? `${JSON.stringify(value, null, 2)}\n` : JSON.stringify(value)
  return { status, headers: { 'content-type': contentType, ...headers }, body }
}

/** The page nginx answers when its upstream is down (relays sit behind one; so can a corporate proxy). */
export function badGatewayHtml(): Reply {
  const body =
    '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
    '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'
  return { status: 502, headers: { 'content-type': 'text/html', server: 'nginx' }, body }
}

/** apimart's `{"code": <status>, "msg": ..., "data": null}` at that HTTP status (or another, for error-200). */
export function envelope(code: number, msg: string, httpStatus = code): Reply {
  return jsonReply(httpStatus, { code, msg, data: null }, RELAY_JSON)
}

/** The `envelope-error` scenario, sent as is by every dialect. */
export const envelopeErrorReply = (): Reply => envelope(500, 'upstream error', 200)

const RELAY_PATH = /^\/(v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/

/**
 * The relays' only routes: `POST /v1beta/models/{model}:generateContent|streamGenerateContent` (any `alt`), and the
 * same under `/v1` for a relay that serves it (new-api: both reach its Gemini handler).
 */
export function relayRoute(method: string, path: string, query: URLSearchParams, versions: readonly string[] = ['v1beta']): GatewayRoute | undefined {
  const m = RELAY_PATH.exec(path)
  if (!m || method !== 'POST' || !versions.includes(m[1]!)) return undefined
  return {
    op: m[3] === 'generateContent' ? 'generate' : 'stream',
    model: decodeURIComponent(m[2] ?? ''),
    alt: query.get('alt') ?? undefined,
  }
}

/** Reads `Authorization: Bearer <key>`; `?key=` is refused so tests prove the client never sends it. */
export function checkBearer(headers: IncomingHttpHeaders, query: URLSearchParams, apiKey: string): 'ok' | 'missing' | 'invalid' {
  if (query.has('key')) return 'invalid'
  const m = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')
  if (!m) return 'missing'
  return m[1]?.trim() === apiKey ? 'ok' : 'invalid'
}

/** Reads a camelCase body the way a Go relay decoding into camelCase-tagged structs does: unknown keys vanish. */
export function readCamelBody(body: Record<string, unknown>): BodyReading {
  const effective: Record<string, unknown> = {}
  const ignoredKeys: string[] = []
  for (const [key, value] of Object.entries(body)) {
    if (key === 'contents') continue
    if ((REQUEST_FIELDS as readonly string[]).includes(key)) effective[key] = value
    else ignoredKeys.push(key)
  }
  return { effective, contents: body.contents, ignoredKeys, error: contentsProblem(body.contents) }
}

/** `undefined` when `contents` is a non-empty array; otherwise why not. */
export function contentsProblem(contents: unknown): string | undefined {
  if (!Array.isArray(contents) || contents.length === 0) return 'contents is required and must be a non-empty array'
  return undefined
}

/** Google's answer to a `contents[].role` other than these (its message names only the two documented ones). */
export const INVALID_ROLE = 'Please use a valid role: user, model.'

/**
 * Roles Google accepts: `user`, `model`, or none (its description: "Must be either 'user' or 'model' ... can be
 * left blank or unset"). `function` too: older SDKs sent it with function responses and the models served here
 * take it; only newer models (Gemini 3.6+) refuse it, with another message.
 */
const ROLES: ReadonlySet<string> = new Set(['user', 'model', 'function'])

/** {@link INVALID_ROLE} when some content has a role Google refuses; otherwise `undefined`. */
export function roleProblem(contents: unknown): string | undefined {
  if (!Array.isArray(contents)) return undefined
  const refused = contents.some((c: unknown) => {
    const role = c && typeof c === 'object' ? (c as Record<string, unknown>).role : undefined
    return typeof role === 'string' && role !== '' && !ROLES.has(role)
  })
  return refused ? INVALID_ROLE : undefined
}

/** A relay-style request id. */
export function requestId(prefix = 'req_'): string {
  return `${prefix}${randomBytes(12).toString('hex')}`
}

/** Adds `index` to candidates that lack it (anyfast does; Google often leaves it out). */
export function withCandidateIndex(value: Record<string, unknown>): Record<string, unknown> {
  const candidates = value.candidates
  if (!Array.isArray(candidates)) return value
  return {
    ...value,
    candidates: candidates.map((c: unknown, i) => (c && typeof c === 'object' && !('index' in c) ? { ...(c as Record<string, unknown>), index: i } : c)),
  }
}
