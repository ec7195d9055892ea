/**
 * What a provider file supplies to the shared client: its generated metadata and validators, and how its
 * wire format differs from Google's. Core knows no provider; each provider file builds one of these.
 */
import type { Provider } from '../../generated/registry.ts'
import type { GenerateContentParams, Model } from './types.ts'
import type { NameTable } from './normalize.ts'
import type { LazyValidatorSet, ValidatorSet } from './validate.ts'

export interface Route {
  method: string
  path: string
}

/** A reason to refuse a request, at a JSON pointer. */
export interface Issue {
  path: string
  message: string
}

/** What a provider's own options make of a client's: its base URL, extra headers, whether the key may be left out. */
export type Configure = (options: { baseUrl?: string | undefined } & Record<string, unknown>) => {
  baseUrl: string | undefined
  headers: Record<string, string>
  /** The credential headers alone are enough: no key needed. */
  keyless: boolean
  /** How to get in without a key, for the error that says no key was given. */
  alternative?: string | false | undefined
}

/** A header besides the key, filled from a client option (cloudflare's `cf-aig-authorization` from `gatewayToken`). */
export interface Credential {
  readonly option: string
  readonly header: string
  readonly prefix: string
  readonly env?: string
}
/** A server URL variable filled from a client option (cloudflare's `{account_id}` from `accountId`). */
export interface UrlOption {
  readonly variable: string
  readonly option: string
}

export interface Dialect {
  name: Provider
  /** Environment variable the key defaults from. */
  envKey: string
  defaultBaseUrl: string
  /** Where the key goes: a named header, or `Authorization: Bearer`. */
  auth: { kind: 'bearer' } | { kind: 'header'; name: string }
  /**
   * The provider's own options, read when a client is made (spec-options.ts: cloudflare's ids fill its base URL, its
   * gateway token a header that may stand in for the key).
   */
  configure?: Configure
  /** The path segment of each API version the provider serves (`v1beta` is the one its routes are written with). */
  apiVersions?: Readonly<Record<string, string>>
  /** Response checks run on every answer, so they load with the provider; the others load on first use. */
  validators: {
    request: LazyValidatorSet
    response: ValidatorSet
    responseStrict: LazyValidatorSet
    names: () => Promise<NameTable>
  }
  /** The fields the gateway drops (x-gateway-drops) per operation, and why each matters (generated/<p>/drops.ts). */
  loadDrops?: () => Promise<{ dropped: Readonly<Record<string, readonly string[]>>; reasons: Readonly<Record<string, string>> }>
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
  /** `false` when the gateway drops `continuationToken` (its spec's x-gateway-drops): an answer cannot be continued through it. */
  carriesContinuation?: boolean
  /**
   * What the gateway would lose of a request (newapi: the fields its spec drops, `dropped`, and a text-less system
   * instruction): refused before sending. A promise while what it needs loads.
   */
  refuse?: (body: Record<string, unknown>, operationId: string, dialect: Dialect) => Issue[] | Promise<Issue[]>
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
  carriesContinuation?: boolean
  loadDrops?: Dialect['loadDrops']
  routes: Record<string, { method: string; path: string; inferred: boolean }>
}

/** What a provider file adds to its generated metadata: only how its wire differs from Google's. */
export type Quirks = Partial<Pick<Dialect, 'routes' | 'unplaced' | 'refuse' | 'configure' | 'toWire' | 'fromWire' | 'modelsFromWire'>>

/** A provider's dialect: everything from its generated folder, plus its quirks. */
export function dialectOf(meta: GeneratedMeta, validators: Dialect['validators'], quirks: Quirks = {}): Dialect {
  const { provider: name, envKey, defaultBaseUrl, auth, apiVersions, carriesContinuation, loadDrops } = meta
  return {
    name,
    envKey,
    defaultBaseUrl,
    auth,
    apiVersions,
    carriesContinuation,
    loadDrops,
    validators,
    ...quirks,
    routes: quirks.routes ?? canonicalRoutes(meta),
  }
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
