// What the tests know of the providers, read from the generated registry (redocly.yaml's apis), so that a provider
// registered there joins every matrix: a reseller added by its overlay alone is tested as its relay is, with the
// host, models, key and routes its own spec gives.
import { existsSync } from 'node:fs'
import { providers, registry, type Provider } from '../../generated/registry.ts'

export { providers, registry, type Provider }

/**
 * The dialect a provider behaves as, for tables of expectations: its relay's when it runs one (`x-gateway.relay` of
 * its overlay: infinityblue, anyfast → newapi), else its own name.
 */
export function familyOf(provider: Provider): string {
  const entry = registry[provider] as { relay?: string }
  return entry.relay ?? provider
}

/** The row of `table` (keyed by provider, else by family) for `provider`; a table without either fails naming both. */
export function rowFor<T>(table: Readonly<Record<string, T>>, provider: Provider, what = 'expectation'): T {
  if (Object.hasOwn(table, provider)) return table[provider]!
  const family = familyOf(provider)
  if (Object.hasOwn(table, family)) return table[family]!
  throw new Error(`no ${what} for ${provider} (nor for its family ${family}): add a row keyed by one of them`)
}

/** A table with one row per provider, each from {@link rowFor}. */
export function perProvider<T>(table: Readonly<Record<string, T>>, what?: string): Record<Provider, T> {
  return Object.fromEntries(providers.map((p) => [p, rowFor(table, p, what)])) as Record<Provider, T>
}

/** The providers that run new-api: newapi itself and every reseller whose overlay names it as its relay. */
export const NEWAPI_RELAYS: readonly Provider[] = providers.filter((p) => familyOf(p) === 'newapi')

/** The environment variable each provider's key defaults from. */
export const ENV_KEYS = Object.fromEntries(providers.map((p) => [p, registry[p].envKey])) as Record<Provider, string>

/** Every environment variable a client reads a credential from: the keys', and those of credential options (cloudflare's `CF_AIG_TOKEN`). */
export const CREDENTIAL_ENV: readonly string[] = [
  ...new Set([
    ...Object.values(ENV_KEYS),
    ...providers.flatMap((p) => (registry[p].credentials as readonly { env?: string }[]).flatMap((c) => (c.env ? [c.env] : []))),
  ]),
]

/** The header a provider's key travels in (lower case). */
export function keyHeader(provider: Provider): string {
  const auth = registry[provider].auth as { kind: 'bearer' } | { kind: 'header'; name: string }
  return auth.kind === 'bearer' ? 'authorization' : auth.name
}

/** Whether the provider's spec has this operation. */
export function serves(provider: Provider, operation: string): boolean {
  return (registry[provider].operations as readonly string[]).includes(operation)
}

/**
 * The path a request for `operation` reaches on the provider's local gateway: the gateway's own base path (cloudflare's
 * `/v1/local-account/…`), then the route of the provider's spec with the model filled in and its version segment set
 * to `apiVersion`'s.
 */
export function pathOf(
  provider: Provider,
  operation: string,
  options: { model?: string; gatewayUrl?: string; apiVersion?: 'v1beta' | 'v1'; method?: string } = {},
): string {
  const routes = registry[provider].routes as Record<string, { path: string }>
  // apimart's one `generate` route serves both methods, named in its path.
  const folded = routes[operation] === undefined && ['generateContent', 'streamGenerateContent'].includes(operation) && routes.generate !== undefined
  const route = folded ? routes.generate : routes[operation]
  if (!route) throw new Error(`${provider} has no ${operation}`)
  const versions = registry[provider].apiVersions as Record<string, string>
  // apimart's one route names its method in the path: generateContent unless told.
  let path = route.path.replace('{model}', options.model ?? 'gemini-2.5-flash').replace('{method}', options.method ?? (folded ? operation : 'generateContent'))
  if (options.apiVersion === 'v1') path = path.replace(`/${versions.v1beta}/`, `/${versions.v1}/`)
  return `${options.gatewayUrl === undefined ? '' : new URL(options.gatewayUrl).pathname.replace(/\/$/, '')}${path}`
}

/** Whether the provider has a local-gateway dialect file of its own (else its dialect is generated from its relay's). */
export function ownGatewayDialect(provider: Provider): boolean {
  return existsSync(new URL(`../../src/local-gateway/dialects/${provider}.ts`, import.meta.url))
}

/** The providers that behave exactly as new-api does: newapi, and each reseller whose local-gateway dialect is generated from it. */
export const PLAIN_NEWAPI: readonly Provider[] = NEWAPI_RELAYS.filter((p) => p === 'newapi' || !ownGatewayDialect(p))

/**
 * The HTTP status of a wrong key, per dialect: Google answers 400 API_KEY_INVALID, and so do Vertex AI and Cloudflare
 * (which passes Google's answer on); the relays and LiteLLM answer 401.
 */
export function wrongKeyStatus(provider: Provider): number {
  return rowFor({ google: 400, vertex: 400, cloudflare: 400, newapi: 401, apimart: 401, nordlys: 401, litellm: 401 }, provider, 'wrong-key status')
}

/** The module a provider's client comes from once built (its provider file, or the client generated for it), under dist/. */
export function builtClient(provider: Provider): string {
  const own = existsSync(new URL(`../../src/providers/${provider}.ts`, import.meta.url))
  return own ? `dist/src/providers/${provider}.js` : `dist/generated/${provider}/client.js`
}
