import { describe, expect, it } from 'vitest'
import { EventAssembler, type SSEEvent } from '../../src/core/sse.ts'

/** Feeds lines and returns every event, including the flushed one. */
function eventsOf(lines: readonly string[], flush = true): SSEEvent[] {
  const a = new EventAssembler()
  const out: SSEEvent[] = []
  for (const line of lines) {
    const ev = a.push(line)
    if (ev) out.push(ev)
  }
  if (flush) {
    const ev = a.flush()
    if (ev) out.push(ev)
  }
  return out
}

describe('EventAssembler', () => {
  it('dispatches on a blank line, not before', () => {
    const a = new EventAssembler()
    expect(a.push('data: {"a":1}')).toBeUndefined()
    expect(a.push('')).toStrictEqual({ data: '{"a":1}' })
    expect(a.push('')).toBeUndefined()
    expect(a.flush()).toBeUndefined()
  })

  it('removes exactly one optional space after the colon', () => {
    expect(eventsOf(['data:x', '', 'data: x', '', 'data:  x', '', 'data:\tx', ''], false)).toStrictEqual([
      { data: 'x' },
      { data: 'x' },
      { data: ' x' },
      { data: '\tx' },
    ])
  })

  it('keeps colons inside the value', () => {
    expect(eventsOf(['data: {"a": "b:c"}', ''])).toStrictEqual([{ data: '{"a": "b:c"}' }])
  })

  it('joins multiple data lines with \\n', () => {
    expect(eventsOf(['data: a', 'data:b', 'data', 'data: ', 'data: c', ''])).toStrictEqual([
      { data: 'a\nb\n\n\nc' },
    ])
  })

  it('treats a field name without colon as that field with an empty value', () => {
    expect(eventsOf(['data', ''])).toStrictEqual([{ data: '' }])
    expect(eventsOf(['event', 'data: x', ''])).toStrictEqual([{ data: 'x' }])
    expect(eventsOf(['id', 'data: x', ''])).toStrictEqual([{ data: 'x', id: '' }])
  })

  it('dispatches an event whose only data line is empty', () => {
    expect(eventsOf(['data:', ''])).toStrictEqual([{ data: '' }])
  })

  it('reads event and id', () => {
    expect(eventsOf(['event: chunk', 'id: 42', 'data: x', ''])).toStrictEqual([
      { data: 'x', event: 'chunk', id: '42' },
    ])
  })

  it('resets event and id after each event', () => {
    expect(eventsOf(['event: a', 'id: 1', 'data: x', '', 'data: y', ''])).toStrictEqual([
      { data: 'x', event: 'a', id: '1' },
      { data: 'y' },
    ])
  })

  it('lets the last event/id line win and ignores ids containing NULL', () => {
    expect(eventsOf(['event: a', 'event: b', 'id: 1', 'id: 2\0', 'data: x', ''])).toStrictEqual([
      { data: 'x', event: 'b', id: '1' },
    ])
  })

  it('ignores retry', () => {
    expect(eventsOf(['retry: 3000', 'data: x', 'retry', ''])).toStrictEqual([{ data: 'x' }])
  })

  it('ignores comments, including keep-alives between data lines', () => {
    expect(eventsOf([': PING', 'data: a', ':', ': keep-alive', 'data: b', ''])).toStrictEqual([
      { data: 'a\nb' },
    ])
    expect(eventsOf([': PING', '', ': PING', ''])).toStrictEqual([])
  })

  it('does not dispatch an event without data lines', () => {
    expect(eventsOf(['event: ping', '', 'id: 7', '', 'retry: 5', ''])).toStrictEqual([])
    // and the discarded event's fields do not leak into the next one
    expect(eventsOf(['event: ping', '', 'data: x', ''])).toStrictEqual([{ data: 'x' }])
  })

  it('flush dispatches a pending event that lacks its blank line, then resets', () => {
    const a = new EventAssembler()
    a.push('event: e')
    a.push('data: last')
    expect(a.flush()).toStrictEqual({ data: 'last', event: 'e' })
    expect(a.flush()).toBeUndefined()
  })

  it('passes [DONE] through: skipping it is decodeSSE policy', () => {
    expect(eventsOf(['data: [DONE]', ''])).toStrictEqual([{ data: '[DONE]' }])
  })

  describe('bare text', () => {
    const pretty = ['{', '  "error": {', '    "code": 503,', '    "status": "UNAVAILABLE"', '  }', '}']

    it('joins consecutive bare lines into one bare event at the blank line', () => {
      const a = new EventAssembler()
      for (const line of pretty) expect(a.push(line)).toBeUndefined()
      const ev = a.push('')
      expect(ev).toStrictEqual({ data: pretty.join('\n'), bare: true })
      expect(JSON.parse(ev!.data)).toEqual({ error: { code: 503, status: 'UNAVAILABLE' } })
    })

    it('dispatches a bare run at end of input', () => {
      expect(eventsOf(pretty)).toStrictEqual([{ data: pretty.join('\n'), bare: true }])
    })

    it('treats a line with a colon but an unknown field name as bare', () => {
      expect(eventsOf(['  "error": {', ''])).toStrictEqual([{ data: '  "error": {', bare: true }])
      expect(eventsOf(['foo: bar', ''])).toStrictEqual([{ data: 'foo: bar', bare: true }])
      expect(eventsOf([' data: x', ''])).toStrictEqual([{ data: ' data: x', bare: true }])
      expect(eventsOf(['Data: x', ''])).toStrictEqual([{ data: 'Data: x', bare: true }])
      expect(eventsOf(['dat: x', 'datas: y', 'ids: z', ''])).toStrictEqual([
        { data: 'dat: x\ndatas: y\nids: z', bare: true },
      ])
    })

    it('treats a single-line JSON body as bare', () => {
      const body = '{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}'
      expect(eventsOf([body])).toStrictEqual([{ data: body, bare: true }])
    })

    it('keeps separate bare runs apart', () => {
      expect(eventsOf(['{', '}', '', '[', ']', ''])).toStrictEqual([
        { data: '{\n}', bare: true },
        { data: '[\n]', bare: true },
      ])
    })

    it('dispatches a pending data event first when bare text interrupts it', () => {
      const a = new EventAssembler()
      expect(a.push('data: {"a":1}')).toBeUndefined()
      expect(a.push('{')).toStrictEqual({ data: '{"a":1}' })
      expect(a.push('}')).toBeUndefined()
      expect(a.push('')).toStrictEqual({ data: '{\n}', bare: true })
    })

    it('ends a bare run at the next field line', () => {
      const a = new EventAssembler()
      a.push('oops')
      expect(a.push('data: x')).toStrictEqual({ data: 'oops', bare: true })
      expect(a.push('')).toStrictEqual({ data: 'x' })
    })

    it('is not interrupted by comment lines', () => {
      expect(eventsOf(['{', ': PING', '}', ''])).toStrictEqual([{ data: '{\n}', bare: true }])
    })
  })
})
