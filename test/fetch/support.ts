// Shared by the gemini-gateways/fetch tests: the local gateway of each registered provider on loopback, the fetch
// pointed at it, and what the gateway answers by default. Nothing is mocked: the SDKs are the real packages.
import type { Middleware } from 'openapi-fetch'
import { providers, registry, type Provider } from '../../generated/registry.ts'
import { createClient, GeminiGatewayError } from '../../src/index.ts'
import { createGatewayFetch, type GatewayFetchOptions } from '../../src/gateway-fetch/index.ts'
import { startLocalGateway, type LocalGateway, type LocalGatewayOptions } from '../../src/local-gateway/index.ts'

/** Every provider, from the generated registry: a new dialect joins these tests by being registered. */
export const PROVIDERS = providers

/** The key the gateways accept, given to the SDK as its own `apiKey`: the fetch moves it into the gateway's header. */
export const KEY = 'gk-sdk-5c2e9a7f1d'
/** A wrong key that would stand out in any message. */
export const WRONG_KEY = 'gk-wrong-8b3d0e6a4f'
export const MODEL = 'gemini-2.5-flash'

/** The recorded answers the local gateway gives by default, in every dialect. */
export const UNARY_TEXT = "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n"
export const STREAM_TEXT = 'The capital of Wyoming is **Cheyenne**.\n'
/** The recording that calls the function `now` (no arguments), with a thought signature to send back verbatim. */
export const FUNCTION_CALL_RECORDING = 'unary-success-thinking-function-call-thought-summary-signature'

/** The header the provider's key travels in (lower case, as the gateway's log has it). */
export function authHeaderOf(provider: Provider): string {
  const auth = registry[provider].auth
  return auth.kind === 'bearer' ? 'authorization' : auth.name.toLowerCase()
}

/** Whether the provider's spec has the operation (countTokens, listModels, getModel). */
export const serves = (provider: Provider, operation: string): boolean => (registry[provider].operations as readonly string[]).includes(operation)

/**
 * A middleware that asks the local gateway for the function-call recording, except on the request that sends the
 * function's result back: the first turn of a round trip calls `now`, the second gets the default answer.
 */
export const functionCallFirst: Middleware = {
  async onRequest({ request }) {
    const body = await request.clone().text()
    if (!body.includes('functionResponse')) request.headers.set('x-local-gateway-recording', FUNCTION_CALL_RECORDING)
    return request
  },
}

export interface Setup {
  gw: LocalGateway
  fetch: typeof globalThis.fetch
}

/** A local gateway for `provider` and a gateway fetch pointed at it (no apiKey: the SDK's key is used), closed after `fn`. */
export async function withGatewayFetch<T>(
  provider: Provider,
  fn: (setup: Setup) => Promise<T>,
  options: Partial<GatewayFetchOptions> = {},
  gateway: Partial<LocalGatewayOptions> = {},
): Promise<T> {
  const gw = await startLocalGateway({ provider, apiKey: KEY, ...gateway })
  try {
    return await fn({ gw, fetch: createGatewayFetch({ provider, baseUrl: gw.url, ...options }) })
  } finally {
    await gw.close()
  }
}

/** The status this package's own client reads from the gateway for a wrong key: what the SDK must report too. */
export async function wrongKeyStatus(gw: LocalGateway): Promise<number> {
  const client = createClient({ provider: gw.provider, apiKey: WRONG_KEY, baseUrl: gw.url, maxRetries: 0 })
  const error = await client.generateContent({ model: MODEL, contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }).then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof GeminiGatewayError) || error.status === undefined) throw new Error(`${gw.provider}: a wrong key did not fail with a status`)
  return error.status
}

/** A recorded request's path and query, as sent. */
export const target = (r: { path: string; query: Record<string, string> }): string => {
  const query = new URLSearchParams(r.query).toString()
  return query === '' ? r.path : `${r.path}?${query}`
}

/**
 * Where this package's own client sends the same call in this dialect (path and query): where the SDK's request must
 * arrive through the fetch. Its request is taken out of the gateway's log, so a test sees only the SDK's.
 */
export async function wireOf(gw: LocalGateway, operation: 'generateContent' | 'streamGenerateContent' | 'countTokens', apiKey = KEY): Promise<string> {
  const client = createClient({ provider: gw.provider, apiKey, baseUrl: gw.url, maxRetries: 0 }) as unknown as Record<string, (params: object) => unknown>
  const before = gw.requests.length
  const result = client[operation]!({ model: MODEL, contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] })
  if (operation === 'streamGenerateContent') for await (const _ of result as AsyncIterable<unknown>) void _
  else await result
  const [sent] = gw.requests.splice(before)
  if (!sent) throw new Error(`${gw.provider}: the client sent no ${operation}`)
  return target(sent)
}
