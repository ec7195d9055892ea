/**
 * The provider registry, generated from redocly.yaml's `apis` (their order) and each provider's bundle, so that
 * adding a gateway is one overlay, one provider file and one local-gateway dialect, and no list is written by hand:
 * - generated/registry.ts: data only (names, key variable, host, auth, operations), safe to import anywhere;
 * - generated/clients.ts: each provider's `create<Name>Client` (src/providers/<name>.ts) by name, and
 *   generated/client-factories.ts the same by provider, for `createClient` and the CLI, and
 *   generated/client-loaders.ts the same loaded on demand, for `gemini-gateways/fetch` (one provider's code, not all);
 * - generated/local-gateway-dialects.ts: each provider's local-gateway dialect (src/local-gateway/dialects/<name>.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { OpenAPIDoc } from './json-schema.ts'
import type { ProviderIndexData } from './provider-meta.ts'

/** `infinityblue` → `Infinityblue`: the provider part of `createInfinityblueClient` and `InfinityblueClient`. */
export const pascal = (name: string): string => name[0]!.toUpperCase() + name.slice(1)

export interface RegistryInput { name: string; doc: OpenAPIDoc; index: ProviderIndexData }

export function emitRegistry(entries: RegistryInput[], header: string): string {
  const registry = Object.fromEntries(entries.map(({ name, doc, index }) => [name, {
    title: doc.info?.title,
    summary: doc.info?.summary,
    envKey: index.envKey,
    defaultBaseUrl: index.defaultBaseUrl,
    auth: index.auth,
    operations: Object.keys(index.routes),
  }]))
  return [
    header,
    `/** Every provider, in redocly.yaml's order. */`,
    `export const providers = ${JSON.stringify(entries.map((e) => e.name))} as const`,
    `export type Provider = (typeof providers)[number]`,
    `/** What each provider's bundled spec says about it: the key's variable, the host, where the key goes, its operations. */`,
    `export const registry = ${JSON.stringify(registry, null, 2)} as const`,
    '',
  ].join('\n')
}

/** Every provider in redocly.yaml needs its module; a missing one is an error that says what to add. */
function requireModule(root: string, module: string, name: string): void {
  if (!fs.existsSync(path.join(root, module))) throw new Error(`${name}: ${module} is missing (every provider in redocly.yaml needs one)`)
}

/** Each provider's `create<Name>Client` and `<Name>Client`, re-exported by name: what the package entry publishes. */
export function emitClients(root: string, names: string[], header: string): string {
  for (const name of names) requireModule(root, `src/providers/${name}.ts`, name)
  return [
    header,
    ...names.map((n) => `export { create${pascal(n)}Client, type ${pascal(n)}Client } from '../src/providers/${n}.ts'`),
    `import type { ${names.map((n) => `${pascal(n)}Client`).join(', ')} } from './clients.ts'`,
    '',
    `/** Each provider's client type. */`,
    `export interface ProviderClients {`,
    ...names.map((n) => `  ${n}: ${pascal(n)}Client`),
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
export function emitClientLoaders(names: string[], header: string): string {
  return [
    header,
    '',
    `export const loaders = {`,
    ...names.map((n) => `  ${n}: () => import('../src/providers/${n}.ts').then((m) => m.create${pascal(n)}Client),`),
    `}`,
    '',
  ].join('\n')
}

export function emitGatewayDialects(root: string, names: string[], header: string): string {
  for (const name of names) requireModule(root, `src/local-gateway/dialects/${name}.ts`, name)
  return [
    header,
    ...names.map((n) => `import { ${n} } from '../src/local-gateway/dialects/${n}.ts'`),
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
