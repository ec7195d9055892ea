/**
 * bytes → SSE events → JSON chunks, with the checks that keep a broken stream from looking like an answer:
 * error events throw, a stream without its final chunk throws, a stalled stream times out.
 */
import {
  GeminiGatewayError,
  IncompleteStreamError,
  StreamError,
  UserAbortError,
  type ProviderName,
} from './errors.ts'
import { findBodyError } from './internal/body.ts'
import { loadErrorBodies as errorBodies, type ErrorBodies } from './internal/load-error-bodies.ts'
import { decodeSSE, type SSEEvent } from './sse.ts'
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
}

/** The chunks of a streamed answer, as they arrive. */
export function streamChunks(input: StreamInput): AsyncGenerator<GenerateContentResponse> {
  const { response, provider, secrets } = input
  if (!input.body) return failedStream((b) => b.malformedResponseError({ status: response.status, headers: response.headers, bodyText: '', provider, secrets, reason: 'expected an event stream' }))
  const type = response.headers.get('content-type') ?? ''
  // A gateway that ignored alt=sse answers one JSON body (or Google's JSON array form): handle it whole.
  if (type.includes('json')) return jsonBodyChunks(input, input.body)
  // A proxy's HTML page is no stream: say so, with its title.
  if (type.includes('html')) {
    return notAStream(input, input.body)
  }
  return new ChunkIterator(input, input.body)
}

/**
 * Reads a whole body under the stream's rules: no bytes for `idleTimeoutMs` is a TimeoutError, the caller's
 * abort a UserAbortError, a broken connection a ConnectionError.
 */
async function readAll(input: StreamInput, body: ReadableStream<Uint8Array>): Promise<string> {
  const { provider, signal } = input
  const idleTimeoutMs = input.idleTimeout.ms
  const common = { provider, headers: input.response.headers, secrets: input.secrets }
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let timer: ReturnType<typeof setTimeout> | undefined
  let stalled = false
  const onAbort = (): void => { reader.cancel(signal?.reason).catch(() => {}) }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    for (;;) {
      timer = setTimeout(() => { stalled = true; input.abort(); reader.cancel().catch(() => {}) }, idleTimeoutMs)
      const { done, value } = await reader.read()
      clearTimeout(timer)
      if (signal?.aborted) throw signal.reason
      if (stalled) throw new Error('stalled')
      if (done) return text + decoder.decode()
      text += decoder.decode(value, { stream: true })
    }
  } catch (error) {
    if (signal?.aborted) throw new UserAbortError(`${provider}: aborted by the caller`, { ...common, cause: signal.reason })
    throw transportError(input, await errorBodies(), error, stalled, undefined)
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}

async function* notAStream(input: StreamInput, body: ReadableStream<Uint8Array>): AsyncGenerator<GenerateContentResponse> {
  const text = await readAll(input, body)
  const { response, provider, secrets } = input
  throw (await errorBodies()).malformedResponseError({ status: response.status, headers: response.headers, bodyText: text, provider, secrets, reason: 'expected an event stream' })
}

type Result = IteratorResult<GenerateContentResponse, undefined>
const DONE: Result = { done: true, value: undefined }

/**
 * Hand-written rather than an `async function*`: a generator costs several promise hops per chunk, and
 * here a chunk that passes its check is handed on in the same tick its event was decoded.
 */
class ChunkIterator implements AsyncGenerator<GenerateContentResponse, undefined> {
  readonly #input: StreamInput
  readonly #events: AsyncGenerator<SSEEvent>
  #count = 0
  /** The first text that was not SSE, kept to describe a body that turned out not to be a stream at all. */
  #firstBare: string | undefined
  #complete = false
  #finished = false
  #stalled = false
  #lastRead = Date.now()
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(input: StreamInput, body: ReadableStream<Uint8Array>) {
    this.#input = input
    this.#events = decodeSSE(body, { ...(input.signal && { signal: input.signal }), onRead: () => { this.#lastRead = Date.now() } })
    this.#timer = setTimeout(this.#tick, input.idleTimeout.ms)
  }

  /** One timer per stream, re-armed for the time left, rather than one per read. */
  readonly #tick = (): void => {
    const idle = Date.now() - this.#lastRead
    if (idle < this.#input.idleTimeout.ms) {
      this.#timer = setTimeout(this.#tick, this.#input.idleTimeout.ms - idle)
      return
    }
    this.#stalled = true
    this.#input.abort()
  }

  next(): Promise<Result> {
    if (this.#finished) return Promise.resolve(DONE)
    return this.#events.next().then(this.#onEvent, this.#onFailure)
  }

  readonly #onEvent = (result: IteratorResult<SSEEvent>): Result | Promise<Result> => {
    try {
      if (result.done) {
        this.#stop()
        if (this.#count === 0 && this.#firstBare !== undefined) {
          const { response, provider, secrets } = this.#input
          const bodyText = this.#firstBare
          return this.#failWith((b) => b.malformedResponseError({ status: response.status, headers: response.headers, bodyText, provider, secrets, reason: 'expected an event stream' }))
        }
        if (!this.#complete) {
          throw new IncompleteStreamError(`${this.#input.provider}: stream ended after ${this.#count} chunk(s) without a final chunk (no finishReason): the answer is cut off`, this.#common())
        }
        return DONE
      }
      const event = result.value
      let parsed: unknown
      try {
        parsed = JSON.parse(event.data)
      } catch (cause) {
        if (event.bare) {
          this.#firstBare ??= event.data
          return this.next() // stray text between events (proxies, keep-alives): not part of the answer
        }
        const { response, provider, secrets } = this.#input
        const reason = `event ${this.#count + 1} is not JSON`
        return this.#failWith((b) => b.malformedResponseError({ status: response.status, headers: response.headers, bodyText: event.data, provider, secrets, reason, cause }))
      }
      if (findBodyError(parsed) !== undefined) {
        const common = { ...this.#common(), rawText: event.data }
        return this.#failWith((b) => b.streamErrorFromEvent(parsed, common) ?? new StreamError(`${common.provider}: stream error`, common))
      }
      if (event.bare) {
        this.#firstBare ??= event.data
        return this.next()
      }
      const chunk = (this.#input.fromWire ? this.#input.fromWire(parsed) : parsed) as GenerateContentResponse
      const pending = this.#input.check(chunk)
      if (pending) return pending.then(() => this.#emit(chunk), this.#onFailure)
      return this.#emit(chunk)
    } catch (error) {
      return this.#onFailure(error)
    }
  }

  /** Fails with an error built by the (lazily loaded) error-body reader. */
  #failWith(build: (bodies: ErrorBodies) => GeminiGatewayError): Promise<never> {
    return errorBodies().then((b) => this.#onFailure(build(b)), this.#onFailure)
  }

  #emit(chunk: GenerateContentResponse): Result {
    this.#count++
    this.#complete = completesAnswer(chunk, this.#complete)
    return { done: false, value: chunk }
  }

  /** Every failure leaves as a typed error, and the body is cancelled. */
  readonly #onFailure = async (error: unknown): Promise<never> => {
    const { provider, signal } = this.#input
    this.#stop()
    await this.#events.return(undefined).catch(() => {})
    if (signal?.aborted) throw new UserAbortError(`${provider}: aborted by the caller`, { ...this.#common(), cause: signal.reason })
    if (error instanceof GeminiGatewayError && !this.#stalled) throw error
    throw transportError(this.#input, await errorBodies(), error, this.#stalled, this.#count)
  }

  #common() {
    return { provider: this.#input.provider, headers: this.#input.response.headers, secrets: this.#input.secrets }
  }

  #stop(): void {
    this.#finished = true
    clearTimeout(this.#timer)
  }

  /** Leaving a `for await` early lands here: stop the timer and cancel the body. */
  async return(): Promise<Result> {
    this.#stop()
    await this.#events.return(undefined)
    return DONE
  }

  async throw(error?: unknown): Promise<Result> {
    this.#stop()
    await this.#events.return(undefined)
    throw error
  }

  [Symbol.asyncIterator](): this {
    return this
  }
}

/** A stall (our idle timer) or a broken connection while reading the body, as a typed error. */
function transportError(input: StreamInput, bodies: ErrorBodies, cause: unknown, stalled: boolean, chunks: number | undefined): GeminiGatewayError {
  const { provider, secrets, baseUrl, attempts } = input
  return bodies.transportError({
    provider, baseUrl, cause, secrets, headers: input.response.headers, phase: 'stream', chunks, attempts, timeout: stalled ? input.idleTimeout : undefined,
  })
}

async function* failedStream(build: (bodies: ErrorBodies) => GeminiGatewayError): AsyncGenerator<GenerateContentResponse> {
  throw build(await errorBodies())
}

async function* jsonBodyChunks(input: StreamInput, body: ReadableStream<Uint8Array>): AsyncGenerator<GenerateContentResponse> {
  const { response, provider, secrets } = input
  const text = await readAll(input, body)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw (await errorBodies()).malformedResponseError({ status: response.status, headers: response.headers, bodyText: text, provider, secrets, reason: 'expected an event stream', cause })
  }
  const disguised = findBodyError(parsed) !== undefined && (await errorBodies()).errorInBody(parsed, { status: response.status, headers: response.headers, bodyText: text, provider, secrets })
  if (disguised) throw disguised
  let complete = false
  for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
    const chunk = (input.fromWire ? input.fromWire(item) : item) as GenerateContentResponse
    await input.check(chunk)
    complete = completesAnswer(chunk, complete)
    yield chunk
  }
  if (!complete) throw new IncompleteStreamError(`${provider}: response ended without a final chunk (no finishReason)`, { provider, headers: response.headers, secrets })
}

/**
 * An async iterator whose source is set up on the first `next()` (validate, send, wait for headers), then
 * called directly: one promise hop per chunk after that, as the stream itself.
 */
export function deferredStream<T>(start: () => Promise<AsyncGenerator<T>>): AsyncGenerator<T, undefined> {
  let source: AsyncGenerator<T> | undefined
  let starting: Promise<AsyncGenerator<T>> | undefined
  let closed = false
  const open = (): Promise<AsyncGenerator<T>> =>
    (starting ??= start().then((s) => {
      source = s
      return s
    }))
  const it: AsyncGenerator<T, undefined> = {
    next: () => {
      if (source) return source.next() as Promise<IteratorResult<T, undefined>>
      if (closed) return Promise.resolve({ done: true, value: undefined })
      return open().then((s) => s.next() as Promise<IteratorResult<T, undefined>>, (error) => {
        closed = true
        throw error
      })
    },
    return: async () => {
      closed = true
      if (source) await source.return(undefined)
      else if (starting) await starting.then((s) => s.return(undefined)).catch(() => {})
      return { done: true, value: undefined }
    },
    throw: async (error?: unknown) => {
      closed = true
      if (source) await source.return(undefined)
      throw error
    },
    [Symbol.asyncIterator]() {
      return it
    },
  }
  return it
}
