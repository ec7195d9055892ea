// gemini-gateways/fetch called as the SDKs call it, with plain fetch arguments, against the local gateway of every
// registered provider on loopback: the routes it takes and refuses, where the key goes, each failure as Google's
// error with the gateway's status, rejections where no answer came, stream framing, the model list, continuation.
import { describe, expect, it } from 'vitest'
import { registry } from '../../generated/registry.ts'
import { createGatewayFetch } from '../../src/gateway-fetch/index.ts'
import { ConnectionError, createClient, GeminiGatewayError, TimeoutError } from '../../src/index.ts'
import { FAILURE_SCENARIOS } from '../../src/local-gateway/index.ts'
import { nodeDispatcher } from '../../src/platform/node-fetch.js'
import { authHeaderOf, KEY, MODEL, PROVIDERS, serves, STREAM_TEXT, withGatewayFetch, WRONG_KEY } from './support.ts'

/** Where an SDK sends a generation: Google's host (ignored: the gateway's comes from the options), its version, its key. */
const GOOGLE = 'https://generativelanguage.googleapis.com'
const BODY = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] })
const post = (fetch: typeof globalThis.fetch, path: string, init: RequestInit = {}) =>
  fetch(`${GOOGLE}${path}`, {
    method: 'POST',
    body: BODY,
    ...init,
    headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY, ...(init.headers as Record<string, string>) },
  })

/** The local gateway's failures that answer a generation with an HTTP response (the others: a reset, a stall, a cut body). */
const ANSWERED_FAILURES = FAILURE_SCENARIOS.filter((s) => s !== 'reset' && s !== 'stall' && s !== 'stream-cut')

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (e: unknown) => e,
  )
}

describe.each(PROVIDERS)('the %s gateway fetch', (provider) => {
  it('refuses what is no route of Google’s API, as Google’s 404 JSON, and sends nothing', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      for (const [method, path] of [
        ['POST', '/v1beta/models/gemini-2.5-flash:embedContent'],
        ['POST', '/v1alpha/models/gemini-2.5-flash:generateContent'],
        ['GET', '/v1beta/files'],
        ['POST', '/v1beta/models'],
      ]) {
        const res = await fetch(`${GOOGLE}${path}?key=${KEY}`, { method, ...(method === 'POST' && { body: BODY }) })
        expect(res.status).toBe(404)
        expect(res.headers.get('content-type')).toContain('application/json')
        const body = (await res.json()) as { error: { code: number; message: string; status: string } }
        expect(body.error).toMatchObject({ code: 404, status: 'NOT_FOUND', message: expect.stringContaining(`no route for ${method} ${path}`) })
        expect(body.error.message).not.toContain(KEY)
      }
      expect(gw.requests).toEqual([])
    })
  })

  it('refuses a body that is not a JSON object as Google’s 400, and sends nothing', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      for (const body of ['{"contents": [', '[]', '']) {
        const res = await post(fetch, `/v1beta/models/${MODEL}:generateContent`, { body })
        expect(res.status).toBe(400)
        expect(await res.json()).toEqual({
          error: { code: 400, message: 'Invalid JSON payload received. Expected a JSON object.', status: 'INVALID_ARGUMENT' },
        })
      }
      expect(gw.requests).toEqual([])
    })
  })

  it('moves the key from ?key= into the gateway’s own header, never into its URL, and drops the SDK’s other credentials', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      const res = await fetch(`${GOOGLE}/v1/models/${MODEL}:generateContent?key=${KEY}`, {
        method: 'POST',
        body: BODY,
        headers: { authorization: 'Bearer not-the-gateway-key', 'x-trace': 'abc' },
      })
      expect(res.status).toBe(200)
      expect(((await res.json()) as { candidates: unknown[] }).candidates).toHaveLength(1)
      const [sent] = gw.requests
      expect(sent!.query).toEqual({})
      expect(sent!.headers[authHeaderOf(provider)]).toBe('[REDACTED]')
      expect(sent!.headers['x-trace']).toBe('abc')
      if (authHeaderOf(provider) !== 'authorization') expect(sent!.headers.authorization).toBeUndefined()
    })
  })

  it('apiKey given to the fetch wins over the SDK’s, which goes nowhere and is in no message', async () => {
    await withGatewayFetch(
      provider,
      async ({ gw, fetch }) => {
        const ok = await post(fetch, `/v1beta/models/${MODEL}:generateContent`, { headers: { 'x-goog-api-key': WRONG_KEY } })
        expect(ok.status).toBe(200)
        gw.fail('auth')
        const failed = await post(fetch, `/v1beta/models/${MODEL}:generateContent`, { headers: { 'x-goog-api-key': WRONG_KEY } })
        expect(failed.status).toBeGreaterThanOrEqual(400)
        expect(await failed.text()).not.toContain(WRONG_KEY)
        expect(JSON.stringify(gw.requests)).not.toContain(WRONG_KEY)
      },
      { apiKey: KEY },
    )
  })

  it('without a key from the options or the SDK, takes the provider’s environment variable', async () => {
    const variable = registry[provider].envKey
    const before = process.env[variable]
    process.env[variable] = KEY
    try {
      await withGatewayFetch(provider, async ({ fetch }) => {
        const res = await fetch(`${GOOGLE}/v1beta/models/${MODEL}:generateContent`, { method: 'POST', body: BODY })
        expect(res.status).toBe(200)
      })
    } finally {
      if (before === undefined) delete process.env[variable]
      else process.env[variable] = before
    }
  })

  it.each(ANSWERED_FAILURES)('%s: Google’s error with the status this package reads from the gateway, and its message', async (scenario) => {
    await withGatewayFetch(
      provider,
      async ({ gw, fetch }) => {
        gw.fail(scenario)
        const own = await createClient({ provider, apiKey: KEY, baseUrl: gw.url, maxRetries: 0 })
          .generateContent({ model: MODEL, contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] })
          .then(
            () => undefined,
            (e: unknown) => e as GeminiGatewayError,
          )
        expect(own).toBeInstanceOf(GeminiGatewayError)
        gw.fail(scenario)
        const res = await post(fetch, `/v1beta/models/${MODEL}:generateContent`)
        const status = own!.status !== undefined && own!.status >= 400 ? own!.status : 502
        expect(res.status).toBe(status)
        expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8')
        const body = (await res.json()) as { error: Record<string, unknown> }
        // A relay numbers each error it raises (new-api: "(request id: …)"); the rest of the message is the client's.
        const unnumbered = (text: string) => text.replace(/request id: \w+/g, 'request id: …')
        expect(body.error).toMatchObject({ code: status, status: expect.stringMatching(/^[A-Z_]+$/) })
        expect(unnumbered(String(body.error.message))).toBe(unnumbered(own!.message))
        if (own!.headers?.['retry-after'] !== undefined) expect(res.headers.get('retry-after')).toBe(own!.headers['retry-after'])
      },
      { maxRetries: 0 },
    )
  })

  it('no answer at all rejects as fetch does: a refused connection is TypeError("fetch failed") with the ConnectionError as its cause', async () => {
    const closed = await withGatewayFetch(provider, async ({ gw }) => gw.url)
    const fetch = createGatewayFetch({ provider, baseUrl: closed, apiKey: KEY, maxRetries: 0 })
    const error = await rejection(post(fetch, `/v1beta/models/${MODEL}:generateContent`))
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).message).toBe('fetch failed')
    expect((error as TypeError).cause).toBeInstanceOf(ConnectionError)
    expect(((error as TypeError).cause as ConnectionError).connected).toBe(false)
  })

  it('a generation past timeoutMs rejects with the TimeoutError (not sent again), and the caller’s abort with its reason', async () => {
    await withGatewayFetch(
      provider,
      async ({ gw, fetch }) => {
        gw.fail('stall')
        const timeout = await rejection(post(fetch, `/v1beta/models/${MODEL}:generateContent`))
        expect(timeout).toBeInstanceOf(TimeoutError)
        expect(gw.requests).toHaveLength(1)
        const controller = new AbortController()
        gw.fail('stall')
        const pending = post(fetch, `/v1beta/models/${MODEL}:generateContent`, { signal: controller.signal })
        setTimeout(() => controller.abort(), 50)
        const aborted = await rejection(pending)
        expect((aborted as DOMException).name).toBe('AbortError')
        expect(aborted).toBe(controller.signal.reason)
      },
      { timeoutMs: 300 },
    )
  })

  it('a stream without alt=sse comes back as Google’s JSON array, with the same chunks as SSE', async () => {
    await withGatewayFetch(provider, async ({ fetch }) => {
      const sse = await post(fetch, `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`)
      expect(sse.headers.get('content-type')).toBe('text/event-stream')
      const events = (await sse.text()).split('\n\n').filter(Boolean)
      expect(events.every((e) => e.startsWith('data: {'))).toBe(true)
      const array = await post(fetch, `/v1beta/models/${MODEL}:streamGenerateContent`)
      expect(array.headers.get('content-type')).toContain('application/json')
      const chunks = (await array.json()) as Array<{ candidates: Array<{ content: { parts: Array<{ text: string }> } }> }>
      expect(chunks).toEqual(events.map((e) => JSON.parse(e.slice('data: '.length))))
      expect(chunks.map((c) => c.candidates[0]!.content.parts[0]!.text).join('')).toBe(STREAM_TEXT)
    })
  })

  it('the SDK cancelling a stream cancels the gateway’s', async () => {
    await withGatewayFetch(
      provider,
      async ({ fetch }) => {
        const res = await post(fetch, `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`)
        const reader = res.body!.getReader()
        expect((await reader.read()).done).toBe(false)
        await reader.cancel()
        expect(await reader.closed).toBeUndefined()
      },
      {},
      { chunkDelayMs: 200 },
    )
  })

  it(
    serves(provider, 'listModels')
      ? 'GET models: every page as one Google model list'
      : 'GET models, which the gateway does not serve: Google’s 501 UNIMPLEMENTED, nothing sent',
    async () => {
      await withGatewayFetch(provider, async ({ gw, fetch }) => {
        const res = await fetch(`${GOOGLE}/v1/models?pageSize=3`, { headers: { 'x-goog-api-key': KEY } })
        if (serves(provider, 'listModels')) {
          expect(res.status).toBe(200)
          const list = (await res.json()) as { models: Array<{ name: string }>; nextPageToken?: string }
          expect(list.nextPageToken).toBeUndefined()
          expect(list.models.map((m) => m.name)).toContain(`models/${MODEL}`)
          expect(new Set(list.models.map((m) => m.name)).size).toBe(list.models.length)
        } else {
          expect(res.status).toBe(501)
          expect(await res.json()).toEqual({
            error: { code: 501, message: `${provider}: listModels is not offered by this provider`, status: 'UNIMPLEMENTED' },
          })
          expect(gw.requests).toEqual([])
        }
      })
    },
  )

  const looksUp = serves(provider, 'getModel') || serves(provider, 'listModels')
  it(
    looksUp
      ? 'GET models/{model}: from the gateway, or from its list where it has no lookup; an unknown one is 404'
      : 'GET models/{model}, which the gateway cannot look up: Google’s 501 UNIMPLEMENTED, nothing sent',
    async () => {
      await withGatewayFetch(provider, async ({ gw, fetch }) => {
        const one = await fetch(`${GOOGLE}/v1beta/models/${MODEL}`, { headers: { 'x-goog-api-key': KEY } })
        const missing = await fetch(`${GOOGLE}/v1beta/models/gemini-0-nonexistent`, { headers: { 'x-goog-api-key': KEY } })
        if (looksUp) {
          expect(await one.json()).toMatchObject({ name: `models/${MODEL}` })
          expect(missing.status).toBe(404)
          expect(await missing.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } })
        } else {
          for (const res of [one, missing]) {
            expect(res.status).toBe(501)
            expect(await res.json()).toEqual({
              error: { code: 501, message: `${provider}: listModels is not offered by this provider`, status: 'UNIMPLEMENTED' },
            })
          }
          expect(gw.requests).toEqual([])
        }
      })
    },
  )

  it('automaticContinuation: false hands each hop to the SDK, which continues where the gateway carries the token', async () => {
    await withGatewayFetch(
      provider,
      async ({ gw, fetch }) => {
        const hops = { 'x-local-gateway-hops': '2' }
        const first = await post(fetch, `/v1beta/models/${MODEL}:generateContent`, { headers: hops })
        const hop1 = (await first.json()) as { candidates: Array<{ finishReason: string; continuationToken?: string }> }
        expect(hop1.candidates[0]).toMatchObject({ finishReason: 'CONTINUATION', continuationToken: expect.any(String) })
        const next = await post(fetch, `/v1beta/models/${MODEL}:generateContent`, {
          headers: hops,
          body: JSON.stringify({ ...JSON.parse(BODY), continuationToken: hop1.candidates[0]!.continuationToken }),
        })
        const carries = !(await createClient({ provider, apiKey: KEY, baseUrl: gw.url })
          .generateContent({ model: MODEL, contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }, { headers: hops })
          .then(
            () => false,
            () => true,
          ))
        if (carries) {
          expect(next.status).toBe(200)
          expect(((await next.json()) as { candidates: Array<{ finishReason: string }> }).candidates[0]!.finishReason).toBe('STOP')
        } else {
          // The gateway would drop the token and start over: refused before sending, as the client refuses it.
          expect(next.status).toBe(400)
          // The field is named: at its pointer where new-api's spec says it drops it, quoted where nordlys has no place for it.
          expect(await next.json()).toMatchObject({
            error: { status: 'INVALID_ARGUMENT', message: expect.stringMatching(/(\/continuationToken|"continuationToken"): /) },
          })
        }
      },
      { automaticContinuation: false },
    )
  })
})

describe('the gateway fetch on Node', () => {
  it('sends through the client’s undici Agent without the 300 s limits when given no fetch', async () => {
    await withGatewayFetch('google', async ({ gw, fetch }) => {
      expect((await post(fetch, `/v1beta/models/${MODEL}:generateContent`)).status).toBe(200)
      const agent = (await nodeDispatcher()) as unknown as { stats: Record<string, unknown> }
      expect(Object.keys(agent.stats)).toContain(gw.url)
    })
  })

  it('an unknown provider is a ConfigurationError at once', () => {
    expect(() => createGatewayFetch({ provider: 'nope' as never })).toThrow(/unknown provider nope; expected one of google/)
  })
})
