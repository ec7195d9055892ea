// What stays a RequestValidationError after normalising, how it reads, and `requestValidation: 'off'`;
// every request goes over real HTTP to the local gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, RequestValidationError, type ClientOptions, type Provider } from '../../src/index.ts'
import { startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { NEWAPI_RELAYS, PROVIDERS, type AnyClient } from '../client/helpers.ts'

const MODEL = 'gemini-2.5-flash'
const KEY = 'gk-test-7f3a9c1e5b'
const contents = [{ role: 'user', parts: [{ text: 'hi' }] }]

const gateways = {} as Record<Provider, LocalGateway>
beforeAll(async () => {
  for (const provider of PROVIDERS) gateways[provider] = await startLocalGateway({ provider, apiKey: KEY })
})
afterAll(async () => {
  for (const gw of Object.values(gateways)) await gw.close()
})
const clientFor = (provider: Provider, options: ClientOptions = {}) =>
  createClient({ provider, apiKey: KEY, baseUrl: gateways[provider].url, maxRetries: 0, ...options }) as unknown as AnyClient

/** The RequestValidationError a request is refused with (and that nothing was sent). */
async function refusal(provider: Provider, body: Record<string, unknown>): Promise<RequestValidationError> {
  const before = gateways[provider].requests.length
  const error = await clientFor(provider)
    .generateContent({ model: MODEL, ...body } as never)
    .then(
      () => undefined,
      (e: unknown) => e,
    )
  expect(error).toBeInstanceOf(RequestValidationError)
  expect(gateways[provider].requests.length, 'nothing is sent').toBe(before)
  return error as RequestValidationError
}

describe('what stays an error, in words a user acts on', () => {
  it.each(PROVIDERS)('%s: an unknown field is named on its object, with the nearest known name', async (provider) => {
    const error = await refusal(provider, { contents: [{ role: 'user', parts: [{ txt: 'hi' }] }] })
    expect(error.message).toBe(`${provider}: request failed validation: /contents/0/parts/0: unknown field "txt" (did you mean "text"?)`)
    expect(error.issues).toEqual([{ path: '/contents/0/parts/0', message: 'unknown field "txt" (did you mean "text"?)' }])
  })

  it('a misspelt snake_case name gets the canonical name as its hint', async () => {
    const error = await refusal('google', { contents, generation_config: { response_mime_typ: 'application/json' } })
    expect(error.issues).toEqual([{ path: '/generationConfig', message: 'unknown field "response_mime_typ" (did you mean "responseMimeType"?)' }])
  })

  it('an unknown field far from every name lists the known ones when there are few', async () => {
    const error = await refusal('google', { contents, generationConfig: { thinkingConfig: { depth: 3 } } })
    expect(error.issues).toEqual([
      { path: '/generationConfig/thinkingConfig', message: 'unknown field "depth"; known fields: includeThoughts, thinkingBudget, thinkingLevel' },
    ])
  })

  it('the same field spelled twice is reported as such', async () => {
    const error = await refusal('google', { contents, generationConfig: { responseMimeType: 'text/plain', response_mime_type: 'application/json' } })
    expect(error.issues).toEqual([{ path: '/generationConfig', message: '"response_mime_type" repeats "responseMimeType" (the same field, spelled twice)' }])
  })

  it.each(PROVIDERS)('%s: a bad enum value lists the values allowed', async (provider) => {
    const error = await refusal(provider, { contents, generationConfig: { thinkingConfig: { thinkingLevel: 'MAX' } } })
    const path = provider === 'nordlys' ? '/generation_config/thinkingConfig/thinkingLevel' : '/generationConfig/thinkingConfig/thinkingLevel'
    expect(error.issues).toEqual([{ path, message: expect.stringMatching(/^"MAX" is not one of (\w+, )*LOW, MEDIUM, HIGH\b/) }])
    expect(error.message).toContain(`${path}: "MAX" is not one of`)
    expect(error.message).not.toContain('THINKING_LEVEL_UNSPECIFIED')
  })

  it('an enum value in the wrong case gets the right one as its hint (enums other than Schema type are not case-folded)', async () => {
    const error = await refusal('google', { contents, safetySettings: [{ category: 'harm_category_harassment', threshold: 'BLOCK_NONE' }] })
    expect(error.issues).toEqual([
      {
        path: '/safetySettings/0/category',
        message: expect.stringMatching(/^"harm_category_harassment" is not one of .* \(did you mean "HARM_CATEGORY_HARASSMENT"\?\)$/),
      },
    ])
  })

  it('a wrong type says what was found', async () => {
    const error = await refusal('google', { contents, generationConfig: { temperature: 'hot' } })
    expect(error.issues).toEqual([{ path: '/generationConfig/temperature', message: 'must be number, not string' }])
  })

  it('a Schema type that is no type at all stays an error, in any case', async () => {
    const error = await refusal('google', { contents, tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'objekt' } }] }] })
    expect(error.issues).toEqual([
      {
        path: '/tools/0/functionDeclarations/0/parameters/type',
        message: expect.stringMatching(/^"OBJEKT" is not one of STRING, NUMBER, INTEGER, BOOLEAN, ARRAY, OBJECT/),
      },
    ])
  })

  it('a missing field is named; a Schema with neither type nor anyOf says it needs one of them', async () => {
    const error = await refusal('google', {
      contents,
      generationConfig: { responseSchema: {} },
      tools: [{ functionDeclarations: [{ description: 'no name' }] }],
    })
    expect(error.issues).toEqual([
      { path: '/generationConfig/responseSchema', message: 'needs one of the fields "type", "anyOf"' },
      { path: '/tools/0/functionDeclarations/0', message: 'missing field "name"' },
    ])
  })

  it('a Schema holding only anyOf is accepted (Google answers it: see the recorded requests)', async () => {
    await clientFor('google').generateContent({
      model: MODEL,
      contents,
      generationConfig: { responseMimeType: 'application/json', responseSchema: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
    } as never)
    expect(gateways.google.requests.at(-1)?.effective?.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { anyOf: [{ type: 'STRING' }, { type: 'NULL' }] },
    })
  })

  it('"schema is false" is never what an issue says', async () => {
    const error = await refusal('apimart', { contents: [{ role: 'user', parts: [{ text: 'hi', bogus: 1, other: 2 }] }], extra: true })
    expect(error.issues.length).toBeGreaterThan(0)
    for (const issue of error.issues) expect(issue.message).not.toMatch(/schema is false|additional properties/)
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: '', message: expect.stringMatching(/^unknown field "extra"/) },
        { path: '/contents/0/parts/0', message: expect.stringMatching(/^unknown field "bogus"/) },
        { path: '/contents/0/parts/0', message: expect.stringMatching(/^unknown field "other"/) },
      ]),
    )
  })

  it.each(['anyfast', 'apimart'] as const)('%s: empty contents stays an error (the gateway requires a turn)', async (provider) => {
    const error = await refusal(provider, { contents: [] })
    expect(error.issues).toEqual([{ path: '/contents', message: expect.stringMatching(/fewer than 1/) }])
  })

  it.each([
    ['serviceTier', 'flex'],
    ['service_tier', 'flex'],
    ['store', true],
    ['continuation_token', 'dG9r'],
  ])('nordlys: %s, which it has no place for, is refused under any spelling', async (key, value) => {
    const error = await refusal('nordlys', { contents, [key]: value })
    expect(error.message).toMatch(/"(serviceTier|store|continuationToken)": nordlys has no place for this field and would drop it; leave it out/)
  })

  it('the other providers send serviceTier read from service_tier', async () => {
    await clientFor('google').generateContent({ model: MODEL, contents, service_tier: 'flex' } as never)
    expect(gateways.google.requests.at(-1)?.effective).toEqual({ serviceTier: 'flex' })
  })
})

// new-api decodes requests into its own structs (dto/gemini.go): a field they lack is gone without a word. The ones
// whose loss changes the answer, the bill or the data kept are refused, named with their pointer and why.
describe.each(NEWAPI_RELAYS)('%s: what new-api would drop', (provider) => {
  const toolCall = { id: 't1', toolType: 'GOOGLE_SEARCH_WEB', args: { queries: ['x'] } }
  it.each([
    [{ serviceTier: 'flex' }, '/serviceTier', 'so a flex or priority request would run, and be billed, at the standard tier'],
    [{ store: false }, '/store', "so the project's logging default would decide whether Google keeps the request"],
    [{ continuationToken: 'dG9r' }, '/continuationToken', 'so the answer would start over from the beginning, and be billed again'],
    [{ generationConfig: { responseFormat: { text: { mimeType: 'text/plain' } } } }, '/generationConfig/responseFormat', 'so the output format asked for'],
    [{ generationConfig: { translationConfig: { targetLanguageCode: 'fr' } } }, '/generationConfig/translationConfig', 'so the answer would not be translated'],
    [{ generationConfig: { audioTranscriptionConfig: { diarization: true } } }, '/generationConfig/audioTranscriptionConfig', 'so the transcription settings'],
    [{ generationConfig: { enableAffectiveDialog: true } }, '/generationConfig/enableAffectiveDialog', "without adapting to the speaker's tone"],
    [
      { contents: [...contents, { role: 'model', parts: [{ text: 'a' }, { toolCall }] }, { role: 'user', parts: [{ text: 'b' }] }] },
      '/contents/1/parts/1/toolCall',
      'so the server-side tool call would vanish',
    ],
    [
      { contents: [...contents, { role: 'model', parts: [{ toolResponse: { id: 't1', toolType: 'GOOGLE_SEARCH_WEB', response: {} } }] }] },
      '/contents/1/parts/0/toolResponse',
      'so the server-side tool result would vanish',
    ],
    [
      { contents: [{ role: 'user', parts: [{ fileData: { fileUri: 'https://youtu.be/x', mimeType: 'video/mp4' }, mediaProcessing: 'AGENTIC' }] }] },
      '/contents/0/parts/0/mediaProcessing',
      'the tokens billed',
    ],
    [
      { contents: [{ role: 'user', parts: [{ text: 'Hi', speechMetadata: { speaker: 'Ann' } }] }] },
      '/contents/0/parts/0/speechMetadata',
      'who speaks each part',
    ],
  ])('refuses %j at its pointer, saying why', async (extra, path, why) => {
    const error = await refusal(provider, { contents, ...extra })
    expect(error.issues).toEqual([{ path, message: expect.stringContaining(`${provider} drops this field without a word: its`) }])
    expect(error.issues[0]!.message).toContain(why)
    expect(error.issues[0]!.message).toMatch(/; leave it out, or send this request through another provider$/)
    expect(error.message).toContain(`${provider}: request failed validation: ${path}: ${provider} drops this field`)
  })

  it('names every dropped field at once, wherever it is', async () => {
    const error = await refusal(provider, {
      contents: [
        { role: 'user', parts: [{ text: 'a', speechMetadata: {} }] },
        { role: 'model', parts: [{ toolCall }] },
      ],
      serviceTier: 'flex',
      generationConfig: { responseFormat: {} },
    })
    expect(error.issues.map((i) => i.path)).toEqual([
      '/contents/0/parts/0/speechMetadata',
      '/contents/1/parts/0/toolCall',
      '/generationConfig/responseFormat',
      '/serviceTier',
    ])
  })

  it('refuses a system instruction without a text part, which new-api removes', async () => {
    const error = await refusal(provider, { contents, systemInstruction: { parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] } })
    expect(error.issues).toEqual([
      {
        path: '/systemInstruction',
        message:
          'new-api removes a system instruction without a text part, so the model would never see it; add a text part to it, or send this request through another provider',
      },
    ])
  })

  it('sends what it drops harmlessly (the ids of calls, display names, part metadata), and the relay drops them', async () => {
    const gw = gateways[provider]
    const body = {
      contents: [
        {
          role: 'user',
          parts: [{ text: 'Hi', partMetadata: { turn: 1 } }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=', displayName: 'dot.png' } }],
        },
        { role: 'model', parts: [{ functionCall: { id: 'call_1', name: 'f', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { id: 'call_1', name: 'f', response: { ok: true } } }] },
      ],
    }
    await clientFor(provider).generateContent({ model: MODEL, ...body } as never)
    expect(gw.requests.at(-1)?.body).toEqual(body)
    expect(gw.requests.at(-1)?.dropped).toEqual([
      '/contents/0/parts/0/partMetadata',
      '/contents/0/parts/1/inlineData/displayName',
      '/contents/1/parts/0/functionCall/id',
    ])
  })

  it("with requestValidation 'off' the request goes out, and the relay drops the field without a word", async () => {
    const gw = gateways[provider]
    await clientFor(provider, { requestValidation: 'off' }).generateContent({ model: MODEL, contents, serviceTier: 'flex' } as never)
    expect(gw.requests.at(-1)?.dropped).toEqual(['/serviceTier'])
  })
})

describe("requestValidation: 'off'", () => {
  const unknownNested = { contents: [{ role: 'user', parts: [{ text: 'hi', customFlag: true }] }] }

  it('on the client: a body strict validation refuses is sent, still normalised', async () => {
    const gw = gateways.google
    await clientFor('google', { requestValidation: 'off' }).generateContent({
      model: MODEL,
      ...unknownNested,
      generation_config: { max_output_tokens: 8 },
    } as never)
    expect(gw.requests.at(-1)?.body).toEqual({ ...unknownNested, generationConfig: { maxOutputTokens: 8 } })
  })

  it('per call: overrides the client, both ways', async () => {
    const gw = gateways.infinityblue
    const strict = clientFor('infinityblue')
    await expect(strict.generateContent({ model: MODEL, ...unknownNested } as never)).rejects.toThrow(RequestValidationError)
    await strict.generateContent({ model: MODEL, ...unknownNested } as never, { requestValidation: 'off' })
    expect(gw.requests.at(-1)?.body).toEqual(unknownNested)
    const off = clientFor('infinityblue', { requestValidation: 'off' })
    await expect(off.generateContent({ model: MODEL, ...unknownNested } as never, { requestValidation: 'strict' })).rejects.toThrow(RequestValidationError)
  })

  it('streams too', async () => {
    const before = gateways.apimart.requests.length
    for await (const _ of clientFor('apimart').streamGenerateContent({ model: MODEL, ...unknownNested } as never, { requestValidation: 'off' }));
    expect(gateways.apimart.requests.length).toBe(before + 1)
  })

  it('nordlys: still maps to its wire form (snake_case top level, settings inside generation_config)', async () => {
    const gw = gateways.nordlys
    await clientFor('nordlys', { requestValidation: 'off' }).generateContent({
      model: MODEL,
      ...unknownNested,
      system_instruction: { parts: [{ text: 'Be brief.' }] },
      generation_config: { top_k: 2 },
    } as never)
    expect(gw.requests.at(-1)?.body).toEqual({ ...unknownNested, generation_config: { topK: 2, systemInstruction: { parts: [{ text: 'Be brief.' }] } } })
    expect(gw.requests.at(-1)?.ignoredKeys).toEqual([])
  })
})
