// streamChunks (src/core/stream.ts) over in-memory bodies: what the SSE layer hands it, as typed results.
// The same paths over real HTTP are in test/client/streaming.test.ts and test/reliability.
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { IncompleteStreamError, MalformedResponseError, StreamError, TimeoutError, UserAbortError } from '../../src/core/errors.ts'
import { streamChunks, type StreamInput } from '../../src/core/stream.ts'
import type { GenerateContentResponse } from '../../src/core/types.ts'
import { encoder } from './helpers.ts'

const chunk = (text: string, final = false): GenerateContentResponse => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(final && { finishReason: 'STOP' }) }],
})
const event = (value: unknown): string => `data: ${JSON.stringify(value)}\r\n\r\n`
const googleError = { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }

interface Body {
  stream: ReadableStream<Uint8Array>
  /** Sends text as one read. */
  send(text: string): void
  close(): void
  cancelled: () => boolean
}

/** A body the test writes into; it never ends on its own. */
function body(...initial: string[]): Body {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let cancelled = false
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
      for (const text of initial) c.enqueue(encoder.encode(text))
    },
    cancel() {
      cancelled = true
    },
  })
  return { stream, send: (text) => controller.enqueue(encoder.encode(text)), close: () => controller.close(), cancelled: () => cancelled }
}

function inputFor(stream: ReadableStream<Uint8Array>, options: Partial<StreamInput> & { type?: string } = {}): StreamInput {
  const { type = 'text/event-stream', ...rest } = options
  const response = new Response(null, { headers: { 'content-type': type } })
  return {
    response,
    body: stream,
    provider: 'google',
    secrets: [],
    signal: undefined,
    idleTimeout: { ms: 5_000, option: 'timeoutMs' },
    attempts: 1,
    baseUrl: 'http://127.0.0.1:9',
    abort: () => {},
    check: () => undefined,
    fromWire: undefined,
    ...rest,
  }
}

/** Runs the stream to its end: the chunks it yielded and the error it ended with, if any. */
async function run(input: StreamInput): Promise<{ chunks: GenerateContentResponse[]; error: unknown }> {
  const chunks: GenerateContentResponse[] = []
  try {
    for await (const c of streamChunks(input)) chunks.push(c)
    return { chunks, error: undefined }
  } catch (error) {
    return { chunks, error }
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('streamChunks', () => {
  it('yields each checked chunk and ends at the end of a complete stream', async () => {
    const b = body(event(chunk('one ')), event(chunk('two', true)))
    b.close()
    expect(await run(inputFor(b.stream))).toStrictEqual({ chunks: [chunk('one '), chunk('two', true)], error: undefined })
  })

  it('a stream without its final chunk is an IncompleteStreamError', async () => {
    const b = body(event(chunk('one ')))
    b.close()
    const { chunks, error } = await run(inputFor(b.stream))
    expect(chunks).toHaveLength(1)
    expect(error).toBeInstanceOf(IncompleteStreamError)
    expect((error as Error).message).toBe('google: stream ended after 1 chunk(s) without a final chunk (no finishReason): the answer is cut off')
  })

  it('a bare pretty-printed JSON error after chunks is a StreamError, the chunks yielded first', async () => {
    const b = body(event(chunk('one ')), `${JSON.stringify(googleError, null, 2)}\n`)
    b.close()
    const { chunks, error } = await run(inputFor(b.stream))
    expect(chunks).toStrictEqual([chunk('one ')])
    expect(error).toBeInstanceOf(StreamError)
    expect((error as StreamError).status).toBe(503)
  })

  it('a bare JSON error is a StreamError as soon as it is whole, though the server keeps the connection open', async () => {
    const b = body(event(chunk('one ')), `${JSON.stringify(googleError, null, 2)}\n`) // never closed
    const { chunks, error } = await run(inputFor(b.stream, { idleTimeout: { ms: 60_000, option: 'timeoutMs' } }))
    expect(chunks).toStrictEqual([chunk('one ')])
    expect(error).toBeInstanceOf(StreamError)
    expect(b.cancelled()).toBe(true)
  })

  it("Google's JSON-array stream sent as an event stream is an error, not an empty success", async () => {
    const array = `[${JSON.stringify(chunk('one '), null, 2)}\n,\r\n${JSON.stringify(chunk('two', true), null, 2)}\n]`
    const b = body(array)
    b.close()
    const { chunks, error } = await run(inputFor(b.stream))
    expect(chunks).toStrictEqual([])
    expect(error).toBeInstanceOf(MalformedResponseError)
    expect((error as Error).message).toMatch(/expected an event stream/)

    const failing = body(`[${JSON.stringify(chunk('one '), null, 2)}\n,\r\n${JSON.stringify(googleError, null, 2)}\n]`)
    failing.close()
    const failed = await run(inputFor(failing.stream))
    expect(failed.error).toBeInstanceOf(StreamError)
    expect((failed.error as StreamError).status).toBe(503)
  })

  it('stray text between events is not part of the answer', async () => {
    const b = body(`upstream: keep-alive\n\n${event(chunk('one '))}OK\n${event(chunk('two', true))}`)
    b.close()
    expect(await run(inputFor(b.stream))).toStrictEqual({ chunks: [chunk('one '), chunk('two', true)], error: undefined })
  })

  it('an event that is not JSON is a MalformedResponseError naming it', async () => {
    const b = body(event(chunk('one ')), 'data: {"candidates": [\n\n')
    b.close()
    const { chunks, error } = await run(inputFor(b.stream))
    expect(chunks).toHaveLength(1)
    expect(error).toBeInstanceOf(MalformedResponseError)
    expect((error as Error).message).toMatch(/event 2 is not JSON/)
  })

  it('leaving the loop early cancels the body and unlocks it', async () => {
    const b = body(event(chunk('one ')), event(chunk('two ')))
    for await (const c of streamChunks(inputFor(b.stream))) {
      expect(c).toStrictEqual(chunk('one '))
      break
    }
    expect(b.cancelled()).toBe(true)
    expect(b.stream.locked).toBe(false)
  })

  it("the caller's abort while a read is pending is a UserAbortError, and cancels the body", async () => {
    const ac = new AbortController()
    const b = body(event(chunk('one ')))
    const it = streamChunks(inputFor(b.stream, { signal: ac.signal }))
    expect((await it.next()).value).toStrictEqual(chunk('one '))
    const pending = it.next()
    const reason = new Error('user cancelled')
    ac.abort(reason)
    const error = await pending.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserAbortError)
    expect((error as Error).cause).toBe(reason)
    expect(b.cancelled()).toBe(true)
    expect(b.stream.locked).toBe(false)
  })

  it('stops between the events of one read once the caller aborts', async () => {
    const ac = new AbortController()
    const b = body(event(chunk('one ')) + event(chunk('two ')) + event(chunk('three', true)))
    const it = streamChunks(inputFor(b.stream, { signal: ac.signal }))
    expect((await it.next()).value).toStrictEqual(chunk('one '))
    ac.abort()
    await expect(it.next()).rejects.toBeInstanceOf(UserAbortError)
    expect(b.cancelled()).toBe(true)
    expect(b.stream.locked).toBe(false)
  })

  it('an already-aborted signal is a UserAbortError before the body is touched', async () => {
    const b = body(event(chunk('one ', true)))
    const { error } = await run(inputFor(b.stream, { signal: AbortSignal.abort() }))
    expect(error).toBeInstanceOf(UserAbortError)
    expect(b.stream.locked).toBe(false)
  })

  it('a stall is a TimeoutError naming the limit and the chunks, even when abort() does not stop the body', async () => {
    const abort = vi.fn()
    const b = body(event(chunk('one ')))
    const { chunks, error } = await run(inputFor(b.stream, { idleTimeout: { ms: 60, option: 'timeoutMs' }, abort }))
    expect(chunks).toHaveLength(1)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as Error).message).toBe('google: stream stalled: no data for 60 ms after 1 chunk(s) (1 attempt); raise timeoutMs to wait longer')
    expect(abort).toHaveBeenCalledTimes(1)
    expect(b.cancelled()).toBe(true)
  })

  it('the idle limit counts the gaps between reads, with one timer per stream rather than one per read', async () => {
    const b = body()
    // The waits below use node:timers/promises, so the spy sees only the stream's own timer.
    const timeouts = vi.spyOn(globalThis, 'setTimeout')
    const done = run(inputFor(b.stream, { idleTimeout: { ms: 80, option: 'timeoutMs' } }))
    // 16 reads 20 ms apart: longer in all than the limit, each gap well inside it.
    for (let i = 0; i < 15; i++) {
      b.send(event(chunk(`${i} `)))
      await sleep(20)
    }
    b.send(event(chunk('end', true)))
    b.close()
    const { chunks, error } = await done
    expect(error).toBeUndefined()
    expect(chunks).toHaveLength(16)
    // Armed once, then re-armed for the time left each time the limit elapses (~300 ms / 80 ms): not 16 times.
    expect(timeouts.mock.calls.length).toBeGreaterThanOrEqual(1)
    expect(timeouts.mock.calls.length).toBeLessThanOrEqual(8)
  })

  it('reads a JSON body whole under the same idle limit', async () => {
    const abort = vi.fn()
    const b = body('{"candidates": [')
    const { error } = await run(inputFor(b.stream, { type: 'application/json', idleTimeout: { ms: 60, option: 'timeoutMs' }, abort }))
    expect(error).toBeInstanceOf(TimeoutError)
    expect(abort).toHaveBeenCalledTimes(1)
    expect(b.cancelled()).toBe(true)

    const whole = body(JSON.stringify([chunk('one '), chunk('two', true)]))
    whole.close()
    expect(await run(inputFor(whole.stream, { type: 'application/json' }))).toStrictEqual({ chunks: [chunk('one '), chunk('two', true)], error: undefined })
  })
})
