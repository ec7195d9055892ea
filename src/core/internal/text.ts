/**
 * How error messages and kept bodies are shaped: one line, the provider in front, cut without splitting a
 * surrogate pair. Shared by the error classes and the modules that read error bodies.
 * @module
 * @internal
 */
import { redactSecrets } from './redact.ts'

/** `rawBody` keeps at most this many UTF-16 code units (64 Ki) of the body; the rest is dropped. */
const MAX_RAW_BODY_LENGTH = 64 * 1024

/** Messages are cut to this many characters (plus an ellipsis). */
const MAX_MESSAGE_LENGTH = 1000

/** `<provider>: <text>`, or the text alone when no provider is known. */
export function withProvider(provider: string | undefined, text: string): string {
  return provider === undefined ? text : `${provider}: ${text}`
}

/** `: <the message of an Error cause, on one line>`, so a message says why; nothing for any other cause. */
export function causeSuffix(cause: unknown): string {
  if (cause instanceof Error && cause.message !== '') return `: ${oneLine(cause.message, 300)}`
  return ''
}

/** The end of a TimeoutError's message: which option to change (the CLI swaps in its flag). */
export const raiseHint = (option: string): string => `raise ${option} to wait longer`

/** Collapses whitespace to single spaces and cuts to `max` characters. */
export function oneLine(text: string, max = MAX_MESSAGE_LENGTH): string {
  const flat = text
    .slice(0, max * 4)
    .replace(/\s+/g, ' ')
    .trim()
  return flat.length > max ? `${cutSafely(flat, max)}…` : flat
}

/** Cuts without leaving half a surrogate pair. */
function cutSafely(text: string, max: number): string {
  if (text.length <= max) return text
  const code = text.charCodeAt(max - 1)
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max)
}

/** A body as an error keeps it: secrets redacted, first {@link MAX_RAW_BODY_LENGTH} characters only. */
export function capRawBody(body: string, secrets: readonly string[]): string {
  const text = String(body)
  if (secrets.length === 0) return cutSafely(text, MAX_RAW_BODY_LENGTH)
  // Keep enough beyond the cap that a secret straddling it is still seen whole, then cut.
  const longest = secrets.reduce((max, s) => Math.max(max, typeof s === 'string' ? s.length * 6 : 0), 0)
  return cutSafely(redactSecrets(text.slice(0, MAX_RAW_BODY_LENGTH + longest), secrets), MAX_RAW_BODY_LENGTH)
}
