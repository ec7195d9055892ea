// Property-based tests (issue #4), with fast-check:
// - canonical requests generated from generated/google/openapi.json pass the request validator and survive each
//   provider's wire mapping (nordlys: fromNordlysWire(toNordlysWire(x)) deep-equals x, routing fields included);
// - sent through the client to the local gateway, no field is silently dropped on the way;
// - the SSE decoder, fed >= 100,000 random splittings of streams with interleaved noise, never loses, duplicates or
//   reorders an event, and never throws on any input;
// - the response handling is total: any status and body ends in a value or a GeminiGatewayError, never an empty success.
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import * as googleRequest from '../../generated/google/validators/request.ts'
import { validators } from '../../generated/validator-sets.ts'
import * as nordlysRequest from '../../generated/nordlys/validators/request.ts'
import type { SSEEvent } from '../../src/core/sse.ts'
import { decodeSSE } from '../sse/support/decode-sse.ts'
import { createClient, GeminiGatewayError, type GenerateContentResponse, type Provider } from '../../src/index.ts'
import type { Dialect } from '../../src/core/dialect.ts'
import { startLocalGateway } from '../../src/local-gateway/index.ts'
import { NORDLYS_UNSUPPORTED, toNordlysWire } from '../../src/providers/nordlys.ts'
import { arbitraryOf, loadSpec, text } from './support/arbitraries.ts'
import { MODEL, PROVIDERS, reportFigures, watchCrashes, type AnyClient } from './support/helpers.ts'
import { fromNordlysWire } from './support/nordlys-wire.ts'
import { mulberry32 } from '../support/random.ts'
import { generationRequestName } from '../spec/helpers.ts'
import { clientModule } from '../../scripts/lib/registry-emit.ts'
import { ROOT } from '../support/packed-package.ts'
import { familyOf } from '../support/registry.ts'
import { NEWAPI_HARMLESS, NEWAPI_REFUSED, presentAll, textless, VERTEX_UNKNOWN, without } from '../support/dropped-fields.ts'

const crashes = watchCrashes()
const counts = { requests: 0, roundTrips: 0, validatorRuns: 0, throughGateway: 0, splittings: 0, sseStreams: 0, garbageInputs: 0, responses: 0 }

const google = loadSpec('google')
const nordlys = loadSpec('nordlys')

/** Canonical request bodies (no `model`: it travels in the path). */
const canonical = (opts: { nonEmptyContents?: boolean; maxDepth?: number } = {}) =>
  arbitraryOf(google, 'GenerateContentRequest', {
    maxDepth: opts.maxDepth ?? 7,
    maxItems: 2,
    omit: { GenerateContentRequest: ['model'] },
  }).filter((x) => !opts.nonEmptyContents || (x as { contents: unknown[] }).contents.length > 0) as fc.Arbitrary<Record<string, unknown>>

/** nordlys's router fields, from its own spec. */
const routing = arbitraryOf(nordlys, 'NordlysGenerateContentRequest', {
  maxDepth: 3,
  maxItems: 2,
  omit: { NordlysGenerateContentRequest: ['contents', 'generation_config', 'safety_settings', 'system_instruction', 'tool_config', 'tools'] },
}) as fc.Arbitrary<Record<string, unknown>>

const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

/** A request as a new-api relay's client sends it: without the fields new-api would drop with a consequence. */
function asNewapiTakes(x: Record<string, unknown>): Record<string, unknown> {
  const out = without(x, presentAll(x, NEWAPI_REFUSED)) as Record<string, unknown>
  if (textless(out)) delete out.systemInstruction
  return out
}

/** A request Vertex AI takes: every turn with a role, and none of the fields only Google AI knows. */
function asVertexTakes(x: Record<string, unknown>): Record<string, unknown> {
  const out = without(x, presentAll(x, VERTEX_UNKNOWN)) as Record<string, unknown>
  out.contents = (out.contents as Record<string, unknown>[]).map((c, i) =>
    c && typeof c === 'object' && typeof c.role === 'string' && c.role !== '' ? c : { ...c, role: i % 2 === 0 ? 'user' : 'model' },
  )
  return out
}

/**
 * The spec types `contents[].role` as any string, so the walk draws any text; Google (and so the local gateway)
 * refuses roles other than user, model and function with 400 "Please use a valid role". A request that can
 * succeed gives each such turn an accepted role (alternating user/model); turns without a role keep none.
 */
const ACCEPTED_ROLES: readonly unknown[] = ['user', 'model', 'function', '']
function withAcceptedRoles(x: Record<string, unknown>): Record<string, unknown> {
  const contents = (x.contents as unknown[]).map((c, i) => {
    if (!c || typeof c !== 'object' || !('role' in c) || ACCEPTED_ROLES.includes(c.role)) return c
    return { ...c, role: i % 2 === 0 ? 'user' : 'model' }
  })
  return { ...x, contents }
}

describe('properties: canonical requests', () => {
  it('every request generated from the schema passes the Google request validator', () => {
    fc.assert(
      fc.property(canonical(), (x) => {
        counts.requests++
        counts.validatorRuns++
        expect(googleRequest.GenerateContentRequest(x)).toBe(true)
        expect(googleRequest.generateContentRequest(x)).toBe(true)
      }),
      { numRuns: 400, seed: 4_001 },
    )
  })

  // An empty `generationConfig: {}` says nothing and has no wire form (the mapping omits it, as the server would
  // ignore it), so the inverse cannot restore it: x carries either no generationConfig or a non-empty one.
  // serviceTier, store and continuationToken have no place on nordlys's wire (NORDLYS_UNSUPPORTED): its client type leaves them
  // out and rejects them before sending (test/client/providers.test.ts), so nordlys requests never carry them.
  const withRouting = fc.tuple(canonical(), routing).map(([body, route]) => {
    const x: Record<string, unknown> = { ...body, ...route }
    for (const key of NORDLYS_UNSUPPORTED) delete x[key]
    const config = x.generationConfig as Record<string, unknown> | undefined
    if (config !== undefined && Object.keys(config).length === 0) delete x.generationConfig
    return x
  })

  it('nordlys: fromNordlysWire(toNordlysWire(x)) deep-equals x, routing fields included, and x is not mutated', () => {
    fc.assert(
      fc.property(withRouting, (x) => {
        counts.requests++
        counts.roundTrips++
        const before = structuredClone(x)
        const wire = toNordlysWire(x as never)
        expect(x, 'toNordlysWire must not mutate its input').toStrictEqual(before)
        for (const key of ['systemInstruction', 'safetySettings', 'tools', 'toolConfig', 'generationConfig']) {
          expect(Object.hasOwn(wire, key), `camelCase ${key} left at the top level, where nordlys drops it`).toBe(false)
        }
        expect(fromNordlysWire(wire)).toStrictEqual(x)
      }),
      { numRuns: 400, seed: 4_002 },
    )
  })

  it('nordlys: the wire body of every valid canonical request passes the nordlys request validator', () => {
    fc.assert(
      fc.property(withRouting, (x) => {
        counts.requests++
        counts.validatorRuns++
        const wire = toNordlysWire(x as never)
        expect(nordlysRequest.generateContentRequest(wire), `wire keys: ${Object.keys(wire).join(', ')}`).toBe(true)
      }),
      { numRuns: 400, seed: 4_004 },
    )
  })

  it('nordlys: an empty generationConfig maps to a wire body the gateway reads exactly like one without it', async () => {
    const gw = await startLocalGateway({ provider: 'nordlys' })
    try {
      const client = createClient({ provider: 'nordlys', apiKey: 'local-gateway-key', baseUrl: gw.url, maxRetries: 0 })
      const contents = [{ role: 'user' as const, parts: [{ text: 'hi' }] }]
      await client.generateContent({ model: MODEL, contents, generationConfig: {} })
      await client.generateContent({ model: MODEL, contents })
      expect(gw.requests[0]?.effective).toEqual(gw.requests[1]?.effective)
      expect(gw.requests[0]?.ignoredKeys).toEqual([])
    } finally {
      await gw.close()
    }
  })

  // Every gateway whose wire body is the canonical request (all but nordlys, which translates it: tested above), and
  // whose schema takes all of Google AI's (Vertex AI's lacks some fields and requires roles: tested below).
  const canonicalWire = PROVIDERS.filter((p) => p !== 'google' && familyOf(p) !== 'nordlys' && familyOf(p) !== 'vertex')
  it(`${canonicalWire.join(', ')} accept every canonical request with non-empty contents`, () => {
    fc.assert(
      fc.property(canonical({ nonEmptyContents: true }), (x) => {
        counts.requests++
        for (const p of canonicalWire) {
          counts.validatorRuns++
          const checks: Readonly<Record<string, (value: unknown) => boolean>> = validators[p].request.checks
          expect(checks[generationRequestName(p)]!(x), p).toBe(true)
        }
      }),
      { numRuns: 300, seed: 4_003 },
    )
  })

  it("vertex: accepts every canonical request with non-empty contents once each turn has a role and Google AI's own fields are gone", () => {
    const checks: Readonly<Record<string, (value: unknown) => boolean>> = validators.vertex.request.checks
    fc.assert(
      fc.property(canonical({ nonEmptyContents: true }), (x) => {
        counts.requests++
        counts.validatorRuns++
        expect(checks.generateContentRequest!(asVertexTakes(x))).toBe(true)
      }),
      { numRuns: 300, seed: 4_005 },
    )
  })

  for (const provider of PROVIDERS) {
    it(`${provider}: sent through the client, every field of an arbitrary request reaches the gateway (nothing silently dropped)`, async () => {
      // What the dialect refuses before sending (its `unplaced` fields: test/client/providers.test.ts) never goes out;
      // a continuationToken is the server's own, and an arbitrary one is refused as Google refuses it (real ones:
      // test/client/long-decode.test.ts).
      const { [`${provider}Dialect`]: dialect } = (await import(`../../${clientModule(ROOT, provider).file}`)) as Record<string, Dialect>
      const refused = ['continuationToken', ...(dialect?.unplaced ?? [])]
      const family = familyOf(provider)
      const gw = await startLocalGateway({ provider })
      const client = createClient({ provider, apiKey: 'local-gateway-key', baseUrl: gw.url, maxRetries: 0 }) as unknown as AnyClient
      try {
        await fc.assert(
          fc.asyncProperty(canonical({ nonEmptyContents: true, maxDepth: 6 }).map(withAcceptedRoles), async (drawn) => {
            // What new-api refuses (the fields it would drop with a consequence, test/requests/validation.test.ts) and
            // what Vertex AI lacks never go out either: the rest must arrive.
            const x = family === 'newapi' ? asNewapiTakes(drawn) : family === 'vertex' ? asVertexTakes(drawn) : drawn
            for (const key of refused) delete x[key]
            counts.requests++
            counts.throughGateway++
            gw.requests.length = 0
            const response = await client.generateContent({ model: MODEL, ...x } as never)
            expect(response.candidates?.length).toBeGreaterThan(0)
            const seen = gw.requests[0]!
            expect(seen.ignoredKeys, `${provider}: keys the gateway silently dropped`).toEqual([])
            const sent = jsonCopy(x)
            expect(seen.body && (seen.body as { contents: unknown }).contents).toEqual(sent.contents)
            const { contents: _contents, ...settings } = sent
            if (family === 'newapi') {
              // new-api drops what its structs lack: exactly the fields whose loss changes nothing (its overlay lists them).
              expect(seen.dropped, `${provider}: fields the relay dropped`).toEqual(presentAll(sent, NEWAPI_HARMLESS))
            } else if (provider === 'nordlys') {
              // nordlys reads the SDK-shaped generation_config; what the gateway acted on must hold every setting.
              const { generationConfig, ...topLevel } = settings as Record<string, unknown>
              expect(seen.effective).toMatchObject(topLevel)
              if (generationConfig !== undefined && Object.keys(generationConfig as object).length > 0) {
                expect(seen.effective?.generationConfig).toMatchObject(generationConfig as object)
              }
            } else {
              expect(seen.effective).toEqual(settings)
            }
          }),
          { numRuns: 40, seed: 4_010 + PROVIDERS.indexOf(provider) },
        )
      } finally {
        await gw.close()
      }
    })
  }
})

// ---------------------------------------------------------------------------------------------
// SSE decoder

interface GenEvent {
  data: string
  event?: string
  id?: string
}

const noBreaks = (s: string) => !/[\r\n]/.test(s)
const lineText = (maxLength = 16) => text(maxLength).filter(noBreaks)
const dataValue = fc
  .oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.array(lineText(), { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n')) },
  )
  .filter((d) => d !== '[DONE]')

const genEvent: fc.Arbitrary<GenEvent> = fc.record(
  {
    data: dataValue,
    event: fc.stringMatching(/^[a-z]{1,8}$/),
    id: lineText(8).filter((s) => !s.includes('\0')),
  },
  { requiredKeys: ['data'] },
)

type Noise = 'comment' | 'blank' | 'retry' | 'done' | 'event-only' | 'id-only'
const noise = fc.constantFrom<Noise>('comment', 'blank', 'retry', 'done', 'event-only', 'id-only')
const eolStyle = fc.constantFrom('\n', '\r\n', '\r', 'mixed')

interface GenStream {
  events: GenEvent[]
  noise: Noise[][]
  inner: boolean[]
  eol: string
  bom: boolean
  finalBlank: boolean
  comments: string[]
}

const genStream: fc.Arbitrary<GenStream> = fc.record({
  events: fc.array(genEvent, { maxLength: 8 }),
  noise: fc.array(fc.array(noise, { maxLength: 3 }), { minLength: 9, maxLength: 9 }),
  inner: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  eol: eolStyle,
  bom: fc.boolean(),
  finalBlank: fc.boolean(),
  comments: fc.array(lineText(10), { minLength: 1, maxLength: 3 }),
})

/** Serialises a stream; returns its text and the events a correct decoder yields. */
function serialise(s: GenStream, random: () => number): { text: string; expected: SSEEvent[] } {
  const lines: string[] = []
  const comment = () => `:${s.comments[Math.floor(random() * s.comments.length)]}`
  const putNoise = (kinds: Noise[]) => {
    for (const kind of kinds) {
      if (kind === 'comment') lines.push(comment())
      else if (kind === 'blank') lines.push('')
      else if (kind === 'retry') lines.push('retry: 3000', '')
      else if (kind === 'done') lines.push('data: [DONE]', '')
      else if (kind === 'event-only') lines.push('event: ping', '')
      else lines.push('id: stray', '')
    }
  }
  const expected: SSEEvent[] = []
  s.events.forEach((ev, i) => {
    putNoise(s.noise[i] ?? [])
    if (ev.event !== undefined) lines.push(`event: ${ev.event}`)
    const dataLines = ev.data.split('\n')
    dataLines.forEach((line, j) => {
      lines.push(line === '' && random() < 0.5 ? 'data' : `data: ${line}`)
      // Comments and retry lines may sit between the lines of one event.
      if (s.inner[i] && j < dataLines.length - 1) lines.push(random() < 0.5 ? comment() : 'retry: 10')
    })
    if (ev.id !== undefined) lines.push(`id: ${ev.id}`)
    const last = i === s.events.length - 1
    if (!last || s.finalBlank) lines.push('')
    const out: SSEEvent = { data: ev.data }
    if (ev.event) out.event = ev.event
    if (ev.id !== undefined) out.id = ev.id
    expected.push(out)
  })
  if (s.finalBlank || s.events.length === 0) putNoise(s.noise[8] ?? [])
  const eol = () => (s.eol === 'mixed' ? (random() < 0.5 ? '\n' : '\r\n') : s.eol)
  // Every line gets a terminator except, sometimes, the very last (a server that omits it).
  let body = ''
  lines.forEach((line, i) => {
    body += line
    if (i < lines.length - 1 || s.finalBlank) body += eol()
  })
  return { text: (s.bom ? '\uFEFF' : '') + body, expected }
}

/** A ReadableStream that hands out `chunks` one per read. */
function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!)
      else controller.close()
    },
  })
}

async function decodeAll(chunks: Uint8Array[]): Promise<SSEEvent[]> {
  const out: SSEEvent[] = []
  for await (const ev of decodeSSE(streamOf(chunks))) out.push(ev)
  return out
}

/** Cuts `bytes` at random places: anywhere, including inside a UTF-8 sequence, a CRLF, or a field name. */
function randomSplit(bytes: Uint8Array, random: () => number): Uint8Array[] {
  const mode = random()
  if (mode < 0.1) return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)) // one byte per read
  const cuts = new Set<number>()
  const n = Math.floor(random() * Math.min(12, bytes.length + 1))
  for (let i = 0; i < n; i++) cuts.add(Math.floor(random() * (bytes.length + 1)))
  const sorted = [...cuts].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let prev = 0
  for (const c of sorted) {
    chunks.push(bytes.subarray(prev, c)) // may be empty: an empty read must change nothing
    prev = c
  }
  chunks.push(bytes.subarray(prev))
  return chunks
}

const SPLITS_PER_STREAM = 200

describe('properties: SSE decoder', () => {
  it(`never loses, duplicates or reorders an event across >= 100,000 random splittings with noise`, async () => {
    const encoder = new TextEncoder()
    await fc.assert(
      fc.asyncProperty(genStream, fc.integer(), async (s, seed) => {
        counts.sseStreams++
        const random = mulberry32(seed)
        const { text: body, expected } = serialise(s, random)
        const bytes = encoder.encode(body)
        // The whole body in one read first: the reference every splitting must match.
        expect(await decodeAll([bytes])).toEqual(expected)
        for (let k = 0; k < SPLITS_PER_STREAM; k++) {
          const chunks = randomSplit(bytes, random)
          const events = await decodeAll(chunks)
          counts.splittings++
          if (JSON.stringify(events) !== JSON.stringify(expected)) {
            expect(events, `splitting ${k} of seed ${seed}: ${JSON.stringify(chunks.map((c) => Buffer.from(c).toString('utf8')))}`).toEqual(expected)
          }
        }
      }),
      { numRuns: 520, seed: 4_100 },
    )
    expect(counts.splittings).toBeGreaterThanOrEqual(100_000)
  }, 120_000)

  it('never throws on arbitrary bytes or text (garbage in: events or nothing out)', async () => {
    const encoder = new TextEncoder()
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          fc.string({ unit: 'binary', maxLength: 300 }).map((t) => encoder.encode(t)),
          fc
            .array(fc.constantFrom('data:', 'data: {', '\r', '\n', '\r\n', ':', 'event:', 'id:\0', 'retry:x', '[DONE]', '\uFEFF', '{"error":1}', ' '), {
              maxLength: 40,
            })
            .map((p) => encoder.encode(p.join(''))),
        ),
        fc.integer(),
        async (bytes, seed) => {
          counts.garbageInputs++
          const events = await decodeAll(randomSplit(bytes, mulberry32(seed)))
          for (const ev of events) expect(typeof ev.data).toBe('string')
        },
      ),
      { numRuns: 3_000, seed: 4_200 },
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Response handling is total

const statuses = fc.constantFrom(200, 200, 200, 201, 204, 400, 401, 403, 404, 409, 418, 422, 429, 500, 502, 503)
const contentTypes = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/event-stream', 'text/html', 'text/plain', '')
const answer = arbitraryOf(google, 'GenerateContentResponse', { maxDepth: 6, maxItems: 2 })
const anyBody = fc.oneof(
  { weight: 3, arbitrary: answer.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        code: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.string({ maxLength: 4 })),
        msg: fc.string({ maxLength: 8 }),
        data: fc.oneof(fc.constant(null), answer),
      })
      .map((v) => JSON.stringify(v)),
  },
  { weight: 1, arbitrary: fc.record({ error: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })) }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
)

/** A client whose fetch answers from memory: thousands of responses without a socket. */
function memoryClient(provider: Provider, respond: () => Response): AnyClient {
  return createClient({
    provider,
    apiKey: 'local-gateway-key',
    baseUrl: 'http://gateway.invalid',
    maxRetries: 0,
    fetch: (async () => respond()) as typeof fetch,
  }) as unknown as AnyClient
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown }

/** Feeds one generated exchange to a provider's client, unary and stream. */
async function exchange(
  provider: Provider,
  status: number,
  type: string,
  body: string,
  events: string[],
): Promise<{ unary: Settled; stream: Settled; sseBody: string }> {
  counts.responses += 2
  const headers = type ? { 'content-type': type } : undefined
  const request = { model: MODEL, contents: [{ role: 'user' as const, parts: [{ text: 'hi' }] }] }
  const client = memoryClient(provider, () => new Response(status === 204 ? null : body, { status, headers }))
  let unary: Settled
  try {
    unary = { ok: true, value: await client.generateContent(request) }
  } catch (error) {
    unary = { ok: false, error }
  }
  const sseBody = events.map((e) => `data: ${e.replace(/[\r\n]/g, ' ')}\n\n`).join('')
  const streaming = memoryClient(provider, () => new Response(status === 204 ? null : sseBody, { status, headers: { 'content-type': 'text/event-stream' } }))
  const chunks: GenerateContentResponse[] = []
  let stream: Settled
  try {
    for await (const c of streaming.streamGenerateContent(request)) chunks.push(c)
    stream = { ok: true, value: chunks }
  } catch (error) {
    stream = { ok: false, error }
  }
  return { unary, stream, sseBody }
}

function expectTyped(label: string, result: Settled): void {
  if (result.ok) return
  const e = result.error as Error
  expect(e instanceof GeminiGatewayError, `${label}: threw ${e?.name}: ${e?.message}`).toBe(true)
}

/**
 * A verdict on the prompt: a block reason other than UNSPECIFIED, or a non-empty block message alone (the
 * client returns those: the recorded firebase response unary-failure-only-prompt-feedback.json is one).
 */
const verdict = (f: GenerateContentResponse['promptFeedback']) =>
  (f?.blockReason !== undefined && f.blockReason !== 'BLOCK_REASON_UNSPECIFIED') ||
  (typeof f?.blockReasonMessage === 'string' && f.blockReasonMessage.trim() !== '')
/** A prompt verdict or a candidate: what makes a unary answer an answer. */
const answers = (r: GenerateContentResponse | undefined) => (r?.candidates?.length ?? 0) > 0 || verdict(r?.promptFeedback)
/** A stream succeeds only once a final chunk (a finish reason or a verdict) has arrived. */
const finished = (chunks: GenerateContentResponse[]) =>
  chunks.some(
    (c) => verdict(c.promptFeedback) || (c.candidates ?? []).some((k) => k.finishReason !== undefined && k.finishReason !== 'FINISH_REASON_UNSPECIFIED'),
  )

const exchanges = fc.tuple(statuses, contentTypes, anyBody, fc.array(anyBody, { maxLength: 4 }))

describe('properties: response handling is total', () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: any status, content type and body ends in a value or a GeminiGatewayError, never another throw (unary and stream)`, async () => {
      await fc.assert(
        fc.asyncProperty(exchanges, async ([status, type, body, events]) => {
          const { unary, stream, sseBody } = await exchange(provider, status, type, body, events)
          expectTyped(`${provider} unary ${status} ${type} ${body.slice(0, 120)}`, unary)
          expectTyped(`${provider} stream ${status} ${sseBody.slice(0, 160)}`, stream)
        }),
        { numRuns: 300, seed: 4_300 + PROVIDERS.indexOf(provider) },
      )
    }, 60_000)

    it(`${provider}: a success is never empty (unary: a candidate or a block verdict; stream: a final chunk)`, async () => {
      await fc.assert(
        fc.asyncProperty(exchanges, async ([status, type, body, events]) => {
          const { unary, stream, sseBody } = await exchange(provider, status, type, body, events)
          if (unary.ok) expect(answers(unary.value as GenerateContentResponse), `${provider} unary: empty success ${body.slice(0, 200)}`).toBe(true)
          if (stream.ok)
            expect(finished(stream.value as GenerateContentResponse[]), `${provider} stream: success without a final chunk ${sseBody.slice(0, 200)}`).toBe(true)
        }),
        { numRuns: 300, seed: 4_400 + PROVIDERS.indexOf(provider) },
      )
    }, 60_000)
  }
})

describe('properties: process health', () => {
  it('no unhandled rejection or uncaught exception fired during the properties', () => {
    expect(crashes.events).toEqual([])
  })
})

afterAll(() => {
  crashes.stop()
  reportFigures('properties', [
    ['canonical requests generated', counts.requests],
    ['validator runs', counts.validatorRuns],
    ['nordlys round trips', counts.roundTrips],
    ['requests sent through the client to the gateway', counts.throughGateway],
    ['SSE streams generated', counts.sseStreams],
    ['SSE random splittings decoded', counts.splittings],
    ['garbage inputs fed to the SSE decoder', counts.garbageInputs],
    ['responses fed to the client (unary + stream)', counts.responses],
    ['fuzz cases in all', counts.requests + counts.splittings + counts.garbageInputs + counts.responses],
  ])
})
