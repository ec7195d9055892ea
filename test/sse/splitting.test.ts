import { describe, expect, it } from 'vitest'
import type { SSEEvent } from '../../src/core/sse.ts'
import { decodeChunks, encoder, mulberry32, splitAt } from './helpers.ts'

// Every framing rule in one ~300-byte stream: BOM, CRLF / CR / LF, multibyte UTF-8,
// comments, retry, multi-line data, [DONE], a bare pretty JSON block, and a last
// event without its blank line.
const TEXT =
  '\uFEFF' +
  ': PING\r\n' +
  'event: message\r\n' +
  'id: 1\r\n' +
  'data: {"text":"héllo 👋"}\r\n' +
  '\r\n' +
  'data: line one\r' +
  'data:line two\r' +
  'retry: 1000\r' +
  '\r' +
  'data: {"n":2,"s":"ünï 日本"}\n' +
  ': keep-alive\n' +
  '\n' +
  'data: [DONE]\r\n' +
  '\r\n' +
  '{\r\n  "error": {\r\n    "code": 503,\r\n    "status": "UNAVAILABLE"\r\n  }\r\n}\r\n' +
  '\r\n' +
  'data: 𝄞 tail\r\n' +
  'data: without blank line'

const BYTES = encoder.encode(TEXT)

const EXPECTED: SSEEvent[] = [
  { data: '{"text":"héllo 👋"}', event: 'message', id: '1' },
  { data: 'line one\nline two' },
  { data: '{"n":2,"s":"ünï 日本"}' },
  { data: '{\n  "error": {\n    "code": 503,\n    "status": "UNAVAILABLE"\n  }\n}', bare: true },
  { data: '𝄞 tail\nwithout blank line' },
]

describe('chunk boundaries', () => {
  it('the sample stream is ~300 bytes and decodes as expected in one chunk', async () => {
    expect(BYTES.length).toBeGreaterThan(250)
    expect(BYTES.length).toBeLessThan(350)
    expect(await decodeChunks([BYTES])).toStrictEqual(EXPECTED)
  })

  it('gives identical events for a split at every byte position', async () => {
    for (let i = 0; i <= BYTES.length; i++) {
      expect(await decodeChunks(splitAt(BYTES, [i])), `split at ${i}`).toStrictEqual(EXPECTED)
    }
  })

  it('gives identical events for every pair of split positions', async () => {
    for (let i = 1; i < BYTES.length; i++) {
      for (let j = i + 1; j < BYTES.length; j++) {
        const got = await decodeChunks(splitAt(BYTES, [i, j]))
        // toStrictEqual per pair is slow; compare cheaply and report the first failure
        if (JSON.stringify(got) !== JSON.stringify(EXPECTED)) {
          expect(got, `splits at ${i}, ${j}`).toStrictEqual(EXPECTED)
        }
      }
    }
  })

  it('gives identical events one byte at a time', async () => {
    const chunks = Array.from(BYTES, (_, i) => BYTES.subarray(i, i + 1))
    expect(await decodeChunks(chunks)).toStrictEqual(EXPECTED)
  })

  it('gives identical events for 3000 seeded random splittings (with empty chunks)', async () => {
    const rnd = mulberry32(0x5eed)
    for (let n = 0; n < 3000; n++) {
      const cuts: number[] = []
      const count = 1 + Math.floor(rnd() * 24)
      for (let k = 0; k < count; k++) cuts.push(Math.floor(rnd() * (BYTES.length + 1)))
      cuts.sort((a, b) => a - b) // equal cuts make empty chunks
      const got = await decodeChunks(splitAt(BYTES, cuts))
      if (JSON.stringify(got) !== JSON.stringify(EXPECTED)) {
        expect(got, `cuts ${cuts.join(',')}`).toStrictEqual(EXPECTED)
      }
    }
  })
})
