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
import * as anyfastRequest from '../generated/anyfast/validators/request.ts'
import * as anyfastResponseStrict from '../generated/anyfast/validators/response-strict.ts'
import * as anyfastResponse from '../generated/anyfast/validators/response.ts'
import * as apimartRequest from '../generated/apimart/validators/request.ts'
import * as apimartResponseStrict from '../generated/apimart/validators/response-strict.ts'
import * as apimartResponse from '../generated/apimart/validators/response.ts'
import * as googleRequest from '../generated/google/validators/request.ts'
import * as googleResponseStrict from '../generated/google/validators/response-strict.ts'
import * as googleResponse from '../generated/google/validators/response.ts'
import * as infinityblueRequest from '../generated/infinityblue/validators/request.ts'
import * as infinityblueResponseStrict from '../generated/infinityblue/validators/response-strict.ts'
import * as infinityblueResponse from '../generated/infinityblue/validators/response.ts'
import * as nordlysRequest from '../generated/nordlys/validators/request.ts'
import * as nordlysResponseStrict from '../generated/nordlys/validators/response-strict.ts'
import * as nordlysResponse from '../generated/nordlys/validators/response.ts'
import type { ValidationIssue } from './core/errors.ts'
import { issuesOf, type Check, type ValidatorSet } from './core/validate.ts'

export type { Check, ValidationIssue }

/** Named checks, and a loader of the schemas behind them (loaded by {@link validate} only when a value fails). */
export interface Validators<Name extends string = string> extends ValidatorSet {
  readonly checks: Readonly<Record<Name, Check>>
}

/** A provider's three validator sets. */
export interface ProviderValidators<Req extends string = string, Res extends string = string, ResStrict extends string = string> {
  /** Strict: unknown keys and values outside an enum fail. */
  readonly request: Validators<Req>
  /** Tolerant: unknown keys and enum values pass; wrong structure fails. */
  readonly response: Validators<Res>
  /** As `response`, with enums closed. */
  readonly responseStrict: Validators<ResStrict>
}

type Sets<Req, Res, ResStrict> = ProviderValidators<keyof Req & string, keyof Res & string, keyof ResStrict & string>

// Plain object literals (no calls), so that bundlers drop the providers an app does not import.
export const google: Sets<typeof googleRequest, typeof googleResponse, typeof googleResponseStrict> = {
  request: { checks: googleRequest, schemas: () => import('../generated/google/validators/request-schemas.ts') },
  response: { checks: googleResponse, schemas: () => import('../generated/google/validators/response-schemas.ts') },
  responseStrict: { checks: googleResponseStrict, schemas: () => import('../generated/google/validators/response-strict-schemas.ts') },
}

export const infinityblue: Sets<typeof infinityblueRequest, typeof infinityblueResponse, typeof infinityblueResponseStrict> = {
  request: { checks: infinityblueRequest, schemas: () => import('../generated/infinityblue/validators/request-schemas.ts') },
  response: { checks: infinityblueResponse, schemas: () => import('../generated/infinityblue/validators/response-schemas.ts') },
  responseStrict: { checks: infinityblueResponseStrict, schemas: () => import('../generated/infinityblue/validators/response-strict-schemas.ts') },
}

export const anyfast: Sets<typeof anyfastRequest, typeof anyfastResponse, typeof anyfastResponseStrict> = {
  request: { checks: anyfastRequest, schemas: () => import('../generated/anyfast/validators/request-schemas.ts') },
  response: { checks: anyfastResponse, schemas: () => import('../generated/anyfast/validators/response-schemas.ts') },
  responseStrict: { checks: anyfastResponseStrict, schemas: () => import('../generated/anyfast/validators/response-strict-schemas.ts') },
}

export const apimart: Sets<typeof apimartRequest, typeof apimartResponse, typeof apimartResponseStrict> = {
  request: { checks: apimartRequest, schemas: () => import('../generated/apimart/validators/request-schemas.ts') },
  response: { checks: apimartResponse, schemas: () => import('../generated/apimart/validators/response-schemas.ts') },
  responseStrict: { checks: apimartResponseStrict, schemas: () => import('../generated/apimart/validators/response-strict-schemas.ts') },
}

export const nordlys: Sets<typeof nordlysRequest, typeof nordlysResponse, typeof nordlysResponseStrict> = {
  request: { checks: nordlysRequest, schemas: () => import('../generated/nordlys/validators/request-schemas.ts') },
  response: { checks: nordlysResponse, schemas: () => import('../generated/nordlys/validators/response-schemas.ts') },
  responseStrict: { checks: nordlysResponseStrict, schemas: () => import('../generated/nordlys/validators/response-strict-schemas.ts') },
}

/** Every provider's sets, for lookup by name (this keeps all five in a bundle; import one by name to keep one). */
export const validators = { google, infinityblue, anyfast, apimart, nordlys } as const

/**
 * Runs the check `name` of `set` on `value`: `[]` when it passes, else the JSON-pointer path and message of
 * each problem (at most 8 are listed, then a note says more may exist). Throws on a name the set lacks.
 */
export function validate<S extends Validators>(set: S, name: keyof S['checks'] & string, value: unknown): Promise<ValidationIssue[]> {
  return issuesOf(set, name, value)
}
