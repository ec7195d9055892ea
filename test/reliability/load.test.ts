// Load (issue #4): 10,000 requests with 256 in flight and 1,000 concurrent streams against the local gateway (google),
// and a smaller run on each other provider. Zero failures, every stream complete and in order, bounded memory growth
// after GC, and no socket left open once the pool's keep-alive expires. Uses undici's default global fetch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Provider } from '../../src/index.ts'
import { registry } from '../../generated/registry.ts'
import { startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { pathOf, serves } from '../support/registry.ts'
import {
  chunk,
  clientFor,
  eventually,
  expectNoLeaks,
  mb,
  memoryAfterGc,
  params,
  PROVIDERS,
  reportFigures,
  resourceCounts,
  settle,
  sse,
  SSE_HEADERS,
  textOf,
  watchConnections,
  watchCrashes,
  type AnyClient,
  type ConnectionWatch,
} from './support/helpers.ts'

const crashes = watchCrashes()
const figures: Array<[string, number | string, string?]> = []

/** Runs `total` tasks with at most `concurrency` in flight; returns failures (never throws). */
async function pool(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<{ failures: unknown[]; ms: number; peak: number }> {
  const failures: unknown[] = []
  let next = 0
  let inFlight = 0
  let peak = 0
  const start = performance.now()
  const worker = async () => {
    while (next < total) {
      const i = next++
      inFlight++
      peak = Math.max(peak, inFlight)
      try {
        await task(i)
      } catch (error) {
        failures.push(error)
      } finally {
        inFlight--
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker))
  return { failures, ms: performance.now() - start, peak }
}

/** Stream `id`: `events` chunks whose texts are `<id>:<seq>;`, the last one final. */
function sequencedStream(id: number, events: number): string[] {
  return sse(Array.from({ length: events }, (_, seq) => chunk(`${id}:${seq};`, seq === events - 1)))
}

/** Checks one client's chunks: one stream id throughout, sequence 0..events-1 in order. Returns the id. */
function checkSequence(texts: string[], events: number): number {
  expect(texts.length, 'chunks received').toBe(events)
  const parsed = texts.map((t) => /^(\d+):(\d+);$/.exec(t))
  const id = Number(parsed[0]?.[1])
  parsed.forEach((m, seq) => {
    expect(m, `chunk ${seq} text ${texts[seq]}`).not.toBeNull()
    expect(Number(m![1]), 'one stream id throughout').toBe(id)
    expect(Number(m![2]), 'sequence in order').toBe(seq)
  })
  return id
}

interface LoadResult {
  requests: number
  reqPerSec: number
  streams: number
  streamEvents: number
  streamsPerSec: number
  unaryConnections: number
  streamConnections: number
  /** The same unary load through a bare `fetch` (no client), for comparison. */
  rawReqPerSec: number
}

/** Headers that authenticate a bare fetch with the gateway's default key, where the provider's registry entry says it goes. */
function authHeaders(provider: Provider): Record<string, string> {
  const { auth } = registry[provider]
  return auth.kind === 'bearer' ? { authorization: 'Bearer local-gateway-key' } : { [auth.name]: 'local-gateway-key' }
}

async function runLoad(
  provider: Provider,
  opts: { requests: number; inFlight: number; streams: number; events: number; chunkDelayMs: number },
): Promise<LoadResult> {
  const gw: LocalGateway = await startLocalGateway({ provider })
  const conns: ConnectionWatch = watchConnections(gw.server)
  const client: AnyClient = clientFor(provider, gw.url, { maxRetries: 0, timeoutMs: 30_000 })
  try {
    // The recorded default answer, read once: every load response must equal it.
    const expected = textOf(await client.generateContent(params()))
    expect(expected.length).toBeGreaterThan(0)

    const before = conns.total
    const unary = await pool(opts.requests, opts.inFlight, async () => {
      const response = await client.generateContent(params())
      if (textOf(response) !== expected) throw new Error(`wrong answer: ${textOf(response).slice(0, 80)}`)
    })
    expect(unary.failures.slice(0, 3).map(String), `${provider}: failed requests`).toEqual([])
    expect(unary.failures.length).toBe(0)
    expect(unary.peak).toBe(opts.inFlight)
    const unaryConnections = conns.total - before
    gw.requests.length = 0

    // Baseline: the same requests through a bare fetch, to tell the client's cost from the gateway's.
    const body = JSON.stringify({ contents: params().contents })
    // The provider's own generate route (Vertex AI's publishers path, LiteLLM's /gemini), from its spec.
    const path = pathOf(provider, serves(provider, 'generate') ? 'generate' : 'generateContent', { model: params().model })
    const raw = await pool(Math.min(opts.requests, 5_000), opts.inFlight, async () => {
      const response = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { ...authHeaders(provider), 'content-type': 'application/json' }, body })
      if (!response.ok) throw new Error(`raw fetch: ${response.status}`)
      await response.json()
    })
    expect(raw.failures.length).toBe(0)
    gw.requests.length = 0

    // Streams: each scripted answer carries its id and sequence numbers; every client must see one stream, whole, in order.
    for (let id = 0; id < opts.streams; id++) gw.enqueue({ headers: SSE_HEADERS, chunks: sequencedStream(id, opts.events), chunkDelayMs: opts.chunkDelayMs })
    const seen = new Set<number>()
    const beforeStreams = conns.total
    const streams = await pool(opts.streams, opts.streams, async () => {
      const texts: string[] = []
      for await (const c of client.streamGenerateContent(params())) texts.push(textOf(c))
      const id = checkSequence(texts, opts.events)
      expect(seen.has(id), `stream ${id} served twice`).toBe(false)
      seen.add(id)
    })
    expect(streams.failures.slice(0, 3).map(String), `${provider}: failed streams`).toEqual([])
    expect(streams.failures.length).toBe(0)
    expect(seen.size).toBe(opts.streams)
    expect(streams.peak).toBe(opts.streams)
    gw.requests.length = 0
    return {
      requests: opts.requests,
      reqPerSec: opts.requests / (unary.ms / 1000),
      streams: opts.streams,
      streamEvents: opts.streams * opts.events,
      streamsPerSec: opts.streams / (streams.ms / 1000),
      unaryConnections,
      streamConnections: conns.total - beforeStreams,
      rawReqPerSec: Math.min(opts.requests, 5_000) / (raw.ms / 1000),
    }
  } finally {
    // Sockets must go on their own: wait for the pool's keep-alive (undici: 4 s) to expire before closing the gateway.
    const idle = await eventually(() => conns.open === 0 && conns.spare === 0, 8_000, 100)
    await gw.close()
    expect(idle, `${provider}: ${conns.open + conns.spare} connection(s) still open 8 s after the load`).toBe(true)
  }
}

let baseline: Record<string, number>

beforeAll(async () => {
  // Warm up fetch, validators and JIT so that the memory baseline is not measured cold.
  const gw = await startLocalGateway({ provider: 'google' })
  const client = clientFor('google', gw.url)
  await Promise.all(Array.from({ length: 200 }, () => client.generateContent(params())))
  await gw.close()
  await settle(100)
  baseline = resourceCounts()
})

describe('load: google', () => {
  it('10,000 requests with 256 in flight and 1,000 concurrent streams of 20 events: zero failures, streams whole and in order, memory bounded, no socket left', async () => {
    const memBefore = await memoryAfterGc()
    const result = await runLoad('google', { requests: 10_000, inFlight: 256, streams: 1_000, events: 20, chunkDelayMs: 2 })
    const memAfter = await memoryAfterGc()
    const heapGrowth = mb(memAfter.heapUsed - memBefore.heapUsed)
    const rssGrowth = mb(memAfter.rss - memBefore.rss)
    figures.push(
      ['google requests', result.requests],
      ['google requests/s (256 in flight)', Math.round(result.reqPerSec), 'req/s'],
      ['google bare-fetch requests/s, same gateway (baseline)', Math.round(result.rawReqPerSec), 'req/s'],
      ['google connections opened for 256 in flight', result.unaryConnections],
      ['google concurrent streams', result.streams],
      ['google stream events checked in order', result.streamEvents],
      ['google streams/s', Math.round(result.streamsPerSec), 'streams/s'],
      ['google connections opened for the streams', result.streamConnections],
      ['heap growth after GC', heapGrowth, 'MB'],
      ['RSS growth after GC', rssGrowth, 'MB'],
      ['failures', 0],
    )
    // The client keeps nothing per request: what grows is caches and JIT code, not 10,000 answers.
    expect(heapGrowth, 'heap growth (MB) after 10,000 requests and 1,000 streams').toBeLessThan(32)
    expect(rssGrowth, 'RSS growth (MB)').toBeLessThan(256)
    await expectNoLeaks(baseline, 'after the google load', 5_000)
  }, 120_000)
})

describe('load: the other providers (smaller run)', () => {
  for (const provider of PROVIDERS.filter((p) => p !== 'google')) {
    it(`${provider}: 1,000 requests with 64 in flight and 100 concurrent streams: zero failures, in order`, async () => {
      // Start from a collected heap, so that the previous run's garbage is not billed to this one's figures.
      await memoryAfterGc()
      const result = await runLoad(provider, { requests: 1_000, inFlight: 64, streams: 100, events: 10, chunkDelayMs: 2 })
      figures.push([
        `${provider} requests/s (64 in flight; bare fetch ${Math.round(result.rawReqPerSec)}), 100 streams in order`,
        Math.round(result.reqPerSec),
        'req/s',
      ])
      expect(result.reqPerSec).toBeGreaterThan(0)
      await expectNoLeaks(baseline, `after the ${provider} load`, 5_000)
    }, 60_000)
  }
})

describe('load: process health', () => {
  it('no unhandled rejection or uncaught exception fired under load', () => {
    expect(crashes.events).toEqual([])
  })
})

afterAll(() => {
  crashes.stop()
  figures.push(['unhandled rejections / uncaught exceptions', crashes.events.length])
  reportFigures('load', figures)
})
