/**
 * infinityblue (seed 000): a new-api relay that passes Google's JSON through and lists models OpenAI-style at `GET /v1/models`.
 * @internal
 */
import { INFINITYBLUE_MODELS } from '../catalog.ts'
import { jsonReply, relayRoute, RELAY_JSON } from '../dialect.ts'
import { newApiDialect } from './new-api.ts'

/** The infinityblue dialect. */
export const infinityblue = newApiDialect('infinityblue', INFINITYBLUE_MODELS, undefined, {
  route(method, path, query) {
    if (method === 'GET' && path === '/v1/models') return { op: 'openaiModels' }
    return relayRoute(method, path, query)
  },
  openaiModels: () =>
    jsonReply(
      200,
      { object: 'list', data: INFINITYBLUE_MODELS.map((id) => ({ id, object: 'model', owned_by: 'google' })) },
      RELAY_JSON,
    ),
})
