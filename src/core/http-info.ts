/**
 * The response behind an answer: every value a client returns carries, as a non-enumerable `http` property, the
 * status, headers and request id of what answered, and how many attempts and hops it took. Non-enumerable, so the
 * value stays a plain response for `JSON.stringify` and deep equality.
 */
import { requestIdOf } from './internal/headers.ts'
import { redactSecrets } from './internal/redact.ts'

/** One request of an answer: a continued (long) answer takes one per hop. */
export interface HopInfo {
  /** The HTTP status of the response. */
  status: number
  /** The request id the server gave in a header (`x-request-id`, `x-goog-request-id`, `request-id`, `x-oneapi-request-id`). */
  requestId: string | undefined
  /** The body's `responseId`, when it has one. */
  responseId: string | undefined
  /** How many times the request was sent (1 when it was not sent again). */
  attempts: number
}

/** What answered a call (for a continued answer: the last hop), and every hop. */
export interface HttpInfo extends HopInfo {
  /** The response headers (any credential a server echoed in them scrubbed). */
  headers: Headers
  /** One entry per request; more than one when the answer was continued (finishReason `CONTINUATION`). */
  hops: readonly HopInfo[]
}

/** A value a client returned, with the response behind it. */
export type WithHttp<T> = T & { readonly http: HttpInfo }

/** The hop an answer came from. */
export function hopOf(answer: { response: Response; attempts: number; secrets: readonly string[] }, body: unknown): HopInfo {
  const responseId = (body as { responseId?: unknown } | undefined)?.responseId
  return {
    status: answer.response.status,
    requestId: requestIdOf(answer.response.headers, answer.secrets),
    responseId: typeof responseId === 'string' ? responseId : undefined,
    attempts: answer.attempts,
  }
}

/** The info for the last of `hops`, whose response is `response`. */
export function httpInfo(response: Response, secrets: readonly string[], hops: readonly HopInfo[]): HttpInfo {
  return { ...hops[hops.length - 1]!, headers: scrubbed(response.headers, secrets), hops }
}

/** Attaches `info` to `value` (non-enumerable, like a failover client's `failover`). */
export function withHttp<T extends object>(value: T, info: HttpInfo): WithHttp<T> {
  Object.defineProperty(value, 'http', { value: info, enumerable: false, writable: false, configurable: true })
  return value as WithHttp<T>
}

/** The headers as they came, or a copy with secrets scrubbed when a server echoed one. */
function scrubbed(headers: Headers, secrets: readonly string[]): Headers {
  let leaks = false
  headers.forEach((value) => {
    if (!leaks && secrets.some((s) => s !== '' && value.includes(s))) leaks = true
  })
  if (!leaks) return headers
  const copy = new Headers()
  headers.forEach((value, name) => copy.append(name, redactSecrets(value, secrets)))
  return copy
}
