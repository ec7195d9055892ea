// Google's official SDK (@google/genai 3.6, a dev dependency) through gemini-gateways/fetch, against the local
// gateway of every registered provider on loopback: its default /v1 routes, a generation, a stream, a function-call
// round trip, countTokens where the provider serves it, and errors with the gateway's status.
import { ApiError, GoogleGenAI, type Content, type Tool } from '@google/genai'
import { describe, expect, it } from 'vitest'
import { createClient, type GeminiGatewayError, text } from '../../src/index.ts'
import {
  authHeaderOf,
  FUNCTION_CALL_RECORDING,
  KEY,
  MODEL,
  PROVIDERS,
  serves,
  STREAM_TEXT,
  UNARY_TEXT,
  target,
  withGatewayFetch,
  wireOf,
  WRONG_KEY,
  wrongKeyStatus,
} from './support.ts'

/** The SDK as a user sets it up: its own key, its default host and API version (/v1), and the gateway fetch. */
const sdk = (fetch: typeof globalThis.fetch, apiKey = KEY, apiVersion?: string) =>
  new GoogleGenAI({ apiKey, httpOptions: { fetch, ...(apiVersion !== undefined && { apiVersion }) } })

const NOW_TOOL: Tool[] = [
  { functionDeclarations: [{ name: 'now', description: 'The current date and time.', parametersJsonSchema: { type: 'object', properties: {} } }] },
]

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ApiError)
  return error as ApiError
}

describe.each(PROVIDERS)('@google/genai through the %s gateway fetch', (provider) => {
  it('generateContent on the SDK’s default /v1: the recorded answer, sent in the gateway’s wire with its auth header', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      const wire = await wireOf(gw, 'generateContent')
      const res = await sdk(fetch).models.generateContent({ model: MODEL, contents: 'Where is Google headquartered?' })
      expect(res.text).toBe(UNARY_TEXT)
      expect(res.candidates?.[0]?.finishReason).toBe('STOP')
      expect(gw.requests).toHaveLength(1)
      const [sent] = gw.requests
      expect(target(sent!)).toBe(wire)
      // The SDK's key moved into the gateway's own header; it never went in the URL.
      expect(sent!.headers[authHeaderOf(provider)]).toBe('[REDACTED]')
      if (authHeaderOf(provider) !== 'x-goog-api-key') expect(sent!.headers['x-goog-api-key']).toBeUndefined()
      expect(sent!.query).toEqual({})
      expect(sent!.ignoredKeys).toEqual([])
    })
  })

  it('apiVersion v1beta goes the same way', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      const wire = await wireOf(gw, 'generateContent')
      const res = await sdk(fetch, KEY, 'v1beta').models.generateContent({ model: MODEL, contents: 'Hi' })
      expect(res.text).toBe(UNARY_TEXT)
      expect(gw.requests.map(target)).toEqual([wire])
    })
  })

  it('settings reach the gateway where it reads them (nordlys: inside generation_config)', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      await sdk(fetch).models.generateContent({
        model: MODEL,
        contents: 'Hi',
        config: { systemInstruction: 'Be brief.', temperature: 0.25, maxOutputTokens: 64 },
      })
      const effective = gw.requests[0]!.effective!
      expect(effective.generationConfig).toMatchObject({ temperature: 0.25, maxOutputTokens: 64 })
      expect(effective.systemInstruction).toMatchObject({ parts: [{ text: 'Be brief.' }] })
      expect(gw.requests[0]!.ignoredKeys).toEqual([])
    })
  })

  it('generateContentStream: the recorded chunks, re-framed as SSE the SDK parses', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      const wire = await wireOf(gw, 'streamGenerateContent')
      const chunks = []
      for await (const chunk of await sdk(fetch).models.generateContentStream({ model: MODEL, contents: 'Hi' })) chunks.push(chunk)
      expect(chunks.map((c) => c.text ?? '').join('')).toBe(STREAM_TEXT)
      expect(chunks.length).toBeGreaterThan(1)
      expect(chunks.at(-1)!.candidates?.[0]?.finishReason).toBe('STOP')
      expect(gw.requests.map(target)).toEqual([wire])
    })
  })

  it('a function-call round trip: the call comes back, and its thought signature reaches the gateway verbatim', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      const ai = sdk(fetch)
      const question: Content = { role: 'user', parts: [{ text: 'How many days until New Year’s Eve?' }] }
      const first = await ai.models.generateContent({
        model: MODEL,
        contents: [question],
        config: { tools: NOW_TOOL, httpOptions: { headers: { 'x-local-gateway-recording': FUNCTION_CALL_RECORDING } } },
      })
      expect(first.functionCalls).toEqual([{ name: 'now', args: {} }])
      const modelTurn = first.candidates![0]!.content!
      const signature = modelTurn.parts!.find((p) => p.functionCall)!.thoughtSignature
      expect(signature).toMatch(/^CtQOAVSo/)
      const second = await ai.models.generateContent({
        model: MODEL,
        contents: [question, modelTurn, { role: 'user', parts: [{ functionResponse: { name: 'now', response: { now: '2026-12-01T09:00:00Z' } } }] }],
        config: { tools: NOW_TOOL },
      })
      expect(second.text).toBe(UNARY_TEXT)
      const sent = gw.requests[1]!.body as { contents: Array<{ parts: Array<Record<string, unknown>> }> }
      expect(sent.contents[1]!.parts.find((p) => p.functionCall)).toMatchObject({ functionCall: { name: 'now', args: {} }, thoughtSignature: signature })
      expect(sent.contents[2]!.parts[0]).toEqual({ functionResponse: { name: 'now', response: { now: '2026-12-01T09:00:00Z' } } })
      expect(gw.requests[1]!.effective!.tools).toEqual([{ functionDeclarations: [expect.objectContaining({ name: 'now' })] }])
    })
  })

  if (serves(provider, 'countTokens')) {
    it('countTokens: the gateway’s count', async () => {
      await withGatewayFetch(provider, async ({ gw, fetch }) => {
        const wire = await wireOf(gw, 'countTokens')
        const res = await sdk(fetch).models.countTokens({ model: MODEL, contents: 'Hi' })
        expect(res.totalTokens).toBe(11)
        expect(gw.requests.map(target)).toEqual([wire])
      })
    })
  } else {
    it('countTokens, which the gateway does not serve: Google’s 501 UNIMPLEMENTED, and nothing sent', async () => {
      await withGatewayFetch(provider, async ({ gw, fetch }) => {
        const error = await caught(sdk(fetch).models.countTokens({ model: MODEL, contents: 'Hi' }))
        expect(error.status).toBe(501)
        expect(JSON.parse(error.message)).toEqual({
          error: { code: 501, message: `${provider}: countTokens is not offered by this provider`, status: 'UNIMPLEMENTED' },
        })
        expect(gw.requests).toEqual([])
      })
    })
  }

  it('a wrong key: an ApiError with the gateway’s status, in Google’s shape, and the key in no message', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      const status = await wrongKeyStatus(gw)
      const error = await caught(sdk(fetch, WRONG_KEY).models.generateContent({ model: MODEL, contents: 'Hi' }))
      expect(error.status).toBe(status)
      const body = JSON.parse(error.message) as { error: { code: number; message: string; status: string } }
      expect(body.error).toMatchObject({ code: status, message: expect.stringContaining(`${provider}: ${status}`), status: expect.stringMatching(/^[A-Z_]+$/) })
      expect(error.message).not.toContain(WRONG_KEY)
    })
  })

  it('a 429: RESOURCE_EXHAUSTED with the gateway’s status, after the fetch’s own retries', async () => {
    await withGatewayFetch(
      provider,
      async ({ gw, fetch }) => {
        gw.fail('rate-limit')
        const error = await caught(sdk(fetch).models.generateContent({ model: MODEL, contents: 'Hi' }))
        expect(error.status).toBe(429)
        expect(JSON.parse(error.message)).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } })
        expect(gw.requests).toHaveLength(1)
      },
      { maxRetries: 0 },
    )
  })

  it('a stream cut before its final chunk is an error, never a short answer that looks whole', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      gw.fail('stream-cut')
      const chunks: string[] = []
      const error = await caught(
        (async () => {
          for await (const chunk of await sdk(fetch).models.generateContentStream({ model: MODEL, contents: 'Hi' })) chunks.push(chunk.text ?? '')
        })(),
      )
      expect(chunks.length).toBeGreaterThan(0)
      expect(STREAM_TEXT.startsWith(chunks.join(''))).toBe(true)
      expect(error.status).toBe(502)
      expect(error.message).toContain('without a final chunk')
    })
  })

  it('a long answer (finishReason CONTINUATION) is whole in one SDK call where the gateway carries the token, else a 400 that says why', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      const hops = { 'x-local-gateway-hops': '3' }
      // What this package's own client makes of it, in this dialect.
      const own = await createClient({ provider, apiKey: KEY, baseUrl: gw.url })
        .generateContent({ model: MODEL, contents: [{ role: 'user', parts: [{ text: 'Tell me a long story.' }] }] }, { headers: hops })
        .then(text, (e: unknown) => e as GeminiGatewayError)
      const sent = gw.requests.length
      const calls: string[] = []
      const counting = ((input, init) => {
        calls.push(String(input))
        return fetch(input, init)
      }) as typeof globalThis.fetch
      const res = sdk(counting).models.generateContent({ model: MODEL, contents: 'Tell me a long story.', config: { httpOptions: { headers: hops } } })
      if (typeof own === 'string') {
        const answer = await res
        expect(answer.text).toBe(own)
        expect(answer.candidates?.[0]?.finishReason).toBe('STOP')
        expect(answer.usageMetadata?.initialPromptTokenCount).toBeGreaterThan(0)
        expect(gw.requests.length - sent).toBe(3)
      } else {
        const error = await caught(res)
        expect(error.status).toBe(400)
        expect(JSON.parse(error.message)).toEqual({ error: { code: 400, message: own.message, status: 'FAILED_PRECONDITION' } })
      }
      // The SDK sent one request: the hops were the fetch's.
      expect(calls).toHaveLength(1)
    })
  })

  if (serves(provider, 'listModels')) {
    it('models.list: the gateway’s model list as Google’s, and models.get finds one in it', async () => {
      await withGatewayFetch(provider, async ({ fetch }) => {
        const ai = sdk(fetch)
        const names: string[] = []
        for await (const model of await ai.models.list()) names.push(model.name!)
        expect(names).toContain(`models/${MODEL}`)
        expect(new Set(names).size).toBe(names.length)
        expect((await ai.models.get({ model: MODEL })).name).toBe(`models/${MODEL}`)
        const missing = await caught(ai.models.get({ model: 'gemini-0-nonexistent' }))
        expect(missing.status).toBe(404)
      })
    })
  }
})
