// Streamed function-call arguments (constructed fixtures, see test/fixtures/streamed-function-args/README.md)
// through the real client and the local gateway over loopback HTTP, the SSE body cut at random byte offsets.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { functionCalls, mergeChunks, text, type GenerateContentResponse } from '../../src/index.ts'
import { startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { mulberry32 } from '../support/random.ts'
import { CONTENTS, KEY, clientFor, drain } from './helpers.ts'

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/streamed-function-args/${name}`, import.meta.url), 'utf8')
const SIG = 'Q29uc3RydWN0ZWQgc2lnbmF0dXJlLCBub3QgZnJvbSBhIG1vZGVs'

/** The body cut into writes at `cuts` random byte offsets (UTF-8 safe: the fixtures are ASCII). */
function splitRandomly(body: string, seed: number, cuts: number): string[] {
  const rand = mulberry32(seed)
  const at = [...new Set(Array.from({ length: cuts }, () => 1 + Math.floor(rand() * (body.length - 1))))].sort((a, b) => a - b)
  return [0, ...at].map((start, i) => body.slice(start, at[i] ?? body.length))
}

const CASES = [
  {
    file: 'weather-name-first.sse',
    calls: [{ name: 'get_weather', args: { location: 'Mountain View, CA', unit: 'celsius' } }],
    pieces: 5,
  },
  {
    file: 'order-name-last-two-calls.sse',
    calls: [
      {
        id: 'call-1',
        name: 'place_order',
        args: {
          customer: { name: 'Ada Lovelace' },
          items: [
            { sku: 'A-100', quantity: 2 },
            { sku: 'B-2', quantity: 1.5 },
          ],
          'gift wrap': false,
          note: null,
        },
      },
      { id: 'call-2', name: 'send_receipt', args: { email: 'ada@example.com' } },
    ],
    pieces: 5,
  },
]

describe.each(['google', 'nordlys'] as const)('%s: streamed function-call arguments', (provider) => {
  let gw: LocalGateway
  beforeAll(async () => {
    gw = await startLocalGateway({ provider, apiKey: KEY })
  })
  afterAll(() => gw.close())

  describe.each(CASES)('$file', ({ file, calls, pieces }) => {
    const body = fixture(file)
    it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: every chunk passes validation and the calls assemble whole', async (seed) => {
      const writes = splitRandomly(body, seed * 7919 + file.length, 3 + (seed % 5) * 4)
      expect(writes.join('')).toBe(body)
      gw.enqueue({ status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: writes })
      const client = clientFor(provider, gw)
      const chunks: GenerateContentResponse[] = await drain(client.streamGenerateContent({ model: 'gemini-3-pro-preview', contents: CONTENTS }))
      expect(chunks).toHaveLength(pieces)
      const merged = mergeChunks(chunks)
      expect(functionCalls(merged)).toEqual(calls)
      expect(text(merged)).toBe('')
      // The signature rides on the first call's part, verbatim.
      expect(merged.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toBe(SIG)
      expect(merged.candidates?.[0]?.finishReason).toBe('STOP')
    })
  })
})
