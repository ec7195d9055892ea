// How calls fail (issue #9), over real loopback sockets where the failure can be produced here: a timeout says how
// long it waited, how many attempts were made and which option to raise; a generation's timeout is not retried (it
// may be generating, and billing, an answer), a quick call's is; a connection failure names the host:port and the
// system code; new-api's "no channel for this model" is a ModelUnavailableError, not retried but failed over; and
// Google's bad key is an AuthenticationError, as a relay's 401 is.
import { readFileSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_QUICK_TIMEOUT_MS, DEFAULT_TIMEOUT_MS } from '../../src/core/transport.ts'
import {
  AuthenticationError,
  ConnectionError,
  ModelUnavailableError,
  TimeoutError,
  createClient,
  createFailoverClient,
  text,
  type GeminiGatewayError,
} from '../../src/index.ts'
import { startLocalGateway, withLocalGateway } from '../../src/local-gateway/index.ts'
import { answerChunks, caught, CONTENTS, drain, drainFailing, KEY, MODEL, NEWAPI_RELAYS, WRONG_KEY } from './helpers.ts'

const params = { model: MODEL, contents: CONTENTS }
const SSE_HEADERS = { 'content-type': 'text/event-stream' }

/**
 * A TCP server that accepts connections, reads, and never answers. Counts requests (connections that carried bytes):
 * undici also opens a spare connection after an aborted request, which carries none.
 */
async function silentServer(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  let count = 0
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('data', () => count++)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () => {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A fetch that fails the way Node's fetch (undici) does: `TypeError: fetch failed` with the system error as cause. */
function failingFetch(cause: unknown): { fetch: typeof fetch; calls: () => number } {
  let calls = 0
  const fetch = (async () => {
    calls++
    throw new TypeError('fetch failed', { cause })
  }) as unknown as typeof globalThis.fetch
  return { fetch, calls: () => calls }
}

const systemError = (code: string, message: string) => Object.assign(new Error(message), { code })

describe('timeouts', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('defaults: 10 minutes for generations, 30 s for calls that answer at once', () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(600_000)
    expect(DEFAULT_QUICK_TIMEOUT_MS).toBe(30_000)
  })

  it('with no options, a generation waits 600 s and is not retried; listModels waits 30 s (clock faked, no socket)', async () => {
    let calls = 0
    // Never answers; rejects once the client aborts, as fetch does.
    const hanging = ((_url: string, init: RequestInit) => {
      calls++
      return new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))
    }) as unknown as typeof fetch
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: 'http://127.0.0.1:9', fetch: hanging })
    // Load the modules a call loads on first use (request checks, error bodies) while the clock is real.
    await caught(client.generateContent(params, { timeoutMs: 1 }))
    calls = 0
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const settled = (p: Promise<unknown>) => {
      const state = { done: false }
      p.then(
        () => (state.done = true),
        () => (state.done = true),
      )
      return state
    }
    /** Until the call reached fetch, and so armed its timer (setImmediate is not faked). */
    const sent = async (n: number) => {
      while (calls < n) await new Promise((resolve) => setImmediate(resolve))
    }

    const generation = client.generateContent(params)
    const generationState = settled(generation)
    await sent(1)
    await vi.advanceTimersByTimeAsync(DEFAULT_TIMEOUT_MS - 1)
    expect(generationState.done, 'a generation is still waiting just before 600 s').toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const error = await caught(generation)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error.message).toBe('google: no response after 600 s (1 attempt); raise timeoutMs to wait longer')
    expect(error).toMatchObject({ timeoutMs: 600_000, attempts: 1, option: 'timeoutMs' })
    expect(calls, 'a generation that timed out is sent once, whatever maxRetries says').toBe(1)

    calls = 0
    const quick = createClient({ provider: 'google', apiKey: KEY, baseUrl: 'http://127.0.0.1:9', fetch: hanging, maxRetries: 0 })
    const listing = quick.listModels().next()
    const listingState = settled(listing)
    await sent(1)
    await vi.advanceTimersByTimeAsync(DEFAULT_QUICK_TIMEOUT_MS - 1)
    expect(listingState.done, 'listModels is still waiting just before 30 s').toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const quickError = await caught(listing)
    expect(quickError.message).toBe('google: no response after 30 s (1 attempt); raise quickTimeoutMs to wait longer')
    expect(quickError).toMatchObject({ name: 'TimeoutError', timeoutMs: 30_000, attempts: 1, option: 'quickTimeoutMs' })
  })

  it('a timeoutMs below 30 s also bounds the quick calls; quickTimeoutMs and the per-call timeoutMs take precedence', async () => {
    const server = await silentServer()
    try {
      const shorter = createClient({ provider: 'google', apiKey: KEY, baseUrl: server.url, maxRetries: 0, timeoutMs: 200 })
      expect((await caught(shorter.listModels().next())).message).toBe('google: no response after 200 ms (1 attempt); raise timeoutMs to wait longer')
      const both = createClient({ provider: 'google', apiKey: KEY, baseUrl: server.url, maxRetries: 0, timeoutMs: 200, quickTimeoutMs: 150 })
      expect((await caught(both.getModel(MODEL))).message).toBe('google: no response after 150 ms (1 attempt); raise quickTimeoutMs to wait longer')
      expect((await caught(both.countTokens({ model: MODEL, contents: CONTENTS }, { timeoutMs: 100 }))).message).toBe(
        'google: no response after 100 ms (1 attempt); raise timeoutMs to wait longer',
      )
    } finally {
      await server.close()
    }
  })

  it('listModels against a server that accepts TCP but never sends headers fails within the short limit, and is retried (nothing billed)', async () => {
    const server = await silentServer()
    try {
      const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: server.url, quickTimeoutMs: 300, maxRetries: 1 })
      const started = Date.now()
      const error = await caught(client.listModels().next())
      const ms = Date.now() - started
      expect(error).toBeInstanceOf(TimeoutError)
      expect(error.message).toBe('google: no response after 300 ms (2 attempts); raise quickTimeoutMs to wait longer')
      expect(error).toMatchObject({ timeoutMs: 300, attempts: 2, option: 'quickTimeoutMs' })
      expect(server.requests()).toBe(2)
      // Two attempts of 300 ms and one backoff of 375-500 ms.
      expect(ms).toBeGreaterThanOrEqual(2 * 300 + 375 - 20)
      expect(ms).toBeLessThan(2 * 300 + 500 + 1_000)
    } finally {
      await server.close()
    }
  })

  it('a generation against the same silent server: one attempt, then the TimeoutError, whatever maxRetries says', async () => {
    const server = await silentServer()
    try {
      const client = createClient({ provider: 'anyfast', apiKey: KEY, baseUrl: server.url, timeoutMs: 300, maxRetries: 2 })
      const started = Date.now()
      const error = await caught(client.generateContent(params))
      expect(error.message).toBe('anyfast: no response after 300 ms (1 attempt); raise timeoutMs to wait longer')
      expect(Date.now() - started).toBeLessThan(300 + 375)
      const stream = await drainFailing(client.streamGenerateContent(params))
      expect(stream.error.message).toBe('anyfast: no response after 300 ms (1 attempt); raise timeoutMs to wait longer')
      expect(server.requests()).toBe(2)
    } finally {
      await server.close()
    }
  })

  it('a stream stalled after its headers names the idle limit, the chunks received and the attempts', async () => {
    await withLocalGateway({ provider: 'google', apiKey: KEY }, async (gw) => {
      gw.enqueue({ status: 503, body: { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } }, headers: { 'retry-after-ms': '10' } })
      gw.enqueue({ headers: SSE_HEADERS, chunks: [`data: ${JSON.stringify(answerChunks(2)[0])}\n\n`], stall: true })
      const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url, timeoutMs: 300, maxRetries: 1 })
      const { chunks, error } = await drainFailing(client.streamGenerateContent(params))
      expect(chunks.map(text)).toEqual(['w0 '])
      expect(error).toBeInstanceOf(TimeoutError)
      expect(error.message).toBe('google: stream stalled: no data for 300 ms after 1 chunk(s) (2 attempts); raise timeoutMs to wait longer')
      expect(gw.requests).toHaveLength(2)
    })
  })

  it("the runtime's own fetch limit (undici's 300 s headersTimeout) is a TimeoutError too, not retried on a generation", async () => {
    const { fetch, calls } = failingFetch(systemError('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error'))
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: 'https://gateway.example', fetch, maxRetries: 2 })
    const error = await caught(client.generateContent(params))
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error.message).toMatch(
      /^google: no response after \d+ ms: the runtime's fetch gave up \(UND_ERR_HEADERS_TIMEOUT; Node's built-in fetch waits 300 s at most\) \(1 attempt\); to wait longer, pass a fetch whose dispatcher has a longer headersTimeout$/,
    )
    expect(error).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT', option: 'fetch', attempts: 1 })
    expect(calls()).toBe(1)
  })

  it("undici's bodyTimeout in the middle of a stream: a TimeoutError after the chunks that came", async () => {
    const encoder = new TextEncoder()
    const fetch = (async () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(answerChunks(2)[0])}\n\n`))
          setTimeout(() => controller.error(new TypeError('terminated', { cause: systemError('UND_ERR_BODY_TIMEOUT', 'Body Timeout Error') })), 10)
        },
      })
      return new Response(body, { headers: SSE_HEADERS })
    }) as unknown as typeof globalThis.fetch
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: 'https://gateway.example', fetch })
    const { chunks, error } = await drainFailing(client.streamGenerateContent(params))
    expect(chunks).toHaveLength(1)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error.message).toBe(
      "google: stream stalled after 1 chunk(s): the runtime's fetch gave up (UND_ERR_BODY_TIMEOUT; Node's built-in fetch waits 300 s at most) (1 attempt); to wait longer, pass a fetch whose dispatcher has a longer bodyTimeout",
    )
  })
})

describe('connection failures', () => {
  it('connection refused on a closed loopback port: ConnectionError naming 127.0.0.1:port and ECONNREFUSED', async () => {
    const port = await closedPort()
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 })
    for (const error of [
      await caught(client.generateContent(params)),
      (await drainFailing(client.streamGenerateContent(params))).error,
      await caught(client.listModels().next()),
    ]) {
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error.message).toBe(`google: cannot connect to 127.0.0.1:${port}: ECONNREFUSED (connection refused: nothing listens on that port)`)
      expect(error.code).toBe('ECONNREFUSED')
      expect((error as ConnectionError).address).toBe(`127.0.0.1:${port}`)
      expect(JSON.stringify(error)).not.toContain(KEY)
    }
  })

  it('a host that does not resolve (.invalid): ConnectionError with ENOTFOUND and the default port; no path, query or key', async () => {
    const client = createClient({ provider: 'infinityblue', apiKey: KEY, baseUrl: 'https://gateway.invalid/v1beta', maxRetries: 0 })
    const error = await caught(client.generateContent(params))
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toBe('infinityblue: cannot connect to gateway.invalid:443: ENOTFOUND (the host name does not resolve)')
    expect(error.code).toBe('ENOTFOUND')
    const stream = (await drainFailing(client.streamGenerateContent(params))).error
    expect(stream.message).toBe(error.message)
    expect(stream.message).not.toMatch(/v1beta|alt=|\?/)
  })

  it('a failure to connect is retried on a generation too: nothing was sent', async () => {
    const { fetch, calls } = failingFetch(systemError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443'))
    const client = createClient({ provider: 'nordlys', apiKey: KEY, baseUrl: 'https://10.0.0.1', fetch, maxRetries: 2 })
    const error = await caught(client.generateContent(params))
    expect(error.message).toBe('nordlys: cannot connect to 10.0.0.1:443: ECONNREFUSED (connection refused: nothing listens on that port)')
    expect(calls()).toBe(3)
  })

  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', "the server's TLS certificate is self-signed"],
    ['CERT_HAS_EXPIRED', "the server's TLS certificate has expired"],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', "the server's TLS certificate cannot be verified (incomplete chain or unknown issuer)"],
  ])('a TLS certificate error (%s) names the code and what it means', async (code, meaning) => {
    const { fetch } = failingFetch(systemError(code, 'certificate problem'))
    const client = createClient({ provider: 'apimart', apiKey: KEY, baseUrl: 'https://gateway.example:8443', fetch, maxRetries: 0 })
    const error = await caught(client.generateContent(params))
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toBe(`apimart: cannot connect to gateway.example:8443: ${code} (${meaning})`)
    expect(error.code).toBe(code)
  })

  it('finds the code in a nested cause or an AggregateError (both address families refused)', async () => {
    const both = new AggregateError(
      [systemError('ECONNREFUSED', 'connect ECONNREFUSED ::1:8080'), systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8080')],
      'all failed',
    )
    const { fetch } = failingFetch(new Error('wrapped', { cause: both }))
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: 'http://localhost:8080', fetch, maxRetries: 0 })
    const error = await caught(client.generateContent(params))
    expect(error.message).toBe('google: cannot connect to localhost:8080: ECONNREFUSED (connection refused: nothing listens on that port)')
  })

  it("without a code (a browser's TypeError), the runtime's own words", async () => {
    const fetch = (async () => {
      throw new TypeError('Failed to fetch')
    }) as unknown as typeof globalThis.fetch
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: 'https://gateway.example', fetch, maxRetries: 0 })
    const error = await caught(client.generateContent(params))
    expect(error.message).toBe('google: connection to gateway.example:443 failed: Failed to fetch')
    expect(error.code).toBeUndefined()
  })

  it('a reset before the headers, over a real socket: the host:port and the code', async () => {
    await withLocalGateway({ provider: 'google', apiKey: KEY }, async (gw) => {
      gw.enqueue({ reset: 'before-headers' })
      const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url, maxRetries: 0 })
      const error = await caught(client.generateContent(params))
      expect(error).toBeInstanceOf(ConnectionError)
      const address = new URL(gw.url).host
      expect(error.message).toMatch(
        new RegExp(
          `^google: connection to ${address.replace(/\./g, '\\.')} failed: (UND_ERR_SOCKET \\(the other side closed the connection\\)|ECONNRESET \\(the connection was reset\\))$`,
        ),
      )
      expect((error as ConnectionError).address).toBe(address)
    })
  })
})

/** new-api's own errors when no channel serves the model, as its source writes them. */
const NO_CHANNEL = {
  model_not_found: {
    status: 503,
    message: 'No available channel for model gemini-9 under group default (distributor) (request id: 20261202150000123456789abcdef)',
  },
  get_channel_failed: { status: 500, message: 'failed to get channel for model gemini-9 in group default (request id: 20261202150000123456789abcdef)' },
} as const

describe('a relay without a channel for the model', () => {
  describe.each(NEWAPI_RELAYS)('%s', (provider) => {
    it.each(Object.keys(NO_CHANNEL) as (keyof typeof NO_CHANNEL)[])('%s: ModelUnavailableError, sent once even with retries allowed', async (code) => {
      const { status, message } = NO_CHANNEL[code]
      await withLocalGateway({ provider, apiKey: KEY }, async (gw) => {
        gw.enqueue({ status, body: { error: { message, type: 'new_api_error', param: '', code } } })
        const client = createClient({ provider, apiKey: KEY, baseUrl: gw.url, maxRetries: 2 })
        const error = await caught(client.generateContent(params))
        expect(error).toBeInstanceOf(ModelUnavailableError)
        expect(error.name).toBe('ModelUnavailableError')
        expect(error).toMatchObject({ status, code, provider })
        expect(error.message).toBe(`${provider}: ${status} ${code}: ${message}`)
        expect(gw.requests).toHaveLength(1)
      })
    })
  })

  it('failover moves on to the next provider, after one request to the relay', async () => {
    const relay = await startLocalGateway({ provider: 'infinityblue', apiKey: KEY })
    const google = await startLocalGateway({ provider: 'google', apiKey: KEY })
    try {
      relay.fail('unknown-model', 2)
      const ai = createFailoverClient([
        createClient({ provider: 'infinityblue', apiKey: KEY, baseUrl: relay.url, maxRetries: 2 }),
        createClient({ provider: 'google', apiKey: KEY, baseUrl: google.url, maxRetries: 2 }),
      ])
      const res = await ai.generateContent(params)
      expect(res.failover.provider).toBe('google')
      expect(res.failover.attempts[0]?.error).toBeInstanceOf(ModelUnavailableError)
      expect(relay.requests).toHaveLength(1)
      expect(google.requests).toHaveLength(1)

      const chunks = await drain(ai.streamGenerateContent(params))
      expect(chunks.length).toBeGreaterThan(0)
      expect((chunks[0] as { failover?: { provider: string } }).failover?.provider).toBe('google')
      expect(relay.requests).toHaveLength(2)
    } finally {
      await Promise.all([relay.close(), google.close()])
    }
  })
})

describe("Google's API_KEY_INVALID", () => {
  const recorded = JSON.parse(
    readFileSync(new URL('../../../shared/fixtures/real/firebase-vertexai-sdk-test-data/unary-failure-api-key.json', import.meta.url), 'utf8'),
  ) as {
    error: { code: number; message: string; status: string; details: Array<Record<string, unknown>> }
  }

  it('the local gateway answers a bad key as Google does: 400 INVALID_ARGUMENT with ErrorInfo API_KEY_INVALID', async () => {
    await withLocalGateway({ provider: 'google', apiKey: KEY }, async (gw) => {
      const res = await fetch(`${gw.url}/v1beta/models/${MODEL}:generateContent`, {
        method: 'POST',
        headers: { 'x-goog-api-key': WRONG_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ contents: CONTENTS }),
      })
      expect(res.status).toBe(recorded.error.code)
      const body = (await res.json()) as typeof recorded
      expect(body.error.status).toBe(recorded.error.status)
      expect(body.error.message).toBe(recorded.error.message)
      // The recording's ErrorInfo and LocalizedMessage, exactly; its DebugInfo echoes the key, which a fake need not.
      expect(body.error.details).toEqual(recorded.error.details.slice(0, 2))
    })
  })

  it('is an AuthenticationError with status 400 kept, not retried, the key nowhere', async () => {
    await withLocalGateway({ provider: 'google', apiKey: KEY }, async (gw) => {
      const client = createClient({ provider: 'google', apiKey: WRONG_KEY, baseUrl: gw.url, maxRetries: 2 })
      const error: GeminiGatewayError = await caught(client.generateContent(params))
      expect(error).toBeInstanceOf(AuthenticationError)
      expect(error).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT', provider: 'google' })
      expect(error.message).toBe('google: 400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key.')
      expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'API_KEY_INVALID' })]))
      expect(gw.requests).toHaveLength(1)
      expect(JSON.stringify(error) + (error.rawBody ?? '')).not.toContain(WRONG_KEY)
    })
  })

  it('a 400 INVALID_ARGUMENT without that reason stays a BadRequestError', async () => {
    await withLocalGateway({ provider: 'google', apiKey: KEY }, async (gw) => {
      gw.enqueue({
        status: 400,
        body: {
          error: {
            code: 400,
            message: 'Invalid JSON payload received.',
            status: 'INVALID_ARGUMENT',
            details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SOMETHING_ELSE' }],
          },
        },
      })
      const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url, maxRetries: 0 })
      const error = await caught(client.generateContent(params))
      expect(error.name).toBe('BadRequestError')
    })
  })
})
