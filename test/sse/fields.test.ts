import { describe, expect, it } from 'vitest'
import type { SSEEvent } from '../../src/core/sse.ts'
import { batchesOf, decodeText } from './helpers.ts'

/** The events of `lines`, each ended by `\n`, in one read; the end of the body dispatches a pending event. */
function eventsOf(lines: readonly string[]): Promise<SSEEvent[]> {
  return decodeText(lines.map((l) => `${l}\n`).join(''))
}

// The SSE field rules, through sseEvents (eventsource-parser underneath).
describe('SSE fields', () => {
  it('dispatches on a blank line, not before', async () => {
    expect(await batchesOf(['data: {"a":1}\n', '\n', '\n'])).toStrictEqual([[], [{ data: '{"a":1}' }], []])
  })

  it('removes exactly one optional space after the colon', async () => {
    expect(await eventsOf(['data:x', '', 'data: x', '', 'data:  x', '', 'data:\tx', ''])).toStrictEqual([
      { data: 'x' },
      { data: 'x' },
      { data: ' x' },
      { data: '\tx' },
    ])
  })

  it('keeps colons inside the value', async () => {
    expect(await eventsOf(['data: {"a": "b:c"}', ''])).toStrictEqual([{ data: '{"a": "b:c"}' }])
  })

  it('joins multiple data lines with \\n', async () => {
    expect(await eventsOf(['data: a', 'data:b', 'data', 'data: ', 'data: c', ''])).toStrictEqual([{ data: 'a\nb\n\n\nc' }])
  })

  it('treats a field name without colon as that field with an empty value', async () => {
    expect(await eventsOf(['data', ''])).toStrictEqual([{ data: '' }])
    expect(await eventsOf(['event', 'data: x', ''])).toStrictEqual([{ data: 'x' }])
    expect(await eventsOf(['id', 'data: x', ''])).toStrictEqual([{ data: 'x', id: '' }])
  })

  it('dispatches an event whose only data line is empty', async () => {
    expect(await eventsOf(['data:', ''])).toStrictEqual([{ data: '' }])
  })

  it('reads event and id', async () => {
    expect(await eventsOf(['event: chunk', 'id: 42', 'data: x', ''])).toStrictEqual([{ data: 'x', event: 'chunk', id: '42' }])
  })

  it('resets event and id after each event', async () => {
    expect(await eventsOf(['event: a', 'id: 1', 'data: x', '', 'data: y', ''])).toStrictEqual([{ data: 'x', event: 'a', id: '1' }, { data: 'y' }])
  })

  it('lets the last event/id line win and ignores ids containing NULL', async () => {
    expect(await eventsOf(['event: a', 'event: b', 'id: 1', 'id: 2\0', 'data: x', ''])).toStrictEqual([{ data: 'x', event: 'b', id: '1' }])
  })

  it('ignores retry, valid or not', async () => {
    expect(await eventsOf(['retry: 3000', 'data: x', 'retry', 'retry: soon', ''])).toStrictEqual([{ data: 'x' }])
  })

  it('ignores comments, including keep-alives between data lines', async () => {
    expect(await eventsOf([': PING', 'data: a', ':', ': keep-alive', 'data: b', ''])).toStrictEqual([{ data: 'a\nb' }])
    expect(await eventsOf([': PING', '', ': PING', ''])).toStrictEqual([])
  })

  it('does not dispatch an event without data lines', async () => {
    expect(await eventsOf(['event: ping', '', 'id: 7', '', 'retry: 5', ''])).toStrictEqual([])
    // and the discarded event's fields do not leak into the next one
    expect(await eventsOf(['event: ping', '', 'data: x', ''])).toStrictEqual([{ data: 'x' }])
  })

  it('dispatches a pending event that lacks its blank line at the end of the body, once', async () => {
    expect(await decodeText('event: e\ndata: last')).toStrictEqual([{ data: 'last', event: 'e' }])
    expect(await decodeText('event: e\ndata: last\n')).toStrictEqual([{ data: 'last', event: 'e' }])
  })

  it('skips data: [DONE], but not a bare [DONE] line', async () => {
    expect(await eventsOf(['data: [DONE]', ''])).toStrictEqual([])
    expect(await eventsOf(['[DONE]', ''])).toStrictEqual([{ data: '[DONE]', bare: true }])
  })

  describe('bare text', () => {
    const pretty = ['{', '  "error": {', '    "code": 503,', '    "status": "UNAVAILABLE"', '  }', '}']

    it('joins consecutive bare lines into one bare event, dispatched before the next event', async () => {
      const events = await eventsOf([...pretty, '', 'data: x', ''])
      expect(events).toStrictEqual([{ data: pretty.join('\n'), bare: true }, { data: 'x' }])
      expect(JSON.parse(events[0]!.data)).toEqual({ error: { code: 503, status: 'UNAVAILABLE' } })
    })

    it('dispatches a bare run that is not JSON at the end of the body, in the read that ends it', async () => {
      expect(await eventsOf(pretty)).toStrictEqual([{ data: pretty.join('\n'), bare: true }])
      expect(await batchesOf(['{\n  "cut": \n'])).toStrictEqual([[], [{ data: '{\n  "cut": ', bare: true }]])
    })

    it('treats a line with a colon but an unknown field name as bare', async () => {
      expect(await eventsOf(['  "error": {', ''])).toStrictEqual([{ data: '  "error": {', bare: true }])
      expect(await eventsOf(['foo: bar', ''])).toStrictEqual([{ data: 'foo: bar', bare: true }])
      expect(await eventsOf([' data: x', ''])).toStrictEqual([{ data: ' data: x', bare: true }])
      expect(await eventsOf(['Data: x', ''])).toStrictEqual([{ data: 'Data: x', bare: true }])
      expect(await eventsOf(['dat: x', 'datas: y', 'ids: z', ''])).toStrictEqual([{ data: 'dat: x\ndatas: y\nids: z', bare: true }])
    })

    it('treats a single-line JSON body as bare', async () => {
      const body = '{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}'
      expect(await decodeText(body)).toStrictEqual([{ data: body, bare: true }])
    })

    it('keeps bare runs apart when an event comes between them', async () => {
      expect(await eventsOf(['{', '}', '', 'data: x', '', '[', ']', ''])).toStrictEqual([
        { data: '{\n}', bare: true },
        { data: 'x' },
        { data: '[\n]', bare: true },
      ])
    })

    it('keeps separate bare JSON values apart', async () => {
      expect(await eventsOf(['{', '}', '', '[', ']', ''])).toStrictEqual([
        { data: '{\n}', bare: true },
        { data: '[\n]', bare: true },
      ])
      expect(await eventsOf(['{"a":1}', '{"b":2}'])).toStrictEqual([
        { data: '{"a":1}', bare: true },
        { data: '{"b":2}', bare: true },
      ])
    })

    it('joins bare text that is not JSON across a blank line (eventsource-parser reports no blank line that ends no event)', async () => {
      expect(await eventsOf(['oops', '', 'more oops', ''])).toStrictEqual([{ data: 'oops\nmore oops', bare: true }])
    })

    it('keeps JSON apart from the stray text before it', async () => {
      expect(await eventsOf(['upstream said:', ...pretty])).toStrictEqual([
        { data: 'upstream said:', bare: true },
        { data: pretty.join('\n'), bare: true },
      ])
    })

    it('dispatches a bare JSON value in the read that completes it, before the body ends', async () => {
      expect(await batchesOf([`${pretty.slice(0, 3).join('\n')}\n`, `${pretty.slice(3).join('\n')}\n`])).toStrictEqual([
        [],
        [{ data: pretty.join('\n'), bare: true }],
      ]) // not held back to an end-of-body batch
    })

    it("joins Google's pretty-printed JSON-array stream into one bare event", async () => {
      const items = [{ candidates: [{ index: 0 }] }, { candidates: [{ index: 1 }] }]
      const array = `[${items.map((i) => JSON.stringify(i, null, 2)).join('\n,\r\n')}\n]`
      const events = await decodeText(array)
      expect(events).toHaveLength(1)
      expect(events[0]!.bare).toBe(true)
      expect(JSON.parse(events[0]!.data)).toEqual(items)
    })

    it('dispatches bare JSON that interrupts a data event before that event, which ends at its blank line', async () => {
      expect(await eventsOf(['data: {"a":1}', '{', '}', '', 'data: b', ''])).toStrictEqual([{ data: '{\n}', bare: true }, { data: '{"a":1}' }, { data: 'b' }])
    })

    it('ends a bare run at the next event', async () => {
      expect(await batchesOf(['oops\n', 'data: x\n', '\n'])).toStrictEqual([[], [], [{ data: 'oops', bare: true }, { data: 'x' }]])
    })

    it('is not interrupted by comment lines', async () => {
      expect(await eventsOf(['{', ': PING', '}', ''])).toStrictEqual([{ data: '{\n}', bare: true }])
    })
  })
})
