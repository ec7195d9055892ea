/**
 * newapi: the open-source relay most Gemini resellers run, one `baseUrl` away. Google's camelCase dialect with an
 * OpenAI-style model list (newapi-quirks.ts). Its spec has no countTokens (the relay would run, and bill, it as a
 * generation) and no getModel, so its client has neither.
 */
import * as meta from '../../generated/newapi/index.ts'
import { validators } from '../../generated/newapi/validators/index.ts'
import { clientFactory, type ProviderClient } from '../core/client.ts'
import { dialectOf } from '../core/dialect.ts'
import { newapiQuirks } from './newapi-quirks.ts'

export const newapiDialect = dialectOf(meta, validators, newapiQuirks)
export type NewapiModel = meta.DocumentedModel
export type NewapiClient = ProviderClient<typeof meta, meta.paths>
/** A client for a new-api relay: pass its `baseUrl`. The key defaults from `NEWAPI_API_KEY`. */
export const createNewapiClient = clientFactory<NewapiClient>(newapiDialect)
