/**
 * Secret scrubbing for anything that may end up in logs: error messages, raw bodies, headers, details.
 * @module
 * @internal
 */

/** What a redacted secret is replaced with. */
const REDACTED = '[REDACTED]'

/** Containers nested deeper than this are replaced by {@link TOO_DEEP} when redacting values. */
const MAX_REDACT_DEPTH = 64

/** Stands in for a subtree deeper than {@link MAX_REDACT_DEPTH}: we cannot vouch it is clean. */
const TOO_DEEP = '[omitted: nested too deep]'

/**
 * The forms in which each secret may appear, longest first so that a secret that contains another
 * is replaced whole.
 */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret === '') continue
    forms.add(secret)
    // Keys also travel in URLs (`?key=`), percent-encoded.
    try {
      forms.add(encodeURIComponent(secret))
    } catch {
      // Lone surrogates cannot be encoded; the raw form is still covered.
    }
    // And inside JSON string literals, where `"` and `\` and `/` may be escaped.
    const jsonForm = JSON.stringify(secret).slice(1, -1)
    forms.add(jsonForm)
    forms.add(jsonForm.replaceAll('/', '\\/'))
  }
  return [...forms].sort((a, b) => b.length - a.length)
}

/**
 * Replaces every occurrence of each non-empty secret (raw, URL-encoded and JSON-escaped) with
 * `[REDACTED]`. Empty strings in `secrets` are ignored.
 *
 * @example redactSecrets('bad key AIza123', ['AIza123']) // 'bad key [REDACTED]'
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text === '') return text
  let out = text
  // split/join: a literal replacement with no regex escaping to get wrong.
  for (const form of secretForms(secrets)) out = out.split(form).join(REDACTED)
  return out
}

/** Defines an own, enumerable property even for keys like `__proto__` (plain assignment would set the prototype). */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/**
 * Returns a copy of a JSON-like value with every string (and every object key) redacted.
 * Subtrees deeper than {@link MAX_REDACT_DEPTH} become {@link TOO_DEEP}. Non-JSON values
 * (functions, class instances other than arrays and plain objects) are returned as they are.
 */
export function redactValue<T>(value: T, secrets: readonly string[], options: { keys?: boolean } = {}): T {
  if (!secrets.some((s) => typeof s === 'string' && s !== '')) return value
  return walk(value, secrets, 0, options.keys ?? true) as T
}

function walk(value: unknown, secrets: readonly string[], depth: number, keys: boolean): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets)
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_REDACT_DEPTH) return TOO_DEEP
  if (Array.isArray(value)) return value.map((item) => walk(item, secrets, depth + 1, keys))
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    defineOwn(out, keys ? redactSecrets(key, secrets) : key, walk((value as Record<string, unknown>)[key], secrets, depth + 1, keys))
  }
  return out
}

/** Causes nested deeper than this are dropped from a scrubbed copy (we cannot vouch they are clean). */
const MAX_CAUSE_DEPTH = 8

/**
 * A cause whose message, stack or nested causes (`cause`, an AggregateError's `errors`) hold a secret is replaced by a
 * scrubbed copy, nested causes scrubbed the same way (we must not mutate the caller's). A clean cause is kept as is.
 */
export function redactCause(cause: unknown, secrets: readonly string[], depth = 0): unknown {
  if (secrets.length === 0) return cause
  if (typeof cause === 'string') return redactSecrets(cause, secrets)
  if (!(cause instanceof Error)) return cause
  if (depth >= MAX_CAUSE_DEPTH) return new Error(TOO_DEEP)
  const message = redactSecrets(cause.message, secrets)
  const stack = cause.stack === undefined ? undefined : redactSecrets(cause.stack, secrets)
  const inner = 'cause' in cause ? redactCause(cause.cause, secrets, depth + 1) : undefined
  const listed: unknown = (cause as { errors?: unknown }).errors
  const errors = Array.isArray(listed) ? listed : undefined
  const innerErrors = errors?.map((e) => redactCause(e, secrets, depth + 1))
  const clean =
    message === cause.message &&
    stack === cause.stack &&
    inner === (cause as { cause?: unknown }).cause &&
    (innerErrors === undefined || innerErrors.every((e, i) => e === errors![i]))
  if (clean) return cause
  const copy = new Error(message)
  copy.name = cause.name
  Object.defineProperty(copy, 'stack', { value: stack, writable: true, configurable: true, enumerable: false })
  const code = (cause as { code?: unknown }).code
  if (typeof code === 'string' || typeof code === 'number')
    Object.defineProperty(copy, 'code', {
      value: typeof code === 'string' ? redactSecrets(code, secrets) : code,
      writable: true,
      configurable: true,
      enumerable: true,
    })
  if ('cause' in cause) Object.defineProperty(copy, 'cause', { value: inner, writable: true, configurable: true, enumerable: false })
  if (innerErrors !== undefined) Object.defineProperty(copy, 'errors', { value: innerErrors, writable: true, configurable: true, enumerable: false })
  return copy
}

/**
 * Header names whose values are credentials: `authorization`, `proxy-authorization`, `cookie`, `cf-aig-authorization`
 * and any name ending in `-key`, `-token`, `-secret` or `-authorization` (`x-api-key`, `x-goog-api-key`, `api-key`,
 * `x-litellm-api-key`...).
 */
export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase()
  return lower === 'authorization' || lower === 'cookie' || /(^|[-_])(key|token|secret|authorization|auth)$/.test(lower)
}

/**
 * The credentials among `headers`: each value, and for `Bearer`/`Basic` schemes also the token alone (a server may
 * echo either).
 */
export function credentialValues(headers: Iterable<[string, string]> | Record<string, string> | undefined): string[] {
  if (!headers) return []
  const entries = Symbol.iterator in headers ? (headers as Iterable<[string, string]>) : Object.entries(headers)
  const out: string[] = []
  for (const [name, value] of entries) {
    if (typeof value !== 'string' || !isCredentialHeader(name)) continue
    const trimmed = value.trim()
    if (trimmed === '') continue
    out.push(trimmed)
    const token = /^(?:bearer|basic|token)\s+(.+)$/i.exec(trimmed)?.[1]
    if (token) out.push(token)
  }
  return out
}
