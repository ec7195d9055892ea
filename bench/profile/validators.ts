/**
 * What would make the precompiled validators faster: rewrites generated/google/validators/response.ts in
 * memory (never on disk in the repo), checks that every rewrite reaches the same verdicts on the recordings,
 * and times them against the original and Ajv. Not part of `npm run bench`:
 *   npx tsx bench/profile/validators.ts
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import zlib from 'node:zlib'
import * as esbuild from 'esbuild'
import context from '../../generated/google/validators/response-schemas.ts'
import { fmtRatio, fmtSpread, interleave, now, ratios, renderTable, root, summarize } from '../lib.ts'
import { compileAjv, loadResponses } from '../validation.ts'

const source = fs.readFileSync(path.join(root, 'generated/google/validators/response.ts'), 'utf8')

/** `X.k === undefined || (!("k" in X) || …)`: once X.k is not undefined, `k in X` is always true. */
const dropIn = (code: string) => code.replace(/([\w.]+)\.(\w+) === undefined \|\| \(!\("\2" in \1\) \|\| /g, '$1.$2 === undefined || (')
/** `X.every((u, index) => (check_N(u)))` → a plain for loop over X calling check_N. */
const loops = (code: string) =>
  `const every_ = (a, f) => { for (let i = 0; i < a.length; i++) if (!f(a[i])) return false; return true };\n` +
  code.replace(/([\w.]+)\.every\(\((unique_\d+), index\) => \((check_\d+)\(\2\)\)\)/g, 'every_($1, $3)')

type Schema = Record<string, any>

/**
 * A different code shape from the same validation schemas (response-schemas.ts): one function per schema that
 * walks the object's own keys (`for…in` + `switch`) instead of probing every declared property, so an object
 * with 2 of 16 properties costs 2 checks, not 16 lookups. Same checks as TypeBox's: Number.isFinite for
 * number, Number.isInteger for integer, `k in v` for required keys, unknown keys pass.
 */
function keyDriven(ctx: Record<string, Schema>): string {
  const id = new Map(Object.keys(ctx).map((n, i) => [n, `k_${i}`]))
  const fns: string[] = []
  let anon = 0
  const fnFor = (node: Schema): string => {
    if (node.$ref) return id.get(node.$ref)!
    const name = `a_${anon++}`
    fns.push(`function ${name}(v) { ${body(node)} }`)
    return name
  }
  const typeOf = (node: Schema) => node.type ?? (node.properties ? 'object' : undefined)
  const expr = (node: Schema, x: string): string => {
    if (node.$ref) return `${id.get(node.$ref)}(${x})`
    const t = typeOf(node)
    if (Array.isArray(t)) return `(${t.map((tt: string) => expr({ ...node, type: tt }, x)).join(' || ')})`
    switch (t) {
      case 'string':
        return Array.isArray(node.enum) ? `${JSON.stringify(node.enum)}.includes(${x})` : `typeof ${x} === "string"`
      case 'integer':
        return `Number.isInteger(${x})`
      case 'number':
        return `Number.isFinite(${x})`
      case 'boolean':
        return `typeof ${x} === "boolean"`
      case 'array':
        return `(Array.isArray(${x}) && every_(${x}, ${node.items ? fnFor(node.items) : 'yes_'}))`
      case 'object':
        return `${fnFor(node)}(${x})`
      default:
        return 'true'
    }
  }
  const body = (node: Schema): string => {
    if (typeOf(node) !== 'object') return `return ${expr(node, 'v')}`
    const required = new Set<string>(node.required ?? [])
    let out = 'if (typeof v !== "object" || v === null || Array.isArray(v)) return false;'
    for (const r of required) out += `if (!(${JSON.stringify(r)} in v)) return false;`
    const props = Object.entries((node.properties ?? {}) as Record<string, Schema>)
    const ap = node.additionalProperties
    const apCheck = ap && typeof ap === 'object' ? expr(ap, 'x') : undefined
    if (props.length || apCheck) {
      out += 'for (const k in v) { const x = v[k]; switch (k) {'
      for (const [p, ps] of props)
        out += `case ${JSON.stringify(p)}: if (${required.has(p) ? '' : 'x !== undefined && '}!(${expr(ps, 'x')})) return false; break;`
      if (apCheck) out += `default: if (x !== undefined && !(${apCheck})) return false;`
      out += '} }'
    }
    return `${out} return true`
  }
  for (const [n, schema] of Object.entries(ctx)) fns.push(`function ${id.get(n)}(v) { ${body(schema)} }`)
  return [
    'const yes_ = () => true',
    'const every_ = (a, f) => { for (let i = 0; i < a.length; i++) if (!f(a[i])) return false; return true }',
    ...fns,
    `export const GenerateContentResponse = ${id.get('GenerateContentResponse')}`,
  ].join('\n')
}

/** Each object with one nested string leaf turned into a number: all variants must reject the same ones. */
function corrupt(value: unknown): unknown {
  const copy = structuredClone(value)
  let done = false
  const walk = (node: any, depth: number): void => {
    if (done || !node || typeof node !== 'object') return
    for (const k of Object.keys(node)) {
      if (done) return
      if (typeof node[k] === 'string' && depth >= 2) {
        node[k] = 42
        done = true
        return
      }
      walk(node[k], depth + 1)
    }
  }
  walk(copy, 0)
  return copy
}

async function load(name: string, code: string): Promise<(v: unknown) => boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-validators-'))
  const file = path.join(dir, `${name}.mjs`)
  fs.writeFileSync(file, code.replace('// @ts-nocheck', '//'))
  const mod = (await import(pathToFileURL(file).href)) as { GenerateContentResponse: (v: unknown) => boolean }
  fs.rmSync(dir, { recursive: true, force: true })
  return mod.GenerateContentResponse
}

const variants = [
  { name: 'generated response.ts as is', code: source },
  { name: 'without the redundant `"k" in value` tests', code: dropIn(source) },
  { name: 'with for loops instead of .every(closure)', code: loops(source) },
  { name: 'both', code: loops(dropIn(source)) },
  { name: 'key-driven: for…in + switch over own keys', code: keyDriven(context as Record<string, Schema>) },
]
const values = loadResponses().map((s) => s.value)
const contenders: { name: string; check: (v: unknown) => boolean }[] = []
for (const v of variants) contenders.push({ name: v.name, check: await load(v.name.replace(/\W+/g, '-'), v.code) })
const size = new Map(
  variants.map((v) => [v.name, zlib.gzipSync(esbuild.transformSync(v.code, { minify: true, format: 'esm', loader: 'js' }).code, { level: 9 }).length]),
)
contenders.push({ name: 'Ajv 2020 (tolerant schema)', check: compileAjv('tolerant') })
console.log(
  `rewrites: ${(source.match(/ in value/g) ?? []).length} \`in\` tests in the original, ${(dropIn(source).match(/" in /g) ?? []).length} left; ${(source.match(/\.every\(/g) ?? []).length} .every, ${(loops(source).match(/\.every\(/g) ?? []).length} left`,
)

// Same verdicts on every object (and on a corrupted copy of each), or the comparison means nothing.
const corrupted = values.map(corrupt)
for (const set of [values, corrupted]) {
  const expected = set.map((v) => contenders[0]!.check(v))
  for (const c of contenders)
    set.forEach((v, i) => {
      if (c.check(v) !== expected[i]) throw new Error(`${c.name} disagrees on object ${i}`)
    })
}
console.log(
  `verdicts agree on ${values.length} recorded objects (all pass) and ${corrupted.length} corrupted copies (${corrupted.filter((v) => !contenders[0]!.check(v)).length} rejected)`,
)

const reps = 150
const s = await interleave(contenders, { rounds: Number(process.env.ROUNDS ?? 15), warmup: 3 }, async (c) => {
  const t0 = now()
  for (let r = 0; r < reps; r++) for (const v of values) c.check(v)
  return (reps * values.length) / ((now() - t0) / 1000)
})
const ajv = s.get('Ajv 2020 (tolerant schema)')!
const orig = s.get(contenders[0]!.name)!
console.log(
  renderTable({
    title: `Validator rewrites over ${values.length} recorded GenerateContentResponse objects (thousand objects/s)`,
    headers: ['variant', 'k objects/s median (p25–p75)', 'vs original', 'vs Ajv', 'module min+gzip'],
    rows: contenders.map((c) => {
      const v = s.get(c.name)!
      const bytes = size.get(c.name)
      return [
        c.name,
        fmtSpread(summarize(v.map((x) => x / 1000)), 0),
        fmtRatio(summarize(ratios(v, orig))),
        fmtRatio(summarize(ratios(v, ajv))),
        bytes ? `${(bytes / 1024).toFixed(1)} KB` : '',
      ]
    }),
  }),
)
