/** apimart: Bearer auth, one `{method}` path for both methods, and a documented `{code, data}` envelope. */
import * as meta from '../../generated/apimart/index.ts'
import type { paths } from '../../generated/apimart/types.ts'
import { validators } from '../../generated/apimart/validators/index.ts'
import { createGatewayClient, type ClientOptions, type GatewayClient } from '../core/client.ts'
import { route, type Dialect } from '../core/dialect.ts'

/**
 * Unwraps `{code: 200, data, usageMetadata}` (token counts live outside `data`); a bare response passes
 * through. A non-200 `code` never gets here: the transport turns it into an error first.
 */
export function unwrapEnvelope(body: unknown): unknown {
  if (!body || typeof body !== 'object' || !('code' in body) || !('data' in body)) return body
  const { data, usageMetadata } = body as { data?: Record<string, unknown>; usageMetadata?: unknown }
  return { ...data, ...(usageMetadata !== undefined && { usageMetadata }) }
}

const generate = route(meta, 'generate')

export const apimartDialect: Dialect = {
  name: 'apimart',
  envKey: 'APIMART_API_KEY',
  defaultBaseUrl: meta.defaultBaseUrl,
  auth: meta.auth,
  routes: {
    generate: { ...generate, pathParams: { method: 'generateContent' } },
    stream: { ...generate, pathParams: { method: 'streamGenerateContent' } },
  },
  fromWire: unwrapEnvelope,
  validators,
}

export type ApimartModel = meta.DocumentedModel
export type ApimartClient = Omit<GatewayClient<paths, ApimartModel>, 'countTokens' | 'getModel' | 'listModels'>

/** A client for apimart. The key defaults from `APIMART_API_KEY`. */
export function createApimartClient(options: ClientOptions = {}): ApimartClient {
  return createGatewayClient(apimartDialect, options)
}
