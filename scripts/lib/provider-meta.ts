/** What the runtime needs to know about a provider, read from its bundled spec (not hand-written). */
import { deref, operationBodies, refName, type JsonSchema, type OpenAPIDoc } from './json-schema.ts'

type Auth = { kind: 'bearer' } | { kind: 'header'; name: string }

/** A header besides the key, filled from a client option (a security scheme with `x-client-option`). */
export interface Credential {
  option: string
  header: string
  prefix: string
  env?: string
  description: string
}
/** A server URL variable filled from a client option (`servers[0].variables.<name>.x-client-option`). */
export interface UrlOption {
  variable: string
  option: string
  description: string
}
/** A field the gateway drops without a word (`x-gateway-drops` on a property): where, as a JSON pointer with `*` for array items, and why it matters. */
export interface Drop {
  at: string
  why: string
}

export interface ProviderIndexData {
  envKey: string
  defaultBaseUrl: string
  auth: Auth
  /** Another way in without the key: the credential options that are enough alone (cloudflare's gateway token, with keys stored in the gateway). */
  keyOptional: boolean
  credentials: Credential[]
  urlOptions: UrlOption[]
  /** The path segment each client `apiVersion` maps to (`info.x-api-versions`). */
  apiVersions: Record<string, string>
  models: string[]
  routes: Record<string, { method: string; path: string; inferred: boolean }>
  /** Request fields the gateway drops, per operation (`x-gateway-drops`). */
  drops: Record<string, Drop[]>
}

function schemeOf(doc: OpenAPIDoc, name: string): any {
  return doc.components?.securitySchemes?.[name]
}

/** The first security requirement's first scheme is the key the client sends (newapi also accepts its second, Google's header). */
function authOf(provider: string, doc: OpenAPIDoc): Auth {
  const schemeName = Object.keys(doc.security?.[0] ?? {})[0]
  const scheme = schemeOf(doc, schemeName!)
  if (scheme?.type === 'http' && scheme.scheme === 'bearer') return { kind: 'bearer' }
  if (scheme?.type === 'apiKey' && scheme.in === 'header') return { kind: 'header', name: String(scheme.name).toLowerCase() }
  throw new Error(`${provider}: unsupported security scheme ${schemeName}`)
}

/** Security schemes a client option fills (`x-client-option`), in header form. */
function credentialsOf(provider: string, doc: OpenAPIDoc): Credential[] {
  return Object.entries(doc.components?.securitySchemes ?? {}).flatMap(([name, scheme]: [string, any]) => {
    if (typeof scheme?.['x-client-option'] !== 'string') return []
    if (scheme.type !== 'apiKey' || scheme.in !== 'header') throw new Error(`${provider}: security scheme ${name} has x-client-option but is not a header`)
    return [
      {
        option: scheme['x-client-option'],
        header: String(scheme.name).toLowerCase(),
        prefix: typeof scheme['x-value-prefix'] === 'string' ? scheme['x-value-prefix'] : '',
        ...(typeof scheme['x-env'] === 'string' && { env: scheme['x-env'] }),
        description: String(scheme.description ?? ''),
      },
    ]
  })
}

/** Whether some security requirement needs no key: only schemes a client option fills. */
function keyOptionalOf(doc: OpenAPIDoc, credentials: Credential[]): boolean {
  const byOption = new Set(
    Object.entries(doc.components?.securitySchemes ?? {})
      .filter(([, s]: [string, any]) => typeof s?.['x-client-option'] === 'string')
      .map(([n]) => n),
  )
  return (
    credentials.length > 0 &&
    (doc.security ?? []).some((req: Record<string, unknown>) => Object.keys(req).length > 0 && Object.keys(req).every((n) => byOption.has(n)))
  )
}

function urlOptionsOf(provider: string, doc: OpenAPIDoc): UrlOption[] {
  const server = doc.servers?.[0]
  return Object.entries(server?.variables ?? {}).map(([variable, v]: [string, any]) => {
    if (typeof v?.['x-client-option'] !== 'string')
      throw new Error(`${provider}: server variable ${variable} needs x-client-option (the client option that fills it)`)
    return { variable, option: v['x-client-option'], description: String(v.description ?? '') }
  })
}

function apiVersionsOf(provider: string, doc: OpenAPIDoc): Record<string, string> {
  const versions = doc.info?.['x-api-versions']
  if (!versions || typeof versions.v1beta !== 'string')
    throw new Error(`${provider}: info.x-api-versions.v1beta (the path segment of the default version) is missing`)
  return Object.fromEntries(Object.entries(versions).filter(([, v]) => typeof v === 'string')) as Record<string, string>
}

/**
 * Every property marked `x-gateway-drops` that a request body reaches, as a pointer pattern (`*` = any array item),
 * walking `properties` and `items` through `$ref`s; a component already on the path is not entered again.
 */
export function dropsOf(doc: OpenAPIDoc): Record<string, Drop[]> {
  const schemas = doc.components?.schemas ?? {}
  const out: Record<string, Drop[]> = {}
  const walk = (node: JsonSchema | undefined, at: string, stack: readonly string[], found: Drop[]): void => {
    if (!node || typeof node !== 'object') return
    const name = refName(node.$ref)
    if (name !== undefined) {
      if (stack.includes(name)) return
      walk(schemas[name], at, [...stack, name], found)
      return
    }
    for (const part of [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? [])]) walk(part, at, stack, found)
    if (node.items) walk(node.items, `${at}/*`, stack, found)
    for (const [key, prop] of Object.entries<JsonSchema>(node.properties ?? {})) {
      const why = prop?.['x-gateway-drops']
      if (typeof why === 'string') found.push({ at: `${at}/${key}`, why })
      else walk(prop, `${at}/${key}`, stack, found)
    }
  }
  for (const body of operationBodies(doc).filter((b) => b.direction === 'request')) {
    const found: Drop[] = []
    walk(body.schema, '', [], found)
    if (found.length) out[body.name.replace(/Request$/, '')] = [...new Map(found.map((d) => [d.at, d])).values()]
  }
  return out
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
  const credentials = credentialsOf(provider, doc)
  return {
    envKey,
    defaultBaseUrl: doc.servers?.[0]?.url,
    auth: authOf(provider, doc),
    keyOptional: keyOptionalOf(doc, credentials),
    credentials,
    urlOptions: urlOptionsOf(provider, doc),
    apiVersions: apiVersionsOf(provider, doc),
    models: deref(doc, doc.components?.parameters?.Model)?.['x-documented-models'] ?? [],
    routes: Object.fromEntries(Object.entries(routes).sort(([a], [b]) => a.localeCompare(b))),
    drops: dropsOf(doc),
  }
}

const doc = (text: string, indent = ''): string[] => (text ? [`${indent}/** ${text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim()} */`] : [])

export function emitProviderIndex(provider: string, doc_: OpenAPIDoc, header: string): string {
  const { envKey, defaultBaseUrl, auth, keyOptional, credentials, urlOptions, apiVersions, models, routes, drops } = providerIndexData(provider, doc_)
  const options = [
    ...urlOptions.map((u) => ({ option: u.option, description: u.description })),
    ...credentials.map((c) => ({ option: c.option, description: `${c.description}${c.env ? ` Defaults from \`${c.env}\`.` : ''}` })),
  ]
  return [
    header,
    `export type { paths, components, operations } from './types.ts'`,
    '',
    `/** The provider this folder was generated for. */`,
    `export const provider = ${JSON.stringify(provider)} as const`,
    `/** The environment variable the API key defaults from (the spec's info.x-api-key-env). */`,
    `export const envKey = ${JSON.stringify(envKey)}`,
    `/** The first server of the spec; \`{name}\` is a server variable that a client option fills (see urlOptions). */`,
    `export const defaultBaseUrl = ${JSON.stringify(defaultBaseUrl)}`,
    `/** Where the API key goes, from the spec's first security requirement. */`,
    `export const auth = ${JSON.stringify(auth)} as const`,
    // What only some providers have is emitted only for them: the others' bundles carry nothing of it.
    ...(keyOptional
      ? [`/** A security requirement of the spec needs no key: the credentials below are enough alone. */`, `export const keyOptional = true`]
      : []),
    ...(credentials.length > 0
      ? [
          `/** Headers besides the key, each filled from a client option (security schemes with x-client-option). */`,
          `export const credentials = ${JSON.stringify(credentials.map(({ description: _, ...c }) => c))} as const`,
        ]
      : []),
    ...(urlOptions.length > 0
      ? [
          `/** Server URL variables, each filled from a client option (x-client-option). */`,
          `export const urlOptions = ${JSON.stringify(urlOptions.map(({ description: _, ...u }) => u))} as const`,
        ]
      : []),
    `/** The path segment each client \`apiVersion\` maps to (info.x-api-versions); a version not listed is not served. */`,
    `export const apiVersions = ${JSON.stringify(apiVersions)} as const`,
    `/** Model ids the provider documents; others are accepted too. */`,
    `export const documentedModels = ${JSON.stringify(models)} as const`,
    `export type DocumentedModel = (typeof documentedModels)[number]`,
    `/** Every operation the spec describes, by operationId. */`,
    `export const routes = ${JSON.stringify(routes, null, 2)} as const`,
    // The fields it drops are in validators/drops.ts (loaded with the first request); only whether it keeps a
    // continuation token is needed before then.
    ...(Object.values(drops).some((list) => list.some((d) => d.at === '/continuationToken'))
      ? [
          `/** It drops continuationToken (x-gateway-drops): an answer cut at the output limit cannot be continued through it. */`,
          `export const carriesContinuation = false`,
        ]
      : []),
    ...(Object.keys(drops).length > 0
      ? [
          `/** The fields it drops without a word (x-gateway-drops) and why each matters (./drops.ts), loaded with the first request. */`,
          `export const loadDrops = () => import('./drops.ts')`,
        ]
      : []),
    `/** The client options this provider takes besides every client's. */`,
    `export interface Options {`,
    ...options.flatMap((o) => [...doc(o.description, '  '), `  ${o.option}?: string`]),
    `}`,
    '',
  ].join('\n')
}

/** validators/drops.ts: the fields the gateway drops (x-gateway-drops) per operation, and why each matters; loaded with the first request. */
export function emitDropReasons(provider: string, doc: OpenAPIDoc, header: string): string | undefined {
  const drops = dropsOf(doc)
  const reasons = Object.fromEntries(
    Object.values(drops)
      .flat()
      .map((d) => [d.at, d.why]),
  )
  if (Object.keys(reasons).length === 0) return undefined
  return [
    header,
    `/** Where ${provider} drops a field without a word, per operation: JSON pointers, \`*\` for any array item. */`,
    ...dedupedDrops(drops),
    `/** Why each of those fields matters, by its pointer. */`,
    `export const reasons: Readonly<Record<string, string>> = ${JSON.stringify(reasons, null, 2)}`,
    '',
  ].join('\n')
}

/** `export const dropped = {op: list}`, each distinct list written once. */
function dedupedDrops(drops: Record<string, Drop[]>): string[] {
  const lists = [...new Set(Object.values(drops).map((list) => JSON.stringify(list.map((d) => d.at))))]
  return [
    ...lists.map((list, i) => `const dropped${i} = ${list}`),
    `export const dropped: Record<string, readonly string[]> = { ${Object.entries(drops)
      .map(([op, list]) => `${op}: dropped${lists.indexOf(JSON.stringify(list.map((d) => d.at)))}`)
      .join(', ')} }`,
  ]
}
