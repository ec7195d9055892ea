/**
 * Reads error bodies in every shape the gateways send and builds the matching error. Loaded on demand (the
 * client imports it dynamically when a response is an error), so it costs nothing on the success path.
 */
import {
  APIStatusError,
  type APIStatusErrorOptions,
  AuthenticationError,
  BadRequestError,
  CallerError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  MalformedResponseError,
  ModelUnavailableError,
  NotFoundError,
  PermissionDeniedError,
  type ProviderName,
  RateLimitError,
  StreamError,
  TimeoutError,
  UnprocessableEntityError,
} from '../errors.ts'
import { findBodyError, isPresent, isRecord, own } from './body.ts'
import { requestIdOf, type HeadersInput } from './headers.ts'
import { redactCause, redactSecrets, redactValue } from './redact.ts'
import { isLocalFetchFailure } from './local-failure.ts'
import { oneLine, raiseHint, withProvider } from './text.ts'

/** Codes and request ids are identifiers: anything longer is junk, cut it. */
const MAX_ID_LENGTH = 200
/** How much of a non-JSON body we look at to describe it. */
const SCAN_LENGTH = 64 * 1024
/** What the factories need to know about a response. */
export interface ResponseInput {
  status: number
  headers?: HeadersInput | undefined
  provider?: ProviderName | undefined
  secrets?: readonly string[] | undefined
}

type StatusErrorClass = new (message: string, options: APIStatusErrorOptions) => APIStatusError

/** The class for an HTTP status (openai-node's mapping). */
function classForStatus(status: number): StatusErrorClass {
  switch (status) {
    case 400:
      return BadRequestError
    case 401:
      return AuthenticationError
    case 403:
      return PermissionDeniedError
    case 404:
      return NotFoundError
    case 409:
      return ConflictError
    case 422:
      return UnprocessableEntityError
    case 429:
      return RateLimitError
    default:
      return status >= 500 ? InternalServerError : APIStatusError
  }
}

/** new-api's own errors (`type: new_api_error`; one-api, its parent, says `one_api_error`) that mean no channel serves the model. */
const NO_CHANNEL_TYPES = new Set(['new_api_error', 'one_api_error'])
const NO_CHANNEL_CODES = new Set(['model_not_found', 'get_channel_failed'])

/**
 * The class for what the body says, before the status: a bad Google key (400 with ErrorInfo `API_KEY_INVALID`) is
 * an AuthenticationError as a relay's 401 is, and a relay without a channel for the model says so whatever status a
 * channel setting gave it.
 */
function classFor(status: number, info: BodyInfo): StatusErrorClass {
  if (hasErrorReason(info.details, 'API_KEY_INVALID')) return AuthenticationError
  if (info.type !== undefined && NO_CHANNEL_TYPES.has(info.type) && NO_CHANNEL_CODES.has(String(info.code))) return ModelUnavailableError
  return classForStatus(status)
}

/** Whether Google's `details` hold a `google.rpc.ErrorInfo` with this `reason`. */
function hasErrorReason(details: unknown, reason: string): boolean {
  if (!Array.isArray(details)) return false
  return details.slice(0, 100).some((d) => isRecord(d) && String(own(d, '@type')).endsWith('google.rpc.ErrorInfo') && own(d, 'reason') === reason)
}

/** google.rpc.Code names → HTTP status (Google's own mapping), for in-body errors without a numeric code. */
const RPC_STATUS_TO_HTTP: ReadonlyMap<string, number> = new Map([
  ['INVALID_ARGUMENT', 400],
  ['FAILED_PRECONDITION', 400],
  ['OUT_OF_RANGE', 400],
  ['UNAUTHENTICATED', 401],
  ['PERMISSION_DENIED', 403],
  ['NOT_FOUND', 404],
  ['ABORTED', 409],
  ['ALREADY_EXISTS', 409],
  ['RESOURCE_EXHAUSTED', 429],
  ['CANCELLED', 499],
  ['UNKNOWN', 500],
  ['INTERNAL', 500],
  ['DATA_LOSS', 500],
  ['UNIMPLEMENTED', 501],
  ['UNAVAILABLE', 503],
  ['DEADLINE_EXCEEDED', 504],
])

/** What we could read out of a body. */
interface BodyInfo {
  /** One human-readable line. */
  text: string
  code?: string | number | undefined
  /** A numeric code from the body that may stand for an HTTP status. */
  numericCode?: number | undefined
  /** Google `status` name, when present. */
  rpcStatus?: string | undefined
  details?: unknown
  requestId?: string | undefined
  /** OpenAI-style `error.type` (`new_api_error`, `upstream_error`...). */
  type?: string | undefined
}

/**
 * Builds the right {@link APIStatusError} subclass from an HTTP error response. Never throws.
 *
 * Reads Google, OpenAI-style, nordlys and apimart-envelope JSON (also inside a JSON array), plain
 * text, proxy HTML pages and empty bodies. The message is one line,
 * `<provider>: <status>[ <code>]: <what the server said>`, e.g.
 * `anyfast: 429 RESOURCE_EXHAUSTED: You exceeded your current quota`; it never holds raw JSON or
 * HTML (an HTML page gives its `<title>`). `status` is always the HTTP status; the body is in
 * `rawBody` (its first 64 Ki characters).
 *
 * @example
 * if (!res.ok) throw errorFromResponse({ status: res.status, headers: res.headers, bodyText: await res.text(), provider, secrets: [apiKey] })
 */
export function errorFromResponse(input: ResponseInput & { bodyText: string }): APIStatusError {
  try {
    const status = validStatus(input.status) ?? 0
    // Redact before describing: the description cuts text, and a key cut in half would escape redaction.
    const info = describeBodyText(redactSecrets(input.bodyText, input.secrets ?? []))
    return buildStatusError(status, status, info, input, input.bodyText)
  } catch (cause) {
    // Unreachable in practice; the promise is "never throws", so degrade instead.
    return new APIStatusError(withProvider(input.provider, `${input.status}: unreadable error response`), {
      status: Number(input.status) || 0,
      provider: input.provider,
      cause,
      secrets: input.secrets,
    })
  }
}

/**
 * Inspects a parsed 2xx body. Returns an error when the body is an error in disguise, else `undefined`:
 * - a top-level `error` in any shape (Google, OpenAI-style, nordlys string), or an array holding one
 *   (Google's non-SSE stream form);
 * - an envelope `{code, msg | message | error, data}` whose `code` is not 200 or 0 (apimart);
 * - `{success: false, ...}`.
 *
 * The error's `status` is the status the body claims: its numeric code when that is 400–599 (so a
 * `{"code": 429}` envelope becomes a {@link RateLimitError}), else the Google status name's HTTP
 * equivalent (`RESOURCE_EXHAUSTED` → 429), else the real HTTP status, which makes it a plain
 * {@link APIStatusError} with a 2xx status. The message says `(HTTP 200)` when the two differ.
 * A blocked prompt or a SAFETY finish is a valid response, not an error: those give `undefined`.
 * `rawBody` is `bodyText` when given, else the body re-serialised. Never throws.
 */
export function errorInBody(body: unknown, input: ResponseInput & { bodyText?: string | undefined }): APIStatusError | undefined {
  try {
    const found = findBodyError(body)
    if (found === undefined) return undefined
    const httpStatus = validStatus(input.status) ?? 200
    const info = describeJson(redactValue(found, input.secrets ?? [], { keys: false }))
    const status = claimedStatus(info) ?? httpStatus
    return buildStatusError(status, httpStatus, info, input, input.bodyText ?? safeStringify(body))
  } catch {
    return undefined
  }
}

/**
 * Turns a parsed stream event into a {@link StreamError} when it carries an `error` (object, string,
 * or an array element holding one); else `undefined`. Never throws.
 */
export function streamErrorFromEvent(event: unknown, input: Omit<ResponseInput, 'status'> & { rawText?: string | undefined } = {}): StreamError | undefined {
  try {
    const found = findBodyError(event)
    if (found === undefined) return undefined
    const info = describeJson(redactValue(found, input.secrets ?? [], { keys: false }))
    const status = claimedStatus(info)
    const head = status === undefined ? 'stream error' : `stream error ${status}${codeLabel(info.code, status)}`
    return new StreamError(withProvider(input.provider, `${head}: ${info.text}`), {
      provider: input.provider,
      status,
      code: info.code,
      requestId: requestIdFrom(input.headers, info.requestId, input.secrets),
      rawBody: input.rawText ?? safeStringify(event),
      details: info.details,
      headers: input.headers,
      secrets: input.secrets,
    })
  } catch {
    return undefined
  }
}

/**
 * Builds a {@link MalformedResponseError} for a 2xx body that could not be used, with a short
 * description of what came instead (empty body, HTML page and its title, invalid JSON).
 */
export function malformedResponseError(input: ResponseInput & { bodyText: string; reason?: string | undefined; cause?: unknown }): MalformedResponseError {
  const status = validStatus(input.status) ?? 0
  const info = describeBodyText(redactSecrets(input.bodyText, input.secrets ?? []))
  const what = input.reason ?? 'expected a JSON body'
  return new MalformedResponseError(withProvider(input.provider, `${status}: ${what}, got: ${info.text}`), {
    provider: input.provider,
    status,
    requestId: requestIdFrom(input.headers, undefined, input.secrets),
    rawBody: input.bodyText,
    headers: input.headers,
    cause: input.cause,
    secrets: input.secrets,
  })
}

function buildStatusError(status: number, httpStatus: number, info: BodyInfo, input: ResponseInput, rawBody: string | undefined): APIStatusError {
  const via = status === httpStatus ? '' : ` (HTTP ${httpStatus})`
  const message = withProvider(input.provider, `${status}${codeLabel(info.code, status)}${via}: ${info.text}`)
  const Class = classFor(status, info)
  return new Class(message, {
    provider: input.provider,
    status,
    code: info.code,
    requestId: requestIdFrom(input.headers, info.requestId, input.secrets),
    rawBody,
    details: info.details,
    headers: input.headers,
    secrets: input.secrets,
  })
}

/** The HTTP status an in-body error stands for, if it says. */
function claimedStatus(info: BodyInfo): number | undefined {
  if (info.numericCode !== undefined && info.numericCode >= 400 && info.numericCode <= 599) return info.numericCode
  if (info.rpcStatus !== undefined) return RPC_STATUS_TO_HTTP.get(info.rpcStatus)
  return undefined
}

function validStatus(status: unknown): number | undefined {
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined
}

/** ` CODE` for the message; numbers other than the status as ` (code N)`; nothing when it repeats the status. */
function codeLabel(code: string | number | undefined, status: number | undefined): string {
  if (code === undefined || String(code) === String(status)) return ''
  if (typeof code === 'number' || /^-?\d+$/.test(code)) return ` (code ${code})`
  return ` ${oneLine(code, MAX_ID_LENGTH)}`
}

/** Reads a parsed JSON error body in any of the shapes we know. */
function describeJson(value: unknown): BodyInfo {
  if (Array.isArray(value)) {
    const withError = value.slice(0, 10_000).find((item) => isRecord(item) && isPresent(own(item, 'error')))
    const first = withError ?? value[0]
    return first === undefined ? { text: 'empty JSON array' } : describeJson(first)
  }
  if (typeof value === 'string') return { text: oneLine(value) || 'empty JSON string' }
  if (!isRecord(value)) return { text: `unexpected JSON body (${value === null ? 'null' : typeof value})` }

  const topCode = pickCode(own(value, 'code'))
  const topRequestId = pickId(own(value, 'request_id')) ?? pickId(own(value, 'requestId'))
  const error = own(value, 'error')

  if (isRecord(error)) {
    const rpcStatus = pickId(own(error, 'status'))
    const errCode = pickCode(own(error, 'code'))
    const numeric = asNumber(errCode) ?? asNumber(pickCode(own(error, 'status'))) ?? asNumber(topCode)
    const details = own(error, 'details')
    const type = pickId(own(error, 'type'))
    return {
      text: pickText(error) ?? pickText(value) ?? 'error without a message',
      // Google's status name first: its numeric code only repeats the HTTP status.
      code: rpcStatus !== undefined && !/^\d+$/.test(rpcStatus) ? rpcStatus : (errCode ?? type ?? topCode),
      numericCode: numeric,
      rpcStatus: rpcStatus !== undefined && !/^\d+$/.test(rpcStatus) ? rpcStatus : undefined,
      details: Array.isArray(details) ? details : undefined,
      requestId: pickId(own(error, 'request_id')) ?? pickId(own(error, 'requestId')) ?? topRequestId,
      type,
    }
  }

  const status = pickId(own(value, 'status'))
  // Cloudflare AI Gateway's own errors: `{"success": false, "error": [{"code": 2009, "message"}], "name": "AiGatewayError"}`.
  const listed = Array.isArray(error) && isRecord(error[0]) ? pickCode(own(error[0], 'code')) : undefined
  return {
    text: pickText(value) ?? 'JSON body without a message',
    code: topCode ?? listed ?? pickId(own(value, 'type')) ?? (status !== undefined && !/^\d+$/.test(status) ? status : undefined),
    numericCode: asNumber(topCode) ?? asNumber(pickCode(own(value, 'status'))),
    requestId: topRequestId,
  }
}

const MESSAGE_KEYS = ['message', 'msg', 'error', 'detail', 'error_description', 'error_message', 'errorMessage']

/** The first usable message in an object, following nested objects/arrays a few levels only. */
function pickText(value: unknown, depth = 0): string | undefined {
  if (depth > 4) return undefined
  if (typeof value === 'string') return unwrapJsonMessage(value, depth)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) {
    // FastAPI-style `detail: [{loc, msg}, ...]`.
    const first = pickText(value[0], depth + 1)
    if (first === undefined) return undefined
    return value.length > 1 ? `${first} (and ${value.length - 1} more)` : first
  }
  if (!isRecord(value)) return undefined
  for (const key of MESSAGE_KEYS) {
    const text = pickText(own(value, key), depth + 1)
    if (text !== undefined && text !== '') return text
  }
  return undefined
}

/** Relays sometimes put the upstream's whole JSON error in `message`: read it instead of dumping it. */
function unwrapJsonMessage(text: string, depth: number): string | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && trimmed.length <= SCAN_LENGTH) {
    try {
      const inner = pickText(JSON.parse(trimmed) as unknown, depth + 1)
      if (inner !== undefined) return inner
    } catch {
      // Not JSON after all: keep the text.
    }
  }
  return oneLine(trimmed)
}

function pickCode(value: unknown): string | number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  return pickId(value)
}

function pickId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const text = oneLine(value, MAX_ID_LENGTH)
  return text === '' ? undefined : text
}

function asNumber(code: string | number | undefined): number | undefined {
  if (typeof code === 'number') return Number.isInteger(code) ? code : undefined
  if (typeof code === 'string' && /^\d{1,6}$/.test(code)) return Number(code)
  return undefined
}

/** Describes any error body text: JSON in every known shape, HTML from a proxy, plain text, nothing. */
function describeBodyText(bodyText: string): BodyInfo {
  const text = typeof bodyText === 'string' ? bodyText : ''
  const trimmed = text.trim()
  if (trimmed === '') return { text: 'empty body' }
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"')) {
    let parsed: unknown
    let ok = false
    try {
      parsed = JSON.parse(trimmed)
      ok = true
    } catch {
      // Cut-off or broken JSON: fall through.
    }
    if (ok) return describeJson(parsed)
    const salvaged = salvageMessage(trimmed.slice(0, SCAN_LENGTH))
    return { text: salvaged === undefined ? 'body is not valid JSON' : `${salvaged} (from a body that is not valid JSON)` }
  }
  if (looksLikeHtml(trimmed)) {
    const title = htmlTitle(trimmed.slice(0, SCAN_LENGTH))
    return { text: `HTML error page from a proxy${title === undefined ? '' : `: ${title}`}` }
  }
  const firstLine = trimmed
    .slice(0, SCAN_LENGTH)
    .split(/\r?\n/)
    .find((line) => line.trim() !== '')
  return { text: oneLine(firstLine ?? trimmed, 300) }
}

/** Pulls `"message": "..."` out of JSON that does not parse (e.g. a cut-off body). */
function salvageMessage(text: string): string | undefined {
  const match = /"(?:message|msg|error)"\s*:\s*"((?:[^"\\]|\\.){1,2000})"/.exec(text)
  if (match?.[1] === undefined) return undefined
  try {
    return oneLine(JSON.parse(`"${match[1]}"`) as string) || undefined
  } catch {
    return oneLine(match[1]) || undefined
  }
}

function looksLikeHtml(text: string): boolean {
  return /^<(?:!doctype\s+html|html|head|body|\?xml|center|h1|title|!--)/i.test(text.slice(0, 100))
}

/** The `<title>` (or first `<h1>`) text. indexOf, not a regex: linear on hostile input. */
function htmlTitle(html: string): string | undefined {
  const lower = html.toLowerCase()
  for (const tag of ['title', 'h1']) {
    const open = lower.indexOf(`<${tag}`)
    if (open === -1) continue
    const start = lower.indexOf('>', open)
    const end = lower.indexOf(`</${tag}`, start)
    if (start === -1 || end === -1) continue
    const inner = decodeEntities(html.slice(start + 1, end).replace(/<[^>]{0,200}>/g, ''))
    const text = oneLine(inner, 200)
    if (text !== '') return text
  }
  return undefined
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (whole, entity: string) => {
    const lower = entity.toLowerCase()
    if (lower.startsWith('#')) {
      const point = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10)
      return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : whole
    }
    return Object.hasOwn(named, lower) ? (named[lower] as string) : whole
  })
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// Headers, request ids, redaction

function requestIdFrom(headers: HeadersInput | undefined, fromBody: string | undefined, secrets: readonly string[] = []): string | undefined {
  return requestIdOf(headers, secrets, MAX_ID_LENGTH) ?? fromBody
}

// ---------------------------------------------------------------------------------------------
// Failures below HTTP: timeouts and lost connections

/** What {@link transportError} needs to know about a failed exchange. */
export interface TransportFailure {
  provider: ProviderName
  /** Only its host and port go in the message. */
  baseUrl: string
  /** What fetch (or the body reader) threw. */
  cause: unknown
  secrets: readonly string[]
  headers?: HeadersInput | undefined
  /** Before the response, while reading a unary body, or while reading a stream (`chunks` received so far, when an event stream). */
  phase: 'response' | 'body' | 'stream'
  chunks?: number | undefined
  /** Set when the client's own timer fired: the limit and the option that sets it. */
  timeout?: { ms: number; option: string } | undefined
  /** Attempts made, this one included. */
  attempts: number
  /** How long this attempt had run. */
  elapsedMs?: number | undefined
}

/**
 * Failures that mean no connection was ever made (DNS, refused, unreachable, connect timeout, TLS handshake): nothing
 * was sent, so nothing can have been billed. A reset or a close comes after the request may have gone out.
 */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
])

/** True when a {@link ConnectionError}'s `code` says the connection was never made (see CONNECT_CODES), TLS handshake failures included. */
function neverConnected(code: string | number | undefined): boolean {
  return typeof code === 'string' && (CONNECT_CODES.has(code) || /^ERR_SSL_/.test(code))
}

const EXPLAIN: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens on that port',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the DNS lookup failed for now',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EPIPE: 'the other side closed the connection',
  UND_ERR_SOCKET: 'the other side closed the connection',
  UND_ERR_CONNECT_TIMEOUT: "connecting took longer than the runtime's fetch allows",
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  CERT_NOT_YET_VALID: "the server's TLS certificate is not valid yet",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's TLS certificate chain holds a self-signed certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate cannot be verified (incomplete chain or unknown issuer)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the issuer of the server's TLS certificate is not trusted here",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's TLS certificate is for another host name",
}

/** The runtime's own fetch limits (Node's undici waits at most 300 s for headers and between body bytes). */
const RUNTIME_TIMEOUTS: Record<string, string> = {
  UND_ERR_HEADERS_TIMEOUT: 'headersTimeout',
  UND_ERR_BODY_TIMEOUT: 'bodyTimeout',
}

/**
 * Builds the error for an exchange that failed below HTTP. The message says what happened, to which `host:port`,
 * and why: the system code undici puts in `cause.code` (looked for down nested causes and AggregateErrors), or the
 * deepest message (a browser's `Failed to fetch`). A timeout says how long it waited, how many attempts were made
 * and which option to raise. Never the path or query of the URL.
 */
export function transportError(f: TransportFailure): ConnectionError | TimeoutError {
  const address = addressOf(f.baseUrl)
  // Scrubbed before anything reads it: the message below is cut and flattened, and a cut key escapes redaction.
  const cause = redactCause(f.cause, f.secrets)
  const common = { provider: f.provider, cause, secrets: f.secrets, headers: f.headers }
  const tries = `${f.attempts} attempt${f.attempts === 1 ? '' : 's'}`
  const { code, message } = reasonOf(cause)
  const chunks = f.chunks === undefined ? '' : ` after ${f.chunks} chunk(s)`
  if (f.timeout) {
    const waited = duration(f.timeout.ms)
    const what =
      f.phase === 'response'
        ? `no response after ${waited}`
        : f.phase === 'body'
          ? `response body not complete after ${waited}`
          : `${f.chunks === undefined ? '' : 'stream stalled: '}no data for ${waited}${chunks}`
    return new TimeoutError(withProvider(f.provider, `${what} (${tries}); ${raiseHint(f.timeout.option)}`), {
      ...common,
      timeoutMs: f.timeout.ms,
      attempts: f.attempts,
      option: f.timeout.option,
    })
  }
  const runtimeLimit = code === undefined ? undefined : RUNTIME_TIMEOUTS[code]
  if (runtimeLimit !== undefined) {
    // Not ours: the runtime's fetch stopped first, whatever timeoutMs says. Only a fetch with a longer limit helps.
    const after = f.elapsedMs === undefined ? '' : ` after ${duration(f.elapsedMs)}`
    const what = f.phase === 'response' ? `no response${after}` : f.phase === 'body' ? `response body not complete${after}` : `stream stalled${chunks}`
    return new TimeoutError(
      withProvider(
        f.provider,
        `${what}: the runtime's fetch gave up (${code}; Node's built-in fetch waits 300 s at most) (${tries}); to wait longer, pass a fetch whose dispatcher has a longer ${runtimeLimit}`,
      ),
      { ...common, code, attempts: f.attempts, option: 'fetch' },
    )
  }
  const why = code === undefined ? message : `${code} (${EXPLAIN[code] ?? message})`
  const where = address === undefined ? '' : ` ${f.phase === 'response' ? 'to' : 'from'} ${address}`
  const connected = f.phase === 'response' && neverConnected(code) ? false : undefined
  const what =
    connected === false
      ? `cannot connect${address === undefined ? '' : ` to ${address}`}`
      : f.phase === 'response'
        ? `connection${where} failed`
        : f.phase === 'body' || f.chunks === undefined
          ? `connection lost while reading the body${where}`
          : `connection lost${chunks}${where}`
  return new ConnectionError(withProvider(f.provider, `${what}: ${why}`), { ...common, code, address, connected })
}

/** `host:port` of a base URL, the default port written out. */
function addressOf(baseUrl: string): string | undefined {
  try {
    const url = new URL(baseUrl)
    return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`
  } catch {
    return undefined
  }
}

/** The first system code down the cause chain (nested causes, AggregateError members), and the deepest message. */
function reasonOf(error: unknown): { code: string | undefined; message: string } {
  let code: string | undefined
  let message = ''
  const visit = (e: unknown, depth: number): void => {
    if (!isRecord(e) || depth > 6) return
    if (code === undefined && typeof e.code === 'string' && /^[A-Z][A-Z0-9_]{2,60}$/.test(e.code)) code = e.code
    if (typeof e.message === 'string' && e.message !== '') message = e.message
    if (Array.isArray(e.errors)) for (const inner of e.errors.slice(0, 10)) visit(inner, depth + 1)
    visit(e.cause, depth + 1)
  }
  visit(error, 0)
  return { code, message: oneLine(message || String(error), 300) }
}

/** `300 ms`, `65 s`, `1.5 s`. */
function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`
}

// ---------------------------------------------------------------------------------------------
// The caller's own failures

/**
 * A failure of the caller's own code or settings, if `cause` is one: thrown before fetch was reached (a middleware,
 * a header value openapi-fetch's Headers refused), or by fetch for a local reason (`fetched`; see
 * local-failure.ts). Undefined for a network failure.
 */
export function callerError(input: { provider: ProviderName; cause: unknown; fetched: unknown; secrets: readonly string[] }): CallerError | undefined {
  const { provider, cause, fetched, secrets } = input
  if (fetched !== undefined && !isLocalFetchFailure(fetched)) return undefined
  const what =
    fetched !== undefined
      ? 'fetch refused the request before sending it'
      : 'the request failed before it was sent (a middleware threw, or fetch refused a header value)'
  // The innermost message says what was refused ("fetch failed" wraps "invalid x-trace header"); scrubbed before it is cut.
  let message = cause instanceof Error ? cause.message : String(cause)
  for (let e: any = cause, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) if (e.message) message = e.message
  return new CallerError(withProvider(provider, `${what}: ${oneLine(redactSecrets(message, secrets), 300)}`), { provider, cause, secrets })
}
