/**
 * The inverse of the nordlys client's wire mapping (src/providers/nordlys.ts `toNordlysWire`), for the round-trip
 * property test: only tests read a nordlys wire body back, so it lives here, not in the shipped provider.
 */
import type { GenerateContentBody } from '../../../src/core/types.ts'
import type { NordlysRouting } from '../../../src/providers/nordlys.ts'

/**
 * Canonical top-level fields that nordlys's wire carries inside `generation_config` (the Gen AI SDK's config shape;
 * the local gateway hoists the same ones, src/local-gateway/dialects/nordlys.ts). Written out here, not imported, so
 * the round trip also checks which fields the client moves.
 */
const IN_GENERATION_CONFIG = ['systemInstruction', 'safetySettings', 'tools', 'toolConfig', 'cachedContent'] as const

/** nordlys wire body → canonical request and routing fields. */
export function fromNordlysWire(wire: Record<string, unknown>): GenerateContentBody & NordlysRouting {
  const { contents, generation_config, ...rest } = wire as Record<string, any>
  const out: Record<string, unknown> = { contents, ...rest }
  const config: Record<string, unknown> = { ...generation_config }
  for (const key of IN_GENERATION_CONFIG) {
    if (config[key] !== undefined) out[key] = config[key]
    delete config[key]
  }
  if (generation_config !== undefined && Object.keys(config).length > 0) out.generationConfig = config
  return out as GenerateContentBody & NordlysRouting
}
