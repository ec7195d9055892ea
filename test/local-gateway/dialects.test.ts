import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { withLocalGateway } from '../../src/local-gateway/index.ts'
import { NEWAPI_RELAYS, PLAIN_NEWAPI, providers, familyOf } from '../support/registry.ts'
import { CONTENTS, generatePath, post, recordedModel, servedAs, sseEvents } from './helpers.ts'

const recording = (name: string) => readFileSync(new URL(`../../src/local-gateway/recordings/${name}`, import.meta.url), 'utf8')
const SHORT_TEXT = recording('unary-success-basic-reply-short.json')
const SHORT = JSON.parse(SHORT_TEXT) as Record<string, unknown>
/** What every request below asks for (generatePath's default); the recordings were made with other models. */
const ASKED = 'gemini-2.5-flash'

const effectiveOf = (res: Response) => JSON.parse(res.headers.get('x-local-gateway-effective-config') ?? 'null') as Record<string, unknown>

describe('nordlys reads only snake_case', () => {
  it('silently drops camelCase generationConfig and systemInstruction', async () => {
    await withLocalGateway({ provider: 'nordlys' }, async (gw) => {
      const res = await post(gw, generatePath(), {
        contents: CONTENTS,
        generationConfig: { maxOutputTokens: 5 },
        systemInstruction: { parts: [{ text: 'be terse' }] },
      })
      expect(res.status).toBe(200) // no error: the loss is silent, as on the real server
      expect(res.headers.get('x-local-gateway-ignored-keys')).toBe('generationConfig,systemInstruction')
      expect(effectiveOf(res)).toEqual({})
      expect(gw.requests[0]?.effective).toEqual({})
      expect(gw.requests[0]?.ignoredKeys).toEqual(['generationConfig', 'systemInstruction'])
      await res.text()
    })
  })

  it('reads generation_config, system_instruction, tools, tool_config, safety_settings and router fields', async () => {
    await withLocalGateway({ provider: 'nordlys' }, async (gw) => {
      const body = {
        contents: CONTENTS,
        generation_config: { maxOutputTokens: 5, temperature: 0.2 },
        system_instruction: { parts: [{ text: 'be terse' }] },
        tools: [{ functionDeclarations: [{ name: 'now', description: 'time' }] }],
        tool_config: { functionCallingConfig: { mode: 'AUTO' } },
        safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
        model: 'gemini-2.5-flash',
        provider_order: ['google'],
      }
      const res = await post(gw, generatePath(), body)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-local-gateway-ignored-keys')).toBeNull()
      expect(effectiveOf(res)).toEqual({
        generationConfig: { maxOutputTokens: 5, temperature: 0.2 },
        systemInstruction: body.system_instruction,
        tools: body.tools,
        toolConfig: body.tool_config,
        safetySettings: body.safety_settings,
        router: { model: 'gemini-2.5-flash', provider_order: ['google'] },
      })
      await res.text()
    })
  })

  it('takes request-level settings from the SDK-shaped generation_config and drops SDK-only fields', async () => {
    await withLocalGateway({ provider: 'nordlys' }, async (gw) => {
      const res = await post(gw, generatePath(), {
        contents: CONTENTS,
        generation_config: {
          maxOutputTokens: 7,
          systemInstruction: { parts: [{ text: 'inside config' }] },
          toolConfig: { functionCallingConfig: { mode: 'NONE' } },
          httpOptions: { timeout: 5 },
        },
      })
      expect(gw.requests[0]?.effective).toEqual({
        generationConfig: { maxOutputTokens: 7 },
        systemInstruction: { parts: [{ text: 'inside config' }] },
        toolConfig: { functionCallingConfig: { mode: 'NONE' } },
      })
      await res.text()
    })
  })

  it('adds a top-level provider to answers and rejects a body without contents', async () => {
    await withLocalGateway({ provider: 'nordlys' }, async (gw) => {
      const ok = (await (await post(gw, generatePath())).json()) as Record<string, unknown>
      expect(ok).toEqual({ ...SHORT, modelVersion: ASKED, provider: 'google' })
      const bad = await post(gw, generatePath(), { generation_config: {} })
      expect(bad.status).toBe(400)
      expect(await bad.json()).toMatchObject({ error: { message: expect.any(String), request_id: expect.stringMatching(/^req_[0-9a-f]{24}$/) } })
    })
  })
})

describe('google body rules', () => {
  it('accepts proto snake_case names as aliases (as Google does)', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await post(gw, generatePath(), { contents: CONTENTS, generation_config: { maxOutputTokens: 5 } })
      expect(res.status).toBe(200)
      expect(effectiveOf(res)).toEqual({ generationConfig: { maxOutputTokens: 5 } })
      await res.text()
    })
  })

  it('rejects an unknown top-level field with INVALID_ARGUMENT and a BadRequest detail', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await post(gw, generatePath(), { contents: CONTENTS, provider_order: ['google'] })
      expect(res.status).toBe(400)
      const text = await res.text()
      expect(text.endsWith('\n')).toBe(true)
      expect(JSON.parse(text)).toMatchObject({
        error: {
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: 'Invalid JSON payload received. Unknown name "provider_order": Cannot find field.',
          details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest' }],
        },
      })
    })
  })

  it.each([
    ['missing contents', { generationConfig: {} }],
    ['empty contents', { contents: [] }],
    ['not JSON', '{"contents": ['],
    ['a JSON array', '[]'],
  ])('rejects %s with 400 INVALID_ARGUMENT', async (_name, body) => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await post(gw, generatePath(), body)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } })
    })
  })

  it('serves the recording byte for byte to a request for the model that made it', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await post(gw, generatePath(recordedModel(SHORT_TEXT)))
      expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8')
      expect(await res.text()).toBe(SHORT_TEXT)
    })
  })

  it('changes only modelVersion for a request for another model', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      expect(await (await post(gw, generatePath(ASKED))).text()).toBe(servedAs(SHORT_TEXT, ASKED))
    })
  })
})

describe.each(providers.filter((p) => ['newapi', 'apimart'].includes(familyOf(p))))('%s body rules (camelCase relay)', (provider) => {
  it('reads camelCase and silently drops snake_case keys', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(gw, generatePath(), {
        contents: CONTENTS,
        generationConfig: { topK: 3 },
        safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      })
      expect(res.status).toBe(200)
      expect(effectiveOf(res)).toEqual({ generationConfig: { topK: 3 } })
      expect(res.headers.get('x-local-gateway-ignored-keys')).toBe('safety_settings')
      await res.text()
    })
  })

  it('requires a non-empty contents array', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(gw, generatePath(), { contents: [] })
      expect(res.status).toBe(400)
      const body = (await res.json()) as Record<string, unknown>
      if (provider === 'apimart') expect(body).toMatchObject({ code: 400, data: null })
      else expect(body).toMatchObject({ error: { type: 'new_api_error', code: 'bad_request_body' } })
    })
  })
})

describe('anyfast decorations', () => {
  it('adds candidates[].index (and reports the model asked for in modelVersion) in unary answers', async () => {
    await withLocalGateway({ provider: 'anyfast' }, async (gw) => {
      const body = (await (await post(gw, generatePath())).json()) as { candidates: Array<Record<string, unknown>>; modelVersion: string }
      expect(body.candidates[0]?.index).toBe(0)
      expect(body.modelVersion).toBe(ASKED)
    })
  })

  it('fills modelVersion with the requested model when the upstream left it out', async () => {
    await withLocalGateway({ provider: 'anyfast' }, async (gw) => {
      const blocked = await post(
        gw,
        generatePath('gemini-2.5-pro', true),
        { contents: CONTENTS },
        {
          authorization: 'Bearer local-gateway-key',
          'x-local-gateway-recording': 'streaming-failure-prompt-blocked-safety',
        },
      )
      const [event] = sseEvents(await blocked.text())
      expect(event).toMatchObject({ modelVersion: 'gemini-2.5-pro', promptFeedback: { blockReason: 'SAFETY' } })
    })
  })

  it('adds index to every stream event', async () => {
    await withLocalGateway({ provider: 'anyfast' }, async (gw) => {
      const events = sseEvents(await (await post(gw, generatePath('gemini-2.5-flash', true))).text())
      expect(events).toHaveLength(3)
      for (const e of events) expect((e.candidates as Array<Record<string, unknown>>)[0]?.index).toBe(0)
    })
  })
})

describe('apimart envelope', () => {
  it('wraps unary answers as {code:200,data,usageMetadata} with usageMetadata outside data', async () => {
    await withLocalGateway({ provider: 'apimart' }, async (gw) => {
      const body = (await (await post(gw, generatePath())).json()) as Record<string, Record<string, unknown>>
      const { usageMetadata, ...rest } = SHORT
      expect(body).toEqual({ code: 200, data: { ...rest, modelVersion: ASKED }, usageMetadata })
      expect('usageMetadata' in (body.data ?? {})).toBe(false)
    })
  })

  it('leaves out the outer usageMetadata when the answer had none', async () => {
    await withLocalGateway({ provider: 'apimart' }, async (gw) => {
      const res = await post(
        gw,
        generatePath(),
        { contents: CONTENTS },
        { authorization: 'Bearer local-gateway-key', 'x-local-gateway-recording': 'unary-failure-only-prompt-feedback' },
      )
      expect(await res.json()).toEqual({ code: 200, data: { ...JSON.parse(recording('unary-failure-only-prompt-feedback.json')), modelVersion: ASKED } })
    })
  })

  it('passes the bare response through with apimartEnvelope: false', async () => {
    await withLocalGateway({ provider: 'apimart', apimartEnvelope: false }, async (gw) => {
      expect(await (await post(gw, generatePath())).text()).toBe(servedAs(SHORT_TEXT, ASKED))
    })
  })

  it('never wraps stream events', async () => {
    await withLocalGateway({ provider: 'apimart' }, async (gw) => {
      const raw = await (await post(gw, generatePath('gemini-2.5-flash', true))).text()
      expect(raw).not.toContain('"code"')
      expect(sseEvents(raw).map((e) => Object.keys(e)[0])).toEqual(['candidates', 'candidates', 'candidates'])
    })
  })
})

describe.each(PLAIN_NEWAPI)('%s passthrough', (provider) => {
  it("passes Google's unary bytes through", async () => {
    await withLocalGateway({ provider }, async (gw) => {
      expect(await (await post(gw, generatePath())).text()).toBe(servedAs(SHORT_TEXT, ASKED))
    })
  })
})

// new-api decodes a body into its structs (dto/gemini.go) and encodes it again: what they lack is gone.
describe.each(NEWAPI_RELAYS)('%s reads a body as new-api does', (provider) => {
  it('forwards only what its structs hold, and lists each field it dropped', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const body = {
        contents: [
          { role: 'user', parts: [{ text: 'Hi', partMetadata: { mine: 1 } }] },
          {
            role: 'model',
            parts: [{ functionCall: { id: 'call_1', name: 'f', args: { a: 1 } } }, { toolCall: { id: 't1', toolType: 'GOOGLE_SEARCH_WEB', args: {} } }],
          },
          { role: 'user', parts: [{ functionResponse: { id: 'call_1', name: 'f', response: { ok: true } } }] },
        ],
        generationConfig: {
          temperature: 0.5,
          responseFormat: { text: { mimeType: 'text/plain' } },
          thinkingConfig: { includeThoughts: false, thinkingBudget: 0 },
        },
        serviceTier: 'flex',
        system_instruction: { parts: [{ text: 'Be brief.' }] },
      }
      const res = await post(gw, generatePath(), body)
      expect(res.status).toBe(200)
      await res.text()
      const seen = gw.requests[0]!
      expect(seen.dropped).toEqual([
        '/contents/0/parts/0/partMetadata',
        '/contents/1/parts/0/functionCall/id',
        '/contents/1/parts/1/toolCall',
        '/generationConfig/responseFormat',
        '/serviceTier',
      ])
      expect(seen.ignoredKeys).toEqual(['serviceTier'])
      expect(seen.forwarded).toEqual({
        contents: [
          { role: 'user', parts: [{ text: 'Hi' }] },
          { role: 'model', parts: [{ functionCall: { name: 'f', args: { a: 1 } } }, {}] },
          { role: 'user', parts: [{ functionResponse: { id: 'call_1', name: 'f', response: { ok: true } } }] },
        ],
        // includeThoughts: false is omitempty; the snake_case system_instruction is read (its custom UnmarshalJSON).
        generationConfig: { temperature: 0.5, thinkingConfig: { thinkingBudget: 0 } },
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
      })
    })
  })

  it('drops a system instruction without a text part, and gives a first turn without a role the role user', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(gw, generatePath(), {
        contents: [{ parts: [{ text: 'Hi' }] }],
        systemInstruction: { parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] },
      })
      expect(res.status).toBe(200)
      await res.text()
      expect(gw.requests[0]!.dropped).toEqual(['/systemInstruction'])
      expect(gw.requests[0]!.forwarded).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: {} })
    })
  })
})
