// Small helpers shared by the local-gateway tests: real HTTP with global fetch, nothing mocked.
import { LOCAL_GATEWAY_API_KEY, type LocalGateway, type Provider } from '../../src/local-gateway/index.ts'
import { keyHeader, registry } from '../support/registry.ts'

export const KEY = LOCAL_GATEWAY_API_KEY
export const CONTENTS = [{ role: 'user', parts: [{ text: 'Where is Google headquartered?' }] }]

/** The header that carries the key in each dialect (its spec's first security scheme). */
export function authHeaders(provider: Provider, key = KEY): Record<string, string> {
  const name = keyHeader(provider)
  return name === 'authorization' ? { authorization: `Bearer ${key}` } : { [name]: key }
}

/**
 * A Google path (`/v1beta/models…`, or `/v1/models…` where the provider serves v1) as the provider's routes spell it
 * (its spec's generate route, its version segment for that version): vertex's `/v1beta1/publishers/google/models…`
 * and `/v1/publishers/google/models…`, litellm's `/gemini/v1beta/models…`; other paths are kept as they are.
 */
export function dialectPath(provider: Provider, path: string): string {
  const routes = registry[provider].routes as Record<string, { path: string }>
  const versions = registry[provider].apiVersions as Record<string, string>
  const generate = (routes.generateContent ?? routes.generate)!.path
  const models = generate.slice(0, generate.indexOf('/{model}'))
  const version = /^\/(v1beta|v1)\/models(?=$|[/?:])/.exec(path)?.[1]
  if (version === undefined || versions[version] === undefined) return path
  return models.replace(`/${versions.v1beta}/`, `/${versions[version]}/`) + path.slice(`/${version}/models`.length)
}

/** The model a recording was made with (its first `modelVersion`): asked for by name, the gateway serves its bytes unchanged. */
export function recordedModel(recordingText: string): string {
  const m = /"modelVersion": ?"([^"]+)"/.exec(recordingText)
  if (!m?.[1]) throw new Error('recording has no modelVersion')
  return m[1]
}

/** A recording's text as served for `model`: its recorded `modelVersion` values name `model` instead. */
export function servedAs(recordingText: string, model: string): string {
  const recorded = recordedModel(recordingText)
  const served = recordingText.replaceAll(`"modelVersion": "${recorded}"`, `"modelVersion": "${model}"`)
  if (model !== recorded && served === recordingText) throw new Error('servedAs: nothing replaced')
  return served
}

/** Path of a generate call; `stream` adds `?alt=sse`. */
export function generatePath(model = 'gemini-2.5-flash', stream = false): string {
  return stream ? `/v1beta/models/${model}:streamGenerateContent?alt=sse` : `/v1beta/models/${model}:generateContent`
}

/** POSTs JSON (or a raw string) with the dialect's auth unless `headers` overrides it, to `path` as the dialect spells it. */
export function post(
  gw: LocalGateway,
  path: string,
  body: unknown = { contents: CONTENTS },
  headers: Record<string, string> = authHeaders(gw.provider),
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${gw.url}${dialectPath(gw.provider, path)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  })
}

/** GETs with the dialect's auth, `path` as the dialect spells it. */
export function get(gw: LocalGateway, path: string, headers: Record<string, string> = authHeaders(gw.provider)): Promise<Response> {
  return fetch(`${gw.url}${dialectPath(gw.provider, path)}`, { headers })
}

/** Reads a body chunk by chunk, as the client's decoder will see it. */
export async function readChunks(res: Response): Promise<string[]> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const chunks: string[] = []
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return chunks
    chunks.push(decoder.decode(value, { stream: true }))
  }
}

/** `data:` payloads of an SSE body (any line end), `[DONE]` excluded, each parsed. */
export function sseEvents(raw: string): Array<Record<string, unknown>> {
  return raw
    .split(/\r\n\r\n|\n\n/)
    .map((block) => block.trim())
    .filter((block) => block.startsWith('data: ') && block !== 'data: [DONE]')
    .map((block) => JSON.parse(block.slice(6)) as Record<string, unknown>)
}

/** True when some candidate in the events carries a finishReason. */
export function hasFinishReason(events: Array<Record<string, unknown>>): boolean {
  return events.some((e) => Array.isArray(e.candidates) && e.candidates.some((c: { finishReason?: unknown }) => c.finishReason !== undefined))
}

/** The path a request to `path` (a Google path, see {@link dialectPath}) is recorded with: the gateway's base path first. */
export function seenPath(gw: LocalGateway, path: string): string {
  return `${new URL(gw.url).pathname.replace(/\/$/, '')}${dialectPath(gw.provider, path)}`
}
