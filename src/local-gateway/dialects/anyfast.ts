/**
 * anyfast (seed 001): new-api with its ten documented models, no model list, the key only as
 * `Authorization: Bearer`, and `candidates[].index` and `modelVersion` added to every response object.
 * @internal
 */
import { ANYFAST_MODELS } from '../catalog.ts'
import { relayRoute, withCandidateIndex, type GatewayDialect } from '../dialect.ts'
import { bearerOnly, newapi, newApiAnswers, RELAY_VERSIONS } from './newapi.ts'

/** The anyfast dialect. */
export const anyfast: GatewayDialect = {
  ...newapi,
  provider: 'anyfast',
  // It documents no model list: only the generate routes (new-api's: /v1beta and /v1).
  route: (method, path, query) => relayRoute(method, path, query, RELAY_VERSIONS),
  openaiModels: undefined,
  models: ANYFAST_MODELS,
  checkAuth: bearerOnly,
  ...newApiAnswers((value, model) => {
    const out = withCandidateIndex(value)
    return 'modelVersion' in out ? out : { ...out, modelVersion: model }
  }),
}
