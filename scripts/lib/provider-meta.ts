/** What the runtime needs to know about a provider, read from its bundled spec (not hand-written). */
import { deref, type OpenAPIDoc } from './json-schema.ts'

type Auth = { kind: 'bearer' } | { kind: 'header'; name: string }

export interface ProviderIndexData {
  envKey: string
  defaultBaseUrl: string
  auth: Auth
  models: string[]
  routes: Record<string, { method: string; path: string; inferred: boolean }>
}

/** The first security requirement is the one the client sends (newapi also accepts its second, Google's header). */
function authOf(provider: string, doc: OpenAPIDoc): Auth {
  const schemeName = Object.keys(doc.security?.[0] ?? {})[0]
  const scheme = doc.components?.securitySchemes?.[schemeName!]
  if (scheme?.type === 'http' && scheme.scheme === 'bearer') return { kind: 'bearer' }
  if (scheme?.type === 'apiKey' && scheme.in === 'header') return { kind: 'header', name: String(scheme.name).toLowerCase() }
  throw new Error(`${provider}: unsupported security scheme ${schemeName}`)
}

export function providerIndexData(provider: string, doc: OpenAPIDoc): ProviderIndexData {
  const envKey = doc.info?.['x-api-key-env']
  if (typeof envKey !== 'string') throw new Error(`${provider}: info.x-api-key-env (the variable the key defaults from) is missing`)
  const routes: ProviderIndexData['routes'] = {}
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (op?.operationId) routes[op.operationId] = { method: method.toUpperCase(), path, inferred: op['x-gateway-support'] === 'inferred' }
    }
  }
  return {
    envKey,
    defaultBaseUrl: doc.servers?.[0]?.url,
    auth: authOf(provider, doc),
    models: deref(doc, doc.components?.parameters?.Model)?.['x-documented-models'] ?? [],
    routes: Object.fromEntries(Object.entries(routes).sort(([a], [b]) => a.localeCompare(b))),
  }
}

export function emitProviderIndex(provider: string, doc: OpenAPIDoc, header: string): string {
  const { envKey, defaultBaseUrl, auth, models, routes } = providerIndexData(provider, doc)
  return [
    header,
    `export type { paths, components, operations } from './types.ts'`,
    '',
    `/** The provider this folder was generated for. */`,
    `export const provider = ${JSON.stringify(provider)} as const`,
    `/** The environment variable the API key defaults from (the spec's info.x-api-key-env). */`,
    `export const envKey = ${JSON.stringify(envKey)}`,
    `/** The first server of the spec. */`,
    `export const defaultBaseUrl = ${JSON.stringify(defaultBaseUrl)}`,
    `/** Where the API key goes, from the spec's first security requirement. */`,
    `export const auth = ${JSON.stringify(auth)} as const`,
    `/** Model ids the provider documents; others are accepted too. */`,
    `export const documentedModels = ${JSON.stringify(models)} as const`,
    `export type DocumentedModel = (typeof documentedModels)[number]`,
    `/** Every operation the spec describes, by operationId. */`,
    `export const routes = ${JSON.stringify(routes, null, 2)} as const`,
    '',
  ].join('\n')
}
