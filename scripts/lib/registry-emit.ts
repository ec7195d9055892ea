/**
 * The provider registry, generated from redocly.yaml's `apis` (their order) and each provider's bundle, so that
 * adding a gateway is one overlay (and, only for quirks in code, a provider file and a local-gateway dialect), and no
 * list is written by hand:
 * - generated/registry.ts: data only (names, key variable, host, auth, operations, relay), safe to import anywhere;
 * - generated/clients.ts: each provider's `create<Name>Client` by name (src/providers/<name>.ts, or the generated
 *   generated/<name>/client.ts of a gateway without quirks in code), and generated/client-factories.ts the same by
 *   provider, for `createClient` and the CLI, and generated/client-loaders.ts the same loaded on demand, for
 *   `gemini-gateways/fetch` (one provider's code, not all);
 * - generated/local-gateway-dialects.ts: each provider's local-gateway dialect (src/local-gateway/dialects/<name>.ts,
 *   or the generated generated/<name>/local-gateway.ts of a reseller that behaves as its relay does).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { OpenAPIDoc } from './json-schema.ts'
import type { ProviderIndexData } from './provider-meta.ts'

/** `infinityblue` → `Infinityblue`: the provider part of `createInfinityblueClient` and `InfinityblueClient`. */
export const pascal = (name: string): string => name[0]!.toUpperCase() + name.slice(1)

export interface RegistryInput {
  name: string
  doc: OpenAPIDoc
  index: ProviderIndexData
  /** The relay the gateway runs (`x-gateway.relay` of its overlay), whose quirks it shares. */
  relay?: string | undefined
  /** The files its spec came from, for the generated files' first line. */
  from: string
}

export function emitRegistry(entries: RegistryInput[], header: string): string {
  const registry = Object.fromEntries(
    entries.map(({ name, doc, index, relay }) => [
      name,
      {
        title: doc.info?.title,
        summary: doc.info?.summary,
        envKey: index.envKey,
        defaultBaseUrl: index.defaultBaseUrl,
        auth: index.auth,
        ...(relay !== undefined && { relay }),
        keyOptional: index.keyOptional,
        credentials: index.credentials,
        urlOptions: index.urlOptions,
        apiVersions: index.apiVersions,
        documentedModels: index.models,
        operations: Object.keys(index.routes),
        routes: Object.fromEntries(Object.entries(index.routes).map(([id, r]) => [id, { method: r.method, path: r.path }])),
      },
    ]),
  )
  return [
    header,
    `/** Every provider, in redocly.yaml's order. */`,
    `export const providers = ${JSON.stringify(entries.map((e) => e.name))} as const`,
    `export type Provider = (typeof providers)[number]`,
    `/**`,
    ` * What each provider's bundled spec says about it: the key's variable, the host, where the key goes, the credential`,
    ` * headers and URL variables its options fill, the path segment of each API version, its documented models, its`,
    ` * operations, and the relay it runs (x-gateway.relay), if any.`,
    ` */`,
    `export const registry = ${JSON.stringify(registry, null, 2)} as const`,
    '',
  ].join('\n')
}

/** Whether `module` (relative to the root) exists: a provider's hand-written file. */
const has = (root: string, module: string): boolean => fs.existsSync(path.join(root, module))

/** The module a provider's client comes from: its hand-written file, or the one generated from its spec. */
export function clientModule(root: string, name: string): { file: string; generated: boolean } {
  const own = `src/providers/${name}.ts`
  return has(root, own) ? { file: own, generated: false } : { file: `generated/${name}/client.ts`, generated: true }
}

/** The module a provider's local-gateway dialect comes from: its hand-written file, or the one generated from its relay's. */
export function gatewayModule(root: string, name: string): { file: string; generated: boolean } {
  const own = `src/local-gateway/dialects/${name}.ts`
  return has(root, own) ? { file: own, generated: false } : { file: `generated/${name}/local-gateway.ts`, generated: true }
}

/**
 * The client file of a gateway without quirks in code: its generated folder, plus its relay's quirks
 * (src/providers/<relay>-quirks.ts, `<relay>Quirks`) when it runs one. What its provider file would have been.
 */
export function emitGeneratedClient(root: string, entry: RegistryInput, header: string): string {
  const { name, relay, index, doc } = entry
  const P = pascal(name)
  // Fields its request adds to Google's (vertex's labels) are typed on its client; those it lacks are left out.
  const own = doc.components?.schemas?.GenerateContentRequest !== undefined
  // Options of its own (server variables, credential headers): read by spec-options.ts, imported only where needed.
  const options = index.urlOptions.length > 0 || index.credentials.length > 0
  const quirks = relay === undefined ? undefined : `src/providers/${relay}-quirks.ts`
  if (quirks !== undefined && !has(root, quirks)) throw new Error(`${name}: x-gateway.relay is ${relay}, but ${quirks} (exporting ${relay}Quirks) is missing`)
  return [
    header,
    `/**`,
    ` * ${name}: ${relay === undefined ? 'a gateway with no quirk in code' : `a reseller of the ${relay} relay with no quirk of its own`}: its spec is all there is${relay === undefined ? '' : `, plus ${relay}'s quirks`}.`,
    ` * Give it a src/providers/${name}.ts to add quirks in code.`,
    ` */`,
    `import * as meta from './index.ts'`,
    `import { validators } from './validators/index.ts'`,
    `import { clientFactory, type ProviderClient } from '../../src/core/client.ts'`,
    `import { dialectOf } from '../../src/core/dialect.ts'`,
    ...(relay === undefined ? [] : [`import { ${relay}Quirks } from '../../${quirks}'`]),
    ...(options ? [`import { specOptions } from '../../src/core/spec-options.ts'`] : []),
    ...(own ? [`import type { GenerateContentBody } from '../../src/core/types.ts'`, `import type { components } from './types.ts'`] : []),
    '',
    `export const ${name}Dialect = dialectOf(meta, validators${
      relay === undefined && !options ? '' : options ? `, { ${relay === undefined ? '' : `...${relay}Quirks, `}...specOptions(meta) }` : `, ${relay}Quirks`
    })`,
    `export type ${P}Model = meta.DocumentedModel`,
    ...(own
      ? [
          `type Body = components['schemas']['GenerateContentRequest']`,
          `/** What ${name}'s request adds to Google's, and the fields of Google's it has no place for. */`,
          `type Fields = { extra: Omit<Body, keyof GenerateContentBody | 'model'>; omitted: Exclude<keyof GenerateContentBody, keyof Body> }`,
          `export type ${P}Client = ProviderClient<typeof meta, meta.paths, Fields>`,
        ]
      : [`export type ${P}Client = ProviderClient<typeof meta, meta.paths>`]),
    `/** A client for ${name}. The key defaults from \`${index.envKey}\`. */`,
    `export const create${P}Client = clientFactory<${P}Client, meta.Options>(${name}Dialect)`,
    '',
  ].join('\n')
}

/**
 * The local-gateway dialect of a reseller without one of its own: its relay's (src/local-gateway/dialects/<relay>.ts,
 * `reseller`), with the models, key headers and routes its spec gives.
 */
export function emitGeneratedGateway(root: string, entry: RegistryInput, header: string): string {
  const { name, relay, index, doc } = entry
  if (relay === undefined)
    throw new Error(
      `${name}: src/local-gateway/dialects/${name}.ts is missing (every provider in redocly.yaml needs one, unless its overlay names the relay it runs: x-gateway.relay)`,
    )
  const module = `src/local-gateway/dialects/${relay}.ts`
  if (!has(root, module)) throw new Error(`${name}: x-gateway.relay is ${relay}, but ${module} is missing`)
  const schemes = (doc.security ?? []).flatMap((req: Record<string, unknown>) => Object.keys(req))
  const googleKeyHeader = schemes.some((s: string) => doc.components?.securitySchemes?.[s]?.name?.toLowerCase?.() === 'x-goog-api-key')
  return [
    header,
    `/** The local gateway's ${name}: ${relay} as it runs at a reseller, with what ${name}'s spec says (models, key headers, routes). */`,
    `import type { GatewayDialect } from '../../src/local-gateway/dialect.ts'`,
    `import { reseller } from '../../${module}'`,
    '',
    `export const ${name}: GatewayDialect = reseller(${JSON.stringify({
      provider: name,
      models: index.models,
      googleKeyHeader,
      modelList: 'listModels' in index.routes,
    })})`,
    '',
  ].join('\n')
}

/** Each provider's `create<Name>Client` and `<Name>Client`, re-exported by name: what the package entry publishes. */
export function emitClients(root: string, names: string[], header: string): string {
  const from = (n: string) => (clientModule(root, n).generated ? `./${n}/client.ts` : `../src/providers/${n}.ts`)
  return [
    header,
    ...names.map((n) => `export { create${pascal(n)}Client, type ${pascal(n)}Client } from '${from(n)}'`),
    `import type { ${names.map((n) => `${pascal(n)}Client`).join(', ')} } from './clients.ts'`,
    ...names.map((n) => `import type { Options as ${pascal(n)}Options } from './${n}/index.ts'`),
    '',
    `/** Each provider's client type. */`,
    `export interface ProviderClients {`,
    ...names.map((n) => `  ${n}: ${pascal(n)}Client`),
    `}`,
    '',
    `/** The options each provider takes besides every client's (its spec's server variables and credential headers). */`,
    `export interface ProviderOptions {`,
    ...names.map((n) => `  ${n}: ${pascal(n)}Options`),
    `}`,
    '',
  ].join('\n')
}

/** The factory of each provider by name, for \`createClient({ provider })\` (internal: not re-exported). */
export function emitClientFactories(names: string[], header: string): string {
  return [
    header,
    `import { ${names.map((n) => `create${pascal(n)}Client`).join(', ')} } from './clients.ts'`,
    '',
    `export const factories = {`,
    ...names.map((n) => `  ${n}: create${pascal(n)}Client,`),
    `}`,
    '',
  ].join('\n')
}

/**
 * Each provider's factory by provider, loaded on first use (internal): what names its provider at run time and
 * uses one (gemini-gateways/fetch) then loads that provider's code alone, a chunk of its own in a split bundle.
 */
export function emitClientLoaders(root: string, names: string[], header: string): string {
  const from = (n: string) => (clientModule(root, n).generated ? `./${n}/client.ts` : `../src/providers/${n}.ts`)
  return [
    header,
    '',
    `export const loaders = {`,
    ...names.map((n) => `  ${n}: () => import('${from(n)}').then((m) => m.create${pascal(n)}Client),`),
    `}`,
    '',
  ].join('\n')
}

export function emitGatewayDialects(root: string, names: string[], header: string): string {
  const from = (n: string) => (gatewayModule(root, n).generated ? `./${n}/local-gateway.ts` : `../src/local-gateway/dialects/${n}.ts`)
  return [
    header,
    ...names.map((n) => `import { ${n} } from '${from(n)}'`),
    `import type { GatewayDialect } from '../src/local-gateway/dialect.ts'`,
    `import type { Provider } from './registry.ts'`,
    '',
    `/** The dialect the local gateway speaks for each provider. */`,
    `export const dialects: Record<Provider, GatewayDialect> = { ${names.join(', ')} }`,
    '',
  ].join('\n')
}

/** `gemini-gateways/validators`' per-provider sets: plain object literals, so that bundlers drop the providers an app does not import. */
export function emitValidatorSets(names: string[], header: string): string {
  const dir = (n: string) => `./${n}/validators`
  return [
    header,
    ...names.flatMap((n) => [
      `import * as ${n}Request from '${dir(n)}/request.ts'`,
      `import * as ${n}Response from '${dir(n)}/response.ts'`,
      `import * as ${n}ResponseStrict from '${dir(n)}/response-strict.ts'`,
    ]),
    `import type { ProviderValidators } from '../src/core/validate.ts'`,
    '',
    `type Sets<Req, Res, ResStrict> = ProviderValidators<keyof Req & string, keyof Res & string, keyof ResStrict & string>`,
    ...names.flatMap((n) => [
      '',
      `export const ${n}: Sets<typeof ${n}Request, typeof ${n}Response, typeof ${n}ResponseStrict> = {`,
      `  request: { checks: ${n}Request, schemas: () => import('${dir(n)}/request-schemas.ts') },`,
      `  response: { checks: ${n}Response, schemas: () => import('${dir(n)}/response-schemas.ts') },`,
      `  responseStrict: { checks: ${n}ResponseStrict, schemas: () => import('${dir(n)}/response-strict-schemas.ts') },`,
      `}`,
    ]),
    '',
    `/** Every provider's sets, for lookup by name (this keeps all of them in a bundle; import one by name to keep one). */`,
    `export const validators = { ${names.join(', ')} } as const`,
    '',
  ].join('\n')
}

/**
 * Each provider's TypeBox schema module and openapi-typescript components, by name, as types only: what a type test
 * needs to cover every registered provider (a type import needs a static path, so it is written here).
 */
export function emitSchemaTypes(names: string[], header: string): string {
  return [
    header,
    `/** Each provider's generated TypeBox schemas (\`schemas.ts\`) and openapi-typescript components (\`types.ts\`). */`,
    `export interface SchemaTypes {`,
    ...names.map((n) => `  ${n}: { schemas: typeof import('./${n}/schemas.ts'); components: import('./${n}/types.ts').components }`),
    `}`,
    '',
  ].join('\n')
}
