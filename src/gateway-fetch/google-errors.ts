/**
 * Every failure as Google writes it, `{"error": {"code", "message", "status"}}`, which both SDKs read: @google/genai
 * takes the HTTP status into its `ApiError`, and the AI SDK uses `message` only when `code`, `message` and `status`
 * are all there. The HTTP status is the gateway's; the status name is Google's for it (google.rpc.Code).
 * @module
 * @internal
 */
import { APIStatusError, ContinuationError, GeminiGatewayError, RequestValidationError, StreamError, TimeoutError } from '../core/errors.ts'
import { redactSecrets } from '../core/internal/redact.ts'

/** Google's error body. */
export interface GoogleError {
  code: number
  message: string
  status: string
  details?: unknown[]
}

/** google.rpc.Code names, as Google's error bodies spell them. */
const RPC_NAMES: ReadonlySet<string> = new Set([
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
])

/** The name Google gives each HTTP status it answers with (AIP-193), and gRPC's for the proxy statuses (502). */
const NAME_OF_STATUS: ReadonlyMap<number, string> = new Map([
  [400, 'INVALID_ARGUMENT'],
  [401, 'UNAUTHENTICATED'],
  [403, 'PERMISSION_DENIED'],
  [404, 'NOT_FOUND'],
  [408, 'DEADLINE_EXCEEDED'],
  [409, 'ABORTED'],
  [422, 'INVALID_ARGUMENT'],
  [429, 'RESOURCE_EXHAUSTED'],
  [499, 'CANCELLED'],
  [500, 'INTERNAL'],
  [501, 'UNIMPLEMENTED'],
  [502, 'UNAVAILABLE'],
  [503, 'UNAVAILABLE'],
  [504, 'DEADLINE_EXCEEDED'],
])

/** The status of an answer the gateway sent but that is not one (malformed, cut short, a redirect): a bad gateway. */
const BAD_GATEWAY = 502

export function googleError(code: number, message: string, status = NAME_OF_STATUS.get(code) ?? 'UNKNOWN', details?: unknown[]): GoogleError {
  return { code, message, status, ...(details !== undefined && details.length > 0 && { details }) }
}

/**
 * `error` as Google's error body. An HTTP error keeps the gateway's status (and Google's own status name and
 * details when the gateway is Google); a refused request is Google's 400 with a BadRequest detail per issue.
 */
export function toGoogleError(error: unknown, secrets: readonly string[] = []): GoogleError {
  const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets)
  if (error instanceof RequestValidationError) {
    const fieldViolations = error.issues.map((i) => ({ field: i.path, description: redactSecrets(i.message, secrets) }))
    return googleError(400, message, 'INVALID_ARGUMENT', [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations }])
  }
  // A long answer this gateway cannot finish: asking again gets the same, so not a status the SDKs retry.
  if (error instanceof ContinuationError) return googleError(400, message, 'FAILED_PRECONDITION')
  if (error instanceof TimeoutError) return googleError(504, message)
  if ((error instanceof APIStatusError || error instanceof StreamError) && error.status !== undefined && error.status >= 400 && error.status <= 599) {
    const name = typeof error.code === 'string' && RPC_NAMES.has(error.code) ? error.code : undefined
    return googleError(error.status, message, name, Array.isArray(error.details) ? error.details : undefined)
  }
  // An error event the gateway sent mid-stream without saying which.
  if (error instanceof StreamError) return googleError(500, message)
  // No gateway status to give: a connection lost mid-answer, a body that is not an answer, a stream cut short.
  if (error instanceof GeminiGatewayError) return googleError(BAD_GATEWAY, message)
  return googleError(500, message)
}

/** Response headers of an error worth passing on: the gateway's retry hints and request ids. */
export function errorHeaders(error: unknown): Record<string, string> {
  const out: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' }
  const headers = error instanceof GeminiGatewayError ? error.headers : undefined
  for (const name of ['retry-after', 'retry-after-ms', 'x-request-id', 'x-goog-request-id', 'request-id', 'x-oneapi-request-id']) {
    const value = headers?.[name]
    if (value !== undefined) out[name] = value
  }
  return out
}

/** A Google error as an HTTP response with its code as the status. */
export function errorResponse(body: GoogleError, headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' }): Response {
  return new Response(JSON.stringify({ error: body }), { status: body.code, headers })
}
