/**
 * Section 1: per-request cost against a local server answering one recorded body. One request in flight at a
 * time, so the figure is the client's overhead per call plus the same loopback round trip for everyone.
 */
import { GoogleGenAI } from '@google/genai'
import createFetchClient from 'openapi-fetch'
import type { paths } from '../generated/google/types.ts'
import { createClient, providers, type Provider } from '../src/index.ts'
import { fmtRatio, fmtSpread, interleave, kb, log, now, ratios, readFixture, sseData, startServer, summarize, type SectionResult } from './lib.ts'

export const UNARY_FIXTURE = process.env.BENCH_UNARY ?? 'firebase-vertexai-sdk-test-data/unary-success-google-search-grounding.json'
const MODEL = 'gemini-2.0-flash'
const KEY = 'bench-key'
const PROMPT = 'Who won the euro 2024?'
const requestBody = { contents: [{ role: 'user', parts: [{ text: PROMPT }] }] }

interface Unary {
  name: string
  kind: 'ours' | 'baseline' | 'diagnostic'
  call: () => Promise<unknown>
}

/** Every contender, each answering with the parsed response body (checked once before timing). */
export function unaryContenders(url: string): Unary[] {
  const ours = providers.map((p: Provider): Unary => {
    const client = createClient({ provider: p, apiKey: KEY, baseUrl: url, responseValidation: 'tolerant' })
    return { name: `ours: ${p}`, kind: 'ours', call: () => client.generateContent({ model: MODEL, ...requestBody }) }
  })
  const off = createClient({ provider: 'google', apiKey: KEY, baseUrl: url, responseValidation: 'off' })
  const withMiddleware = createClient({ provider: 'google', apiKey: KEY, baseUrl: url, responseValidation: 'tolerant' })
  withMiddleware.use({ onRequest: () => undefined })
  const plain = createFetchClient<paths>({ baseUrl: url, headers: { 'x-goog-api-key': KEY } })
  const genai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: url, apiVersion: 'v1beta' } })
  const endpoint = `${url}/v1beta/models/${MODEL}:generateContent`
  return [
    {
      name: 'raw fetch + JSON.parse',
      kind: 'baseline',
      call: async () => {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY },
          body: JSON.stringify(requestBody),
        })
        if (!res.ok) throw new Error(`HTTP ${res.status}`)
        return JSON.parse(await res.text())
      },
    },
    ...ours,
    {
      name: 'openapi-fetch (plain createClient<paths>)',
      kind: 'baseline',
      call: async () => {
        const { data, error } = await plain.POST('/v1beta/models/{model}:generateContent', { params: { path: { model: MODEL } }, body: requestBody })
        if (error !== undefined) throw new Error('error response')
        return data
      },
    },
    {
      name: '@google/genai generateContent',
      kind: 'baseline',
      call: () => genai.models.generateContent({ model: MODEL, contents: PROMPT }),
    },
    { name: 'diag: ours google, validation off', kind: 'diagnostic', call: () => off.generateContent({ model: MODEL, ...requestBody }) },
    // Middleware makes openapi-fetch build a standard Request (its documented path); without any, a plain WireRequest.
    { name: 'diag: ours google, one no-op middleware', kind: 'diagnostic', call: () => withMiddleware.generateContent({ model: MODEL, ...requestBody }) },
  ]
}

export function unaryBody(): string {
  return readFixture(UNARY_FIXTURE)
}

/** A minimal stream for servers that only need to answer unary requests here. */
export function smallStream(): string[] {
  return sseData(readFixture('firebase-vertexai-sdk-test-data/streaming-success-basic-reply-short.txt')).map((d) => `data: ${d}\r\n\r\n`)
}

export async function runRequest(opts: { rounds?: number; perRound?: number; warmup?: number } = {}): Promise<SectionResult> {
  const rounds = opts.rounds ?? Number(process.env.BENCH_ROUNDS ?? 20)
  const perRound = opts.perRound ?? 200
  const warmup = opts.warmup ?? 2
  const body = unaryBody()
  const server = await startServer({ unary: body, streamEvents: smallStream() })
  try {
    const contenders = unaryContenders(server.url)
    // Sanity: everyone gets the same answer text.
    const expected = (JSON.parse(body) as { candidates: { content: { parts: { text: string }[] } }[] }).candidates[0]!.content.parts[0]!.text
    for (const c of contenders) {
      const r = (await c.call()) as { candidates?: { content?: { parts?: { text?: string }[] } }[] }
      if (r?.candidates?.[0]?.content?.parts?.[0]?.text !== expected) throw new Error(`${c.name}: unexpected answer`)
    }
    log(`request: ${contenders.length} contenders × ${rounds} rounds × ${perRound} sequential requests (${kb(Buffer.byteLength(body))} body)`)
    const samples = await interleave(contenders, { rounds, warmup }, async (c) => {
      const t0 = now()
      for (let i = 0; i < perRound; i++) await c.call()
      return ((now() - t0) * 1000) / perRound // µs per request
    })
    const raw = samples.get('raw fetch + JSON.parse')!
    const rows = contenders.map((c) => {
      const s = samples.get(c.name)!
      return [
        c.name,
        fmtSpread(summarize(s), 1),
        c.name.startsWith('raw') ? '1.00x' : fmtRatio(summarize(ratios(s, raw))),
        fmtSpread(summarize(s.map((v, i) => v - raw[i]!)), 1),
      ]
    })
    const genai = samples.get('@google/genai generateContent')!
    // Issue 18: at most 1.05x raw fetch, and below the official SDK in the same run (ratios per round).
    const targets = contenders
      .filter((c) => c.kind === 'ours')
      .map((c) => {
        const r = summarize(ratios(samples.get(c.name)!, raw))
        const g = summarize(ratios(samples.get(c.name)!, genai))
        return {
          label: `1. ${c.name} ≤ 1.05x raw fetch and below @google/genai`,
          met: r.median <= 1.05 && g.median < 1,
          detail: `${r.median.toFixed(2)}x raw fetch (p25–p75 ${r.p25.toFixed(2)}–${r.p75.toFixed(2)}); ${g.median.toFixed(2)}x @google/genai (${g.p25.toFixed(2)}–${g.p75.toFixed(2)})`,
        }
      })
    return {
      name: 'request',
      title: '1. Per request (unary generateContent, sequential, local server)',
      tables: [{ headers: ['contender', 'µs/request median (p25–p75)', 'vs raw fetch (per-round ratio)', 'µs over raw fetch'], rows }],
      targets,
      notes: [
        `Body: ${UNARY_FIXTURE} (${kb(Buffer.byteLength(body))}), answered by a node:http server in a worker thread over keep-alive loopback; ${rounds} rounds × ${perRound} requests per contender after ${warmup} warm-up rounds, contenders interleaved with the order rotated per round. Ratios are per round, then the median.`,
        'Ours: createClient({ provider, responseValidation: "tolerant" }) for each provider (apimart gets the bare body; nordlys sends its snake_case wire request). "diag" rows are not contenders: they show how much of our cost is validation, and what a registered middleware costs (openapi-fetch then builds a standard Request, as its middleware expects).',
      ],
    }
  } finally {
    await server.close()
  }
}
