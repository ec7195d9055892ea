/**
 * Shared helpers for `npm run bench`: timing and statistics, table printing, the recorded fixtures, and a
 * minimal HTTP server (in a worker thread, so that its work never shares the event loop being timed) that
 * answers fixed recorded bodies.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'

export const root = path.resolve(import.meta.dirname, '..')
/** The recordings (see SOURCES.md there). */
export const fixturesDir = process.env.BENCH_FIXTURES ?? path.resolve(root, '../shared/fixtures/real')

export const now = (): number => performance.now()

// ---------------------------------------------------------------------------
// statistics

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo)
}

export interface Summary {
  median: number
  p25: number
  p75: number
  n: number
}

export function summarize(values: readonly number[]): Summary {
  return { median: quantile(values, 0.5), p25: quantile(values, 0.25), p75: quantile(values, 0.75), n: values.length }
}

/** Element-wise a[i] / b[i]: ratios taken within one round cancel the machine's drift between rounds. */
export function ratios(a: readonly number[], b: readonly number[]): number[] {
  return a.map((x, i) => x / b[i]!)
}

// ---------------------------------------------------------------------------
// formatting

export function fmt(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return 'n/a'
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US')
  if (Math.abs(value) >= 100) return value.toFixed(Math.max(0, digits - 2))
  if (Math.abs(value) >= 10) return value.toFixed(Math.max(0, digits - 1))
  return value.toFixed(digits)
}

/** `median (p25–p75)` */
export function fmtSpread(s: Summary, digits = 2): string {
  return `${fmt(s.median, digits)} (${fmt(s.p25, digits)}–${fmt(s.p75, digits)})`
}

export function fmtRatio(s: Summary): string {
  return `${s.median.toFixed(2)}x (${s.p25.toFixed(2)}–${s.p75.toFixed(2)})`
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`

export interface Table {
  title?: string
  headers: string[]
  rows: string[][]
}

/** A Markdown table, padded so it also reads well on a terminal. */
export function renderTable(t: Table): string {
  const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  const out = [line(t.headers), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...t.rows.map(line)]
  return (t.title ? `${t.title}\n\n` : '') + out.join('\n')
}

export interface Target {
  label: string
  met: boolean
  detail: string
}

/** What a section hands back to run.ts for printing and for bench/RESULTS.md. */
export interface SectionResult {
  name: string
  title: string
  tables: Table[]
  targets: Target[]
  notes: string[]
  seconds?: number
}

export function targetLine(t: Target): string {
  return `${t.met ? 'MET    ' : 'NOT MET'}  ${t.label}: ${t.detail}`
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`)
}

// ---------------------------------------------------------------------------
// machine

export function machine(): { cpu: string; cores: number; node: string; os: string; load: string } {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  }
}

// ---------------------------------------------------------------------------
// running contenders

export interface Contender {
  name: string
  run: () => Promise<unknown>
}

/**
 * Interleaved rounds: every round runs each contender's `block` once, in an order rotated per round so no
 * contender always goes first. Returns, per contender, one sample per round (whatever `block` returns).
 */
export async function interleave<C extends { name: string }>(
  contenders: readonly C[],
  opts: { rounds: number; warmup: number },
  block: (c: C) => Promise<number>,
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]))
  for (let r = 0; r < opts.warmup + opts.rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + r) % contenders.length]!
      const value = await block(c)
      if (r >= opts.warmup) samples.get(c.name)!.push(value)
    }
  }
  return samples
}

// ---------------------------------------------------------------------------
// fixtures

export function readFixture(rel: string): string {
  return fs.readFileSync(path.join(fixturesDir, rel), 'utf8')
}

/** The `data:` payloads of an SSE body (LF or CRLF framing); other lines are dropped. */
export function sseData(text: string): string[] {
  return text
    .split(/\r\n\r\n|\n\n|\r\r/)
    .map((block) =>
      block
        .split(/\r\n|\n|\r/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n'),
    )
    .filter((d) => d.length > 0)
}

// ---------------------------------------------------------------------------
// the local server

export interface ServerBodies {
  /** Answer to any POST whose path ends in `:generateContent` (and `:{method}` routes resolved to it). */
  unary: string
  /** The SSE events (full wire text of each, `data: ...\r\n\r\n`), answered to `:streamGenerateContent`. */
  streamEvents: string[]
}

/** Gap between events under `/spaced`: long enough that each event reaches the client as its own read. */
export const SPACING_MS = 0.25

export interface BenchServer {
  url: string
  close: () => Promise<void>
}

/**
 * The server runs in a worker thread: the main thread's event loop then only carries the client being timed
 * (and CPU profiles show only the client). Streams: under `/burst` the whole body goes in one write; under
 * `/spaced` each event is its own write followed by a SPACING_MS pause (one event per client read, like a
 * model emitting tokens); otherwise each event is its own write, one setImmediate apart (reads coalesce a few).
 */
// biome-ignore lint/complexity/noUselessStringRaw: the worker's source, raw so a backslash added to it one day reaches the worker as written
const serverSource = String.raw`
const http = require('node:http')
const { parentPort, workerData } = require('node:worker_threads')
const unary = Buffer.from(workerData.unary)
const events = workerData.streamEvents.map((e) => Buffer.from(e))
const whole = Buffer.concat(events)
const tick = () => new Promise((resolve) => setImmediate(resolve))
const nextTick = () => new Promise((resolve) => process.nextTick(resolve))
const sleeper = new Int32Array(new SharedArrayBuffer(4))
const SPACING_MS = workerData.spacingMs
const server = http.createServer((req, res) => {
  req.resume()
  req.on('end', async () => {
    const url = req.url || ''
    if (url.includes(':streamGenerateContent') || url.includes('streamGenerateContent?')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      if (url.startsWith('/burst')) { res.end(whole); return }
      if (url.startsWith('/spaced')) {
        // http corks the socket until the next tick: let that tick run so the event leaves, then sleep
        // without burning CPU (the worker has nothing else to do).
        for (const e of events) { res.write(e); await nextTick(); Atomics.wait(sleeper, 0, 0, SPACING_MS) }
        res.end()
        return
      }
      for (const e of events) { res.write(e); await tick() }
      res.end()
      return
    }
    if (req.method === 'POST') {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'content-length': unary.length })
      res.end(unary)
      return
    }
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end('{"error":{"code":404,"message":"not found","status":"NOT_FOUND"}}')
  })
})
server.keepAliveTimeout = 120000
server.headersTimeout = 121000
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port))
parentPort.on('message', (m) => { if (m === 'close') { server.closeAllConnections(); server.close(() => parentPort.postMessage('closed')) } })
`

export async function startServer(bodies: ServerBodies): Promise<BenchServer> {
  const worker = new Worker(serverSource, { eval: true, workerData: { spacingMs: SPACING_MS, ...bodies } })
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => worker.once('message', () => resolve()))
      worker.postMessage('close')
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))])
      await worker.terminate()
    },
  }
}

/** Consumes a response body whole, so that the connection goes back to the pool. */
export async function drain(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (!body) return
  const reader = body.getReader()
  while (!(await reader.read()).done) {
    /* discard */
  }
}
