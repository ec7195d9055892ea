/**
 * bytes → SSE events → JSON chunks, with the checks that keep a broken stream from looking like an answer:
 * error events throw, a stream without its final chunk throws, a stalled stream times out.
 */
import {
  ConnectionError,
  GeminiGatewayError,
  IncompleteStreamError,
  TimeoutError,
  UserAbortError,
  errorInBody,
  malformedResponseError,
  streamErrorFromEvent,
  type ProviderName,
} from './errors.ts'
import { decodeSSE } from './sse.ts'
import type { GenerateContentResponse } from './types.ts'

export interface StreamInput {
  response: Response
  body: ReadableStream<Uint8Array> | null
  provider: ProviderName
  secrets: readonly string[]
  signal: AbortSignal | undefined
  idleTimeoutMs: number
  validate: (chunk: unknown) => Promise<void>
  fromWire: ((body: unknown) => unknown) | undefined
}

/** A chunk that ends the answer: a candidate with a finish reason, or a blocked prompt. */
export function isFinalChunk(chunk: GenerateContentResponse): boolean {
  return Boolean(chunk.promptFeedback?.blockReason) || (chunk.candidates ?? []).some((c) => c.finishReason !== undefined && c.finishReason !== 'FINISH_REASON_UNSPECIFIED')
}

/**
 * Whether the stream is complete after `chunk`. A finishReason can come mid-stream (server-side tool calls
 * finish one turn, then the answer goes on), so new content after it reopens the answer; a trailing chunk
 * with only usage keeps it complete.
 */
function settles(chunk: GenerateContentResponse, complete: boolean): boolean {
  if (isFinalChunk(chunk)) return true
  return complete && !(chunk.candidates ?? []).some((c) => c.content?.parts?.length)
}

/** Wraps a body so that each read must arrive within `ms`; a stall aborts with a TimeoutError. */
function withIdleTimeout(body: ReadableStream<Uint8Array>, ms: number, onStall: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const stalled = new Promise<never>((_, reject) => { timer = setTimeout(() => { onStall(); reject(new Error('stalled')) }, ms) })
      try {
        const { done, value } = await Promise.race([reader.read(), stalled])
        if (done) controller.close()
        else controller.enqueue(value)
      } catch (error) {
        reader.cancel(error).catch(() => {})
        controller.error(error)
      } finally {
        clearTimeout(timer)
      }
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  })
}

export async function* streamChunks(input: StreamInput): AsyncGenerator<GenerateContentResponse> {
  const { response, provider, secrets, signal } = input
  const common = { provider, headers: response.headers, secrets }
  if (!input.body) throw malformedResponseError({ status: response.status, headers: response.headers, bodyText: '', provider, secrets, reason: 'expected an event stream' })
  const contentType = response.headers.get('content-type') ?? ''
  if (contentType.includes('json')) {
    // A gateway that ignored alt=sse: one JSON body (or Google's JSON array form). Handle it whole.
    yield* jsonBodyChunks(await response.text(), input)
    return
  }
  let stalled = false
  const body = withIdleTimeout(input.body, input.idleTimeoutMs, () => { stalled = true })
  let final = false
  let count = 0
  try {
    for await (const event of decodeSSE(body, signal ? { signal } : {})) {
      let parsed: unknown
      try {
        parsed = JSON.parse(event.data)
      } catch (cause) {
        if (event.bare) continue // stray text between events (proxies, keep-alives): not part of the answer
        throw malformedResponseError({ status: response.status, headers: response.headers, bodyText: event.data, provider, secrets, reason: `event ${count + 1} is not JSON`, cause })
      }
      const streamError = streamErrorFromEvent(parsed, { ...common, rawText: event.data })
      if (streamError) throw streamError
      if (event.bare) continue
      const chunk = (input.fromWire ? input.fromWire(parsed) : parsed) as GenerateContentResponse
      await input.validate(chunk)
      count++
      final = settles(chunk, final)
      yield chunk
    }
  } catch (error) {
    if (signal?.aborted) throw new UserAbortError(`${provider}: aborted by the caller`, { ...common, cause: signal.reason })
    if (stalled) throw new TimeoutError(`${provider}: stream stalled: no data for ${input.idleTimeoutMs} ms after ${count} chunk(s)`, { ...common, timeoutMs: input.idleTimeoutMs })
    if (error instanceof GeminiGatewayError) throw error
    throw new ConnectionError(`${provider}: connection lost after ${count} chunk(s)`, { ...common, cause: error })
  }
  if (!final) {
    throw new IncompleteStreamError(`${provider}: stream ended after ${count} chunk(s) without a final chunk (no finishReason): the answer is cut off`, common)
  }
}

async function* jsonBodyChunks(text: string, input: StreamInput): AsyncGenerator<GenerateContentResponse> {
  const { response, provider, secrets } = input
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw malformedResponseError({ status: response.status, headers: response.headers, bodyText: text, provider, secrets, reason: 'expected an event stream', cause })
  }
  const disguised = errorInBody(parsed, { status: response.status, headers: response.headers, bodyText: text, provider, secrets })
  if (disguised) throw disguised
  const items = Array.isArray(parsed) ? parsed : [parsed]
  let final = false
  for (const item of items) {
    const chunk = (input.fromWire ? input.fromWire(item) : item) as GenerateContentResponse
    await input.validate(chunk)
    final = settles(chunk, final)
    yield chunk
  }
  if (!final) throw new IncompleteStreamError(`${provider}: response ended without a final chunk (no finishReason)`, { provider, headers: response.headers, secrets })
}
