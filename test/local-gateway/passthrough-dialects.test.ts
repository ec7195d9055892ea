// The three dialects that pass Google's own API on: Vertex AI in express mode, Cloudflare AI Gateway's
// google-ai-studio route, and LiteLLM's /gemini pass-through. Real HTTP to the local gateway, nothing mocked.
import { describe, expect, it } from 'vitest'
import { withLocalGateway } from '../../src/local-gateway/index.ts'
import { CONTENTS, generatePath, hasFinishReason, KEY, post, readChunks, sseEvents } from './helpers.ts'

describe('vertex: express mode', () => {
  it('serves v1beta1 and v1 under publishers/google/models, and answers with createTime, responseId and trafficType', async () => {
    await withLocalGateway({ provider: 'vertex' }, async (gw) => {
      for (const version of ['v1beta1', 'v1']) {
        const res = await fetch(`${gw.url}/${version}/publishers/google/models/gemini-2.5-flash:generateContent`, {
          method: 'POST',
          headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
          body: JSON.stringify({ contents: CONTENTS }),
        })
        expect(res.status, version).toBe(200)
        const body = (await res.json()) as Record<string, any>
        expect(body.usageMetadata.trafficType).toBe('ON_DEMAND')
        expect(typeof body.createTime).toBe('string')
        expect(typeof body.responseId).toBe('string')
      }
      // Google AI's paths are not Vertex's.
      expect((await fetch(`${gw.url}/v1beta/models/gemini-2.5-flash:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': KEY } })).status).toBe(404)
    })
  })

  it('answers an API key at the model list with 401: express mode has none', async () => {
    await withLocalGateway({ provider: 'vertex' }, async (gw) => {
      const res = await fetch(`${gw.url}/v1beta1/publishers/google/models`, { headers: { 'x-goog-api-key': KEY } })
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({
        error: { code: 401, status: 'UNAUTHENTICATED', message: expect.stringContaining('API keys are not supported by this API') },
      })
    })
  })

  it('refuses a field only Google AI knows, naming where, as Google parses proto JSON', async () => {
    await withLocalGateway({ provider: 'vertex' }, async (gw) => {
      const res = await post(gw, generatePath(), { contents: [...CONTENTS, { role: 'model', parts: [{ toolCall: { id: 't' } }] }] })
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({
        error: {
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: `Invalid JSON payload received. Unknown name "toolCall" at 'contents[1].parts[0]': Cannot find field.`,
        },
      })
    })
  })

  it('counts tokens with billable characters', async () => {
    await withLocalGateway({ provider: 'vertex' }, async (gw) => {
      const res = await post(gw, '/v1beta/models/gemini-2.5-flash:countTokens')
      expect(gw.requests[0]!.path).toBe('/v1beta1/publishers/google/models/gemini-2.5-flash:countTokens')
      const body = (await res.json()) as Record<string, unknown>
      expect(body).toMatchObject({ totalTokens: 11, totalBillableCharacters: 44, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 11 }] })
      // Google AI's cached-content count is not Vertex's.
      expect(body).not.toHaveProperty('cachedContentTokenCount')
    })
  })
})

describe('cloudflare: the google-ai-studio route', () => {
  it('serves Google under /v1/{account}/{gateway}/google-ai-studio for any ids, with its cf-aig headers', async () => {
    await withLocalGateway({ provider: 'cloudflare' }, async (gw) => {
      expect(new URL(gw.url).pathname).toBe('/v1/local-account/local-gateway/google-ai-studio')
      const res = await fetch(`${new URL(gw.url).origin}/v1/acc-9/gw-9/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent`, {
        method: 'POST',
        headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ contents: CONTENTS }),
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('cf-aig-cache-status')).toBe('MISS')
      expect(res.headers.get('cf-aig-log-id')).toMatch(/^[0-9A-F]{26}$/)
      await res.text()
      // Outside the route: nothing of Google's there.
      expect(
        (await fetch(`${new URL(gw.url).origin}/v1beta/models/gemini-2.5-flash:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': KEY } }))
          .status,
      ).toBe(404)
    })
  })

  it('an authenticated gateway wants its token, answers without it in its own body, and with it needs no Google key', async () => {
    await withLocalGateway({ provider: 'cloudflare', gatewayToken: 'cf-tok' }, async (gw) => {
      const without = await post(gw, generatePath())
      expect(without.status).toBe(401)
      expect(await without.json()).toEqual({ success: false, error: [{ code: 2009, message: 'Unauthorized' }], name: 'AiGatewayError', httpCode: 401 })
      const tokenOnly = await post(gw, generatePath(), { contents: CONTENTS }, { 'cf-aig-authorization': 'Bearer cf-tok' })
      expect(tokenOnly.status).toBe(200)
      await tokenOnly.text()
      const wrongKey = await post(gw, generatePath(), { contents: CONTENTS }, { 'cf-aig-authorization': 'Bearer cf-tok', 'x-goog-api-key': 'nope' })
      expect(wrongKey.status).toBe(400) // Google's own answer to a bad key, passed on
      await wrongKey.text()
      expect(gw.requests.map((r) => r.headers['cf-aig-authorization'])).toEqual([undefined, '[REDACTED]', '[REDACTED]'])
    })
  })

  it('its own rate limit comes in its own body', async () => {
    await withLocalGateway({ provider: 'cloudflare' }, async (gw) => {
      gw.fail('rate-limit')
      const res = await post(gw, generatePath())
      expect(res.status).toBe(429)
      expect(await res.json()).toEqual({ success: false, error: [{ code: 2003, message: 'Rate limited' }], name: 'AiGatewayError', httpCode: 429 })
    })
  })
})

describe('litellm: the /gemini pass-through', () => {
  it("serves Google under /gemini; the proxy root is FastAPI's 404", async () => {
    await withLocalGateway({ provider: 'litellm' }, async (gw) => {
      expect(new URL(gw.url).pathname).toBe('/')
      const res = await post(gw, generatePath())
      expect(gw.requests[0]!.path).toBe('/gemini/v1beta/models/gemini-2.5-flash:generateContent')
      expect(res.status).toBe(200)
      await res.text()
      const root = await fetch(`${gw.url}/v1beta/models/gemini-2.5-flash:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': KEY } })
      expect(root.status).toBe(404)
      expect(await root.json()).toEqual({ detail: 'Not Found' })
    })
  })

  it('reads the virtual key in x-goog-api-key only: Authorization is not read on this route', async () => {
    await withLocalGateway({ provider: 'litellm' }, async (gw) => {
      const res = await post(gw, generatePath(), { contents: CONTENTS }, { authorization: `Bearer ${KEY}` })
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ error: { message: 'Authentication Error, No api key passed in.', type: 'auth_error', param: 'None', code: '401' } })
    })
  })

  it('relays a stream split inside its frames, then data: [DONE]', async () => {
    await withLocalGateway({ provider: 'litellm', chunkDelayMs: 20 }, async (gw) => {
      const chunks = await readChunks(await post(gw, generatePath('gemini-2.5-flash', true)))
      // Three events, each in two writes cut inside its JSON, and the [DONE] line.
      expect(chunks).toHaveLength(7)
      for (const chunk of chunks.slice(0, 6)) expect(() => JSON.parse(chunk.replace(/^data: /, '').trim())).toThrow()
      expect(chunks.at(-1)).toBe('data: [DONE]\n\n')
      const events = sseEvents(chunks.join(''))
      expect(events).toHaveLength(3)
      expect(hasFinishReason(events.slice(-1))).toBe(true)
    })
  })
})
