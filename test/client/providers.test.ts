// The public client against the local gateway speaking each provider's dialect: real HTTP on loopback.
import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  APIStatusError,
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  GeminiGatewayError,
  InternalServerError,
  ModelUnavailableError,
  NotFoundError,
  RateLimitError,
  RequestValidationError,
  createClient,
  text,
  type Model,
  type Provider,
} from '../../src/index.ts'
import { registry } from '../../generated/registry.ts'
import { createGoogleClient } from '../../src/providers/google.ts'
import { createNordlysClient } from '../../src/providers/nordlys.ts'
import { startLocalGateway, type FailureScenario, type LocalGateway } from '../../src/local-gateway/index.ts'
import { CONTENTS, ENV_KEYS, KEY, MODEL, NEWAPI_RELAYS, PROVIDERS, WRONG_KEY, caught, clientFor, observingFetch } from './helpers.ts'
import { CREDENTIAL_ENV, familyOf, keyHeader, pathOf, rowFor } from '../support/registry.ts'

const recording = (name: string) => JSON.parse(readFileSync(new URL(`../../src/local-gateway/recordings/${name}`, import.meta.url), 'utf8'))
/** The default answer as served to a request for MODEL: the recording, with the model asked for in modelVersion. */
const DEFAULT_UNARY = { ...recording('unary-success-basic-reply-short.json'), modelVersion: MODEL }
const DEFAULT_TEXT = "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n"

/**
 * The header that must carry the key, and its exact value: the spec's first security scheme (newapi also reads
 * x-goog-api-key; the client sends the first).
 */
const AUTH = (provider: Provider): [name: string, value: string] => {
  const name = keyHeader(provider)
  return [name, name === 'authorization' ? `Bearer ${KEY}` : KEY]
}
const KEY_HEADERS = ['x-goog-api-key', 'authorization', 'x-api-key', 'cf-aig-authorization']

/** How a wrong key comes back, per dialect: Google (and those that pass its answer on) say 400 API_KEY_INVALID. */
const WRONG_KEY_STATUS: Record<string, [status: number, code?: string]> = {
  google: [400, 'INVALID_ARGUMENT'],
  vertex: [400, 'INVALID_ARGUMENT'],
  cloudflare: [400, 'INVALID_ARGUMENT'],
  newapi: [401],
  apimart: [401],
  nordlys: [401],
  litellm: [401],
}

/** No recorded URL may carry the key, nor a `key` query parameter. */
function expectNoKeyInUrls(gw: LocalGateway, seen: Request[] = []): void {
  expect(gw.requests.length).toBeGreaterThan(0)
  for (const r of gw.requests) {
    expect(Object.keys(r.query)).not.toContain('key')
    expect(r.path).not.toContain('key=')
    expect(r.path).not.toContain(KEY)
    expect(JSON.stringify(r.query)).not.toContain(KEY)
  }
  for (const req of seen) {
    expect(req.url).not.toContain(KEY)
    expect(new URL(req.url).searchParams.has('key')).toBe(false)
  }
}

/** What each error scenario must become, per dialect: class, status, and the provider's code where it has one. */
type Expectation = [cls: typeof APIStatusError, status: number]
/** Keyed by dialect: a reseller of a relay (x-gateway.relay) is expected to fail as its relay does. */
const ERRORS: Record<string, Record<Exclude<FailureScenario, 'stream-error-midway' | 'stream-cut' | 'reset' | 'stall'>, Expectation>> = {
  google: {
    'rate-limit': [RateLimitError, 429],
    overloaded: [InternalServerError, 503],
    'server-error': [InternalServerError, 500],
    'bad-gateway-html': [InternalServerError, 502],
    'error-200': [InternalServerError, 500],
    'envelope-error': [InternalServerError, 500],
    'unknown-model': [NotFoundError, 404],
    auth: [AuthenticationError, 400], // Google answers a bad key with 400 INVALID_ARGUMENT / API_KEY_INVALID: the same class as a relay's 401
  },
  newapi: {
    'rate-limit': [RateLimitError, 429],
    overloaded: [InternalServerError, 503],
    'server-error': [InternalServerError, 500],
    'bad-gateway-html': [InternalServerError, 502],
    'error-200': [InternalServerError, 503], // OpenAI-shaped body at HTTP 200 claiming code 503
    'envelope-error': [InternalServerError, 500],
    'unknown-model': [ModelUnavailableError, 503], // 503 model_not_found: no channel of the key's group serves it
    auth: [AuthenticationError, 401],
  },
  apimart: {
    'rate-limit': [RateLimitError, 429],
    overloaded: [InternalServerError, 503],
    'server-error': [InternalServerError, 500],
    'bad-gateway-html': [InternalServerError, 502],
    'error-200': [InternalServerError, 503], // envelope {code: 503} at HTTP 200
    'envelope-error': [InternalServerError, 500],
    'unknown-model': [NotFoundError, 404],
    auth: [AuthenticationError, 401],
  },
  nordlys: {
    'rate-limit': [RateLimitError, 429],
    overloaded: [InternalServerError, 503],
    'server-error': [InternalServerError, 500],
    'bad-gateway-html': [InternalServerError, 502],
    // `{"error": {"message", "request_id"}}` at HTTP 200 claims no status: a plain APIStatusError with status 200.
    'error-200': [APIStatusError, 200],
    'envelope-error': [InternalServerError, 500],
    'unknown-model': [NotFoundError, 404],
    auth: [AuthenticationError, 401],
  },
  // Vertex AI answers in Google's shape: a bad key is 400 API_KEY_INVALID, an unknown model 404 NOT_FOUND.
  vertex: {
    'rate-limit': [RateLimitError, 429],
    overloaded: [InternalServerError, 503],
    'server-error': [InternalServerError, 500],
    'bad-gateway-html': [InternalServerError, 502],
    'error-200': [InternalServerError, 500],
    'envelope-error': [InternalServerError, 500],
    'unknown-model': [NotFoundError, 404],
    auth: [AuthenticationError, 400],
  },
  // Cloudflare passes Google's errors on; its own rate limit is {"success": false, "error": [{"code": 2003}]}.
  cloudflare: {
    'rate-limit': [RateLimitError, 429],
    overloaded: [InternalServerError, 503],
    'server-error': [InternalServerError, 500],
    'bad-gateway-html': [InternalServerError, 502],
    'error-200': [InternalServerError, 500],
    'envelope-error': [InternalServerError, 500],
    'unknown-model': [NotFoundError, 404],
    auth: [AuthenticationError, 400],
  },
  // LiteLLM passes Google's errors on; a bad virtual key is its own 401.
  litellm: {
    'rate-limit': [RateLimitError, 429],
    overloaded: [InternalServerError, 503],
    'server-error': [InternalServerError, 500],
    'bad-gateway-html': [InternalServerError, 502],
    'error-200': [InternalServerError, 500],
    'envelope-error': [InternalServerError, 500],
    'unknown-model': [NotFoundError, 404],
    auth: [AuthenticationError, 401],
  },
}

describe.each(PROVIDERS)('%s', (provider) => {
  const generateOp = (registry[provider].operations as readonly string[]).includes('generate') ? 'generate' : 'generateContent'
  const version = (registry[provider].apiVersions as Record<string, string>).v1beta!
  let gw: LocalGateway
  beforeAll(async () => {
    gw = await startLocalGateway({ provider, apiKey: KEY })
  })
  afterAll(() => gw.close())
  beforeEach(() => {
    gw.requests.length = 0
  })

  it('sends the key in its auth header only, never in the URL', async () => {
    const seen = observingFetch()
    const client = clientFor(provider, gw, { fetch: seen.fetch })
    const res = await client.generateContent({ model: MODEL, contents: CONTENTS })
    expect(text(res)).toBe(DEFAULT_TEXT)

    const [name, value] = AUTH(provider)
    expect(seen.requests).toHaveLength(1)
    const sent = seen.requests[0]!
    expect(sent.headers.get(name)).toBe(value)
    for (const other of KEY_HEADERS.filter((h) => h !== name)) expect(sent.headers.get(other)).toBeNull()
    // The gateway saw it there too (it redacts key-bearing headers in its log).
    expect(gw.requests[0]!.headers[name]).toBe('[REDACTED]')
    expectNoKeyInUrls(gw, seen.requests)
  })

  it('wrong key: the typed auth error, without the key in message or body', async () => {
    const client = createClient({ provider, apiKey: WRONG_KEY, baseUrl: gw.url, maxRetries: 0 })
    const error = await caught(client.generateContent({ model: MODEL, contents: CONTENTS }))
    expect(error).toBeInstanceOf(AuthenticationError)
    const [status, code] = rowFor(WRONG_KEY_STATUS, provider)
    expect(error.status).toBe(status)
    if (code !== undefined) expect(error.code).toBe(code)
    expect(error.provider).toBe(provider)
    expect(error.message).not.toContain(WRONG_KEY)
    expect(error.rawBody ?? '').not.toContain(WRONG_KEY)
    expect(JSON.stringify(error)).not.toContain(WRONG_KEY)
    expect(gw.requests).toHaveLength(1)
    expect(JSON.stringify(gw.requests)).not.toContain(WRONG_KEY)
  })

  it('generateContent returns the answer; text() reads it', async () => {
    const res = await clientFor(provider, gw).generateContent({ model: MODEL, contents: CONTENTS })
    expect(text(res)).toBe(DEFAULT_TEXT)
    expect(res.candidates?.[0]?.finishReason).toBe('STOP')
    // Vertex AI adds how it served the call to the usage.
    expect(res.usageMetadata).toEqual(
      familyOf(provider) === 'vertex' ? { ...DEFAULT_UNARY.usageMetadata, trafficType: 'ON_DEMAND' } : DEFAULT_UNARY.usageMetadata,
    )
  })

  it.each(['models/gemini-2.5-flash', 'gemini-2.5-flash'])('model written as %s reaches the route of gemini-2.5-flash', async (model) => {
    const res = await clientFor(provider, gw).generateContent({ model, contents: CONTENTS })
    expect(text(res)).toBe(DEFAULT_TEXT)
    expect(gw.requests.map((r) => r.path)).toEqual([pathOf(provider, generateOp, { gatewayUrl: gw.url })])
  })

  it.each([
    ['a trailing /', '/'],
    ['a /v1beta suffix', '/v1beta'],
    ['a /v1beta/ suffix', '/v1beta/'],
    [`its own version suffix (/${version})`, `/${version}`],
  ])('base URL with %s works (no doubled version)', async (_label, suffix) => {
    const res = await clientFor(provider, gw, { baseUrl: gw.url + suffix }).generateContent({ model: MODEL, contents: CONTENTS })
    expect(text(res)).toBe(DEFAULT_TEXT)
    expect(gw.requests).toHaveLength(1)
    expect(gw.requests[0]!.path).toBe(pathOf(provider, generateOp, { gatewayUrl: gw.url }))
    expect(gw.requests[0]!.path).not.toMatch(/\/(v1beta1?|v1)\/(v1beta1?|v1)\//)
  })

  it(`apiVersion: 'v1' calls the provider's v1 path, or is refused when it serves none`, async () => {
    const v1 = (registry[provider].apiVersions as Record<string, string>).v1
    if (v1 === undefined) {
      expect(() => clientFor(provider, gw, { apiVersion: 'v1' })).toThrow(ConfigurationError)
      expect(() => clientFor(provider, gw, { apiVersion: 'v1' })).toThrow(`${provider}: apiVersion v1 is not served by ${provider} (it serves v1beta)`)
      return
    }
    const res = await clientFor(provider, gw, { apiVersion: 'v1' }).generateContent({ model: MODEL, contents: CONTENTS })
    expect(text(res)).toBe(DEFAULT_TEXT)
    expect(gw.requests.map((r) => r.path)).toEqual([pathOf(provider, generateOp, { gatewayUrl: gw.url, apiVersion: 'v1' })])
    expect(gw.requests[0]!.path).toContain(`/${v1}/`)
    expect(gw.requests[0]!.body).toEqual({ contents: CONTENTS }) // the same body as on v1beta
  })

  it('an unknown request key is a RequestValidationError and nothing is sent', async () => {
    const client = clientFor(provider, gw)
    const error = await caught(client.generateContent({ model: MODEL, contents: CONTENTS, bogus: 1 }))
    expect(error).toBeInstanceOf(RequestValidationError)
    expect((error as RequestValidationError).issues.length).toBeGreaterThan(0)
    expect(JSON.stringify((error as RequestValidationError).issues)).toContain('bogus')
    const streamError = await caught(client.streamGenerateContent({ model: MODEL, contents: CONTENTS, bogus: 1 }).next())
    expect(streamError).toBeInstanceOf(RequestValidationError)
    expect(gw.requests).toHaveLength(0)
  })

  describe('error scenarios', () => {
    it.each(Object.entries(rowFor(ERRORS, provider)))('%s → the typed error', async (scenario, [cls, status]) => {
      gw.fail(scenario as FailureScenario)
      const error = await caught(clientFor(provider, gw, { maxRetries: 0 }).generateContent({ model: MODEL, contents: CONTENTS }))
      expect(error).toBeInstanceOf(cls)
      expect(error.constructor).toBe(cls)
      expect(typeof error.status).toBe('number')
      expect(error.status).toBe(status)
      expect(error.provider).toBe(provider)
      expect(typeof error.rawBody).toBe('string')
      expect(error.rawBody!.length).toBeGreaterThan(0)
      expect(error.message).not.toContain(KEY)
      expect(error.message.startsWith(`${provider}: `)).toBe(true)
      if (scenario === 'bad-gateway-html') {
        expect(error.rawBody).toContain('<title>502 Bad Gateway</title>')
        expect(error.message).toContain('502 Bad Gateway')
        expect(error.message).not.toContain('<')
      }
      expect(gw.requests).toHaveLength(1)
    })

    it('error-200 and envelope-error never come back as an empty success', async () => {
      for (const scenario of ['error-200', 'envelope-error'] as const) {
        gw.fail(scenario)
        await expect(clientFor(provider, gw).generateContent({ model: MODEL, contents: CONTENTS })).rejects.toBeInstanceOf(APIStatusError)
      }
    })

    it('stall on a unary call with timeoutMs 300: TimeoutError', async () => {
      gw.fail('stall')
      const error = await caught(clientFor(provider, gw, { timeoutMs: 300, maxRetries: 0 }).generateContent({ model: MODEL, contents: CONTENTS }))
      expect(error.name).toBe('TimeoutError')
      expect(error.provider).toBe(provider)
    })

    it('a cut unary body and a reset connection are typed errors too', async () => {
      gw.fail('stream-cut') // unary: half the JSON, then the socket is destroyed
      const cut = await caught(clientFor(provider, gw).generateContent({ model: MODEL, contents: CONTENTS }))
      expect(cut.provider).toBe(provider)
      gw.fail('reset')
      const reset = await caught(clientFor(provider, gw).generateContent({ model: MODEL, contents: CONTENTS }))
      expect(reset.name).toBe('ConnectionError')
    })
  })

  describe('retries', () => {
    it('rate-limit once, then success: succeeds after exactly 2 requests, honouring Retry-After: 1', async () => {
      gw.fail('rate-limit')
      const started = performance.now()
      const res = await clientFor(provider, gw, { maxRetries: 2 }).generateContent({ model: MODEL, contents: CONTENTS })
      const elapsed = performance.now() - started
      expect(text(res)).toBe(DEFAULT_TEXT)
      expect(gw.requests).toHaveLength(2)
      // Behaviour, not speed: the client waited the second the server asked for before retrying.
      expect(elapsed).toBeGreaterThanOrEqual(900)
    })

    it('overloaded (503) 3 times with maxRetries 2: throws after exactly 3 requests', async () => {
      gw.fail('overloaded', 3)
      const error = await caught(clientFor(provider, gw, { maxRetries: 2 }).generateContent({ model: MODEL, contents: CONTENTS }))
      expect(error.status).toBe(503)
      expect(gw.requests).toHaveLength(3)
    })

    it('a 500 on a generation is not sent again (it may have run), unless allowDuplicateGenerations', async () => {
      gw.fail('server-error', 4)
      const once = await caught(clientFor(provider, gw, { maxRetries: 2 }).generateContent({ model: MODEL, contents: CONTENTS }))
      expect(once).toBeInstanceOf(InternalServerError)
      expect(once.status).toBe(500)
      expect(gw.requests).toHaveLength(1)
      const thrice = await caught(
        clientFor(provider, gw, { maxRetries: 2 }).generateContent({ model: MODEL, contents: CONTENTS }, { allowDuplicateGenerations: true }),
      )
      expect(thrice.status).toBe(500)
      expect(gw.requests).toHaveLength(4)
    })

    it('a 400 is not retried', async () => {
      gw.enqueue({ status: 400, body: { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } } })
      const error = await caught(clientFor(provider, gw, { maxRetries: 2 }).generateContent({ model: MODEL, contents: CONTENTS }))
      expect(error).toBeInstanceOf(BadRequestError)
      expect(error.status).toBe(400)
      expect(gw.requests).toHaveLength(1)
    })

    it('maxRetries: 0 sends exactly one request', async () => {
      gw.fail('rate-limit')
      const error = await caught(clientFor(provider, gw, { maxRetries: 0 }).generateContent({ model: MODEL, contents: CONTENTS }))
      expect(error).toBeInstanceOf(RateLimitError)
      expect(gw.requests).toHaveLength(1)
    })
  })

  describe('API key from the environment', () => {
    const saved: Record<string, string | undefined> = {}
    const names = CREDENTIAL_ENV
    beforeEach(() => {
      for (const name of names) {
        saved[name] = process.env[name]
        delete process.env[name]
      }
    })
    afterEach(() => {
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name]
        else process.env[name] = saved[name]
      }
    })

    it('no key anywhere: ConfigurationError before any request', async () => {
      let error: unknown
      try {
        createClient({ provider, baseUrl: gw.url })
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ConfigurationError)
      expect(error).toBeInstanceOf(GeminiGatewayError)
      expect((error as Error).message).toContain(ENV_KEYS[provider])
      expect(gw.requests).toHaveLength(0)
    })

    it(`the key defaults from ${ENV_KEYS[provider]}`, async () => {
      process.env[ENV_KEYS[provider]] = KEY
      const client = createClient({ provider, baseUrl: gw.url }) as unknown as ReturnType<typeof clientFor>
      expect(text(await client.generateContent({ model: MODEL, contents: CONTENTS }))).toBe(DEFAULT_TEXT)
      expectNoKeyInUrls(gw)
    })
  })
})

describe('nordlys wire body', () => {
  let gw: LocalGateway
  beforeAll(async () => {
    gw = await startLocalGateway({ provider: 'nordlys', apiKey: KEY })
  })
  afterAll(() => gw.close())

  const systemInstruction = { parts: [{ text: 'Answer in one sentence.' }] }
  const tools = [
    {
      functionDeclarations: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'OBJECT' as const, properties: { city: { type: 'STRING' as const } }, required: ['city'] },
        },
      ],
    },
  ]
  const toolConfig = { functionCallingConfig: { mode: 'AUTO' as const } }
  const safetySettings = [{ category: 'HARM_CATEGORY_HARASSMENT' as const, threshold: 'BLOCK_ONLY_HIGH' as const }]
  const generationConfig = { temperature: 0.2, maxOutputTokens: 256 }

  it('is snake_case: settings inside generation_config, routing fields at top level, no camelCase keys', async () => {
    gw.requests.length = 0
    const client = createNordlysClient({ apiKey: KEY, baseUrl: gw.url, maxRetries: 0 })
    const res = await client.generateContent({
      model: MODEL,
      contents: CONTENTS,
      systemInstruction,
      tools,
      toolConfig,
      safetySettings,
      generationConfig,
      provider_order: ['google', 'vertex'],
      provider_sort: 'price',
      models: ['gemini-2.5-flash', 'gemini-2.5-pro'],
    })
    expect(text(res)).toBe(DEFAULT_TEXT)
    expect(gw.requests).toHaveLength(1)
    const body = gw.requests[0]!.body as Record<string, any>
    for (const key of Object.keys(body)) expect(key, `top-level key ${key}`).toMatch(/^[a-z][a-z0-9_]*$/)
    expect(Object.keys(body).sort()).toEqual(['contents', 'generation_config', 'models', 'provider_order', 'provider_sort'])
    expect(body.contents).toEqual(CONTENTS)
    expect(body.provider_order).toEqual(['google', 'vertex'])
    expect(body.provider_sort).toBe('price')
    expect(body.models).toEqual(['gemini-2.5-flash', 'gemini-2.5-pro'])
    expect(body.generation_config).toEqual({ ...generationConfig, systemInstruction, tools, toolConfig, safetySettings })
    // What the server made of it: nothing dropped, every setting arrived.
    expect(gw.requests[0]!.ignoredKeys).toEqual([])
    expect(gw.requests[0]!.effective).toMatchObject({ systemInstruction, tools, toolConfig, safetySettings, generationConfig })
  })

  it('a plain request has only contents (and generation_config when given)', async () => {
    gw.requests.length = 0
    const client = createNordlysClient({ apiKey: KEY, baseUrl: gw.url, maxRetries: 0 })
    await client.generateContent({ model: MODEL, contents: CONTENTS })
    expect(Object.keys(gw.requests[0]!.body as object)).toEqual(['contents'])
  })

  it('the streaming request is translated the same way', async () => {
    gw.requests.length = 0
    const client = createNordlysClient({ apiKey: KEY, baseUrl: gw.url, maxRetries: 0 })
    for await (const _ of client.streamGenerateContent({ model: MODEL, contents: CONTENTS, systemInstruction, generationConfig, provider_order: ['google'] })) {
      // drain
    }
    const body = gw.requests[0]!.body as Record<string, any>
    expect(Object.keys(body).sort()).toEqual(['contents', 'generation_config', 'provider_order'])
    expect(body.generation_config).toEqual({ ...generationConfig, systemInstruction })
    expect(gw.requests[0]!.ignoredKeys).toEqual([])
  })
})

describe('nordlys: canonical fields it cannot carry', () => {
  it.each([
    ['serviceTier', 'standard'],
    ['store', true],
  ])('%s is refused before sending, never silently dropped', async (field, value) => {
    const gw = await startLocalGateway({ provider: 'nordlys', apiKey: KEY })
    try {
      const error = await caught(
        createNordlysClient({ apiKey: KEY, baseUrl: gw.url, maxRetries: 0 }).generateContent({ model: MODEL, contents: CONTENTS, [field]: value }),
      )
      expect(error).toBeInstanceOf(RequestValidationError)
      // Named on the body, saying why and what to do instead.
      expect((error as RequestValidationError).issues).toEqual([
        { path: '', message: `"${field}": nordlys has no place for this field and would drop it; leave it out, or send this request through another provider` },
      ])
      expect(gw.requests).toHaveLength(0)
    } finally {
      await gw.close()
    }
  })

  it('cachedContent travels inside generation_config, where nordlys reads it', async () => {
    const gw = await startLocalGateway({ provider: 'nordlys', apiKey: KEY })
    try {
      await createNordlysClient({ apiKey: KEY, baseUrl: gw.url, maxRetries: 0 }).generateContent({
        model: MODEL,
        contents: CONTENTS,
        cachedContent: 'cachedContents/abc',
      })
      expect(gw.requests[0]!.body).toEqual({ contents: CONTENTS, generation_config: { cachedContent: 'cachedContents/abc' } })
      expect(gw.requests[0]!.effective).toMatchObject({ cachedContent: 'cachedContents/abc' })
      expect(gw.requests[0]!.ignoredKeys).toEqual([])
    } finally {
      await gw.close()
    }
  })
})

describe('apimart envelope', () => {
  let gw: LocalGateway
  beforeAll(async () => {
    gw = await startLocalGateway({ provider: 'apimart', apiKey: KEY })
  })
  afterAll(() => gw.close())

  it('is unwrapped, and usageMetadata from outside `data` is on the result', async () => {
    const seen = observingFetch()
    const res = await clientFor('apimart', gw, { fetch: seen.fetch }).generateContent({ model: MODEL, contents: CONTENTS })
    // The wire really was wrapped (usageMetadata beside `data`, not inside it).
    const wire = (await (
      await fetch(`${gw.url}/v1beta/models/${MODEL}:generateContent`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ contents: CONTENTS }),
      })
    ).json()) as Record<string, any>
    expect(wire.code).toBe(200)
    expect(wire.data.usageMetadata).toBeUndefined()
    expect(wire.usageMetadata).toEqual(DEFAULT_UNARY.usageMetadata)

    expect(res).toEqual(DEFAULT_UNARY)
    expect(res.usageMetadata).toEqual(DEFAULT_UNARY.usageMetadata)
    expect(res).not.toHaveProperty('code')
    expect(res).not.toHaveProperty('data')
  })

  it('a bare (unwrapped) response passes through', async () => {
    const bare = await startLocalGateway({ provider: 'apimart', apiKey: KEY, apimartEnvelope: false })
    try {
      const res = await clientFor('apimart', bare).generateContent({ model: MODEL, contents: CONTENTS })
      expect(res).toEqual(DEFAULT_UNARY)
    } finally {
      await bare.close()
    }
  })

  it('an envelope with code != 200 throws, never an empty success', async () => {
    gw.fail('envelope-error')
    const error = await caught(clientFor('apimart', gw).generateContent({ model: MODEL, contents: CONTENTS }))
    expect(error).toBeInstanceOf(InternalServerError)
    expect(error.status).toBe(500)
    expect(error.message).toContain('upstream error')
    expect(error.rawBody).toBe('{"code":500,"msg":"upstream error","data":null}')
  })

  it('an envelope with code 200 but no data is not an answer', async () => {
    gw.enqueue({ status: 200, body: { code: 200, data: null } })
    const error = await caught(clientFor('apimart', gw).generateContent({ model: MODEL, contents: CONTENTS }))
    expect(error.provider).toBe('apimart')
  })
})

describe('anyfast request checks', () => {
  let gw: LocalGateway
  beforeAll(async () => {
    gw = await startLocalGateway({ provider: 'anyfast', apiKey: KEY })
  })
  afterAll(() => gw.close())

  it('empty contents: RequestValidationError naming /contents, and no request reaches the gateway', async () => {
    gw.requests.length = 0
    const error = await caught(clientFor('anyfast', gw).generateContent({ model: MODEL, contents: [] }))
    expect(error).toBeInstanceOf(RequestValidationError)
    expect((error as RequestValidationError).issues.map((i) => i.path)).toContain('/contents')
    expect(error.provider).toBe('anyfast')
    const streamError = await caught(clientFor('anyfast', gw).streamGenerateContent({ model: MODEL, contents: [] }).next())
    expect(streamError).toBeInstanceOf(RequestValidationError)
    expect(gw.requests).toHaveLength(0)
  })
})

describe('google: countTokens, listModels, getModel', () => {
  let gw: LocalGateway
  beforeAll(async () => {
    gw = await startLocalGateway({ provider: 'google', apiKey: KEY })
  })
  afterAll(() => gw.close())
  beforeEach(() => {
    gw.requests.length = 0
  })
  const client = () => createGoogleClient({ apiKey: KEY, baseUrl: gw.url, maxRetries: 0 })

  it('countTokens', async () => {
    const res = await client().countTokens({ model: `models/${MODEL}`, contents: CONTENTS })
    expect(res.totalTokens).toBe(11)
    expect(gw.requests.map((r) => [r.method, r.path])).toEqual([['POST', `/v1beta/models/${MODEL}:countTokens`]])
    expect(gw.requests[0]!.body).toEqual({ contents: CONTENTS })
    expectNoKeyInUrls(gw)
  })

  it('listModels with pageSize 2 follows every page, without duplicates', async () => {
    const names: string[] = []
    for await (const model of client().listModels({ pageSize: 2 })) names.push(model.name!)
    expect(names).toHaveLength(10)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toContain('models/gemini-2.5-flash')
    expect(names[0]).toBe('models/gemini-3.1-pro-preview')
    expect(gw.requests).toHaveLength(5)
    expect(gw.requests.every((r) => r.method === 'GET' && r.path === '/v1beta/models' && r.query.pageSize === '2')).toBe(true)
    expect(gw.requests[0]!.query.pageToken).toBeUndefined()
    const tokens = gw.requests.slice(1).map((r) => r.query.pageToken)
    expect(tokens.every((t) => typeof t === 'string' && t.length > 0)).toBe(true)
    expect(new Set(tokens).size).toBe(4)
    expectNoKeyInUrls(gw)
  })

  it('listModels without pageSize', async () => {
    const names: string[] = []
    for await (const model of client().listModels()) names.push(model.name!)
    expect(names).toHaveLength(10)
    expect(gw.requests).toHaveLength(1)
  })

  it.each([MODEL, `models/${MODEL}`])('getModel(%s)', async (name) => {
    const model = await client().getModel(name)
    expect(model.name).toBe(`models/${MODEL}`)
    expect(model.inputTokenLimit).toBe(1048576)
    expect(gw.requests.map((r) => r.path)).toEqual([`/v1beta/models/${MODEL}`])
  })

  it('getModel of an unknown model: NotFoundError', async () => {
    const error = await caught(client().getModel('gemini-0-nope'))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.status).toBe(404)
  })
})

/**
 * The model list each relay's local gateway serves: a reseller's documented ids (its spec), else what a new-api
 * install's channels serve here (src/local-gateway/catalog.ts).
 */
const NEWAPI_CHANNEL_MODELS = ['gemini-3.1-pro-preview', 'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite']
const relayModels = (provider: Provider): readonly string[] =>
  registry[provider].documentedModels.length > 0 ? registry[provider].documentedModels : NEWAPI_CHANNEL_MODELS

describe.each(NEWAPI_RELAYS.filter((p) => (registry[p].operations as readonly string[]).includes('listModels')))('%s listModels', (provider) => {
  it('maps the OpenAI-style list to Google-style models', async () => {
    const gw = await startLocalGateway({ provider, apiKey: KEY })
    try {
      const seen = observingFetch()
      const client = createClient({ provider, apiKey: KEY, baseUrl: gw.url, maxRetries: 0, fetch: seen.fetch }) as unknown as {
        listModels(): AsyncIterable<Model>
      }
      const models: Model[] = []
      for await (const model of client.listModels()) models.push(model)
      const expected = relayModels(provider)
      expect(models.map((m) => m.name)).toEqual(expected.map((id) => `models/${id}`))
      expect(models.map((m) => m.baseModelId)).toEqual(expected)
      expect(gw.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/v1/models']])
      expect(seen.requests[0]!.headers.get('authorization')).toBe(`Bearer ${KEY}`)
      expectNoKeyInUrls(gw, seen.requests)
    } finally {
      await gw.close()
    }
  })
})

describe('error bodies are kept as received', () => {
  it('rawBody is the body text the server sent, byte for byte (Google pretty-prints its errors)', async () => {
    const gw = await startLocalGateway({ provider: 'google', apiKey: KEY })
    try {
      const body =
        '{\n  "error": {\n    "code": 503,\n    "message": "The model is overloaded. Please try again later.",\n    "status": "UNAVAILABLE"\n  }\n}\n'
      gw.enqueue({ status: 503, headers: { 'content-type': 'application/json; charset=UTF-8' }, body })
      const error = await caught(clientFor('google', gw).generateContent({ model: MODEL, contents: CONTENTS }))
      expect(error).toBeInstanceOf(InternalServerError)
      expect(error.code).toBe('UNAVAILABLE')
      expect(error.rawBody).toBe(body)
    } finally {
      await gw.close()
    }
  })
})

describe('cloudflare: account and gateway ids, the gateway token', () => {
  const TOKEN = 'cf-aig-token-5e1b7c0d9a'
  let gw: LocalGateway
  let origin: string
  beforeAll(async () => {
    gw = await startLocalGateway({ provider: 'cloudflare', apiKey: KEY, gatewayToken: TOKEN })
    origin = new URL(gw.url).origin
  })
  afterAll(() => gw.close())
  beforeEach(() => {
    gw.requests.length = 0
  })
  const template = () => `${origin}/v1/{account_id}/{gateway_id}/google-ai-studio`

  it('accountId and gatewayId fill the route; the token goes in cf-aig-authorization beside Google key', async () => {
    const seen = observingFetch()
    const client = createClient({
      provider: 'cloudflare',
      apiKey: KEY,
      baseUrl: template(),
      accountId: 'acc-123',
      gatewayId: 'my-gw',
      gatewayToken: TOKEN,
      fetch: seen.fetch,
      maxRetries: 0,
    })
    expect(text(await client.generateContent({ model: MODEL, contents: CONTENTS }))).toBe(DEFAULT_TEXT)
    expect(gw.requests.map((r) => r.path)).toEqual(['/v1/acc-123/my-gw/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent'])
    expect(seen.requests[0]!.headers.get('cf-aig-authorization')).toBe(`Bearer ${TOKEN}`)
    expect(seen.requests[0]!.headers.get('x-goog-api-key')).toBe(KEY)
    expect(gw.requests[0]!.headers['cf-aig-authorization']).toBe('[REDACTED]')
    expectNoKeyInUrls(gw, seen.requests)
  })

  it('ids in baseUrl need no options; the gateway token alone works with keys stored in the gateway', async () => {
    const seen = observingFetch()
    const client = createClient({ provider: 'cloudflare', baseUrl: gw.url, gatewayToken: TOKEN, fetch: seen.fetch, maxRetries: 0 })
    expect(text(await client.generateContent({ model: MODEL, contents: CONTENTS }))).toBe(DEFAULT_TEXT)
    expect(seen.requests[0]!.headers.get('x-goog-api-key')).toBeNull()
    expect(gw.requests[0]!.path).toBe('/v1/local-account/local-gateway/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent')
  })

  it('neither ids nor a baseUrl holding them: a ConfigurationError that says what is missing', () => {
    expect(() => createClient({ provider: 'cloudflare', apiKey: KEY })).toThrow(ConfigurationError)
    expect(() => createClient({ provider: 'cloudflare', apiKey: KEY })).toThrow(
      'cloudflare: no account id and gateway id: pass accountId and gatewayId, or a baseUrl that holds them, such as https://gateway.ai.cloudflare.com/v1/<account_id>/<gateway_id>/google-ai-studio',
    )
    expect(() => createClient({ provider: 'cloudflare', apiKey: KEY, accountId: 'acc-123' })).toThrow(
      'cloudflare: no gateway id: pass gatewayId, or a baseUrl that holds them',
    )
    expect(() => createClient({ provider: 'cloudflare', apiKey: KEY, baseUrl: gw.url, accountId: 'acc-123', gatewayId: 'gw' })).toThrow(
      'cloudflare: pass accountId and gatewayId or a baseUrl that holds them, not both',
    )
  })

  it('the default host is Cloudflare, with the ids filled in (encoded)', async () => {
    // A fetch that answers itself: the URL the client built is all this looks at.
    const urls: string[] = []
    const fetch = (async (input: Request | string | URL) => {
      urls.push(String(input instanceof Request ? input.url : input))
      return new Response(JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }] }), {
        headers: { 'content-type': 'application/json' },
      })
    }) as typeof globalThis.fetch
    const client = createClient({ provider: 'cloudflare', apiKey: KEY, accountId: 'acc/1', gatewayId: 'gw', fetch, maxRetries: 0 })
    await client.generateContent({ model: MODEL, contents: CONTENTS })
    expect(urls).toEqual(['https://gateway.ai.cloudflare.com/v1/acc%2F1/gw/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent'])
  })

  it('no key and no token: ConfigurationError naming both ways in', () => {
    const saved = { key: process.env.GEMINI_API_KEY, token: process.env.CF_AIG_TOKEN }
    delete process.env.GEMINI_API_KEY
    delete process.env.CF_AIG_TOKEN
    try {
      expect(() => createClient({ provider: 'cloudflare', baseUrl: gw.url })).toThrow(
        'cloudflare: no API key: pass apiKey or set GEMINI_API_KEY, or gatewayToken (or CF_AIG_TOKEN) alone',
      )
    } finally {
      if (saved.key !== undefined) process.env.GEMINI_API_KEY = saved.key
      if (saved.token !== undefined) process.env.CF_AIG_TOKEN = saved.token
    }
  })

  it('a wrong or missing gateway token: the gateway 401 (code 2009), an AuthenticationError', async () => {
    for (const gatewayToken of ['wrong-token-1234', undefined]) {
      const error = await caught(
        createClient({ provider: 'cloudflare', apiKey: KEY, baseUrl: gw.url, maxRetries: 0, ...(gatewayToken && { gatewayToken }) }).generateContent({
          model: MODEL,
          contents: CONTENTS,
        }),
      )
      expect(error).toBeInstanceOf(AuthenticationError)
      expect(error.status).toBe(401)
      expect(error.code).toBe(2009)
      expect(error.message).toBe('cloudflare: 401 (code 2009): Unauthorized')
    }
  })

  it('the token is scrubbed from every error, as the key is', async () => {
    gw.enqueue({
      status: 500,
      headers: { 'x-echo': `Bearer ${TOKEN}` },
      body: { error: { code: 500, message: `upstream saw cf-aig-authorization: Bearer ${TOKEN} and ${KEY}`, status: 'INTERNAL' } },
    })
    const error = await caught(
      createClient({ provider: 'cloudflare', apiKey: KEY, baseUrl: gw.url, gatewayToken: TOKEN, maxRetries: 0 }).generateContent({
        model: MODEL,
        contents: CONTENTS,
      }),
    )
    expect(error).toBeInstanceOf(InternalServerError)
    const everything = JSON.stringify({ json: error, message: error.message, raw: error.rawBody, headers: error.headers, stack: error.stack })
    expect(everything).not.toContain(TOKEN)
    expect(everything).not.toContain(KEY)
    expect(error.message).toContain('[REDACTED]')
  })
})

describe('litellm: the proxy root or its /gemini route as baseUrl', () => {
  it.each(['', '/gemini', '/gemini/', '/gemini/v1beta'])('baseUrl + %s reaches /gemini/v1beta/…', async (suffix) => {
    const gw = await startLocalGateway({ provider: 'litellm', apiKey: KEY })
    try {
      const seen = observingFetch()
      const res = await clientFor('litellm', gw, { baseUrl: gw.url + suffix, fetch: seen.fetch }).generateContent({ model: MODEL, contents: CONTENTS })
      expect(text(res)).toBe(DEFAULT_TEXT)
      expect(gw.requests.map((r) => r.path)).toEqual(['/gemini/v1beta/models/gemini-2.5-flash:generateContent'])
      // The virtual key goes where the route reads it, never in Authorization nor the URL.
      expect(seen.requests[0]!.headers.get('x-goog-api-key')).toBe(KEY)
      expect(seen.requests[0]!.headers.get('authorization')).toBeNull()
      expectNoKeyInUrls(gw, seen.requests)
    } finally {
      await gw.close()
    }
  })

  it('defaults to a proxy on localhost:4000', () => {
    expect(registry.litellm.defaultBaseUrl).toBe('http://localhost:4000')
  })
})

describe('vertex: express mode', () => {
  let gw: LocalGateway
  beforeAll(async () => {
    gw = await startLocalGateway({ provider: 'vertex', apiKey: KEY })
  })
  afterAll(() => gw.close())
  beforeEach(() => {
    gw.requests.length = 0
  })
  const client = () => createClient({ provider: 'vertex', apiKey: KEY, baseUrl: gw.url, maxRetries: 0 })

  it('a turn without its role is refused before sending (Vertex answers 400)', async () => {
    const error = await caught(client().generateContent({ model: MODEL, contents: [{ parts: [{ text: 'Hi' }] }] }))
    expect(error).toBeInstanceOf(RequestValidationError)
    expect((error as RequestValidationError).issues.map((i) => i.path)).toEqual(['/contents/0'])
    expect(JSON.stringify((error as RequestValidationError).issues)).toContain('role')
    expect(gw.requests).toHaveLength(0)
    // The server says the same when the check is off.
    const sent = await caught(client().generateContent({ model: MODEL, contents: [{ parts: [{ text: 'Hi' }] }] }, { requestValidation: 'off' }))
    expect(sent).toBeInstanceOf(BadRequestError)
    expect(sent.message).toContain('Please use a valid role: user, model.')
  })

  it('fields only Google AI knows are refused before sending (Vertex answers 400 for them)', async () => {
    const error = await caught(
      client().generateContent({ model: MODEL, contents: CONTENTS, tools: [{ fileSearch: { fileSearchStoreNames: ['fileSearchStores/x'] } }] } as never),
    )
    expect(error).toBeInstanceOf(RequestValidationError)
    expect((error as RequestValidationError).issues.map((i) => i.path)).toEqual(['/tools/0'])
    expect(gw.requests).toHaveLength(0)
  })

  it('labels are a Vertex field: sent, and read', async () => {
    await client().generateContent({ model: MODEL, contents: CONTENTS, labels: { team: 'search' } })
    expect(gw.requests[0]!.effective).toMatchObject({ labels: { team: 'search' } })
  })

  it('answers add createTime, responseId and usageMetadata.trafficType', async () => {
    const res = await client().generateContent({ model: MODEL, contents: CONTENTS })
    expect(res.usageMetadata?.trafficType).toBe('ON_DEMAND')
    expect(typeof res.createTime).toBe('string')
    expect(typeof res.responseId).toBe('string')
  })

  it('countTokens at its publishers path, with billable characters', async () => {
    const res = await client().countTokens({ model: MODEL, contents: CONTENTS })
    expect(res.totalTokens).toBe(11)
    expect((res as { totalBillableCharacters?: number }).totalBillableCharacters).toBe(44)
    expect(gw.requests.map((r) => r.path)).toEqual([`/v1beta1/publishers/google/models/${MODEL}:countTokens`])
  })

  it('has no model list (express mode answers an API key with 401 there): not on its type, refused when called', async () => {
    expect(registry.vertex.operations).toEqual(['countTokens', 'generateContent', 'streamGenerateContent'])
    // @ts-expect-error: the vertex client has no listModels
    const list = () => client().listModels()
    await expect(list().next()).rejects.toThrow('vertex: listModels is not offered by this provider')
    expect(gw.requests).toHaveLength(0)
  })
})
