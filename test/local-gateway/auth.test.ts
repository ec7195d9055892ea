import { describe, expect, it } from 'vitest'
import { LOCAL_GATEWAY_PROVIDERS, withLocalGateway, type LocalGatewayProvider } from '../../src/local-gateway/index.ts'
import { authHeaders, CONTENTS, generatePath, post } from './helpers.ts'

/** What each gateway answers to a wrong key. */
const WRONG_KEY: Record<LocalGatewayProvider, { status: number; body: unknown }> = {
  google: {
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
  },
  infinityblue: { status: 401, body: { error: { message: 'Invalid token', type: 'new_api_error', param: '', code: 'invalid_api_key' } } },
  anyfast: { status: 401, body: { error: { message: 'Invalid token', type: 'new_api_error', param: '', code: 'invalid_api_key' } } },
  apimart: { status: 401, body: { code: 401, msg: expect.stringContaining('invalid API key'), data: null } },
  nordlys: { status: 401, body: { error: 'Authentication required' } },
}

/** A header that carries the right key, but the wrong way for that dialect. */
const FOREIGN_HEADER: Record<LocalGatewayProvider, Record<string, string>> = {
  google: { authorization: 'Bearer local-gateway-key' },
  infinityblue: { 'x-goog-api-key': 'local-gateway-key' },
  anyfast: { 'x-api-key': 'local-gateway-key' },
  apimart: { 'x-goog-api-key': 'local-gateway-key' },
  nordlys: { authorization: 'Bearer local-gateway-key' },
}

describe.each(LOCAL_GATEWAY_PROVIDERS)('auth: %s', (provider) => {
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
      if (provider === 'google') {
        // Google: no key at all is a 403, not the 400 of a bad key.
        expect(res.status).toBe(403)
        expect(body).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } })
      } else {
        expect(res.status).toBe(401)
        expect(res.status).toBe(WRONG_KEY[provider].status)
      }
    })
  })

  it('refuses ?key= even with the right header, and redacts it in the log', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(gw, `${generatePath()}?key=local-gateway-key`)
      expect(res.status).toBe(WRONG_KEY[provider].status)
      await res.text()
      expect(gw.requests[0]?.query).toEqual({ key: '[REDACTED]' })
      expect(JSON.stringify(gw.requests)).not.toContain('local-gateway-key')
    })
  })

  it("refuses the right key in another dialect's header", async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(gw, generatePath(), { contents: CONTENTS }, FOREIGN_HEADER[provider])
      const body = (await res.json()) as Record<string, unknown>
      if (provider === 'google') {
        // Google reads Bearer as an OAuth token.
        expect(res.status).toBe(401)
        expect(body).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } })
      } else {
        expect(res.status).toBe(401)
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
