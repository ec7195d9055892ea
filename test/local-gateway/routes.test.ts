import { describe, expect, it } from 'vitest'
import { withLocalGateway } from '../../src/local-gateway/index.ts'
import { familyOf, NEWAPI_RELAYS, providers, registry, serves, type Provider } from '../support/registry.ts'
import { authHeaders, CONTENTS, get, post, readChunks } from './helpers.ts'

describe('google routes', () => {
  it('pages GET /v1beta/models with pageSize=2 until nextPageToken is absent', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const names: string[] = []
      let token: string | undefined
      let pages = 0
      do {
        const q = new URLSearchParams({ pageSize: '2', ...(token ? { pageToken: token } : {}) })
        const res = await get(gw, `/v1beta/models?${q}`)
        expect(res.status).toBe(200)
        const page = (await res.json()) as { models: Array<{ name: string }>; nextPageToken?: string }
        expect(page.models.length).toBeLessThanOrEqual(2)
        names.push(...page.models.map((m) => m.name))
        token = page.nextPageToken
        if (token !== undefined) expect(token).not.toBe('')
        pages++
      } while (token !== undefined && pages < 50)
      expect(pages).toBe(5)
      expect(names).toHaveLength(10)
      expect(new Set(names).size).toBe(10)
      expect(names).toContain('models/gemini-2.5-flash')
    })
  })

  it('lists everything on one page by default, without nextPageToken', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const body = (await (await get(gw, '/v1beta/models')).json()) as Record<string, unknown>
      expect(body.models).toHaveLength(10)
      expect('nextPageToken' in body).toBe(false)
    })
  })

  it('rejects a garbage pageToken with INVALID_ARGUMENT', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await get(gw, '/v1beta/models?pageToken=bogus')
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } })
    })
  })

  it('gets one model by bare id, and 404s an unknown one in Gemini shape', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const ok = await get(gw, '/v1beta/models/gemini-2.5-flash')
      expect(ok.status).toBe(200)
      expect(await ok.json()).toMatchObject({ name: 'models/gemini-2.5-flash', supportedGenerationMethods: expect.arrayContaining(['generateContent']) })
      const missing = await get(gw, '/v1beta/models/gemini-9-ultra')
      expect(missing.status).toBe(404)
      expect(await missing.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } })
    })
  })

  it('serves v1 as it serves v1beta (the official SDK calls v1 by default)', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await post(gw, '/v1/models/gemini-2.5-flash:generateContent')
      expect(res.status).toBe(200)
      await res.text()
      const missing = await post(gw, '/v1/models/gemini-1.5-pro:generateContent')
      expect(((await missing.json()) as { error: { message: string } }).error.message).toContain('is not found for API version v1,')
    })
  })

  it('answers countTokens with the recorded CountTokensResponse', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await post(gw, '/v1beta/models/gemini-2.5-flash:countTokens')
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ totalTokens: 11, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 11 }] })
    })
  })

  it.each([
    ['models/ prefix inside the path', 'POST', '/v1beta/models/models/gemini-2.5-flash:generateContent'],
    ['models/ prefix on a model GET', 'GET', '/v1beta/models/models/gemini-2.5-flash'],
    ['doubled version segment', 'POST', '/v1beta/v1beta/models/gemini-2.5-flash:generateContent'],
    ["Vertex AI's v1beta1 instead of v1beta", 'POST', '/v1beta1/models/gemini-2.5-flash:generateContent'],
    ['v1alpha instead of v1beta', 'POST', '/v1alpha/models/gemini-2.5-flash:generateContent'],
    ['unknown method', 'POST', '/v1beta/models/gemini-2.5-flash:embedContent'],
    ['GET on a POST method', 'GET', '/v1beta/models/gemini-2.5-flash:generateContent'],
    ['trailing slash', 'GET', '/v1beta/models/'],
  ])('404s %s with Google’s HTML page, before checking the key', async (_name, method, path) => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await fetch(`${gw.url}${path}`, { method, ...(method === 'POST' ? { body: JSON.stringify({ contents: CONTENTS }) } : {}) })
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8')
      expect(await res.text()).toContain(`The requested URL <code>${path}</code> was not found`)
    })
  })
})

/** What each gateway with new-api's model list lists at GET /v1/models (sorted): a reseller's documented models, else new-api's channels here. */
const OPENAI_MODEL_LIST = (provider: Provider): string[] =>
  registry[provider].documentedModels.length > 0
    ? [...registry[provider].documentedModels].sort()
    : ['gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.5-pro', 'gemini-3.1-pro-preview']

describe.each(NEWAPI_RELAYS.filter((p) => serves(p, 'listModels')))('%s routes: the OpenAI-style model list', (provider) => {
  it('lists its models OpenAI-style at GET /v1/models', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await get(gw, '/v1/models')
      expect(res.status).toBe(200)
      const body = (await res.json()) as { object: string; data: Array<{ id: string; object: string; owned_by: string }> }
      expect(body.object).toBe('list')
      expect(body.data.map((m) => m.id).sort()).toEqual(OPENAI_MODEL_LIST(provider))
      for (const m of body.data) expect(m).toEqual({ id: m.id, object: 'model', owned_by: 'google' })
    })
  })

  it('requires the key for /v1/models too', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      expect((await get(gw, '/v1/models', {})).status).toBe(401)
    })
  })
})

describe('newapi routes: what new-api does not serve', () => {
  it.each([
    ['POST', '/v1beta/models/gemini-2.5-flash:countTokens'],
    ['GET', '/v1beta/models/gemini-2.5-flash'],
  ])('refuses %s %s with its OpenAI-shaped 404, whichever header carries the key', async (method, path) => {
    await withLocalGateway({ provider: 'newapi' }, async (gw) => {
      const keyHeaders: Array<Record<string, string>> = [{ authorization: 'Bearer local-gateway-key' }, { 'x-goog-api-key': 'local-gateway-key' }, {}]
      for (const headers of keyHeaders) {
        const res = await fetch(`${gw.url}${path}`, { method, headers, ...(method === 'POST' ? { body: JSON.stringify({ contents: CONTENTS }) } : {}) })
        expect(res.status).toBe(404)
        expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
        expect(await res.json()).toEqual({ error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: '', code: '' } })
      }
    })
  })
})

describe('anyfast routes', () => {
  it('has no model list: GET /v1/models is its OpenAI-shaped 404', async () => {
    await withLocalGateway({ provider: 'anyfast' }, async (gw) => {
      const res = await get(gw, '/v1/models')
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ error: { message: 'Invalid URL (GET /v1/models)', type: 'invalid_request_error', param: '', code: '' } })
    })
  })
})

/** Paths each relay does not serve. */
const RELAY_MISSING: Array<[string, string]> = [
  ['POST', '/v1beta/models/gemini-2.5-flash:countTokens'],
  ['GET', '/v1beta/models'],
  ['GET', '/v1beta/models/gemini-2.5-flash'],
  ['POST', '/v1beta/v1beta/models/gemini-2.5-flash:generateContent'],
  ['POST', '/v1beta/models/models/gemini-2.5-flash:generateContent'],
]

describe.each(providers.filter((p) => ['newapi', 'apimart', 'nordlys'].includes(familyOf(p))))('%s routes', (provider) => {
  it.each(['generateContent', 'streamGenerateContent?alt=sse', 'streamGenerateContent'])('serves POST :%s', async (method) => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(gw, `/v1beta/models/gemini-2.5-flash:${method}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain(method.startsWith('stream') ? 'text/event-stream' : 'application/json')
      await res.text()
    })
  })

  it.each(RELAY_MISSING)('404s %s %s', async (method, path) => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await fetch(`${gw.url}${path}`, {
        method,
        headers: authHeaders(provider),
        ...(method === 'POST' ? { body: JSON.stringify({ contents: CONTENTS }) } : {}),
      })
      expect(res.status).toBe(404)
      const body = (await res.json()) as Record<string, unknown>
      if (familyOf(provider) === 'apimart') expect(body).toEqual({ code: 404, msg: 'Not Found', data: null })
      else if (familyOf(provider) === 'nordlys')
        expect(body).toMatchObject({ error: { message: `Cannot ${method} ${path}`, request_id: expect.stringMatching(/^req_/) } })
      else expect(body).toEqual({ error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: '', code: '' } })
    })
  })
})

/**
 * `/v1` as well as `/v1beta`, where the real gateway routes it: Google serves both (@google/genai 3 calls `/v1` by
 * default), and new-api relays `POST /v1/models/*` to Gemini as it does `/v1beta/models/*` (its router/relay-router.go),
 * so its resellers do too; so do the routes in front of Google (Vertex AI's v1 beside v1beta1, Cloudflare's and
 * LiteLLM's). The others document `/v1beta` only and answer `/v1` with their own 404. A provider's spec says which
 * (`info.x-api-versions`); the paths are Google's, as each dialect spells them (helpers.ts dialectPath).
 */
const ROUTES_V1 = (provider: Provider) => (registry[provider].apiVersions as Record<string, string>).v1 !== undefined

describe.each(providers)('%s: /v1 beside /v1beta', (provider) => {
  const routed = ROUTES_V1(provider)

  it(`${routed ? 'answers' : '404s'} POST /v1/models/{model}:generateContent${routed ? ' as it answers /v1beta' : ', as it does any path it does not serve'}`, async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const beta = await post(gw, '/v1beta/models/gemini-2.5-flash:generateContent')
      const v1 = await post(gw, '/v1/models/gemini-2.5-flash:generateContent')
      const unknown = await post(gw, '/v1/no-such-route')
      if (routed) {
        expect(v1.status).toBe(200)
        expect(await v1.json()).toEqual(await beta.json())
      } else {
        expect(v1.status).toBe(unknown.status)
        expect(v1.status).toBeGreaterThanOrEqual(400)
        expect((await v1.text()).replaceAll('/v1/models/gemini-2.5-flash:generateContent', '{path}').replace(/req_[0-9a-f]+/, 'req')).toBe(
          (await unknown.text()).replaceAll('/v1/no-such-route', '{path}').replace(/req_[0-9a-f]+/, 'req'),
        )
      }
    })
  })
})

describe.each(providers.filter(ROUTES_V1))('%s: streams under /v1', (provider) => {
  it('streams POST /v1/models/{model}:streamGenerateContent?alt=sse', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(gw, '/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse')
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain('text/event-stream')
      expect((await readChunks(res)).join('')).toContain('Cheyenne')
    })
  })
})

describe('google: the other /v1 routes', () => {
  it('serves countTokens, the model list and a model under /v1, and names v1 in its not-found message', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      expect(await (await post(gw, '/v1/models/gemini-2.5-flash:countTokens')).json()).toMatchObject({ totalTokens: 11 })
      expect(await (await get(gw, '/v1/models')).json()).toEqual(await (await get(gw, '/v1beta/models')).json())
      expect(await (await get(gw, '/v1/models/gemini-2.5-flash')).json()).toMatchObject({ name: 'models/gemini-2.5-flash' })
      const missing = await post(gw, '/v1/models/gemini-1.5-pro:generateContent')
      expect(missing.status).toBe(404)
      expect(await missing.json()).toMatchObject({ error: { status: 'NOT_FOUND', message: expect.stringContaining('is not found for API version v1,') } })
    })
  })
})

describe('newapi: the key on /v1/models/*', () => {
  it('reads x-goog-api-key and ?key= there too, as on /v1beta (its TokenAuth)', async () => {
    await withLocalGateway({ provider: 'newapi' }, async (gw) => {
      expect((await post(gw, '/v1/models/gemini-2.5-flash:generateContent', { contents: CONTENTS }, { 'x-goog-api-key': 'local-gateway-key' })).status).toBe(
        200,
      )
      expect((await post(gw, '/v1/models/gemini-2.5-flash:generateContent?key=local-gateway-key', { contents: CONTENTS }, {})).status).toBe(200)
      expect((await post(gw, '/v1/models/gemini-2.5-flash:generateContent', { contents: CONTENTS }, { 'x-goog-api-key': 'wrong' })).status).toBe(401)
    })
  })
})
