/**
 * Response headers in either form the client meets (a fetch `Headers` of any implementation, or a plain object).
 * @module
 * @internal
 */
import { isRecord } from './body.ts'
import { redactSecrets } from './redact.ts'

/** Response headers as the fetch API gives them, or as a plain object. */
export type HeadersInput = Headers | Record<string, string>

/** A copy with names lowercased and every value redacted: what an error keeps of the headers. */
export function normalizeHeaders(headers: HeadersInput, secrets: readonly string[]): Record<string, string> {
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
    if (isHeaders(headers)) {
      headers.forEach((value, name) => {
        put(name, value)
      })
    } else if (isRecord(headers)) {
      for (const name of Object.keys(headers)) put(name, headers[name])
    }
  } catch {
    // Exotic header objects: keep what we got.
  }
  return out
}

/**
 * A `Headers` of any fetch implementation: on Node the client's responses carry the undici package's, which is not
 * the global class (so no `instanceof`).
 */
function isHeaders(headers: unknown): headers is Headers {
  return isRecord(headers) && typeof headers.get === 'function' && typeof headers.forEach === 'function'
}

/** Reads one header, case-insensitively, from either header form. */
export function getHeader(headers: HeadersInput | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined
  try {
    if (isHeaders(headers)) return headers.get(name) ?? undefined
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

/** Where servers put a request id: Google's and the relays' headers (new-api's `x-oneapi-request-id`). */
const REQUEST_ID_HEADERS = ['x-request-id', 'x-goog-request-id', 'request-id', 'x-oneapi-request-id']

/** The request id a response's headers carry, first of {@link REQUEST_ID_HEADERS}; secrets scrubbed before it is cut. */
export function requestIdOf(headers: HeadersInput | undefined, secrets: readonly string[] = [], max = 200): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = getHeader(headers, name)
    if (value === undefined) continue
    const text = redactSecrets(value, secrets).replace(/\s+/g, ' ').trim()
    if (text !== '') return text.length > max ? text.slice(0, max) : text
  }
  return undefined
}
