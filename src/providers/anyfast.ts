/** anyfast: Bearer auth, non-empty `contents` (its spec's minItems, checked before sending), ten documented models. */
import * as meta from '../../generated/anyfast/index.ts'
import type { paths } from '../../generated/anyfast/types.ts'
import { validators } from '../../generated/anyfast/validators/index.ts'
import { createGatewayClient, type ClientOptions, type GatewayClient } from '../core/client.ts'
import { canonicalRoutes, type Dialect } from '../core/dialect.ts'

export const anyfastDialect: Dialect = {
  name: 'anyfast',
  envKey: 'ANYFAST_API_KEY',
  defaultBaseUrl: meta.defaultBaseUrl,
  auth: meta.auth,
  routes: canonicalRoutes(meta),
  validators,
}

export type AnyfastModel = meta.DocumentedModel
export type AnyfastClient = Omit<GatewayClient<paths, AnyfastModel>, 'countTokens' | 'getModel' | 'listModels'>

/** A client for anyfast. The key defaults from `ANYFAST_API_KEY`. */
export function createAnyfastClient(options: ClientOptions = {}): AnyfastClient {
  return createGatewayClient(anyfastDialect, options)
}
