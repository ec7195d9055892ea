// Secrets (issue #4): for every provider and every error path of the other categories, the API key must be absent from
// the error's message, stack, JSON.stringify(err), util.inspect(err, {depth: 10, showHidden: true}), any console output,
// every URL the client built, and any request sent to another origin. The hostile bodies ECHO the key back (as careless
// relays do), so redaction is proven, not assumed: the echo must show up as [REDACTED].
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { format, inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ConfigurationError, createClient, GeminiGatewayError, RequestValidationError, type ClientOptions, type Provider } from '../../src/index.ts'
import { startLocalGateway, type LocalGateway, type ScriptedResponse } from '../../src/local-gateway/index.ts'
import { HOSTILE_CASES, providersOf, type HostileCase } from './support/cases.ts'
import {
  chunk,
  clientFor,
  drainStream,
  JSON_HEADERS,
  OK_JSON,
  outcome,
  params,
  PROVIDERS,
  reportFigures,
  secretKey,
  settle,
  sse,
  SSE_HEADERS,
  watchCrashes,
  type Outcome,
} from './support/helpers.ts'
import { runCase } from './support/run-case.ts'
import { keyHeader } from '../support/registry.ts'

const crashes = watchCrashes()
const KEY = secretKey()
const RANDOM = KEY.slice('sk-live-SECRET-'.length)
const figures = { errorPaths: 0, channelsChecked: 0, redactionsSeen: 0, urlsChecked: 0, consoleLines: 0 }

// ---- console capture: everything any console method receives during this file ----
const consoleLines: string[] = []
const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
const spies: Array<{ mockRestore(): void }> = []

beforeAll(() => {
  for (const method of METHODS) {
    spies.push(vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(format(...args))))
  }
  spies.push(
    vi.spyOn(process, 'emitWarning').mockImplementation(((warning: string | Error) => void consoleLines.push(String(warning))) as typeof process.emitWarning),
  )
})

/** Where a secret (or any 8-character piece of its random part) occurs in `text`, if anywhere. */
function leak(value: string): string | undefined {
  const text = String(value)
  if (text.includes(KEY)) return 'the whole key'
  for (let i = 0; i + 8 <= RANDOM.length; i++) {
    const piece = RANDOM.slice(i, i + 8)
    const at = text.indexOf(piece)
    if (at !== -1) return `a piece of the key ("${piece}") in …${text.slice(Math.max(0, at - 60), at + 20)}…`
  }
  return undefined
}

/** Every channel the issue names, for one error (and util.inspect without its 10,000-character string cut). */
function channels(error: unknown): Record<string, string> {
  const e = error as Error
  return {
    message: String(e?.message),
    stack: String(e?.stack),
    'JSON.stringify': JSON.stringify(error) ?? '',
    'util.inspect': inspect(error, { depth: 10, showHidden: true }),
    'util.inspect (no string cut)': inspect(error, { depth: 10, showHidden: true, maxStringLength: Infinity, maxArrayLength: Infinity }),
    'String()': String(error),
    // What a user's `console.error('request failed:', err)` prints.
    'console.error': format('request failed:', error),
  }
}

/**
 * Checks every channel of whatever the call threw (hostile.test.ts judges whether it was the right error; here only
 * the key matters). When the server echoed the key, a [REDACTED] must be visible, else the echo was merely lost.
 */
function expectNoSecret(label: string, error: unknown, opts: { echoed?: boolean } = {}): void {
  figures.errorPaths++
  const all = channels(error)
  for (const [channel, text] of Object.entries(all)) {
    figures.channelsChecked++
    const found = leak(text)
    expect(found, `${label}: the key leaks through ${channel}: ${found}`).toBeUndefined()
  }
  if (opts.echoed && error instanceof GeminiGatewayError) {
    expect(all['util.inspect (no string cut)'], `${label}: the echoed key should show as [REDACTED]`).toContain('[REDACTED]')
    figures.redactionsSeen++
  }
}

function expectCleanUrls(label: string, urls: string[]): void {
  for (const url of urls) {
    figures.urlsChecked++
    expect(leak(url), `${label}: key in URL ${url}`).toBeUndefined()
  }
}

/** The one header that may carry the key: the provider's spec's first security scheme (the registry). */
const AUTH_HEADER = Object.fromEntries(PROVIDERS.map((p) => [p, keyHeader(p)])) as Record<Provider, string>

/** Does the case's body echo the key (so that a [REDACTED] must appear)? */
function echoes(c: HostileCase, provider: Provider): boolean {
  if (c.raw) return true
  return JSON.stringify(c.respond({ provider, key: KEY })).includes(KEY)
}

// ---------------------------------------------------------------------------------------------

describe.each(PROVIDERS)('secrets: %s, every hostile case (bodies echo the key)', (provider) => {
  for (const c of HOSTILE_CASES.filter((hc) => providersOf(hc).includes(provider))) {
    it(`${c.op}: ${c.id}`, async () => {
      const run = await runCase(c, provider, KEY)
      expectCleanUrls(c.id, run.urls)
      // The key travels in the provider's auth header and nowhere else.
      for (const headers of run.sentHeaders) {
        const carrying = Object.keys(headers).filter((name) => leak(`${name}: ${headers[name]}`) !== undefined)
        expect(carrying, `${provider} ${c.id}: headers carrying the key`).toEqual([AUTH_HEADER[provider]])
      }
      if (!run.result.ok) {
        // Whatever the case ended in (even a wrong class: hostile.test.ts judges that), it must not leak.
        expectNoSecret(`${provider} ${c.id}`, run.result.error, { echoed: echoes(c, provider) })
      }
    })
  }
})

// ---- the fault paths ----

async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A client with the secret key whose URLs are recorded. */
function recordingClient(provider: Provider, baseUrl: string, options: Partial<ClientOptions> = {}) {
  const urls: string[] = []
  const fetch = ((input: Request | string | URL, init?: RequestInit) => {
    urls.push(input instanceof Request ? input.url : String(input))
    return globalThis.fetch(input, init)
  }) as typeof globalThis.fetch
  return { client: clientFor(provider, baseUrl, { apiKey: KEY, fetch, ...options }), urls }
}

async function faultGateway(provider: Provider, scripted: ScriptedResponse[], latencyMs?: number): Promise<LocalGateway> {
  const gw = await startLocalGateway({ provider, apiKey: KEY, ...(latencyMs !== undefined && { latencyMs }) })
  gw.enqueue(...scripted)
  return gw
}

const echoBody = (status: number) => ({
  error: {
    code: status,
    message: `key ${KEY} is over quota`,
    status: 'RESOURCE_EXHAUSTED',
    details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', metadata: { api_key: KEY } }],
  },
})

describe.each(PROVIDERS)('secrets: %s, every fault path', (provider) => {
  it('connection refused (after a retry)', async () => {
    const { client, urls } = recordingClient(provider, `http://127.0.0.1:${await deadPort()}`, { maxRetries: 1 })
    const result = await outcome(() => client.generateContent(params()))
    expect(result.ok).toBe(false)
    if (!result.ok) expectNoSecret('refused', result.error)
    expectCleanUrls('refused', urls)
  })

  const faults: Array<{
    id: string
    scripted: ScriptedResponse[]
    stream?: boolean
    options?: Partial<ClientOptions>
    echoed?: boolean
    latencyMs?: number
    abortAfterMs?: number
  }> = [
    { id: 'reset before headers', scripted: [{ reset: 'before-headers' }] },
    { id: 'reset mid-body', scripted: [{ headers: JSON_HEADERS, body: OK_JSON, reset: 'mid-body' }] },
    { id: 'reset mid-stream', scripted: [{ headers: SSE_HEADERS, chunks: [...sse([chunk('a ')]), 'data: {"cand'], reset: 'mid-body' }], stream: true },
    { id: 'headers then silence (unary)', scripted: [{ headers: JSON_HEADERS, body: '{"x', stall: true }], options: { timeoutMs: 200 } },
    { id: 'headers then silence (stream)', scripted: [{ headers: SSE_HEADERS, stall: true }], stream: true, options: { timeoutMs: 200 } },
    { id: 'no headers (timeout)', scripted: [{ headers: JSON_HEADERS, body: OK_JSON }], latencyMs: 1_000, options: { timeoutMs: 150 } },
    {
      id: '429 echoing the key in body and headers, retries exhausted',
      scripted: [1, 2].map(() => ({
        status: 429,
        headers: { ...JSON_HEADERS, 'retry-after-ms': '10', 'x-echo-key': KEY, 'www-authenticate': `Bearer realm="api", key="${KEY}"` },
        body: echoBody(429),
      })),
      options: { maxRetries: 1 },
      echoed: true,
    },
    {
      id: '503 stream echoing the key',
      scripted: [{ status: 503, headers: { 'content-type': 'text/plain', 'set-cookie': `k=${KEY}` }, body: `upstream rejected key ${KEY}` }],
      stream: true,
      echoed: true,
    },
    { id: 'abort while waiting for headers', scripted: [{ headers: JSON_HEADERS, body: OK_JSON }], latencyMs: 1_000, abortAfterMs: 50 },
    {
      id: 'abort mid-stream',
      scripted: [{ headers: SSE_HEADERS, chunks: sse([chunk('a '), chunk('b '), chunk('c', true)]), chunkDelayMs: 300 }],
      stream: true,
      abortAfterMs: 100,
    },
    {
      id: 'abort during a retry wait',
      scripted: [
        { status: 503, headers: { ...JSON_HEADERS, 'retry-after': '5' }, body: echoBody(503) },
        { headers: JSON_HEADERS, body: OK_JSON },
      ],
      options: { maxRetries: 1 },
      abortAfterMs: 100,
    },
  ]

  for (const f of faults) {
    it(f.id, async () => {
      const gw = await faultGateway(provider, f.scripted, f.latencyMs)
      try {
        const { client, urls } = recordingClient(provider, gw.url, { maxRetries: 0, ...f.options })
        const controller = new AbortController()
        // The reason is what a careless caller might pass: it holds the key too.
        if (f.abortAfterMs !== undefined) setTimeout(() => controller.abort(new Error(`cancelled request with key ${KEY}`)), f.abortAfterMs)
        const call = { signal: controller.signal }
        let result: Outcome<unknown>
        if (f.stream) result = (await drainStream(client.streamGenerateContent(params(), call))).outcome
        else result = await outcome(() => client.generateContent(params(), call))
        expect(result.ok, `${f.id}: must fail`).toBe(false)
        if (!result.ok) expectNoSecret(`${provider} ${f.id}`, result.error, { echoed: f.echoed || f.abortAfterMs !== undefined })
        expectCleanUrls(f.id, urls)
      } finally {
        await gw.close()
      }
    })
  }
})

// ---- echoes placed where the error code cuts text short, and other corners ----

/** 12 characters of the key's random part fall before each cut. */
const straddle = (cut: number) => `${'x'.repeat(cut - 'sk-live-SECRET-'.length - 12)}${KEY} tail`

const corners: Array<{ id: string; scripted: ScriptedResponse; stream?: boolean; options?: Partial<ClientOptions> }> = [
  {
    id: 'key straddling the 1,000-character message cut',
    scripted: { status: 500, headers: JSON_HEADERS, body: { error: { message: straddle(1_000), code: 500 } } },
  },
  {
    id: 'key straddling the 200-character request id cut',
    scripted: { status: 500, headers: JSON_HEADERS, body: { error: { message: 'boom', request_id: straddle(200) } } },
  },
  {
    id: 'key straddling the 200-character code cut',
    scripted: { status: 500, headers: JSON_HEADERS, body: { error: { message: 'boom', code: straddle(200) } } },
  },
  {
    id: 'key straddling the 200-character HTML title cut',
    scripted: { status: 502, headers: { 'content-type': 'text/html' }, body: `<html><head><title>${straddle(200)}</title></head></html>` },
  },
  { id: 'key straddling the 300-character plain-text line cut', scripted: { status: 500, headers: { 'content-type': 'text/plain' }, body: straddle(300) } },
  {
    id: 'key straddling the 64 KiB raw body cap',
    scripted: { status: 500, headers: { 'content-type': 'text/plain' }, body: `error\n${straddle(64 * 1024 - 6)}` },
  },
  {
    id: 'key as an unknown enum value (strict validation)',
    scripted: { headers: JSON_HEADERS, body: { candidates: [{ content: { parts: [{ text: 'hi' }] }, finishReason: KEY }] } },
    options: { responseValidation: 'strict' },
  },
  { id: 'key where an array belongs (tolerant validation)', scripted: { headers: JSON_HEADERS, body: { candidates: KEY } } },
  {
    id: 'key as a property name in a response',
    scripted: {
      headers: JSON_HEADERS,
      body: { candidates: [{ content: { parts: [{ text: 'hi', [KEY]: { nested: KEY } }] } }], [KEY]: 1, usageMetadata: 'bad' },
    },
  },
  {
    id: 'key in a stream error event',
    scripted: { headers: SSE_HEADERS, chunks: sse([chunk('a '), { error: { message: `invalid key ${KEY}`, code: 401, request_id: KEY } }]) },
    stream: true,
  },
  { id: 'key in a non-JSON stream event', scripted: { headers: SSE_HEADERS, chunks: [...sse([chunk('a ')]), `data: key=${KEY}\n\n`] }, stream: true },
]

describe.each(PROVIDERS)('secrets: %s, echoes at the edges', (provider) => {
  for (const c of corners) {
    it(c.id, async () => {
      const gw = await faultGateway(provider, [c.scripted])
      try {
        const { client, urls } = recordingClient(provider, gw.url, c.options)
        const result = c.stream ? (await drainStream(client.streamGenerateContent(params()))).outcome : await outcome(() => client.generateContent(params()))
        expect(result.ok, `${c.id}: must fail`).toBe(false)
        if (!result.ok) expectNoSecret(`${provider} ${c.id}`, result.error, { echoed: true })
        expectCleanUrls(c.id, urls)
      } finally {
        await gw.close()
      }
    })
  }

  it('a request that carries the key in an invalid field (RequestValidationError)', async () => {
    const { client, urls } = recordingClient(provider, 'http://127.0.0.1:9')
    const result = await outcome(() => client.generateContent(params({ generationConfig: { temperature: KEY, [KEY]: KEY } })))
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(RequestValidationError)
      expectNoSecret(`${provider} request validation`, result.error)
      expect(inspect((result.error as RequestValidationError).issues, { depth: 10 })).not.toContain(KEY)
    }
    expect(urls).toEqual([])
  })

  it('a misconfigured client (ConfigurationError)', () => {
    let error: unknown
    try {
      createClient({ provider, apiKey: KEY, baseUrl: `ftp://gateway.example/${KEY}` })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expectNoSecret(`${provider} configuration`, error)
  })

  it('a redirect to another origin does not carry the key there', async () => {
    // The foreign origin is a second gateway on another port; it records what it receives.
    const foreign = await startLocalGateway({ provider, apiKey: KEY })
    const home = await startLocalGateway({ provider, apiKey: KEY })
    try {
      const target = `${foreign.url}/v1beta/models/gemini-2.5-flash:${provider === 'apimart' ? 'generateContent' : 'generateContent'}`
      home.enqueue({ status: 307, headers: { location: target } })
      const { client, urls } = recordingClient(provider, home.url)
      await outcome(() => client.generateContent(params()))
      expectCleanUrls('redirect', urls)
      const carried = foreign.requests.filter((r) => ['authorization', 'x-goog-api-key', 'x-api-key'].some((h) => h in r.headers))
      expect(
        carried.map((r) => Object.keys(r.headers).filter((h) => ['authorization', 'x-goog-api-key', 'x-api-key'].includes(h))),
        `${provider}: the key was sent to ${foreign.url}, another origin`,
      ).toEqual([])
    } finally {
      await home.close()
      await foreign.close()
    }
  })
})

describe('secrets: process health and console', () => {
  it('control: the console capture sees what is written', () => {
    const before = consoleLines.length
    console.warn('capture probe')
    expect(consoleLines.slice(before)).toEqual(['capture probe'])
    consoleLines.length = before
  })

  it('nothing the package wrote to the console carries the key', async () => {
    await settle(50)
    figures.consoleLines = consoleLines.length
    for (const line of consoleLines) expect(leak(line), `console: ${line.slice(0, 200)}`).toBeUndefined()
    // The package itself logs nothing at all.
    expect(consoleLines).toEqual([])
  })

  it('no unhandled rejection or uncaught exception fired', () => {
    expect(crashes.events).toEqual([])
  })
})

afterAll(() => {
  for (const spy of spies) spy.mockRestore()
  crashes.stop()
  reportFigures('secrets', [
    ['error paths checked (all providers)', figures.errorPaths],
    ['channels checked (message, stack, JSON, inspect, String, console.error)', figures.channelsChecked],
    ['echoed keys seen redacted', figures.redactionsSeen],
    ['URLs checked', figures.urlsChecked],
    ['console lines written by the package', figures.consoleLines],
  ])
})
