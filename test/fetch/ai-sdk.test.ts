// The AI SDK (`ai` 7 with `@ai-sdk/google` 4, dev dependencies) through gemini-gateways/fetch, against the local
// gateway of every registered provider on loopback: generateText, streamText, a tool round trip, a request the
// gateway would drop settings of, and errors with the gateway's status. (The AI SDK has no countTokens.)
import { createGoogleGenerativeAI } from '@ai-sdk/google'
import { APICallError, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai'
import { describe, expect, it } from 'vitest'
import { createClient, type GeminiGatewayError, RequestValidationError } from '../../src/index.ts'
import {
  authHeaderOf,
  functionCallFirst,
  KEY,
  MODEL,
  PROVIDERS,
  STREAM_TEXT,
  target,
  UNARY_TEXT,
  withGatewayFetch,
  wireOf,
  WRONG_KEY,
  wrongKeyStatus,
} from './support.ts'

/** The provider as a user sets it up: its own key and default base URL (Google's /v1beta), and the gateway fetch. */
const google = (fetch: typeof globalThis.fetch, apiKey = KEY) => createGoogleGenerativeAI({ apiKey, fetch })

const now = tool({
  description: 'The current date and time.',
  inputSchema: jsonSchema<Record<string, never>>({ type: 'object', properties: {} }),
  execute: async () => ({ now: '2026-12-01T09:00:00Z' }),
})

async function caught(promise: Promise<unknown>): Promise<APICallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(APICallError.isInstance(error), String(error)).toBe(true)
  return error as APICallError
}

describe.each(PROVIDERS)('ai + @ai-sdk/google through the %s gateway fetch', (provider) => {
  it('generateText: the recorded answer, sent in the gateway’s wire with its auth header', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      const wire = await wireOf(gw, 'generateContent')
      const res = await generateText({ model: google(fetch)(MODEL), prompt: 'Where is Google headquartered?', temperature: 0.3 })
      expect(res.text).toBe(UNARY_TEXT)
      expect(res.finishReason).toBe('stop')
      expect(res.usage.inputTokens).toBeGreaterThan(0)
      expect(gw.requests).toHaveLength(1)
      const [sent] = gw.requests
      expect(target(sent!)).toBe(wire)
      expect(sent!.headers[authHeaderOf(provider)]).toBe('[REDACTED]')
      if (authHeaderOf(provider) !== 'x-goog-api-key') expect(sent!.headers['x-goog-api-key']).toBeUndefined()
      // The setting is where the gateway reads it: nordlys drops a camelCase generationConfig.
      expect(sent!.effective!.generationConfig).toMatchObject({ temperature: 0.3 })
      expect(sent!.ignoredKeys).toEqual([])
    })
  })

  it('streamText: the recorded chunks as one text, finished', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      const wire = await wireOf(gw, 'streamGenerateContent')
      const errors: unknown[] = []
      const res = streamText({ model: google(fetch)(MODEL), prompt: 'Hi', onError: ({ error }) => void errors.push(error) })
      expect(await res.text).toBe(STREAM_TEXT)
      expect(await res.finishReason).toBe('stop')
      expect(errors).toEqual([])
      expect(gw.requests.map(target)).toEqual([wire])
    })
  })

  it('a tool round trip: the call is run, its result and thought signature reach the gateway, then the answer', async () => {
    await withGatewayFetch(
      provider,
      async ({ gw, fetch }) => {
        const res = await generateText({ model: google(fetch)(MODEL), prompt: 'How many days until New Year’s Eve?', tools: { now }, stopWhen: stepCountIs(3) })
        expect(res.steps).toHaveLength(2)
        expect(res.steps[0]!.toolCalls.map((c) => c.toolName)).toEqual(['now'])
        expect(res.steps[0]!.toolResults.map((r) => r.output)).toEqual([{ now: '2026-12-01T09:00:00Z' }])
        expect(res.text).toBe(UNARY_TEXT)
        expect(gw.requests).toHaveLength(2)
        const [first, second] = gw.requests
        expect(first!.effective!.tools).toEqual([{ functionDeclarations: [expect.objectContaining({ name: 'now' })] }])
        const contents = (second!.body as { contents: Array<{ role: string; parts: Array<Record<string, any>> }> }).contents
        const call = contents[1]!.parts.find((p) => p.functionCall)!
        expect(call.functionCall).toMatchObject({ name: 'now', args: {} })
        expect(call.thoughtSignature).toMatch(/^CtQOAVSo/)
        expect(contents[2]!.parts[0]!.functionResponse).toMatchObject({ name: 'now', response: { name: 'now', content: { now: '2026-12-01T09:00:00Z' } } })
      },
      { middleware: [functionCallFirst] },
    )
  })

  it('a wrong key: an APICallError with the gateway’s status and Google-shaped message, the key in no message', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      const status = await wrongKeyStatus(gw)
      const error = await caught(generateText({ model: google(fetch, WRONG_KEY)(MODEL), prompt: 'Hi', maxRetries: 0 }))
      expect(error.statusCode).toBe(status)
      expect(error.message).toMatch(new RegExp(`^${provider}: ${status}`))
      expect(error.isRetryable).toBe(false)
      expect(JSON.stringify([error.message, error.responseBody])).not.toContain(WRONG_KEY)
    })
  })

  it('an overloaded gateway: a retryable 503 that the AI SDK retries, and the next answer', async () => {
    await withGatewayFetch(
      provider,
      async ({ gw, fetch }) => {
        gw.fail('overloaded')
        const res = await generateText({ model: google(fetch)(MODEL), prompt: 'Hi', maxRetries: 1 })
        expect(res.text).toBe(UNARY_TEXT)
        expect(gw.requests).toHaveLength(2)
      },
      { maxRetries: 0 },
    )
  })

  it('streamText: an error before the first chunk is an APICallError with the gateway’s status', async () => {
    await withGatewayFetch(
      provider,
      async ({ gw, fetch }) => {
        gw.fail('rate-limit')
        const errors: unknown[] = []
        const res = streamText({ model: google(fetch)(MODEL), prompt: 'Hi', maxRetries: 0, onError: ({ error }) => void errors.push(error) })
        await res.consumeStream()
        expect(errors).toHaveLength(1)
        expect((errors[0] as APICallError).statusCode).toBe(429)
      },
      { maxRetries: 0 },
    )
  })

  it('streamText: a stream cut before its final chunk ends in an error, not a finished answer', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      gw.fail('stream-cut')
      const errors: Array<{ statusCode?: number; message: string }> = []
      const res = streamText({ model: google(fetch)(MODEL), prompt: 'Hi', onError: ({ error }) => void errors.push(error as never) })
      const got = await res.text
      expect(STREAM_TEXT.startsWith(got)).toBe(true)
      expect(got).not.toBe(STREAM_TEXT)
      expect(await res.finishReason).toBe('error')
      expect(errors.map((e) => e.statusCode)).toEqual([502])
      expect(errors[0]!.message).toContain('without a final chunk')
    })
  })

  it('a setting the gateway would drop (serviceTier) is sent where it is carried, else refused as Google’s 400 before sending', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      // What this package's own client does with it in this dialect.
      const own = await createClient({ provider, apiKey: KEY, baseUrl: gw.url })
        .generateContent({ model: MODEL, contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], serviceTier: 'flex' } as never)
        .then(
          () => undefined,
          (e: unknown) => e as GeminiGatewayError,
        )
      const sent = gw.requests.length
      const res = generateText({ model: google(fetch)(MODEL), prompt: 'Hi', maxRetries: 0, providerOptions: { google: { serviceTier: 'flex' } } })
      if (own === undefined) {
        expect((await res).text).toBe(UNARY_TEXT)
        expect(gw.requests.at(-1)!.effective).toMatchObject({ serviceTier: 'flex' })
      } else {
        expect(own).toBeInstanceOf(RequestValidationError)
        const error = await caught(res)
        expect(error.statusCode).toBe(400)
        expect(error.message).toBe(own.message)
        // The field is named: at its pointer where new-api's spec says it drops it, quoted where nordlys has no place for it.
        expect(error.message).toMatch(/(\/serviceTier|"serviceTier"): /)
        expect(JSON.parse(error.responseBody!)).toMatchObject({
          error: { code: 400, status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest' }] },
        })
        expect(gw.requests.length).toBe(sent)
      }
    })
  })

  it('a long answer (finishReason CONTINUATION) streams whole where the gateway carries the token, else ends in a 400 that says why', async () => {
    await withGatewayFetch(provider, async ({ gw, fetch }) => {
      const hops = { 'x-local-gateway-hops': '2' }
      const own: string[] = []
      const ownError = await (async () => {
        for await (const chunk of createClient({ provider, apiKey: KEY, baseUrl: gw.url }).streamGenerateContent(
          { model: MODEL, contents: [{ role: 'user', parts: [{ text: 'Tell me a long story.' }] }] },
          { headers: hops },
        )) {
          own.push(chunk.candidates?.[0]?.content?.parts?.map((p) => p.text ?? '').join('') ?? '')
        }
      })().then(
        () => undefined,
        (e: unknown) => e as GeminiGatewayError,
      )
      const errors: Array<{ statusCode?: number; message: string }> = []
      const res = streamText({
        model: google(fetch)(MODEL),
        prompt: 'Tell me a long story.',
        headers: hops,
        onError: ({ error }) => void errors.push(error as never),
      })
      const got = await res.text
      if (ownError === undefined) {
        expect(got).toBe(own.join(''))
        expect(await res.finishReason).toBe('stop')
        expect(errors).toEqual([])
      } else {
        expect(await res.finishReason).toBe('error')
        expect(errors.map((e) => [e.statusCode, e.message])).toEqual([[400, ownError.message]])
      }
    })
  })
})

describe('why: the AI SDK pointed straight at apimart, as a new user would try it', () => {
  it('reads its {code, data} envelope as an empty answer, with no error; through the fetch it reads the answer', async () => {
    await withGatewayFetch('apimart', async ({ gw, fetch }) => {
      // Its own baseURL and a Bearer header beside x-goog-api-key: the request gets through, the answer does not.
      const direct = createGoogleGenerativeAI({ baseURL: `${gw.url}/v1beta`, apiKey: KEY, headers: { authorization: `Bearer ${KEY}` } })
      const misread = await generateText({ model: direct(MODEL), prompt: 'Hi', maxRetries: 0 })
      expect(misread.text).toBe('')
      const through = await generateText({ model: google(fetch)(MODEL), prompt: 'Hi', maxRetries: 0 })
      expect(through.text).toBe(UNARY_TEXT)
    })
  })
})
