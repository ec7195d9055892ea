import { sseEvents, type SSEEvent } from '../../src/core/sse.ts'
import { mulberry32 } from '../support/random.ts'
import { decodeSSE } from './support/decode-sse.ts'
export { decodeSSE, mulberry32 }

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

export async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
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

/** Decodes text delivered in the given pieces, each its own read. */
export function decodeStrings(pieces: readonly string[]): Promise<SSEEvent[]> {
  return decodeChunks(pieces.map((p) => encoder.encode(p)))
}

/** The events each read completed: one array per read, as src/core/sse.ts hands them out. */
export function batchesOf(pieces: readonly string[]): Promise<SSEEvent[][]> {
  return collect(sseEvents(streamOf(pieces.map((p) => encoder.encode(p)))))
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
