/** What the runtime needs to know about a provider, read from its bundled spec (not hand-written). */
import { deref, type OpenAPIDoc } from './json-schema.ts'

export function emitProviderIndex(provider: string, doc: OpenAPIDoc, header: string): string {
  const schemeName = Object.keys(doc.security?.[0] ?? {})[0]
  const scheme = doc.components?.securitySchemes?.[schemeName!]
  const auth = scheme?.type === 'http' && scheme.scheme === 'bearer'
    ? { kind: 'bearer' }
    : scheme?.type === 'apiKey' && scheme.in === 'header'
      ? { kind: 'header', name: String(scheme.name).toLowerCase() }
      : undefined
  if (!auth) throw new Error(`${provider}: unsupported security scheme ${schemeName}`)
  const models: string[] = deref(doc, doc.components?.parameters?.Model)?.['x-documented-models'] ?? []
  const routes: Record<string, { method: string; path: string; inferred: boolean }> = {}
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (op?.operationId) routes[op.operationId] = { method: method.toUpperCase(), path, inferred: op['x-gateway-support'] === 'inferred' }
    }
  }
  const sorted = Object.fromEntries(Object.entries(routes).sort(([a], [b]) => a.localeCompare(b)))
  return [
    header,
    `export type { paths, components, operations } from './types.ts'`,
    '',
    `/** The provider this folder was generated for. */`,
    `export const provider = ${JSON.stringify(provider)} as const`,
    `/** The first server of the spec. */`,
    `export const defaultBaseUrl = ${JSON.stringify(doc.servers?.[0]?.url)}`,
    `/** Where the API key goes, from the spec's security scheme. */`,
    `export const auth = ${JSON.stringify(auth)} as const`,
    `/** Model ids the provider documents; others are accepted too. */`,
    `export const documentedModels = ${JSON.stringify(models)} as const`,
    `export type DocumentedModel = (typeof documentedModels)[number]`,
    `/** Every operation the spec describes, by operationId. */`,
    `export const routes = ${JSON.stringify(sorted, null, 2)} as const`,
    '',
  ].join('\n')
}
