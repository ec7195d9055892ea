// Shared by the reliability suite: clients aimed at the local gateway, outcome capture, hang guards, crash and
// leak watches, and the figures every file prints.
import { randomBytes } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import { expect, inject } from 'vitest'
import { createClient, GeminiGatewayError, providers, type ClientOptions, type GenerateContentResponse, type Provider } from '../../../src/index.ts'
import type { CallOptions, GenerateContentParams, Model } from '../../../src/core/types.ts'
import type { LocalGateway } from '../../../src/local-gateway/index.ts'
import type { FigureLine } from './global-setup.ts'

/** Every provider of the registry. */
export const PROVIDERS = providers
/** Documented by every provider (anyfast's default routing only serves its ten documented models). */
export const MODEL = 'gemini-2.5-flash'
export const CONTENTS = [{ role: 'user' as const, parts: [{ text: 'Say hello.' }] }]

/** A key that stands out anywhere: fixed prefix plus 24 random hex characters. */
export function secretKey(): string {
  return `sk-live-SECRET-${randomBytes(12).toString('hex')}`
}

/** Every client's shared surface, so one test body drives every provider. */
export interface AnyClient {
  readonly provider: Provider
  generateContent(params: GenerateContentParams & Record<string, unknown>, options?: CallOptions): Promise<GenerateContentResponse>
  streamGenerateContent(params: GenerateContentParams & Record<string, unknown>, options?: CallOptions): AsyncGenerator<GenerateContentResponse>
  listModels?(options?: CallOptions & { pageSize?: number }): AsyncGenerator<Model>
  countTokens?(params: { model: string; contents?: unknown }, options?: CallOptions): Promise<unknown>
}

export function clientFor(provider: Provider, baseUrl: string, options: ClientOptions = {}): AnyClient {
  return createClient({ provider, apiKey: 'local-gateway-key', baseUrl, maxRetries: 0, timeoutMs: 5_000, ...options }) as unknown as AnyClient
}

export const params = (extra: Record<string, unknown> = {}) => ({ model: MODEL, contents: CONTENTS, ...extra })

/** What a call ended in: a value, or what it threw (kept raw, so a non-GeminiGatewayError shows as one). */
export type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; error: unknown; ms: number }

export async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  const start = performance.now()
  try {
    const value = await run()
    return { ok: true, value, ms: performance.now() - start }
  } catch (error) {
    return { ok: false, error, ms: performance.now() - start }
  }
}

/** Drains a stream; the chunks that arrived before a failure are kept. */
export async function drainStream(
  stream: AsyncIterable<GenerateContentResponse>,
): Promise<{ chunks: GenerateContentResponse[]; outcome: Outcome<GenerateContentResponse[]> }> {
  const chunks: GenerateContentResponse[] = []
  const result = await outcome(async () => {
    for await (const chunk of stream) chunks.push(chunk)
    return chunks
  })
  return { chunks, outcome: result }
}

/** Rejects with a clear message when `promise` has not settled after `ms`: a hang fails fast instead of timing the test out. */
export function guard<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what} did not settle within ${ms} ms`)), ms)
  })
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer))
}

/** Asserts that a call failed with a GeminiGatewayError (not a RangeError, TypeError...) and returns it. */
export function typedError(result: Outcome<unknown>, label = 'call'): GeminiGatewayError {
  if (result.ok) throw new Error(`${label}: expected a GeminiGatewayError, got success: ${preview(result.value)}`)
  const error = result.error
  if (!(error instanceof GeminiGatewayError)) {
    const e = error as Error
    throw new Error(`${label}: expected a GeminiGatewayError, got ${e?.name ?? typeof error}: ${e?.message ?? String(error)}\n${e?.stack ?? ''}`)
  }
  return error
}

export function preview(value: unknown, max = 300): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch (e) {
    text = `<unserialisable: ${(e as Error).message}>`
  }
  return text.length > max ? `${text.slice(0, max)}…` : text
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Text of a response's first candidate. */
export function textOf(response: GenerateContentResponse): string {
  return (response.candidates?.[0]?.content?.parts ?? []).map((p) => p.text ?? '').join('')
}

// ---------------------------------------------------------------------------------------------
// Canned bodies

export function chunk(text: string, final = false, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(final && { finishReason: 'STOP' }), index: 0 }],
    ...(final && { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 5, totalTokenCount: 8 } }),
    modelVersion: MODEL,
    ...extra,
  }
}

export const OK_BODY = chunk('Hello there.', true)
export const OK_JSON = JSON.stringify(OK_BODY)

/** One SSE event per array item, each `data: <json>` plus a blank line. */
export function sse(items: unknown[], eol = '\n'): string[] {
  return items.map((item) => `data: ${typeof item === 'string' ? item : JSON.stringify(item)}${eol}${eol}`)
}

export const SSE_HEADERS = { 'content-type': 'text/event-stream' }
export const JSON_HEADERS = { 'content-type': 'application/json' }

// ---------------------------------------------------------------------------------------------
// Crash watch: listeners for what must never happen

export interface CrashWatch {
  readonly events: string[]
  stop(): void
}

export function watchCrashes(): CrashWatch {
  const events: string[] = []
  const onRejection = (reason: unknown) => events.push(`unhandledRejection: ${describe(reason)}`)
  const onException = (error: unknown) => events.push(`uncaughtException: ${describe(error)}`)
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  return {
    events,
    stop() {
      process.off('unhandledRejection', onRejection)
      process.off('uncaughtException', onException)
    },
  }
}

function describe(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value)
}

// ---------------------------------------------------------------------------------------------
// Leak watch: sockets, timers and handles, and the server's view of its connections

export function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1
  return counts
}

/** Lets pending callbacks, socket closes and microtasks run. */
export async function settle(ms = 30): Promise<void> {
  await sleep(ms)
  await new Promise((resolve) => setImmediate(resolve))
}

/**
 * Tracks a server's sockets from the outside. `open` counts connections that carried at least one request and are
 * still open; `spare` counts open connections that never carried one. undici opens such a spare connection right after
 * an aborted request (plain `fetch` does it too) and drops it ~3 s later: it is the pool's, not a leaked exchange.
 */
export interface ConnectionWatch {
  readonly total: number
  readonly open: number
  readonly spare: number
}

export function watchConnections(server: Server): ConnectionWatch {
  const open = new Set<Socket>()
  const used = new WeakSet<Socket>()
  let total = 0
  server.on('connection', (socket: Socket) => {
    total++
    open.add(socket)
    socket.once('close', () => open.delete(socket))
  })
  server.on('request', (req: { socket: Socket }) => used.add(req.socket))
  const count = (wanted: boolean) => [...open].filter((s) => used.has(s) === wanted).length
  return {
    get total() {
      return total
    },
    get open() {
      return count(true)
    },
    get spare() {
      return count(false)
    },
  }
}

/**
 * Makes the gateway drop idle keep-alive connections after 100 ms: node then advertises `Keep-Alive: timeout=0`,
 * so undici does not pool the socket either. A connection still open after that is one nobody finished.
 */
export function shortKeepAlive(gw: LocalGateway): void {
  gw.server.keepAliveTimeout = 100
}

/** Waits until `check` holds (polling), up to `ms`; returns whether it did. */
export async function eventually(check: () => boolean, ms = 3_000, step = 20): Promise<boolean> {
  const deadline = Date.now() + ms
  for (;;) {
    if (check()) return true
    if (Date.now() > deadline) return false
    await settle(step)
  }
}

const LEAK_KINDS = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'PipeWrap', 'FSReqCallback', 'TTYWrap'] as const

/** Counts of the resource kinds that leak, for messages. */
export function leakKinds(counts = resourceCounts()): Record<string, number> {
  const out: Record<string, number> = {}
  for (const kind of LEAK_KINDS) out[kind] = counts[kind] ?? 0
  return out
}

/**
 * Asserts that no more sockets and timers are active than at `before`, waiting up to `ms` for the event loop to settle.
 * Returns the counts seen last.
 */
export async function expectNoLeaks(before: Record<string, number>, label: string, ms = 3_000): Promise<Record<string, number>> {
  let now = resourceCounts()
  const clean = () => {
    now = resourceCounts()
    return LEAK_KINDS.every((kind) => (now[kind] ?? 0) <= (before[kind] ?? 0))
  }
  const ok = await eventually(clean, ms)
  expect(ok, `${label}: resources left open: before ${JSON.stringify(leakKinds(before))}, after ${JSON.stringify(leakKinds(now))}`).toBe(true)
  return now
}

// ---------------------------------------------------------------------------------------------
// Figures

/** Records figures for the final table and prints a one-line summary for the category. */
export function reportFigures(category: string, figures: Array<[name: string, value: number | string, unit?: string]>): void {
  const dir = inject('reliabilityFiguresDir')
  const lines: FigureLine[] = figures.map(([name, value, unit]) => ({ category, name, value, ...(unit && { unit }) }))
  if (dir) appendFileSync(join(dir, `${category}.jsonl`), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`)
  const summary = figures
    .map(([name, value, unit]) => `${name}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(2) : value}${unit ? ` ${unit}` : ''}`)
    .join(', ')
  console.log(`[reliability] ${category}: ${summary}`)
}

export function mb(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 100) / 100
}

/** Forces a full GC (the suite runs with --expose-gc) and returns heap used and RSS. */
export async function memoryAfterGc(): Promise<{ heapUsed: number; rss: number }> {
  const gc = (globalThis as { gc?: () => void }).gc
  expect(gc, 'run with --expose-gc (vitest.reliability.config.ts execArgv)').toBeTypeOf('function')
  for (let i = 0; i < 3; i++) {
    gc!()
    await settle(10)
  }
  const { heapUsed, rss } = process.memoryUsage()
  return { heapUsed, rss }
}
