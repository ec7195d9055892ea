/**
 * What a new-api relay does differently from Google, shared by newapi.ts and the resellers that run the relay
 * (infinityblue, anyfast). A module of its own, without a provider's generated data, so that a reseller's bundle
 * does not carry newapi's validators too.
 */
import type { Quirks } from '../core/dialect.ts'
import type { Model } from '../core/types.ts'

const bareId = (id: string) => id.replace(/^models\//, '')

/**
 * Top-level fields new-api's request struct lacks (dto/gemini.go): it decodes the body into its own structs and
 * re-encodes them, so these would be dropped without a word. Refused before sending (checks.ts).
 */
export const NEWAPI_UNPLACED = ['serviceTier', 'store', 'continuationToken'] as const

export const newapiQuirks: Quirks = {
  unplaced: NEWAPI_UNPLACED,
  /** `{data: [{id}]}` (OpenAI's model list) → Google-style models, so that `listModels` looks the same on every provider. */
  modelsFromWire(body: unknown): { models: Model[] } {
    const data = (body as { data?: { id?: unknown }[] })?.data ?? []
    return { models: data.filter((m) => typeof m?.id === 'string').map((m) => ({ name: `models/${bareId(m.id as string)}`, baseModelId: bareId(m.id as string) })) }
  },
}
