import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodeChunks, mulberry32, splitAt } from './helpers.ts'

const REAL = new URL('../../../shared/fixtures/real/', import.meta.url)
const FIREBASE = new URL('firebase-vertexai-sdk-test-data/', REAL)
const OMNIROUTE = new URL('github-issues/omniroute-4177.sse-midstream-error-503.TRANSCRIBED.txt', REAL)

const streamingFiles = readdirSync(FIREBASE)
  .filter((f) => f.startsWith('streaming-') && f.endsWith('.txt'))
  .sort()

/** Random network-like chunking, seeded per call so failures reproduce. */
function randomChunks(bytes: Uint8Array, seed: number): Uint8Array[] {
  const rnd = mulberry32(seed)
  const cuts: number[] = []
  for (let pos = 0; pos < bytes.length; ) {
    pos += 1 + Math.floor(rnd() * 97)
    if (pos < bytes.length) cuts.push(pos)
  }
  return splitAt(bytes, cuts)
}

describe('real recordings', () => {
  it('finds the firebase streaming fixtures', () => {
    expect(streamingFiles.length).toBeGreaterThanOrEqual(13)
    expect(streamingFiles).toContain('streaming-failure-image-rejected.txt')
  })

  describe.each(streamingFiles.filter((f) => f !== 'streaming-failure-image-rejected.txt'))('%s', (file) => {
    const bytes = new Uint8Array(readFileSync(new URL(file, FIREBASE)))
    const text = new TextDecoder().decode(bytes)
    // Each recorded event is one `data:` line, so the line count is an independent check.
    const dataLines = text.split(/\r?\n/).filter((l) => l.startsWith('data:')).length

    it('decodes into events whose data each JSON.parse()s', async () => {
      const events = await decodeChunks([bytes])
      expect(events.length).toBe(dataLines)
      expect(events.length).toBeGreaterThan(0)
      for (const ev of events) {
        expect(ev.bare).toBeUndefined()
        const json: unknown = JSON.parse(ev.data)
        expect(json).toBeTypeOf('object')
        expect(json).toSatisfy((o: object) => 'candidates' in o || 'promptFeedback' in o)
      }
    })

    it('decodes identically under random chunking', async () => {
      const whole = await decodeChunks([bytes])
      for (let seed = 1; seed <= 20; seed++) {
        expect(await decodeChunks(randomChunks(bytes, seed))).toStrictEqual(whole)
      }
    })
  })

  it('streaming-failure-image-rejected.txt is one bare JSON error event (400)', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('streaming-failure-image-rejected.txt', FIREBASE)))
    const events = await decodeChunks([bytes])
    expect(events).toHaveLength(1)
    expect(events[0]!.bare).toBe(true)
    const body = JSON.parse(events[0]!.data) as { error: { code: number; status: string } }
    expect(body.error.code).toBe(400)
    expect(body.error.status).toBe('INVALID_ARGUMENT')
    for (let seed = 1; seed <= 20; seed++) {
      expect(await decodeChunks(randomChunks(bytes, seed))).toStrictEqual(events)
    }
  })

  describe('omniroute-4177 mid-stream 503', () => {
    const bytes = new Uint8Array(readFileSync(OMNIROUTE))

    async function check(input: Uint8Array): Promise<void> {
      const events = await decodeChunks([input])
      expect(events).toHaveLength(3)
      for (const ev of events.slice(0, 2)) {
        expect(ev.bare).toBeUndefined()
        expect(JSON.parse(ev.data)).toHaveProperty('candidates')
      }
      expect(events[2]!.bare).toBe(true)
      const body = JSON.parse(events[2]!.data) as { error: { code: number; status: string } }
      expect(body.error.code).toBe(503)
      expect(body.error.status).toBe('UNAVAILABLE')
      for (let seed = 1; seed <= 20; seed++) {
        expect(await decodeChunks(randomChunks(input, seed))).toStrictEqual(events)
      }
    }

    it('decodes into 2 data events then 1 bare error event', () => check(bytes))

    it('decodes the same with CRLF framing (the transcription lost the CRs)', async () => {
      const crlf = new TextEncoder().encode(new TextDecoder().decode(bytes).replace(/\n/g, '\r\n'))
      await check(crlf)
    })
  })
})
