import { describe, expect, it, vi } from 'vitest'
import { sseEvents } from '../../src/core/sse.ts'
import { collect, decodeChunks, decodeSSE, decodeText, encoder, splitAt, streamOf } from './helpers.ts'

// sseEvents hands out one array of events per read; decodeSSE (test/sse/support) flattens them.
describe('sseEvents', () => {
  it('decodes a Gemini-style CRLF stream', async () => {
    const body = 'data: {"a":1}\r\n\r\ndata: {"a":2}\r\n\r\n'
    expect(await decodeText(body)).toStrictEqual([{ data: '{"a":1}' }, { data: '{"a":2}' }])
  })

  it('reads a fetch Response body', async () => {
    const expected = [{ data: 'x', event: 'e' }, { data: 'y' }]
    expect(await collect(decodeSSE(new Response('event: e\ndata: x\n\ndata: y\n\n').body!))).toStrictEqual(expected)
  })

  it('decodes a UTF-8 character split across chunks', async () => {
    const bytes = encoder.encode('data: héllo 👋\n\n')
    const wave = bytes.length - 6 // first byte of the 4-byte 👋
    for (const cuts of [[7], [8], [wave + 1], [wave + 2], [wave + 3], [wave + 1, wave + 2, wave + 3]]) {
      expect(await decodeChunks(splitAt(bytes, cuts))).toStrictEqual([{ data: 'héllo 👋' }])
    }
  })

  it('turns a truncated UTF-8 sequence at end of stream into U+FFFD', async () => {
    const bytes = encoder.encode('data: 👋')
    expect(await decodeChunks([bytes.subarray(0, bytes.length - 1)])).toStrictEqual([{ data: '\uFFFD' }])
  })

  it('drops a leading BOM, even split across chunks, and keeps a later one', async () => {
    const bytes = encoder.encode('\uFEFFdata: a\n\ndata: \uFEFFb\n\n')
    const expected = [{ data: 'a' }, { data: '\uFEFFb' }]
    expect(await decodeChunks([bytes])).toStrictEqual(expected)
    expect(await decodeChunks(splitAt(bytes, [1, 2]))).toStrictEqual(expected)
    // without the BOM the first line would be bare text
    expect((await decodeChunks(splitAt(bytes, [3])))[0]).toStrictEqual({ data: 'a' })
  })

  it('drops only one leading BOM', async () => {
    // a second BOM is part of the first line, which makes it bare text
    expect(await decodeText('\uFEFF\uFEFFdata: a\n\n')).toStrictEqual([{ data: '\uFEFFdata: a', bare: true }])
  })

  it('ignores keep-alive comments and retry', async () => {
    const body = ': PING\r\n\r\nretry: 100\r\ndata: x\r\n: PING\r\n\r\n: PING\r\n\r\n'
    expect(await decodeText(body)).toStrictEqual([{ data: 'x' }])
  })

  it('joins multi-line data', async () => {
    expect(await decodeText('data: {\ndata:   "a": 1\ndata: }\n\n')).toStrictEqual([{ data: '{\n  "a": 1\n}' }])
  })

  it('skips data: [DONE] and keeps decoding after it', async () => {
    const body = 'data: {"a":1}\n\ndata: [DONE]\n\ndata: {"a":2}\n\ndata: [DONE]'
    expect(await decodeText(body)).toStrictEqual([{ data: '{"a":1}' }, { data: '{"a":2}' }])
  })

  it('dispatches the last event when the stream ends without a blank line', async () => {
    expect(await decodeText('data: 1\n\ndata: 2\n')).toStrictEqual([{ data: '1' }, { data: '2' }])
    expect(await decodeText('data: 1\n\ndata: 2')).toStrictEqual([{ data: '1' }, { data: '2' }])
    expect(await decodeText('data: 1\r\n\r\ndata: 2\r')).toStrictEqual([{ data: '1' }, { data: '2' }])
  })

  it('yields nothing for an empty body', async () => {
    expect(await decodeChunks([])).toStrictEqual([])
    expect(await decodeChunks([new Uint8Array(0)])).toStrictEqual([])
  })

  it('yields a bare pretty-printed JSON error body after normal events', async () => {
    const error = '{\n  "error": {\n    "code": 503,\n    "message": "overloaded",\n    "status": "UNAVAILABLE"\n  }\n}\n'
    const events = await decodeText(`data: {"a":1}\n\ndata: {"a":2}\n\n${error}`)
    expect(events.slice(0, 2)).toStrictEqual([{ data: '{"a":1}' }, { data: '{"a":2}' }])
    expect(events).toHaveLength(3)
    expect(events[2]!.bare).toBe(true)
    expect(JSON.parse(events[2]!.data)).toEqual({
      error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' },
    })
  })

  it('yields the whole body as one bare event when the response is not SSE at all', async () => {
    const body = '{\r\n  "error": {\r\n    "code": 400\r\n  }\r\n}\r\n'
    const events = await decodeText(body)
    expect(events).toStrictEqual([{ data: '{\n  "error": {\n    "code": 400\n  }\n}', bare: true }])
  })

  it('yields each event before the stream has closed', async () => {
    let controller!: ReadableStreamDefaultController<Uint8Array>
    let closed = false
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c
      },
    })
    const it = decodeSSE(stream)
    controller.enqueue(encoder.encode('data: first\n'))
    const first = it.next()
    controller.enqueue(encoder.encode('\ndata: sec'))
    expect(await first).toStrictEqual({ done: false, value: { data: 'first' } })
    expect(closed).toBe(false)

    const second = it.next()
    controller.enqueue(encoder.encode('ond\n\n'))
    expect(await second).toStrictEqual({ done: false, value: { data: 'second' } })
    expect(closed).toBe(false)

    controller.close()
    closed = true
    expect(await it.next()).toStrictEqual({ done: true, value: undefined })
  })

  /** An endless stream that records cancellation. */
  function endless(): { stream: ReadableStream<Uint8Array>; cancelled: { reason: unknown } | undefined } {
    const state: { stream: ReadableStream<Uint8Array>; cancelled: { reason: unknown } | undefined } = {
      stream: undefined as unknown as ReadableStream<Uint8Array>,
      cancelled: undefined,
    }
    let n = 0
    state.stream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(encoder.encode(`data: ${n++}\n\n`))
      },
      cancel(reason) {
        state.cancelled = { reason }
      },
    })
    return state
  }

  it('cancels the body and releases the lock when the consumer breaks', async () => {
    const src = endless()
    const seen: string[] = []
    for await (const ev of decodeSSE(src.stream)) {
      seen.push(ev.data)
      if (seen.length === 3) break
    }
    expect(seen).toEqual(['0', '1', '2'])
    expect(src.cancelled).toBeDefined()
    expect(src.stream.locked).toBe(false)
  })

  it('cancels the body when the consumer calls return()', async () => {
    const src = endless()
    const it = decodeSSE(src.stream)
    expect((await it.next()).value).toStrictEqual({ data: '0' })
    expect(src.cancelled).toBeUndefined()
    expect(await it.return(undefined)).toStrictEqual({ done: true, value: undefined })
    expect(src.cancelled).toBeDefined()
    expect(src.stream.locked).toBe(false)
  })

  it('cancels the body when the loop body throws', async () => {
    const src = endless()
    await expect(async () => {
      for await (const ev of decodeSSE(src.stream)) if (ev.data === '1') throw new Error('consumer failed')
    }).rejects.toThrow('consumer failed')
    expect(src.cancelled).toBeDefined()
    expect(src.stream.locked).toBe(false)
  })

  it('does not cancel a body that ended normally', async () => {
    let cancelled = false
    const chunks = [encoder.encode('data: a\n\n')]
    let i = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (i < chunks.length) c.enqueue(chunks[i++]!)
        else c.close()
      },
      cancel() {
        cancelled = true
      },
    })
    expect(await collect(decodeSSE(stream))).toStrictEqual([{ data: 'a' }])
    expect(cancelled).toBe(false)
    expect(stream.locked).toBe(false)
  })

  it('throws the reason of an already-aborted signal without touching the body', async () => {
    const src = endless()
    const reason = new Error('stop')
    const it = decodeSSE(src.stream, { signal: AbortSignal.abort(reason) })
    await expect(it.next()).rejects.toBe(reason)
    expect(src.stream.locked).toBe(false)
  })

  it('throws the abort reason while a read is pending, and cancels the body', async () => {
    let cancelReason: unknown
    let controller!: ReadableStreamDefaultController<Uint8Array>
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c
      },
      cancel(reason) {
        cancelReason = reason
      },
    })
    const ac = new AbortController()
    const it = decodeSSE(stream, { signal: ac.signal })
    controller.enqueue(encoder.encode('data: a\n\n'))
    expect((await it.next()).value).toStrictEqual({ data: 'a' })
    const pending = it.next() // the source never sends more
    const reason = new Error('user cancelled')
    ac.abort(reason)
    await expect(pending).rejects.toBe(reason)
    expect(cancelReason).toBe(reason)
    expect(stream.locked).toBe(false)
    expect(await it.next()).toStrictEqual({ done: true, value: undefined })
  })

  it('stops at the next read once aborted (streamChunks stops between the events of one read)', async () => {
    const ac = new AbortController()
    let cancelReason: unknown
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(encoder.encode('data: a\n\ndata: b\n\n'))
      },
      cancel(reason) {
        cancelReason = reason
      },
    })
    const it = sseEvents(stream, ac.signal)
    expect((await it.next()).value).toStrictEqual([{ data: 'a' }, { data: 'b' }])
    ac.abort()
    await expect(it.next()).rejects.toMatchObject({ name: 'AbortError' })
    expect(cancelReason).toMatchObject({ name: 'AbortError' })
    expect(stream.locked).toBe(false)
  })

  it('propagates an error from the body', async () => {
    const failure = new Error('socket hang up')
    let sent = false
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (!sent) {
          sent = true
          c.enqueue(encoder.encode('data: a\n\ndata: partial'))
        } else c.error(failure)
      },
    })
    const seen: string[] = []
    await expect(async () => {
      for await (const ev of decodeSSE(stream)) seen.push(ev.data)
    }).rejects.toBe(failure)
    expect(seen).toEqual(['a'])
    expect(stream.locked).toBe(false)
  })

  describe('iterator protocol (same contract as an async generator)', () => {
    it('does not lock the body until the first next()', async () => {
      const stream = streamOf([encoder.encode('data: a\n\n')])
      const it = sseEvents(stream)
      expect(stream.locked).toBe(false)
      const first = it.next()
      expect(stream.locked).toBe(true)
      expect(await first).toStrictEqual({ done: false, value: [{ data: 'a' }] })
    })

    it('is its own async iterator', () => {
      const it = sseEvents(streamOf([]))
      expect(it[Symbol.asyncIterator]()).toBe(it)
    })

    it('answers overlapping next() calls in order', async () => {
      const chunks = [encoder.encode('data: 1\n\ndata: 2\n\n'), encoder.encode('data: 3\n\n')]
      const it = sseEvents(streamOf(chunks))
      const results = await Promise.all([it.next(), it.next(), it.next(), it.next()])
      expect(results).toStrictEqual([
        { done: false, value: [{ data: '1' }, { data: '2' }] },
        { done: false, value: [{ data: '3' }] },
        { done: true, value: undefined },
        { done: true, value: undefined },
      ])
    })

    it('stays done after the end, after return() and after an error', async () => {
      const ended = decodeSSE(streamOf([encoder.encode('data: a')]))
      expect(await collect(ended)).toStrictEqual([{ data: 'a' }])
      expect(await ended.next()).toStrictEqual({ done: true, value: undefined })

      const returned = decodeSSE(streamOf([encoder.encode('data: a\n\n')]))
      expect(await returned.return(undefined)).toStrictEqual({ done: true, value: undefined })
      expect(await returned.next()).toStrictEqual({ done: true, value: undefined })

      const failing = new ReadableStream<Uint8Array>({
        pull(c) {
          c.error(new Error('boom'))
        },
      })
      const errored = decodeSSE(failing)
      await expect(errored.next()).rejects.toThrow('boom')
      expect(await errored.next()).toStrictEqual({ done: true, value: undefined })
    })

    it('return() before the first next() leaves the body untouched', async () => {
      let cancelled = false
      const stream = new ReadableStream<Uint8Array>({
        cancel() {
          cancelled = true
        },
      })
      const it = sseEvents(stream)
      expect(await it.return(undefined)).toStrictEqual({ done: true, value: undefined })
      expect(stream.locked).toBe(false)
      expect(cancelled).toBe(false)
    })

    it('throw() cancels the body with the error and rethrows it', async () => {
      let cancelReason: unknown
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(encoder.encode('data: a\n\n'))
        },
        cancel(reason) {
          cancelReason = reason
        },
      })
      const it = sseEvents(stream)
      await it.next()
      const err = new Error('consumer gave up')
      await expect(it.throw(err)).rejects.toBe(err)
      expect(cancelReason).toBe(err)
      expect(stream.locked).toBe(false)
      expect(await it.next()).toStrictEqual({ done: true, value: undefined })
    })

    it('releases the body as soon as it ends, before the queued events are consumed', async () => {
      const stream = streamOf([encoder.encode('data: a\n\n'), encoder.encode('data: b\n\ndata: c')])
      const it = decodeSSE(stream)
      expect((await it.next()).value).toStrictEqual({ data: 'a' })
      expect(stream.locked).toBe(true)
      // the second chunk yields b; c is only complete once the close is read
      expect((await it.next()).value).toStrictEqual({ data: 'b' })
      expect(stream.locked).toBe(true)
      expect((await it.next()).value).toStrictEqual({ data: 'c' })
      expect(stream.locked).toBe(false)
      expect((await it.next()).done).toBe(true)
    })

    it('drops its abort listener as soon as the body ends', async () => {
      const ac = new AbortController()
      const remove = vi.spyOn(ac.signal, 'removeEventListener')
      const it = decodeSSE(streamOf([encoder.encode('data: a\n\n'), encoder.encode('data: b')]), {
        signal: ac.signal,
      })
      expect((await it.next()).value).toStrictEqual({ data: 'a' })
      expect(remove).not.toHaveBeenCalled()
      expect((await it.next()).value).toStrictEqual({ data: 'b' }) // completed by the end of the body
      expect(remove).toHaveBeenCalledTimes(1)
      expect(await it.next()).toStrictEqual({ done: true, value: undefined })
    })

    it('removes its abort listener when iteration ends', async () => {
      const ac = new AbortController()
      const add = vi.spyOn(ac.signal, 'addEventListener')
      const remove = vi.spyOn(ac.signal, 'removeEventListener')
      expect(await collect(decodeSSE(streamOf([encoder.encode('data: a\n\n')]), { signal: ac.signal }))).toHaveLength(1)
      expect(add).toHaveBeenCalledTimes(1)
      expect(remove).toHaveBeenCalledWith('abort', add.mock.calls[0]![1])
    })
  })
})
