/**
 * Bytes of a `:streamGenerateContent?alt=sse` body → Server-Sent Events, on eventsource-parser.
 *
 * Web-standard APIs only, so it runs in browsers and edge runtimes.
 *
 * @module
 */
import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser'

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

const noop = (): void => {}

/**
 * Whether the bare text `run`, whose last line is `line`, is a whole JSON object or array: tried only when `line`
 * can close it (a one-line value, or a `}`/`]` at column 0 as pretty-printing puts the outermost one), so a long
 * run is not parsed again at every line.
 */
function isWholeJson(run: string, line: string): boolean {
  const open = run[0]
  const close = open === '{' ? '}' : open === '[' ? ']' : undefined
  if (close === undefined || !line.endsWith(close) || (line !== run && line[0] !== close)) return false
  try {
    JSON.parse(run)
    return true
  } catch {
    return false
  }
}

/** A locked body: aborting the signal cancels it, which ends a pending read at once (done). */
export interface LockedBody {
  reader: ReadableStreamDefaultReader<Uint8Array>
  /** Stops listening to the signal, cancels the body with `reason` unless it `ended`, and releases the lock. */
  release(ended: boolean, reason: unknown): Promise<void>
}

/** Locks `body` for reading under `signal`; an already-aborted signal throws its reason, leaving the body untouched. */
export function lockBody(body: ReadableStream<Uint8Array>, signal: AbortSignal | undefined): LockedBody {
  if (signal?.aborted) throw signal.reason
  const reader = body.getReader()
  const onAbort = (): void => {
    reader.cancel(signal!.reason).catch(noop)
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  return {
    reader,
    async release(ended, reason) {
      signal?.removeEventListener('abort', onAbort)
      if (!ended) await reader.cancel(reason).catch(noop)
      reader.releaseLock()
    },
  }
}

/**
 * The SSE events of `body`, as one array per read (empty when a read completed none), so a consumer pays one
 * promise hop per read rather than per event.
 *
 * eventsource-parser applies the WHATWG field rules (`data`, `event`, `id`; `retry` and `:` comments ignored;
 * CRLF, CR or LF; a leading BOM dropped by the TextDecoder). `data: [DONE]`, the OpenAI-style end sentinel some
 * gateways append, is skipped. At the end of the body a last event without its blank line is still dispatched
 * (a truncated UTF-8 sequence becomes U+FFFD).
 *
 * Text that is not SSE (a bare JSON error body a server wrote into the stream, possibly pretty-printed, or
 * Google's JSON-array stream) reaches the parser's `onError` as unknown-field lines: consecutive ones are joined
 * with `\n` into one `{ data, bare: true }` event, dispatched as soon as it is a whole JSON object or array (so
 * an error is seen even if the server then keeps the connection open), else before the next event or at the end
 * of the body. A line opening JSON (`{` or `[`) after other bare text starts a run of its own. The parser reports
 * no blank line that ends no event, so a blank line alone does not end a run; and bare lines inside an event come
 * out before it.
 *
 * Aborting `signal` cancels the body with its reason and throws that reason; leaving early (`break`,
 * `return()`, a throw) cancels the body; either way its lock is released. Nothing is read, and the body is not
 * locked, until the first `next()`; the body is released before the events its end completed are handed out.
 */
export async function* sseEvents(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SSEEvent[], void, undefined> {
  let events: SSEEvent[] = []
  let bare: string | undefined
  const endBare = (): void => {
    if (bare === undefined) return
    events.push({ data: bare, bare: true })
    bare = undefined
  }
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      endBare()
      if (message.data === '[DONE]') return
      const event: SSEEvent = { data: message.data }
      if (message.event !== undefined) event.event = message.event
      if (message.id !== undefined) event.id = message.id
      events.push(event)
    },
    onError(error: ParseError) {
      // Other errors are a bad `retry` value, which is ignored like every retry.
      if (error.type !== 'unknown-field') return
      const line = error.line ?? ''
      // Stray text, then JSON (`{`/`[` at column 0): keep the JSON apart so it can still be read.
      if (bare !== undefined && (line[0] === '{' || line[0] === '[') && bare[0] !== '{' && bare[0] !== '[') endBare()
      bare = bare === undefined ? line : `${bare}\n${line}`
      if (isWholeJson(bare, line)) endBare()
    },
  })
  const text = new TextDecoder()
  const { reader, release } = lockBody(body, signal)
  let ended = false
  let failure: unknown
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (signal?.aborted) throw signal.reason
      if (done) break
      parser.feed(text.decode(value, { stream: true }))
      const batch = events
      events = []
      yield batch
    }
    ended = true
  } catch (error) {
    failure = error
    throw error
  } finally {
    // Also reached when the consumer stops early (break, return(), throw()): the body is cancelled then.
    await release(ended, failure)
  }
  // eventsource-parser's reset({ consume: true }) parses an unterminated last line but drops the event it
  // completes, so end the line and the event with a blank line instead.
  parser.feed(`${text.decode()}\n\n`)
  endBare()
  if (events.length > 0) yield events
}
