// On Node, with no `fetch` option, the client sends through the undici package's fetch and an Agent whose own
// headersTimeout and bodyTimeout (300 s each in Node's built-in fetch) are off, so timeoutMs is the only limit.
// The 300 s case itself would take 5 minutes, and Node's built-in fetch has no switch to shorten its limits: these
// show the limits are ours (the Agent's options, our timer firing with our message, requests really going through
// that Agent), over real HTTP on loopback. Bun's limit can be shortened (BUN_CONFIG_HTTP_IDLE_TIMEOUT), so there the
// real case runs: a client with default options outwaits Bun's idle timer, and a plain fetch is cut by it.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultFetch as resolved } from '#fetch'
import { createClient, text, TimeoutError } from '../../src/index.ts'
import { startLocalGateway } from '../../src/local-gateway/index.ts'
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
    const gw = await startLocalGateway({ provider: 'google', apiKey: KEY, latencyMs: 1_500 })
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
    const gw = await startLocalGateway({ provider: 'google', apiKey: KEY, latencyMs: 2_000 })
    try {
      const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url, timeoutMs: 1_000 })
      const started = Date.now()
      const error = await client.generateContent({ model: MODEL, contents: CONTENTS }).then(
        () => undefined,
        (e: unknown) => e,
      )
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
    const gw = await startLocalGateway({ provider: 'google', apiKey: KEY })
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
    const gw = await startLocalGateway({ provider: 'google', apiKey: KEY })
    try {
      const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url })
      expect(text(await client.generateContent({ model: MODEL, contents: CONTENTS }))).toBe(DEFAULT_TEXT)
      expect(calls).toEqual([`${gw.url}/v1beta/models/${MODEL}:generateContent`])
    } finally {
      await gw.close()
    }
  })
})

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const BUN = path.join(ROOT, 'node_modules/@oven/bun-linux-x64/bin/bun')

describe('the default fetch on Bun', () => {
  it("outwaits Bun's idle timeout (shortened to 3 s here; 300 s by default), which cuts a plain fetch", async () => {
    // The answer comes after 12 s: Bun's idle timer checks coarsely, a 3 s limit fires between 3 and 9 s.
    const gw = await startLocalGateway({ provider: 'google', apiKey: KEY, latencyMs: 12_000 })
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gemini-gateways-bun-'))
    try {
      const script = path.join(dir, 'long-wait.ts')
      writeFileSync(
        script,
        `
        import { createClient, text } from ${JSON.stringify(path.join(ROOT, 'src/index.ts'))}
        const call = (fetch?: typeof globalThis.fetch) => {
          const started = Date.now()
          const client = createClient({ provider: 'google', apiKey: ${JSON.stringify(KEY)}, baseUrl: ${JSON.stringify(gw.url)}, maxRetries: 0, ...(fetch && { fetch }) })
          return client.generateContent({ model: ${JSON.stringify(MODEL)}, contents: ${JSON.stringify(CONTENTS)} }).then(
            (answer) => ({ ok: true, text: text(answer), ms: Date.now() - started }),
            (error) => ({ ok: false, name: error.name, message: error.message, ms: Date.now() - started }),
          )
        }
        const [ours, plain] = await Promise.all([call(), call((input, init) => globalThis.fetch(input, init))])
        console.log(JSON.stringify({ ours, plain }))
      `,
      )
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(BUN, [script], { cwd: ROOT, timeout: 60_000, env: { ...process.env, BUN_CONFIG_HTTP_IDLE_TIMEOUT: '3' } }, (error, out, err) =>
          error ? reject(new Error(`bun: ${error.message}\n${err}`)) : resolve(out),
        ),
      )
      const { ours, plain } = JSON.parse(stdout.trim().split('\n').at(-1)!)
      expect(ours).toMatchObject({ ok: true, text: DEFAULT_TEXT })
      expect(ours.ms).toBeGreaterThanOrEqual(11_950)
      // Bun's own timer, not ours: its TimeoutError reaches the client as a lost connection.
      expect(plain).toMatchObject({ ok: false, name: 'ConnectionError' })
      expect(plain.message).toMatch(/^google: connection to 127\.0\.0\.1:\d+ failed: The operation timed out\.$/)
      expect(plain.ms).toBeLessThan(11_000)
      expect(gw.requests).toHaveLength(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await gw.close()
    }
  }, 60_000)
})
