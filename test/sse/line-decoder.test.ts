import { describe, expect, it } from 'vitest'
import { LineDecoder } from '../../src/core/sse.ts'
import { mulberry32 } from './helpers.ts'

/** Feeds chunks and returns every line, including the flushed tail. */
function linesOf(chunks: readonly string[]): string[] {
  const d = new LineDecoder()
  const out: string[] = []
  for (const c of chunks) out.push(...d.push(c))
  out.push(...d.flush())
  return out
}

describe('LineDecoder', () => {
  it('splits on LF, CRLF and lone CR', () => {
    expect(linesOf(['a\nb\r\nc\rd\n'])).toEqual(['a', 'b', 'c', 'd'])
  })

  it('keeps empty lines for each terminator kind', () => {
    expect(linesOf(['\n\r\n\r'])).toEqual(['', '', ''])
    expect(linesOf(['a\n\nb\r\n\r\nc\r\rd\n'])).toEqual(['a', '', 'b', '', 'c', '', 'd'])
  })

  it('treats \\r\\r\\n as a CR break then a CRLF break', () => {
    expect(linesOf(['a\r\r\nb\n'])).toEqual(['a', '', 'b'])
  })

  it('treats CR at the end of a chunk and LF at the start of the next as one break', () => {
    const d = new LineDecoder()
    expect(d.push('a\r')).toEqual(['a'])
    expect(d.push('\nb\n')).toEqual(['b'])
    expect(d.flush()).toEqual([])
  })

  it('handles a lone CR chunk followed by LF', () => {
    expect(linesOf(['a', '\r', '\n', 'b', '\r', '\n'])).toEqual(['a', 'b'])
  })

  it('treats CR at the end of a chunk followed by a non-LF chunk as a break', () => {
    const d = new LineDecoder()
    expect(d.push('a\r')).toEqual(['a'])
    expect(d.push('b\r')).toEqual(['b'])
    expect(d.push('\r')).toEqual([''])
    expect(d.push('c')).toEqual([])
    expect(d.flush()).toEqual(['c'])
  })

  it('only swallows one LF after a chunk-ending CR', () => {
    expect(linesOf(['a\r', '\n\nb'])).toEqual(['a', '', 'b'])
  })

  it('remembers a pending CR across empty chunks', () => {
    expect(linesOf(['a\r', '', '\nb'])).toEqual(['a', 'b'])
  })

  it('returns lines as soon as their terminator arrives and buffers the rest', () => {
    const d = new LineDecoder()
    expect(d.push('da')).toEqual([])
    expect(d.push('ta: 1')).toEqual([])
    expect(d.push('\nda')).toEqual(['data: 1'])
    expect(d.push('ta: 2\n\n')).toEqual(['data: 2', ''])
  })

  it('joins a long line delivered one character at a time', () => {
    const line = 'x'.repeat(5000)
    expect(linesOf([...line, '\n'])).toEqual([line])
  })

  it('flush returns an unterminated last line and nothing otherwise', () => {
    const d = new LineDecoder()
    d.push('a\nb')
    expect(d.flush()).toEqual(['b'])
    expect(d.flush()).toEqual([])
    d.push('c\n')
    expect(d.flush()).toEqual([])
  })

  it('drops a BOM at the very start only', () => {
    expect(linesOf(['\uFEFFa\n\uFEFFb\n'])).toEqual(['a', '\uFEFFb'])
    expect(linesOf(['', '\uFEFF', 'a\n'])).toEqual(['a'])
    expect(linesOf(['a', '\uFEFF\n'])).toEqual(['a\uFEFF'])
  })

  it('gives the same lines for every single split and for seeded random splits', () => {
    const text = '\uFEFFa\r\nbb\rccc\n\r\n\r\rd\r\n\ne: f\r'
    const expected = ['a', 'bb', 'ccc', '', '', '', 'd', '', 'e: f']
    expect(linesOf([text])).toEqual(expected)
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j++) {
        expect(linesOf([text.slice(0, i), text.slice(i, j), text.slice(j)])).toEqual(expected)
      }
    }
    const rnd = mulberry32(7)
    for (let n = 0; n < 500; n++) {
      const chunks: string[] = []
      let pos = 0
      while (pos < text.length) {
        const size = Math.floor(rnd() * 5)
        chunks.push(text.slice(pos, pos + size))
        pos += size
      }
      expect(linesOf(chunks)).toEqual(expected)
    }
  })
})
