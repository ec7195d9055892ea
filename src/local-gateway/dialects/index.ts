/**
 * The six dialects by provider name.
 * @internal
 */
import type { GatewayDialect } from '../dialect.ts'
import type { LocalGatewayProvider } from '../types.ts'
import { anyfast } from './anyfast.ts'
import { apimart } from './apimart.ts'
import { google } from './google.ts'
import { infinityblue } from './infinityblue.ts'
import { newapi } from './newapi.ts'
import { nordlys } from './nordlys.ts'

/** Dialect of each provider. */
export const DIALECTS: Record<LocalGatewayProvider, GatewayDialect> = { google, newapi, infinityblue, anyfast, apimart, nordlys }
