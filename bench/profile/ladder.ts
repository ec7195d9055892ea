/**
 * Where our client's time goes over raw fetch: an ablation ladder, each rung adding one layer of what
 * src/core/client.ts and src/core/stream.ts do, timed interleaved against the same server as bench/request.ts
 * and bench/stream.ts; plus in-memory micro-timings of the per-call checks. Not part of `npm run bench`:
 *   npx tsx bench/profile/ladder.ts [unary] [stream] [micro]
 */
import { performance } from 'node:perf_hooks'
import { createParser } from 'eventsource-parser'
import createFetchClient from 'openapi-fetch'
import type { paths } from '../../generated/google/types.ts'
import * as request from '../../generated/google/validators/request.ts'
import * as response from '../../generated/google/validators/response.ts'
import { findBodyError } from '../../src/core/internal/body.ts'
import { sseEvents } from '../../src/core/sse.ts'
import { isFinalChunk } from '../../src/core/answer.ts'
import { streamChunks } from '../../src/core/stream.ts'
import { issuesOf } from '../../src/core/validate.ts'
import { createClient } from '../../src/index.ts'
import { googleDialect } from '../../src/providers/google.ts'
import { fmtRatio, fmtSpread, interleave, log, now, ratios, renderTable, startServer, summarize } from '../lib.ts'
import { unaryBody } from '../request.ts'
import { buildStream, STREAM_EVENTS } from '../stream.ts'

const MODEL = 'gemini-2.0-flash'
const KEY = 'k'
const body = { contents: [{ role: 'user', parts: [{ text: 'Who won the euro 2024?' }] }] }
const picked = process.argv.slice(2)
const want = (s: string) => picked.length === 0 || picked.includes(s)

const server = await startServer({ unary: unaryBody(), streamEvents: buildStream() })
const url = server.url
const endpoint = `${url}/v1beta/models/${MODEL}:generateContent`
const headers = { 'content-type': 'application/json', 'x-goog-api-key': KEY }

/** A minimal stand-in for `Request` (openapi-fetch's `Request` option): no body cloning, no signal following. */
class LightRequest {
  url: string
  method: string
  headers: Headers
  body: BodyInit | null
  signal: AbortSignal | undefined
  constructor(input: string, init: RequestInit) {
    this.url = input
    this.method = init.method ?? 'GET'
    this.headers = init.headers as Headers
    this.body = (init.body ?? null) as BodyInit | null
    this.signal = init.signal ?? undefined
  }
}
const lightFetch = (r: LightRequest) => fetch(r.url, { method: r.method, headers: r.headers, body: r.body, signal: r.signal ?? null })

function armed(): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), 60_000)
  return { signal: controller.signal, done: () => clearTimeout(timer) }
}

async function unaryLadder(): Promise<void> {
  const plain = createFetchClient<paths>({ baseUrl: url, headers: { 'x-goog-api-key': KEY } })
  const likeOurs = (light: boolean) => {
    const c = createFetchClient<paths>({
      baseUrl: url,
      headers: { 'x-goog-api-key': KEY },
      ...(light
        ? { Request: LightRequest as unknown as typeof Request, fetch: lightFetch as unknown as typeof fetch }
        : { fetch: (input: Request) => globalThis.fetch(input) }),
    })
    c.use({
      async onResponse({ response }) {
        return response.ok ? undefined : response
      },
    })
    return c
  }
  const ofLike = likeOurs(false)
  const ofLight = likeOurs(true)
  const ourOff = createClient({ provider: 'google', apiKey: KEY, baseUrl: url, responseValidation: 'off' })
  const ourOn = createClient({ provider: 'google', apiKey: KEY, baseUrl: url, responseValidation: 'tolerant' })
  const viaOpenapi = async (c: typeof ofLike) => {
    const a = armed()
    const r = await c.POST('/v1beta/models/{model}:generateContent', { params: { path: { model: MODEL } }, body, parseAs: 'stream', signal: a.signal })
    const text = await r.response.text()
    a.done()
    return JSON.parse(text)
  }
  const rungs = [
    {
      name: 'L0 raw fetch(url, init) + text() + JSON.parse',
      run: async () => JSON.parse(await (await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(body) })).text()),
    },
    {
      name: 'L1a + setTimeout/clearTimeout only (no signal)',
      run: async () => {
        const t = setTimeout(() => {}, 60_000)
        const r = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(body) })
        const x = await r.text()
        clearTimeout(t)
        return JSON.parse(x)
      },
    },
    {
      name: 'L1b + signal: AbortSignal.timeout(60 s) (no controller, no timer of ours)',
      run: async () => {
        const r = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) })
        return JSON.parse(await r.text())
      },
    },
    {
      name: 'L1 + AbortController, setTimeout/clearTimeout, signal',
      run: async () => {
        const a = armed()
        const r = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(body), signal: a.signal })
        const t = await r.text()
        a.done()
        return JSON.parse(t)
      },
    },
    {
      name: 'L2 + fetch(new Request(url, init)) instead of fetch(url, init)',
      run: async () => {
        const a = armed()
        const r = await fetch(new Request(endpoint, { method: 'POST', headers, body: JSON.stringify(body), signal: a.signal }))
        const t = await r.text()
        a.done()
        return JSON.parse(t)
      },
    },
    {
      name: 'L3 openapi-fetch plain POST (parseAs json)',
      run: async () => (await plain.POST('/v1beta/models/{model}:generateContent', { params: { path: { model: MODEL } }, body })).data,
    },
    { name: 'L4 openapi-fetch as ours uses it (fetch wrapper, middleware, parseAs stream, signal, timer)', run: () => viaOpenapi(ofLike) },
    { name: 'L4b = L4 with a light Request class + fetch(url, init) (openapi-fetch `Request`/`fetch` options)', run: () => viaOpenapi(ofLight) },
    { name: 'L5 ours, responseValidation off', run: () => ourOff.generateContent({ model: MODEL, ...body }) },
    { name: 'L6 ours, tolerant (what users get)', run: () => ourOn.generateContent({ model: MODEL, ...body }) },
  ]
  for (const r of rungs) await r.run()
  const rounds = Number(process.env.LADDER_ROUNDS ?? 20)
  const per = 200
  log(`unary ladder: ${rungs.length} rungs × ${rounds} rounds × ${per}`)
  const busy = new Map<string, number[]>(rungs.map((r) => [r.name, []]))
  const s = await interleave(rungs, { rounds, warmup: 2 }, async (r) => {
    const e0 = performance.eventLoopUtilization()
    const t0 = now()
    for (let i = 0; i < per; i++) await r.run()
    busy.get(r.name)!.push((performance.eventLoopUtilization(e0).active * 1000) / per)
    return ((now() - t0) * 1000) / per
  })
  for (const r of rungs) busy.get(r.name)!.splice(0, 2)
  const base = s.get(rungs[0]!.name)!
  const bbase = busy.get(rungs[0]!.name)!
  let prev = bbase
  console.log(
    renderTable({
      title: 'Unary ladder (µs per request; busy = main-thread event-loop active time; Δ per round)',
      headers: ['rung', 'wall µs median (p25–p75)', 'wall vs L0', 'busy µs median (p25–p75)', 'busy Δ vs previous rung', 'busy Δ vs L0'],
      rows: rungs.map((r) => {
        const v = s.get(r.name)!
        const b = busy.get(r.name)!
        const row = [
          r.name,
          fmtSpread(summarize(v), 1),
          fmtRatio(summarize(ratios(v, base))),
          fmtSpread(summarize(b), 1),
          fmtSpread(summarize(b.map((x, i) => x - prev[i]!)), 1),
          fmtSpread(summarize(b.map((x, i) => x - bbase[i]!)), 1),
        ]
        prev = b
        return row
      }),
    }),
  )
}

/** The stream as an in-memory body: one event per chunk (`perEvent`), or ~64 KB chunks like a burst read. */
function memoryBody(perEvent: boolean): ReadableStream<Uint8Array> {
  const enc = new TextEncoder()
  const events = buildStream()
  const chunks: Uint8Array[] = []
  if (perEvent) for (const e of events) chunks.push(enc.encode(e))
  else {
    const all = enc.encode(events.join(''))
    for (let i = 0; i < all.length; i += 65536) chunks.push(all.subarray(i, i + 65536))
  }
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!)
      else controller.close()
    },
  })
}

type Mode = 'mem-event' | 'mem-64k' | 'spaced'

async function streamLadder(): Promise<void> {
  const sse = { 'content-type': 'text/event-stream' }
  const open = (mode: Mode): Promise<Response> =>
    mode === 'spaced'
      ? fetch(`${url}/spaced/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, { method: 'POST', headers, body: JSON.stringify(body) })
      : Promise.resolve(new Response(memoryBody(mode === 'mem-event'), { headers: sse }))
  const checkSync = response.GenerateContentResponse as (v: unknown) => boolean
  const set = googleDialect.validators.response
  const count = (n: number) => {
    if (n !== STREAM_EVENTS) throw new Error(`got ${n} events`)
  }
  const viaChunks = async (mode: Mode, check: (c: unknown) => Promise<void> | undefined) => {
    const res = await open(mode)
    let n = 0
    for await (const _ of streamChunks({
      response: res,
      body: res.body,
      provider: 'google',
      secrets: [],
      signal: undefined,
      idleTimeout: { ms: 60_000, option: 'timeoutMs' },
      attempts: 1,
      baseUrl: url,
      abort: () => {},
      check,
      fromWire: undefined,
    }))
      n++
    count(n)
  }
  const clients = new Map<Mode, ReturnType<typeof createClient<'google'>>>()
  const client = (mode: Mode) => {
    let c = clients.get(mode)
    if (!c) {
      const custom = mode === 'spaced' ? {} : { fetch: (async () => open(mode)) as typeof fetch }
      c = createClient({ provider: 'google', apiKey: KEY, baseUrl: mode === 'spaced' ? `${url}/spaced` : url, responseValidation: 'tolerant', ...custom })
      clients.set(mode, c)
    }
    return c
  }
  const rungs = [
    {
      name: 'S0 createParser + JSON.parse (raw baseline)',
      run: async (mode: Mode) => {
        const res = await open(mode)
        let n = 0
        const parser = createParser({
          onEvent: (e) => {
            JSON.parse(e.data)
            n++
          },
        })
        const reader = res.body!.getReader()
        const dec = new TextDecoder()
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          parser.feed(dec.decode(value, { stream: true }))
        }
        count(n)
      },
    },
    {
      name: 'S1 sseEvents (src/core/sse.ts) + JSON.parse',
      run: async (mode: Mode) => {
        const res = await open(mode)
        let n = 0
        for await (const es of sseEvents(res.body!))
          for (const e of es) {
            JSON.parse(e.data)
            n++
          }
        count(n)
      },
    },
    {
      name: 'S2 S1 + a timestamp per read (what the idle timer reads)',
      run: async (mode: Mode) => {
        const res = await open(mode)
        let n = 0
        let last = 0
        for await (const es of sseEvents(res.body!)) {
          last = Date.now()
          for (const e of es) {
            JSON.parse(e.data)
            n++
          }
        }
        count(n + 0 * last)
      },
    },
    {
      name: 'S3 S2 + findBodyError + sync check + isFinalChunk',
      run: async (mode: Mode) => {
        const res = await open(mode)
        let n = 0
        let last = 0
        for await (const es of sseEvents(res.body!)) {
          last = Date.now()
          for (const e of es) {
            const c = JSON.parse(e.data)
            if (findBodyError(c) !== undefined) throw new Error('x')
            if (!checkSync(c)) throw new Error('invalid')
            isFinalChunk(c)
            n++
          }
        }
        count(n + 0 * last)
      },
    },
    { name: 'S4 streamChunks() generator, validate = no-op async', run: (mode: Mode) => viaChunks(mode, async () => {}) },
    {
      name: 'S5 streamChunks(), validate = await issuesOf() as client.ts does',
      run: (mode: Mode) =>
        viaChunks(mode, async (c) => {
          const i = await issuesOf(set, 'GenerateContentResponse', c)
          if (i.length) throw new Error('invalid')
        }),
    },
    {
      name: 'S6 client.streamGenerateContent (tolerant): + request, + yield* generator',
      run: async (mode: Mode) => {
        let n = 0
        for await (const _ of client(mode).streamGenerateContent({ model: MODEL, ...body })) n++
        count(n)
      },
    },
  ]
  const modes: { mode: Mode; label: string; rounds: number; per: number }[] = [
    { mode: 'mem-event', label: 'in memory, one event per read (wall = CPU)', rounds: Number(process.env.LADDER_ROUNDS ?? 15), per: 5 },
    { mode: 'mem-64k', label: 'in memory, 64 KB reads (wall = CPU)', rounds: Number(process.env.LADDER_ROUNDS ?? 15), per: 5 },
    { mode: 'spaced', label: 'network, one event per read (main-thread busy)', rounds: Number(process.env.LADDER_SPACED_ROUNDS ?? 5), per: 1 },
  ]
  for (const m of modes.filter((x) => picked.length <= 1 || picked.includes(x.mode))) {
    for (const r of rungs) await r.run(m.mode)
    log(`stream ladder (${m.mode}): ${rungs.length} rungs × ${m.rounds} rounds × ${m.per}`)
    const s = await interleave(rungs, { rounds: m.rounds, warmup: 2 }, async (r) => {
      const e0 = performance.eventLoopUtilization()
      const t0 = now()
      for (let i = 0; i < m.per; i++) await r.run(m.mode)
      const v = m.mode === 'spaced' ? performance.eventLoopUtilization(e0).active : now() - t0
      return (v * 1000) / m.per / STREAM_EVENTS // µs per event
    })
    const b = s.get(rungs[0]!.name)!
    let prev = b
    console.log(
      `\n${renderTable({
        title: `Stream ladder, ${m.label}: µs per event`,
        headers: ['rung', 'µs/event median (p25–p75)', 'vs S0', 'Δ vs previous rung'],
        rows: rungs.map((r) => {
          const v = s.get(r.name)!
          const row = [r.name, fmtSpread(summarize(v), 2), fmtRatio(summarize(ratios(v, b))), fmtSpread(summarize(v.map((x, i) => x - prev[i]!)), 2)]
          prev = v
          return row
        }),
      })}`,
    )
  }
}

function micro(): void {
  const text = unaryBody()
  const parsed = JSON.parse(text)
  const chunk = JSON.parse(buildStream(2)[0]!.slice(6))
  const reqCheck = request.generateContentRequest as (v: unknown) => boolean
  const resCheck = response.generateContentResponse200 as (v: unknown) => boolean
  const cases: [string, () => unknown][] = [
    ['JSON.parse(7.7 KB body) (for scale)', () => JSON.parse(text)],
    ['request check generateContentRequest(body)', () => reqCheck(body)],
    ['response check generateContentResponse200(7.7 KB body)', () => resCheck(parsed)],
    ['response check GenerateContentResponse(stream chunk)', () => response.GenerateContentResponse(chunk)],
    ['findBodyError(7.7 KB body) (what the client runs per answer)', () => findBodyError(parsed)],
    ['findBodyError(chunk) (what the stream runs per event)', () => findBodyError(chunk)],
    ['isFinalChunk(chunk)', () => isFinalChunk(chunk)],
    [
      'new Headers() + 3 set() (one mergeHeaders)',
      () => {
        const h = new Headers()
        h.set('content-type', 'application/json')
        h.set('x-goog-api-key', 'k')
        h.set('accept', '*/*')
        return h
      },
    ],
    [
      'new AbortController() + setTimeout + clearTimeout',
      () => {
        const c = new AbortController()
        clearTimeout(setTimeout(() => c.abort(), 60_000))
        return c
      },
    ],
    ['new Request(url, {method, headers, body})', () => new Request(endpoint, { method: 'POST', headers, body: '{"contents":[]}' })],
    ['new AbortController()', () => new AbortController()],
    [
      'new Request(url, {method, headers, body, signal})',
      () => new Request(endpoint, { method: 'POST', headers, body: '{"contents":[]}', signal: new AbortController().signal }),
    ],
    [
      'new Request(new Request(url, {..., signal})) (what fetch(request) does inside)',
      () => new Request(new Request(endpoint, { method: 'POST', headers, body: '{"contents":[]}', signal: new AbortController().signal })),
    ],
  ]
  const rows: string[][] = []
  for (const [name, fn] of cases) {
    const samples: number[] = []
    for (let r = 0; r < 15; r++) {
      const n = 2000
      const t0 = now()
      for (let i = 0; i < n; i++) fn()
      samples.push(((now() - t0) * 1e6) / n)
    }
    rows.push([name, fmtSpread(summarize(samples.slice(3)), 0)])
  }
  console.log(`\n${renderTable({ title: 'In-memory costs (ns per call)', headers: ['operation', 'ns median (p25–p75)'], rows })}`)
}

/** The async hop of issuesOf() (validate.ts) around a check that passes, against calling the check. */
async function microAsync(): Promise<void> {
  const chunk = JSON.parse(buildStream(2)[0]!.slice(6))
  const set = googleDialect.validators.response
  const check = response.GenerateContentResponse as (v: unknown) => boolean
  const samples: number[] = []
  const direct: number[] = []
  for (let r = 0; r < 15; r++) {
    const n = 20000
    let t0 = now()
    for (let i = 0; i < n; i++) await issuesOf(set, 'GenerateContentResponse', chunk)
    samples.push(((now() - t0) * 1e6) / n)
    t0 = now()
    for (let i = 0; i < n; i++) if (!check(chunk)) throw new Error('x')
    direct.push(((now() - t0) * 1e6) / n)
  }
  console.log(
    renderTable({
      headers: ['operation', 'ns median (p25–p75)'],
      rows: [
        ['await issuesOf(set, name, chunk) (validate.ts:19)', fmtSpread(summarize(samples.slice(3)), 0)],
        ['check(chunk) called directly', fmtSpread(summarize(direct.slice(3)), 0)],
      ],
    }),
  )
}

try {
  if (want('micro')) {
    micro()
    await microAsync()
  }
  if (want('unary')) await unaryLadder()
  if (want('stream')) await streamLadder()
} finally {
  await server.close()
}
