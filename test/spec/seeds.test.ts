/**
 * The examples on each gateway's documentation page (the seeds) must pass that gateway's generated validators.
 * The JSON under test/fixtures/seeds/ is checked against the seed text itself, so that the only differences are
 * the ones its README lists.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as apimartResponse from '../../generated/apimart/validators/response.ts'
import * as nordlysRequest from '../../generated/nordlys/validators/request.ts'
import { issuesOf, type ValidatorSet } from '../../src/core/validate.ts'
import { SHARED, sets } from './helpers.ts'

const FIXTURES = new URL('../fixtures/seeds/', import.meta.url)
const SEEDS = new URL('seeds/', SHARED)

interface Example {
  file: string
  set: ValidatorSet
  name: string
}
interface Seed {
  id: string
  provider: string
  request: Example
  response?: Example
}

const seeds: Seed[] = [
  { id: '000', provider: 'infinityblue', request: { file: '000-infinityblue.request.json', set: sets.infinityblueRequest, name: 'generateContentRequest' } },
  {
    id: '001',
    provider: 'anyfast',
    request: { file: '001-anyfast.request.json', set: sets.anyfastRequest, name: 'generateContentRequest' },
    response: { file: '001-anyfast.response.json', set: sets.anyfastResponse, name: 'generateContentResponse200' },
  },
  {
    id: '002',
    provider: 'apimart',
    request: { file: '002-apimart.request.json', set: sets.apimartRequest, name: 'generateRequest' },
    response: { file: '002-apimart.response.json', set: sets.apimartResponse, name: 'generateResponse200' },
  },
  { id: '003', provider: 'nordlys', request: { file: '003-nordlys.request.json', set: sets.nordlysRequest, name: 'generateContentRequest' } },
]

const fixture = (file: string): any => JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8'))
const seedText = (id: string): string => {
  const name = readdirSync(SEEDS).find((f) => f.startsWith(`${id}_`) && f.endsWith('.txt'))
  if (!name) throw new Error(`no seed ${id}`)
  return readFileSync(new URL(name, SEEDS), 'utf8')
}

/** The examples as printed: each curl `--data '…'` body, and the `{…}` block printed right after it. */
function printedExamples(text: string): { request: string; response: string }[] {
  const lines = text.split('\n')
  const out: { request: string; response: string }[] = []
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i]!.indexOf("--data '")
    if (at < 0) continue
    const body = [lines[i]!.slice(at + "--data '".length)]
    for (i++; !/^\}?'$/.test(lines[i]!); i++) body.push(lines[i]!)
    if (lines[i] === "}'") body.push('}')
    i++
    if (lines[i] !== '{') throw new Error('a response example must follow the curl command')
    const response = []
    for (; lines[i] !== '}'; i++) response.push(lines[i]!)
    response.push('}')
    out.push({ request: body.join('\n').trim(), response: response.join('\n') })
  }
  return out
}

/** README's replacement table: file → JSON pointer → [printed, replaced with]. */
function documentedReplacements(): Map<string, Map<string, [unknown, unknown]>> {
  const readme = readFileSync(new URL('README.md', FIXTURES), 'utf8')
  const table = new Map<string, Map<string, [unknown, unknown]>>()
  for (const m of readme.matchAll(/^\| `([^`]+\.json)` \| `(\/[^`]*)` \| `([^`]+)` \| `([^`]+)` \|$/gm)) {
    const perFile = table.get(m[1]!) ?? new Map()
    expect(perFile.has(m[2]!), `${m[1]} ${m[2]} listed once`).toBe(false)
    perFile.set(m[2]!, [JSON.parse(m[3]!), JSON.parse(m[4]!)])
    table.set(m[1]!, perFile)
  }
  return table
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Where `b` differs from `a`, as JSON pointers; a whole value is reported when its kind changes or `a` is `{}`. */
function differences(a: unknown, b: unknown, at = ''): Map<string, [unknown, unknown]> {
  const out = new Map<string, [unknown, unknown]>()
  const esc = (k: string | number) => String(k).replace(/~/g, '~0').replace(/\//g, '~1')
  if (isObject(a) && isObject(b) && Object.keys(a).length > 0) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) for (const [p, d] of differences(a[k], b[k], `${at}/${esc(k)}`)) out.set(p, d)
  } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((v, i) => {
      for (const [p, d] of differences(v, b[i], `${at}/${i}`)) out.set(p, d)
    })
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.set(at, [a, b])
  }
  return out
}

/** A copy of `value` with the JSON pointer `ptr` set to `to`. */
function withValue(value: unknown, ptr: string, to: unknown): unknown {
  const copy = structuredClone(value) as any
  const keys = ptr
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
  const last = keys.pop()!
  keys.reduce((o, k) => o[k], copy)[last] = to
  return copy
}

/** Seed 002's response closes `promptFeedback` with `]`; the one correction README describes. */
function fixApimartResponse(text: string): string {
  const lines = text.split('\n')
  // The `]` right after promptFeedback's safetyRatings array, before `data` closes.
  const bad = lines.findIndex((l, i) => l === '    ]' && lines[i - 1] === '      ]' && lines[i + 1] === '  },')
  if (bad < 0 || lines.slice(0, bad).filter((l) => l.includes('"promptFeedback"')).length !== 1)
    throw new Error('seed 002: the stray `]` is not where README says')
  lines[bad] = '    }'
  return lines.join('\n')
}

const replacements = documentedReplacements()

describe('seed examples', () => {
  it('README lists replacements only for files that exist, and the fixtures are exactly the seed files', () => {
    const files = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.json'))
      .sort()
    const expected = seeds.flatMap((s) => [s.request.file, ...(s.response ? [s.response.file] : [])]).sort()
    expect(files).toEqual(expected)
    for (const f of replacements.keys()) expect(files).toContain(f)
    expect(replacements.size).toBeGreaterThan(0)
  })

  it('seed 002 prints its example twice, identically, and the printed response is not JSON until fixed', () => {
    const examples = printedExamples(seedText('002'))
    expect(examples).toHaveLength(2)
    expect(examples[1]).toEqual(examples[0])
    expect(() => JSON.parse(examples[0]!.response)).toThrow(SyntaxError)
    expect(() => JSON.parse(fixApimartResponse(examples[0]!.response))).not.toThrow()
  })

  describe.each(seeds)('seed $id ($provider)', (seed) => {
    const [printed] = printedExamples(seedText(seed.id))
    const examples: [string, Example, string][] = [['request', seed.request, printed!.request]]
    if (seed.response) examples.push(['response', seed.response, seed.id === '002' ? fixApimartResponse(printed!.response) : printed!.response])

    describe.each(examples)('%s example', (_kind, example, text) => {
      const value = fixture(example.file)

      it('is the printed example, changed only where README says', () => {
        const diff = differences(JSON.parse(text), value)
        const listed = replacements.get(example.file) ?? new Map()
        expect(Object.fromEntries(diff)).toEqual(Object.fromEntries(listed))
        // Layout as printed too: the fixture is the 2-space JSON the page shows.
        expect(readFileSync(new URL(example.file, FIXTURES), 'utf8')).toBe(`${JSON.stringify(value, null, 2)}\n`)
      })

      it(`validates with ${seed.provider}'s ${example.name}`, async () => {
        expect(await issuesOf(example.set, example.name, value)).toEqual([])
      })

      it('needs every replacement: undoing any one of them fails validation', () => {
        const check = example.set.checks[example.name]!
        for (const [ptr, [was]] of replacements.get(example.file) ?? []) {
          expect(check(withValue(value, ptr, was)), `${example.file} with ${ptr} = ${JSON.stringify(was)}`).toBe(false)
        }
      })
    })
  })

  it("apimart's response example is the documented envelope, with usageMetadata outside data", () => {
    const value = fixture('002-apimart.response.json')
    expect(apimartResponse.ApimartEnvelope(value)).toBe(true)
    expect(value.code).toBe(200)
    expect(Object.keys(value)).toEqual(['code', 'data', 'usageMetadata'])
    expect(apimartResponse.GenerateContentResponse(value.data)).toBe(true)
  })

  it("nordlys's request body is the snake_case NordlysGenerateContentRequest", async () => {
    const value = fixture('003-nordlys.request.json')
    expect(nordlysRequest.NordlysGenerateContentRequest(value)).toBe(true)
    // The same settings under Google's camelCase names are unknown keys there.
    const { generation_config, ...rest } = value
    const issues = await issuesOf(sets.nordlysRequest, 'generateContentRequest', { ...rest, generationConfig: generation_config })
    expect(issues).toContainEqual({ path: '', message: 'unknown field "generationConfig" (did you mean "generation_config"?)' })
  })
})
