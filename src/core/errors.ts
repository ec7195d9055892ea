/**
 * The error classes every call can throw, and the factories that turn an HTTP response (or a 2xx
 * body that is really an error) into one of them. Hand-written; the generator never writes here.
 *
 * Hierarchy:
 * ```
 * GeminiGatewayError
 * ├─ APIStatusError            any HTTP error status without a family below
 * │  ├─ BadRequestError        400
 * │  ├─ AuthenticationError    401
 * │  ├─ PermissionDeniedError  403
 * │  ├─ NotFoundError          404
 * │  ├─ ConflictError          409
 * │  ├─ UnprocessableEntityError 422
 * │  ├─ RateLimitError         429
 * │  └─ InternalServerError    >= 500
 * ├─ ConnectionError   TimeoutError   UserAbortError
 * ├─ RequestValidationError   ResponseValidationError
 * ├─ StreamError   IncompleteStreamError
 * └─ MalformedResponseError   ConfigurationError
 * ```
 * @module
 */

import { redactSecrets, redactValue } from './redact.ts'

/** The backends this package speaks to. */
export type ProviderName = 'google' | 'infinityblue' | 'anyfast' | 'apimart' | 'nordlys'

/** Response headers as the fetch API gives them, or as a plain object. */
export type HeadersInput = Headers | Record<string, string>

/** `rawBody` keeps at most this many UTF-16 code units (64 Ki) of the body; the rest is dropped. */
export const MAX_RAW_BODY_LENGTH = 64 * 1024

/** Messages are cut to this many characters (plus an ellipsis). */
const MAX_MESSAGE_LENGTH = 1000
/** Codes and request ids are identifiers: anything longer is junk, cut it. */
const MAX_ID_LENGTH = 200
/** How much of a non-JSON body we look at to describe it. */
const SCAN_LENGTH = 64 * 1024

/** Everything an error may carry. All fields optional; `secrets` scrubs the others. */
export interface GeminiGatewayErrorOptions {
  provider?: ProviderName | undefined
  status?: number | undefined
  code?: string | number | undefined
  requestId?: string | undefined
  /** Body text as received; redacted and capped at {@link MAX_RAW_BODY_LENGTH}. */
  rawBody?: string | undefined
  details?: unknown
  headers?: HeadersInput | undefined
  cause?: unknown
  /** Values (API keys) to replace with `[REDACTED]` in message, code, requestId, rawBody, headers, details and cause. */
  secrets?: readonly string[] | undefined
}

/** Options for classes whose HTTP status is known. */
export interface APIStatusErrorOptions extends GeminiGatewayErrorOptions {
  status: number
}

/** The small, safe shape `JSON.stringify(error)` produces. */
export interface GeminiGatewayErrorJSON {
  name: string
  message: string
  status: number | undefined
  code: string | number | undefined
  provider: ProviderName | undefined
  requestId: string | undefined
}

/** One problem found by a validator. */
export interface ValidationIssue {
  /** JSON pointer to the offending value, e.g. `/contents/0/parts` (`''` is the root). */
  path: string
  message: string
}

/** Gives a class a fixed `name` on its prototype: survives minification and shows in `stack`. */
function setName(ctor: { prototype: Error }, name: string): void {
  Object.defineProperty(ctor.prototype, 'name', { value: name, writable: true, configurable: true, enumerable: false })
}

/** Defines a non-enumerable own field: big values stay out of `console.log`/`util.inspect` dumps. */
function defineHidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: false, enumerable: false, configurable: true })
}

/** Base class of every error this package throws. */
export class GeminiGatewayError extends Error {
  /** Which backend answered (or was being called). */
  readonly provider: ProviderName | undefined
  /** HTTP status when there was an HTTP response (or the status an in-body error stands for). */
  readonly status: number | undefined
  /** The provider's own code: Google `status` name (`RESOURCE_EXHAUSTED`), OpenAI-style `code`/`type`, or an envelope `code`. */
  readonly code: string | number | undefined
  /** From `x-request-id`, `x-goog-request-id`, `request-id`, `x-oneapi-request-id`, or the body's `request_id`. */
  readonly requestId: string | undefined
  /** Google's `details` array when the body had one (secrets redacted). */
  readonly details: unknown
  /** The body text as received, secrets redacted, first {@link MAX_RAW_BODY_LENGTH} characters only. Not enumerable. */
  declare readonly rawBody: string | undefined
  /** Response headers, names lowercased, secret values redacted. Not enumerable. */
  declare readonly headers: Record<string, string> | undefined

  constructor(message: string, options: GeminiGatewayErrorOptions = {}) {
    const secrets = options.secrets ?? []
    const scrub = (text: string): string => redactSecrets(text, secrets)
    const cause = redactCause(options.cause, secrets)
    super(scrub(String(message)), cause === undefined ? undefined : { cause })
    this.provider = options.provider
    this.status = options.status
    this.code = typeof options.code === 'string' ? scrub(options.code) : options.code
    this.requestId = options.requestId === undefined ? undefined : scrub(options.requestId)
    this.details = redactValue(options.details, secrets)
    defineHidden(this, 'rawBody', options.rawBody === undefined ? undefined : capBody(options.rawBody, secrets))
    defineHidden(this, 'headers', options.headers === undefined ? undefined : normalizeHeaders(options.headers, secrets))
  }

  /** Small and safe for logs: no body, no headers, no details. */
  toJSON(): GeminiGatewayErrorJSON {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      code: this.code,
      provider: this.provider,
      requestId: this.requestId,
    }
  }

  static {
    setName(this, 'GeminiGatewayError')
  }
}

/** An HTTP response with an error status (or a 2xx body that carried an error). Base of the status families. */
export class APIStatusError extends GeminiGatewayError {
  declare readonly status: number
  constructor(message: string, options: APIStatusErrorOptions) {
    super(message, options)
  }
  static {
    setName(this, 'APIStatusError')
  }
}

/** HTTP 400. */
export class BadRequestError extends APIStatusError {
  static {
    setName(this, 'BadRequestError')
  }
}
/** HTTP 401. */
export class AuthenticationError extends APIStatusError {
  static {
    setName(this, 'AuthenticationError')
  }
}
/** HTTP 403. */
export class PermissionDeniedError extends APIStatusError {
  static {
    setName(this, 'PermissionDeniedError')
  }
}
/** HTTP 404. */
export class NotFoundError extends APIStatusError {
  static {
    setName(this, 'NotFoundError')
  }
}
/** HTTP 409. */
export class ConflictError extends APIStatusError {
  static {
    setName(this, 'ConflictError')
  }
}
/** HTTP 422. */
export class UnprocessableEntityError extends APIStatusError {
  static {
    setName(this, 'UnprocessableEntityError')
  }
}
/** HTTP 429. */
export class RateLimitError extends APIStatusError {
  static {
    setName(this, 'RateLimitError')
  }
}
/** HTTP 500 and above. */
export class InternalServerError extends APIStatusError {
  static {
    setName(this, 'InternalServerError')
  }
}

/** The request never got an HTTP response (DNS, TLS, reset...). The fetch error is in `cause`. */
export class ConnectionError extends GeminiGatewayError {
  constructor(message?: string, options: GeminiGatewayErrorOptions = {}) {
    super(message ?? withProvider(options.provider, 'connection error' + causeSuffix(options.cause)), options)
  }
  static {
    setName(this, 'ConnectionError')
  }
}

/** The request (or a stream's idle wait) took longer than allowed. */
export class TimeoutError extends GeminiGatewayError {
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number | undefined
  constructor(message?: string, options: GeminiGatewayErrorOptions & { timeoutMs?: number | undefined } = {}) {
    const limit = options.timeoutMs === undefined ? '' : ` after ${options.timeoutMs} ms`
    super(message ?? withProvider(options.provider, `request timed out${limit}`), options)
    this.timeoutMs = options.timeoutMs
  }
  static {
    setName(this, 'TimeoutError')
  }
}

/** The caller aborted the request through its `AbortSignal`; the signal's reason is in `cause`. */
export class UserAbortError extends GeminiGatewayError {
  constructor(message?: string, options: GeminiGatewayErrorOptions = {}) {
    super(message ?? withProvider(options.provider, 'request was aborted'), options)
  }
  static {
    setName(this, 'UserAbortError')
  }
}

function issuesSummary(what: string, issues: readonly ValidationIssue[]): string {
  const first = issues[0]
  if (first === undefined) return `${what} failed validation`
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
  return `${what} failed validation: ${first.path === '' ? '(root)' : first.path}: ${first.message}${more}`
}

function redactIssues(issues: readonly ValidationIssue[], secrets: readonly string[] | undefined): readonly ValidationIssue[] {
  if (secrets === undefined || secrets.length === 0) return issues
  return issues.map((issue) => ({ path: redactSecrets(issue.path, secrets), message: redactSecrets(issue.message, secrets) }))
}

/** The request was rejected before sending: it does not match the provider's schema. */
export class RequestValidationError extends GeminiGatewayError {
  readonly issues: readonly ValidationIssue[]
  constructor(issues: readonly ValidationIssue[], options: GeminiGatewayErrorOptions & { message?: string } = {}) {
    super(options.message ?? withProvider(options.provider, issuesSummary('request', issues)), options)
    this.issues = redactIssues(issues, options.secrets)
  }
  static {
    setName(this, 'RequestValidationError')
  }
}

/** A 2xx body parsed as JSON but does not match the expected schema. The parsed body is in `body` (not enumerable). */
export class ResponseValidationError extends GeminiGatewayError {
  readonly issues: readonly ValidationIssue[]
  declare readonly body: unknown
  constructor(
    issues: readonly ValidationIssue[],
    body: unknown,
    options: GeminiGatewayErrorOptions & { message?: string } = {},
  ) {
    super(options.message ?? withProvider(options.provider, issuesSummary('response', issues)), options)
    this.issues = redactIssues(issues, options.secrets)
    defineHidden(this, 'body', redactValue(body, options.secrets ?? []))
  }
  static {
    setName(this, 'ResponseValidationError')
  }
}

/**
 * An `error` object received inside a stream after the 200 headers. `status` is the HTTP status the
 * error stands for (its numeric `code`, or its Google status name), so `isRetryableStatus` applies.
 */
export class StreamError extends GeminiGatewayError {
  static {
    setName(this, 'StreamError')
  }
}

/** The stream ended before its final chunk (no `finishReason`): a cut-off answer, not a success. */
export class IncompleteStreamError extends GeminiGatewayError {
  constructor(message?: string, options: GeminiGatewayErrorOptions = {}) {
    super(message ?? withProvider(options.provider, 'stream ended before its final chunk'), options)
  }
  static {
    setName(this, 'IncompleteStreamError')
  }
}

/** A 2xx body that is not the expected JSON: invalid JSON, an HTML page, an empty body. */
export class MalformedResponseError extends GeminiGatewayError {
  static {
    setName(this, 'MalformedResponseError')
  }
}

/** The client was set up wrongly (no API key, bad base URL...). Thrown before any request. */
export class ConfigurationError extends GeminiGatewayError {
  static {
    setName(this, 'ConfigurationError')
  }
}

// ---------------------------------------------------------------------------------------------
// Factories

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
    const info = describeBodyText(input.bodyText)
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
    const info = describeJson(found)
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
    const info = describeJson(found)
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
  const info = describeBodyText(input.bodyText)
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

function withProvider(provider: ProviderName | undefined, text: string): string {
  return provider === undefined ? text : `${provider}: ${text}`
}

function causeSuffix(cause: unknown): string {
  if (cause instanceof Error && cause.message !== '') return `: ${oneLine(cause.message, 300)}`
  return ''
}

// ---------------------------------------------------------------------------------------------
// Reading bodies

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Own properties only: a body without `message` must not find `Object.prototype`'s members. */
function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined
}

function isPresent(value: unknown): boolean {
  // `error: 0` / `false` / `null` is how some APIs say "no error".
  if (value === undefined || value === null || value === false || value === 0) return false
  if (typeof value === 'string') return value.trim() !== ''
  if (Array.isArray(value)) return value.length > 0
  if (isRecord(value)) return Object.keys(value).length > 0
  return true
}

const SUCCESS_CODES = new Set(['0', '200', 'success', 'ok'])

/** An apimart-style envelope `{code, msg | message | error, data}`. */
function isEnvelope(obj: Record<string, unknown>): boolean {
  const code = own(obj, 'code')
  if (typeof code !== 'number' && typeof code !== 'string') return false
  return ['data', 'msg', 'message', 'error'].some((key) => Object.hasOwn(obj, key))
}

function isSuccessCode(code: unknown): boolean {
  return SUCCESS_CODES.has(String(code).trim().toLowerCase())
}

/** The JSON value that holds the error in a 2xx body/event, or undefined when it is not an error. */
function findBodyError(body: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(body)) {
    // Google's non-SSE stream form: the error may be any element, usually the last.
    for (const item of body.slice(0, 10_000)) {
      if (isRecord(item) && isPresent(own(item, 'error'))) return item
    }
    return undefined
  }
  if (!isRecord(body)) return undefined
  if (isPresent(own(body, 'error'))) {
    // `{code: 200, error: ...}` can still be an envelope reporting success with a leftover field.
    if (isEnvelope(body) && isSuccessCode(own(body, 'code'))) return undefined
    return body
  }
  if (isEnvelope(body)) return isSuccessCode(own(body, 'code')) ? undefined : body
  if (own(body, 'success') === false) return body
  return undefined
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

/** Collapses whitespace to single spaces and cuts to `max` characters. */
function oneLine(text: string, max = MAX_MESSAGE_LENGTH): string {
  const flat = text.slice(0, max * 4).replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${cutSafely(flat, max)}…` : flat
}

/** Cuts without leaving half a surrogate pair. */
function cutSafely(text: string, max: number): string {
  if (text.length <= max) return text
  const code = text.charCodeAt(max - 1)
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max)
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

function normalizeHeaders(headers: HeadersInput, secrets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  const put = (name: string, value: unknown): void => {
    if (value === undefined || value === null) return
    const text = Array.isArray(value) ? value.map(String).join(', ') : String(value)
    // defineProperty: a header named `__proto__` must stay a plain key.
    Object.defineProperty(out, name.toLowerCase(), {
      value: redactSecrets(text, secrets),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  try {
    if (typeof Headers !== 'undefined' && headers instanceof Headers) headers.forEach((value, name) => put(name, value))
    else if (isRecord(headers)) for (const name of Object.keys(headers)) put(name, headers[name])
  } catch {
    // Exotic header objects: keep what we got.
  }
  return out
}

/** Reads one header, case-insensitively, from either header form. */
export function getHeader(headers: HeadersInput | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined
  try {
    if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined
    if (!isRecord(headers)) return undefined
    const wanted = name.toLowerCase()
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === wanted) {
        const value = headers[key]
        return value === undefined || value === null ? undefined : String(value)
      }
    }
  } catch {
    // Exotic header objects: treat as absent.
  }
  return undefined
}

function requestIdFrom(headers: HeadersInput | undefined, fromBody: string | undefined): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = pickId(getHeader(headers, name))
    if (value !== undefined) return value
  }
  return fromBody
}

function capBody(body: string, secrets: readonly string[]): string {
  const text = String(body)
  if (secrets.length === 0) return cutSafely(text, MAX_RAW_BODY_LENGTH)
  // Keep enough beyond the cap that a secret straddling it is still seen whole, then cut.
  const longest = secrets.reduce((max, s) => Math.max(max, typeof s === 'string' ? s.length * 6 : 0), 0)
  return cutSafely(redactSecrets(text.slice(0, MAX_RAW_BODY_LENGTH + longest), secrets), MAX_RAW_BODY_LENGTH)
}

/** A cause whose message or stack holds a secret is replaced by a scrubbed copy (we must not mutate the caller's). */
function redactCause(cause: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return cause
  if (typeof cause === 'string') return redactSecrets(cause, secrets)
  if (!(cause instanceof Error)) return cause
  const message = redactSecrets(cause.message, secrets)
  const stack = cause.stack === undefined ? undefined : redactSecrets(cause.stack, secrets)
  if (message === cause.message && stack === cause.stack) return cause
  const copy = new Error(message)
  copy.name = cause.name
  Object.defineProperty(copy, 'stack', { value: stack, writable: true, configurable: true, enumerable: false })
  return copy
}
