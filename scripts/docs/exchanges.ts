/**
 * The exchanges the code samples and the index's wire table are built from: each provider's sample calls,
 * made by the real client against the local gateway speaking that provider's dialect (src/local-gateway), with
 * what the gateway received (method, path, query, headers, body) and what it answered. Nothing about a
 * wire is written by hand here: a change to a dialect or to the client shows up in the docs.
 */
import { createClient, providers, type Provider } from '../../src/index.ts'
import type { Dialect } from '../../src/core/dialect.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway, type RecordedRequest } from '../../src/local-gateway/index.ts'
import type { OpenAPIDoc } from '../provider-table.ts'
import { clientModule } from '../lib/registry-emit.ts'

const ROOT = new URL('../../', import.meta.url).pathname

/**
 * Each provider's dialect, from its module (src/providers/<provider>.ts, or the generated/<provider>/client.ts of a
 * gateway without one, exports `<provider>Dialect`), for every registered provider.
 */
export const DIALECTS = Object.fromEntries(
  await Promise.all(
    providers.map(async (p) => {
      const { file } = clientModule(ROOT, p)
      const dialect = ((await import(`../../${file}`)) as Record<string, Dialect | undefined>)[`${p}Dialect`]
      if (!dialect) throw new Error(`${file} exports no ${p}Dialect`)
      return [p, dialect] as const
    }),
  ),
) as Record<Provider, Dialect>

/** The client methods a sample can call, and the dialect route each one takes. */
export const SAMPLE_METHODS = {
  generateContent: 'generate',
  streamGenerateContent: 'stream',
  countTokens: 'countTokens',
  listModels: 'listModels',
  getModel: 'getModel',
} as const satisfies Record<string, keyof Dialect['routes']>
export type SampleMethod = keyof typeof SAMPLE_METHODS

/** One sample call: the client method and the arguments it is called with (the TypeScript sample prints the same). */
export interface SampleCall {
  method: SampleMethod
  args: unknown[]
}

/** What one sample call sent and got back. */
export interface Exchange {
  provider: Provider
  call: SampleCall
  /** The operation of the provider's bundle that the recorded request matched. */
  operationId: string
  request: RecordedRequest
  response: { status: number; contentType: string; body: string }
}

/** The model a provider's samples use: the first one its spec documents, else the Model parameter's example. */
export function sampleModel(bundle: OpenAPIDoc): string {
  const param = (bundle.components as { parameters?: Record<string, { example?: unknown; 'x-documented-models'?: unknown }> } | undefined)?.parameters?.[
    'Model'
  ]
  const documented = param?.['x-documented-models']
  if (Array.isArray(documented) && typeof documented[0] === 'string') return documented[0]
  if (typeof param?.example === 'string') return param.example
  throw new Error('the bundle has no Model parameter with an example or documented models')
}

/** The calls every provider's samples make, for each method its dialect serves. */
export function sampleCalls(dialect: Dialect, model: string): SampleCall[] {
  const prompt = {
    model,
    contents: [{ role: 'user', parts: [{ text: 'Where is Google headquartered? One sentence.' }] }],
  }
  const generate = { ...prompt, systemInstruction: { parts: [{ text: 'Answer briefly.' }] }, generationConfig: { temperature: 0.2, maxOutputTokens: 256 } }
  const all: SampleCall[] = [
    { method: 'generateContent', args: [generate] },
    { method: 'streamGenerateContent', args: [generate] },
    { method: 'countTokens', args: [prompt] },
    { method: 'listModels', args: [] },
    { method: 'getModel', args: [model] },
  ]
  return all.filter((c) => dialect.routes[SAMPLE_METHODS[c.method]] !== undefined)
}

/** The operation of `bundle` whose method and path template match a recorded request. */
export function matchOperation(bundle: OpenAPIDoc, method: string, path: string): string {
  const hits: string[] = []
  for (const [template, item] of Object.entries(bundle.paths ?? {})) {
    const op = (item as Record<string, { operationId?: string } | undefined>)[method.toLowerCase()]
    if (!op?.operationId) continue
    const pattern = template
      .split(/\{[^}]+\}/)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+?')
    if (new RegExp(`^${pattern}$`).test(path)) hits.push(op.operationId)
  }
  if (hits.length !== 1) throw new Error(`${method} ${path} matches ${hits.length} operations of the bundle (${hits.join(', ')}); expected one`)
  return hits[0] as string
}

/** Runs a call to its end: awaits a promise, drains an async iterator (its first page for a model list). */
async function perform(client: Record<string, (...a: unknown[]) => unknown>, call: SampleCall): Promise<void> {
  const result = client[call.method]?.(...call.args)
  if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    for await (const _ of result as AsyncIterable<unknown>) if (call.method === 'listModels') break
  } else await result
}

/** Makes every sample call of one provider against a fresh local gateway of its dialect. */
export async function recordProvider(provider: Provider, bundle: OpenAPIDoc): Promise<Exchange[]> {
  const gateway = await startLocalGateway({ provider })
  try {
    let last: Exchange['response'] | undefined
    // The client is given a fetch that keeps a copy of each answer, as the wire carried it.
    const fetchAndKeep: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      const copy = response.clone()
      last = { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await copy.text() }
      return response
    }
    const client = createClient({ provider, apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gateway.url, fetch: fetchAndKeep, maxRetries: 0 })
    const exchanges: Exchange[] = []
    for (const call of sampleCalls(DIALECTS[provider], sampleModel(bundle))) {
      const before = gateway.requests.length
      last = undefined
      await perform(client as unknown as Record<string, (...a: unknown[]) => unknown>, call)
      const request = gateway.requests[before]
      if (gateway.requests.length !== before + 1 || !request || !last) {
        throw new Error(`${provider}.${call.method}: expected one request at the local gateway, got ${gateway.requests.length - before}`)
      }
      // The gateway's URL may end in a path of its own (cloudflare's /v1/{account}/{gateway}/google-ai-studio): the
      // bundle's paths follow it, so the exchange keeps the path as the spec writes it.
      const base = new URL(gateway.url).pathname.replace(/\/$/, '')
      const path = request.path.slice(base.length)
      exchanges.push({ provider, call, operationId: matchOperation(bundle, request.method, path), request: { ...request, path }, response: last })
    }
    return exchanges
  } finally {
    await gateway.close()
  }
}

/** Every provider's exchanges, in the order of `providers`. */
export async function recordExchanges(providers: readonly Provider[], bundles: Record<string, OpenAPIDoc>): Promise<Record<string, Exchange[]>> {
  const out: Record<string, Exchange[]> = {}
  for (const p of providers) {
    const bundle = bundles[p]
    if (!bundle) throw new Error(`no bundle for ${p}`)
    out[p] = await recordProvider(p, bundle)
  }
  return out
}
