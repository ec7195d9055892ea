/** Google's own endpoint: the canonical dialect, `x-goog-api-key`, every operation. Nothing to add to its generated folder. */
import * as meta from '../../generated/google/index.ts'
import { validators } from '../../generated/google/validators/index.ts'
import { clientFactory, type ProviderClient } from '../core/client.ts'
import { dialectOf } from '../core/dialect.ts'

export const googleDialect = dialectOf(meta, validators)
export type GoogleModel = meta.DocumentedModel
export type GoogleClient = ProviderClient<typeof meta, meta.paths>
/** A client for Google's Gemini API. The key defaults from `GEMINI_API_KEY`. */
export const createGoogleClient = clientFactory<GoogleClient>(googleDialect)
