/** Google's own endpoint: the canonical dialect, `x-goog-api-key`, every operation. */
import * as meta from '../../generated/google/index.ts'
import type { paths } from '../../generated/google/types.ts'
import { validators } from '../../generated/google/validators/index.ts'
import { createGatewayClient, type ClientOptions, type GatewayClient } from '../core/client.ts'
import { canonicalRoutes, type Dialect } from '../core/dialect.ts'

export const googleDialect: Dialect = {
  name: 'google',
  envKey: 'GEMINI_API_KEY',
  defaultBaseUrl: meta.defaultBaseUrl,
  auth: meta.auth,
  routes: canonicalRoutes(meta),
  validators,
}

export type GoogleModel = meta.DocumentedModel
export type GoogleClient = GatewayClient<paths, GoogleModel>

/** A client for Google's Gemini API. The key defaults from `GEMINI_API_KEY`. */
export function createGoogleClient(options: ClientOptions = {}): GoogleClient {
  return createGatewayClient(googleDialect, options)
}
