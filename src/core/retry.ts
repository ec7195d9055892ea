/**
 * How long to wait before sending again (openai-node's rules, plus Google's `RetryInfo` body detail). Whether to send
 * again at all is the sending policy's (sending-policy.ts).
 * @module
 */

import { getHeader, type HeadersInput } from './internal/headers.ts'

/** A server-requested delay above this is ignored (we back off instead of hanging). */
export const MAX_RETRY_AFTER_MS = 60_000

const INITIAL_BACKOFF_MS = 500
const MAX_BACKOFF_MS = 8_000

/** Optional inputs of {@link retryDelayMs}. */
export interface RetryDelayOptions {
  /** Current time in ms since the epoch (for `Retry-After` dates). Default `Date.now()`. */
  now?: number | undefined
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: (() => number) | undefined
  /** The error body's Google `details` array; its `RetryInfo.retryDelay` is used after the headers. */
  details?: unknown
}

/**
 * Delay before retry number `attempt` (1-based), in ms. The first of these that is between 0 and
 * 60 s wins; a source that is missing, unparseable, negative or above 60 s is skipped:
 * 1. `retry-after-ms` header (milliseconds);
 * 2. `Retry-After` header (seconds, or an HTTP date measured from `now`);
 * 3. `RetryInfo.retryDelay` in the body's `details` (see {@link retryDelayFromBody}).
 * Otherwise exponential backoff with jitter: `min(0.5 s * 2^(attempt-1), 8 s) * (1 - random * 0.25)`.
 */
export function retryDelayMs(attempt: number, headers: HeadersInput | undefined, opts: RetryDelayOptions = {}): number {
  const candidates = [
    () => parseMilliseconds(getHeader(headers, 'retry-after-ms')),
    () => parseRetryAfter(getHeader(headers, 'retry-after'), opts.now ?? Date.now()),
    () => retryDelayFromBody(opts.details),
  ]
  for (const read of candidates) {
    const ms = read()
    if (ms !== undefined && ms >= 0 && ms <= MAX_RETRY_AFTER_MS) return ms
  }
  const n = Number.isFinite(attempt) && attempt >= 1 ? Math.floor(attempt) : 1
  const base = Math.min(INITIAL_BACKOFF_MS * 2 ** (n - 1), MAX_BACKOFF_MS)
  const random = clampUnit((opts.random ?? Math.random)())
  return base * (1 - random * 0.25)
}

function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0
}

const DECIMAL = /^\s*-?\d+(?:\.\d+)?\s*$/

function parseMilliseconds(value: string | undefined): number | undefined {
  return value !== undefined && DECIMAL.test(value) ? Number(value) : undefined
}

/** `Retry-After`: delay-seconds or an HTTP date. Numbers are checked first: `Date.parse('5')` is a date in 2001. */
function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  if (DECIMAL.test(value)) return Number(value) * 1000
  // Require a letter: an HTTP date always has a day or month name; bare symbols are junk.
  if (!/[a-z]/i.test(value)) return undefined
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : date - now
}

/**
 * Reads Google's `google.rpc.RetryInfo` from an error's `details` array: `retryDelay` as a
 * duration string (`"34.4s"`) or `{seconds, nanos}`. Returns ms, or undefined when absent or invalid.
 * The 60 s limit is applied by {@link retryDelayMs}, not here.
 */
export function retryDelayFromBody(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined
  for (const item of details.slice(0, 100)) {
    if (typeof item !== 'object' || item === null) continue
    const type: unknown = Object.hasOwn(item, '@type') ? (item as Record<string, unknown>)['@type'] : undefined
    if (typeof type !== 'string' || !type.endsWith('google.rpc.RetryInfo')) continue
    const delay: unknown = Object.hasOwn(item, 'retryDelay') ? (item as Record<string, unknown>)['retryDelay'] : undefined
    const ms = parseDuration(delay)
    if (ms !== undefined) return ms
  }
  return undefined
}

/** protobuf JSON Duration: `"34.4s"`, or the object form some encoders emit. */
function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(value)
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1000
  }
  if (typeof value === 'object' && value !== null) {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown }
    const s = Number(seconds ?? 0)
    const ns = Number(nanos ?? 0)
    if (seconds === undefined && nanos === undefined) return undefined
    if (!Number.isFinite(s) || !Number.isFinite(ns) || s < 0 || ns < 0) return undefined
    return s * 1000 + ns / 1e6
  }
  return undefined
}

/**
 * Resolves after `ms`; rejects with the signal's reason when the signal aborts first (at once if it
 * already has). The timer and the abort listener are removed either way, so no handle stays open.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      },
      Number.isFinite(ms) && ms > 0 ? ms : 0,
    )
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
