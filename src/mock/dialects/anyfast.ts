/**
 * anyfast (seed 001): a new-api relay that only routes its ten documented models and adds
 * `candidates[].index` and `modelVersion` to every response object.
 * @internal
 */
import { ANYFAST_MODELS } from '../catalog.ts'
import { withCandidateIndex, type Dialect } from '../dialect.ts'
import { newApiDialect } from './new-api.ts'

/** The anyfast dialect. */
export const anyfast: Dialect = newApiDialect(
  'anyfast',
  (value, model) => {
    const out = withCandidateIndex(value)
    return 'modelVersion' in out ? out : { ...out, modelVersion: model }
  },
  {
    checkModel(model, ctx) {
      return (ANYFAST_MODELS as readonly string[]).includes(model) ? undefined : anyfast.error('unknown-model', { ...ctx, model })
    },
  },
)
