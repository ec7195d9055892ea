/**
 * Answers written back the way Google writes them, whatever the gateway sent: JSON for a unary call, and for a
 * stream SSE events that each SDK's parser takes (`data: <json>` then a blank line, nothing before `data:`, no
 * `[DONE]`, a blank line after the last event: @google/genai drops or throws on anything else), or Google's JSON
 * array when the SDK did not ask for `alt=sse`.
 * @module
 * @internal
 */
import { UserAbortError } from '../core/errors.ts'
import type { HttpInfo } from '../core/http-info.ts'
import { toGoogleError } from './google-errors.ts'

/** The gateway's response headers not passed on: they describe its body, not this one. */
const BODY_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'set-cookie',
])

/** The gateway's headers (request ids, rate-limit figures) for the SDK to see, with the content type of our body. */
function headersFrom(http: HttpInfo | undefined, contentType: string): Headers {
  const out = new Headers()
  http?.headers.forEach((value, name) => {
    if (!BODY_HEADERS.has(name)) out.append(name, value)
  })
  out.set('content-type', contentType)
  return out
}

/** A unary answer (a WithHttp value: `http` is not enumerable, so it stays out of the JSON). */
export function jsonResponse(value: object, http: HttpInfo | undefined): Response {
  return new Response(JSON.stringify(value), { status: 200, headers: headersFrom(http, 'application/json; charset=UTF-8') })
}

type Chunks = AsyncIterator<object & { http?: HttpInfo }>

/**
 * A stream whose first chunk has arrived (so a failure before it was still an HTTP error status): the rest is read
 * as the SDK reads, and a failure after it becomes an error event in Google's shape, since the status is sent. The
 * caller's abort errors the body as fetch does; the SDK cancelling the body cancels the gateway's.
 */
export function streamResponse(
  first: object & { http?: HttpInfo },
  chunks: Chunks,
  options: { framing: 'sse' | 'array'; secrets: readonly string[]; shape: (chunk: object) => object },
): Response {
  const { framing, secrets, shape } = options
  const encoder = new TextEncoder()
  const sse = framing === 'sse'
  const frame = (value: object, index: number): Uint8Array =>
    encoder.encode(sse ? `data: ${JSON.stringify(value)}\n\n` : `${index === 0 ? '[' : ',\r\n'}${JSON.stringify(value)}`)
  let index = 0
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(frame(shape(first), index++))
    },
    async pull(controller) {
      let next: IteratorResult<object>
      try {
        next = await chunks.next()
      } catch (error) {
        if (error instanceof UserAbortError) return controller.error(error.cause ?? new DOMException('This operation was aborted', 'AbortError'))
        controller.enqueue(frame({ error: toGoogleError(error, secrets) }, index++))
        if (!sse) controller.enqueue(encoder.encode(']'))
        return controller.close()
      }
      if (next.done) {
        if (!sse) controller.enqueue(encoder.encode(']'))
        return controller.close()
      }
      controller.enqueue(frame(shape(next.value), index++))
    },
    async cancel() {
      await chunks.return?.(undefined)
    },
  })
  return new Response(body, { status: 200, headers: headersFrom(first.http, sse ? 'text/event-stream' : 'application/json; charset=UTF-8') })
}
