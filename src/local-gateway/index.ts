/**
 * The local gateway: a real HTTP server on loopback that speaks Google's Gemini dialect, that of `new-api` (the
 * relay most resellers run: `newapi`), a reseller's (infinityblue, anyfast, apimart, nordlys), or that of a route in
 * front of Google (Vertex AI express mode, Cloudflare AI Gateway, a LiteLLM proxy): every provider of the registry.
 * It answers with real recorded responses, and fails on demand.
 * No API key and no internet needed. It is a leaf: it imports nothing from the client.
 *
 * @example
 * ```ts
 * import { withLocalGateway } from 'gemini-gateways/local-gateway'
 * await withLocalGateway({ provider: 'nordlys' }, async (gw) => {
 *   gw.fail('rate-limit')            // next request: 429 + Retry-After
 *   // ...point the client at gw.url with key 'local-gateway-key'
 * })
 * ```
 * @packageDocumentation
 */
import { startLocalGateway } from './server.ts'
import type { LocalGateway, LocalGatewayOptions } from './types.ts'

export { startLocalGateway } from './server.ts'
export { FAILURE_SCENARIOS, LOCAL_GATEWAY_API_KEY } from './types.ts'
/** Every provider the gateway speaks (the registry's, as in the package entry). */
export { providers, type Provider } from '../../generated/registry.ts'
export type {
  FailureScenario,
  LocalGateway,
  LocalGatewayOptions,
  RecordedRequest,
  ScriptedResponse,
} from './types.ts'
export { RECORDING_NAMES } from './recordings.ts'

/**
 * Starts a gateway, runs `fn` with it, and always closes it (also when `fn` throws).
 * @returns what `fn` returns.
 */
export async function withLocalGateway<T>(options: LocalGatewayOptions, fn: (gateway: LocalGateway) => Promise<T>): Promise<T> {
  const gateway = await startLocalGateway(options)
  try {
    return await fn(gateway)
  } finally {
    await gateway.close()
  }
}
