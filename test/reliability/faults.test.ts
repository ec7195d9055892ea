// Injected faults on loopback (issue #4): refused connections, resets before headers / mid-body / mid-stream,
// silence after the headers, a slow drip, 429/503 with Retry-After, and an abort at every phase. Each fault checks
// the outcome, how many requests the server saw (retries exactly when they should happen), how long it took (waits
// honour the headers), and that afterwards no socket, timer or server connection is left open.
import { getEventListeners, setMaxListeners } from 'node:events'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BadRequestError,
  ConnectionError,
  GeminiGatewayError,
  RateLimitError,
  TimeoutError,
  UserAbortError,
  type ClientOptions,
  type GatewayClient,
  type Provider,
} from '../../src/index.ts'
import { startLocalGateway, type LocalGateway, type LocalGatewayOptions } from '../../src/local-gateway/index.ts'
import {
  chunk,
  clientFor,
  drainStream,
  eventually,
  expectNoLeaks,
  guard,
  JSON_HEADERS,
  leakKinds,
  MODEL,
  OK_JSON,
  outcome,
  params,
  PROVIDERS,
  reportFigures,
  resourceCounts,
  settle,
  shortKeepAlive,
  sse,
  SSE_HEADERS,
  textOf,
  typedError,
  watchConnections,
  watchCrashes,
  type AnyClient,
  type ConnectionWatch,
} from './support/helpers.ts'

const crashes = watchCrashes()
const figures = { faults: 0, survived: 0, retriesObserved: 0, waitedMs: 0 }

interface Rig {
  gw: LocalGateway
  conns: ConnectionWatch
  client: AnyClient
  /** Calls the client made to fetch (each attempt). */
  fetches: number
  /** Resolves each time a fetch gets its response headers. */
  onHeaders: Array<() => void>
}

/**
 * Runs `body` against a fresh gateway, then checks that everything was let go: the gateway sees no open connection
 * (idle keep-alive is cut after 100 ms, so only unfinished exchanges stay), the process has no more sockets than
 * before, and after closing the gateway no more timers or servers either.
 */
async function withRig(
  provider: Provider,
  options: { gateway?: Partial<LocalGatewayOptions>; client?: Partial<ClientOptions> },
  body: (rig: Rig) => Promise<void>,
): Promise<void> {
  figures.faults++
  await settle(20)
  const before = resourceCounts()
  const gw = await startLocalGateway({ provider, ...options.gateway })
  shortKeepAlive(gw)
  const conns = watchConnections(gw.server)
  const rig: Rig = { gw, conns, client: undefined as unknown as AnyClient, fetches: 0, onHeaders: [] }
  const fetch = (async (input: Request | string | URL, init?: RequestInit) => {
    rig.fetches++
    const response = await globalThis.fetch(input, init)
    for (const listener of rig.onHeaders.splice(0)) listener()
    return response
  }) as typeof globalThis.fetch
  rig.client = clientFor(provider, gw.url, { fetch, ...options.client })
  try {
    await body(rig)
    const closed = await eventually(() => conns.open === 0, 3_000)
    expect(closed, `${provider}: the gateway still has ${conns.open} open connection(s) after the call`).toBe(true)
    // Sockets are compared while the gateway still listens: closing it would tear down any leaked client socket too.
    // undici's spare connection (see watchConnections) is allowed: its gateway end is the one counted socket.
    await expectNoLeaks({ ...resourceCounts(), TCPSocketWrap: (before.TCPSocketWrap ?? 0) + conns.spare }, `${provider}: sockets`)
  } finally {
    await gw.close()
  }
  await expectNoLeaks(before, `${provider}: after closing the gateway`)
  figures.survived++
}

/** A loopback port with nothing listening. */
async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** The transport (send, retry, backoff) is shared by all providers: its two slowest checks run on two of them. */
const TRANSPORT_SAMPLE: readonly Provider[] = ['google', 'nordlys']

/** google's quick calls (AnyClient has only the generations). */
const quick = (client: AnyClient) => client as unknown as Pick<GatewayClient, 'countTokens' | 'getModel'>

const okStream = (n = 3) => sse(Array.from({ length: n }, (_, i) => chunk(`c${i} `, i === n - 1)))
const okTexts = (n = 3) => Array.from({ length: n }, (_, i) => `c${i} `)

beforeAll(async () => {
  // Warm up: the first fetch creates undici's global dispatcher, the first validation loads validators.
  const gw = await startLocalGateway({ provider: 'google' })
  await clientFor('google', gw.url).generateContent(params())
  await gw.close()
  await settle(50)
})

describe.each(PROVIDERS)('faults: %s', (provider) => {
  it('connection refused: retried maxRetries times with backoff, then a ConnectionError', async () => {
    await settle(20)
    const before = resourceCounts()
    let attempts = 0
    const fetch = ((input: Request | string | URL, init?: RequestInit) => {
      attempts++
      return globalThis.fetch(input, init)
    }) as typeof globalThis.fetch
    const client = clientFor(provider, `http://127.0.0.1:${await deadPort()}`, { maxRetries: 1, fetch })
    const result = await guard(
      outcome(() => client.generateContent(params())),
      10_000,
      'refused',
    )
    const error = typedError(result, 'refused')
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toMatch(/connection failed|ECONNREFUSED|fetch failed/i)
    expect(attempts).toBe(2)
    // One backoff wait: 0.5 s minus up to 25 % jitter.
    expect(result.ms).toBeGreaterThanOrEqual(375)
    figures.retriesObserved += attempts - 1
    await expectNoLeaks(before, `${provider}: refused`)
    figures.faults++
    figures.survived++
  })

  // Quick calls (countTokens, getModel, listModels) only on google: the other dialects have none or one.
  if (provider === 'google')
    it('a quick call reset before headers on every attempt: ConnectionError after exactly 1 + maxRetries requests', async () => {
      await withRig(provider, { client: { maxRetries: 2 } }, async ({ gw, client }) => {
        gw.enqueue({ reset: 'before-headers' }, { reset: 'before-headers' }, { reset: 'before-headers' })
        const result = await guard(
          outcome(() => quick(client).countTokens(params())),
          10_000,
          'reset',
        )
        const error = typedError(result)
        expect(error).toBeInstanceOf(ConnectionError)
        expect(gw.requests.length).toBe(3)
        // Two backoff waits: at least 0.375 s + 0.75 s.
        expect(result.ms).toBeGreaterThanOrEqual(1_125)
        figures.retriesObserved += 2
      })
    })

  if (provider === 'google')
    it('a quick call reset before headers once, then success: the retry answers', async () => {
      await withRig(provider, { client: { maxRetries: 1 } }, async ({ gw, client }) => {
        gw.enqueue({ reset: 'before-headers' })
        const result = await guard(
          outcome(() => quick(client).countTokens(params())),
          10_000,
          'reset then ok',
        )
        expect(result.ok, result.ok ? '' : String(result.error)).toBe(true)
        if (result.ok) expect(result.value.totalTokens).toBeGreaterThan(0)
        expect(gw.requests.length).toBe(2)
        figures.retriesObserved++
      })
    })

  it('a generation reset before headers is never sent again: ConnectionError after 1 request, though maxRetries allows 2', async () => {
    await withRig(provider, { client: { maxRetries: 2 } }, async ({ gw, client }) => {
      gw.enqueue({ reset: 'before-headers' }, { headers: JSON_HEADERS, body: OK_JSON })
      const result = await guard(
        outcome(() => client.generateContent(params())),
        10_000,
        'reset',
      )
      const error = typedError(result)
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error.message).toMatch(/connection to 127\.0\.0\.1:\d+ failed: (UND_ERR_SOCKET|ECONNRESET)/)
      expect(gw.requests.length).toBe(1)
      // The client still works: the next call gets the answer queued after the reset.
      const next = await guard(
        outcome(() => client.generateContent(params())),
        10_000,
        'next call',
      )
      expect(next.ok, next.ok ? '' : String(next.error)).toBe(true)
      if (next.ok) expect(textOf(next.value)).toBe('Hello there.')
      expect(gw.requests.length).toBe(2)
    })
  })

  if (TRANSPORT_SAMPLE.includes(provider))
    it('a stream reset before headers is never sent again: ConnectionError after 1 request', async () => {
      await withRig(provider, { client: { maxRetries: 1 } }, async ({ gw, client }) => {
        gw.enqueue({ reset: 'before-headers' }, { headers: SSE_HEADERS, chunks: okStream() })
        const { chunks, outcome: result } = await guard(drainStream(client.streamGenerateContent(params())), 10_000, 'stream reset')
        expect(typedError(result)).toBeInstanceOf(ConnectionError)
        expect(chunks).toEqual([])
        expect(gw.requests.length).toBe(1)
        const again = await guard(drainStream(client.streamGenerateContent(params())), 10_000, 'next stream')
        expect(again.outcome.ok, again.outcome.ok ? '' : String(again.outcome.error)).toBe(true)
        expect(again.chunks.map(textOf)).toEqual(okTexts())
      })
    })

  it('reset mid-body (unary), no retries allowed: ConnectionError naming the lost connection', async () => {
    await withRig(provider, { client: { maxRetries: 0 } }, async ({ gw, client }) => {
      gw.enqueue({ headers: JSON_HEADERS, body: OK_JSON, reset: 'mid-body' })
      const error = typedError(
        await guard(
          outcome(() => client.generateContent(params())),
          10_000,
          'mid-body',
        ),
      )
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error.message).toMatch(/connection lost|body/i)
      expect(gw.requests.length).toBe(1)
    })
  })

  it('reset mid-body (unary) of a generation: the answer was being sent, so it is not asked for again (1 request, maxRetries 1)', async () => {
    await withRig(provider, { client: { maxRetries: 1 } }, async ({ gw, client }) => {
      gw.enqueue({ headers: JSON_HEADERS, body: OK_JSON, reset: 'mid-body' }, { headers: JSON_HEADERS, body: OK_JSON })
      const error = typedError(
        await guard(
          outcome(() => client.generateContent(params())),
          10_000,
          'mid-body',
        ),
      )
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error.message).toMatch(/connection lost|body/i)
      expect(gw.requests.length, 'requests: the failed attempt only').toBe(1)
    })
  })

  if (provider === 'google')
    it('reset mid-body of a quick call is retried (documented: "Retries after ... connection errors")', async () => {
      await withRig(provider, { client: { maxRetries: 1 } }, async ({ gw, client }) => {
        gw.enqueue({ headers: JSON_HEADERS, body: OK_JSON, reset: 'mid-body' })
        const result = await guard(
          outcome(() => quick(client).getModel(MODEL)),
          10_000,
          'mid-body then ok',
        )
        expect(gw.requests.length, 'requests: the failed attempt and its retry').toBe(2)
        expect(result.ok, result.ok ? '' : `${(result.error as Error).name}: ${(result.error as Error).message}`).toBe(true)
        if (result.ok) expect(result.value.name).toBe(`models/${MODEL}`)
        figures.retriesObserved++
      })
    })

  it('reset mid-stream: ConnectionError after the chunks that arrived, never retried', async () => {
    await withRig(provider, { client: { maxRetries: 2 } }, async ({ gw, client }) => {
      gw.enqueue({
        headers: SSE_HEADERS,
        chunks: [...okStream(4).slice(0, 2), 'data: {"candidates": [{"con', 'tent": {}}]}\n\n'],
        chunkDelayMs: 5,
        reset: 'mid-body',
      })
      const { chunks, outcome: result } = await guard(drainStream(client.streamGenerateContent(params())), 10_000, 'mid-stream')
      const error = typedError(result)
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error.message).toMatch(/connection lost after 2 chunk/i)
      expect(chunks.map(textOf)).toEqual(['c0 ', 'c1 '])
      expect(gw.requests.length).toBe(1)
    })
  })

  it('headers then silence (unary): TimeoutError after timeoutMs', async () => {
    await withRig(provider, { client: { maxRetries: 0, timeoutMs: 300 } }, async ({ gw, client }) => {
      gw.enqueue({ headers: JSON_HEADERS, body: OK_JSON.slice(0, 20), stall: true })
      const result = await guard(
        outcome(() => client.generateContent(params())),
        5_000,
        'silence',
      )
      const error = typedError(result)
      expect(error).toBeInstanceOf(TimeoutError)
      expect(error.message).toMatch(/300 ms/)
      expect(result.ms).toBeGreaterThanOrEqual(290)
      expect(result.ms).toBeLessThan(2_000)
      expect(gw.requests.length).toBe(1)
    })
  })

  it('headers then silence (unary) is a generation that timed out, so it is not retried (a retry would pay for the answer again)', async () => {
    await withRig(provider, { client: { maxRetries: 1, timeoutMs: 300 } }, async ({ gw, client }) => {
      gw.enqueue({ headers: JSON_HEADERS, body: OK_JSON.slice(0, 20), stall: true }, { headers: JSON_HEADERS, body: OK_JSON })
      const result = await guard(
        outcome(() => client.generateContent(params())),
        5_000,
        'silence then ok',
      )
      const error = typedError(result)
      expect(error).toBeInstanceOf(TimeoutError)
      expect((error as TimeoutError).attempts).toBe(1)
      expect(gw.requests.length, 'requests: the timed-out attempt only').toBe(1)
      gw.requests.length = 0
      // The second scripted answer is still queued: the next call gets it, so nothing was consumed by a hidden retry.
      expect(textOf(await client.generateContent(params()))).toBe('Hello there.')
    })
  })

  it('headers then silence (stream): TimeoutError after the idle timeout', async () => {
    await withRig(provider, { client: { maxRetries: 0, timeoutMs: 300 } }, async ({ gw, client }) => {
      gw.enqueue({ headers: SSE_HEADERS, chunks: okStream(3).slice(0, 1), stall: true })
      const { chunks, outcome: result } = await guard(drainStream(client.streamGenerateContent(params())), 5_000, 'stream silence')
      const error = typedError(result)
      expect(error).toBeInstanceOf(TimeoutError)
      expect(error.message).toMatch(/stall|300 ms/i)
      expect(chunks.length).toBe(1)
      expect(result.ms).toBeGreaterThanOrEqual(290)
      expect(gw.requests.length).toBe(1)
    })
  })

  it('no headers at all (slow server): TimeoutError after one attempt; a generation that timed out is not retried', async () => {
    await withRig(provider, { gateway: { latencyMs: 2_000 }, client: { maxRetries: 1, timeoutMs: 200 } }, async ({ gw, client }) => {
      const result = await guard(
        outcome(() => client.generateContent(params())),
        5_000,
        'no headers',
      )
      const error = typedError(result)
      expect(error).toBeInstanceOf(TimeoutError)
      expect(error.message).toBe(`${provider}: no response after 200 ms (1 attempt); raise timeoutMs to wait longer`)
      expect(gw.requests.length).toBe(1)
      // One attempt of 200 ms, no backoff and no second attempt.
      expect(result.ms).toBeGreaterThanOrEqual(190)
      expect(result.ms).toBeLessThan(200 + 375)
    })
  })

  it('an error status whose body stalls: TimeoutError after timeoutMs, not a hang', async () => {
    await withRig(provider, { client: { maxRetries: 0, timeoutMs: 250 } }, async ({ gw, client }) => {
      gw.enqueue({ status: 500, headers: JSON_HEADERS, body: '{"error": {"message": "half an err', stall: true })
      const result = await guard(
        outcome(() => client.generateContent(params())),
        3_000,
        'stalled error body',
      )
      expect(typedError(result)).toBeInstanceOf(TimeoutError)
      expect(result.ms).toBeGreaterThanOrEqual(240)
      expect(gw.requests.length).toBe(1)
    })
  })

  it('an error status whose body is cut by a reset: ConnectionError; a generation is not sent again', async () => {
    await withRig(provider, { client: { maxRetries: 1 } }, async ({ gw, client }) => {
      gw.enqueue(
        { status: 503, headers: JSON_HEADERS, body: JSON.stringify({ error: { code: 503, message: 'overloaded, please retry' } }), reset: 'mid-body' },
        { headers: JSON_HEADERS, body: OK_JSON },
      )
      const result = await guard(
        outcome(() => client.generateContent(params())),
        5_000,
        'reset error body',
      )
      expect(typedError(result)).toBeInstanceOf(ConnectionError)
      expect(gw.requests.length).toBe(1)
    })
  })

  if (provider === 'google')
    it('an error status whose body is cut by a reset: a quick call is retried like any connection failure', async () => {
      await withRig(provider, { client: { maxRetries: 1 } }, async ({ gw, client }) => {
        gw.enqueue({
          status: 503,
          headers: JSON_HEADERS,
          body: JSON.stringify({ error: { code: 503, message: 'overloaded, please retry' } }),
          reset: 'mid-body',
        })
        const result = await guard(
          outcome(() => quick(client).countTokens(params())),
          5_000,
          'reset error body',
        )
        expect(result.ok, result.ok ? '' : String(result.error)).toBe(true)
        expect(gw.requests.length).toBe(2)
        figures.retriesObserved++
      })
    })

  it('a long-lived signal shared by many calls holds no abort listener once they are done', async () => {
    await withRig(provider, { client: { maxRetries: 1 } }, async ({ gw, client }) => {
      const controller = new AbortController()
      const { signal } = controller
      setMaxListeners(100, signal)
      // Control: the count sees a listener when there is one.
      const probe = () => {}
      signal.addEventListener('abort', probe)
      expect(getEventListeners(signal, 'abort').length).toBe(1)
      signal.removeEventListener('abort', probe)
      gw.enqueue(
        { status: 429, headers: { ...JSON_HEADERS, 'retry-after-ms': '10' }, body: { error: { message: 'wait' } } },
        { headers: JSON_HEADERS, body: OK_JSON },
        { headers: SSE_HEADERS, chunks: okStream() },
        { headers: SSE_HEADERS, chunks: okStream().slice(0, 1) },
        { status: 400, headers: JSON_HEADERS, body: { error: { message: 'bad' } } },
        { headers: SSE_HEADERS, chunks: okStream(5), chunkDelayMs: 20 },
      )
      await client.generateContent(params(), { signal }) // retried once
      await drainStream(client.streamGenerateContent(params(), { signal })) // complete
      await drainStream(client.streamGenerateContent(params(), { signal })) // cut off
      await outcome(() => client.generateContent(params(), { signal })) // 400
      for await (const _ of client.streamGenerateContent(params(), { signal })) break // left early
      await Promise.all(Array.from({ length: 20 }, () => client.generateContent(params(), { signal })))
      await settle(50)
      expect(getEventListeners(signal, 'abort').length, "abort listeners left on the caller's signal").toBe(0)
    })
  })

  it('slow drip (unary): the body arrives in 10 pieces over ~0.3 s, within the 1 s timeout: success', async () => {
    await withRig(provider, { client: { maxRetries: 0, timeoutMs: 1_000 } }, async ({ gw, client }) => {
      const pieces = Array.from({ length: 10 }, (_, i) => OK_JSON.slice(Math.floor((i * OK_JSON.length) / 10), Math.floor(((i + 1) * OK_JSON.length) / 10)))
      gw.enqueue({ headers: JSON_HEADERS, chunks: pieces, chunkDelayMs: 30 })
      const result = await guard(
        outcome(() => client.generateContent(params())),
        5_000,
        'drip',
      )
      expect(result.ok, result.ok ? '' : String(result.error)).toBe(true)
      if (result.ok) expect(textOf(result.value)).toBe('Hello there.')
      expect(result.ms).toBeGreaterThanOrEqual(250)
    })
  })

  it('slow drip (stream): 8 events 100 ms apart (0.7 s in all) with a 250 ms idle timeout: success, in order', async () => {
    await withRig(provider, { client: { maxRetries: 0, timeoutMs: 250 } }, async ({ gw, client }) => {
      gw.enqueue({ headers: SSE_HEADERS, chunks: okStream(8), chunkDelayMs: 100 })
      const { chunks, outcome: result } = await guard(drainStream(client.streamGenerateContent(params())), 5_000, 'stream drip')
      expect(result.ok, result.ok ? '' : String(result.error)).toBe(true)
      expect(chunks.map(textOf)).toEqual(okTexts(8))
      // Longer in all than the idle timeout: only the gaps count.
      expect(result.ms).toBeGreaterThanOrEqual(690)
    })
  })

  it('429 with Retry-After: 1: one retry, after at least 1 s', async () => {
    await withRig(provider, { client: { maxRetries: 2 } }, async ({ gw, client }) => {
      gw.enqueue(
        { status: 429, headers: { ...JSON_HEADERS, 'retry-after': '1' }, body: { error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } } },
        { headers: JSON_HEADERS, body: OK_JSON },
      )
      const result = await guard(
        outcome(() => client.generateContent(params())),
        10_000,
        '429',
      )
      expect(result.ok, result.ok ? '' : String(result.error)).toBe(true)
      expect(gw.requests.length).toBe(2)
      expect(result.ms).toBeGreaterThanOrEqual(1_000)
      figures.retriesObserved++
      figures.waitedMs += result.ms
    })
  })

  it('503 with Retry-After: 1 on a stream: one retry, after at least 1 s, then the whole stream', async () => {
    await withRig(provider, { client: { maxRetries: 2 } }, async ({ gw, client }) => {
      gw.enqueue(
        { status: 503, headers: { 'content-type': 'text/plain', 'retry-after': '1' }, body: 'Service Unavailable' },
        { headers: SSE_HEADERS, chunks: okStream() },
      )
      const { chunks, outcome: result } = await guard(drainStream(client.streamGenerateContent(params())), 10_000, '503 stream')
      expect(result.ok, result.ok ? '' : String(result.error)).toBe(true)
      expect(chunks.map(textOf)).toEqual(okTexts())
      expect(gw.requests.length).toBe(2)
      expect(result.ms).toBeGreaterThanOrEqual(1_000)
      figures.retriesObserved++
      figures.waitedMs += result.ms
    })
  })

  it('429 on every attempt (retry-after-ms: 100): RateLimitError after exactly 1 + maxRetries requests, each wait honoured', async () => {
    await withRig(provider, { client: { maxRetries: 2 } }, async ({ gw, client }) => {
      const limited = {
        status: 429,
        headers: { ...JSON_HEADERS, 'retry-after-ms': '100' },
        body: { error: { message: 'quota', type: 'rate_limit', code: 429 } },
      }
      gw.enqueue(limited, limited, limited, { headers: JSON_HEADERS, body: OK_JSON })
      const result = await guard(
        outcome(() => client.generateContent(params())),
        10_000,
        '429 x3',
      )
      const error = typedError(result)
      expect(error).toBeInstanceOf(RateLimitError)
      expect(error.status).toBe(429)
      expect(gw.requests.length).toBe(3)
      expect(result.ms).toBeGreaterThanOrEqual(200)
      figures.retriesObserved += 2
      // The unused success stays queued: drain it so the gateway ends clean.
      await client.generateContent(params())
    })
  })

  if (TRANSPORT_SAMPLE.includes(provider))
    it('Retry-After as an HTTP date ~2 s ahead: the wait reaches that date', async () => {
      await withRig(provider, { client: { maxRetries: 1 } }, async ({ gw, client }) => {
        const at = new Date(Math.ceil((Date.now() + 2_000) / 1000) * 1000)
        gw.enqueue(
          { status: 503, headers: { 'content-type': 'text/plain', 'retry-after': at.toUTCString() }, body: 'busy' },
          { headers: JSON_HEADERS, body: OK_JSON },
        )
        const result = await guard(
          outcome(() => client.generateContent(params())),
          10_000,
          'date',
        )
        expect(result.ok, result.ok ? '' : String(result.error)).toBe(true)
        expect(gw.requests.length).toBe(2)
        expect(Date.now()).toBeGreaterThanOrEqual(at.getTime() - 5)
        figures.retriesObserved++
      })
    })

  it('400 is not retried', async () => {
    await withRig(provider, { client: { maxRetries: 3 } }, async ({ gw, client }) => {
      gw.enqueue(
        { status: 400, headers: JSON_HEADERS, body: { error: { code: 400, message: 'bad', status: 'INVALID_ARGUMENT' } } },
        { headers: JSON_HEADERS, body: OK_JSON },
      )
      const error = typedError(await outcome(() => client.generateContent(params())))
      expect(error).toBeInstanceOf(BadRequestError)
      expect(gw.requests.length).toBe(1)
      await client.generateContent(params())
    })
  })

  it('a mid-stream error event is not retried', async () => {
    await withRig(provider, { client: { maxRetries: 3 } }, async ({ gw, client }) => {
      gw.enqueue({
        headers: SSE_HEADERS,
        chunks: [...okStream(3).slice(0, 1), ...sse([{ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } }])],
      })
      const { outcome: result } = await drainStream(client.streamGenerateContent(params()))
      const error = typedError(result)
      expect(error).toBeInstanceOf(GeminiGatewayError)
      expect(gw.requests.length).toBe(1)
    })
  })

  // ---- aborts, one per phase ----

  it('abort before send: UserAbortError, nothing reaches the server', async () => {
    await withRig(provider, {}, async (rig) => {
      const { gw, client } = rig
      const controller = new AbortController()
      controller.abort(new Error('caller changed their mind'))
      const error = typedError(await outcome(() => client.generateContent(params(), { signal: controller.signal })))
      expect(error).toBeInstanceOf(UserAbortError)
      expect(gw.requests.length).toBe(0)
      expect(rig.fetches).toBe(0)
    })
  })

  it('abort while waiting for headers: UserAbortError at once, the connection closed', async () => {
    await withRig(provider, { gateway: { latencyMs: 3_000 }, client: { maxRetries: 2 } }, async ({ gw, client, conns }) => {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 150)
      const result = await guard(
        outcome(() => client.generateContent(params(), { signal: controller.signal })),
        5_000,
        'abort headers',
      )
      expect(typedError(result)).toBeInstanceOf(UserAbortError)
      expect(result.ms).toBeLessThan(1_000)
      expect(gw.requests.length).toBe(1)
      expect(await eventually(() => conns.open === 0, 1_000), 'server still holds the aborted connection').toBe(true)
    })
  })

  it('abort while reading the body (unary): UserAbortError, not a timeout or connection error', async () => {
    await withRig(provider, { client: { maxRetries: 2, timeoutMs: 10_000 } }, async (rig) => {
      const { gw, client } = rig
      const pieces = [OK_JSON.slice(0, 10), OK_JSON.slice(10, 20), OK_JSON.slice(20)]
      gw.enqueue({ headers: JSON_HEADERS, chunks: pieces, chunkDelayMs: 1_000 })
      const controller = new AbortController()
      rig.onHeaders.push(() => setTimeout(() => controller.abort(), 50))
      const result = await guard(
        outcome(() => client.generateContent(params(), { signal: controller.signal })),
        5_000,
        'abort body',
      )
      expect(typedError(result)).toBeInstanceOf(UserAbortError)
      expect(result.ms).toBeLessThan(900)
      expect(gw.requests.length).toBe(1)
    })
  })

  it('abort mid-stream (event stream): UserAbortError after the chunks that arrived', async () => {
    await withRig(provider, { client: { maxRetries: 2 } }, async ({ gw, client }) => {
      gw.enqueue({ headers: SSE_HEADERS, chunks: okStream(6), chunkDelayMs: 300 })
      const controller = new AbortController()
      const chunks: string[] = []
      const result = await guard(
        outcome(async () => {
          for await (const c of client.streamGenerateContent(params(), { signal: controller.signal })) {
            chunks.push(textOf(c))
            if (chunks.length === 1) setTimeout(() => controller.abort(), 20)
          }
        }),
        5_000,
        'abort stream',
      )
      expect(typedError(result)).toBeInstanceOf(UserAbortError)
      expect(chunks).toEqual(['c0 '])
      expect(result.ms).toBeLessThan(1_000)
      expect(gw.requests.length).toBe(1)
    })
  })

  it('abort mid-stream (stream answered as JSON): UserAbortError, not a hang', async () => {
    await withRig(provider, { client: { maxRetries: 0, timeoutMs: 10_000 } }, async (rig) => {
      const { gw, client } = rig
      gw.enqueue({ headers: JSON_HEADERS, body: `[${JSON.stringify(chunk('c0 '))}`, stall: true })
      const controller = new AbortController()
      rig.onHeaders.push(() => setTimeout(() => controller.abort(), 50))
      const { outcome: result } = await guard(drainStream(client.streamGenerateContent(params(), { signal: controller.signal })), 1_500, 'abort JSON stream')
      expect(typedError(result)).toBeInstanceOf(UserAbortError)
    })
  })

  it('abort during a retry wait (Retry-After: 5): UserAbortError at once, no second request', async () => {
    await withRig(provider, { client: { maxRetries: 2 } }, async ({ gw, client }) => {
      gw.enqueue(
        { status: 503, headers: { ...JSON_HEADERS, 'retry-after': '5' }, body: { error: { code: 503, message: 'busy', status: 'UNAVAILABLE' } } },
        { headers: JSON_HEADERS, body: OK_JSON },
      )
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 200)
      const result = await guard(
        outcome(() => client.generateContent(params(), { signal: controller.signal })),
        5_000,
        'abort retry wait',
      )
      expect(typedError(result)).toBeInstanceOf(UserAbortError)
      expect(result.ms).toBeLessThan(1_000)
      expect(gw.requests.length).toBe(1)
      await client.generateContent(params())
    })
  })

  it('leaving a stream loop early cancels the request and frees the connection', async () => {
    await withRig(provider, { client: { maxRetries: 0 } }, async ({ gw, client, conns }) => {
      gw.enqueue({ headers: SSE_HEADERS, chunks: okStream(6), chunkDelayMs: 200 })
      for await (const c of client.streamGenerateContent(params())) {
        expect(textOf(c)).toBe('c0 ')
        break
      }
      expect(await eventually(() => conns.open === 0, 1_000), 'gateway still streaming to a client that left').toBe(true)
      expect(gw.requests.length).toBe(1)
    })
  })
})

describe('faults: the leak watch itself', () => {
  it('control: an exchange nobody finishes is seen as an open connection and as an extra socket', async () => {
    await settle(20)
    const before = resourceCounts()
    const gw = await startLocalGateway({ provider: 'google' })
    shortKeepAlive(gw)
    const conns = watchConnections(gw.server)
    gw.enqueue({ headers: JSON_HEADERS, body: '{"candidates": [', stall: true })
    const response = await fetch(`${gw.url}/anything`, { method: 'POST' })
    // The body is neither read nor cancelled: a leak by construction.
    expect(await eventually(() => conns.open === 0, 300)).toBe(false)
    expect(resourceCounts().TCPSocketWrap ?? 0).toBeGreaterThan(before.TCPSocketWrap ?? 0)
    await response.body?.cancel()
    expect(await eventually(() => conns.open === 0, 2_000)).toBe(true)
    await gw.close()
    await expectNoLeaks(before, 'control')
  })
})

describe('faults: process health', () => {
  it('no unhandled rejection or uncaught exception fired during the faults', async () => {
    await settle(100)
    expect(crashes.events).toEqual([])
    expect(leakKinds().TCPServerWrap).toBe(0)
  })
})

afterAll(() => {
  crashes.stop()
  reportFigures('faults', [
    ['fault runs', figures.faults],
    ['faults survived (outcome, retries, timing, no leak)', figures.survived],
    ['retries observed at the server', figures.retriesObserved],
    ['unhandled rejections / uncaught exceptions', crashes.events.length],
  ])
})
