/**
 * bytes → SSE events → JSON chunks, with the checks that keep a broken stream from looking like an answer:
 * error events throw, a stream without its final chunk throws, a stalled stream times out.
 */
import { GeminiGatewayError, IncompleteStreamError, StreamError, UserAbortError, type ProviderName } from './errors.ts'
import { findBodyError } from './internal/body.ts'
import { loadErrorBodies as errorBodies } from './internal/load-error-bodies.ts'
import { lockBody, sseEvents } from './sse.ts'
import { completesAnswer } from './answer.ts'
import type { GenerateContentResponse } from './types.ts'

export interface StreamInput {
  response: Response
  body: ReadableStream<Uint8Array> | null
  provider: ProviderName
  secrets: readonly string[]
  /** The caller's signal: aborting ends the stream with a UserAbortError. */
  signal: AbortSignal | undefined
  /** No bytes for this long ends the stream with a TimeoutError; `option` is named in its message. */
  idleTimeout: { ms: number; option: string }
  /** Attempts the request took to get its headers (for error messages). */
  attempts: number
  /** Where the stream comes from; its host and port name a lost connection. */
  baseUrl: string
  /** Aborts the HTTP exchange (used when the stream stalls). */
  abort: () => void
  /** Validates a chunk: `undefined` when it passes (the fast path), else a promise that rejects. */
  check: (chunk: unknown) => Promise<void> | undefined
  fromWire: ((body: unknown) => unknown) | undefined
  /** Called on each chunk once it is checked and counted, before it is yielded; what it returns is yielded. */
  onChunk?: ((chunk: GenerateContentResponse) => GenerateContentResponse) | undefined
}

/** A continued answer's later hops (long decode): streamed-generation.ts knows when one follows, and sends it. */
export interface Hops {
  /** The next hop's input once the current one has ended, or undefined when the answer is whole. */
  next(): Promise<StreamInput | undefined>
  /** What a failure while reading a later hop becomes (the answer so far attached). */
  failed(error: unknown): Promise<unknown>
}

/**
 * The chunks of a streamed answer, as they arrive, every hop of a continued answer included. Leaving the loop early
 * cancels the body. The chunks of one read are read and checked together and handed out one by one from the batch:
 * an async generator's resumption per chunk costs more than parsing it.
 */
export function streamChunks(first: StreamInput, hops?: Hops): AsyncGenerator<GenerateContentResponse> {
  return oneByOne(chunkBatches(first, hops), first.signal)
}

/**
 * Hands out `batches` one item at a time. An abort while the caller holds an item drops the rest of its batch and
 * resumes the generator, which then throws the abort as its own typed error.
 */
function oneByOne<T>(batches: AsyncGenerator<T[]>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  let batch: T[] = []
  let at = 0
  /** A pull in flight: a second `next()` waits for it rather than pulling a batch of its own. */
  let pulling: Promise<IteratorResult<T>> | undefined
  const fromBatch = (result: IteratorResult<T[]>): IteratorResult<T> | undefined => {
    if (result.done) return { done: true, value: undefined }
    batch = result.value
    at = 0
    return batch.length > 0 ? { done: false, value: batch[at++]! } : undefined
  }
  const pull = async (): Promise<IteratorResult<T>> => {
    try {
      for (;;) {
        const item = fromBatch(await batches.next())
        if (item) return item
      }
    } finally {
      pulling = undefined
    }
  }
  const drop = (): void => {
    batch = []
    at = 0
  }
  const self = {
    next(): Promise<IteratorResult<T>> {
      if (pulling) return pulling.then(() => self.next())
      if (at < batch.length && !signal?.aborted) return Promise.resolve({ done: false, value: batch[at++]! })
      drop()
      pulling = pull()
      return pulling
    },
    return(value?: unknown): Promise<IteratorResult<T>> {
      drop()
      return batches.return(undefined).then(() => ({ done: true, value: value as undefined }))
    },
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      drop()
      return fromBatch(await batches.throw(error)) ?? self.next()
    },
    [Symbol.asyncIterator]() {
      return self
    },
  }
  return self as AsyncGenerator<T>
}

/** The checked chunks of each read, every hop's, from this one generator. */
async function* chunkBatches(first: StreamInput, hops?: Hops): AsyncGenerator<GenerateContentResponse[]> {
  /** The caller holds chunks of a batch: an error thrown in then (`throw()`) is the caller's own, passed on as it is. */
  let held = false
  for (let input: StreamInput | undefined = first, hop = 0; input !== undefined; hop++) {
    const { response, provider, secrets, body } = input
    try {
      const type = response.headers.get('content-type') ?? ''
      if (!body)
        throw (await errorBodies()).malformedResponseError({
          status: response.status,
          headers: response.headers,
          bodyText: '',
          provider,
          secrets,
          reason: 'expected an event stream',
        })
      if (type.includes('html')) {
        // A proxy's HTML page is no stream: say so, with its title.
        const text = await readAll(input, body)
        throw (await errorBodies()).malformedResponseError({
          status: response.status,
          headers: response.headers,
          bodyText: text,
          provider,
          secrets,
          reason: 'expected an event stream',
        })
      }
      // A gateway that ignored alt=sse answers one JSON body (or Google's JSON array form): handle it whole.
      const items = type.includes('json') ? await jsonBody(input, body) : undefined
      const { onChunk } = input
      let complete = false
      if (items) {
        const out: GenerateContentResponse[] = []
        let failure: { error: unknown } | undefined
        try {
          for (const item of items) {
            const chunk = (input.fromWire ? input.fromWire(item) : item) as GenerateContentResponse
            await input.check(chunk)
            complete = completesAnswer(chunk, complete)
            out.push(onChunk ? onChunk(chunk) : chunk)
          }
        } catch (error) {
          failure = { error } // after the chunks before it
        }
        held = true
        if (out.length > 0) yield out
        held = false
        if (failure) throw failure.error
        if (!complete)
          throw new IncompleteStreamError(`${provider}: response ended without a final chunk (no finishReason)`, {
            provider,
            headers: response.headers,
            secrets,
          })
      } else {
        // An SSE body: each event's JSON checked and handed on as it arrives.
        const watch = watchStream(input)
        let count = 0
        /** The first text that was not SSE, kept to describe a body that turned out not to be a stream at all. */
        let firstBare: string | undefined
        const batches = sseEvents(body, watch.signal)
        try {
          for (;;) {
            watch.waitingSince = Date.now()
            const next = await batches.next()
            watch.waitingSince = undefined
            if (next.done) break
            const out: GenerateContentResponse[] = []
            let failure: { error: unknown } | undefined
            try {
              for (const event of next.value) {
                let parsed: unknown
                try {
                  parsed = JSON.parse(event.data)
                } catch (cause) {
                  if (event.bare) {
                    firstBare ??= event.data // stray text between events (proxies, keep-alives): not part of the answer
                    continue
                  }
                  throw (await errorBodies()).malformedResponseError({
                    status: response.status,
                    headers: response.headers,
                    bodyText: event.data,
                    provider,
                    secrets,
                    reason: `event ${count + 1} is not JSON`,
                    cause,
                  })
                }
                if (findBodyError(parsed) !== undefined) {
                  const context = { ...common(input), rawText: event.data }
                  throw (await errorBodies()).streamErrorFromEvent(parsed, context) ?? new StreamError(`${provider}: stream error`, context)
                }
                if (event.bare) {
                  firstBare ??= event.data
                  continue
                }
                const chunk = (input.fromWire ? input.fromWire(parsed) : parsed) as GenerateContentResponse
                const pending = input.check(chunk)
                if (pending !== undefined) await pending
                count++
                complete = completesAnswer(chunk, complete)
                out.push(onChunk ? onChunk(chunk) : chunk)
              }
            } catch (error) {
              failure = { error } // after the chunks before it
            }
            held = true
            if (out.length > 0) yield out
            held = false
            // An abort while the caller held a chunk stops before the next (oneByOne drops the rest of the batch).
            if (input.signal?.aborted) throw input.signal.reason
            if (failure) throw failure.error
          }
        } catch (error) {
          throw held ? error : await readFailure(input, watch, error, count)
        } finally {
          watch.end()
          // Leaving early (break, return(), a throw) cancels the body.
          await batches.return(undefined)
        }
        if (count === 0 && firstBare !== undefined) {
          throw (await errorBodies()).malformedResponseError({
            status: response.status,
            headers: response.headers,
            bodyText: firstBare,
            provider,
            secrets,
            reason: 'expected an event stream',
          })
        }
        if (!complete)
          throw new IncompleteStreamError(
            `${provider}: stream ended after ${count} chunk(s) without a final chunk (no finishReason): the answer is cut off`,
            common(input),
          )
      }
    } catch (error) {
      throw held || hop === 0 || !hops ? error : await hops.failed(error)
    }
    input = hops ? await hops.next() : undefined
  }
}

/** What ends a read early: the caller's abort, or the server silent for the idle timeout. */
interface Watch {
  /** Aborted by either; the body reader listens to it. */
  signal: AbortSignal
  stalled: boolean
  /**
   * When the client began waiting for bytes, or undefined while it is not waiting (the caller holds a chunk): the
   * idle timeout measures the server's silence, never the caller's own time.
   */
  waitingSince: number | undefined
  end(): void
}

/** One idle timer per stream, re-armed for the time left when it fires, rather than one timer per read. */
function watchStream(input: StreamInput): Watch {
  const { signal } = input
  const ms = input.idleTimeout.ms
  const stop = new AbortController()
  const onAbort = (): void => stop.abort(signal!.reason)
  const tick = (): void => {
    const idle = watch.waitingSince === undefined ? 0 : Date.now() - watch.waitingSince
    if (idle < ms) {
      timer = setTimeout(tick, ms - idle)
      return
    }
    watch.stalled = true
    input.abort()
    stop.abort(new Error(`${input.provider}: no data for ${ms} ms`))
  }
  let timer = setTimeout(tick, ms)
  const watch: Watch = {
    signal: stop.signal,
    stalled: false,
    waitingSince: Date.now(),
    end() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    },
  }
  if (signal?.aborted) onAbort()
  else signal?.addEventListener('abort', onAbort, { once: true })
  return watch
}

/** Every failure while reading leaves as a typed error: the caller's abort, a stall, a broken connection. */
async function readFailure(input: StreamInput, watch: Watch, error: unknown, chunks: number | undefined): Promise<GeminiGatewayError> {
  const { provider, signal } = input
  if (signal?.aborted) return new UserAbortError(`${provider}: aborted by the caller`, { ...common(input), cause: signal.reason })
  if (error instanceof GeminiGatewayError && !watch.stalled) return error
  const { secrets, baseUrl, attempts } = input
  return (await errorBodies()).transportError({
    provider,
    baseUrl,
    cause: error,
    secrets,
    headers: input.response.headers,
    phase: 'stream',
    chunks,
    attempts,
    timeout: watch.stalled ? input.idleTimeout : undefined,
  })
}

function common(input: StreamInput) {
  return { provider: input.provider, headers: input.response.headers, secrets: input.secrets }
}

/** Reads a whole body under the stream's rules (idle timeout, the caller's abort, typed errors). */
async function readAll(input: StreamInput, body: ReadableStream<Uint8Array>): Promise<string> {
  const watch = watchStream(input)
  const decoder = new TextDecoder()
  let text = ''
  let ended = false
  try {
    const { reader, release } = lockBody(body, watch.signal)
    try {
      for (;;) {
        watch.waitingSince = Date.now()
        const { done, value } = await reader.read()
        if (watch.signal.aborted) throw watch.signal.reason
        if (done) break
        text += decoder.decode(value, { stream: true })
      }
      ended = true
    } finally {
      await release(ended, undefined)
    }
    return text + decoder.decode()
  } catch (error) {
    throw await readFailure(input, watch, error, undefined)
  } finally {
    watch.end()
  }
}

/** A JSON body read whole: its items (Google's array form, or one response), after checking it is no error. */
async function jsonBody(input: StreamInput, body: ReadableStream<Uint8Array>): Promise<unknown[]> {
  const { response, provider, secrets } = input
  const text = await readAll(input, body)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw (await errorBodies()).malformedResponseError({
      status: response.status,
      headers: response.headers,
      bodyText: text,
      provider,
      secrets,
      reason: 'expected an event stream',
      cause,
    })
  }
  const disguised =
    findBodyError(parsed) !== undefined &&
    (await errorBodies()).errorInBody(parsed, { status: response.status, headers: response.headers, bodyText: text, provider, secrets })
  if (disguised) throw disguised
  return Array.isArray(parsed) ? parsed : [parsed]
}
