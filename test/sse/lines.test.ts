import { describe, expect, it } from 'vitest'
import { batchesOf, decodeStrings, mulberry32 } from './helpers.ts'

// Line breaks, through sseEvents: every split of the text into reads gives the same events.
describe('SSE line breaks', () => {
  it('splits on LF, CRLF and lone CR', async () => {
    expect(await decodeStrings(['data: a\ndata: b\r\ndata: c\rdata: d\n\n'])).toStrictEqual([{ data: 'a\nb\nc\nd' }])
  })

  it('keeps empty lines for each terminator kind', async () => {
    expect(await decodeStrings(['data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\n\n'])).toStrictEqual([
      { data: 'a' },
      { data: 'b' },
      { data: 'c' },
      { data: 'd' },
    ])
  })

  it('treats \\r\\r\\n as a CR break then a CRLF break', async () => {
    expect(await decodeStrings(['data: a\r\r\ndata: b\n\n'])).toStrictEqual([{ data: 'a' }, { data: 'b' }])
  })

  it('treats CR at the end of a read and LF at the start of the next as one break', async () => {
    expect(await decodeStrings(['data: a\r', '\ndata: b\n\n'])).toStrictEqual([{ data: 'a\nb' }])
  })

  it('handles a lone CR read followed by LF', async () => {
    expect(await decodeStrings(['data: a', '\r', '\n', 'data: b', '\r', '\n', '\n'])).toStrictEqual([{ data: 'a\nb' }])
  })

  it('treats CR at the end of a read followed by a non-LF read as a break', async () => {
    expect(await decodeStrings(['data: a\r', 'data: b\r', '\r', 'data: c'])).toStrictEqual([{ data: 'a\nb' }, { data: 'c' }])
  })

  it('only swallows one LF after a read-ending CR', async () => {
    expect(await decodeStrings(['data: a\r', '\n\ndata: b'])).toStrictEqual([{ data: 'a' }, { data: 'b' }])
  })

  it('remembers a pending CR across empty reads', async () => {
    expect(await decodeStrings(['data: a\r', '', '\ndata: b\n\n'])).toStrictEqual([{ data: 'a\nb' }])
  })

  it('hands out an event in the read that completes it and buffers the rest', async () => {
    expect(await batchesOf(['da', 'ta: 1', '\n\nda', 'ta: 2\n\n'])).toStrictEqual([[], [], [{ data: '1' }], [{ data: '2' }]])
  })

  it('joins a long line delivered one character at a time', async () => {
    const value = 'x'.repeat(5000)
    expect(await decodeStrings([...`data: ${value}`, '\n', '\n'])).toStrictEqual([{ data: value }])
  })

  it('drops a BOM at the very start only', async () => {
    expect(await decodeStrings(['\uFEFFdata: a\n\n\uFEFFdata: b\n\n'])).toStrictEqual([{ data: 'a' }, { data: '\uFEFFdata: b', bare: true }])
    expect(await decodeStrings(['', '\uFEFF', 'data: a\n\n'])).toStrictEqual([{ data: 'a' }])
    expect(await decodeStrings(['data: a', '\uFEFF\n\n'])).toStrictEqual([{ data: 'a\uFEFF' }])
  })

  it('gives the same events for every split in three and for seeded random splits', async () => {
    const text = '\uFEFFdata: a\r\ndata: bb\rdata: ccc\n\r\n\r\rdata: d\r\n\ndata: e: f\r'
    const expected = [{ data: 'a\nbb\nccc' }, { data: 'd' }, { data: 'e: f' }]
    expect(await decodeStrings([text])).toStrictEqual(expected)
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j++) {
        expect(await decodeStrings([text.slice(0, i), text.slice(i, j), text.slice(j)]), `splits at ${i}, ${j}`).toStrictEqual(expected)
      }
    }
    const rnd = mulberry32(7)
    for (let n = 0; n < 500; n++) {
      const pieces: string[] = []
      let pos = 0
      while (pos < text.length) {
        const size = Math.floor(rnd() * 5)
        pieces.push(text.slice(pos, pos + size))
        pos += size
      }
      expect(await decodeStrings(pieces)).toStrictEqual(expected)
    }
  })
})
