/**
 * Runs the precompiled validators from generated/<provider>/validators and, only when a value fails, loads
 * the schemas behind them to say where (TypeBox's interpreter: no code is built at run time).
 */
import type { ValidationIssue } from './errors.ts'

export type Check = (value: unknown) => boolean
/** One variant's checks by name, and a loader for its schemas (only needed to explain a failure). */
export interface ValidatorSet {
  checks: Record<string, Check>
  schemas: () => Promise<{ default: Record<string, unknown> }>
}

const MAX_LISTED = 8

/** A set whose checks load on first use (the strict response checks: only `responseValidation: 'strict'` needs them). */
export interface LazyValidatorSet {
  load: () => Promise<Record<string, Check>>
  schemas: ValidatorSet['schemas']
}

/** Named checks, and a loader of the schemas behind them (loaded only when a value fails). */
export interface Validators<Name extends string = string> extends ValidatorSet {
  readonly checks: Readonly<Record<Name, Check>>
}

/** A provider's three validator sets, as `gemini-gateways/validators` exports them. */
export interface ProviderValidators<Req extends string = string, Res extends string = string, ResStrict extends string = string> {
  /** Strict: unknown keys and values outside an enum fail. */
  readonly request: Validators<Req>
  /** Tolerant: unknown keys and enum values pass; wrong structure fails. */
  readonly response: Validators<Res>
  /** As `response`, with enums closed. */
  readonly responseStrict: Validators<ResStrict>
}

export type ResponseValidation = 'tolerant' | 'strict' | 'off'
export type RequestValidation = 'strict' | 'off'

/** The JSON-pointer paths and messages of everything wrong with `value`; empty when it passes. */
export async function issuesOf(set: ValidatorSet, name: string, value: unknown): Promise<ValidationIssue[]> {
  const check = set.checks[name]
  if (!check) throw new Error(`no validator named ${name}`)
  if (check(value)) return []
  const [{ Errors }, { default: context }, { explain }] = await Promise.all([import('typebox/schema'), set.schemas(), import('./explain.ts')])
  const [, errors] = Errors(context as any, { $ref: name } as any, value)
  const issues = explain(errors, context as Record<string, Record<string, any>>, name, value)
  // TypeBox stops collecting at 8 errors (a guard against hostile input); say so rather than look complete.
  if (issues.length >= MAX_LISTED) issues.push({ path: '', message: `further issues may exist: at most ${MAX_LISTED} are listed` })
  // The interpreter and the precompiled check agree; a fallback keeps a failure from reading as "no issues".
  return issues.length ? issues : [{ path: '', message: `does not match ${name}` }]
}

/** Loads a lazy set once; `current()` is the loaded set, or undefined until `ready()` has resolved. */
export function onDemand(lazy: LazyValidatorSet): { current: () => ValidatorSet | undefined; ready: () => Promise<ValidatorSet> } {
  let set: ValidatorSet | undefined
  let loading: Promise<ValidatorSet> | undefined
  return {
    current: () => set,
    ready: () => (loading ??= lazy.load().then((checks) => (set = { checks, schemas: lazy.schemas }))),
  }
}
