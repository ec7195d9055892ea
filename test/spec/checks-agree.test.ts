// The checks emitted by scripts/lib/check-emit.ts must mean what TypeBox's compiler means for the same
// schemas: both run on every recording and on thousands of deterministic mutations of them.
import { readFileSync, readdirSync } from 'node:fs'
import { Build } from 'typebox/schema'
import { describe, expect, it } from 'vitest'
import { PROVIDERS, REAL, parseRecording, schemaFor, walk } from './helpers.ts'
import { mulberry32 } from '../support/random.ts'

const VARIANTS = ['request', 'response', 'response-strict'] as const

const REPLACEMENTS: unknown[] = [42, 1.5, 'text', '', null, true, [], {}, [1], { zz: 1 }, 'NEW_ENUM_VALUE', 'STOP', -1]

/** Paths to every value inside `value`. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix)
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      paths(v, [...prefix, i], out)
    })
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out)
  }
  return out
}

/** `count` copies of `value`, each with one value replaced, one key added or one key removed. */
function mutations(value: unknown, count: number, random: () => number): unknown[] {
  const all = paths(value)
  const out: unknown[] = []
  for (let i = 0; i < count; i++) {
    const copy = structuredClone(value) as any
    const path = all[Math.floor(random() * all.length)]!
    const parent = path.slice(0, -1).reduce((o: any, k) => o[k], copy)
    const last = path[path.length - 1]
    const kind = random()
    if (path.length === 0) out.push(REPLACEMENTS[Math.floor(random() * REPLACEMENTS.length)])
    else if (kind < 0.6) {
      parent[last!] = structuredClone(REPLACEMENTS[Math.floor(random() * REPLACEMENTS.length)])
      out.push(copy)
    } else if (kind < 0.8 && parent && typeof parent === 'object' && !Array.isArray(parent)) {
      delete parent[last!]
      out.push(copy)
    } else {
      const target = path.reduce((o: any, k) => o[k], copy)
      if (target && typeof target === 'object' && !Array.isArray(target)) target.unexpectedKey = 1
      else parent[last!] = { unexpectedKey: 1 }
      out.push(copy)
    }
  }
  return out
}

const SEEDS = new URL('../fixtures/seeds/', import.meta.url)
const requests = readdirSync(SEEDS)
  .filter((f) => f.endsWith('.request.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, SEEDS), 'utf8')))
requests.push({
  contents: [{ role: 'user', parts: [{ text: 'hi' }, { inlineData: { mimeType: 'image/png', data: 'AA==' } }] }],
  generationConfig: { temperature: 0.2, thinkingConfig: { includeThoughts: true } },
})

const recordings = walk(REAL)
  .filter((f) => f !== 'SOURCES.md')
  .flatMap((file) => parseRecording(file).map((body) => ({ file, body, schema: schemaFor(body) })))

describe.each(PROVIDERS)('%s: emitted checks agree with TypeBox', (provider) => {
  it.each(VARIANTS)(
    '%s',
    async (variant) => {
      const emitted: Record<string, (v: unknown) => boolean> = await import(`../../generated/${provider}/validators/${variant}.ts`)
      const { default: context } = await import(`../../generated/${provider}/validators/${variant}-schemas.ts`)
      const random = mulberry32(provider.length * 31 + variant.length)
      let compared = 0
      let rejected = 0
      for (const name of Object.keys(emitted).sort()) {
        const oracle = Build(context, { $ref: name } as any).Evaluate()
        // Inputs: requests (seed examples) for the request variant; for responses the recordings that claim this
        // schema (or a few, for names no recording claims); and mutations of them.
        const own = recordings.filter((r) => r.schema === name)
        const base = variant === 'request' ? requests : (own.length ? own : recordings.slice(0, 8)).map((r) => r.body)
        const perBase = variant === 'request' ? 60 : 12
        for (const value of [...base, ...base.flatMap((b) => mutations(b, perBase, random))]) {
          const ours = emitted[name]!(value)
          if (ours !== oracle.Check(value)) expect.fail(`${variant}.${name} disagrees with TypeBox on ${JSON.stringify(value).slice(0, 300)}`)
          compared++
          if (!ours) rejected++
        }
      }
      // Both verdicts occur, so the comparison says something.
      expect(compared).toBeGreaterThan(1000)
      expect(rejected).toBeGreaterThan(100)
      expect(compared - rejected).toBeGreaterThan(100)
    },
    120_000,
  )
})
