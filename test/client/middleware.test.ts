// openapi-fetch middleware registered with client.use() sees every request the client makes: generations,
// streams and the model list, each retry as its own request, against the local gateway over real HTTP.
import type { Middleware } from 'openapi-fetch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from '../../src/index.ts'
import { startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { CONTENTS, KEY, MODEL } from './helpers.ts'

let gw: LocalGateway
beforeAll(async () => {
  gw = await startLocalGateway({ provider: 'google', apiKey: KEY })
})
afterAll(() => gw.close())

/** Middleware that records what passed through it and tags each request with a header. */
function recorder() {
  const seen: { method: string; path: string; schemaPath: string; status?: number; isRequest: boolean }[] = []
  const middleware: Middleware = {
    onRequest({ request, schemaPath }) {
      expect(request).toBeInstanceOf(Request)
      seen.push({ method: request.method, path: new URL(request.url).pathname, schemaPath, isRequest: true })
      const tagged = new Request(request)
      tagged.headers.set('x-trace-id', `trace-${seen.filter((s) => s.isRequest).length}`)
      return tagged
    },
    onResponse({ response, schemaPath }) {
      seen.push({ method: '', path: '', schemaPath, status: response.status, isRequest: false })
    },
  }
  return { seen, middleware }
}

describe('client.use(): openapi-fetch middleware', () => {
  it('sees generateContent, a stream and listModels pass through, and its changes reach the server', async () => {
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url })
    const { seen, middleware } = recorder()
    client.use(middleware)
    const before = gw.requests.length

    const answer = await client.generateContent({ model: MODEL, contents: CONTENTS })
    expect(answer.candidates?.length).toBeGreaterThan(0)
    const chunks = []
    for await (const chunk of client.streamGenerateContent({ model: MODEL, contents: CONTENTS })) chunks.push(chunk)
    expect(chunks.length).toBeGreaterThan(0)
    const models = []
    for await (const model of client.listModels()) models.push(model)
    expect(models.length).toBeGreaterThan(0)

    expect(seen.filter((s) => s.isRequest)).toEqual([
      { method: 'POST', path: `/v1beta/models/${MODEL}:generateContent`, schemaPath: '/v1beta/models/{model}:generateContent', isRequest: true },
      { method: 'POST', path: `/v1beta/models/${MODEL}:streamGenerateContent`, schemaPath: '/v1beta/models/{model}:streamGenerateContent', isRequest: true },
      { method: 'GET', path: '/v1beta/models', schemaPath: '/v1beta/models', isRequest: true },
    ])
    expect(seen.filter((s) => !s.isRequest).map((s) => s.status)).toEqual([200, 200, 200])
    // The header the middleware added arrived with each request.
    expect(gw.requests.slice(before).map((r) => r.headers['x-trace-id'])).toEqual(['trace-1', 'trace-2', 'trace-3'])
  })

  it('sees each retry as its own request, with the error status the retry followed', async () => {
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url, maxRetries: 1 })
    const { seen, middleware } = recorder()
    client.use(middleware)
    gw.fail('overloaded')
    const answer = await client.generateContent({ model: MODEL, contents: CONTENTS })
    expect(answer.candidates?.length).toBeGreaterThan(0)
    expect(seen.filter((s) => !s.isRequest).map((s) => s.status)).toEqual([503, 200])
  })

  it("is also the raw client's, and eject() removes it", async () => {
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url })
    const { seen, middleware } = recorder()
    client.raw.use(middleware)
    await client.generateContent({ model: MODEL, contents: CONTENTS })
    expect(seen.filter((s) => s.isRequest)).toHaveLength(1)
    client.eject(middleware)
    await client.generateContent({ model: MODEL, contents: CONTENTS })
    expect(seen.filter((s) => s.isRequest)).toHaveLength(1)
  })

  it('never gets the key in a URL: it travels in the header the provider reads', async () => {
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url })
    const urls: string[] = []
    const keys: (string | null)[] = []
    client.use({
      onRequest({ request }) {
        urls.push(request.url)
        keys.push(request.headers.get('x-goog-api-key'))
      },
    })
    await client.generateContent({ model: MODEL, contents: CONTENTS })
    expect(urls.some((u) => u.includes(KEY))).toBe(false)
    expect(keys).toEqual([KEY])
  })
})
