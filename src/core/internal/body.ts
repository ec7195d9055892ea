/**
 * Reading parsed JSON bodies: what counts as present, and where a 2xx body or stream event hides an error.
 * The client asks {@link findBodyError} on every answer, so this stays small; the rest of reading an error
 * body is in error-bodies.ts, loaded only once something failed.
 * @module
 * @internal
 */

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Own properties only: a body without `message` must not find `Object.prototype`'s members. */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined
}

/** Whether a field holds something: `null`, `false`, `0`, blank strings and empty arrays or objects do not. */
export function isPresent(value: unknown): boolean {
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
export function findBodyError(body: unknown): Record<string, unknown> | undefined {
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
