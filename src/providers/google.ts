/** Google's own endpoint: the canonical dialect, `x-goog-api-key`, every operation. */
import * as meta from '../../generated/google/index.ts'
import type { paths } from '../../generated/google/types.ts'
import * as response from '../../generated/google/validators/response.ts'
import { createGatewayClient, type ClientOptions, type GatewayClient } from '../core/client.ts'
import { canonicalRoutes, type Dialect } from '../core/dialect.ts'

export const googleDialect: Dialect = {
  name: 'google',
  envKey: 'GEMINI_API_KEY',
  defaultBaseUrl: meta.defaultBaseUrl,
  auth: meta.auth,
  routes: canonicalRoutes(meta),
  validators: {
    request: { load: () => import('../../generated/google/validators/request.ts'), schemas: () => import('../../generated/google/validators/request-schemas.ts') },
    response: { checks: response, schemas: () => import('../../generated/google/validators/response-schemas.ts') },
    responseStrict: { load: () => import('../../generated/google/validators/response-strict.ts'), schemas: () => import('../../generated/google/validators/response-strict-schemas.ts') },
  },
}

export type GoogleModel = meta.DocumentedModel
export type GoogleClient = GatewayClient<paths, GoogleModel>

/** A client for Google's Gemini API. The key defaults from `GEMINI_API_KEY`. */
export function createGoogleClient(options: ClientOptions = {}): GoogleClient {
  return createGatewayClient(googleDialect, options)
}
