/** infinityblue: Bearer auth; its model list is OpenAI style at `/v1/models`. */
import * as meta from '../../generated/infinityblue/index.ts'
import type { paths } from '../../generated/infinityblue/types.ts'
import { validators } from '../../generated/infinityblue/validators/index.ts'
import { createGatewayClient, type ClientOptions, type GatewayClient } from '../core/client.ts'
import { canonicalRoutes, type Dialect } from '../core/dialect.ts'
import type { Model } from '../core/types.ts'

/** `{data: [{id}]}` → Google-style models, so that `listModels` looks the same on every provider. */
function modelsFromWire(body: unknown): { models: Model[] } {
  const data = (body as { data?: { id?: unknown; owned_by?: unknown }[] })?.data ?? []
  return { models: data.filter((m) => typeof m?.id === 'string').map((m) => ({ name: `models/${bareId(m.id as string)}`, baseModelId: bareId(m.id as string) })) }
}
const bareId = (id: string) => id.replace(/^models\//, '')

export const infinityblueDialect: Dialect = {
  name: 'infinityblue',
  envKey: 'INFINITYBLUE_API_KEY',
  defaultBaseUrl: meta.defaultBaseUrl,
  auth: meta.auth,
  routes: canonicalRoutes(meta),
  modelsFromWire,
  validators,
}

export type InfinityblueModel = meta.DocumentedModel
export type InfinityblueClient = Omit<GatewayClient<paths, InfinityblueModel>, 'countTokens' | 'getModel'>

/** A client for infinityblue. The key defaults from `INFINITYBLUE_API_KEY`. */
export function createInfinityblueClient(options: ClientOptions = {}): InfinityblueClient {
  return createGatewayClient(infinityblueDialect, options)
}
