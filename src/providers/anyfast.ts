/**
 * anyfast: a new-api relay (see newapi-quirks.ts) behind a Bearer token, whose page documents no model list; its
 * non-empty `contents` (minItems) is in its spec and checked before sending. Nothing else to add.
 */
import * as meta from '../../generated/anyfast/index.ts'
import { validators } from '../../generated/anyfast/validators/index.ts'
import { clientFactory, type ProviderClient } from '../core/client.ts'
import { dialectOf } from '../core/dialect.ts'
import { newapiQuirks } from './newapi-quirks.ts'

export const anyfastDialect = dialectOf(meta, validators, newapiQuirks)
export type AnyfastModel = meta.DocumentedModel
export type AnyfastClient = ProviderClient<typeof meta, meta.paths>
/** A client for anyfast. The key defaults from `ANYFAST_API_KEY`. */
export const createAnyfastClient = clientFactory<AnyfastClient>(anyfastDialect)
