import { sseEvents, type SSEEvent } from '../../../src/core/sse.ts'

/** The events of `body` one at a time (src hands them out as one array per read). */
export async function* decodeSSE(body: ReadableStream<Uint8Array>, options: { signal?: AbortSignal } = {}): AsyncGenerator<SSEEvent> {
  for await (const events of sseEvents(body, options.signal)) {
    for (const event of events) yield event
  }
}
