/**
 * What a provider file supplies to the shared client: its generated metadata and validators, and how its
 * wire format differs from Google's. Core knows no provider; each provider file builds one of these.
 */
import type { Provider } from '../../generated/registry.ts'
import type { GenerateContentParams, Model } from './types.ts'
import type { NameTable } from './normalize.ts'
import type { LazyValidatorSet, ValidatorSet } from './validate.ts'

export interface Route { method: string; path: string }

/** A header besides the key, filled from a client option (cloudflare's `cf-aig-authorization` from `gatewayToken`). */
export interface Credential { readonly option: string; readonly header: string; readonly prefix: string; readonly env?: string; readonly description: string }
/** A server URL variable filled from a client option (cloudflare's `{account_id}` from `accountId`). */
export interface UrlOption { readonly variable: string; readonly option: string; readonly description: string }
/** A request field the gateway drops without a word: where (a JSON pointer, `*` for any array item) and why that matters. */
export interface Drop { readonly at: string; readonly why: string }

export interface Dialect {
  name: Provider
  /** Environment variable the key defaults from. */
  envKey: string
  defaultBaseUrl: string
  /** Where the key goes: a named header, or `Authorization: Bearer`. */
  auth: { kind: 'bearer' } | { kind: 'header'; name: string }
  /** Whether the credentials alone may stand in for the key (a security requirement of the spec without it). */
  keyOptional?: boolean
  /** Headers besides the key, each filled from a client option or its environment variable. */
  credentials?: readonly Credential[]
  /** Variables of `defaultBaseUrl` (`{name}`), each filled from a client option. */
  urlOptions?: readonly UrlOption[]
  /** The path segment of each API version the provider serves (`v1beta` is the one its routes are written with). */
  apiVersions?: Readonly<Record<string, string>>
  /** Response checks run on every answer, so they load with the provider; the others load on first use. */
  validators: { request: LazyValidatorSet; response: ValidatorSet; responseStrict: LazyValidatorSet; names: () => Promise<NameTable> }
  /** Operation ids (as validator names use them) and their routes. */
  routes: {
    generate: Route & { operationId: string; pathParams?: Record<string, string> }
    stream?: Route & { operationId: string; pathParams?: Record<string, string> }
    countTokens?: Route & { operationId: string }
    listModels?: Route & { operationId: string }
    getModel?: Route & { operationId: string }
  }
  /** Canonical request fields the wire has no place for (the gateway would drop them): refused before sending. */
  unplaced?: readonly string[]
  /** Request fields the gateway drops without a word, per operation id, from its spec (x-gateway-drops): refused before sending. */
  drops?: Readonly<Record<string, readonly Drop[]>>
  /** What else the gateway would lose of a request, found in code (newapi's text-less system instruction): refused before sending. */
  refuse?: (body: Record<string, unknown>, operationId: string) => { path: string; message: string }[]
  /** Canonical request body → wire body (nordlys's snake_case). Identity when absent. */
  toWire?: (body: Omit<GenerateContentParams, 'model'>) => Record<string, unknown>
  /** Wire success body → canonical response (apimart's envelope). Identity when absent. */
  fromWire?: (body: unknown) => unknown
  /** Wire model list → canonical models and the next page token (infinityblue's OpenAI-style list). */
  modelsFromWire?: (body: unknown) => { models: Model[]; nextPageToken?: string | undefined }
}


/** The generated `index.ts` of a provider (key variable, base URL, auth, routes), as far as the dialect needs it. */
export interface GeneratedMeta {
  provider: Provider
  envKey: string
  defaultBaseUrl: string
  auth: Dialect['auth']
  keyOptional?: boolean
  credentials?: readonly Credential[]
  urlOptions?: readonly UrlOption[]
  apiVersions?: Readonly<Record<string, string>>
  drops?: Readonly<Record<string, readonly Drop[]>>
  routes: Record<string, { method: string; path: string; inferred: boolean }>
}

/** What a provider file adds to its generated metadata: only how its wire differs from Google's. */
export type Quirks = Partial<Pick<Dialect, 'routes' | 'unplaced' | 'refuse' | 'toWire' | 'fromWire' | 'modelsFromWire'>>

/** A provider's dialect: everything from its generated folder, plus its quirks. */
export function dialectOf(meta: GeneratedMeta, validators: Dialect['validators'], quirks: Quirks = {}): Dialect {
  const { provider: name, envKey, defaultBaseUrl, auth, keyOptional, credentials, urlOptions, apiVersions, drops } = meta
  return { name, envKey, defaultBaseUrl, auth, keyOptional, credentials, urlOptions, apiVersions, drops, validators, ...quirks, routes: quirks.routes ?? canonicalRoutes(meta) }
}

/** Whether the gateway keeps this top-level request field (neither `unplaced` nor dropped by its spec). */
export function carries(dialect: Dialect, field: string): boolean {
  if (dialect.unplaced?.includes(field)) return false
  return !Object.values(dialect.drops ?? {}).some((list) => list.some((d) => d.at === `/${field}`))
}

/** Looks up an operation the provider's spec must have; a missing one is a generator or overlay bug. */
export function route(meta: GeneratedMeta, operationId: string): Route & { operationId: string } {
  const r = meta.routes[operationId]
  if (!r) throw new Error(`${meta.provider}: the spec has no operation ${operationId}`)
  return { method: r.method, path: r.path, operationId }
}

/** The routes named the canonical way, for every provider whose spec keeps Google's operation ids. */
export function canonicalRoutes(meta: GeneratedMeta): Dialect['routes'] {
  const has = (id: string) => id in meta.routes
  return {
    generate: route(meta, 'generateContent'),
    ...(has('streamGenerateContent') && { stream: route(meta, 'streamGenerateContent') }),
    ...(has('countTokens') && { countTokens: route(meta, 'countTokens') }),
    ...(has('listModels') && { listModels: route(meta, 'listModels') }),
    ...(has('getModel') && { getModel: route(meta, 'getModel') }),
  }
}
