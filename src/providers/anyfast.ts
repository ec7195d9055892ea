/** anyfast: Bearer auth, non-empty `contents` (its spec's minItems, checked before sending), ten documented models. */
import * as meta from '../../generated/anyfast/index.ts'
import type { paths } from '../../generated/anyfast/types.ts'
import * as response from '../../generated/anyfast/validators/response.ts'
import { createGatewayClient, type ClientOptions, type GatewayClient } from '../core/client.ts'
import { canonicalRoutes, type Dialect } from '../core/dialect.ts'

export const anyfastDialect: Dialect = {
  name: 'anyfast',
  envKey: 'ANYFAST_API_KEY',
  defaultBaseUrl: meta.defaultBaseUrl,
  auth: meta.auth,
  routes: canonicalRoutes(meta),
  validators: {
    request: { load: () => import('../../generated/anyfast/validators/request.ts'), schemas: () => import('../../generated/anyfast/validators/request-schemas.ts') },
    response: { checks: response, schemas: () => import('../../generated/anyfast/validators/response-schemas.ts') },
    responseStrict: { load: () => import('../../generated/anyfast/validators/response-strict.ts'), schemas: () => import('../../generated/anyfast/validators/response-strict-schemas.ts') },
  },
}

export type AnyfastModel = meta.DocumentedModel
export type AnyfastClient = Omit<GatewayClient<paths, AnyfastModel>, 'countTokens' | 'getModel' | 'listModels'>

/** A client for anyfast. The key defaults from `ANYFAST_API_KEY`. */
export function createAnyfastClient(options: ClientOptions = {}): AnyfastClient {
  return createGatewayClient(anyfastDialect, options)
}
