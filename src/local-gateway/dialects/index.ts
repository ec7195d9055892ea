/**
 * The five dialects by provider name.
 * @internal
 */
import type { GatewayDialect } from '../dialect.ts'
import type { LocalGatewayProvider } from '../types.ts'
import { anyfast } from './anyfast.ts'
import { apimart } from './apimart.ts'
import { google } from './google.ts'
import { infinityblue } from './infinityblue.ts'
import { nordlys } from './nordlys.ts'

/** Dialect of each provider. */
export const DIALECTS: Record<LocalGatewayProvider, GatewayDialect> = { google, infinityblue, anyfast, apimart, nordlys }
