// createFailoverClient against two or three local gateways over real loopback HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AllProvidersFailedError, createFailoverClient, isFailoverError, type FailoverAttempt, type FailoverResponse } from '../../src/failover.ts'
import {
  BadRequestError,
  AuthenticationError,
  ConfigurationError,
  ConnectionError,
  GeminiGatewayError,
  IncompleteStreamError,
  InternalServerError,
  ModelUnavailableError,
  NotFoundError,
  RateLimitError,
  RequestValidationError,
  StreamError,
  TimeoutError,
  UserAbortError,
  createClient,
  mergeChunks,
  text,
  type ClientOptions,
  type Provider,
} from '../../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'

const MODEL = 'gemini-2.5-flash'
const params = { model: MODEL, contents: [{ role: 'user', parts: [{ text: 'Where is Google headquartered?' }] }] }
const UNARY_TEXT = /Googleplex/
const STREAM_TEXT = 'The capital of Wyoming is **Cheyenne**.\n'

function client(provider: Provider, gw: LocalGateway | string, options: ClientOptions = {}) {
  return createClient({ provider, apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: typeof gw === 'string' ? gw : gw.url, maxRetries: 0, ...options })
}

async function drain(stream: AsyncGenerator<FailoverResponse>): Promise<FailoverResponse[]> {
  const chunks: FailoverResponse[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return chunks
}

/** Drains a stream that must fail; returns the error and the chunks yielded before it. */
async function drainFailing(stream: AsyncGenerator<FailoverResponse>): Promise<{ chunks: FailoverResponse[]; error: unknown }> {
  const chunks: FailoverResponse[] = []
  try {
    for await (const chunk of stream) chunks.push(chunk)
  } catch (error) {
    return { chunks, error }
  }
  throw new Error(`expected the stream to fail; it gave ${chunks.length} chunk(s)`)
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

let a: LocalGateway // google
let b: LocalGateway // infinityblue
let c: LocalGateway // nordlys
beforeAll(async () => {
  ;[a, b, c] = await Promise.all([
    startLocalGateway({ provider: 'google' }),
    startLocalGateway({ provider: 'infinityblue' }),
    startLocalGateway({ provider: 'nordlys' }),
  ])
})
afterAll(async () => {
  await Promise.all([a.close(), b.close(), c.close()])
})
beforeEach(() => {
  for (const gw of [a, b, c]) gw.requests.length = 0
})

describe('generateContent', () => {
  it('A answers: B is never called; the report says A', async () => {
    const ai = createFailoverClient([client('google', a), client('infinityblue', b)])
    const res = await ai.generateContent(params)
    expect(text(res)).toMatch(UNARY_TEXT)
    expect(res.failover).toEqual({ provider: 'google', index: 0, attempts: [{ provider: 'google', index: 0 }] })
    expect(b.requests).toHaveLength(0)
  })

  it('A 503 → B answers; the report lists A’s error and says B', async () => {
    a.fail('overloaded')
    const seen: Required<FailoverAttempt>[] = []
    const ai = createFailoverClient([client('google', a), client('infinityblue', b)], { onFailover: (attempt) => seen.push(attempt) })
    const res = await ai.generateContent(params)
    expect(text(res)).toMatch(UNARY_TEXT)
    expect(res.failover.provider).toBe('infinityblue')
    expect(res.failover.index).toBe(1)
    const [first, second] = res.failover.attempts
    expect(first!.provider).toBe('google')
    expect(first!.error).toBeInstanceOf(InternalServerError)
    expect(first!.error!.status).toBe(503)
    expect(second).toEqual({ provider: 'infinityblue', index: 1 })
    expect(seen).toEqual([first])
    expect(a.requests).toHaveLength(1)
    expect(b.requests).toHaveLength(1)
  })

  it('the report is not enumerable: the response is still a plain GenerateContentResponse', async () => {
    a.fail('overloaded')
    const res = await createFailoverClient([client('google', a), client('infinityblue', b)]).generateContent(params)
    expect(Object.keys(res)).not.toContain('failover')
    expect(JSON.stringify(res)).not.toContain('failover')
    expect(res).toEqual(await client('infinityblue', b).generateContent(params))
  })

  it('429 and connection errors fail over too', async () => {
    a.fail('rate-limit')
    const closed = await startLocalGateway({ provider: 'anyfast' })
    await closed.close()
    const ai = createFailoverClient([client('google', a), client('anyfast', closed.url), client('nordlys', c)])
    const res = await ai.generateContent(params)
    expect(res.failover.provider).toBe('nordlys')
    expect(res.failover.attempts.map((x) => x.error?.constructor)).toEqual([RateLimitError, ConnectionError, undefined])
  })

  it('a timeout or a connection lost once the request was out does not fail over: A may still be generating it', async () => {
    a.fail('stall')
    const ai = createFailoverClient([client('google', a, { timeoutMs: 200 }), client('infinityblue', b)])
    expect(await rejection(ai.generateContent(params))).toBeInstanceOf(TimeoutError)
    a.fail('reset')
    const lost = await rejection(ai.generateContent(params))
    expect(lost).toBeInstanceOf(ConnectionError)
    expect((lost as ConnectionError).connected).toBeUndefined()
    expect(b.requests).toHaveLength(0)
    // The caller may accept paying twice.
    a.fail('reset')
    const allowed = createFailoverClient([client('google', a), client('infinityblue', b)], { allowDuplicateGenerations: true })
    expect((await allowed.generateContent(params)).failover.provider).toBe('infinityblue')
  })

  it('maxRetries applies per member: A retries its 503 once, then B answers', async () => {
    a.fail('overloaded', 2)
    const ai = createFailoverClient([client('google', a, { maxRetries: 1 }), client('infinityblue', b)])
    const res = await ai.generateContent(params)
    expect(res.failover.provider).toBe('infinityblue')
    expect(a.requests).toHaveLength(2)
    expect(b.requests).toHaveLength(1)
  })

  it.each([
    { scenario: 'auth', Class: AuthenticationError, status: 400 }, // google answers a bad key with 400 INVALID_ARGUMENT / API_KEY_INVALID
    { scenario: 'unknown-model', Class: NotFoundError, status: 404 },
  ] as const)('A $scenario ($status): no failover, A’s error is thrown as is', async ({ scenario, Class, status }) => {
    a.fail(scenario)
    const ai = createFailoverClient([client('google', a), client('infinityblue', b)])
    const error = await rejection(ai.generateContent(params))
    expect(error).toBeInstanceOf(Class)
    expect((error as GeminiGatewayError).status).toBe(status)
    expect((error as GeminiGatewayError).provider).toBe('google')
    expect(b.requests).toHaveLength(0)
  })

  it('a 401 from a relay does not fail over either', async () => {
    b.fail('auth')
    const ai = createFailoverClient([client('infinityblue', b), client('google', a)])
    expect(await rejection(ai.generateContent(params))).toBeInstanceOf(AuthenticationError)
    expect(a.requests).toHaveLength(0)
  })

  it('a request validation error does not fail over (nothing was sent anywhere)', async () => {
    const ai = createFailoverClient([client('google', a), client('infinityblue', b)])
    const error = await rejection(ai.generateContent({ ...params, notAField: 1 } as typeof params))
    expect(error).toBeInstanceOf(RequestValidationError)
    expect(a.requests).toHaveLength(0)
    expect(b.requests).toHaveLength(0)
  })

  it('a user abort does not fail over', async () => {
    const ai = createFailoverClient([client('google', a), client('infinityblue', b)])
    const error = await rejection(ai.generateContent(params, { signal: AbortSignal.abort() }))
    expect(error).toBeInstanceOf(UserAbortError)
    expect(b.requests).toHaveLength(0)
  })

  it('a user abort is never failed over, even when shouldFailover says yes', async () => {
    const slow = await startLocalGateway({ provider: 'google', latencyMs: 5_000 })
    try {
      const ai = createFailoverClient([client('google', slow), client('infinityblue', b)], { shouldFailover: () => true })
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 50)
      expect(await rejection(ai.generateContent(params, { signal: controller.signal }))).toBeInstanceOf(UserAbortError)
      expect(b.requests).toHaveLength(0)
    } finally {
      await slow.close()
    }
  })

  it('all fail → AllProvidersFailedError with each provider’s error, in order', async () => {
    a.fail('overloaded')
    b.fail('rate-limit')
    c.fail('overloaded')
    const ai = createFailoverClient([client('google', a), client('infinityblue', b), client('nordlys', c)])
    const error = await rejection(ai.generateContent(params))
    expect(error).toBeInstanceOf(AllProvidersFailedError)
    expect(error).toBeInstanceOf(GeminiGatewayError)
    const all = error as AllProvidersFailedError
    expect(all.name).toBe('AllProvidersFailedError')
    expect(all.errors.map((e) => [e.provider, e.status])).toEqual([
      ['google', 503],
      ['infinityblue', 429],
      ['nordlys', 503],
    ])
    expect(all.attempts.map((x) => [x.provider, x.index])).toEqual([
      ['google', 0],
      ['infinityblue', 1],
      ['nordlys', 2],
    ])
    expect(all.message).toMatch(/^all 3 providers failed: google: 503 .*; infinityblue: 429.*; nordlys: 503/)
    expect(all.message).not.toContain('\n')
    expect(all.status).toBe(503)
    expect(all.cause).toBe(all.errors[2])
  })

  it('a member may use its own model id', async () => {
    a.fail('overloaded')
    const ai = createFailoverClient([client('google', a), { client: client('infinityblue', b), model: 'gemini-2.5-pro' }])
    await ai.generateContent(params)
    expect(a.requests[0]!.path).toContain(`/${MODEL}:generateContent`)
    expect(b.requests[0]!.path).toContain('/gemini-2.5-pro:generateContent')
  })

  it('an empty member list is a ConfigurationError', () => {
    expect(() => createFailoverClient([])).toThrow(ConfigurationError)
  })

  it('lists its providers in order', () => {
    const ai = createFailoverClient([client('nordlys', c), client('google', a)])
    expect(ai.providers).toEqual(['nordlys', 'google'])
  })
})

describe('streamGenerateContent', () => {
  it('A fails before its first chunk → B streams the whole answer; every chunk says B', async () => {
    a.fail('overloaded')
    const ai = createFailoverClient([client('google', a), client('infinityblue', b)])
    const chunks = await drain(ai.streamGenerateContent(params))
    expect(text(mergeChunks(chunks))).toBe(STREAM_TEXT)
    expect(chunks.length).toBeGreaterThan(1)
    for (const chunk of chunks) expect(chunk.failover.provider).toBe('infinityblue')
    expect(chunks[0]!.failover.attempts[0]!.error).toBeInstanceOf(InternalServerError)
    expect(a.requests).toHaveLength(1)
    expect(b.requests).toHaveLength(1)
  })

  it('an error event before any chunk (200, then an error) fails over', async () => {
    a.enqueue({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      chunks: ['data: {"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}\n\n'],
    })
    const ai = createFailoverClient([client('google', a), client('infinityblue', b)])
    const chunks = await drain(ai.streamGenerateContent(params))
    expect(chunks[0]!.failover.attempts[0]!.error).toBeInstanceOf(StreamError)
    expect(chunks[0]!.failover.provider).toBe('infinityblue')
  })

  it('a stream that ends before saying anything does not fail over: the server took the request and may be generating it', async () => {
    a.enqueue({ status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: [': PING\n\n'] })
    const ai = createFailoverClient([client('google', a), client('nordlys', c)])
    const { chunks, error } = await drainFailing(ai.streamGenerateContent(params))
    expect(error).toBeInstanceOf(IncompleteStreamError)
    expect(chunks).toHaveLength(0)
    expect(c.requests).toHaveLength(0)
  })

  it('with allowDuplicateGenerations, a stream that ends before saying anything fails over', async () => {
    a.enqueue({ status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: [': PING\n\n'] })
    const ai = createFailoverClient([client('google', a), client('nordlys', c)], { allowDuplicateGenerations: true })
    const chunks = await drain(ai.streamGenerateContent(params))
    expect(chunks[0]!.failover.attempts[0]!.error).toBeInstanceOf(IncompleteStreamError)
    expect(text(mergeChunks(chunks))).toBe(STREAM_TEXT)
  })

  it.each([
    ['google', 'stream-error-midway', StreamError],
    ['google', 'stream-cut', IncompleteStreamError],
    ['infinityblue', 'stream-error-midway', StreamError],
    ['nordlys', 'stream-error-midway', IncompleteStreamError], // nordlys's stream just ends
  ] as const)('%s %s after the first chunk: the error propagates, B is never called', async (provider, scenario, Class) => {
    const gw = { google: a, infinityblue: b, nordlys: c }[provider]
    const other = provider === 'google' ? b : a
    gw.fail(scenario)
    const ai = createFailoverClient([client(provider, gw), client(other.provider as Provider, other)])
    const { chunks, error } = await drainFailing(ai.streamGenerateContent(params))
    expect(error).toBeInstanceOf(Class)
    expect((error as GeminiGatewayError).provider).toBe(provider)
    expect(chunks.length).toBeGreaterThan(0)
    for (const chunk of chunks) expect(chunk.failover.provider).toBe(provider)
    expect(other.requests).toHaveLength(0)
  })

  it('a 400 before the first chunk does not fail over', async () => {
    a.fail('auth')
    const ai = createFailoverClient([client('google', a), client('infinityblue', b)])
    const { chunks, error } = await drainFailing(ai.streamGenerateContent(params))
    expect(error).toBeInstanceOf(AuthenticationError)
    expect((error as GeminiGatewayError).status).toBe(400)
    expect(chunks).toHaveLength(0)
    expect(b.requests).toHaveLength(0)
  })

  it('all fail before their first chunk → AllProvidersFailedError', async () => {
    a.fail('overloaded')
    b.fail('rate-limit')
    const ai = createFailoverClient([client('google', a), client('infinityblue', b)])
    const { chunks, error } = await drainFailing(ai.streamGenerateContent(params))
    expect(chunks).toHaveLength(0)
    expect(error).toBeInstanceOf(AllProvidersFailedError)
    expect((error as AllProvidersFailedError).errors.map((e) => [e.provider, e.status])).toEqual([
      ['google', 503],
      ['infinityblue', 429],
    ])
  })

  it('a 502 before the first chunk does not fail over (a proxy gave up; the upstream may be generating), unless allowed', async () => {
    a.fail('bad-gateway-html')
    const ai = createFailoverClient([client('google', a), client('infinityblue', b)])
    const { error } = await drainFailing(ai.streamGenerateContent(params))
    expect((error as GeminiGatewayError).status).toBe(502)
    expect(b.requests).toHaveLength(0)
    a.fail('bad-gateway-html')
    const allowed = createFailoverClient([client('google', a), client('infinityblue', b)], { allowDuplicateGenerations: true })
    const chunks = await drain(allowed.streamGenerateContent(params))
    expect(chunks[0]!.failover.provider).toBe('infinityblue')
  })

  it('leaving the loop early stops the stream without touching the next member', async () => {
    const ai = createFailoverClient([client('google', a), client('infinityblue', b)])
    for await (const chunk of ai.streamGenerateContent(params)) {
      expect(chunk.failover.provider).toBe('google')
      break
    }
    expect(a.requests).toHaveLength(1)
    expect(b.requests).toHaveLength(0)
  })
})

describe('isFailoverError', () => {
  it('accepts what shows the generation never ran; rejects what may have run (unless allowed), other 4xx, validation, aborts and non-gateway errors', () => {
    expect(isFailoverError(new RateLimitError('x', { status: 429 }))).toBe(true)
    expect(isFailoverError(new InternalServerError('x', { status: 503 }))).toBe(true)
    expect(isFailoverError(new InternalServerError('x', { status: 502 }))).toBe(false)
    expect(isFailoverError(new InternalServerError('x', { status: 502 }), { allowDuplicateGenerations: true })).toBe(true)
    expect(isFailoverError(new ConnectionError('x', { connected: false }))).toBe(true)
    expect(isFailoverError(new ConnectionError('x'))).toBe(false)
    expect(isFailoverError(new TimeoutError('x'))).toBe(false)
    expect(isFailoverError(new StreamError('x', { status: 503 }))).toBe(true)
    // No channel for the model on this relay: another provider may serve it, whatever status the relay gave.
    expect(isFailoverError(new ModelUnavailableError('x', { status: 503 }))).toBe(true)
    expect(isFailoverError(new ModelUnavailableError('x', { status: 404 }))).toBe(true)
    expect(isFailoverError(new StreamError('x', { status: 400 }))).toBe(false)
    expect(isFailoverError(new BadRequestError('x', { status: 400 }))).toBe(false)
    expect(isFailoverError(new RequestValidationError([]))).toBe(false)
    expect(isFailoverError(new UserAbortError())).toBe(false)
    expect(isFailoverError(new Error('x'))).toBe(false)
  })
})

describe('types', () => {
  it('takes a client of every provider, made with createClient or a createXClient factory', async () => {
    const { createAnyfastClient, createApimartClient, createNewapiClient, createVertexClient, providers } = await import('../../src/index.ts')
    const opts = { apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: a.url }
    // Named in calls of their own, so that the compiler checks each client type is accepted; then every provider of
    // the registry through createClient, so that a new one is covered without an edit here.
    const named = createFailoverClient([
      createClient({ provider: 'google', ...opts }),
      createNewapiClient(opts),
      createClient({ provider: 'infinityblue', ...opts }),
      createAnyfastClient(opts),
      createApimartClient(opts),
      createClient({ provider: 'nordlys', ...opts }),
      createVertexClient(opts),
      createClient({ provider: 'cloudflare', ...opts }),
      createClient({ provider: 'litellm', ...opts }),
    ])
    expect(named.providers).toEqual(['google', 'newapi', 'infinityblue', 'anyfast', 'apimart', 'nordlys', 'vertex', 'cloudflare', 'litellm'])
    const ai = createFailoverClient(providers.map((provider) => createClient({ provider, ...opts })))
    expect(ai.providers).toEqual([...providers])
  })
})
