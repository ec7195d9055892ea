// Every recording in shared/fixtures/real/ replayed through the google client, over real HTTP, via the local gateway.
import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  type APIStatusError,
  AuthenticationError,
  BadRequestError,
  IncompleteStreamError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  StreamError,
  type GenerateContentResponse,
} from '../../src/index.ts'
import { createGoogleClient, type GoogleClient } from '../../src/providers/google.ts'
import { startLocalGateway, type LocalGateway, type ScriptedResponse } from '../../src/local-gateway/index.ts'
import { CONTENTS, KEY, MODEL, caught, drain } from './helpers.ts'
import { mulberry32 } from '../support/random.ts'

const ROOT = new URL('../../../shared/fixtures/real/', import.meta.url)
const FILES = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(new URL(`${d.name}/`, ROOT)).map((f) => `${d.name}/${f}`))
  .sort()
const bytesOf = (file: string): Uint8Array => new Uint8Array(readFileSync(new URL(file, ROOT)))
const textOf = (file: string): string => readFileSync(new URL(file, ROOT), 'utf8')

// ---------------------------------------------------------------------------------------------
// Classifying the recordings (formats per SOURCES.md)

type Kind = 'unary' | 'error' | 'listModels' | 'countTokens' | 'sse' | 'segments' | 'stream-error-status'
function kindOf(file: string): Kind {
  if (file.endsWith('.sse-segments.json')) {
    const segments = JSON.parse(textOf(file)) as Record<string, unknown>[]
    // js-genai's recorder kept an error answer to an ?alt=sse call as one "segment": it was an HTTP error status.
    return segments.length === 1 && segments[0]!.error ? 'stream-error-status' : 'segments'
  }
  if (file.endsWith('.json')) {
    const value = JSON.parse(textOf(file)) as Record<string, unknown>
    if (value.error) return 'error'
    if (Array.isArray(value.models)) return 'listModels'
    if (typeof value.totalTokens === 'number') return 'countTokens'
    return 'unary'
  }
  if (file.endsWith('.txt')) {
    // A streaming call answered with an HTTP error: plain pretty JSON, not SSE.
    return textOf(file).trimStart().startsWith('{') ? 'stream-error-status' : 'sse'
  }
  throw new Error(`unknown recording format: ${file}`)
}
const RECORDINGS = FILES.filter((f) => f !== 'SOURCES.md').map((file) => ({ file, kind: kindOf(file) }))
const of = (...kinds: Kind[]) => RECORDINGS.filter((r) => kinds.includes(r.kind)).map((r) => r.file)

/** The events of a stream recording as JSON values, and the exact bytes to serve. */
function streamRecording(file: string): { events: Record<string, any>[]; body: Uint8Array; bareError?: Record<string, any> } {
  if (file.endsWith('.sse-segments.json')) {
    const events = JSON.parse(textOf(file)) as Record<string, any>[]
    // The recorder kept no framing: re-frame as Google does, one `data:` line per event, CRLF CRLF.
    return { events, body: new TextEncoder().encode(events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('')) }
  }
  const raw = textOf(file)
  const blocks = raw
    .split(/\r\n\r\n|\n\n/)
    .map((b) => b.trim())
    .filter(Boolean)
  const events = blocks.filter((b) => b.startsWith('data:')).map((b) => JSON.parse(b.slice(5)) as Record<string, any>)
  // omniroute#4177: after two events a bare (non-`data:`) pretty JSON error body arrived mid-stream.
  const bare = blocks.filter((b) => !b.startsWith('data:'))
  const bareError = bare.length ? (JSON.parse(bare.join('\n')) as Record<string, any>) : undefined
  return { events, body: bytesOf(file), ...(bareError && { bareError }) }
}

/** Ends the answer: a candidate with a finish reason, or a blocked prompt (checked here independently of the client). */
const endsAnswer = (e: Record<string, any>): boolean =>
  Boolean(e.promptFeedback?.blockReason) || (e.candidates ?? []).some((c: any) => c.finishReason && c.finishReason !== 'FINISH_REASON_UNSPECIFIED')

// ---------------------------------------------------------------------------------------------
// Splitting bodies at byte positions (seeded, so a failure reproduces)

function seedOf(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}
function splitAt(bytes: Uint8Array, cuts: Iterable<number>): Uint8Array[] {
  const sorted = [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b)
  const out: Uint8Array[] = []
  let start = 0
  for (const cut of sorted) {
    out.push(bytes.subarray(start, cut))
    start = cut
  }
  out.push(bytes.subarray(start))
  return out
}
/** Cut points at random gaps of 1..maxGap bytes. */
function randomCuts(bytes: Uint8Array, random: () => number, maxGap: number): number[] {
  const cuts: number[] = []
  for (let at = 1 + Math.floor(random() * maxGap); at < bytes.length; at += 1 + Math.floor(random() * maxGap)) cuts.push(at)
  return cuts
}
/** Positions inside multi-byte UTF-8 sequences (before a continuation byte). */
const insideUtf8 = (bytes: Uint8Array): number[] => [...bytes.keys()].filter((i) => i > 0 && (bytes[i]! & 0xc0) === 0x80)
/** Positions between a CR and its LF. */
const insideCrlf = (bytes: Uint8Array): number[] => [...bytes.keys()].filter((i) => i > 0 && bytes[i - 1] === 13 && bytes[i] === 10)

interface Splitting {
  name: string
  chunks: Uint8Array[]
  delayMs: number
}
function splittings(file: string, bytes: Uint8Array): Splitting[] {
  const random = mulberry32(seedOf(file))
  const utf8 = insideUtf8(bytes)
  const crlf = insideCrlf(bytes)
  const sample = (xs: number[], n: number) => xs.filter(() => random() < n / Math.max(xs.length, 1))
  return [
    { name: 'one write', chunks: [bytes], delayMs: 0 },
    // Small gaps, widened for the 1.3 MB image stream so that it stays under ~20 000 writes.
    { name: 'random small gaps', chunks: splitAt(bytes, randomCuts(bytes, random, Math.max(16, Math.ceil(bytes.length / 10_000)))), delayMs: 0 },
    { name: 'random gaps of 1..700 bytes', chunks: splitAt(bytes, randomCuts(bytes, random, 700)), delayMs: 0 },
    // Paced writes so that the client's reads really end there: inside UTF-8 sequences and between CR and LF.
    {
      name: 'inside multi-byte UTF-8 and CRLF',
      chunks: splitAt(bytes, [...sample(utf8, 40), ...sample(crlf, 20), ...randomCuts(bytes, random, 4000)]),
      delayMs: 2,
    },
  ]
}

// ---------------------------------------------------------------------------------------------

const statusClass: Record<number, typeof APIStatusError> = {
  400: BadRequestError,
  403: PermissionDeniedError,
  404: NotFoundError,
  429: RateLimitError,
  500: InternalServerError,
  503: InternalServerError,
}

/** The class a recorded Google error must become: by its status, except a bad key, which is an AuthenticationError on every provider. */
function classOf(recorded: { code: number; details?: unknown }): typeof APIStatusError {
  const badKey = Array.isArray(recorded.details) && recorded.details.some((d) => (d as { reason?: unknown }).reason === 'API_KEY_INVALID')
  return badKey ? AuthenticationError : statusClass[recorded.code]!
}

let gw: LocalGateway
let client: GoogleClient
beforeAll(async () => {
  gw = await startLocalGateway({ provider: 'google', apiKey: KEY })
  client = createGoogleClient({ apiKey: KEY, baseUrl: gw.url, maxRetries: 0 })
})
afterAll(() => gw.close())
beforeEach(() => {
  gw.requests.length = 0
})

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' }
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'content-disposition': 'attachment' }
const params = { model: MODEL, contents: CONTENTS }

it('finds every recording listed in SOURCES.md and knows its format', () => {
  const sources = textOf('SOURCES.md')
  const listed = [...sources.matchAll(/^\| `([^`*]+)` \|/gm)].map((m) => m[1]!)
  const names = RECORDINGS.map((r) => r.file.split('/')[1]!)
  expect(new Set(names)).toEqual(new Set(listed))
  expect(RECORDINGS.length).toBeGreaterThanOrEqual(110)
  for (const kind of ['unary', 'error', 'listModels', 'countTokens', 'sse', 'segments', 'stream-error-status'] as const)
    expect(of(kind).length, kind).toBeGreaterThan(0)
})

describe('unary GenerateContentResponse recordings', () => {
  it.each(of('unary'))('%s: generateContent returns it unchanged', async (file) => {
    const body = textOf(file)
    gw.enqueue({ status: 200, headers: JSON_HEADERS, body })
    const res = await client.generateContent(params)
    expect(res).toEqual(JSON.parse(body))
    expect(gw.requests).toHaveLength(1)
  })
})

describe('error recordings', () => {
  it.each(of('error'))('%s: the typed error with the recorded status', async (file) => {
    const body = textOf(file)
    const recorded = JSON.parse(body).error as { code: number; status: string; message: string; details?: unknown }
    gw.enqueue({ status: recorded.code, headers: JSON_HEADERS, body })
    const error = await caught(client.generateContent(params))
    expect(error).toBeInstanceOf(classOf(recorded))
    expect(error.status).toBe(recorded.code)
    expect(error.code).toBe(recorded.status)
    expect(error.provider).toBe('google')
    expect(error.message).toContain(recorded.message.trim().slice(0, 40))
    expect(JSON.parse(error.rawBody!)).toEqual(JSON.parse(body))
    expect(gw.requests).toHaveLength(1)
  })

  it.each(of('error'))('%s: the same body answering a streaming call (labelled text/event-stream)', async (file) => {
    const body = textOf(file)
    const recorded = JSON.parse(body).error as { code: number; details?: unknown }
    gw.enqueue({ status: recorded.code, headers: SSE_HEADERS, body })
    const error = await caught(drain(client.streamGenerateContent(params)))
    expect(error).toBeInstanceOf(classOf(recorded))
    expect(error.status).toBe(recorded.code)
  })

  it.each(of('stream-error-status'))('%s: an HTTP error answering a streaming call', async (file) => {
    // firebase keeps the raw body; js-genai's recorder kept it as one parsed segment (HTTP 404, pretty JSON on the wire).
    const body = file.endsWith('.json') ? `${JSON.stringify((JSON.parse(textOf(file)) as unknown[])[0], null, 2)}\n` : textOf(file)
    const recorded = JSON.parse(body).error as { code: number; status: string; details?: unknown }
    gw.enqueue({ status: recorded.code, headers: SSE_HEADERS, body })
    const chunks: GenerateContentResponse[] = []
    const error = await caught(drain(client.streamGenerateContent(params), chunks))
    expect(chunks).toEqual([])
    expect(error).toBeInstanceOf(classOf(recorded))
    expect(error.status).toBe(recorded.code)
    expect(error.code).toBe(recorded.status)
  })
})

describe('listModels and countTokens recordings', () => {
  it.each(of('listModels'))('%s: listModels yields its models and follows its nextPageToken', async (file) => {
    const body = textOf(file)
    const recorded = JSON.parse(body) as { models: unknown[]; nextPageToken?: string }
    gw.enqueue({ status: 200, headers: JSON_HEADERS, body }, { status: 200, headers: JSON_HEADERS, body: '{"models": []}\n' })
    const models = []
    for await (const model of client.listModels()) models.push(model)
    expect(models).toEqual(recorded.models)
    expect(gw.requests).toHaveLength(recorded.nextPageToken ? 2 : 1)
    if (recorded.nextPageToken) expect(gw.requests[1]!.query.pageToken).toBe(recorded.nextPageToken)
  })

  it.each(of('countTokens'))('%s: countTokens returns it unchanged', async (file) => {
    const body = textOf(file)
    gw.enqueue({ status: 200, headers: JSON_HEADERS, body })
    expect(await client.countTokens(params)).toEqual(JSON.parse(body))
  })
})

// ---------------------------------------------------------------------------------------------
// Streams

const STREAMS = of('sse', 'segments')
const cutOff = STREAMS.filter((file) => {
  const { events, bareError } = streamRecording(file)
  return !bareError && !endsAnswer(events.at(-1)!)
})
const midStreamErrors = STREAMS.filter((file) => streamRecording(file).bareError)

describe('stream recordings, split at random byte positions', () => {
  it('recordings without a final chunk are exactly these (the client must call them incomplete)', () => {
    // None of the recorded streams ends on an event without finishReason/blockReason (so `cutOff` is empty and
    // the split tests below expect a clean end for all of them). Had one done so, the split test would expect
    // IncompleteStreamError after every event; the cut variants further down exercise exactly that.
    expect(cutOff).toEqual([])
    expect(midStreamErrors).toEqual(['github-issues/omniroute-4177.sse-midstream-error-503.TRANSCRIBED.txt'])
  })

  it('some splits fall inside multi-byte UTF-8 sequences and between CR and LF', () => {
    const utf8 = STREAMS.filter((f) => insideUtf8(streamRecording(f).body).length > 0)
    const crlf = STREAMS.filter((f) => insideCrlf(streamRecording(f).body).length > 0)
    expect(utf8.length).toBeGreaterThanOrEqual(4)
    expect(crlf.length).toBeGreaterThanOrEqual(20)
  })

  const cases = STREAMS.flatMap((file) => splittings(file, streamRecording(file).body).map((s) => [file, s.name, s] as const))
  it.each(cases)('%s (%s)', async (file, _name, split) => {
    const { events, bareError } = streamRecording(file)
    const script: ScriptedResponse = { status: 200, headers: SSE_HEADERS, chunks: split.chunks, chunkDelayMs: split.delayMs }
    gw.enqueue(script)
    const chunks: GenerateContentResponse[] = []
    if (bareError) {
      const error = await caught(drain(client.streamGenerateContent(params), chunks))
      expect(error).toBeInstanceOf(StreamError)
      expect(error.status).toBe(bareError.error.code)
      expect(error.code).toBe(bareError.error.status)
    } else if (cutOff.includes(file)) {
      const error = await caught(drain(client.streamGenerateContent(params), chunks))
      expect(error).toBeInstanceOf(IncompleteStreamError)
    } else {
      await drain(client.streamGenerateContent(params), chunks)
    }
    expect(chunks).toEqual(events)
    expect(gw.requests).toHaveLength(1)
  })
})

describe('stream recordings cut before their final event (variants built in code)', () => {
  it.each(STREAMS.filter((f) => !midStreamErrors.includes(f)))('%s without its last event: IncompleteStreamError after the others', async (file) => {
    const { events } = streamRecording(file)
    const kept = events.slice(0, -1)
    gw.enqueue({ status: 200, headers: SSE_HEADERS, chunks: kept.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`) })
    const chunks: GenerateContentResponse[] = []
    const error = await caught(drain(client.streamGenerateContent(params), chunks))
    expect(error).toBeInstanceOf(IncompleteStreamError)
    expect(chunks).toEqual(kept)
  })
})

describe('local gateway', () => {
  it('serves a scripted response of 200 000 one-byte chunks', async () => {
    // The 1.3 MB image recording split into small pieces first showed this: `parts.push(...chunks)` in
    // src/local-gateway/server.ts overflows the call stack and the gateway answers 500 "local gateway bug".
    const body = `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text: 'x'.repeat(200_000) }] }, finishReason: 'STOP' }] })}\r\n\r\n`
    const chunks = [...body]
    expect(chunks.length).toBeGreaterThan(200_000)
    gw.enqueue({ status: 200, headers: SSE_HEADERS, chunks })
    const got = await drain(client.streamGenerateContent(params))
    expect(got).toHaveLength(1)
    expect(got[0]!.candidates![0]!.content!.parts![0]!.text).toHaveLength(200_000)
  })
})
