/**
 * Section 3: validation throughput over every GenerateContentResponse among the recordings (unary bodies and
 * stream events): our precompiled checks against Ajv (draft 2020) and zod built from the same bundled schema.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import * as esbuild from 'esbuild'
import { z } from 'zod'
import * as tolerant from '../generated/google/validators/response.ts'
import * as strict from '../generated/google/validators/response-strict.ts'
import { fixturesDir, fmt, fmtRatio, fmtSpread, interleave, log, now, quantile, ratios, root, sseData, summarize, type SectionResult } from './lib.ts'

type Json = Record<string, any>
type Variant = 'tolerant' | 'strict'

// ---------------------------------------------------------------------------
// the objects

export interface Sample {
  file: string
  value: unknown
}

function isResponse(v: unknown): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !('error' in v) && ('candidates' in v || 'promptFeedback' in v)
}

/** Every GenerateContentResponse in the recordings: unary bodies, SSE data events, recorded stream segments. */
export function loadResponses(): Sample[] {
  const out: Sample[] = []
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        walk(file)
        continue
      }
      const rel = path.relative(fixturesDir, file)
      const text = fs.readFileSync(file, 'utf8')
      let values: unknown[] = []
      if (entry.name.endsWith('.chunks.txt'))
        values = text
          .split(/\r?\n/)
          .map((l) => l.replace(/^data: ?/, ''))
          .filter(Boolean)
          .map(tryParse)
      else if (entry.name.endsWith('.txt')) values = sseData(text).map(tryParse)
      else if (entry.name.endsWith('.json')) {
        const v = tryParse(text)
        values = Array.isArray(v) ? v : [v]
      }
      for (const value of values) if (isResponse(value)) out.push({ file: rel, value })
    }
  }
  walk(fixturesDir)
  return out
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------
// schemas from generated/google/openapi.json, with the generator's variant rule

const REF = '#/components/schemas/'
const bundled = () => JSON.parse(fs.readFileSync(path.join(root, 'generated/google/openapi.json'), 'utf8')) as { components: { schemas: Record<string, Json> } }

/** The tolerant variant drops string enums (as scripts/lib/validator-emit.ts does); strict keeps them. */
function dropsEnum(node: Json, variant: Variant): boolean {
  return variant === 'tolerant' && Array.isArray(node.enum) && (node.type === 'string' || (Array.isArray(node.type) && node.type.includes('string')))
}

/** Components rewritten for Ajv: `$ref`s to `#/$defs/X`; the tolerant variant without string enums. */
export function ajvSchema(variant: Variant, name = 'GenerateContentResponse'): Json {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite)
    if (!node || typeof node !== 'object') return node
    const out: Json = {}
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF)) out.$ref = `#/$defs/${v.slice(REF.length)}`
      else if (k === 'enum' && dropsEnum(node as Json, variant)) continue
      else if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, rewrite(s)]))
      else out[k] = rewrite(v)
    }
    return out
  }
  const schemas = bundled().components.schemas
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', $defs: rewrite(schemas), $ref: `#/$defs/${name}` }
}

export function compileAjv(variant: Variant): (v: unknown) => boolean {
  // validateFormats: false because the precompiled checks drop `format` too (they would need run-time code).
  const ajv = new Ajv2020({ strict: false, validateFormats: false })
  return ajv.compile(ajvSchema(variant)) as (v: unknown) => boolean
}

/**
 * A zod schema generated from the same components with the same checks: objects are loose (unknown keys
 * pass), properties optional unless required, `integer` → z.int(), string enums per variant, refs lazy.
 */
export function buildZod(variant: Variant, name = 'GenerateContentResponse'): z.ZodType {
  const schemas = bundled().components.schemas
  const built = new Map<string, z.ZodType>()
  const ref = (n: string): z.ZodType => {
    let s = built.get(n)
    if (!s) {
      s = z.lazy(() => real.get(n)!)
      built.set(n, s)
    }
    return s
  }
  const real = new Map<string, z.ZodType>()
  const one = (node: Json, type: string): z.ZodType => {
    switch (type) {
      case 'string':
        return Array.isArray(node.enum) && !dropsEnum(node, variant) ? z.enum(node.enum as [string, ...string[]]) : z.string()
      case 'integer':
        return bound(z.int(), node)
      case 'number':
        return bound(z.number(), node)
      case 'boolean':
        return z.boolean()
      case 'array': {
        let a = z.array(node.items ? conv(node.items) : z.unknown())
        if (typeof node.minItems === 'number') a = a.min(node.minItems)
        if (typeof node.maxItems === 'number') a = a.max(node.maxItems)
        return a
      }
      case 'object': {
        const required = new Set<string>(node.required ?? [])
        const shape: Record<string, z.ZodType> = {}
        for (const [p, s] of Object.entries((node.properties ?? {}) as Record<string, Json>)) shape[p] = required.has(p) ? conv(s) : conv(s).optional()
        const ap = node.additionalProperties
        if (ap === false) return z.strictObject(shape)
        if (ap && typeof ap === 'object') return z.object(shape).catchall(conv(ap))
        return z.looseObject(shape)
      }
      default:
        return z.unknown()
    }
  }
  const bound = (n: z.ZodNumber, node: Json): z.ZodNumber => {
    let s = n
    if (typeof node.minimum === 'number') s = s.min(node.minimum)
    if (typeof node.maximum === 'number') s = s.max(node.maximum)
    return s
  }
  const conv = (node: Json): z.ZodType => {
    if (typeof node.$ref === 'string') return ref(node.$ref.slice(REF.length))
    const type = node.type ?? (node.properties ? 'object' : undefined)
    if (Array.isArray(type)) return z.union(type.map((t: string) => one(node, t)) as [z.ZodType, z.ZodType, ...z.ZodType[]])
    return one(node, type)
  }
  for (const [n, s] of Object.entries(schemas)) real.set(n, conv(s))
  return real.get(name)!
}

// ---------------------------------------------------------------------------

/** Import time of a precompiled validators module in a fresh node process (median ms), bundled to .mjs first. */
function importTimes(file: string, runs = 7): number[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-validators-'))
  try {
    const out = path.join(dir, 'validators.mjs')
    esbuild.buildSync({ entryPoints: [path.join(root, file)], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'silent' })
    const script = `const t=performance.now();await import(${JSON.stringify(`file://${out}`)});process.stdout.write(String(performance.now()-t))`
    const times: number[] = []
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
      if (r.status !== 0) throw new Error(r.stderr)
      times.push(Number(r.stdout))
    }
    return times
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function timeMany(fn: () => unknown, runs: number): { first: number; rest: number[] } {
  let t0 = now()
  fn()
  const first = now() - t0
  const rest: number[] = []
  for (let i = 0; i < runs; i++) {
    t0 = now()
    fn()
    rest.push(now() - t0)
  }
  return { first, rest }
}

interface Contender {
  name: string
  variant: Variant
  check: (v: unknown) => boolean
}

function makeContenders(): Contender[] {
  const zodTol = buildZod('tolerant')
  const zodStrict = buildZod('strict')
  return [
    { name: 'ours: precompiled response (tolerant)', variant: 'tolerant', check: tolerant.GenerateContentResponse as (v: unknown) => boolean },
    { name: 'Ajv 2020 (tolerant schema)', variant: 'tolerant', check: compileAjv('tolerant') },
    { name: 'zod 4 (tolerant schema)', variant: 'tolerant', check: (v: unknown) => zodTol.safeParse(v).success },
    { name: 'ours: precompiled response-strict', variant: 'strict', check: strict.GenerateContentResponse as (v: unknown) => boolean },
    { name: 'Ajv 2020 (strict schema = bundle as is)', variant: 'strict', check: compileAjv('strict') },
    { name: 'zod 4 (strict schema)', variant: 'strict', check: (v: unknown) => zodStrict.safeParse(v).success },
  ]
}

/** Objects per second, one sample per round per validator, blocks of about blockMs, interleaved. */
async function measure(contenders: Contender[], values: unknown[], rounds: number, blockMs: number): Promise<Record<string, number[]>> {
  const reps = new Map<string, number>()
  for (const c of contenders) {
    let n = 1
    for (;;) {
      const t = now()
      for (let r = 0; r < n; r++) for (const v of values) c.check(v)
      const dt = now() - t
      if (dt > blockMs / 4 || n > 1e5) {
        reps.set(c.name, Math.max(1, Math.round((n * blockMs) / Math.max(dt, 0.01))))
        break
      }
      n *= 2
    }
  }
  let sink = 0
  const perSec = await interleave(contenders, { rounds, warmup: 2 }, async (c) => {
    const n = reps.get(c.name)!
    const t = now()
    for (let r = 0; r < n; r++) for (const v of values) if (c.check(v)) sink++
    return (n * values.length) / ((now() - t) / 1000)
  })
  if (sink < 0) log('')
  return Object.fromEntries(perSec)
}

const CHILD_FLAG = '--validation-child'

/**
 * JIT decisions differ from one process to the next (we saw Ajv move by 20% between runs while the spread
 * within a run stayed a few %), so the throughput rounds run in several fresh processes and are pooled.
 */
function measureInProcesses(processes: number, rounds: number, blockMs: number): { pooled: Record<string, number[]>; perProcess: Record<string, number[]>[] } {
  const perProcess: Record<string, number[]>[] = []
  for (let i = 0; i < processes; i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, CHILD_FLAG, String(rounds), String(blockMs)], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    })
    if (r.status !== 0) throw new Error(`validation child failed: ${r.stderr}`)
    perProcess.push(JSON.parse(r.stdout) as Record<string, number[]>)
  }
  const pooled: Record<string, number[]> = {}
  for (const p of perProcess) {
    for (const [k, v] of Object.entries(p)) {
      const samples = pooled[k] ?? []
      samples.push(...v)
      pooled[k] = samples
    }
  }
  return { pooled, perProcess }
}

export async function runValidation(opts: { rounds?: number; processes?: number; blockMs?: number } = {}): Promise<SectionResult> {
  const rounds = opts.rounds ?? Number(process.env.BENCH_VALIDATION_ROUNDS ?? 8)
  const processes = opts.processes ?? Number(process.env.BENCH_VALIDATION_PROCESSES ?? 3)
  const blockMs = opts.blockMs ?? 40
  const samples = loadResponses()
  const values = samples.map((s) => s.value)
  const files = new Set(samples.map((s) => s.file))
  const bytes = values.reduce<number>((n, v) => n + JSON.stringify(v).length, 0)

  // compile / build times (the first one in this process is the cold one)
  const ajvT = { tolerant: timeMany(() => compileAjv('tolerant'), 5), strict: timeMany(() => compileAjv('strict'), 5) }
  const zodBuild = timeMany(() => buildZod('tolerant'), 5)
  const zodTol = buildZod('tolerant')
  const t0 = now()
  for (const v of values) zodTol.safeParse(v)
  const zodFirstPass = now() - t0 // includes zod's lazy JIT of each object schema
  const importOurs = importTimes('generated/google/validators/response.ts')
  const importStrict = importTimes('generated/google/validators/response-strict.ts')
  const contenders = makeContenders()

  // Honesty check: every validator must reach the same verdict on every object.
  const verdicts = contenders.map((c) => values.map((v) => c.check(v)))
  const disagreements: string[] = []
  for (const variant of ['tolerant', 'strict'] as const) {
    const idx = contenders.map((c, i) => (c.variant === variant ? i : -1)).filter((i) => i >= 0)
    values.forEach((_, j) => {
      const vs = idx.map((i) => verdicts[i]![j])
      if (vs.some((x) => x !== vs[0]))
        disagreements.push(`${variant}: ${samples[j]!.file}: ${idx.map((i, k) => `${contenders[i]!.name.split(' ')[0]}=${vs[k]}`).join(' ')}`)
    })
  }
  const passes = contenders.map((_, i) => verdicts[i]!.filter(Boolean).length)

  log(
    `validation: ${values.length} objects from ${files.size} files, ${contenders.length} validators × ${rounds} rounds (~${blockMs} ms blocks) in ${processes} fresh processes`,
  )
  const { pooled, perProcess } = measureInProcesses(processes, rounds, blockMs)
  const perSec = new Map(Object.entries(pooled))
  const processRatios = (a: string, b: string) => perProcess.map((p) => `${summarize(ratios(p[a]!, p[b]!)).median.toFixed(2)}x`).join(', ')

  const rows = contenders.map((c, i) => {
    const s = perSec.get(c.name)!
    const ajv = perSec.get(contenders.find((d) => d.variant === c.variant && d.name.startsWith('Ajv'))!.name)!
    return [c.name, fmtSpread(summarize(s.map((x) => x / 1000)), 1), fmtRatio(summarize(ratios(s, ajv))), `${passes[i]}/${values.length}`]
  })
  const setup = [
    [
      'ours: response.ts (tolerant)',
      '0 (precompiled)',
      `${fmt(quantile(importOurs, 0.5), 2)} ms import in a fresh node (p25–p75 ${fmt(quantile(importOurs, 0.25), 2)}–${fmt(quantile(importOurs, 0.75), 2)})`,
    ],
    ['ours: response-strict.ts', '0 (precompiled)', `${fmt(quantile(importStrict, 0.5), 2)} ms import in a fresh node`],
    [
      'Ajv 2020, tolerant: new Ajv + compile',
      `${fmt(ajvT.tolerant.first, 1)} ms first, ${fmt(quantile(ajvT.tolerant.rest, 0.5), 1)} ms median of 5 more`,
      'in this process',
    ],
    [
      'Ajv 2020, strict: new Ajv + compile',
      `${fmt(ajvT.strict.first, 1)} ms first, ${fmt(quantile(ajvT.strict.rest, 0.5), 1)} ms median of 5 more`,
      'in this process',
    ],
    [
      'zod 4: build the schema',
      `${fmt(zodBuild.first, 1)} ms first, ${fmt(quantile(zodBuild.rest, 0.5), 1)} ms median of 5 more`,
      `+ ${fmt(zodFirstPass, 1)} ms for the first pass over all objects (zod JIT-compiles each object schema on first use)`,
    ],
  ]
  const tol = summarize(ratios(perSec.get(contenders[0]!.name)!, perSec.get(contenders[1]!.name)!))
  const str = summarize(ratios(perSec.get(contenders[3]!.name)!, perSec.get(contenders[4]!.name)!))
  return {
    name: 'validation',
    title: '3. Validation throughput (GenerateContentResponse, real recordings)',
    tables: [
      { headers: ['validator', 'thousand objects/s median (p25–p75)', 'vs Ajv (same variant)', 'pass'], rows },
      { title: 'Set-up cost at run time', headers: ['validator', 'compile / build', 'notes'], rows: setup },
    ],
    targets: [
      {
        label: '3. ours (tolerant) ≥ 1.3x Ajv',
        met: tol.median >= 1.3,
        detail: `${tol.median.toFixed(2)}x (p25–p75 ${tol.p25.toFixed(2)}–${tol.p75.toFixed(2)})`,
      },
      {
        label: '3. ours (strict) ≥ 1.3x Ajv',
        met: str.median >= 1.3,
        detail: `${str.median.toFixed(2)}x (p25–p75 ${str.p25.toFixed(2)}–${str.p75.toFixed(2)})`,
      },
    ],
    notes: [
      `${values.length} GenerateContentResponse objects (${fmt(bytes / 1024, 1)} KB as JSON) from ${files.size} recording files: unary bodies, SSE data events and js-genai stream segments; error bodies, model lists and token counts excluded.`,
      "Ajv (ajv/dist/2020, strict: false, validateFormats: false) and zod are built from generated/google/openapi.json components with the generator's rule: tolerant drops string enums, strict keeps them; `format` is not checked by any of the three. zod: loose objects, z.int() for integer, lazy refs, safeParse.",
      disagreements.length
        ? `Verdicts DISAGREE on ${disagreements.length} object(s): ${disagreements.slice(0, 5).join('; ')}`
        : 'All validators of a variant reach the same verdict on every object.',
      `Blocks of ~${blockMs} ms per validator, ${rounds} rounds interleaved after 2 warm-up rounds, in each of ${processes} fresh node processes (JIT outcomes differ between processes more than between rounds); ratios per round, pooled. Per-process medians, ours/Ajv: tolerant ${processRatios(contenders[0]!.name, contenders[1]!.name)}; strict ${processRatios(contenders[3]!.name, contenders[4]!.name)}.`,
    ],
  }
}

if (process.argv.includes(CHILD_FLAG) && process.argv[1] === import.meta.filename) {
  const i = process.argv.indexOf(CHILD_FLAG)
  const values = loadResponses().map((x) => x.value)
  const result = await measure(makeContenders(), values, Number(process.argv[i + 1]), Number(process.argv[i + 2]))
  process.stdout.write(JSON.stringify(result))
}
