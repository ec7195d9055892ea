// The assembler of streamed function-call arguments, through the public helpers mergeChunks and functionCalls.
import { describe, expect, it } from 'vitest'
import { GeminiGatewayError, functionCalls, mergeChunks, type GenerateContentResponse, type Part } from '../../src/index.ts'
import { parseJsonPath } from '../../src/core/partial-args.ts'

/** One stream chunk whose first candidate has these parts. */
const chunk = (...parts: Part[]): GenerateContentResponse => ({ candidates: [{ index: 0, content: { role: 'model', parts } }] })
const piece = (call: Part['functionCall'], extra: Partial<Part> = {}): Part => ({ functionCall: call, ...extra })
const parts = (res: GenerateContentResponse): Part[] => res.candidates?.[0]?.content?.parts ?? []

describe('parseJsonPath', () => {
  it('reads dotted names, indexes and bracket-quoted names', () => {
    expect(parseJsonPath('$.location')).toEqual(['location'])
    expect(parseJsonPath('$.items[0].name')).toEqual(['items', 0, 'name'])
    expect(parseJsonPath(`$['gift wrap']["a\\"b"][12]`)).toEqual(['gift wrap', 'a"b', 12])
  })
  it.each(['location', '$.', '$..a', '$[*]', '$.a[?(@.b)]', '$.__proto__.x', '$[-1]'])('rejects %s with a typed error', (p) => {
    expect(() => parseJsonPath(p)).toThrow(GeminiGatewayError)
  })
})

describe('mergeChunks assembles streamed function calls', () => {
  it('nested objects and arrays, numbers, booleans and null', () => {
    const merged = mergeChunks([
      chunk(piece({ name: 'place_order', willContinue: true })),
      chunk(
        piece({
          partialArgs: [
            { jsonPath: '$.customer.address.city', stringValue: 'Paris' },
            { jsonPath: '$.items[0].sku', stringValue: 'A' },
          ],
          willContinue: true,
        }),
      ),
      chunk(
        piece({
          partialArgs: [
            { jsonPath: '$.items[0].qty', numberValue: 2 },
            { jsonPath: '$.items[1].sku', stringValue: 'B' },
            { jsonPath: '$.items[1].tags[0]', stringValue: 'x' },
          ],
          willContinue: true,
        }),
      ),
      chunk(
        piece({
          partialArgs: [
            { jsonPath: '$.express', boolValue: true },
            { jsonPath: '$.note', nullValue: 'NULL_VALUE' },
          ],
        }),
      ),
    ])
    expect(parts(merged)).toEqual([
      {
        functionCall: {
          name: 'place_order',
          args: {
            customer: { address: { city: 'Paris' } },
            items: [
              { sku: 'A', qty: 2 },
              { sku: 'B', tags: ['x'] },
            ],
            express: true,
            note: null,
          },
        },
      },
    ])
  })

  it('joins string pieces of one path while willContinue says so, and only then', () => {
    const merged = mergeChunks([
      chunk(piece({ name: 'f', partialArgs: [{ jsonPath: '$.s', stringValue: 'Mount', willContinue: true }], willContinue: true })),
      chunk(piece({ partialArgs: [{ jsonPath: "$['s']", stringValue: 'ain ', willContinue: true }], willContinue: true })),
      chunk(
        piece({
          partialArgs: [
            { jsonPath: '$.s', stringValue: 'View' },
            { jsonPath: '$.t', stringValue: 'old' },
          ],
          willContinue: true,
        }),
      ),
      // $.t did not say willContinue, so this fragment replaces it.
      chunk(piece({ partialArgs: [{ jsonPath: '$.t', stringValue: 'new' }] })),
    ])
    expect(functionCalls(merged)).toEqual([{ name: 'f', args: { s: 'Mountain View', t: 'new' } }])
  })

  it('takes the name from an earlier or a later piece, and an empty {} ends the call', () => {
    const later = mergeChunks([
      chunk(piece({ id: 'c1', partialArgs: [{ jsonPath: '$.q', stringValue: 'a' }], willContinue: true })),
      chunk(piece({ name: 'search' })),
    ])
    expect(functionCalls(later)).toEqual([{ id: 'c1', name: 'search', args: { q: 'a' } }])
    const earlier = mergeChunks([
      chunk(piece({ name: 'search', willContinue: true })),
      chunk(piece({ partialArgs: [{ jsonPath: '$.q', stringValue: 'b' }], willContinue: true })),
      chunk(piece({})),
    ])
    expect(functionCalls(earlier)).toEqual([{ name: 'search', args: { q: 'b' } }])
  })

  it('several calls in one stream stay separate and in order, whole calls among them verbatim', () => {
    const merged = mergeChunks([
      chunk({ text: 'Let me check. ' }),
      chunk(piece({ name: 'a', partialArgs: [{ jsonPath: '$.x', numberValue: 1 }], willContinue: true })),
      chunk(piece({})),
      chunk(piece({ id: 'w', name: 'whole', args: { k: [1, 2] } })),
      chunk(piece({ name: 'b', willContinue: true })),
      chunk(piece({ partialArgs: [{ jsonPath: '$.y', stringValue: 'z' }] })),
    ])
    expect(parts(merged)).toEqual([
      { text: 'Let me check. ' },
      { functionCall: { name: 'a', args: { x: 1 } } },
      { functionCall: { id: 'w', name: 'whole', args: { k: [1, 2] } } },
      { functionCall: { name: 'b', args: { y: 'z' } } },
    ])
  })

  it('a call with no partial args: name only, then the end marker', () => {
    const merged = mergeChunks([chunk(piece({ name: 'now', willContinue: true })), chunk(piece({}))])
    expect(functionCalls(merged)).toEqual([{ name: 'now' }])
  })

  it('keeps the first piece’s thoughtSignature verbatim on the assembled part; a later one fills a gap', () => {
    const sig = 'c2lnbmF0dXJlLzEyMz0/Kw=='
    const first = mergeChunks([
      chunk(piece({ name: 'f', willContinue: true }, { thoughtSignature: sig })),
      chunk(piece({ partialArgs: [{ jsonPath: '$.a', boolValue: false }] }, { thoughtSignature: 'b3RoZXI=' })),
    ])
    expect(parts(first)).toEqual([{ functionCall: { name: 'f', args: { a: false } }, thoughtSignature: sig }])
    const later = mergeChunks([chunk(piece({ name: 'f', willContinue: true })), chunk(piece({}, { thoughtSignature: sig }))])
    expect(parts(later)[0]?.thoughtSignature).toBe(sig)
  })

  it('a stream cut mid-call keeps willContinue: true on the call, so it does not look complete', () => {
    const merged = mergeChunks([chunk(piece({ name: 'f', partialArgs: [{ jsonPath: '$.a', stringValue: 'par', willContinue: true }], willContinue: true }))])
    expect(functionCalls(merged)).toEqual([{ name: 'f', args: { a: 'par' }, willContinue: true }])
  })

  it('pieces of different candidates do not mix', () => {
    const two = (i: number, call: Part['functionCall']): GenerateContentResponse => ({
      candidates: [{ index: i, content: { parts: [{ functionCall: call }] } }],
    })
    const merged = mergeChunks([
      two(0, { name: 'a', willContinue: true }),
      two(1, { name: 'b', willContinue: true }),
      two(1, { partialArgs: [{ jsonPath: '$.n', numberValue: 1 }] }),
      two(0, { partialArgs: [{ jsonPath: '$.n', numberValue: 0 }] }),
    ])
    expect(merged.candidates?.map((c) => c.content?.parts)).toEqual([
      [{ functionCall: { name: 'a', args: { n: 0 } } }],
      [{ functionCall: { name: 'b', args: { n: 1 } } }],
    ])
  })

  it('does not change the chunks it merges', () => {
    const chunks = [
      chunk(piece({ name: 'f', partialArgs: [{ jsonPath: '$.a', stringValue: 'x', willContinue: true }], willContinue: true })),
      chunk(piece({ partialArgs: [{ jsonPath: '$.a', stringValue: 'y' }] })),
    ]
    const before = structuredClone(chunks)
    mergeChunks(chunks)
    expect(chunks).toEqual(before)
  })

  it('a bad jsonPath is a typed error, not a silently wrong call', () => {
    expect(() => mergeChunks([chunk(piece({ name: 'f', partialArgs: [{ jsonPath: 'a.b', stringValue: 'x' }] }))])).toThrow(/unsupported jsonPath "a\.b"/)
  })
})

describe('functionCalls on one response', () => {
  it('returns whole calls as sent (same objects)', () => {
    const res = chunk(piece({ id: '1', name: 'f', args: { a: 1 } }), { text: 'x' })
    expect(functionCalls(res)[0]).toBe(res.candidates![0]!.content!.parts![0]!.functionCall)
  })
  it('assembles pieces inside one response', () => {
    const res = chunk(piece({ name: 'f', willContinue: true }), piece({ partialArgs: [{ jsonPath: '$.a[0]', numberValue: 3 }] }))
    expect(functionCalls(res)).toEqual([{ name: 'f', args: { a: [3] } }])
  })
})
