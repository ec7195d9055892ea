/**
 * Reads error bodies in every shape the gateways send and builds the matching error. Loaded on demand (the
 * client imports it dynamically when a response is an error), so it costs nothing on the success path.
 */
import { APIStatusError, type APIStatusErrorOptions, AuthenticationError, BadRequestError, ConflictError, type HeadersInput, InternalServerError, MAX_RAW_BODY_LENGTH, MalformedResponseError, NotFoundError, PermissionDeniedError, type ProviderName, RateLimitError, StreamError, UnprocessableEntityError, findBodyError, getHeader, isPresent, isRecord, oneLine, own, withProvider } from './errors.ts'
import { redactSecrets, redactValue } from './redact.ts'

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
}

/**
 * Builds the right {@link APIStatusError} subclass from an HTTP error response. Never throws.
 *
 * Reads Google, OpenAI-style, nordlys and apimart-envelope JSON (also inside a JSON array), plain
 * text, proxy HTML pages and empty bodies. The message is one line,
 * `<provider>: <status>[ <code>]: <what the server said>`, e.g.
 * `anyfast: 429 RESOURCE_EXHAUSTED: You exceeded your current quota`; it never holds raw JSON or
 * HTML (an HTML page gives its `<title>`). `status` is always the HTTP status; the body is in
 * `rawBody` (first {@link MAX_RAW_BODY_LENGTH} characters).
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
export function errorInBody(
  body: unknown,
  input: ResponseInput & { bodyText?: string | undefined },
): APIStatusError | undefined {
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
export function streamErrorFromEvent(
  event: unknown,
  input: Omit<ResponseInput, 'status'> & { rawText?: string | undefined } = {},
): StreamError | undefined {
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
      requestId: requestIdFrom(input.headers, info.requestId),
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
export function malformedResponseError(
  input: ResponseInput & { bodyText: string; reason?: string | undefined; cause?: unknown },
): MalformedResponseError {
  const status = validStatus(input.status) ?? 0
  const info = describeBodyText(redactSecrets(input.bodyText, input.secrets ?? []))
  const what = input.reason ?? 'expected a JSON body'
  return new MalformedResponseError(withProvider(input.provider, `${status}: ${what}, got: ${info.text}`), {
    provider: input.provider,
    status,
    requestId: requestIdFrom(input.headers, undefined),
    rawBody: input.bodyText,
    headers: input.headers,
    cause: input.cause,
    secrets: input.secrets,
  })
}

function buildStatusError(
  status: number,
  httpStatus: number,
  info: BodyInfo,
  input: ResponseInput,
  rawBody: string | undefined,
): APIStatusError {
  const via = status === httpStatus ? '' : ` (HTTP ${httpStatus})`
  const message = withProvider(input.provider, `${status}${codeLabel(info.code, status)}${via}: ${info.text}`)
  const Class = classForStatus(status)
  return new Class(message, {
    provider: input.provider,
    status,
    code: info.code,
    requestId: requestIdFrom(input.headers, info.requestId),
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
    }
  }

  const status = pickId(own(value, 'status'))
  return {
    text: pickText(value) ?? 'JSON body without a message',
    code: topCode ?? pickId(own(value, 'type')) ?? (status !== undefined && !/^\d+$/.test(status) ? status : undefined),
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

const REQUEST_ID_HEADERS = ['x-request-id', 'x-goog-request-id', 'request-id', 'x-oneapi-request-id']

function requestIdFrom(headers: HeadersInput | undefined, fromBody: string | undefined): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = pickId(getHeader(headers, name))
    if (value !== undefined) return value
  }
  return fromBody
}
