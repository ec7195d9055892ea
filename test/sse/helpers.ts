import { decodeSSE, type SSEEvent } from '../../src/core/sse.ts'
import { mulberry32 } from '../support/random.ts'
export { mulberry32 }

export const encoder = new TextEncoder()

/** A pull-based ReadableStream over fixed chunks (one chunk per read). */
export function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!)
      else controller.close()
    },
  })
}

/** An async iterable (not a ReadableStream) over fixed chunks. */
export async function* iterableOf(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c
}

export async function collect(gen: AsyncIterable<SSEEvent>): Promise<SSEEvent[]> {
  const out: SSEEvent[] = []
  for await (const ev of gen) out.push(ev)
  return out
}

/** Decodes `bytes` delivered in the given chunks. */
export function decodeChunks(chunks: readonly Uint8Array[]): Promise<SSEEvent[]> {
  return collect(decodeSSE(streamOf(chunks)))
}

export function decodeText(text: string): Promise<SSEEvent[]> {
  return decodeChunks([encoder.encode(text)])
}

/** Cuts `bytes` at the given ascending positions (duplicates give empty chunks). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = []
  let prev = 0
  for (const c of cuts) {
    out.push(bytes.subarray(prev, c))
    prev = c
  }
  out.push(bytes.subarray(prev))
  return out
}


/** A promise with its resolve exposed, to drive sources step by step. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}
