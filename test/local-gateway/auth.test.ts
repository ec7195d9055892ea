import { describe, expect, it } from 'vitest'
import { providers, withLocalGateway } from '../../src/local-gateway/index.ts'
import { familyOf, NEWAPI_RELAYS, perProvider } from '../support/registry.ts'
import { authHeaders, CONTENTS, generatePath, KEY, post } from './helpers.ts'

/** Google's answer to a bad key (its errorInfo's service may name Vertex AI's). */
const googleBadKey = {
  status: 400,
  body: {
    error: {
      code: 400,
      message: 'API key not valid. Please pass a valid API key.',
      status: 'INVALID_ARGUMENT',
      details: expect.arrayContaining([
        expect.objectContaining({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }),
      ]),
    },
  },
}

/** What each gateway answers to a wrong key (keyed by dialect: a reseller answers as its relay does). */
const WRONG_KEY = perProvider<{ status: number; body: unknown }>({
  google: googleBadKey,
  vertex: googleBadKey,
  // Cloudflare passes Google's answer on.
  cloudflare: googleBadKey,
  newapi: { status: 401, body: { error: { message: 'Invalid token', type: 'new_api_error', param: '', code: 'invalid_api_key' } } },
  apimart: { status: 401, body: { code: 401, msg: expect.stringContaining('invalid API key'), data: null } },
  nordlys: { status: 401, body: { error: 'Authentication required' } },
  litellm: {
    status: 401,
    body: {
      error: {
        message: expect.stringContaining('Authentication Error, Invalid proxy server token passed. Received API Key = '),
        type: 'token_not_found_in_db',
        param: 'key',
        code: '401',
      },
    },
  },
})

/** What each gateway answers to no key at all, where that differs from a wrong key. */
const NO_KEY = perProvider<{ status: number; body: unknown } | undefined>({
  // Google: no key at all is a 403, not the 400 of a bad key.
  google: { status: 403, body: expect.objectContaining({ error: expect.objectContaining({ code: 403, status: 'PERMISSION_DENIED' }) }) },
  vertex: { status: 401, body: expect.objectContaining({ error: expect.objectContaining({ code: 401, status: 'UNAUTHENTICATED' }) }) },
  cloudflare: { status: 403, body: expect.objectContaining({ error: expect.objectContaining({ code: 403, status: 'PERMISSION_DENIED' }) }) },
  litellm: { status: 401, body: { error: { message: 'Authentication Error, No api key passed in.', type: 'auth_error', param: 'None', code: '401' } } },
  newapi: undefined,
  apimart: undefined,
  nordlys: undefined,
})

/** A header that carries the right key, but the wrong way for that dialect. */
const FOREIGN_HEADER = perProvider<Record<string, string>>({
  google: { authorization: 'Bearer local-gateway-key' },
  vertex: { authorization: 'Bearer local-gateway-key' },
  cloudflare: { authorization: 'Bearer local-gateway-key' },
  // LiteLLM's Gemini route reads no Authorization header.
  litellm: { authorization: 'Bearer local-gateway-key' },
  // new-api also reads x-goog-api-key (see below), never X-API-Key.
  newapi: { 'x-api-key': 'local-gateway-key' },
  apimart: { 'x-goog-api-key': 'local-gateway-key' },
  nordlys: { authorization: 'Bearer local-gateway-key' },
})
/** The dialects whose answer is Google's, which reads a Bearer value as an OAuth token. */
const OAUTH_READERS = new Set(['google', 'vertex', 'cloudflare'])
/** How a key in another dialect's header is refused: Google reads Bearer as an OAuth token (401 UNAUTHENTICATED). */
const FOREIGN_STATUS = perProvider<number>({ google: 401, vertex: 401, cloudflare: 401, litellm: 401, newapi: 401, apimart: 401, nordlys: 401 })

describe.each(providers)('auth: %s', (provider) => {
  it('accepts the key in its own header', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(gw, generatePath())
      expect(res.status).toBe(200)
      await res.text()
    })
  })

  it('rejects a wrong key with its own auth error', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(gw, generatePath(), { contents: CONTENTS }, authHeaders(provider, 'nope'))
      expect(res.status).toBe(WRONG_KEY[provider].status)
      expect(await res.json()).toEqual(WRONG_KEY[provider].body)
    })
  })

  it('rejects a request without a key', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(gw, generatePath(), { contents: CONTENTS }, {})
      const body = (await res.json()) as Record<string, unknown>
      const expected = NO_KEY[provider]
      if (expected) {
        expect(res.status).toBe(expected.status)
        expect(body).toEqual(expected.body)
      } else {
        expect(res.status).toBe(401)
        expect(res.status).toBe(WRONG_KEY[provider].status)
      }
    })
  })

  if (provider === 'newapi') {
    // new-api reads ?key= on its native Gemini paths, but a key header wins over it.
    it('lets the header win over a wrong ?key=, and redacts it in the log', async () => {
      await withLocalGateway({ provider }, async (gw) => {
        const res = await post(gw, `${generatePath()}?key=not-the-key`)
        expect(res.status).toBe(200)
        await res.text()
        expect(gw.requests[0]?.query).toEqual({ key: '[REDACTED]' })
        expect(JSON.stringify(gw.requests)).not.toContain('not-the-key')
      })
    })
  } else {
    it('refuses ?key= even with the right header, and redacts it in the log', async () => {
      await withLocalGateway({ provider }, async (gw) => {
        const res = await post(gw, `${generatePath()}?key=local-gateway-key`)
        expect(res.status).toBe(WRONG_KEY[provider].status)
        await res.text()
        expect(gw.requests[0]?.query).toEqual({ key: '[REDACTED]' })
        expect(JSON.stringify(gw.requests)).not.toContain('local-gateway-key')
      })
    })
  }

  it("refuses the right key in another dialect's header", async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(gw, generatePath(), { contents: CONTENTS }, FOREIGN_HEADER[provider])
      const body = (await res.json()) as Record<string, unknown>
      expect(res.status).toBe(FOREIGN_STATUS[provider])
      // Google (and what passes its answers on) reads Bearer as an OAuth token.
      if (OAUTH_READERS.has(familyOf(provider))) {
        expect(body).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } })
      }
    })
  })

  it('honours a custom apiKey and redacts key headers in requests', async () => {
    await withLocalGateway({ provider, apiKey: 'sk-custom' }, async (gw) => {
      expect((await post(gw, generatePath(), undefined, authHeaders(provider, 'sk-custom'))).status).toBe(200)
      expect((await post(gw, generatePath())).status).toBe(WRONG_KEY[provider].status)
      const [first] = gw.requests
      const headerName = Object.keys(authHeaders(provider))[0] ?? ''
      expect(first?.headers[headerName]).toBe('[REDACTED]')
      expect(JSON.stringify(gw.requests)).not.toContain('sk-custom')
    })
  })
})

describe('auth: newapi reads the key where new-api does', () => {
  const KEY_HEADERS: Array<[string, Record<string, string>]> = [
    ['Authorization: Bearer', { authorization: `Bearer ${KEY}` }],
    ['x-goog-api-key', { 'x-goog-api-key': KEY }],
  ]

  it.each(KEY_HEADERS)('accepts the key in %s (unary and stream), and redacts it in the log', async (_name, headers) => {
    await withLocalGateway({ provider: 'newapi' }, async (gw) => {
      const unary = await post(gw, generatePath(), { contents: CONTENTS }, headers)
      expect(unary.status).toBe(200)
      await unary.text()
      const stream = await post(gw, generatePath('gemini-2.5-flash', true), { contents: CONTENTS }, headers)
      expect(stream.status).toBe(200)
      expect(stream.headers.get('content-type')).toContain('text/event-stream')
      await stream.text()
      const headerName = Object.keys(headers)[0] ?? ''
      expect(gw.requests.map((r) => r.headers[headerName])).toEqual(['[REDACTED]', '[REDACTED]'])
      expect(JSON.stringify(gw.requests)).not.toContain(KEY)
    })
  })

  it.each(KEY_HEADERS)('refuses a wrong key in %s with its 401', async (_name, headers) => {
    await withLocalGateway({ provider: 'newapi', apiKey: 'sk-custom' }, async (gw) => {
      const res = await post(gw, generatePath(), { contents: CONTENTS }, headers)
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual(WRONG_KEY.newapi.body)
    })
  })

  it('takes ?key= when no header carries a key, and keeps it out of the log', async () => {
    await withLocalGateway({ provider: 'newapi' }, async (gw) => {
      const res = await post(gw, `${generatePath()}?key=${KEY}`, { contents: CONTENTS }, {})
      expect(res.status).toBe(200)
      await res.text()
      expect(gw.requests[0]?.query).toEqual({ key: '[REDACTED]' })
      expect(JSON.stringify(gw.requests)).not.toContain(KEY)
    })
  })

  it.each(KEY_HEADERS)('lets a wrong key in %s win over the right ?key=', async (_name, headers) => {
    await withLocalGateway({ provider: 'newapi', apiKey: 'sk-custom' }, async (gw) => {
      const wrong = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(KEY, 'not-the-key')]))
      const res = await post(gw, `${generatePath()}?key=sk-custom`, { contents: CONTENTS }, wrong)
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual(WRONG_KEY.newapi.body)
    })
  })

  it('answers no key at all with 401 "No token provided"', async () => {
    await withLocalGateway({ provider: 'newapi' }, async (gw) => {
      const res = await post(gw, generatePath(), { contents: CONTENTS }, {})
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ error: { message: 'No token provided', type: 'new_api_error', param: '', code: 'invalid_api_key' } })
    })
  })

  it('reads x-goog-api-key and ?key= only on the native Gemini paths: GET /v1/models wants Bearer', async () => {
    await withLocalGateway({ provider: 'newapi' }, async (gw) => {
      expect((await fetch(`${gw.url}/v1/models`, { headers: { 'x-goog-api-key': KEY } })).status).toBe(401)
      expect((await fetch(`${gw.url}/v1/models?key=${KEY}`)).status).toBe(401)
      expect((await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200)
    })
  })
})

describe.each(NEWAPI_RELAYS.filter((p) => p !== 'newapi'))('auth: %s takes only the Bearer its docs show', (provider) => {
  it('refuses the key in x-goog-api-key and in ?key=, which a bare new-api would take', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      expect((await post(gw, generatePath(), { contents: CONTENTS }, { 'x-goog-api-key': KEY })).status).toBe(401)
      expect((await post(gw, `${generatePath()}?key=${KEY}`, { contents: CONTENTS }, {})).status).toBe(401)
    })
  })
})
