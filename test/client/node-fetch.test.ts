// On Node, with no `fetch` option, the client sends through the undici package's fetch and an Agent whose own
// headersTimeout and bodyTimeout (300 s each in Node's built-in fetch) are off, so timeoutMs is the only limit.
// The 300 s case itself would take 5 minutes: these show the limits are ours (the Agent's options, our timer firing
// with our message, requests really going through that Agent), over real HTTP on loopback.
import { afterEach, describe, expect, it } from 'vitest'
import { defaultFetch as resolved } from '#fetch'
import { createClient, text, TimeoutError } from '../../src/index.ts'
import { startMockGateway } from '../../src/mock/index.ts'
import { AGENT_OPTIONS, defaultFetch, nodeDispatcher } from '../../src/platform/node-fetch.js'
import { CONTENTS, KEY, MODEL } from './helpers.ts'

/** The recorded answer the local gateway gives by default. */
const DEFAULT_TEXT = "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n"

/** undici keeps an Agent's options under a symbol of its own; read them to see what the Agent was built with. */
function optionsOf(agent: object): Record<string, unknown> {
  const key = Object.getOwnPropertySymbols(agent).find((s) => s.description === 'options')
  expect(key, "undici's Agent keeps its options under Symbol(options)").toBeDefined()
  return (agent as Record<symbol, Record<string, unknown>>)[key!]!
}

/** Origins the Agent has opened a pool for. */
async function originsSeen(): Promise<string[]> {
  const agent = await nodeDispatcher()
  return Object.keys((agent as unknown as { stats: Record<string, unknown> }).stats)
}

describe('the default fetch on Node', () => {
  const original = globalThis.fetch
  afterEach(() => {
    globalThis.fetch = original
  })

  it('package.json "imports" gives Node the node module', () => {
    expect(resolved).toBe(defaultFetch)
  })

  it("its Agent has undici's own waits off: headersTimeout 0 and bodyTimeout 0, one Agent per process", async () => {
    expect(AGENT_OPTIONS).toEqual({ headersTimeout: 0, bodyTimeout: 0 })
    const agent = await nodeDispatcher()
    expect(agent).toBeDefined()
    expect(optionsOf(agent!)).toMatchObject({ headersTimeout: 0, bodyTimeout: 0 })
    expect(await nodeDispatcher()).toBe(agent)
  })

  it('a client with no fetch option sends through that Agent, and its answer after 1.5 s arrives from one request', async () => {
    const gw = await startMockGateway({ provider: 'google', apiKey: KEY, latencyMs: 1_500 })
    try {
      const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url, maxRetries: 0 })
      const started = Date.now()
      const answer = await client.generateContent({ model: MODEL, contents: CONTENTS })
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_450)
      expect(text(answer)).toBe(DEFAULT_TEXT)
      expect(gw.requests).toHaveLength(1)
      expect(await originsSeen()).toContain(gw.url)
    } finally {
      await gw.close()
    }
  })

  it('the limit is timeoutMs: an answer that takes 2 s fails at 1 s with our TimeoutError, from one request', async () => {
    const gw = await startMockGateway({ provider: 'google', apiKey: KEY, latencyMs: 2_000 })
    try {
      const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url, timeoutMs: 1_000 })
      const started = Date.now()
      const error = await client.generateContent({ model: MODEL, contents: CONTENTS }).then(() => undefined, (e: unknown) => e)
      const ms = Date.now() - started
      expect(error).toBeInstanceOf(TimeoutError)
      const timeout = error as TimeoutError
      expect(timeout.message).toBe('google: no response after 1 s (1 attempt); raise timeoutMs to wait longer')
      expect(timeout.option).toBe('timeoutMs')
      expect(timeout.timeoutMs).toBe(1_000)
      expect(ms).toBeGreaterThanOrEqual(950)
      expect(ms).toBeLessThan(1_900)
      expect(gw.requests).toHaveLength(1)
    } finally {
      await gw.close()
    }
  })

  it('the raw client (standard Requests, a JSON body) goes through it too', async () => {
    const gw = await startMockGateway({ provider: 'google', apiKey: KEY })
    try {
      const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url })
      const { data, response } = await (client.raw as any).POST('/v1beta/models/{model}:generateContent', {
        params: { path: { model: MODEL } },
        body: { contents: CONTENTS },
      })
      expect(response.status).toBe(200)
      expect(data.candidates[0].content.parts[0].text).toBe(DEFAULT_TEXT)
      const seen = gw.requests.at(-1)!
      expect(seen.method).toBe('POST')
      expect(seen.body).toEqual({ contents: CONTENTS })
      expect(seen.headers['content-type']).toBe('application/json')
      expect(await originsSeen()).toContain(gw.url)
    } finally {
      await gw.close()
    }
  })

  it('a fetch installed over the built-in one afterwards (a mock, instrumentation) is the one used', async () => {
    const calls: string[] = []
    globalThis.fetch = (async (input: Request | string | URL, init?: RequestInit) => {
      calls.push(String(input instanceof Request ? input.url : input))
      return original(input, init)
    }) as typeof fetch
    const gw = await startMockGateway({ provider: 'google', apiKey: KEY })
    try {
      const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url })
      expect(text(await client.generateContent({ model: MODEL, contents: CONTENTS }))).toBe(DEFAULT_TEXT)
      expect(calls).toEqual([`${gw.url}/v1beta/models/${MODEL}:generateContent`])
    } finally {
      await gw.close()
    }
  })
})
