/** The canonical (Google dialect) types every provider's client speaks, from the generated google types. */
import type { components } from '../../generated/google/types.ts'

type Schemas = components['schemas']
export interface Content extends NonNullable<Schemas['Content']> {}
export interface Part extends NonNullable<Schemas['Part']> {}
export interface FunctionCall extends NonNullable<Schemas['FunctionCall']> {}
export interface GenerationConfig extends NonNullable<Schemas['GenerationConfig']> {}
export interface GenerateContentResponse extends NonNullable<Schemas['GenerateContentResponse']> {}
export interface Candidate extends NonNullable<Schemas['Candidate']> {}
export interface UsageMetadata extends NonNullable<Schemas['UsageMetadata']> {}
export interface CountTokensResponse extends NonNullable<Schemas['CountTokensResponse']> {}
export interface Model extends NonNullable<Schemas['Model']> {}
/** The request body in Google's dialect, without the `model` field (the model goes in the path). */
export type GenerateContentBody = Omit<Schemas['GenerateContentRequest'], 'model'>

/** A model id: the provider's documented ids autocomplete, any other string is accepted. */
export type ModelName<Documented extends string> = Documented | `models/${Documented}` | (string & {})

/** What `generateContent` and `streamGenerateContent` take: the body plus the model. */
export type GenerateContentParams<Documented extends string = string> = GenerateContentBody & {
  /** With or without the `models/` prefix. */
  model: ModelName<Documented>
}

export type CountTokensParams<Documented extends string = string> = Omit<Schemas['CountTokensRequest'], never> & {
  model: ModelName<Documented>
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call (and a stream's body); the error thrown is a `UserAbortError`. */
  signal?: AbortSignal
  /** Overrides the client's limit for this call (`timeoutMs` for generations, `quickTimeoutMs` for the other calls). */
  timeoutMs?: number
  /** Extra headers for this call. */
  headers?: Record<string, string>
  /** Overrides the client's `requestValidation` for this call (`off` sends the body unchecked). */
  requestValidation?: 'strict' | 'off'
  /** Overrides the client's `allowDuplicateGenerations` for this call. */
  allowDuplicateGenerations?: boolean
  /** Overrides the client's `automaticContinuation` for this call. */
  automaticContinuation?: boolean
}
