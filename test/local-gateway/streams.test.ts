import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { providers, withLocalGateway } from '../../src/local-gateway/index.ts'
import { familyOf, NEWAPI_RELAYS, perProvider } from '../support/registry.ts'
import { authHeaders, CONTENTS, generatePath, hasFinishReason, post, readChunks, recordedModel, sseEvents } from './helpers.ts'

const recording = (name: string) => readFileSync(new URL(`../../src/local-gateway/recordings/${name}`, import.meta.url), 'utf8')
const streamPath = generatePath('gemini-2.5-flash', true)
/** The model the default stream and the citations recording were made with: asked for, their bytes come back unchanged. */
const RECORDED = recordedModel(recording('streaming-success-basic-reply-short.txt'))

describe('google stream framing', () => {
  it('sends the recording as `data: <one line>\\r\\n\\r\\n` events, no comments, no [DONE]', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await post(gw, generatePath(RECORDED, true))
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/event-stream')
      expect(res.headers.get('content-disposition')).toBe('attachment')
      const raw = await res.text()
      // Same bytes as the recorded wire body.
      expect(raw).toBe(recording('streaming-success-basic-reply-short.txt'))
      const blocks = raw.split('\r\n\r\n')
      expect(blocks.at(-1)).toBe('')
      expect(blocks.slice(0, -1).every((b) => b.startsWith('data: {') && !b.includes('\n'))).toBe(true)
      expect(raw).not.toContain('[DONE]')
      expect(raw).not.toMatch(/^:/m)
      expect(hasFinishReason(sseEvents(raw).slice(-1))).toBe(true)
    })
  })

  it('re-frames a single-CRLF recording with CRLF CRLF', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await post(
        gw,
        streamPath,
        { contents: CONTENTS },
        { ...authHeaders('google'), 'x-local-gateway-recording': 'streaming-failure-prompt-blocked-safety' },
      )
      const raw = await res.text()
      expect(raw.endsWith('}\r\n\r\n')).toBe(true)
      expect(sseEvents(raw)).toEqual(sseEvents(recording('streaming-failure-prompt-blocked-safety.txt')))
    })
  })

  it('streams one JSON array without alt=sse', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await post(gw, `/v1beta/models/${RECORDED}:streamGenerateContent`)
      expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8')
      const raw = await res.text()
      expect(raw.startsWith('[{\n  "candidates"')).toBe(true)
      expect(raw).toContain('\n,\r\n{')
      const items = JSON.parse(raw) as unknown[]
      expect(items).toEqual(sseEvents(recording('streaming-success-basic-reply-short.txt')))
    })
  })

  it('turns a unary recording into a one-event stream in Google’s line format', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const model = recordedModel(recording('unary-success-citations.json'))
      const res = await post(
        gw,
        generatePath(model, true),
        { contents: CONTENTS },
        { ...authHeaders('google'), 'x-local-gateway-recording': 'unary-success-citations' },
      )
      const raw = await res.text()
      expect(raw.split('\r\n\r\n').filter(Boolean)).toHaveLength(1)
      expect(raw).toMatch(/^data: \{"candidates": \[\{"content": /)
      expect(sseEvents(raw)[0]).toEqual(JSON.parse(recording('unary-success-citations.json')))
    })
  })
})

describe.each(NEWAPI_RELAYS)('%s stream framing (new-api relay)', (provider) => {
  it('opens with a `: PING` comment, uses LF, and ends with data: [DONE]', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const raw = await (await post(gw, streamPath)).text()
      expect(raw.startsWith(': PING\n\ndata: {')).toBe(true)
      expect(raw.endsWith('}\n\ndata: [DONE]\n\n')).toBe(true)
      expect(raw).not.toContain('\r')
      const events = sseEvents(raw)
      expect(events).toHaveLength(3)
      expect(hasFinishReason(events.slice(-1))).toBe(true)
    })
  })
})

describe.each(providers.filter((p) => ['apimart', 'nordlys'].includes(familyOf(p))))('%s stream framing', (provider) => {
  it('uses `data: <json>\\n\\n` with no comment and no [DONE]', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const raw = await (await post(gw, streamPath)).text()
      expect(raw.startsWith('data: {')).toBe(true)
      expect(raw.endsWith('}\n\n')).toBe(true)
      expect(raw).not.toContain('\r')
      expect(raw).not.toContain('[DONE]')
      expect(raw).not.toMatch(/^:/m)
      const events = sseEvents(raw)
      expect(events).toHaveLength(3)
      if (familyOf(provider) === 'nordlys') for (const e of events) expect(e.provider).toBe('google')
    })
  })
})

describe.each(providers)('%s stream delivery', (provider) => {
  it('writes each event separately so they arrive over time', async () => {
    await withLocalGateway({ provider, chunkDelayMs: 40 }, async (gw) => {
      const started = Date.now()
      const chunks = await readChunks(await post(gw, streamPath))
      // new-api: PING + [DONE]; LiteLLM: each frame's second half, + [DONE]; the others one write per event.
      const framing = perProvider({ newapi: 2, litellm: 4, google: 0, vertex: 0, cloudflare: 0, apimart: 0, nordlys: 0 })[provider]
      expect(chunks).toHaveLength(3 + framing)
      expect(chunks.filter((c) => c.startsWith('data: {'))).toHaveLength(3)
      expect(Date.now() - started).toBeGreaterThanOrEqual(40 * (chunks.length - 1) - 5)
    })
  })

  it('serves the long recording when asked (36 events)', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const res = await post(
        gw,
        streamPath,
        { contents: CONTENTS },
        { ...authHeaders(provider), 'x-local-gateway-recording': 'streaming-success-basic-reply-long' },
      )
      expect(sseEvents(await res.text())).toHaveLength(36)
    })
  })

  it('keeps thoughtSignature values byte for byte', async () => {
    await withLocalGateway({ provider }, async (gw) => {
      const name = 'streaming-success-thinking-function-call-thought-summary-signature'
      const res = await post(gw, streamPath, { contents: CONTENTS }, { ...authHeaders(provider), 'x-local-gateway-recording': name })
      const signatures = (raw: string) => [...raw.matchAll(/"thoughtSignature": ?"([^"]+)"/g)].map((m) => m[1])
      const expected = signatures(recording(`${name}.txt`))
      expect(expected.length).toBeGreaterThan(0)
      expect(signatures(await res.text())).toEqual(expected)
    })
  })
})
