/** infinityblue: a new-api relay (see newapi-quirks.ts) at its own host, behind a Bearer token; both come from its spec. */
import * as meta from '../../generated/infinityblue/index.ts'
import { validators } from '../../generated/infinityblue/validators/index.ts'
import { clientFactory, type ProviderClient } from '../core/client.ts'
import { dialectOf } from '../core/dialect.ts'
import { newapiQuirks } from './newapi-quirks.ts'

export const infinityblueDialect = dialectOf(meta, validators, newapiQuirks)
export type InfinityblueModel = meta.DocumentedModel
export type InfinityblueClient = ProviderClient<typeof meta, meta.paths>
/** A client for infinityblue. The key defaults from `INFINITYBLUE_API_KEY`. */
export const createInfinityblueClient = clientFactory<InfinityblueClient>(infinityblueDialect)
