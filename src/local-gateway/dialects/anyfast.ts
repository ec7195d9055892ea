/**
 * anyfast (seed 001): a new-api relay that routes its ten documented models and adds
 * `candidates[].index` and `modelVersion` to every response object.
 * @internal
 */
import { ANYFAST_MODELS } from '../catalog.ts'
import { withCandidateIndex, type GatewayDialect } from '../dialect.ts'
import { newApiDialect } from './new-api.ts'

/** The anyfast dialect. */
export const anyfast: GatewayDialect = newApiDialect('anyfast', ANYFAST_MODELS, (value, model) => {
  const out = withCandidateIndex(value)
  return 'modelVersion' in out ? out : { ...out, modelVersion: model }
})
