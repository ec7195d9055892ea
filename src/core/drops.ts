/**
 * Request fields a gateway drops without a word (its spec's `x-gateway-drops`, generated into
 * `generated/<p>/validators/drops.ts`), found in a body and refused with the reason the spec gives. Loaded by the
 * quirks of a gateway that drops some (newapi-quirks.ts) with its first request, so that the others never load it.
 */
import type { Dialect, Issue } from './dialect.ts'

/** Where in `body` each pattern is present: a pattern is a JSON pointer whose `*` steps through every array item. */
export function droppedIn(body: unknown, patterns: readonly string[]): { path: string; pattern: string }[] {
  const found: { path: string; pattern: string }[] = []
  const visit = (value: unknown, steps: readonly string[], at: string, pattern: string): void => {
    if (value === null || typeof value !== 'object') return
    const [step, ...rest] = steps
    if (step === '*') {
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          visit(item, rest, `${at}/${i}`, pattern)
        })
      }
      return
    }
    if (Array.isArray(value) || !Object.hasOwn(value, step!)) return
    const next = (value as Record<string, unknown>)[step!]
    if (rest.length > 0) visit(next, rest, `${at}/${step}`, pattern)
    else if (next !== undefined) found.push({ path: `${at}/${step}`, pattern })
  }
  for (const pattern of patterns) visit(body, pattern.split('/').slice(1), '', pattern)
  return found.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }))
}

/** What a provider's generated validators/drops.ts holds: where it drops fields, per operation, and why each matters. */
export interface Drops {
  dropped: Readonly<Record<string, readonly string[]>>
  reasons: Readonly<Record<string, string>>
}

/** Each field of a body for `operationId` that the gateway drops, with the reason its spec gives. */
export function lostFields(dialect: Dialect, drops: Drops, operationId: string, body: Record<string, unknown>): Issue[] {
  return droppedIn(body, drops.dropped[operationId] ?? []).map(({ path, pattern }) => ({
    path,
    message: `${dialect.name} drops this field without a word: ${drops.reasons[pattern] ?? 'it has no place for it'}; leave it out, or send this request through another provider`,
  }))
}
