/**
 * The local gateway: a real HTTP server on loopback that speaks Google's Gemini dialect or one of the four
 * resellers' (infinityblue, anyfast, apimart, nordlys), answers with real recorded responses, and fails on demand.
 * No API key and no internet needed. It is a leaf: it imports nothing from the client.
 *
 * @example
 * ```ts
 * import { withMockGateway } from 'gemini-gateways/mock'
 * await withMockGateway({ provider: 'nordlys' }, async (gw) => {
 *   gw.fail('rate-limit')            // next request: 429 + Retry-After
 *   // ...point the client at gw.url with key 'mock-key'
 * })
 * ```
 * @packageDocumentation
 */
import { startMockGateway } from './server.ts'
import type { MockGateway, MockGatewayOptions } from './types.ts'

export { startMockGateway } from './server.ts'
export { FAILURE_SCENARIOS, MOCK_API_KEY, MOCK_PROVIDERS } from './types.ts'
export type {
  FailureScenario,
  MockGateway,
  MockGatewayOptions,
  MockProvider,
  RecordedRequest,
  ScriptedResponse,
} from './types.ts'
export { RECORDING_NAMES } from './recordings.ts'

/**
 * Starts a gateway, runs `fn` with it, and always closes it (also when `fn` throws).
 * @returns what `fn` returns.
 */
export async function withMockGateway<T>(options: MockGatewayOptions, fn: (gateway: MockGateway) => Promise<T>): Promise<T> {
  const gateway = await startMockGateway(options)
  try {
    return await fn(gateway)
  } finally {
    await gateway.close()
  }
}
