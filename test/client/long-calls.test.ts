// Calls that take as long as LLM calls take (issue #9). With DEFAULT options (no timeoutMs, no maxRetries), a
// unary answer that comes after 65 s (past the old 60 s limit) and a stream whose first chunk comes 65 s after its
// headers (a thinking model) both arrive, each from exactly one request: nothing is cut, re-sent or billed twice.
// Real waits on loopback, no fake clock; the two run concurrently, so this file takes about 65 s.
import { expect, it } from 'vitest'
import { createClient, text, type GenerateContentResponse } from '../../src/index.ts'
import { startLocalGateway } from '../../src/local-gateway/index.ts'
import { answerChunks, CONTENTS, KEY, MODEL, sse } from './helpers.ts'

const DELAY_MS = 65_000
/** Timers may fire a hair early; this much slack still proves the wait was real. */
const SLACK_MS = 50
/** The local gateway's default answer (a recorded Gemini response). */
const DEFAULT_TEXT = "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n"

it('a unary answer after 65 s and a stream whose first chunk comes 65 s after its headers both arrive, each from one request', async () => {
  // The status line itself waits 65 s, as Google's unary answers do (headers come with the body).
  const unaryGateway = await startLocalGateway({ provider: 'google', apiKey: KEY, latencyMs: DELAY_MS })
  const streamGateway = await startLocalGateway({ provider: 'google', apiKey: KEY })
  try {
    // Headers at once, then silence for 65 s, then the whole answer. The gateway pauses between chunks, so the
    // first is empty (Node writes no bytes for it): the pause before the second is the silence after the headers.
    streamGateway.enqueue({ headers: { 'content-type': 'text/event-stream' }, chunks: ['', sse(answerChunks(3)).join('')], chunkDelayMs: DELAY_MS })
    const started = Date.now()
    let streamHeadersAt: number | undefined
    // Only observes when the headers came; the client's timeouts and retries are the defaults.
    const timingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      streamHeadersAt = Date.now() - started
      return response
    }
    const unaryClient = createClient({ provider: 'google', apiKey: KEY, baseUrl: unaryGateway.url })
    const streamClient = createClient({ provider: 'google', apiKey: KEY, baseUrl: streamGateway.url, fetch: timingFetch })

    const unary = unaryClient.generateContent({ model: MODEL, contents: CONTENTS }).then((res) => ({ res, ms: Date.now() - started }))
    const stream = (async () => {
      const chunks: GenerateContentResponse[] = []
      let firstAt: number | undefined
      for await (const chunk of streamClient.streamGenerateContent({ model: MODEL, contents: CONTENTS })) {
        firstAt ??= Date.now() - started
        chunks.push(chunk)
      }
      return { chunks, firstAt }
    })()
    const [u, s] = await Promise.all([unary, stream])

    expect(text(u.res)).toBe(DEFAULT_TEXT)
    expect(u.ms).toBeGreaterThanOrEqual(DELAY_MS - SLACK_MS)
    expect(unaryGateway.requests, 'requests the unary gateway saw').toHaveLength(1)

    expect(s.chunks.map(text)).toEqual(['w0 ', 'w1 ', 'w2 '])
    expect(s.chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP')
    expect(streamHeadersAt).toBeLessThan(5_000)
    expect(s.firstAt).toBeGreaterThanOrEqual(DELAY_MS - SLACK_MS)
    expect(streamGateway.requests, 'requests the stream gateway saw').toHaveLength(1)
  } finally {
    await Promise.all([unaryGateway.close(), streamGateway.close()])
  }
}, 120_000)
