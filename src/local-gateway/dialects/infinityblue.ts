/**
 * infinityblue (seed 000): new-api with its three documented models (also listed at `GET /v1/models`), taking the
 * key only as `Authorization: Bearer`, as its docs say.
 * @internal
 */
import { INFINITYBLUE_MODELS } from '../catalog.ts'
import type { GatewayDialect } from '../dialect.ts'
import { bearerOnly, newapi } from './newapi.ts'

/** The infinityblue dialect. */
export const infinityblue: GatewayDialect = { ...newapi, provider: 'infinityblue', models: INFINITYBLUE_MODELS, checkAuth: bearerOnly }
