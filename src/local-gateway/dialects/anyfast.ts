/**
 * anyfast (seed 001): new-api as its spec describes it (the generated reseller: its ten documented models, no model
 * list, the key only as `Authorization: Bearer`), plus its one quirk: `candidates[].index` and `modelVersion` added
 * to every response object.
 * @internal
 */
import { ANYFAST_MODELS } from '../catalog.ts'
import { withCandidateIndex, type GatewayDialect } from '../dialect.ts'
import { newApiAnswers, reseller } from './newapi.ts'

/** The anyfast dialect. */
export const anyfast: GatewayDialect = {
  ...reseller({ provider: 'anyfast', models: ANYFAST_MODELS, googleKeyHeader: false, modelList: false }),
  ...newApiAnswers((value, model) => {
    const out = withCandidateIndex(value)
    return 'modelVersion' in out ? out : { ...out, modelVersion: model }
  }),
}
