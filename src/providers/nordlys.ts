/**
 * nordlys: `X-API-Key`, and a snake_case body whose `generation_config` has the Gen AI SDK's shape. Its
 * server drops camelCase keys silently, so the canonical request is translated here, and router fields
 * (`provider_order`, `models`...) are typed on this client alone.
 */
import * as meta from '../../generated/nordlys/index.ts'
import type { components } from '../../generated/nordlys/types.ts'
import { validators } from '../../generated/nordlys/validators/index.ts'
import { clientFactory, type ProviderClient } from '../core/client.ts'
import { dialectOf, type Dialect } from '../core/dialect.ts'
import type { GenerateContentBody } from '../core/types.ts'

type Wire = components['schemas']['NordlysGenerateContentRequest']
/** The router fields nordlys adds to a request (snake_case, as on the wire). */
export type NordlysRouting = Omit<Wire, 'contents' | 'generation_config' | 'safety_settings' | 'system_instruction' | 'tool_config' | 'tools'>

/**
 * Canonical fields nordlys's wire format has no place for (neither top level nor generation_config): the
 * nordlys client's types leave them out, and sending them anyway is a RequestValidationError, never a silent drop.
 */
export const NORDLYS_UNSUPPORTED = ['serviceTier', 'store', 'continuationToken'] as const

// Canonical top-level fields that nordlys reads from inside generation_config instead.
const MOVED = ['systemInstruction', 'safetySettings', 'tools', 'toolConfig', 'cachedContent'] as const

/** Canonical request → nordlys wire body. Unknown canonical fields stay, so strict validation names them. */
export function toNordlysWire(body: GenerateContentBody & NordlysRouting): Record<string, unknown> {
  const { contents, generationConfig, ...rest } = body as Record<string, any>
  const config: Record<string, unknown> = { ...generationConfig }
  for (const key of MOVED) {
    if (rest[key] !== undefined) config[key] = rest[key]
    delete rest[key]
  }
  return { contents, ...(Object.keys(config).length > 0 && { generation_config: config }), ...rest }
}

export const nordlysDialect = dialectOf(meta, validators, { unplaced: NORDLYS_UNSUPPORTED, toWire: toNordlysWire as Dialect['toWire'] })

export type NordlysModel = meta.DocumentedModel
export type NordlysClient = ProviderClient<typeof meta, meta.paths, { extra: NordlysRouting; omitted: (typeof NORDLYS_UNSUPPORTED)[number] }>
/** A client for the nordlys router. The key defaults from `NORDLYS_API_KEY`. */
export const createNordlysClient = clientFactory<NordlysClient>(nordlysDialect)
