/** apimart: Bearer auth, one `{method}` path for both methods, and a documented `{code, data}` envelope. */
import * as meta from '../../generated/apimart/index.ts'
import { validators } from '../../generated/apimart/validators/index.ts'
import { clientFactory, type ProviderClient } from '../core/client.ts'
import { dialectOf, route } from '../core/dialect.ts'

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

export const apimartDialect = dialectOf(meta, validators, {
  routes: {
    generate: { ...generate, pathParams: { method: 'generateContent' } },
    stream: { ...generate, pathParams: { method: 'streamGenerateContent' } },
  },
  fromWire: unwrapEnvelope,
})

export type ApimartModel = meta.DocumentedModel
export type ApimartClient = ProviderClient<typeof meta, meta.paths, { methods: 'generateContent' | 'streamGenerateContent' }>
/** A client for apimart. The key defaults from `APIMART_API_KEY`. */
export const createApimartClient = clientFactory<ApimartClient>(apimartDialect)
