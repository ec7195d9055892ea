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
 * │  ├─ InternalServerError    >= 500
 * │  └─ ModelUnavailableError  a relay has no channel for the model (any status)
 * ├─ ConnectionError   TimeoutError   UserAbortError
 * ├─ RequestValidationError   ResponseValidationError
 * ├─ StreamError   IncompleteStreamError   ContinuationError
 * ├─ MalformedResponseError   ConfigurationError
 * └─ CallerError       the caller's own middleware, fetch or header failed
 * ```
 * @module
 */

import { normalizeHeaders, type HeadersInput } from './internal/headers.ts'
import type { GenerateContentResponse } from './types.ts'
import { redactCause, redactSecrets, redactValue } from './internal/redact.ts'
import { capRawBody, causeSuffix, withProvider } from './internal/text.ts'

/** The backends this package speaks to. */
export type ProviderName = import('../../generated/registry.ts').Provider

/** Everything an error may carry. All fields optional; `secrets` scrubs the others. */
export interface GeminiGatewayErrorOptions {
  provider?: ProviderName | undefined
  status?: number | undefined
  code?: string | number | undefined
  requestId?: string | undefined
  /** Body text as received; redacted and capped at its first 64 Ki (65,536) characters. */
  rawBody?: string | undefined
  details?: unknown
  /** Response headers as the fetch API gives them, or as a plain object. */
  headers?: HeadersInput | undefined
  cause?: unknown
  /** Values (API keys) to replace with `[REDACTED]` in message, code, requestId, rawBody, headers, details and cause. */
  secrets?: readonly string[] | undefined
}

/** Options for classes whose HTTP status is known. */
export interface APIStatusErrorOptions extends GeminiGatewayErrorOptions {
  status: number
}

/**
 * What a long answer had received when it could not be completed: the hops so far merged into one response, and
 * the token that continues it (send the same request again with `continuationToken` set to it).
 */
export interface PartialAnswer {
  response: GenerateContentResponse
  continuationToken: string | undefined
  /** Hops received whole. */
  hops: number
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
  /** The body text as received, secrets redacted, first 64 Ki (65,536) characters only. Not enumerable. */
  declare readonly rawBody: string | undefined
  /** Response headers, names lowercased, secret values redacted. Not enumerable. */
  declare readonly headers: Record<string, string> | undefined
  /**
   * Set when a continued answer (finishReason `CONTINUATION`) failed after some of it arrived: nothing received is
   * lost. Not enumerable.
   */
  declare readonly partial: PartialAnswer | undefined

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
    defineHidden(this, 'rawBody', options.rawBody === undefined ? undefined : capRawBody(options.rawBody, secrets))
    defineHidden(this, 'headers', options.headers === undefined ? undefined : normalizeHeaders(options.headers, secrets))
    defineHidden(this, 'partial', undefined)
  }

  /** Attaches what a continued answer had received (see {@link GeminiGatewayError.partial}). */
  withPartial(partial: PartialAnswer): this {
    defineHidden(this, 'partial', partial)
    return this
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

/**
 * A relay has no channel serving the model: new-api's `model_not_found` (503) or `get_channel_failed` (500).
 * Asking the same provider again does not help, so it is not retried; failover still moves on to the next provider.
 */
export class ModelUnavailableError extends APIStatusError {
  static {
    setName(this, 'ModelUnavailableError')
  }
}

/**
 * The request never got an HTTP response, or lost its connection (DNS, refused, TLS, reset...). `code` is the
 * system's reason (`ECONNREFUSED`, `ENOTFOUND`, `CERT_HAS_EXPIRED`...) when the runtime gives one; the fetch error is in `cause`.
 */
export class ConnectionError extends GeminiGatewayError {
  /** The `host:port` the client was talking to (never a path or query). */
  readonly address: string | undefined
  /**
   * `false` when `code` says no connection was ever made (refused, DNS, unreachable, TLS): nothing was sent. Otherwise
   * `undefined`: the request may have reached the server (a reset, a close, or a runtime that does not say).
   */
  readonly connected: false | undefined
  constructor(message?: string, options: GeminiGatewayErrorOptions & { address?: string | undefined; connected?: false | undefined } = {}) {
    super(message ?? withProvider(options.provider, `connection error${causeSuffix(redactCause(options.cause, options.secrets ?? []))}`), options)
    this.address = options.address
    this.connected = options.connected
  }
  static {
    setName(this, 'ConnectionError')
  }
}

/** The request (or a stream's idle wait) took longer than allowed. */
export class TimeoutError extends GeminiGatewayError {
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number | undefined
  /** How many attempts were made, this one included. */
  readonly attempts: number | undefined
  /** The option that sets the limit (`timeoutMs`, `quickTimeoutMs`; `fetch` when the runtime's fetch gave up first). */
  readonly option: string | undefined
  constructor(
    message?: string,
    options: GeminiGatewayErrorOptions & { timeoutMs?: number | undefined; attempts?: number | undefined; option?: string | undefined } = {},
  ) {
    const limit = options.timeoutMs === undefined ? '' : ` after ${options.timeoutMs} ms`
    super(message ?? withProvider(options.provider, `request timed out${limit}`), options)
    this.timeoutMs = options.timeoutMs
    this.attempts = options.attempts
    this.option = options.option
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
  constructor(issues: readonly ValidationIssue[], body: unknown, options: GeminiGatewayErrorOptions & { message?: string } = {}) {
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
 * error stands for (its numeric `code`, or its Google status name), so retries and failover judge it as they
 * would that status.
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

/**
 * A long answer (finishReason `CONTINUATION`) that could not be continued: the provider has no place for
 * `continuationToken` (it would drop it and start over), the answer ended without a token, or it took more hops
 * than `maxContinuations` allows. `partial` holds what arrived and the last token.
 */
export class ContinuationError extends GeminiGatewayError {
  declare readonly partial: PartialAnswer
  static {
    setName(this, 'ContinuationError')
  }
}

/**
 * The caller's own code or settings failed, not the network or the provider: a middleware threw, a custom `fetch`
 * failed for a local reason, fetch refused a header value. Nothing is retried or failed over; the original error is
 * in `cause`.
 */
export class CallerError extends GeminiGatewayError {
  static {
    setName(this, 'CallerError')
  }
}
