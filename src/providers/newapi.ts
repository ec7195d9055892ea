/**
 * newapi: the open-source relay most Gemini resellers run, one `baseUrl` away. Google's camelCase dialect; its quirk
 * is the model list, OpenAI style (`{data: [{id}]}`). Its spec has no countTokens (the relay would run, and bill,
 * it as a generation) and no getModel, so its client has neither.
 */
import * as meta from '../../generated/newapi/index.ts'
import { validators } from '../../generated/newapi/validators/index.ts'
import { clientFactory, type ProviderClient } from '../core/client.ts'
import { dialectOf, type Quirks } from '../core/dialect.ts'
import type { Model } from '../core/types.ts'

const bareId = (id: string) => id.replace(/^models\//, '')

/** What every new-api relay does differently from Google, for the resellers that run it (infinityblue, anyfast). */
export const newapiQuirks: Quirks = {
  /** `{data: [{id}]}` → Google-style models, so that `listModels` looks the same on every provider. */
  modelsFromWire(body: unknown): { models: Model[] } {
    const data = (body as { data?: { id?: unknown }[] })?.data ?? []
    return { models: data.filter((m) => typeof m?.id === 'string').map((m) => ({ name: `models/${bareId(m.id as string)}`, baseModelId: bareId(m.id as string) })) }
  },
}

export const newapiDialect = dialectOf(meta, validators, newapiQuirks)
export type NewapiModel = meta.DocumentedModel
export type NewapiClient = ProviderClient<typeof meta, meta.paths>
/** A client for a new-api relay: pass its `baseUrl`. The key defaults from `NEWAPI_API_KEY`. */
export const createNewapiClient = clientFactory<NewapiClient>(newapiDialect)
