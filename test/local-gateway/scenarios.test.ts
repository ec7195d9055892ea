import { describe, expect, it } from 'vitest'
import { providers, withLocalGateway, type FailureScenario, type LocalGateway, type Provider } from '../../src/local-gateway/index.ts'
import { familyOf, PLAIN_NEWAPI, perProvider } from '../support/registry.ts'
import { authHeaders, generatePath, hasFinishReason, post, sseEvents } from './helpers.ts'

type ErrorScenario = Extract<FailureScenario, 'rate-limit' | 'overloaded' | 'server-error' | 'error-200' | 'unknown-model' | 'auth'>

/** Each scenario's HTTP status, per dialect (a reseller answers as its relay does). */
const STATUS: Record<ErrorScenario, Record<Provider, number>> = {
  'rate-limit': perProvider({ google: 429, vertex: 429, cloudflare: 429, litellm: 429, newapi: 429, apimart: 429, nordlys: 429 }),
  overloaded: perProvider({ google: 503, vertex: 503, cloudflare: 503, litellm: 503, newapi: 503, apimart: 503, nordlys: 503 }),
  'server-error': perProvider({ google: 500, vertex: 500, cloudflare: 500, litellm: 500, newapi: 500, apimart: 500, nordlys: 500 }),
  'error-200': perProvider({ google: 200, vertex: 200, cloudflare: 200, litellm: 200, newapi: 200, apimart: 200, nordlys: 200 }),
  'unknown-model': perProvider({ google: 404, vertex: 404, cloudflare: 404, litellm: 404, newapi: 503, apimart: 404, nordlys: 404 }),
  auth: perProvider({ google: 400, vertex: 400, cloudflare: 400, litellm: 401, newapi: 401, apimart: 401, nordlys: 401 }),
}

/** The shape an error body has, per dialect and scenario: Google's own, or the gateway's. */
function shapeOf(provider: Provider, scenario: ErrorScenario): string {
  const family = familyOf(provider)
  if (family === 'cloudflare') return scenario === 'rate-limit' ? 'cloudflare' : 'google'
  if (family === 'litellm') return scenario === 'auth' ? 'litellm' : 'google'
  return family === 'vertex' ? 'google' : family
}

/** Dialects that answer Google's bytes (its errors and streams passed on). */
const GOOGLE_LIKE = providers.filter((p) => ['google', 'vertex', 'cloudflare', 'litellm'].includes(familyOf(p)))
/** Dialects that write their own JSON errors (relays). */
const RELAYS = providers.filter((p) => ['newapi', 'apimart', 'nordlys'].includes(familyOf(p)))

/** Google status names by scenario. */
const GOOGLE_STATUS: Record<ErrorScenario, [number, string]> = {
  'rate-limit': [429, 'RESOURCE_EXHAUSTED'],
  overloaded: [503, 'UNAVAILABLE'],
  'server-error': [500, 'INTERNAL'],
  'error-200': [500, 'INTERNAL'],
  'unknown-model': [404, 'NOT_FOUND'],
  auth: [400, 'INVALID_ARGUMENT'],
}

/** The error body has the dialect's shape. */
function expectShape(provider: Provider, scenario: ErrorScenario, text: string, contentType: string | null) {
  const body = JSON.parse(text) as Record<string, any>
  switch (shapeOf(provider, scenario)) {
    case 'cloudflare':
      expect(body).toEqual({ success: false, error: [{ code: 2003, message: 'Rate limited' }], name: 'AiGatewayError', httpCode: 429 })
      return
    case 'litellm':
      expect(body).toEqual({ error: { message: expect.stringContaining('Authentication Error'), type: 'token_not_found_in_db', param: 'key', code: '401' } })
      return
    case 'google': {
      const [code, status] = GOOGLE_STATUS[scenario]
      expect(contentType).toBe('application/json; charset=UTF-8')
      expect(text).toMatch(/^\{\n {2}"error": \{\n {4}"code": /) // pretty, keys in Google's order
      expect(text.endsWith('}\n')).toBe(true)
      expect(Object.keys(body.error).slice(0, 3)).toEqual(['code', 'message', 'status'])
      expect(body.error).toMatchObject({ code, status, message: expect.any(String) })
      return
    }
    case 'newapi':
      expect(Object.keys(body.error)).toEqual(['message', 'type', 'param', 'code'])
      expect(body.error.message).toEqual(expect.any(String))
      expect(['string', 'number']).toContain(typeof body.error.code)
      return
    case 'apimart':
      expect(Object.keys(body)).toEqual(['code', 'msg', 'data'])
      expect(body.data).toBeNull()
      expect(body.code).toBe(scenario === 'error-200' ? 503 : STATUS[scenario][provider])
      return
    case 'nordlys':
      if (scenario === 'auth') expect(body).toEqual({ error: 'Authentication required' })
      else expect(body.error).toEqual({ message: expect.any(String), request_id: expect.stringMatching(/^req_/) })
      return
    default:
      throw new Error(`no error shape known for ${provider}`)
  }
}

const ERROR_SCENARIOS = Object.keys(STATUS) as ErrorScenario[]

describe.each(providers)('%s error scenarios', (provider) => {
  it.each(ERROR_SCENARIOS)('%s via fail(): status and body shape', async (scenario) => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail(scenario)
      const res = await post(gw, generatePath())
      expect(res.status).toBe(STATUS[scenario][provider])
      expectShape(provider, scenario, await res.text(), res.headers.get('content-type'))
      // Only the next request fails.
      expect((await post(gw, generatePath())).status).toBe(200)
    })
  })

  it.each(ERROR_SCENARIOS)('%s via x-local-gateway-scenario header', async (scenario) => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(gw, generatePath(), undefined, { ...authHeaders(provider), 'x-local-gateway-scenario': scenario })
      expect(res.status).toBe(STATUS[scenario][provider])
      expectShape(provider, scenario, await res.text(), res.headers.get('content-type'))
    })
  })

  it('rate-limit sends Retry-After: 1', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('rate-limit')
      const res = await post(gw, generatePath())
      expect(res.headers.get('retry-after')).toBe('1')
      const body = (await res.json()) as { error?: { details?: unknown[] } }
      if (shapeOf(provider, 'rate-limit') === 'google') {
        expect(body.error?.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' })
      }
    })
  })

  it('bad-gateway-html is a 502 nginx page', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('bad-gateway-html')
      const res = await post(gw, generatePath())
      expect(res.status).toBe(502)
      expect(res.headers.get('content-type')).toBe('text/html')
      expect(await res.text()).toContain('<center><h1>502 Bad Gateway</h1></center>')
    })
  })

  it('envelope-error is HTTP 200 with an error envelope', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('envelope-error')
      const res = await post(gw, generatePath())
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ code: 500, msg: 'upstream error', data: null })
    })
  })

  it('reset destroys the socket before any header', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('reset')
      await expect(post(gw, generatePath())).rejects.toThrow(TypeError)
    })
  })

  it('stall sends 200 headers and then nothing', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('stall', 2)
      const unary = await post(gw, generatePath(), undefined, undefined, { signal: AbortSignal.timeout(300) })
      expect(unary.status).toBe(200)
      await expect(unary.text()).rejects.toMatchObject({ name: 'TimeoutError' })
      const stream = await post(gw, generatePath('gemini-2.5-flash', true), undefined, undefined, { signal: AbortSignal.timeout(300) })
      expect(stream.headers.get('content-type')).toContain('text/event-stream')
      await expect(stream.text()).rejects.toMatchObject({ name: 'TimeoutError' })
    })
  })

  it('stream-cut on a unary call: half the JSON, then a dead socket', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('stream-cut')
      const res = await post(gw, generatePath())
      expect(res.status).toBe(200)
      await expect(res.text()).rejects.toThrow()
    })
  })

  it('stream-error-midway on a unary call answers the overloaded error', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('stream-error-midway')
      expect((await post(gw, generatePath())).status).toBe(503)
    })
  })
})

const streamPath = generatePath('gemini-2.5-flash', true)
const rawStream = async (gw: LocalGateway) => {
  const res = await post(gw, streamPath)
  expect(res.status).toBe(200)
  return res.text()
}

describe('stream-error-midway per dialect', () => {
  it.each(GOOGLE_LIKE)("%s: two events, then bare pretty JSON without data: framing (Google's, passed on)", async (provider) => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('stream-error-midway')
      const raw = await rawStream(gw)
      const [first, second, tail] = raw.split('\r\n\r\n')
      expect(first?.startsWith('data: {')).toBe(true)
      expect(second?.startsWith('data: {')).toBe(true)
      expect(tail).toMatch(/^\{\n {2}"error": \{\n {4}"code": 503,/)
      expect(JSON.parse(tail ?? '')).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } })
    })
  })

  it.each(RELAYS.filter((p) => familyOf(p) !== 'nordlys'))('%s: a data: {"error":...} event and no [DONE]', async (provider) => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('stream-error-midway')
      const raw = await rawStream(gw)
      const events = sseEvents(raw)
      expect(events).toHaveLength(3)
      expect(events[2]).toHaveProperty('error')
      expect(raw.endsWith('}\n\n')).toBe(true)
      expect(raw).not.toContain('[DONE]')
      expect(hasFinishReason(events)).toBe(false)
    })
  })

  it('nordlys: the stream just ends after two events', async () => {
    await withLocalGateway({ provider: 'nordlys' }, async (gw) => {
      gw.fail('stream-error-midway')
      const events = sseEvents(await rawStream(gw))
      expect(events).toHaveLength(2)
      expect(events.some((e) => 'error' in e)).toBe(false)
      expect(hasFinishReason(events)).toBe(false)
    })
  })
})

describe.each(providers)('%s stream-cut', (provider) => {
  it('ends the stream normally without the final chunk', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('stream-cut')
      const raw = await rawStream(gw)
      const events = sseEvents(raw)
      expect(events).toHaveLength(2)
      expect(hasFinishReason(events)).toBe(false)
      // new-api relays and LiteLLM still close with [DONE]: a [DONE] does not prove the answer is complete.
      expect(raw.includes('[DONE]')).toBe(['newapi', 'litellm'].includes(familyOf(provider)))
    })
  })
})

describe('errors before a stream starts', () => {
  it.each(GOOGLE_LIKE)("%s: Google's plain pretty JSON labelled text/event-stream", async (provider) => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('overloaded')
      const res = await post(gw, streamPath)
      expect(res.status).toBe(503)
      expect(res.headers.get('content-type')).toBe('text/event-stream')
      const text = await res.text()
      expect(text.startsWith('{\n  "error"')).toBe(true)
      expect(JSON.parse(text)).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } })
    })
  })

  it.each(RELAYS)('%s: plain JSON with the error status', async (provider) => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('server-error')
      const res = await post(gw, streamPath)
      expect(res.status).toBe(500)
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expectShape(provider, 'server-error', await res.text(), res.headers.get('content-type'))
    })
  })
})

describe.each(PLAIN_NEWAPI)('new-api error codes: %s', (provider) => {
  it('uses a number for one scenario and a string for another', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      gw.fail('rate-limit')
      gw.fail('overloaded')
      const a = (await (await post(gw, generatePath())).json()) as { error: { code: unknown } }
      const b = (await (await post(gw, generatePath())).json()) as { error: { code: unknown } }
      expect(a.error.code).toBe(429)
      expect(b.error.code).toBe('bad_response_status_code')
    })
  })
})
