// streamGenerateContent against the local gateway in each dialect: real SSE over loopback HTTP.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  IncompleteStreamError,
  MalformedResponseError,
  NotFoundError,
  RateLimitError,
  StreamError,
  TimeoutError,
  UserAbortError,
  functionCalls,
  mergeChunks,
  text,
  thoughts,
  type GenerateContentResponse,
  type Provider,
} from '../../src/index.ts'
import { startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { CONTENTS, KEY, MODEL, PROVIDERS, answerChunks, caught, clientFor, drain, drainFailing, sse, watchResponses, within } from './helpers.ts'
import { familyOf, pathOf } from '../support/registry.ts'

/** The `data:` payloads of a recorded SSE body. */
function recordedEvents(file: string): Record<string, any>[] {
  const raw = readFileSync(new URL(`../../src/local-gateway/recordings/${file}`, import.meta.url), 'utf8')
  return raw
    .split(/\r\n\r\n|\n\n/)
    .map((b) => b.trim())
    .filter((b) => b.startsWith('data:'))
    .map((b) => JSON.parse(b.slice(5)))
}
const SHORT = recordedEvents('streaming-success-basic-reply-short.txt')
const THINKING = recordedEvents('streaming-success-thinking-function-call-thought-summary-signature.txt')

/**
 * What each dialect makes of every streamed object: its `modelVersion` names the model asked for (the recordings
 * were made with others); anyfast adds candidate indexes and a missing modelVersion; nordlys adds `provider`.
 */
function asServedBy(provider: Provider, recorded: Record<string, any>, index: number): Record<string, any> {
  const event = 'modelVersion' in recorded ? { ...recorded, modelVersion: MODEL } : recorded
  if (familyOf(provider) === 'vertex') {
    // Vertex AI adds when it answered, an id, and how it served the call.
    return {
      ...event,
      ...(event.usageMetadata && { usageMetadata: { ...event.usageMetadata, trafficType: 'ON_DEMAND' } }),
      createTime: event.createTime ?? '2026-08-21T10:00:00.000000Z',
      responseId: event.responseId ?? `vertex-local-${index}`,
    }
  }
  if (provider === 'anyfast') {
    const out = { ...event, candidates: event.candidates?.map((c: any, i: number) => ('index' in c ? c : { ...c, index: i })) }
    return 'modelVersion' in out ? out : { ...out, modelVersion: MODEL }
  }
  if (provider === 'nordlys') return { ...event, provider: 'google' }
  return event
}

const params = { model: MODEL, contents: CONTENTS }
const SSE_HEADERS = { 'content-type': 'text/event-stream' }

describe.each(PROVIDERS)('%s stream', (provider) => {
  let gw: LocalGateway
  beforeAll(async () => {
    gw = await startLocalGateway({ provider, apiKey: KEY })
  })
  afterAll(() => gw.close())
  beforeEach(() => {
    gw.requests.length = 0
  })

  it('yields the recorded events in the dialect’s own framing, then ends', async () => {
    const chunks = await drain(clientFor(provider, gw).streamGenerateContent(params))
    expect(chunks).toEqual(SHORT.map((e, i) => asServedBy(provider, e, i)))
    expect(text(mergeChunks(chunks))).toBe('The capital of Wyoming is **Cheyenne**.\n')
    expect(gw.requests).toHaveLength(1)
    expect(gw.requests[0]!.path).toBe(pathOf(provider, 'streamGenerateContent', { model: MODEL, gatewayUrl: gw.url }))
    expect(gw.requests[0]!.query).toEqual({ alt: 'sse' })
  })

  it('yields each chunk as it arrives: the first before the last has been written', async () => {
    const watches = watchResponses(gw)
    const events = answerChunks(5)
    gw.enqueue({ status: 200, headers: SSE_HEADERS, chunks: sse(events), chunkDelayMs: 150 })
    const chunks: GenerateContentResponse[] = []
    let writesAtFirstChunk = -1
    for await (const chunk of clientFor(provider, gw).streamGenerateContent(params)) {
      if (chunks.length === 0) writesAtFirstChunk = watches[0]!.writes
      chunks.push(chunk)
    }
    expect(chunks).toEqual(events)
    expect(watches).toHaveLength(1)
    expect(watches[0]!.writes).toBe(5)
    expect(writesAtFirstChunk).toBeGreaterThanOrEqual(1)
    expect(writesAtFirstChunk).toBeLessThan(5)
  })

  it.each([
    ['LF', (ev: unknown[]) => sse(ev, '\n')],
    ['CRLF', (ev: unknown[]) => sse(ev, '\r\n')],
    ['CR', (ev: unknown[]) => sse(ev, '\r')],
    ['`: PING` comments and a final `data: [DONE]`', (ev: unknown[]) => [': PING\n\n', ...sse(ev).flatMap((e) => [e, ': PING\n\n']), 'data: [DONE]\n\n']],
    [
      'mixed CRLF and LF, comments, [DONE], and a CRLF split across writes',
      (ev: unknown[]) => {
        const [a, b, c] = [JSON.stringify(ev[0]), JSON.stringify(ev[1]), JSON.stringify(ev[2])]
        return [
          ': PING\r\n\r\n',
          `data: ${a}\r`,
          '\n\r\n',
          `data: ${b.slice(0, 7)}`,
          `${b.slice(7)}\n\n`,
          ': keep-alive\n\n',
          `data: ${c}\r\n\r\n`,
          'data: [DONE]\r\n\r\n',
        ]
      },
    ],
    ['no blank line after the last event', (ev: unknown[]) => [...sse(ev.slice(0, -1)), `data: ${JSON.stringify(ev.at(-1))}`]],
  ])('tolerates %s', async (_label, frame) => {
    const events = answerChunks(3)
    gw.enqueue({ status: 200, headers: SSE_HEADERS, chunks: frame(events) })
    expect(await drain(clientFor(provider, gw).streamGenerateContent(params))).toEqual(events)
  })

  it('stream-error-midway: yields the earlier chunks, then throws the dialect’s mid-stream failure', async () => {
    gw.fail('stream-error-midway')
    const { chunks, error } = await drainFailing(clientFor(provider, gw).streamGenerateContent(params))
    expect(chunks).toEqual(SHORT.slice(0, 2).map((e, i) => asServedBy(provider, e, i)))
    expect(error.provider).toBe(provider)
    if (provider === 'nordlys') {
      // Its stream loop just returns on upstream failure: the only sign is the missing final chunk.
      expect(error).toBeInstanceOf(IncompleteStreamError)
    } else {
      // google: a bare pretty-printed JSON error after the events; relays: a `data: {"error": ...}` event.
      expect(error).toBeInstanceOf(StreamError)
      expect(error.status).toBe(503)
      expect(error.rawBody).toContain('"error"')
      expect(error.message).toMatch(/overloaded|high demand/)
    }
  })

  it('stream-cut: a cut-off answer never looks complete (IncompleteStreamError after the chunks)', async () => {
    gw.fail('stream-cut')
    const { chunks, error } = await drainFailing(clientFor(provider, gw).streamGenerateContent(params))
    expect(error).toBeInstanceOf(IncompleteStreamError)
    expect(chunks).toEqual(SHORT.slice(0, -1).map((e, i) => asServedBy(provider, e, i)))
  })

  it('a stream that ends with [DONE] but no finishReason is still incomplete', async () => {
    const events = answerChunks(3).slice(0, 2)
    gw.enqueue({ status: 200, headers: SSE_HEADERS, chunks: [...sse(events), 'data: [DONE]\n\n'] })
    const { chunks, error } = await drainFailing(clientFor(provider, gw).streamGenerateContent(params))
    expect(error).toBeInstanceOf(IncompleteStreamError)
    expect(chunks).toEqual(events)
  })

  it('stall with timeoutMs 300: TimeoutError', async () => {
    gw.fail('stall')
    const error = await caught(drain(clientFor(provider, gw, { timeoutMs: 300 }).streamGenerateContent(params)))
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).timeoutMs).toBe(300)
  })

  it('a stall after some chunks: TimeoutError after yielding them', async () => {
    const events = answerChunks(3)
    gw.enqueue({ status: 200, headers: SSE_HEADERS, chunks: sse(events.slice(0, 2)), stall: true })
    const { chunks, error } = await drainFailing(clientFor(provider, gw, { timeoutMs: 300 }).streamGenerateContent(params))
    expect(error).toBeInstanceOf(TimeoutError)
    expect(chunks).toEqual(events.slice(0, 2))
  })

  it('breaking out of for-await early cancels the HTTP body: the server sees the connection close', async () => {
    const watches = watchResponses(gw)
    gw.enqueue({ status: 200, headers: SSE_HEADERS, chunks: sse(answerChunks(60)), chunkDelayMs: 50 })
    let received = 0
    for await (const _ of clientFor(provider, gw).streamGenerateContent(params)) {
      received++
      if (received === 2) break
    }
    expect(received).toBe(2)
    const watch = watches[0]!
    // true = the connection closed before the response finished.
    expect(await within(watch.closedEarly, 5_000, false)).toBe(true)
    expect(watch.finished).toBe(false)
    expect(watch.writes).toBeLessThan(60)
  })

  it('abort via AbortSignal mid-stream: UserAbortError, and the connection closes', async () => {
    const watches = watchResponses(gw)
    gw.enqueue({ status: 200, headers: SSE_HEADERS, chunks: sse(answerChunks(60)), chunkDelayMs: 50 })
    const controller = new AbortController()
    const chunks: GenerateContentResponse[] = []
    const error = await caught(
      (async () => {
        for await (const chunk of clientFor(provider, gw).streamGenerateContent(params, { signal: controller.signal })) {
          chunks.push(chunk)
          if (chunks.length === 2) controller.abort()
        }
      })(),
    )
    expect(error).toBeInstanceOf(UserAbortError)
    expect(chunks).toHaveLength(2)
    expect(await within(watches[0]!.closedEarly, 5_000, false)).toBe(true)
  })

  it('an already-aborted signal: UserAbortError and no request', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await caught(drain(clientFor(provider, gw).streamGenerateContent(params, { signal: controller.signal })))
    expect(error).toBeInstanceOf(UserAbortError)
    expect(gw.requests).toHaveLength(0)
  })

  it('an error status on a streaming request: the typed error with its status', async () => {
    gw.fail('rate-limit')
    const error = await caught(drain(clientFor(provider, gw).streamGenerateContent(params)))
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error.status).toBe(429)
    expect(error.provider).toBe(provider)
    expect(error.rawBody).toBeTruthy()
  })

  it('an event that is not JSON: MalformedResponseError', async () => {
    const [first] = answerChunks(2)
    gw.enqueue({ status: 200, headers: SSE_HEADERS, chunks: [...sse([first]), 'data: {"candidates": [{"content": \n\n'] })
    const { chunks, error } = await drainFailing(clientFor(provider, gw).streamGenerateContent(params))
    expect(error).toBeInstanceOf(MalformedResponseError)
    expect(chunks).toEqual([first])
  })

  it('mergeChunks on the streamed thinking + function-call recording keeps thoughtSignature and the call verbatim', async () => {
    const chunks = await drain(
      clientFor(provider, gw).streamGenerateContent(params, {
        headers: { 'x-local-gateway-recording': 'streaming-success-thinking-function-call-thought-summary-signature' },
      }),
    )
    expect(chunks).toEqual(THINKING.map((e, i) => asServedBy(provider, e, i)))
    const merged = mergeChunks(chunks)
    const recordedParts = THINKING.flatMap((e) => e.candidates[0].content.parts as Record<string, any>[])
    const callPart = recordedParts.find((p) => p.functionCall)!
    expect(callPart.thoughtSignature).toMatch(/^[A-Za-z0-9+/=]{100,}$/)
    const parts = merged.candidates![0]!.content!.parts!
    // The two thought summaries are joined into one part; the function-call part is kept as sent.
    expect(parts).toHaveLength(2)
    expect(parts[0]).toEqual({
      text: recordedParts
        .filter((p) => p.thought)
        .map((p) => p.text)
        .join(''),
      thought: true,
    })
    expect(parts[1]).toEqual(callPart)
    expect(parts[1]!.thoughtSignature).toBe(callPart.thoughtSignature)
    expect(functionCalls(merged)).toEqual([{ name: 'now', args: {} }])
    expect(thoughts(merged)).toBe(parts[0]!.text)
    expect(text(merged)).toBe('')
    expect(merged.candidates![0]!.finishReason).toBe('STOP')
    expect(merged.usageMetadata).toEqual(asServedBy(provider, THINKING.at(-1)!, THINKING.length - 1).usageMetadata)
  })
})

describe('google-only stream behaviour', () => {
  let gw: LocalGateway
  beforeAll(async () => {
    gw = await startLocalGateway({ provider: 'google', apiKey: KEY })
  })
  afterAll(() => gw.close())

  it('an error status sent as text/event-stream (plain JSON body) is the typed error', async () => {
    const watches = watchResponses(gw)
    gw.fail('unknown-model')
    const seen: string[] = []
    const client = clientFor('google', gw, {
      fetch: async (input, init) => {
        const res = await fetch(input, init)
        seen.push(res.headers.get('content-type') ?? '')
        return res
      },
    })
    const error = await caught(drain(client.streamGenerateContent({ model: 'gemini-0-nope', contents: CONTENTS })))
    expect(seen).toEqual(['text/event-stream'])
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.status).toBe(404)
    expect(error.code).toBe('NOT_FOUND')
    expect(error.message).toContain('is not found for API version v1beta')
    expect(watches).toHaveLength(1)
  })

  it('a finishReason mid-stream does not make a later cut-off look complete', async () => {
    // Server-side MCP tool streams (js-genai recordings) carry finishReason STOP on the function-call event and
    // then go on with the answer; the answer's own last event carries the real finishReason. Cut before that
    // event, the stream ends on text without a finishReason: a cut-off answer.
    const events = [
      {
        candidates: [
          {
            content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
            finishReason: 'STOP',
            finishMessage: 'Model generated function call(s).',
            index: 0,
          },
        ],
      },
      { candidates: [{ content: { role: 'model', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }] }, index: 0 }] },
      { candidates: [{ content: { role: 'model', parts: [{ text: 'In Paris it is' }] }, index: 0 }] },
    ]
    gw.enqueue({ status: 200, headers: SSE_HEADERS, chunks: sse(events, '\r\n') })
    const { chunks, error } = await drainFailing(clientFor('google', gw).streamGenerateContent(params))
    expect(chunks).toEqual(events)
    expect(error).toBeInstanceOf(IncompleteStreamError)
  })

  it('an error event with data: framing mid-stream is a StreamError that keeps its status', async () => {
    const [first] = answerChunks(2)
    gw.enqueue({
      status: 200,
      headers: SSE_HEADERS,
      chunks: [
        ...sse([first], '\r\n'),
        `data: ${JSON.stringify({ error: { code: 429, message: 'Resource exhausted', status: 'RESOURCE_EXHAUSTED' } })}\r\n\r\n`,
      ],
    })
    const { chunks, error } = await drainFailing(clientFor('google', gw).streamGenerateContent(params))
    expect(chunks).toEqual([first])
    expect(error).toBeInstanceOf(StreamError)
    expect(error.status).toBe(429)
    expect(error.code).toBe('RESOURCE_EXHAUSTED')
  })
})

describe('cancelling a stream, seen from a plain node:http server', () => {
  it('break after the first chunk closes the request on the server', async () => {
    let closedBeforeEnd: (v: boolean) => void
    const closed = new Promise<boolean>((r) => (closedBeforeEnd = r))
    let writes = 0
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume()
      res.writeHead(200, SSE_HEADERS)
      const events = answerChunks(100)
      let i = 0
      const timer = setInterval(() => {
        if (i >= events.length) {
          clearInterval(timer)
          res.end()
          return
        }
        res.write(sse([events[i++]])[0])
        writes++
      }, 30)
      res.on('close', () => {
        clearInterval(timer)
        closedBeforeEnd(!res.writableFinished)
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const { port } = server.address() as AddressInfo
      const client = clientFor('google', { url: `http://127.0.0.1:${port}` } as LocalGateway)
      for await (const _ of client.streamGenerateContent(params)) break
      expect(await within(closed, 5_000, false)).toBe(true)
      expect(writes).toBeLessThan(100)
    } finally {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    }
  })
})
