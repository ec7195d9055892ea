// What each dialect of the local gateway serves, what it answers for a model it does not serve, which model its
// answers name, and which roles it refuses: over real HTTP, then through the real client.
import { describe, expect, it } from 'vitest'
import {
  APIStatusError,
  BadRequestError,
  type GeminiGatewayError,
  ModelUnavailableError,
  NotFoundError,
  type GenerateContentResponse,
} from '../../src/index.ts'
import { providers, withLocalGateway, type LocalGateway, type Provider } from '../../src/local-gateway/index.ts'
import { caught, clientFor, drain, KEY } from '../client/helpers.ts'
import { familyOf, perProvider, registry, rowFor } from '../support/registry.ts'
import { authHeaders, CONTENTS, generatePath, post, seenPath, sseEvents } from './helpers.ts'

/** The models each gateway documents (seeds 000–003); Google's fake catalogue is anyfast's list, and nordlys routes to Google. */
const GOOGLE = [
  'gemini-3.1-pro-preview',
  'gemini-3.1-flash-image-preview',
  'gemini-3.1-flash-lite-preview',
  'gemini-3-pro-preview',
  'gemini-3-pro-image-preview',
  'gemini-3-flash-preview',
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-2.0-flash',
]
/** A new-api install serves what its channels serve: here infinityblue's models plus gemini-2.5-flash-lite. */
const NEWAPI_CHANNELS = ['gemini-3.1-pro-preview', 'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite']
/** What each gateway serves: a new-api reseller the models its spec documents (else new-api's channels); the others as listed. */
const SERVED = Object.fromEntries(
  providers.map((p) => [
    p,
    familyOf(p) === 'newapi'
      ? registry[p].documentedModels.length > 0
        ? registry[p].documentedModels
        : NEWAPI_CHANNELS
      : rowFor<readonly string[]>(
          {
            google: GOOGLE,
            apimart: ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.5-flash-lite', 'gemini-2.5-pro-thinking'],
            // nordlys routes to Google; Vertex AI, Cloudflare and LiteLLM pass calls on to it.
            nordlys: GOOGLE,
            vertex: GOOGLE,
            cloudflare: GOOGLE,
            litellm: GOOGLE,
          },
          p,
        ),
  ]),
) as unknown as Record<Provider, readonly string[]>

/** Models each gateway does not serve: a retired one, and the first Google serves that it does not. */
const NOT_SERVED = Object.fromEntries(
  providers.map((p) => [p, ['gemini-1.5-pro', ...GOOGLE.filter((m) => !SERVED[p].includes(m)).slice(0, 1)]]),
) as unknown as Record<Provider, readonly string[]>

const INVALID_ROLE = 'Please use a valid role: user, model.'
/** Vertex AI's answer to a turn without a role. */
const NO_ROLE =
  'Unable to submit request because Please use a valid role: user, model.. Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini'
/** The `code` of the client's error for a refused role: Google's status name; the relays keep only the number; nordlys has none. */
const ROLE_ERROR_CODE = perProvider<string | number | undefined>({
  google: 'INVALID_ARGUMENT',
  vertex: 'INVALID_ARGUMENT',
  cloudflare: 'INVALID_ARGUMENT',
  litellm: 'INVALID_ARGUMENT',
  newapi: 400,
  apimart: 400,
  nordlys: undefined,
})
/** Dialects that answer Google's own error body (passed on unchanged). */
const GOOGLE_SHAPED = new Set(['google', 'cloudflare', 'litellm'])
/** new-api's `(request id: …)` suffix: a 14-digit timestamp and 17 more digits. */
const NEW_API_ID = String.raw`\(request id: (\d{31})\)`

const gatewayOf = (provider: Provider) => (fn: (gw: LocalGateway) => Promise<void>) => withLocalGateway({ provider, apiKey: KEY }, fn)
const send = (gw: LocalGateway, path: string, body: unknown = { contents: CONTENTS }) => post(gw, path, body, authHeaders(gw.provider, KEY))

/** Every `modelVersion` a unary or streamed answer carries (apimart's envelope puts it inside `data`). */
async function modelVersions(res: Response, stream: boolean): Promise<unknown[]> {
  const text = await res.text()
  const objects = stream ? sseEvents(text) : [JSON.parse(text) as Record<string, unknown>]
  return objects.map((o) => ((o.data ?? o) as Record<string, unknown>).modelVersion)
}

/** The exact not-found answer of each dialect for `model` (`rpc` is the method in the path). */
async function expectNotFound(provider: Provider, res: Response, model: string, rpc: string): Promise<void> {
  const body = (await res.json()) as Record<string, any>
  const family = familyOf(provider)
  switch (GOOGLE_SHAPED.has(family) ? 'google' : family) {
    case 'vertex':
      expect(res.status).toBe(404)
      expect(body).toEqual({
        error: {
          code: 404,
          message: `Publisher Model \`publishers/google/models/${model}\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions`,
          status: 'NOT_FOUND',
        },
      })
      return
    case 'google':
      expect(res.status).toBe(404)
      expect(body).toEqual({
        error: {
          code: 404,
          message: `models/${model} is not found for API version v1beta, or is not supported for ${rpc}. Call ListModels to see the list of available models and their supported methods.`,
          status: 'NOT_FOUND',
        },
      })
      return
    case 'newapi': {
      expect(res.status).toBe(503)
      expect(body).toEqual({ error: { message: expect.any(String), type: 'new_api_error', param: '', code: 'model_not_found' } })
      const m = new RegExp(`^No available channel for model ${model.replaceAll('.', '\\.')} under group default \\(distributor\\) ${NEW_API_ID}$`).exec(
        body.error.message,
      )
      expect(m, body.error.message).not.toBeNull()
      expect(res.headers.get('x-oneapi-request-id')).toBe(m![1])
      return
    }
    case 'apimart':
      expect(res.status).toBe(404)
      expect(body).toEqual({ code: 404, msg: `Model not found: ${model}`, data: null })
      return
    case 'nordlys':
      expect(res.status).toBe(404)
      expect(body).toEqual({ error: { message: `model not found: ${model}`, request_id: expect.stringMatching(/^req_[0-9a-f]{24}$/) } })
      return
    default:
      throw new Error(`no not-found answer known for ${provider}`)
  }
}

/** The exact answer of each dialect to a role Google refuses: Google's 400, passed through in the relay's shape. */
async function expectInvalidRole(provider: Provider, res: Response): Promise<void> {
  expect(res.status).toBe(400)
  const body = (await res.json()) as Record<string, any>
  const family = familyOf(provider)
  switch (GOOGLE_SHAPED.has(family) || family === 'vertex' ? 'google' : family) {
    case 'google':
      expect(body).toEqual({ error: { code: 400, message: INVALID_ROLE, status: 'INVALID_ARGUMENT' } })
      return
    case 'newapi':
      expect(body).toEqual({
        error: {
          message: expect.stringMatching(new RegExp(`^${INVALID_ROLE.replaceAll('.', '\\.')} ${NEW_API_ID}$`)),
          type: 'upstream_error',
          param: '',
          code: 400,
        },
      })
      return
    case 'apimart':
      expect(body).toEqual({ code: 400, msg: INVALID_ROLE, data: null })
      return
    case 'nordlys':
      expect(body).toEqual({ error: { message: INVALID_ROLE, request_id: expect.stringMatching(/^req_/) } })
      return
    default:
      throw new Error(`no invalid-role answer known for ${provider}`)
  }
}

const withRole = (role: string | undefined) => ({
  contents: [
    { role: 'user', parts: [{ text: 'Hi' }] },
    { role, parts: [{ text: 'Hello' }] },
  ],
})

describe.each(providers)('%s over HTTP', (provider) => {
  const gateway = gatewayOf(provider)

  it('serves every model of its catalogue, and each answer (every streamed chunk too) names the model asked for', async () => {
    await gateway(async (gw) => {
      for (const model of SERVED[provider]) {
        const unary = await send(gw, generatePath(model))
        expect(unary.status, model).toBe(200)
        expect(await modelVersions(unary, false)).toEqual([model])
        const stream = await send(gw, generatePath(model, true))
        expect(stream.status, model).toBe(200)
        expect(await modelVersions(stream, true)).toEqual([model, model, model])
      }
    })
  })

  it.each(NOT_SERVED[provider])('answers %s, which it does not serve, with its own not-found error (unary and stream)', async (model) => {
    await gateway(async (gw) => {
      await expectNotFound(provider, await send(gw, generatePath(model)), model, 'generateContent')
      await expectNotFound(provider, await send(gw, generatePath(model, true)), model, 'streamGenerateContent')
      expect(gw.requests.map((r) => r.path)).toEqual([
        seenPath(gw, `/v1beta/models/${model}:generateContent`),
        seenPath(gw, `/v1beta/models/${model}:streamGenerateContent`),
      ])
    })
  })

  it('names the model asked for in a chosen recording made with another model, and in a cut stream', async () => {
    await gateway(async (gw) => {
      // Recorded with gemini-2.5-pro (unary) and gemini-2.0-flash (stream).
      const headers = { ...authHeaders(provider, KEY), 'x-local-gateway-recording': 'unary-success-thinking-function-call-thought-summary-signature' }
      expect(await modelVersions(await post(gw, generatePath('gemini-2.5-flash'), { contents: CONTENTS }, headers), false)).toEqual(['gemini-2.5-flash'])
      gw.fail('stream-cut')
      expect(await modelVersions(await send(gw, generatePath('gemini-2.5-flash', true)), true)).toEqual(['gemini-2.5-flash', 'gemini-2.5-flash'])
    })
  })

  it.each(['system', 'assistant', 'tool'])('refuses role %j with Google’s 400 INVALID_ARGUMENT in its own shape', async (role) => {
    await gateway(async (gw) => {
      await expectInvalidRole(provider, await send(gw, generatePath(), withRole(role)))
      await expectInvalidRole(provider, await send(gw, generatePath('gemini-2.5-flash', true), withRole(role)))
    })
  })

  it.each([['user'], ['model'], ['function'], [''], [undefined]])('accepts role %j (Vertex AI: a role only)', async (role) => {
    await gateway(async (gw) => {
      const res = await send(gw, generatePath(), withRole(role))
      if (familyOf(provider) === 'vertex' && !role) {
        // Vertex needs the role of every turn.
        expect(res.status).toBe(400)
        expect(await res.json()).toEqual({ error: { code: 400, message: NO_ROLE, status: 'INVALID_ARGUMENT' } })
        return
      }
      expect(res.status).toBe(200)
      await res.text()
    })
  })

  it('looks the model up before it checks roles, as Google does', async () => {
    await gateway(async (gw) => {
      const model = NOT_SERVED[provider][0]!
      await expectNotFound(provider, await send(gw, generatePath(model), withRole('system')), model, 'generateContent')
    })
  })
})

describe('google countTokens', () => {
  it('answers a model it does not serve with 404 NOT_FOUND naming countTokens', async () => {
    await gatewayOf('google')(async (gw) => {
      await expectNotFound('google', await send(gw, '/v1beta/models/gemini-1.5-pro:countTokens'), 'gemini-1.5-pro', 'countTokens')
      expect((await send(gw, '/v1beta/models/gemini-2.5-pro:countTokens')).status).toBe(200)
    })
  })
})

// Through the real client, for every provider.
describe.each(providers)('%s through the client', (provider) => {
  const gateway = gatewayOf(provider)
  const model = NOT_SERVED[provider][0]!

  /** The typed error each dialect's not-found answer becomes. */
  function expectNotFoundError(error: GeminiGatewayError): void {
    expect(error).toBeInstanceOf(APIStatusError)
    expect(error.provider).toBe(provider)
    if (familyOf(provider) === 'newapi') {
      expect(error).toBeInstanceOf(ModelUnavailableError)
      expect(error.status).toBe(503)
      expect(error.code).toBe('model_not_found')
      expect(error.requestId).toMatch(/^\d{31}$/)
      expect(error.message).toContain(`No available channel for model ${model}`)
      return
    }
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.status).toBe(404)
    expect(error.code).toBe(
      rowFor<string | number | undefined>(
        { google: 'NOT_FOUND', vertex: 'NOT_FOUND', cloudflare: 'NOT_FOUND', litellm: 'NOT_FOUND', apimart: 404, nordlys: undefined },
        provider,
      ),
    )
    expect(error.message).toContain(model)
    if (provider === 'nordlys') expect(error.requestId).toMatch(/^req_/)
  }

  it('a model it does not serve is a typed error (unary and stream), sent once', async () => {
    await gateway(async (gw) => {
      const client = clientFor(provider, gw)
      expectNotFoundError(await caught(client.generateContent({ model, contents: CONTENTS })))
      expectNotFoundError(await caught(drain(client.streamGenerateContent({ model, contents: CONTENTS }))))
      expect(gw.requests).toHaveLength(2)
    })
  })

  it('modelVersion is the model asked for, in the answer and in every chunk', async () => {
    await gateway(async (gw) => {
      const client = clientFor(provider, gw)
      const res = await client.generateContent({ model: 'gemini-2.5-pro', contents: CONTENTS })
      expect(res.modelVersion).toBe('gemini-2.5-pro')
      const chunks: GenerateContentResponse[] = await drain(client.streamGenerateContent({ model: 'models/gemini-2.5-pro', contents: CONTENTS }))
      expect(chunks.length).toBeGreaterThan(1)
      expect(chunks.map((c) => c.modelVersion)).toEqual(chunks.map(() => 'gemini-2.5-pro'))
    })
  })

  it('a role Google refuses is a BadRequestError carrying Google’s message', async () => {
    await gateway(async (gw) => {
      const error = await caught(clientFor(provider, gw).generateContent({ model: 'gemini-2.5-flash', ...withRole('system') }))
      expect(error).toBeInstanceOf(BadRequestError)
      expect(error.status).toBe(400)
      expect(error.provider).toBe(provider)
      expect(error.message).toContain(INVALID_ROLE)
      // Google's status name; the relays keep only the number (new-api's `code`, apimart's envelope); nordlys has none.
      expect(error.code).toBe(ROLE_ERROR_CODE[provider])
    })
  })

  it('a function response sent with role "function" (as older SDKs do) is answered', async () => {
    await gateway(async (gw) => {
      const contents = [
        { role: 'user', parts: [{ text: 'What time is it?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'now', args: {} } }] },
        { role: 'function', parts: [{ functionResponse: { name: 'now', response: { now: '2026-01-01T00:00:00Z' } } }] },
      ]
      const res = await clientFor(provider, gw).generateContent({ model: 'gemini-2.5-flash', contents })
      expect(res.candidates?.length).toBeGreaterThan(0)
    })
  })
})
