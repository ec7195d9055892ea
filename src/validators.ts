/**
 * `gemini-gateways/validators`: the precompiled checks the client runs, per provider, for your own use: a
 * request before it is queued, a stored or relayed response, a fixture. Each provider has three sets:
 * `request` (strict: unknown keys and values outside an enum fail; what the client checks before sending),
 * `response` (tolerant: unknown keys and enum values pass, wrong structure fails; the client's default) and
 * `responseStrict` (enums closed). Checks are plain functions compiled at generate time: no code is built
 * at run time, so they work under a strict Content-Security-Policy and on edge runtimes.
 *
 * @example
 * ```ts
 * import { google, validate } from 'gemini-gateways/validators'
 * google.request.checks.generateContentRequest(body)                     // boolean, synchronous
 * const issues = await validate(google.request, 'generateContentRequest', body)
 * // [] when valid, else [{ path: '/contents/0/parts/0/bogus', message: '...' }, ...]
 * ```
 *
 * Check names are the spec's component names (`GenerateContentResponse`, `Content`...) and, per operation,
 * `<operationId>Request` and `<operationId>Response200` (apimart's one generate operation is `generate`).
 * Bundlers keep only the providers you import (the package has no side effects).
 * @packageDocumentation
 */
import type { ValidationIssue } from './core/errors.ts'
import { issuesOf, type Check, type ProviderValidators, type Validators } from './core/validate.ts'

export type { Check, ProviderValidators, ValidationIssue, Validators }
// One set per provider (`google`, `newapi`, ...) and `validators` by name, generated from the registry.
export * from '../generated/validator-sets.ts'

/**
 * Runs the check `name` of `set` on `value`: `[]` when it passes, else the JSON-pointer path and message of
 * each problem (at most 8 are listed, then a note says more may exist). Throws on a name the set lacks.
 */
export function validate<S extends Validators>(set: S, name: keyof S['checks'] & string, value: unknown): Promise<ValidationIssue[]> {
  return issuesOf(set, name, value)
}
