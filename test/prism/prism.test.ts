/**
 * An independent check that what the client sends matches each provider's spec: Stoplight Prism serves
 * generated/<provider>/openapi.json as a mock on loopback with `--errors`, so a request that violates the spec
 * gets 422 (with an `sl-violations` header) and one without the spec's security header gets 401. The client
 * then validates Prism's answers (the spec's own examples) with its response validators.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MalformedResponseError, createClient, mergeChunks, providers, text, type GenerateContentResponse, type Model, type Provider } from '../../src/index.ts'
import { registry } from '../../generated/registry.ts'
import { createGoogleClient } from '../../src/providers/google.ts'
import { createNordlysClient } from '../../src/providers/nordlys.ts'
import { NEWAPI_RELAYS } from '../client/helpers.ts'
import { keyHeader, pathOf, serves } from '../support/registry.ts'

/** Every provider of the registry. */
const PROVIDERS = providers
const PRISM = fileURLToPath(new URL('../../node_modules/@stoplight/prism-cli/dist/index.js', import.meta.url))
const specOf = (provider: Provider) => fileURLToPath(new URL(`../../generated/${provider}/openapi.json`, import.meta.url))
const KEY = 'prism-test-key'
const MODEL = 'gemini-2.5-flash'
const CONTENTS = [{ role: 'user' as const, parts: [{ text: 'Hello' }] }]
const STARTUP_MS = 90_000

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

interface Prism {
  url: string
  child: ChildProcess
  log: string[]
}

/** Starts `prism mock <spec> -h 127.0.0.1 -p <port> --errors` and resolves once it says it is listening. */
async function startPrism(provider: Provider): Promise<Prism> {
  const port = await freePort()
  const log: string[] = []
  const child = spawn(process.execPath, [PRISM, 'mock', specOf(provider), '-h', '127.0.0.1', '-p', String(port), '--errors'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prism (${provider}) did not start within ${STARTUP_MS} ms:\n${log.join('')}`)), STARTUP_MS)
    const onData = (data: Buffer) => {
      log.push(data.toString())
      if (log.join('').includes('Prism is listening on')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (d: Buffer) => log.push(d.toString()))
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`prism (${provider}) exited (${code ?? signal}) before listening:\n${log.join('')}`))
    })
  })
  return { url: `http://127.0.0.1:${port}`, child, log }
}

async function stopPrism(prism: Prism | undefined): Promise<void> {
  const child = prism?.child
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

/** A fetch that keeps each exchange's status and Prism's `sl-violations` header (what it found wrong, if anything). */
function recordingFetch() {
  const exchanges: { method: string; url: string; status: number; violations: string | null }[] = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init)
    const response = await globalThis.fetch(request)
    exchanges.push({ method: request.method, url: request.url, status: response.status, violations: response.headers.get('sl-violations') })
    return response
  }
  return { fetch, exchanges }
}

/** Every exchange was accepted: a 2xx status and no violation report. */
function expectAccepted(exchanges: ReturnType<typeof recordingFetch>['exchanges'], count: number): void {
  expect(exchanges).toHaveLength(count)
  for (const e of exchanges) {
    expect({ ...e, ok: e.status >= 200 && e.status < 300 }).toEqual({ ...e, ok: true, violations: null })
  }
}

/** The header the provider's security scheme names. */
const AUTH = Object.fromEntries(
  providers.map((p) => [p, keyHeader(p) === 'authorization' ? { authorization: `Bearer ${KEY}` } : { [keyHeader(p)]: KEY }]),
) as Record<Provider, Record<string, string>>
/** The generate route of each provider's spec (apimart's `{method}` as generateContent). */
const GENERATE_PATH = Object.fromEntries(
  providers.map((p) => [p, pathOf(p, serves(p, 'generate') ? 'generate' : 'generateContent', { model: MODEL })]),
) as Record<Provider, string>

describe.each(PROVIDERS)('%s against Prism serving its spec', { timeout: 60_000 }, (provider) => {
  let prism: Prism | undefined
  beforeAll(async () => {
    prism = await startPrism(provider)
  }, STARTUP_MS + 10_000)
  afterAll(async () => {
    await stopPrism(prism)
    expect(prism!.child.exitCode !== null || prism!.child.signalCode !== null).toBe(true)
  }, 15_000)

  const client = (fetch: typeof globalThis.fetch) => createClient({ provider, apiKey: KEY, baseUrl: prism!.url, fetch, maxRetries: 0 })

  it('controls: Prism refuses a request without the auth header (401) and a body that breaks the spec (422)', async () => {
    const body = JSON.stringify({ contents: CONTENTS })
    const noAuth = await fetch(prism!.url + GENERATE_PATH[provider], { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    await noAuth.arrayBuffer()
    expect(noAuth.status).toBe(401)
    const bad = await fetch(prism!.url + GENERATE_PATH[provider], {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH[provider] },
      body: JSON.stringify({ contents: 'not an array' }),
    })
    await bad.arrayBuffer()
    expect(bad.status).toBe(422)
    expect(bad.headers.get('sl-violations')).toContain('contents')
  })

  it('generateContent: accepted, and the example answer passes response validation', async () => {
    const seen = recordingFetch()
    const res = await client(seen.fetch).generateContent({
      model: MODEL,
      contents: CONTENTS,
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { temperature: 0.3, maxOutputTokens: 128, thinkingConfig: { thinkingBudget: 0 } },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
    })
    expectAccepted(seen.exchanges, 1)
    expect(seen.exchanges[0]!.url).toBe(prism!.url + GENERATE_PATH[provider])
    expect(text(res).length).toBeGreaterThan(0)
    expect(res.candidates?.[0]?.finishReason).toBe('STOP')
  })

  it('generateContent with tools and a model written as models/…: accepted', async () => {
    const seen = recordingFetch()
    await client(seen.fetch).generateContent({
      model: `models/${MODEL}`,
      contents: CONTENTS,
      tools: [{ functionDeclarations: [{ name: 'now', description: 'The current time', parameters: { type: 'OBJECT', properties: {} } }] }],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
    })
    expectAccepted(seen.exchanges, 1)
    expect(seen.exchanges[0]!.url).toBe(prism!.url + GENERATE_PATH[provider])
  })

  it('streamGenerateContent: accepted, and the client reads what Prism answers', async () => {
    // Prism does not stream: it answers with the operation's static example (a whole text/event-stream example
    // where the spec has one; apimart's stream has none, so Prism falls back to its JSON example, which the
    // client reads as a one-chunk stream). Prism validates the request, not the events.
    const seen = recordingFetch()
    const chunks: GenerateContentResponse[] = []
    for await (const chunk of client(seen.fetch).streamGenerateContent({ model: MODEL, contents: CONTENTS })) chunks.push(chunk)
    expectAccepted(seen.exchanges, 1)
    expect(new URL(seen.exchanges[0]!.url).searchParams.get('alt')).toBe('sse')
    expect(chunks.length).toBeGreaterThan(0)
    expect(text(mergeChunks(chunks)).length).toBeGreaterThan(0)
  })

  if (provider === 'nordlys') {
    it('nordlys: the translated snake_case body with routing fields is accepted', async () => {
      const seen = recordingFetch()
      await createNordlysClient({ apiKey: KEY, baseUrl: prism!.url, fetch: seen.fetch, maxRetries: 0 }).generateContent({
        model: MODEL,
        contents: CONTENTS,
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        tools: [{ functionDeclarations: [{ name: 'now', description: 'The current time' }] }],
        toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
        generationConfig: { temperature: 0.2 },
        provider_order: ['google'],
        provider_sort: 'price',
        models: [MODEL],
      })
      expectAccepted(seen.exchanges, 1)
    })
  }

  if (provider === 'google') {
    const google = (fetch: typeof globalThis.fetch) => createGoogleClient({ apiKey: KEY, baseUrl: prism!.url, fetch, maxRetries: 0 })

    it('countTokens: accepted, example validates', async () => {
      const seen = recordingFetch()
      const res = await google(seen.fetch).countTokens({ model: MODEL, contents: CONTENTS })
      expectAccepted(seen.exchanges, 1)
      expect(typeof res.totalTokens).toBe('number')
    })

    it('listModels with pageSize: accepted, example validates', async () => {
      // Prism's static example carries the same nextPageToken on every page: the client follows it once, sees
      // it repeat, and stops with a MalformedResponseError rather than paging forever.
      const seen = recordingFetch()
      const models: Model[] = []
      const failure = await (async () => {
        for await (const model of google(seen.fetch).listModels({ pageSize: 2 })) models.push(model)
      })().then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(failure).toBeInstanceOf(MalformedResponseError)
      expect(String((failure as Error).message)).toMatch(/repeated a page token/)
      expectAccepted(seen.exchanges, 2)
      expect(models.every((m) => typeof m.name === 'string' && m.name.startsWith('models/'))).toBe(true)
      const urls = seen.exchanges.map((e) => new URL(e.url))
      expect(urls.every((u) => u.searchParams.get('pageSize') === '2')).toBe(true)
      expect(urls[0]!.searchParams.has('pageToken')).toBe(false)
      expect(urls[1]!.searchParams.get('pageToken')).toBeTruthy()
    })

    it('getModel: accepted, example validates', async () => {
      const seen = recordingFetch()
      const model = await google(seen.fetch).getModel(`models/${MODEL}`)
      expectAccepted(seen.exchanges, 1)
      expect(model.name).toMatch(/^models\//)
    })
  }

  // new-api's OpenAI-style list, on the relay and on each reseller that keeps it.
  if (NEWAPI_RELAYS.includes(provider) && registry[provider].operations.some((op) => op === 'listModels')) {
    it('listModels (/v1/models): accepted, the OpenAI-style example maps to models', async () => {
      const seen = recordingFetch()
      const models = []
      const relay = createClient({ provider, apiKey: KEY, baseUrl: prism!.url, fetch: seen.fetch, maxRetries: 0 }) as unknown as {
        listModels(): AsyncIterable<Model>
      }
      for await (const model of relay.listModels()) models.push(model)
      expectAccepted(seen.exchanges, 1)
      expect(new URL(seen.exchanges[0]!.url).pathname).toBe('/v1/models')
      expect(models.length).toBeGreaterThan(0)
      expect(models.every((m) => typeof m.name === 'string' && m.name.startsWith('models/'))).toBe(true)
    })
  }
})
