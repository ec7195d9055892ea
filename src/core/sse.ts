/**
 * Server-Sent Events decoder for Gemini `:streamGenerateContent?alt=sse` bodies.
 *
 * Three layers, each usable on its own: bytes → text ({@link decodeSSE}, streaming
 * `TextDecoder`), text → lines ({@link LineDecoder}), lines → events ({@link EventAssembler}).
 * The classes are thin shells over the same line and field functions `decodeSSE` calls
 * directly; `decodeSSE` passes lines as ranges of the decoded chunk, so its hot path
 * slices only field values, never whole lines.
 *
 * Web-standard APIs only, so it runs in browsers and edge runtimes.
 *
 * @module
 */

/** One decoded event. */
export interface SSEEvent {
  /** The `data:` lines of the event joined with `\n`, or the bare text when {@link SSEEvent.bare} is set. */
  data: string
  /** The `event:` field, when the event had a non-empty one. */
  event?: string
  /** The `id:` field, when this event had one (not carried over from earlier events). */
  id?: string
  /** true when the text was not SSE framing at all (e.g. a bare JSON error body a server wrote mid-stream) */
  bare?: boolean
}

/** Options for {@link decodeSSE}. */
export interface DecodeSSEOptions {
  /** Aborting stops iteration by throwing `signal.reason`, and cancels the body. */
  signal?: AbortSignal
  /** Called after every read from the body (bytes arrived), e.g. to keep an idle timer from firing. */
  onRead?: () => void
}

const LF = 10
const SPACE = 32
const COLON = 58
const BOM = 0xfeff
const CHAR_d = 100
const CHAR_e = 101
const CHAR_i = 105
const CHAR_r = 114

// ---------------------------------------------------------------------------
// text → lines

interface LineState {
  /** Text after the last terminator: the start of a line still arriving. */
  tail: string
  /** The previous chunk ended in `\r`, so a `\n` opening the next chunk belongs to that break. */
  skipLF: boolean
  started: boolean
}

/** Receives one line as `text.slice(start, end)`, without its terminator. */
type LineSink = (text: string, start: number, end: number) => void

const newLineState = (): LineState => ({ tail: '', skipLF: false, started: false })

/**
 * Splits `chunk` on `\n`, `\r\n` and lone `\r`, continuing from `s`.
 * Each chunk is scanned once; buffered text is never rescanned, so total work is O(n).
 */
function splitLines(s: LineState, chunk: string, sink: LineSink): void {
  const len = chunk.length
  if (len === 0) return
  let start = 0
  if (!s.started) {
    s.started = true
    if (chunk.charCodeAt(0) === BOM) start = 1
  }
  if (s.skipLF) {
    s.skipLF = false
    if (chunk.charCodeAt(start) === LF) start++
  }
  // Cache the next index of each terminator: a character absent from the chunk
  // (\r in LF-only streams) is then searched for once, not once per line.
  let lf = chunk.indexOf('\n', start)
  let cr = chunk.indexOf('\r', start)
  while (lf !== -1 || cr !== -1) {
    let end: number
    let next: number
    if (cr === -1 || (lf !== -1 && lf < cr)) {
      end = lf
      next = lf + 1
      lf = chunk.indexOf('\n', next)
    } else {
      end = cr
      next = cr + 1
      if (next === len) {
        s.skipLF = true // a \n may still come as the first character of the next chunk
      } else if (chunk.charCodeAt(next) === LF) {
        next++
        lf = chunk.indexOf('\n', next)
      }
      cr = chunk.indexOf('\r', next)
    }
    if (s.tail.length === 0) {
      sink(chunk, start, end)
    } else {
      const line = s.tail + chunk.slice(start, end)
      s.tail = ''
      sink(line, 0, line.length)
    }
    start = next
  }
  if (start < len) s.tail += start === 0 ? chunk : chunk.slice(start)
}

/** Ends the text: returns the unterminated last line, if any, and resets `s`. */
function flushLines(s: LineState): string | undefined {
  const tail = s.tail
  s.tail = ''
  s.skipLF = false
  s.started = false
  return tail.length === 0 ? undefined : tail
}

/**
 * Splits text into lines on `\n`, `\r\n` and lone `\r`, keeping state across chunks:
 * a `\r` ending one chunk and a `\n` starting the next are one line break.
 *
 * Each chunk is scanned once (buffered text is never rescanned), so total work is O(n).
 * A byte-order mark at the very start of the text is dropped.
 */
export class LineDecoder {
  readonly #s = newLineState()

  /**
   * Feeds a chunk of text.
   * @returns the lines this chunk completed, without their terminators.
   */
  push(chunk: string): string[] {
    const lines: string[] = []
    splitLines(this.#s, chunk, (text, start, end) => {
      lines.push(start === 0 && end === text.length ? text : text.slice(start, end))
    })
    return lines
  }

  /**
   * Ends the input and resets the decoder.
   * @returns the last line if the text did not end with a terminator, else nothing.
   */
  flush(): string[] {
    const tail = flushLines(this.#s)
    return tail === undefined ? [] : [tail]
  }
}

// ---------------------------------------------------------------------------
// lines → events

interface EventState {
  data: string
  hasData: boolean
  event: string | undefined
  id: string | undefined
  bare: string
  hasBare: boolean
}

const newEventState = (): EventState => ({
  data: '',
  hasData: false,
  event: undefined,
  id: undefined,
  bare: '',
  hasBare: false,
})

/** Whether `text` at `start` holds `name` followed by `:` or the end of the line. */
function isField(text: string, start: number, end: number, name: string): boolean {
  const after = start + name.length
  return (after === end || (after < end && text.charCodeAt(after) === COLON)) && text.startsWith(name, start)
}

/** The value after `name:` with one optional leading space removed; empty when there is no colon. */
function fieldValue(text: string, start: number, end: number, nameLength: number): string {
  let from = start + nameLength + 1
  if (from < end && text.charCodeAt(from) === SPACE) from++ // only one space is stripped
  return from >= end ? '' : text.slice(from, end)
}

function dispatch(s: EventState): SSEEvent | undefined {
  let ev: SSEEvent | undefined
  if (s.hasBare) {
    ev = { data: s.bare, bare: true }
    s.bare = ''
    s.hasBare = false
  } else if (s.hasData) {
    ev = { data: s.data }
    // Spec: an empty event type means the default one, so omit it like a missing one.
    if (s.event) ev.event = s.event
    if (s.id !== undefined) ev.id = s.id
    s.data = ''
    s.hasData = false
  }
  s.event = undefined
  s.id = undefined
  return ev
}

/** Applies the line `text.slice(start, end)`; returns the event it completed, if any. */
function assembleLine(s: EventState, text: string, start: number, end: number): SSEEvent | undefined {
  if (start === end) return dispatch(s)
  const first = text.charCodeAt(start)
  if (first === COLON) return undefined // comment, e.g. `: PING` keep-alives

  // The field name is the text before the first colon (or the whole line); only the
  // four spec names count, so checking the first characters is enough: no colon search.
  let field = 0 // 0 = bare text, 1 data, 2 event, 3 id, 4 retry
  if (first === CHAR_d) {
    if (isField(text, start, end, 'data')) field = 1
  } else if (first === CHAR_e) {
    if (isField(text, start, end, 'event')) field = 2
  } else if (first === CHAR_i) {
    if (isField(text, start, end, 'id')) field = 3
  } else if (first === CHAR_r) {
    if (isField(text, start, end, 'retry')) field = 4
  }

  if (field === 0) {
    const pending = s.hasData ? dispatch(s) : undefined
    const line = text.slice(start, end)
    if (s.hasBare) s.bare += '\n' + line
    else {
      s.bare = line
      s.hasBare = true
    }
    return pending
  }

  const out = s.hasBare ? dispatch(s) : undefined
  if (field === 1) {
    const value = fieldValue(text, start, end, 4)
    if (s.hasData) s.data += '\n' + value
    else {
      s.data = value
      s.hasData = true
    }
  } else if (field === 2) {
    s.event = fieldValue(text, start, end, 5)
  } else if (field === 3) {
    const value = fieldValue(text, start, end, 2)
    if (!value.includes('\0')) s.id = value // spec: an id containing NULL is ignored
  }
  // retry (4) is ignored: reconnecting is the caller's business.
  return out
}

/**
 * Turns lines into events following the WHATWG SSE field rules (`data`, `event`, `id`;
 * `retry` and `:` comments ignored; a blank line dispatches; no data lines, no event),
 * plus one extension for servers that write a non-SSE body into the stream:
 *
 * A non-blank line that is not a comment and whose field name (text before the first
 * `:`, or the whole line) is not `data`, `event`, `id` or `retry` is bare text.
 * Consecutive bare lines are joined with `\n` and dispatched as one `{ data, bare: true }`
 * event at the next blank line, at the next field line, or at {@link EventAssembler.flush}.
 * A bare line arriving while a data event is pending dispatches that event first.
 * Comment lines do not interrupt a bare run.
 *
 * Each `push` returns at most one event; the cases above never complete two at once.
 * `data: [DONE]` is passed through here; {@link decodeSSE} is what skips it.
 */
export class EventAssembler {
  readonly #s = newEventState()

  /**
   * Feeds one line (without its terminator).
   * @returns the event this line completed, if any.
   */
  push(line: string): SSEEvent | undefined {
    return assembleLine(this.#s, line, 0, line.length)
  }

  /**
   * Ends the input: dispatches a pending event even though its blank line never came
   * (servers often omit the last one), and resets the assembler.
   */
  flush(): SSEEvent | undefined {
    return dispatch(this.#s)
  }
}

// ---------------------------------------------------------------------------
// bytes → events

/** `data: [DONE]` is the OpenAI-style end sentinel some gateways append; not a Gemini payload. */
const isDone = (ev: SSEEvent): boolean => ev.data === '[DONE]' && ev.bare !== true

/** A pull source over either body kind, so the decode loop has one shape. */
interface Source {
  next(): Promise<IteratorResult<Uint8Array>>
  /** Stops the body: cancel if unfinished, then release. `wait` is false when a read may never settle. */
  close(finished: boolean, reason: unknown, wait: boolean): Promise<void>
}

const noop = (): void => {}

function openSource(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): Source {
  // Prefer getReader(): not every runtime makes ReadableStream async-iterable (Safari).
  if (typeof (body as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (body as ReadableStream<Uint8Array>).getReader()
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      async close(finished, reason, wait) {
        if (!finished) {
          // cancel() settles a pending read at once, so releasing the lock right after is safe.
          const p = reader.cancel(reason).catch(noop)
          if (wait) await p
        }
        reader.releaseLock()
      },
    }
  }
  const it = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
  return {
    next: () => it.next(),
    async close(finished, _reason, wait) {
      if (finished || typeof it.return !== 'function') return
      // An async generator queues return() behind a pending next(), so don't wait on it then.
      const p = Promise.resolve(it.return()).catch(noop)
      if (wait) await p
    },
  }
}

const doneResult = (): IteratorReturnResult<undefined> => ({ done: true, value: undefined })

const OPEN = 0 // reading the body
const ENDED = 1 // body finished; queued events remain
const CLOSED = 2 // nothing more to yield

/**
 * The iterator behind {@link decodeSSE}. Hand-written rather than an `async function*`
 * because a generator costs several promise hops per `yield`; here each chunk is parsed
 * into a queue at once and queued events are handed out as already-resolved promises.
 * Calls are serialized like a generator's: a `next()` issued while another is reading
 * waits for it.
 */
class EventIterator {
  readonly #body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>
  readonly #signal: AbortSignal | undefined
  readonly #onRead: (() => void) | undefined
  #source: Source | undefined = undefined
  // ignoreBOM keeps a leading BOM in the text so splitLines alone decides to drop it.
  readonly #text = new TextDecoder('utf-8', { ignoreBOM: true })
  readonly #lines = newLineState()
  readonly #queue: SSEEvent[] = []
  #head = 0
  #state = OPEN
  /** The in-flight read, so later calls queue behind it. */
  #busy: Promise<unknown> | undefined = undefined
  /** A read is awaiting the body; it may never settle, so closing must not wait on it. */
  #reading = false
  #aborted: Promise<never> | undefined = undefined
  #onAbort: (() => void) | undefined = undefined
  /** Parses each line straight into the queue. */
  readonly #sink: LineSink
  /** Dispatches the pending event at end of body. */
  readonly #sinkFlush: () => void

  constructor(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, signal: AbortSignal | undefined, onRead?: () => void) {
    this.#body = body
    this.#signal = signal
    this.#onRead = onRead
    const events = newEventState()
    const queue = this.#queue
    this.#sink = (text, start, end) => {
      const ev = assembleLine(events, text, start, end)
      if (ev !== undefined && !isDone(ev)) queue.push(ev)
    }
    this.#sinkFlush = () => {
      const ev = dispatch(events)
      if (ev !== undefined && !isDone(ev)) queue.push(ev)
    }
  }

  next(): Promise<IteratorResult<SSEEvent, undefined>> {
    if (this.#busy !== undefined) return this.#busy.then(this.#retry, this.#retry)
    if (this.#state === CLOSED) return Promise.resolve(doneResult())
    const signal = this.#signal
    if (signal !== undefined && signal.aborted) return this.#fail(signal.reason)
    if (this.#head < this.#queue.length) {
      return Promise.resolve({ done: false, value: this.#queue[this.#head++]! })
    }
    if (this.#state === ENDED) return this.#close(undefined).then(doneResult)
    const p = this.#pull()
    this.#busy = p
    return p
  }

  readonly #retry = (): Promise<IteratorResult<SSEEvent, undefined>> => this.next()

  async return(value?: unknown): Promise<IteratorResult<SSEEvent, undefined>> {
    // Like a generator, finish a pending next() first.
    if (this.#busy !== undefined) await this.#busy.catch(noop)
    await this.#close(undefined)
    return { done: true, value: value as undefined }
  }

  async throw(err?: unknown): Promise<IteratorResult<SSEEvent, undefined>> {
    if (this.#busy !== undefined) await this.#busy.catch(noop)
    await this.#close(err)
    throw err
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  async #pull(): Promise<IteratorResult<SSEEvent, undefined>> {
    try {
      const source = this.#source ?? this.#open()
      const queue = this.#queue
      for (;;) {
        let result: IteratorResult<Uint8Array>
        if (this.#aborted !== undefined) {
          this.#reading = true
          result = await Promise.race([source.next(), this.#aborted])
          this.#reading = false
        } else {
          result = await source.next()
        }
        this.#onRead?.()
        // The queue is always drained when a read is issued, so reuse it.
        queue.length = 0
        this.#head = 0
        if (result.done) this.#end()
        else splitLines(this.#lines, this.#text.decode(result.value, { stream: true }), this.#sink)
        if (queue.length > 0) {
          this.#head = 1
          return { done: false, value: queue[0]! }
        }
        if (this.#state !== OPEN) {
          await this.#close(undefined)
          return doneResult()
        }
      }
    } catch (err) {
      await this.#close(err)
      throw err
    } finally {
      this.#busy = undefined
    }
  }

  /** Locks the body and listens for abort on the first read, not at creation, as a generator would. */
  #open(): Source {
    const source = openSource(this.#body)
    this.#source = source
    const signal = this.#signal
    if (signal !== undefined) {
      let onAbort!: () => void
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason)
      })
      aborted.catch(noop)
      this.#aborted = aborted
      this.#onAbort = onAbort
      signal.addEventListener('abort', onAbort, { once: true })
    }
    return source
  }

  /** End of body: flush the decoder (a truncated UTF-8 sequence becomes U+FFFD), the unterminated last line, then the pending event. */
  #end(): void {
    this.#state = ENDED
    splitLines(this.#lines, this.#text.decode(), this.#sink)
    const tail = flushLines(this.#lines)
    if (tail !== undefined) this.#sink(tail, 0, tail.length)
    this.#sinkFlush()
    // Release the body and the signal now; the queued events need neither.
    this.#unlisten()
    const source = this.#source
    this.#source = undefined
    void source?.close(true, undefined, false)
  }

  async #close(reason: unknown): Promise<void> {
    if (this.#state === CLOSED) return
    const finished = this.#state === ENDED
    this.#state = CLOSED
    this.#queue.length = 0
    this.#head = 0
    this.#unlisten()
    const source = this.#source
    this.#source = undefined
    if (source !== undefined) await source.close(finished, reason, !this.#reading)
  }

  #unlisten(): void {
    if (this.#onAbort !== undefined) this.#signal!.removeEventListener('abort', this.#onAbort)
    this.#onAbort = undefined
  }

  #fail(reason: unknown): Promise<never> {
    return this.#close(reason).then(() => {
      throw reason
    })
  }
}

// Runtimes with explicit resource management give async generators `Symbol.asyncDispose`
// (for `await using`); match them where the symbol exists.
const asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose
if (asyncDispose !== undefined) {
  Object.defineProperty(EventIterator.prototype, asyncDispose, {
    value(this: EventIterator): Promise<void> {
      return this.return(undefined).then(noop)
    },
    writable: true,
    configurable: true,
  })
}

/**
 * Splits a byte stream into SSE events as they arrive.
 *
 * Each event is yielded as soon as its blank line has been read. `data: [DONE]` is
 * skipped. Text that is not SSE framing (a bare JSON error body) comes out as one
 * event with `bare: true`; see {@link EventAssembler}. At end of stream a pending
 * event without its final blank line is still yielded.
 *
 * Stopping early (`break`, `return()`, a throw in the loop body) cancels the body and
 * releases its reader. Aborting `options.signal` throws `signal.reason` from the
 * pending or next `next()` and cancels the body with that reason.
 *
 * Nothing is read, and the body is not locked, until the first `next()`.
 *
 * @param body - e.g. `response.body` of a `fetch` to `:streamGenerateContent?alt=sse`.
 */
export function decodeSSE(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options?: DecodeSSEOptions,
): AsyncGenerator<SSEEvent> {
  const it: AsyncGenerator<SSEEvent> = new EventIterator(body, options?.signal, options?.onRead)
  return it
}
