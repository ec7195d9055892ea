/**
 * CORS on the local gateway, so that a page in a real browser can call it: preflights are answered (204, the
 * requested headers echoed, no key needed, never recorded, the failure queue untouched) and every answer,
 * errors included, is readable cross-origin.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { describe, expect, it } from 'vitest'
import { createClient, providers, type GeminiGatewayError, type Provider } from '../../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, withLocalGateway } from '../../src/local-gateway/index.ts'
import { keyHeader } from '../support/registry.ts'

const ORIGIN = 'http://127.0.0.1:5173'
const CONTENTS = [{ role: 'user', parts: [{ text: 'Hello' }] }]

/** One raw HTTP exchange (node:http, so that `Origin` and the preflight headers go out exactly as written). */
function exchange(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

const preflight = (url: string, extra: Record<string, string> = {}) =>
  exchange(url, 'OPTIONS', { origin: ORIGIN, 'access-control-request-method': 'POST', ...extra })

/** The headers a browser's client sends per dialect, as it lists them in a preflight (lower case, sorted): its key's and content-type. */
const REQUESTED = (provider: Provider): string => [keyHeader(provider), 'content-type'].sort().join(',')

describe.each(providers)('CORS preflight: %s', (provider) => {
  it('answers 204 with any origin, the methods, and the requested headers echoed, without a key or a record', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await preflight(`${gw.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
        'access-control-request-headers': REQUESTED(provider),
      })
      expect(res.status).toBe(204)
      expect(res.body).toBe('')
      expect(res.headers['access-control-allow-origin']).toBe('*')
      expect(res.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS')
      expect(res.headers['access-control-allow-headers']).toBe(REQUESTED(provider))
      expect(gw.requests).toEqual([])
    })
  })
})

describe('CORS preflight details', () => {
  it('allows any header when none is named, and answers Private Network Access', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const plain = await preflight(`${gw.url}/v1beta/models`)
      expect(plain.status).toBe(204)
      expect(plain.headers['access-control-allow-headers']).toBe('*')
      expect(plain.headers['access-control-allow-private-network']).toBeUndefined()
      const pna = await preflight(`${gw.url}/v1beta/models`, { 'access-control-request-private-network': 'true' })
      expect(pna.headers['access-control-allow-private-network']).toBe('true')
      expect(gw.requests).toEqual([])
    })
  })

  it('leaves queued failures for the real request', async () => {
    await withLocalGateway({ provider: 'anyfast' }, async (gw) => {
      gw.fail('rate-limit')
      expect((await preflight(`${gw.url}/v1beta/models/gemini-2.5-flash:generateContent`)).status).toBe(204)
      const res = await exchange(
        `${gw.url}/v1beta/models/gemini-2.5-flash:generateContent`,
        'POST',
        {
          origin: ORIGIN,
          authorization: `Bearer ${LOCAL_GATEWAY_API_KEY}`,
          'content-type': 'application/json',
        },
        JSON.stringify({ contents: CONTENTS }),
      )
      expect(res.status).toBe(429)
      expect(res.headers['access-control-allow-origin']).toBe('*')
      expect(res.headers['access-control-expose-headers']).toBe('*')
      expect(gw.requests).toHaveLength(1)
      expect(gw.requests[0]!.method).toBe('POST')
    })
  })
})

describe.each(providers)('CORS on every answer: %s', (provider) => {
  it('successes (unary and stream), auth errors and unknown routes are all readable cross-origin', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const seen: Headers[] = []
      const fetch: typeof globalThis.fetch = async (input, init) => {
        const res = await globalThis.fetch(input, init)
        seen.push(res.headers)
        return res
      }
      const client = createClient({ provider, apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gw.url, fetch, maxRetries: 0 })
      await client.generateContent({ model: 'gemini-2.5-flash', contents: CONTENTS })
      for await (const _ of client.streamGenerateContent({ model: 'gemini-2.5-flash', contents: CONTENTS })) void _
      const wrong = createClient({ provider, apiKey: 'not-the-key', baseUrl: gw.url, fetch, maxRetries: 0 })
      const error = await wrong.generateContent({ model: 'gemini-2.5-flash', contents: CONTENTS }).catch((e: GeminiGatewayError) => e)
      expect(error).toMatchObject({ status: expect.any(Number) })
      seen.push((await globalThis.fetch(`${gw.url}/no/such/route`)).headers)
      expect(seen).toHaveLength(4)
      for (const headers of seen) {
        expect(headers.get('access-control-allow-origin')).toBe('*')
        expect(headers.get('access-control-expose-headers')).toBe('*')
      }
    })
  })
})
