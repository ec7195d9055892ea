// Shared by the client tests: the public client pointed at the local gateway over real HTTP on loopback.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { expect } from 'vitest'
import type { Middleware } from 'openapi-fetch'
import { createClient, GeminiGatewayError, providers, type ClientOptions, type GenerateContentResponse, type Provider, type WithHttp } from '../../src/index.ts'
import { ENV_KEYS, NEWAPI_RELAYS } from '../support/registry.ts'
import type { CallOptions, GenerateContentParams } from '../../src/core/types.ts'
import type { LocalGateway } from '../../src/local-gateway/index.ts'

/** Every provider, from the generated registry: a new one joins every matrix by being registered. */
export const PROVIDERS = providers

/** The providers that run new-api: newapi itself and the resellers whose overlay names it as their relay. */
export { NEWAPI_RELAYS }

/** A key that would stand out in a URL, a log line or an error message. */
export const KEY = 'gk-test-7f3a9c1e5b'
export const WRONG_KEY = 'gk-wrong-0d4e8b2a6c'
export const MODEL = 'gemini-2.5-flash'
export const CONTENTS = [{ role: 'user', parts: [{ text: 'Where is Google headquartered?' }] }]

/** Environment variable each provider's key defaults from (its spec's info.x-api-key-env, from the registry). */
export { ENV_KEYS }

/** What every provider's client has in common, so one test body can drive them all. */
export interface AnyClient {
  readonly provider: Provider
  generateContent(params: GenerateContentParams & Record<string, unknown>, options?: CallOptions): Promise<WithHttp<GenerateContentResponse>>
  streamGenerateContent(params: GenerateContentParams & Record<string, unknown>, options?: CallOptions): AsyncGenerator<WithHttp<GenerateContentResponse>>
  use(...middleware: Middleware[]): void
  eject(...middleware: Middleware[]): void
}

/** A client for `provider` aimed at the gateway, without retries unless asked. */
export function clientFor(provider: Provider, gw: LocalGateway, options: ClientOptions = {}): AnyClient {
  return createClient({ provider, apiKey: KEY, baseUrl: gw.url, maxRetries: 0, ...options }) as unknown as AnyClient
}

/** A fetch that records each Request it passes to the real global fetch (the network edge, observed). */
export function observingFetch(): { fetch: typeof globalThis.fetch; requests: Request[] } {
  const requests: Request[] = []
  const fetch = ((input: Request | string | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init)
    requests.push(request.clone())
    return globalThis.fetch(request)
  }) as typeof globalThis.fetch
  return { fetch, requests }
}

/** Awaits `promise`, expects it to reject with a GeminiGatewayError, and returns that error. */
export async function caught(promise: Promise<unknown>): Promise<GeminiGatewayError> {
  let error: unknown
  try {
    await promise
  } catch (e) {
    error = e
  }
  expect(error, 'expected the call to throw').toBeDefined()
  expect(error).toBeInstanceOf(GeminiGatewayError)
  return error as GeminiGatewayError
}

/** Drains a stream into `into` (so a test can see what arrived before a failure); rethrows the failure. */
export async function drain<T extends GenerateContentResponse>(stream: AsyncIterable<T>, into: T[] = []): Promise<T[]> {
  for await (const chunk of stream) into.push(chunk)
  return into
}

/** Drains a stream that must fail: returns the chunks it yielded first and the GeminiGatewayError. */
export async function drainFailing<T extends GenerateContentResponse>(stream: AsyncIterable<T>): Promise<{ chunks: T[]; error: GeminiGatewayError }> {
  const chunks: T[] = []
  const error = await caught(drain(stream, chunks))
  return { chunks, error }
}

/**
 * Watches the gateway's responses from the outside: how many body writes each response has made, and
 * whether (and when) its connection closed before the response finished. Listeners run in the order added,
 * and the gateway reads the request body before it writes, so wrapping `res.write` here sees every write.
 */
export interface ResponseWatch {
  writes: number
  closed: boolean
  finished: boolean
  closedEarly: Promise<boolean>
}
export function watchResponses(gw: LocalGateway): ResponseWatch[] {
  const seen: ResponseWatch[] = []
  gw.server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    let resolveClosed!: (early: boolean) => void
    const watch: ResponseWatch = { writes: 0, closed: false, finished: false, closedEarly: new Promise((r) => (resolveClosed = r)) }
    seen.push(watch)
    const write = res.write.bind(res) as (...args: unknown[]) => boolean
    ;(res as unknown as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
      watch.writes++
      return write(...args)
    }
    res.on('finish', () => (watch.finished = true))
    res.on('close', () => {
      watch.closed = true
      resolveClosed(!watch.finished)
    })
  })
  return seen
}

/** SSE body of events: `data: <json>` lines with the given line end. */
export function sse(events: readonly unknown[], eol = '\n'): string[] {
  return events.map((e) => `data: ${JSON.stringify(e)}${eol}${eol}`)
}

/** A small answer in `n` chunks; the last carries finishReason STOP and the usage. */
export function answerChunks(n: number, word = 'w'): GenerateContentResponse[] {
  return Array.from({ length: n }, (_, i) => ({
    candidates: [
      {
        content: { role: 'model', parts: [{ text: `${word}${i} ` }] },
        ...(i === n - 1 ? { finishReason: 'STOP' as const } : {}),
        index: 0,
      },
    ],
    ...(i === n - 1 ? { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: n, totalTokenCount: 3 + n } } : {}),
    modelVersion: MODEL,
  }))
}

/** Resolves with `promise`'s value, or with `fallback` after `ms` (for "did this happen at all" checks). */
export function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([promise, new Promise<T>((r) => (timer = setTimeout(() => r(fallback), ms)))]).finally(() => clearTimeout(timer))
}
