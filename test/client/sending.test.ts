// What the client does around one exchange, on real loopback servers: the caller's own failures are never called
// network failures nor retried; middleware is registered as openapi-fetch documents; a stream's idle timeout
// measures the server's silence, not the reader's pace; and every answer says which response answered it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CallerError, ConnectionError, createGoogleClient, RateLimitError, TimeoutError, type ClientOptions } from '../../src/index.ts'
import { startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { answerChunks, caught, CONTENTS, drain, drainFailing, KEY, MODEL, sse } from './helpers.ts'

const params = { model: MODEL, contents: CONTENTS }
let gw: LocalGateway
beforeAll(async () => {
  gw = await startLocalGateway({ provider: 'google', apiKey: KEY })
})
afterAll(() => gw.close())
beforeEach(() => {
  gw.requests.length = 0
})
const client = (options: Omit<ClientOptions, 'apiKey' | 'baseUrl'> = {}) => createGoogleClient({ apiKey: KEY, baseUrl: gw.url, ...options })

describe("the caller's own failures", () => {
  it('a middleware that throws: a CallerError with it as the cause, never a ConnectionError, sent once even for a quick call', async () => {
    const boom = new Error('tracing backend down')
    const c = client({ maxRetries: 2 })
    c.use({
      onRequest: () => {
        throw boom
      },
    })
    const started = Date.now()
    for (const call of [() => c.generateContent(params), () => c.countTokens(params)]) {
      const error = await caught(call())
      expect(error).toBeInstanceOf(CallerError)
      expect(error).not.toBeInstanceOf(ConnectionError)
      expect(error.cause).toBe(boom)
      expect(error.message).toBe('google: the request failed before it was sent (a middleware threw, or fetch refused a header value): tracing backend down')
    }
    // Not retried: no backoff waits, and nothing reached the server.
    expect(Date.now() - started).toBeLessThan(400)
    expect(gw.requests).toHaveLength(0)
  })

  it('an onResponse middleware that throws: a CallerError (the request ran; it is not sent again)', async () => {
    const c = client({ maxRetries: 2 })
    c.use({
      onResponse: () => {
        throw new Error('metrics failed')
      },
    })
    const error = await caught(c.countTokens(params))
    expect(error).toBeInstanceOf(CallerError)
    expect(gw.requests).toHaveLength(1)
  })

  it('a header value fetch refuses, given per call: a CallerError, nothing sent', async () => {
    const error = await caught(
      client({ maxRetries: 2 })
        .listModels({ headers: { 'x-trace': 'a\u0001b' } })
        .next(),
    )
    expect(error).toBeInstanceOf(CallerError)
    expect(error.message).toMatch(/header/i)
    expect(gw.requests).toHaveLength(0)
  })

  it('a custom fetch that fails for a local reason: a CallerError, not retried; a network failure from it stays a ConnectionError', async () => {
    let calls = 0
    const local = (async () => {
      calls++
      throw new Error('offline mode: requests are disabled in this test run')
    }) as unknown as typeof globalThis.fetch
    const error = await caught(client({ fetch: local, maxRetries: 2 }).countTokens(params))
    expect(error).toBeInstanceOf(CallerError)
    expect(error.message).toBe('google: fetch refused the request before sending it: offline mode: requests are disabled in this test run')
    expect(calls).toBe(1)
    const network = (async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) })
    }) as unknown as typeof globalThis.fetch
    expect(await caught(client({ fetch: network, maxRetries: 0 }).countTokens(params))).toBeInstanceOf(ConnectionError)
  })
})

describe('a 200 whose body is an error is judged as the status it claims', () => {
  const disguised = (code: number, status: string) => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: { error: { code, message: 'from the upstream', status } },
  })

  it('a 429 in a 200 is sent again (it shows the generation never ran)', async () => {
    gw.enqueue(disguised(429, 'RESOURCE_EXHAUSTED'))
    const res = await client({ maxRetries: 1 }).generateContent(params)
    expect(res.http.attempts).toBe(2)
    expect(gw.requests).toHaveLength(2)
  })

  it('a 500 in a 200 is not (the generation may have run)', async () => {
    gw.enqueue(disguised(500, 'INTERNAL'))
    const error = await caught(client({ maxRetries: 2 }).generateContent(params))
    expect(error.status).toBe(500)
    expect(error.message).toContain('(HTTP 200)')
    expect(gw.requests).toHaveLength(1)
  })
})

describe('middleware, as openapi-fetch documents it', () => {
  it('ejecting a middleware that was never registered changes nothing', async () => {
    const c = client()
    const seen: string[] = []
    const kept = { onRequest: () => void seen.push('kept') }
    c.use(kept)
    c.eject({ onRequest: () => undefined })
    c.eject(kept, kept)
    c.eject({ onResponse: () => undefined })
    await c.generateContent(params)
    c.use(kept, kept)
    c.eject(kept)
    await c.generateContent(params)
    expect(seen).toEqual(['kept'])
    expect(gw.requests).toHaveLength(2)
  })

  it('use() refuses what is not middleware, as openapi-fetch does', () => {
    expect(() => client().use({} as never)).toThrow('Middleware must be an object with one of `onRequest()`, `onResponse() or `onError()`')
  })
})

describe("a stream's idle timeout measures the server's silence", () => {
  it('a reader that holds each chunk of a burst for 60 ms is never timed out, however long the whole takes', async () => {
    gw.enqueue({ status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: sse(answerChunks(40)) })
    let n = 0
    for await (const _ of client({ timeoutMs: 300 }).streamGenerateContent(params)) {
      n++
      await new Promise((r) => setTimeout(r, 60))
    }
    expect(n).toBe(40)
  })

  it('a server silent for timeoutMs still is', async () => {
    gw.enqueue({ status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: sse(answerChunks(3)).slice(0, 2), stall: true })
    const { chunks, error } = await drainFailing(client({ timeoutMs: 300 }).streamGenerateContent(params))
    expect(chunks).toHaveLength(2)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error.message).toMatch(/stream stalled: no data for 300 ms after 2 chunk\(s\)/)
  })
})

describe('the response behind an answer', () => {
  it('unary: status, headers, request id, attempts; one hop', async () => {
    gw.fail('rate-limit')
    const res = await client({ maxRetries: 1 }).generateContent(params)
    expect(res.http.status).toBe(200)
    expect(res.http.attempts).toBe(2)
    expect(res.http.headers.get('content-type')).toMatch(/json/)
    expect(res.http.hops).toEqual([{ status: 200, requestId: res.http.requestId, responseId: res.responseId, attempts: 2 }])
    // Not enumerable: the answer is still a plain response.
    expect(Object.keys(res)).not.toContain('http')
    expect(JSON.stringify(res)).not.toContain('"http"')
  })

  it("a relay's request id header", async () => {
    gw.enqueue({ status: 200, headers: { 'content-type': 'application/json', 'x-oneapi-request-id': '20261207123456123' }, body: answerChunks(1)[0] })
    expect((await client().generateContent(params)).http.requestId).toBe('20261207123456123')
  })

  it('stream: every chunk carries the response it came from', async () => {
    gw.enqueue({ status: 200, headers: { 'content-type': 'text/event-stream', 'x-request-id': 'req-7' }, chunks: sse(answerChunks(3)) })
    const chunks = await drain(client().streamGenerateContent(params))
    expect(chunks.map((c) => [c.http.status, c.http.requestId, c.http.attempts, c.http.hops.length])).toEqual([
      [200, 'req-7', 1, 1],
      [200, 'req-7', 1, 1],
      [200, 'req-7', 1, 1],
    ])
  })

  it('countTokens and getModel too', async () => {
    const c = client()
    expect((await c.countTokens(params)).http.status).toBe(200)
    expect((await c.getModel(MODEL)).http.status).toBe(200)
  })

  it('a failure keeps its own response facts on the error, as before', async () => {
    gw.fail('rate-limit')
    const error = await caught(client({ maxRetries: 0 }).generateContent(params))
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error.status).toBe(429)
  })
})
