/**
 * Classifies the differences between two bundled OpenAPI 3.1 documents by what they do to API clients:
 * `breaking` (major), `non-breaking` (minor) or `docs` (patch). Redocly's open-source CLI has no diff
 * command; this is the release check that stands in for it.
 *
 * Usage: `tsx scripts/spec-diff.ts [--base <git-rev>] [--json] [--fail-on-breaking]` compares every
 * `generated/<provider>/openapi.json` in the working tree with the same file at `<git-rev>` (default HEAD).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** How a change affects clients: `breaking` needs a major release, `non-breaking` a minor, `docs` a patch. */
export type Severity = 'breaking' | 'non-breaking' | 'docs'

/** One classified difference between two documents. */
export interface SpecChange {
  /** Provider whose bundle changed; set by the CLI, absent from {@link diffSpecs} results. */
  provider?: string
  severity: Severity
  /** RFC 6901 pointer into the bundle: the `after` document, or `before` for something removed. */
  pointer: string
  /** One line, e.g. `response property removed: GenerateContentResponse.modelVersion`. */
  message: string
}

/** A parsed OpenAPI 3.x document. Only the shape the diff needs is typed; anything else is tolerated. */
export interface OpenAPIDoc {
  [key: string]: unknown
  openapi?: string
  paths?: Record<string, unknown>
  components?: Record<string, unknown>
}

/** Providers bundled by `npm run generate`, in report order. */
export const PROVIDERS: readonly string[] = ['google', 'infinityblue', 'anyfast', 'apimart', 'nordlys']

// ---------------------------------------------------------------------------------------------------
// JSON helpers

type Obj = Record<string, unknown>
/** Who produces the value: `request` = the client sends it, `response` = the client receives it,
 * `unreferenced` = a named schema no operation reaches (a public type; judged by the worse of both). */
type Dir = 'request' | 'response' | 'unreferenced'
type Side = 'request' | 'response'

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x)
const asObj = (x: unknown): Obj => (isObj(x) ? x : {})
const asArr = (x: unknown): unknown[] | undefined => (Array.isArray(x) ? x : undefined)
const strArr = (x: unknown): string[] => (asArr(x) ?? []).filter((v): v is string => typeof v === 'string')
const has = (o: Obj, k: string): boolean => Object.hasOwn(o, k) && o[k] !== undefined
const byCode = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0)
const keysOf = (...objs: unknown[]): string[] =>
  [...new Set(objs.flatMap((o) => (isObj(o) ? Object.keys(o).filter((k) => o[k] !== undefined) : [])))].sort(byCode)

const escSeg = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1')
const ptr = (base: string, ...segs: (string | number)[]): string =>
  base + segs.map((s) => '/' + escSeg(String(s))).join('')

/** JSON with sorted keys, so equality ignores key order. */
function stable(x: unknown): string {
  if (Array.isArray(x)) return '[' + x.map(stable).join(',') + ']'
  if (isObj(x)) {
    const ks = Object.keys(x).filter((k) => x[k] !== undefined).sort(byCode)
    return '{' + ks.map((k) => JSON.stringify(k) + ':' + stable(x[k])).join(',') + '}'
  }
  return x === undefined ? 'undefined' : String(JSON.stringify(x))
}
const same = (x: unknown, y: unknown): boolean => stable(x) === stable(y)

/** Short printable form of a value for messages. */
function show(x: unknown): string {
  const s = x === undefined ? 'none' : stable(x)
  return s.length > 60 ? s.slice(0, 57) + '...' : s
}

/** Deep copy without `x-generated` keys (bundle provenance, not API). Throws on non-JSON cycles. */
function stripGenerated(x: unknown, stack: Set<object> = new Set()): unknown {
  if (typeof x !== 'object' || x === null) return x
  if (stack.has(x)) throw new TypeError('spec-diff: the document contains an object cycle, so it is not JSON')
  stack.add(x)
  const out = Array.isArray(x)
    ? x.map((v) => stripGenerated(v, stack))
    : Object.fromEntries(
        Object.entries(x)
          .filter(([k]) => k !== 'x-generated')
          .map(([k, v]) => [k, stripGenerated(v, stack)]),
      )
  stack.delete(x)
  return out
}

/** JSON pointer (for reports) of a local `$ref`. */
function refPtr(ref: string): string {
  const frag = ref.startsWith('#') ? ref.slice(1) : ref
  try {
    return decodeURIComponent(frag)
  } catch {
    return frag
  }
}

/** Resolves a local `$ref`; external or dangling references give undefined. */
function resolveRef(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined
  const p = refPtr(ref)
  if (p === '') return doc
  if (!p.startsWith('/')) return undefined
  let cur: unknown = doc
  for (const raw of p.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(cur)) cur = /^\d+$/.test(seg) ? cur[Number(seg)] : undefined
    else if (isObj(cur)) cur = Object.hasOwn(cur, seg) ? cur[seg] : undefined
    else return undefined
  }
  return cur
}

/** Follows a chain of `$ref`s (parameters, responses, ...); `ref` is the first one, for component matching. */
function deref(doc: unknown, node: unknown, at: string): { node: unknown; ptr: string; ref?: string } {
  let ref: string | undefined
  for (let i = 0; i < 32 && isObj(node) && typeof node.$ref === 'string'; i++) {
    ref ??= node.$ref
    at = refPtr(node.$ref)
    node = resolveRef(doc, node.$ref)
  }
  return ref === undefined ? { node, ptr: at } : { node, ptr: at, ref }
}

const refName = (ref: string): string => refPtr(ref).split('/').pop() ?? ref
const schemaNameOf = (ref: string): string | undefined =>
  /^#\/components\/schemas\/([^/]+)/.exec(ref)?.[1]?.replace(/~1/g, '/').replace(/~0/g, '~')

/** This project's extension: the schema of each SSE event's `data` in a `text/event-stream` response. */
const SSE_DATA = 'x-sse-data'

// Schema keywords that hold subschemas; everything else is data or a constraint.
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems']
const SCHEMA_ONES = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames',
  'unevaluatedItems', 'unevaluatedProperties', 'contentSchema', 'additionalItems', SSE_DATA]

const isSchemaDocKey = (k: string): boolean =>
  ['description', 'title', 'example', 'examples', '$comment', 'externalDocs'].includes(k) ||
  (k.startsWith('x-') && k !== SSE_DATA)

/** Calls `fn` on every direct subschema. */
function forEachSubschema(s: unknown, fn: (sub: unknown) => void): void {
  if (!isObj(s)) return
  for (const k of SCHEMA_MAPS) if (isObj(s[k])) Object.values(s[k]).forEach(fn)
  for (const k of SCHEMA_LISTS) asArr(s[k])?.forEach(fn)
  for (const k of SCHEMA_ONES) {
    const v = s[k]
    if (Array.isArray(v)) v.forEach(fn)
    else if (v !== undefined) fn(v)
  }
}

/** Schema without documentation keywords, for "did anything but the docs change" checks. */
function canonSchema(s: unknown): unknown {
  if (!isObj(s)) return s
  const out: Obj = {}
  for (const [k, v] of Object.entries(s)) {
    if (isSchemaDocKey(k)) continue
    if (SCHEMA_MAPS.includes(k) && isObj(v)) out[k] = Object.fromEntries(Object.entries(v).map(([n, x]) => [n, canonSchema(x)]))
    else if ((SCHEMA_LISTS.includes(k) || SCHEMA_ONES.includes(k)) && Array.isArray(v)) out[k] = v.map(canonSchema)
    else if (SCHEMA_ONES.includes(k)) out[k] = canonSchema(v)
    else out[k] = v
  }
  return out
}

const docsPart = (s: Obj): Obj => Object.fromEntries(Object.entries(s).filter(([k]) => isSchemaDocKey(k)))
const nonDocsPart = (s: Obj): Obj => Object.fromEntries(Object.entries(s).filter(([k]) => !isSchemaDocKey(k)))
const omit = (s: Obj, k: string): Obj => Object.fromEntries(Object.entries(s).filter(([x]) => x !== k))

// ---------------------------------------------------------------------------------------------------
// Where each component is used

interface Usage {
  /** Component schema name → the sides that reach it. */
  schemas: Map<string, Set<Side>>
  /** Any other `#/components/...` reference → the sides that use it. */
  refs: Map<string, Set<Side>>
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

function computeUsage(doc: Obj): Usage {
  const u: Usage = { schemas: new Map(), refs: new Map() }
  const queue: [string, Side][] = []
  const mark = (map: Map<string, Set<Side>>, key: string, side: Side): boolean => {
    let set = map.get(key)
    if (!set) map.set(key, (set = new Set()))
    if (set.has(side)) return false
    set.add(side)
    return true
  }
  const visitedRefs = new Set<string>()
  const visitSchema = (s: unknown, side: Side): void => {
    if (!isObj(s)) return
    if (typeof s.$ref === 'string') {
      const name = schemaNameOf(s.$ref)
      if (name !== undefined) {
        if (mark(u.schemas, name, side)) queue.push([name, side])
      } else if (!visitedRefs.has(side + s.$ref)) {
        // Refs into $defs or elsewhere: follow once.
        visitedRefs.add(side + s.$ref)
        visitSchema(resolveRef(doc, s.$ref), side)
      }
    }
    forEachSubschema(s, (sub) => visitSchema(sub, side))
  }
  const follow = (node: unknown, side: Side): Obj => {
    for (let i = 0; i < 32 && isObj(node) && typeof node.$ref === 'string'; i++) {
      mark(u.refs, node.$ref, side)
      node = resolveRef(doc, node.$ref)
    }
    return asObj(node)
  }
  const visitContent = (c: unknown, side: Side): void => {
    for (const mt of Object.values(asObj(c))) visitSchema(asObj(mt).schema, side)
  }
  const visitParamLike = (p: unknown, side: Side): void => {
    const n = follow(p, side)
    visitSchema(n.schema, side)
    visitContent(n.content, side)
  }
  const visitPathItem = (item: unknown, flip: boolean, depth: number): void => {
    if (depth > 8) return
    const it = follow(item, 'request')
    const reqSide: Side = flip ? 'response' : 'request'
    const resSide: Side = flip ? 'request' : 'response'
    for (const m of METHODS) {
      if (!isObj(it[m])) continue
      const op = it[m]
      for (const p of [...(asArr(it.parameters) ?? []), ...(asArr(op.parameters) ?? [])]) visitParamLike(p, reqSide)
      if (op.requestBody !== undefined) visitContent(follow(op.requestBody, reqSide).content, reqSide)
      for (const r of Object.values(asObj(op.responses))) {
        const resp = follow(r, resSide)
        visitContent(resp.content, resSide)
        for (const h of Object.values(asObj(resp.headers))) visitParamLike(h, resSide)
      }
      for (const cb of Object.values(asObj(op.callbacks))) {
        for (const cbItem of Object.values(follow(cb, resSide))) visitPathItem(cbItem, !flip, depth + 1)
      }
    }
  }
  for (const item of Object.values(asObj(doc.paths))) visitPathItem(item, false, 0)
  for (const item of Object.values(asObj(doc.webhooks))) visitPathItem(item, true, 0)
  const schemas = asObj(asObj(doc.components).schemas)
  for (let next = queue.shift(); next; next = queue.shift()) visitSchema(schemas[next[0]], next[1])
  return u
}

// ---------------------------------------------------------------------------------------------------
// Diff context and emission

interface Ctx {
  b: Obj
  a: Obj
  usageB: Usage
  usageA: Usage
  out: SpecChange[]
}

/** Severity of one change when the value is sent (`req`) or received (`res`), with optional notes. */
interface Rule {
  what: string
  req: Severity
  res: Severity
  reqNote?: string
  resNote?: string
}

const RANK: Record<Severity, number> = { breaking: 0, 'non-breaking': 1, docs: 2 }
const worst = (x: Severity, y: Severity): Severity => (RANK[x] <= RANK[y] ? x : y)

function emit(ctx: Ctx, severity: Severity, pointer: string, message: string): void {
  ctx.out.push({ severity, pointer, message: message.replace(/\s*[\r\n]+\s*/g, ' ') }) // keys may hold newlines; messages are one line
}

/** Emits `rule` once per direction. With `prefix` the message starts with the direction. */
function emitDirs(ctx: Ctx, dirs: readonly Dir[], pointer: string, label: string, r: Rule, prefix = true): void {
  for (const d of dirs) {
    const sev = d === 'request' ? r.req : d === 'response' ? r.res : worst(r.req, r.res)
    const note = d === 'request' ? r.reqNote : d === 'response' ? r.resNote : (sev === r.res ? r.resNote : undefined) ?? (sev === r.req ? r.reqNote : undefined)
    emit(ctx, sev, pointer, `${prefix ? d + ' ' : ''}${r.what}: ${label}${note ? ` (${note})` : ''}`)
  }
}

const changeWord = (b: unknown, a: unknown): string => (b === undefined ? 'added' : a === undefined ? 'removed' : 'changed')

/** Reports documentation-only keys (per `isDoc`) that differ. */
function diffDocs(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, label: string, isDoc: (k: string) => boolean): void {
  for (const k of keysOf(b, a)) {
    if (!isDoc(k) || same(b[k], a[k])) continue
    emit(ctx, 'docs', ptr(has(a, k) ? pa : pb, k), `${k} ${changeWord(b[k], a[k])}: ${label}`)
  }
}
const isDocOrExt = (...keys: string[]) => (k: string): boolean => keys.includes(k) || (k.startsWith('x-') && k !== SSE_DATA)

/** Keys no rule covers: conservative, so any non-doc difference is breaking. */
function diffRest(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, label: string, handled: readonly string[], isDoc: (k: string) => boolean): void {
  for (const k of keysOf(b, a)) {
    if (handled.includes(k) || isDoc(k) || same(b[k], a[k])) continue
    emit(ctx, 'breaking', ptr(has(a, k) ? pa : pb, k), `${k} ${changeWord(b[k], a[k])}: ${label}`)
  }
}

// ---------------------------------------------------------------------------------------------------
// Schemas

interface Loc {
  /** Pointer of the node in `before` and in `after` (for removals and everything else respectively). */
  pb: string
  pa: string
  label: string
}

function asSchema(x: unknown): Obj {
  if (x === false) return { not: {} }
  return isObj(x) ? x : {} // true, absent → any value
}

const TYPE_ORDER = ['boolean', 'integer', 'number', 'string', 'array', 'object', 'null']
function typeSet(s: Obj): Set<string> | undefined {
  const t = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? strArr(s.type) : undefined
  if (!t) return undefined
  const set = new Set(t)
  if (s.nullable === true) set.add('null') // OpenAPI 3.0 spelling
  return set
}
/** Whether every value of `inner` is allowed by `outer` (undefined = any type). */
const covers = (outer: Set<string> | undefined, inner: Set<string> | undefined): boolean =>
  outer === undefined || (inner !== undefined && [...inner].every((t) => outer.has(t) || (t === 'integer' && outer.has('number'))))
const fmtTypes = (s: Set<string> | undefined): string =>
  s === undefined ? 'any' : [...s].sort((x, y) => TYPE_ORDER.indexOf(x) - TYPE_ORDER.indexOf(y) || byCode(x, y)).join('|') || 'never'

const LOWER_BOUNDS = ['minLength', 'minItems', 'minProperties', 'minimum', 'exclusiveMinimum', 'minContains']
const UPPER_BOUNDS = ['maxLength', 'maxItems', 'maxProperties', 'maximum', 'exclusiveMaximum', 'maxContains']
const RESTRICTIONS = ['pattern', 'format', 'contentEncoding', 'contentMediaType']
const SCHEMA_HANDLED = ['$ref', '$defs', 'type', 'nullable', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items',
  'anyOf', 'oneOf', 'allOf', 'deprecated', 'readOnly', 'writeOnly', 'default', 'multipleOf', 'uniqueItems', SSE_DATA,
  ...LOWER_BOUNDS, ...UPPER_BOUNDS, ...RESTRICTIONS]
const COMPOSITION_LIKE = ['not', 'if', 'then', 'else', 'discriminator', 'prefixItems', 'dependentSchemas', 'dependentRequired',
  'unevaluatedProperties', 'unevaluatedItems']

type Tightness = 'tightened' | 'loosened' | 'changed'
const TIGHTNESS_RULE: Record<Tightness, Pick<Rule, 'req' | 'res'>> = {
  tightened: { req: 'breaking', res: 'non-breaking' },
  loosened: { req: 'non-breaking', res: 'breaking' },
  changed: { req: 'breaking', res: 'breaking' },
}

/** Compares two schemas seen from `dirs`; `seen` stops cycles through `$ref`s. */
function diffSchema(ctx: Ctx, b: unknown, a: unknown, loc: Loc, dirs: readonly Dir[], seen: Set<string>): void {
  if (same(b, a)) return
  const key = `${loc.pb}|${loc.pa}`
  if (seen.has(key)) return
  seen.add(key)

  if (b === false || a === false) {
    if (b === false) emitDirs(ctx, dirs, loc.pa, loc.label, { what: 'no longer rejects every value', req: 'non-breaking', res: 'breaking' })
    else emitDirs(ctx, dirs, loc.pa, loc.label, { what: 'now rejects every value', req: 'breaking', res: 'non-breaking' })
    return
  }
  let [B, A] = wrapAlternatives(asSchema(b), asSchema(a))

  // References: same component → compared once at component level; otherwise compare the targets.
  const rb = typeof B.$ref === 'string' ? B.$ref : undefined
  const ra = typeof A.$ref === 'string' ? A.$ref : undefined
  if (rb !== undefined || ra !== undefined) {
    if (rb !== undefined && rb === ra) {
      if (schemaNameOf(rb) === undefined) {
        const tb = resolveRef(ctx.b, rb)
        const ta = resolveRef(ctx.a, rb)
        if (tb === undefined || ta === undefined) {
          if (tb !== ta) emitDirs(ctx, dirs, loc.pa, loc.label, { what: `reference ${rb} ${tb === undefined ? 'now resolves' : 'no longer resolves'}`, req: 'breaking', res: 'breaking' })
        } else diffSchema(ctx, tb, ta, { pb: refPtr(rb), pa: refPtr(rb), label: loc.label }, dirs, seen)
      }
      B = omit(B, '$ref') // siblings of $ref still apply
      A = omit(A, '$ref')
    } else {
      const tb = rb === undefined ? B : resolveRef(ctx.b, rb)
      const ta = ra === undefined ? A : resolveRef(ctx.a, ra)
      if (tb === undefined || ta === undefined) {
        emitDirs(ctx, dirs, loc.pa, loc.label, { what: `reference changed (${rb ?? 'inline'} → ${ra ?? 'inline'})`, req: 'breaking', res: 'breaking' })
        return
      }
      if (rb !== undefined && ra !== undefined) emit(ctx, 'docs', ptr(loc.pa, '$ref'), `schema reference changed (${refName(rb)} → ${refName(ra)}): ${loc.label}`)
      const eb = rb === undefined ? B : { ...asSchema(tb), ...omit(B, '$ref') }
      const ea = ra === undefined ? A : { ...asSchema(ta), ...omit(A, '$ref') }
      const next = { pb: rb === undefined ? loc.pb : refPtr(rb), pa: ra === undefined ? loc.pa : refPtr(ra), label: loc.label }
      diffSchema(ctx, eb, ea, next, dirs, seen)
      return
    }
  }

  diffDocs(ctx, B, A, loc.pb, loc.pa, loc.label, isSchemaDocKey)
  diffType(ctx, B, A, loc, dirs)
  diffEnum(ctx, B, A, loc, dirs)
  diffConstraints(ctx, B, A, loc, dirs)
  diffProperties(ctx, B, A, loc, dirs, seen)
  diffAdditional(ctx, B, A, loc, dirs, seen)
  if (Array.isArray(B.items) || Array.isArray(A.items)) {
    if (!same(canonSchema({ items: B.items }), canonSchema({ items: A.items })))
      emitDirs(ctx, dirs, ptr(loc.pa, 'items'), loc.label, { what: 'tuple items changed', req: 'breaking', res: 'breaking' })
  } else if (has(B, 'items') || has(A, 'items')) {
    diffSchema(ctx, B.items, A.items, { pb: ptr(loc.pb, 'items'), pa: ptr(loc.pa, 'items'), label: loc.label + '[]' }, dirs, seen)
  }
  for (const kw of ['anyOf', 'oneOf', 'allOf'] as const) diffComposition(ctx, B, A, kw, loc, dirs, seen)
  diffDefs(ctx, B, A, loc, dirs, seen)
  diffFlags(ctx, B, A, loc, dirs)
  if (has(B, SSE_DATA) || has(A, SSE_DATA)) {
    const at = { pb: ptr(loc.pb, SSE_DATA), pa: ptr(loc.pa, SSE_DATA), label: `${loc.label} SSE event data` }
    diffSchema(ctx, B[SSE_DATA], A[SSE_DATA], at, dirs, seen)
  }
  // Keywords with no dedicated rule (not, if/then/else, discriminator, ...): unknown → breaking.
  for (const k of keysOf(B, A)) {
    if (SCHEMA_HANDLED.includes(k) || isSchemaDocKey(k) || same(B[k], A[k])) continue
    const at = ptr(has(A, k) ? loc.pa : loc.pb, k)
    if (same(canonSchema({ [k]: B[k] }), canonSchema({ [k]: A[k] }))) emit(ctx, 'docs', at, `documentation changed inside ${k}: ${loc.label}`)
    else emitDirs(ctx, dirs, at, loc.label, { what: COMPOSITION_LIKE.includes(k) ? `composition changed (${k} ${changeWord(B[k], A[k])})` : `keyword ${k} ${changeWord(B[k], A[k])}`, req: 'breaking', res: 'breaking' })
  }
}

/** Local definitions matter only through the references to them, which are reported where they change. */
function diffDefs(ctx: Ctx, B: Obj, A: Obj, loc: Loc, dirs: readonly Dir[], seen: Set<string>): void {
  const db = asObj(B.$defs)
  const da = asObj(A.$defs)
  for (const k of keysOf(db, da)) {
    const at = { pb: ptr(loc.pb, '$defs', k), pa: ptr(loc.pa, '$defs', k), label: `${loc.label}.$defs.${k}` }
    if (!has(da, k) || !has(db, k)) emit(ctx, 'non-breaking', has(da, k) ? at.pa : at.pb, `definition ${has(da, k) ? 'added' : 'removed'}: ${at.label}`)
    else diffSchema(ctx, db[k], da[k], at, dirs, seen)
  }
}

/** `X` → `anyOf: [X, Y]` is "alternative added", not a rewrite: wrap the bare side as a one-member list. */
function wrapAlternatives(B: Obj, A: Obj): [Obj, Obj] {
  const bare = (s: Obj): boolean => !has(s, 'anyOf') && !has(s, 'oneOf')
  const wraps = (composed: Obj, kw: string, plain: Obj): boolean => {
    const members = asArr(composed[kw])
    if (!members || !bare(plain)) return false
    if (Object.keys(composed).some((k) => k !== kw && !isSchemaDocKey(k))) return false
    const c = stable(canonSchema(plain))
    return members.some((m) => stable(canonSchema(m)) === c)
  }
  for (const kw of ['anyOf', 'oneOf']) {
    if (wraps(A, kw, B)) return [{ ...docsPart(B), [kw]: [nonDocsPart(B)] }, A]
    if (wraps(B, kw, A)) return [B, { ...docsPart(A), [kw]: [nonDocsPart(A)] }]
  }
  return [B, A]
}

function diffType(ctx: Ctx, B: Obj, A: Obj, loc: Loc, dirs: readonly Dir[]): void {
  const tb = typeSet(B)
  const ta = typeSet(A)
  if (fmtTypes(tb) === fmtTypes(ta)) return
  const widened = covers(ta, tb)
  const narrowed = covers(tb, ta)
  const word = widened ? 'widened' : narrowed ? 'narrowed' : 'changed'
  emitDirs(ctx, dirs, ptr(has(A, 'type') ? loc.pa : loc.pb, 'type'), loc.label, {
    what: `type ${word} (${fmtTypes(tb)} → ${fmtTypes(ta)})`,
    req: widened ? 'non-breaking' : 'breaking',
    res: narrowed ? 'non-breaking' : 'breaking',
  })
}

function diffEnum(ctx: Ctx, B: Obj, A: Obj, loc: Loc, dirs: readonly Dir[]): void {
  const values = (s: Obj): { key: string; list: unknown[] } | undefined =>
    Array.isArray(s.enum) ? { key: 'enum', list: s.enum } : has(s, 'const') ? { key: 'const', list: [s.const] } : undefined
  const eb = values(B)
  const ea = values(A)
  if (!eb && !ea) return
  if (!eb) return emitDirs(ctx, dirs, ptr(loc.pa, ea!.key), loc.label, { what: 'enum restriction added', req: 'breaking', res: 'non-breaking' })
  if (!ea) return emitDirs(ctx, dirs, ptr(loc.pb, eb.key), loc.label, { what: 'enum restriction removed', req: 'non-breaking', res: 'breaking', resNote: 'any value may now arrive' })
  const kb = new Set(eb.list.map(stable))
  const ka = new Set(ea.list.map(stable))
  for (const v of eb.list) {
    if (!ka.has(stable(v))) emitDirs(ctx, dirs, ptr(loc.pb, eb.key), loc.label, { what: `enum value ${show(v)} removed`, req: 'breaking', res: 'non-breaking' })
  }
  for (const v of ea.list) {
    if (!kb.has(stable(v))) emitDirs(ctx, dirs, ptr(loc.pa, ea.key), loc.label, { what: `enum value ${show(v)} added`, req: 'non-breaking', res: 'non-breaking', resNote: 'strict-enum consumers may reject it' })
  }
}

function diffConstraints(ctx: Ctx, B: Obj, A: Obj, loc: Loc, dirs: readonly Dir[]): void {
  const report = (k: string, t: Tightness): void => {
    emitDirs(ctx, dirs, ptr(has(A, k) ? loc.pa : loc.pb, k), loc.label, { what: `${k} ${t} (${show(B[k])} → ${show(A[k])})`, ...TIGHTNESS_RULE[t] })
  }
  for (const k of [...LOWER_BOUNDS, ...UPPER_BOUNDS, 'multipleOf', ...RESTRICTIONS]) {
    const vb = B[k]
    const va = A[k]
    if (same(vb, va)) continue
    if (vb === undefined) report(k, 'tightened')
    else if (va === undefined) report(k, 'loosened')
    else if (typeof vb !== 'number' || typeof va !== 'number') report(k, 'changed')
    else if (k === 'multipleOf') report(k, va % vb === 0 ? 'tightened' : vb % va === 0 ? 'loosened' : 'changed')
    else if (LOWER_BOUNDS.includes(k)) report(k, va > vb ? 'tightened' : 'loosened')
    else report(k, va < vb ? 'tightened' : 'loosened')
  }
  if ((B.uniqueItems === true) !== (A.uniqueItems === true)) report('uniqueItems', A.uniqueItems === true ? 'tightened' : 'loosened')
}

/** Drops the request side for read-only properties and the response side for write-only ones. */
function propDirs(ctx: Ctx, dirs: readonly Dir[], sb: unknown, sa: unknown): Dir[] {
  const flag = (s: unknown, doc: Obj, f: 'readOnly' | 'writeOnly'): boolean => {
    if (!isObj(s)) return false
    if (s[f] === true) return true
    const t = typeof s.$ref === 'string' ? resolveRef(doc, s.$ref) : undefined
    return isObj(t) && t[f] === true
  }
  const all = (f: 'readOnly' | 'writeOnly'): boolean =>
    (sb === undefined || flag(sb, ctx.b, f)) && (sa === undefined || flag(sa, ctx.a, f))
  const ro = all('readOnly')
  const wo = all('writeOnly')
  return dirs.filter((d) => !(d === 'request' && ro) && !(d === 'response' && wo))
}

function diffProperties(ctx: Ctx, B: Obj, A: Obj, loc: Loc, dirs: readonly Dir[], seen: Set<string>): void {
  const pb = asObj(B.properties)
  const pa = asObj(A.properties)
  const rb = new Set(strArr(B.required))
  const ra = new Set(strArr(A.required))
  for (const n of keysOf(pb, pa)) {
    const label = `${loc.label}.${n}`
    const atB = ptr(loc.pb, 'properties', n)
    const atA = ptr(loc.pa, 'properties', n)
    if (!has(pa, n)) {
      emitDirs(ctx, propDirs(ctx, dirs, pb[n], undefined), atB, label, { what: 'property removed', req: 'breaking', res: 'breaking' })
    } else if (!has(pb, n)) {
      const rule: Rule = ra.has(n)
        ? { what: 'required property added', req: 'breaking', res: 'non-breaking' }
        : { what: 'property added', req: 'non-breaking', res: 'non-breaking' }
      emitDirs(ctx, propDirs(ctx, dirs, undefined, pa[n]), atA, label, rule)
    } else diffSchema(ctx, pb[n], pa[n], { pb: atB, pa: atA, label }, propDirs(ctx, dirs, pb[n], pa[n]), seen)
  }
  for (const n of [...new Set([...rb, ...ra])].sort(byCode)) {
    if (rb.has(n) === ra.has(n) || has(pb, n) !== has(pa, n)) continue // unchanged, or the property itself came/went
    const d = propDirs(ctx, dirs, pb[n], pa[n])
    const label = `${loc.label}.${n}`
    if (ra.has(n)) emitDirs(ctx, d, ptr(loc.pa, 'required'), label, { what: 'property became required', req: 'breaking', res: 'non-breaking' })
    else emitDirs(ctx, d, ptr(loc.pb, 'required'), label, { what: 'property no longer required', req: 'non-breaking', res: 'breaking', resNote: 'callers relied on it being present' })
  }
}

function diffAdditional(ctx: Ctx, B: Obj, A: Obj, loc: Loc, dirs: readonly Dir[], seen: Set<string>): void {
  if (!has(B, 'additionalProperties') && !has(A, 'additionalProperties')) return
  const vb = B.additionalProperties ?? true
  const va = A.additionalProperties ?? true
  const at = { pb: ptr(loc.pb, 'additionalProperties'), pa: ptr(loc.pa, 'additionalProperties'), label: `${loc.label}.*` }
  if (vb === false && va === false) return
  // Clients ignore unknown response keys, so opening/closing a response object is not breaking.
  if (vb === false) emitDirs(ctx, dirs, at.pa, loc.label, { what: 'additional properties now allowed', req: 'non-breaking', res: 'non-breaking' })
  else if (va === false) emitDirs(ctx, dirs, at.pa, loc.label, { what: 'additional properties no longer allowed', req: 'breaking', res: 'non-breaking' })
  else diffSchema(ctx, vb, va, at, dirs, seen)
}

function diffComposition(ctx: Ctx, B: Obj, A: Obj, kw: 'anyOf' | 'oneOf' | 'allOf', loc: Loc, dirs: readonly Dir[], seen: Set<string>): void {
  const mb = asArr(B[kw])
  const ma = asArr(A[kw])
  if (!mb && !ma) return
  if (!mb || !ma) {
    return emitDirs(ctx, dirs, ptr(mb ? loc.pb : loc.pa, kw), loc.label, { what: `composition changed (${kw} ${mb ? 'removed' : 'added'})`, req: 'breaking', res: 'breaking' })
  }
  const keyOf = (m: unknown): string => stable(canonSchema(m))
  const freeB = new Set(mb.keys())
  const freeA = new Set(ma.keys())
  const pair = (i: number, j: number): void => {
    freeB.delete(i)
    freeA.delete(j)
    const at = { pb: ptr(loc.pb, kw, i), pa: ptr(loc.pa, kw, j), label: `${loc.label}<${kw}[${j}]>` }
    diffSchema(ctx, mb[i], ma[j], at, dirs, seen)
  }
  for (const i of mb.keys()) {
    const j = [...freeA].find((x) => keyOf(ma[x]) === keyOf(mb[i]))
    if (j !== undefined) pair(i, j)
  }
  // Inline members that changed: pair them in order when the counts allow no other reading.
  const inline = (list: unknown[], free: Set<number>): number[] => [...free].filter((i) => !(isObj(list[i]) && typeof list[i].$ref === 'string'))
  const ib = inline(mb, freeB)
  const ia = inline(ma, freeA)
  if (ib.length === ia.length) ib.forEach((i, n) => pair(i, ia[n]!))
  const name = (m: unknown, i: number): string => {
    if (isObj(m) && typeof m.$ref === 'string') return refName(m.$ref)
    const t = isObj(m) ? typeSet(m) : undefined
    return `#${i}${t ? ` (${fmtTypes(t)})` : ''}`
  }
  const alt = kw !== 'allOf'
  for (const i of freeB) {
    const rule: Rule = alt
      ? { what: `alternative ${name(mb[i], i)} removed from ${kw}`, req: 'breaking', res: 'non-breaking' }
      : { what: `composition changed (allOf member ${name(mb[i], i)} removed)`, req: 'breaking', res: 'breaking' }
    emitDirs(ctx, dirs, ptr(loc.pb, kw, i), loc.label, rule)
  }
  for (const j of freeA) {
    const rule: Rule = alt
      ? { what: `alternative ${name(ma[j], j)} added to ${kw}`, req: 'non-breaking', res: 'breaking', resNote: 'callers handling every case must handle it' }
      : { what: `composition changed (allOf member ${name(ma[j], j)} added)`, req: 'breaking', res: 'non-breaking' }
    emitDirs(ctx, dirs, ptr(loc.pa, kw, j), loc.label, rule)
  }
}

function diffFlags(ctx: Ctx, B: Obj, A: Obj, loc: Loc, dirs: readonly Dir[]): void {
  // Semver: announcing a deprecation is a minor release.
  if ((B.deprecated === true) !== (A.deprecated === true)) {
    emit(ctx, 'non-breaking', ptr(loc.pa, 'deprecated'), `${A.deprecated === true ? 'deprecated' : 'no longer deprecated'}: ${loc.label}`)
  }
  const reqDirs = dirs.filter((d) => d !== 'response')
  const resDirs = dirs.filter((d) => d !== 'request')
  if ((B.readOnly === true) !== (A.readOnly === true)) {
    const rule: Rule = A.readOnly === true
      ? { what: 'property became read-only', req: 'breaking', res: 'non-breaking' }
      : { what: 'property no longer read-only', req: 'non-breaking', res: 'non-breaking' }
    emitDirs(ctx, reqDirs, ptr(loc.pa, 'readOnly'), loc.label, rule)
  }
  if ((B.writeOnly === true) !== (A.writeOnly === true)) {
    const rule: Rule = A.writeOnly === true
      ? { what: 'property became write-only', req: 'non-breaking', res: 'breaking', resNote: 'no longer returned' }
      : { what: 'property no longer write-only', req: 'non-breaking', res: 'non-breaking' }
    emitDirs(ctx, resDirs, ptr(loc.pa, 'writeOnly'), loc.label, rule)
  }
  if (!same(B.default, A.default)) {
    // A request default is server behaviour for callers that omit the field; in a response it is documentation.
    const rule: Rule = B.default === undefined
      ? { what: `default added (${show(A.default)})`, req: 'non-breaking', res: 'docs' }
      : { what: `default ${changeWord(B.default, A.default)} (${show(B.default)} → ${show(A.default)})`, req: 'breaking', res: 'docs', reqNote: 'callers omitting it get different behaviour' }
    emitDirs(ctx, dirs, ptr(has(A, 'default') ? loc.pa : loc.pb, 'default'), loc.label, rule)
  }
}

// ---------------------------------------------------------------------------------------------------
// Parameters, bodies, responses

/** `in:name` identity of a parameter; header names are case-insensitive. */
function paramKey(p: Obj): string {
  const inn = String(p.in ?? '')
  const name = String(p.name ?? '')
  return `${inn}:${inn === 'header' ? name.toLowerCase() : name}`
}
const isRequiredParam = (p: Obj): boolean => p.required === true || p.in === 'path'
const paramLabel = (p: Obj): string => `${String(p.in ?? '?')} parameter ${String(p.name ?? '?')}`
const skipSameComponent = (rb: string | undefined, ra: string | undefined, kind: string): boolean =>
  rb !== undefined && rb === ra && rb.startsWith(`#/components/${kind}/`)

function diffContent(ctx: Ctx, cb: unknown, ca: unknown, pb: string, pa: string, label: string, dirs: readonly Dir[]): void {
  const B = asObj(cb)
  const A = asObj(ca)
  for (const mt of keysOf(B, A)) {
    if (!has(A, mt)) {
      emitDirs(ctx, dirs, ptr(pb, mt), label, { what: `media type ${mt} removed`, req: 'breaking', res: 'breaking' }, false)
      continue
    }
    if (!has(B, mt)) {
      // Clients pick the response media type with Accept, so a new one is optional for them.
      emitDirs(ctx, dirs, ptr(pa, mt), label, { what: `media type ${mt} added`, req: 'non-breaking', res: 'non-breaking' }, false)
      continue
    }
    const mb = asObj(B[mt])
    const ma = asObj(A[mt])
    const at = `${label} (${mt})`
    diffDocs(ctx, mb, ma, ptr(pb, mt), ptr(pa, mt), at, isDocOrExt('example', 'examples'))
    if (has(mb, 'schema') || has(ma, 'schema')) {
      diffSchema(ctx, mb.schema, ma.schema, { pb: ptr(pb, mt, 'schema'), pa: ptr(pa, mt, 'schema'), label: at }, dirs, new Set())
    }
    diffRest(ctx, mb, ma, ptr(pb, mt), ptr(pa, mt), at, ['schema'], isDocOrExt('example', 'examples'))
  }
}

/** Parameters and headers share everything but identity. */
function diffParamLike(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, label: string, dirs: readonly Dir[], header: boolean): void {
  const reqB = header ? b.required === true : isRequiredParam(b)
  const reqA = header ? a.required === true : isRequiredParam(a)
  const kind = header ? 'header' : 'parameter'
  if (!reqB && reqA) emitDirs(ctx, dirs, ptr(pa, 'required'), label, { what: `${kind} became required`, req: 'breaking', res: 'non-breaking' }, false)
  if (reqB && !reqA) emitDirs(ctx, dirs, ptr(pa, 'required'), label, { what: `${kind} no longer required`, req: 'non-breaking', res: 'breaking', resNote: 'callers relied on it being present' }, false)
  if ((b.deprecated === true) !== (a.deprecated === true)) {
    emit(ctx, 'non-breaking', ptr(pa, 'deprecated'), `${a.deprecated === true ? 'deprecated' : 'no longer deprecated'}: ${label}`)
  }
  diffDocs(ctx, b, a, pb, pa, label, isDocOrExt('description', 'example', 'examples'))
  // Serialization: compare effective values so spelling out a default is not a change.
  const style = (p: Obj): string => String(p.style ?? (p.in === 'query' || p.in === 'cookie' ? 'form' : 'simple'))
  const explode = (p: Obj): boolean => (typeof p.explode === 'boolean' ? p.explode : style(p) === 'form')
  if (style(b) !== style(a) || explode(b) !== explode(a) || (b.allowReserved === true) !== (a.allowReserved === true)) {
    emitDirs(ctx, dirs, pa, label, { what: `${kind} serialization changed`, req: 'breaking', res: 'breaking' }, false)
  }
  if ((b.allowEmptyValue === true) !== (a.allowEmptyValue === true)) {
    emitDirs(ctx, dirs, ptr(pa, 'allowEmptyValue'), label, {
      what: `empty value ${a.allowEmptyValue === true ? 'now allowed' : 'no longer allowed'}`,
      ...TIGHTNESS_RULE[a.allowEmptyValue === true ? 'loosened' : 'tightened'],
    })
  }
  if (has(b, 'schema') || has(a, 'schema')) {
    diffSchema(ctx, b.schema, a.schema, { pb: ptr(pb, 'schema'), pa: ptr(pa, 'schema'), label }, dirs, new Set())
  }
  if (has(b, 'content') || has(a, 'content')) diffContent(ctx, b.content, a.content, ptr(pb, 'content'), ptr(pa, 'content'), label, dirs)
  const handled = ['name', 'in', 'required', 'deprecated', 'style', 'explode', 'allowReserved', 'allowEmptyValue', 'schema', 'content']
  diffRest(ctx, b, a, pb, pa, label, handled, isDocOrExt('description', 'example', 'examples'))
}

interface ParamEntry { node: Obj; ptr: string; ref?: string }

/** Path-level parameters overridden by operation-level ones with the same identity. */
function effectiveParams(doc: Obj, item: Obj, itemPtr: string, op: Obj, opPtr: string): Map<string, ParamEntry> {
  const out = new Map<string, ParamEntry>()
  for (const [list, base] of [[item.parameters, ptr(itemPtr, 'parameters')], [op.parameters, ptr(opPtr, 'parameters')]] as const) {
    asArr(list)?.forEach((p, i) => {
      const r = deref(doc, p, ptr(base, i))
      if (!isObj(r.node)) return
      out.set(paramKey(r.node), r.ref === undefined ? { node: r.node, ptr: ptr(base, i) } : { node: r.node, ptr: r.ptr, ref: r.ref })
    })
  }
  return out
}

function diffParams(ctx: Ctx, pb: Map<string, ParamEntry>, pa: Map<string, ParamEntry>, opLabel: string, dirs: readonly Dir[]): void {
  for (const k of [...new Set([...pb.keys(), ...pa.keys()])].sort(byCode)) {
    const eb = pb.get(k)
    const ea = pa.get(k)
    if (eb && !ea) {
      // Optional too: callers that send it stop type-checking.
      emitDirs(ctx, dirs, eb.ptr, `${paramLabel(eb.node)} of ${opLabel}`, { what: 'parameter removed', req: 'breaking', res: 'breaking' }, false)
    } else if (!eb && ea) {
      const rule: Rule = isRequiredParam(ea.node)
        ? { what: 'required parameter added', req: 'breaking', res: 'non-breaking' }
        : { what: 'optional parameter added', req: 'non-breaking', res: 'non-breaking' }
      emitDirs(ctx, dirs, ea.ptr, `${paramLabel(ea.node)} of ${opLabel}`, rule, false)
    } else if (eb && ea && !skipSameComponent(eb.ref, ea.ref, 'parameters')) {
      diffParamLike(ctx, eb.node, ea.node, eb.ptr, ea.ptr, `${paramLabel(ea.node)} of ${opLabel}`, dirs, false)
    }
  }
}

/** `subject` names the body in required-ness messages; `label` prefixes its content. */
function diffRequestBodyObj(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, subject: string, label: string, dirs: readonly Dir[]): void {
  if ((b.required === true) !== (a.required === true)) {
    const rule: Rule = a.required === true
      ? { what: 'request body became required', req: 'breaking', res: 'non-breaking' }
      : { what: 'request body no longer required', req: 'non-breaking', res: 'breaking' }
    emitDirs(ctx, dirs, ptr(pa, 'required'), subject, rule, false)
  }
  diffDocs(ctx, b, a, pb, pa, label, isDocOrExt('description'))
  diffContent(ctx, b.content, a.content, ptr(pb, 'content'), ptr(pa, 'content'), label, dirs)
  diffRest(ctx, b, a, pb, pa, label, ['required', 'content'], isDocOrExt('description'))
}

function diffRequestBody(ctx: Ctx, rb: unknown, ra: unknown, pb: string, pa: string, opLabel: string, dirs: readonly Dir[]): void {
  if (rb === undefined && ra === undefined) return
  const label = `request body of ${opLabel}`
  if (ra === undefined) return emitDirs(ctx, dirs, pb, opLabel, { what: 'request body removed', req: 'breaking', res: 'breaking' }, false)
  const da = deref(ctx.a, ra, pa)
  if (rb === undefined) {
    const rule: Rule = asObj(da.node).required === true
      ? { what: 'required request body added', req: 'breaking', res: 'non-breaking' }
      : { what: 'optional request body added', req: 'non-breaking', res: 'non-breaking' }
    return emitDirs(ctx, dirs, pa, opLabel, rule, false)
  }
  const db = deref(ctx.b, rb, pb)
  if (skipSameComponent(db.ref, da.ref, 'requestBodies')) return
  diffRequestBodyObj(ctx, asObj(db.node), asObj(da.node), db.ptr, da.ptr, opLabel, label, dirs)
}

function diffResponseObj(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, label: string, dirs: readonly Dir[]): void {
  diffDocs(ctx, b, a, pb, pa, label, isDocOrExt('description'))
  // Headers: case-insensitive names; Content-Type is described by `content` instead.
  const byName = (h: unknown): Map<string, string> =>
    new Map(Object.keys(asObj(h)).filter((n) => n.toLowerCase() !== 'content-type').map((n) => [n.toLowerCase(), n]))
  const hb = byName(b.headers)
  const ha = byName(a.headers)
  for (const k of [...new Set([...hb.keys(), ...ha.keys()])].sort(byCode)) {
    const nb = hb.get(k)
    const na = ha.get(k)
    const hLabel = `header ${na ?? nb ?? k} of ${label}`
    if (nb !== undefined && na === undefined) {
      emitDirs(ctx, dirs, ptr(pb, 'headers', nb), label, { what: `header ${nb} removed`, req: 'breaking', res: 'breaking' }, false)
    } else if (nb === undefined && na !== undefined) {
      const node = asObj(deref(ctx.a, asObj(a.headers)[na], '').node)
      const rule: Rule = node.required === true
        ? { what: `required header ${na} added`, req: 'breaking', res: 'non-breaking' }
        : { what: `header ${na} added`, req: 'non-breaking', res: 'non-breaking' }
      emitDirs(ctx, dirs, ptr(pa, 'headers', na), label, rule, false)
    } else if (nb !== undefined && na !== undefined) {
      const db = deref(ctx.b, asObj(b.headers)[nb], ptr(pb, 'headers', nb))
      const da = deref(ctx.a, asObj(a.headers)[na], ptr(pa, 'headers', na))
      if (!skipSameComponent(db.ref, da.ref, 'headers')) diffParamLike(ctx, asObj(db.node), asObj(da.node), db.ptr, da.ptr, hLabel, dirs, true)
    }
  }
  diffContent(ctx, b.content, a.content, ptr(pb, 'content'), ptr(pa, 'content'), label, dirs)
  if (!same(b.links, a.links)) emit(ctx, 'non-breaking', ptr(pa, 'links'), `links changed: ${label}`)
  diffRest(ctx, b, a, pb, pa, label, ['headers', 'content', 'links'], isDocOrExt('description'))
}

function diffResponses(ctx: Ctx, rb: unknown, ra: unknown, pb: string, pa: string, opLabel: string, dirs: readonly Dir[]): void {
  const B = asObj(rb)
  const A = asObj(ra)
  for (const code of keysOf(B, A)) {
    const label = `response ${code} of ${opLabel}`
    // A success status is data callers read; error statuses are usually handled generically.
    const success = /^2/.test(code)
    if (!has(A, code)) {
      emitDirs(ctx, dirs, ptr(pb, code), opLabel, { what: `response ${code} removed`, req: 'breaking', res: success ? 'breaking' : 'non-breaking' }, false)
    } else if (!has(B, code)) {
      const rule: Rule = success
        ? { what: `success response ${code} added`, req: 'non-breaking', res: 'breaking', resNote: 'callers handling every success status must handle it' }
        : { what: `response ${code} added`, req: 'non-breaking', res: 'non-breaking' }
      emitDirs(ctx, dirs, ptr(pa, code), opLabel, rule, false)
    } else {
      const db = deref(ctx.b, B[code], ptr(pb, code))
      const da = deref(ctx.a, A[code], ptr(pa, code))
      if (!skipSameComponent(db.ref, da.ref, 'responses')) diffResponseObj(ctx, asObj(db.node), asObj(da.node), db.ptr, da.ptr, label, dirs)
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Security and servers

type Alternative = Map<string, Set<string>>

/** Requirement alternatives; absent or empty means "no authentication". */
function normSecurity(x: unknown): Alternative[] {
  const list = asArr(x)
  if (!list || list.length === 0) return [new Map()]
  return list.map((req) => new Map(Object.entries(asObj(req)).map(([k, v]) => [k, new Set(strArr(v))])))
}
const fmtAlt = (alt: Alternative): string =>
  alt.size === 0 ? 'none' : [...alt].map(([k, s]) => (s.size ? `${k}[${[...s].sort(byCode).join(' ')}]` : k)).sort(byCode).join(' + ')
const fmtSecurity = (alts: Alternative[]): string => [...new Set(alts.map(fmtAlt))].sort(byCode).join(' | ')
/** Whether a caller satisfying `have` satisfies `need` too. */
const satisfies = (have: Alternative, need: Alternative): boolean =>
  [...need].every(([k, scopes]) => have.has(k) && [...scopes].every((s) => have.get(k)!.has(s)))

function diffSecurity(ctx: Ctx, sb: unknown, sa: unknown, pointer: string, label: string): void {
  const B = normSecurity(sb)
  const A = normSecurity(sa)
  if (fmtSecurity(B) === fmtSecurity(A)) return
  // Breaking when some credential set callers use today no longer satisfies any alternative.
  const broken = B.some((have) => !A.some((need) => satisfies(have, need)))
  emit(ctx, broken ? 'breaking' : 'non-breaking', pointer, `security requirements ${broken ? 'changed' : 'relaxed'} (${fmtSecurity(B)} → ${fmtSecurity(A)}): ${label}`)
}

function diffSecurityScheme(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, name: string): void {
  const label = `security scheme ${name}`
  const field = (k: string, what: string, norm: (v: unknown) => unknown = (v) => v): void => {
    if (!same(norm(b[k]), norm(a[k]))) emit(ctx, 'breaking', ptr(pa, k), `${what} changed (${show(b[k])} → ${show(a[k])}): ${label}`)
  }
  if (!same(b.type, a.type)) {
    // A different kind of credential: the other fields are not comparable.
    emit(ctx, 'breaking', ptr(pa, 'type'), `type changed (${show(b.type)} → ${show(a.type)}): ${label}`)
    diffDocs(ctx, b, a, pb, pa, label, isDocOrExt('description', 'bearerFormat'))
    return
  }
  field('in', 'location')
  const headerish = b.in === 'header' && a.in === 'header'
  if (headerish && typeof b.name === 'string' && typeof a.name === 'string' && b.name !== a.name && b.name.toLowerCase() === a.name.toLowerCase()) {
    emit(ctx, 'docs', ptr(pa, 'name'), `header name case changed (${b.name} → ${a.name}): ${label}`) // HTTP header names are case-insensitive
  } else field('name', headerish ? 'header name' : 'name')
  field('scheme', 'HTTP scheme', (v) => (typeof v === 'string' ? v.toLowerCase() : v)) // RFC 9110: case-insensitive
  field('openIdConnectUrl', 'OpenID Connect URL')
  const fb = asObj(b.flows)
  const fa = asObj(a.flows)
  for (const flow of keysOf(fb, fa)) {
    const at = ptr(pa, 'flows', flow)
    if (!has(fa, flow)) { emit(ctx, 'breaking', ptr(pb, 'flows', flow), `OAuth flow ${flow} removed: ${label}`); continue }
    if (!has(fb, flow)) { emit(ctx, 'non-breaking', at, `OAuth flow ${flow} added: ${label}`); continue }
    const xb = asObj(fb[flow])
    const xa = asObj(fa[flow])
    for (const k of ['authorizationUrl', 'tokenUrl', 'refreshUrl']) {
      if (!same(xb[k], xa[k])) emit(ctx, 'breaking', ptr(at, k), `OAuth ${flow} ${k} changed (${show(xb[k])} → ${show(xa[k])}): ${label}`)
    }
    const sb = asObj(xb.scopes)
    const sa = asObj(xa.scopes)
    for (const s of keysOf(sb, sa)) {
      if (!has(sa, s)) emit(ctx, 'breaking', ptr(pb, 'flows', flow, 'scopes', s), `OAuth scope ${s} removed: ${label}`)
      else if (!has(sb, s)) emit(ctx, 'non-breaking', ptr(at, 'scopes', s), `OAuth scope ${s} added: ${label}`)
      else if (!same(sb[s], sa[s])) emit(ctx, 'docs', ptr(at, 'scopes', s), `OAuth scope ${s} description changed: ${label}`)
    }
  }
  diffDocs(ctx, b, a, pb, pa, label, isDocOrExt('description', 'bearerFormat'))
  diffRest(ctx, b, a, pb, pa, label, ['type', 'in', 'name', 'scheme', 'openIdConnectUrl', 'flows'], isDocOrExt('description', 'bearerFormat'))
}

/** Servers; absent or empty means `/` (relative to wherever the document was served). */
function diffServers(ctx: Ctx, sb: unknown, sa: unknown, pointer: string, label: string): void {
  const norm = (x: unknown): Map<string, Obj> => {
    const list = (asArr(x) ?? []).filter(isObj)
    const servers = list.length ? list : [{ url: '/' }]
    return new Map(servers.map((s) => [String(s.url ?? '').replace(/(.)\/$/, '$1'), s]))
  }
  const B = norm(sb)
  const A = norm(sa)
  const removed = [...B.keys()].filter((u) => !A.has(u))
  const added = [...A.keys()].filter((u) => !B.has(u))
  if (removed.length === 1 && added.length === 1) {
    emit(ctx, 'breaking', pointer, `server URL changed (${removed[0]} → ${added[0]}): ${label}`)
  } else {
    for (const u of removed) emit(ctx, 'breaking', pointer, `server removed (${u}): ${label}`)
    for (const u of added) emit(ctx, 'non-breaking', pointer, `server added (${u}): ${label}`)
  }
  for (const [u, b] of B) {
    const a = A.get(u)
    if (!a) continue
    const vars = (s: Obj): unknown => Object.fromEntries(Object.entries(asObj(s.variables)).map(([k, v]) => [k, omit(asObj(v), 'description')]))
    if (!same(vars(b), vars(a))) emit(ctx, 'breaking', pointer, `server variables changed (${u}): ${label}`)
    else if (!same(b.variables, a.variables)) emit(ctx, 'docs', pointer, `server variable descriptions changed (${u}): ${label}`)
    if (!same(b.description, a.description)) emit(ctx, 'docs', pointer, `server description changed (${u}): ${label}`)
    if (b.url !== a.url) emit(ctx, 'docs', pointer, `server URL spelling changed (${String(b.url)} → ${String(a.url)}): ${label}`)
  }
}

// ---------------------------------------------------------------------------------------------------
// Paths, operations, components, document

interface Scope {
  /** Servers in effect at the enclosing level (inherited when an operation sets none). */
  serversB: unknown
  serversA: unknown
  /** Callbacks and webhooks are requests the server sends: the directions swap. */
  flip: boolean
}

function diffPathMap(ctx: Ctx, mb: unknown, ma: unknown, pb: string, pa: string, scope: Scope, labelOf: (key: string) => string, kind: string): void {
  const B = asObj(mb)
  const A = asObj(ma)
  for (const key of keysOf(B, A)) {
    const label = labelOf(key)
    if (!has(A, key)) emit(ctx, 'breaking', ptr(pb, key), `${kind} removed: ${label}`)
    else if (!has(B, key)) emit(ctx, 'non-breaking', ptr(pa, key), `${kind} added: ${label}`)
    else {
      const db = deref(ctx.b, B[key], ptr(pb, key))
      const da = deref(ctx.a, A[key], ptr(pa, key))
      diffPathItem(ctx, asObj(db.node), asObj(da.node), db.ptr, da.ptr, scope, label)
    }
  }
}

function diffPathItem(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, scope: Scope, label: string): void {
  diffDocs(ctx, b, a, pb, pa, label, isDocOrExt('summary', 'description'))
  const inner: Scope = { ...scope, serversB: b.servers ?? scope.serversB, serversA: a.servers ?? scope.serversA }
  if (has(b, 'servers') || has(a, 'servers')) diffServers(ctx, inner.serversB, inner.serversA, ptr(pa, 'servers'), label)
  for (const m of METHODS) {
    const opLabel = `${m.toUpperCase()} ${label}`
    if (isObj(b[m]) && !isObj(a[m])) emit(ctx, 'breaking', ptr(pb, m), `operation removed: ${opLabel}`)
    else if (!isObj(b[m]) && isObj(a[m])) emit(ctx, 'non-breaking', ptr(pa, m), `operation added: ${opLabel}`)
    else if (isObj(b[m]) && isObj(a[m])) diffOperation(ctx, b, a, pb, pa, m, inner, opLabel)
  }
  diffRest(ctx, b, a, pb, pa, label, [...METHODS, 'servers', 'parameters'], isDocOrExt('summary', 'description'))
}

function diffOperation(ctx: Ctx, itemB: Obj, itemA: Obj, itemPb: string, itemPa: string, method: string, scope: Scope, label: string): void {
  const b = asObj(itemB[method])
  const a = asObj(itemA[method])
  const pb = ptr(itemPb, method)
  const pa = ptr(itemPa, method)
  const reqDirs: Dir[] = [scope.flip ? 'response' : 'request']
  const resDirs: Dir[] = [scope.flip ? 'request' : 'response']
  const isDoc = isDocOrExt('summary', 'description', 'tags', 'externalDocs')
  diffDocs(ctx, b, a, pb, pa, label, isDoc)
  // Generated clients name methods and types after operationId.
  if (!same(b.operationId, a.operationId)) {
    emit(ctx, b.operationId === undefined ? 'non-breaking' : 'breaking', ptr(pa, 'operationId'), `operationId ${changeWord(b.operationId, a.operationId)} (${show(b.operationId)} → ${show(a.operationId)}): ${label}`)
  }
  if ((b.deprecated === true) !== (a.deprecated === true)) {
    emit(ctx, 'non-breaking', ptr(pa, 'deprecated'), `${a.deprecated === true ? 'deprecated' : 'no longer deprecated'}: ${label}`)
  }
  diffParams(ctx, effectiveParams(ctx.b, itemB, itemPb, b, pb), effectiveParams(ctx.a, itemA, itemPa, a, pa), label, reqDirs)
  diffRequestBody(ctx, b.requestBody, a.requestBody, ptr(pb, 'requestBody'), ptr(pa, 'requestBody'), label, reqDirs)
  diffResponses(ctx, b.responses, a.responses, ptr(pb, 'responses'), ptr(pa, 'responses'), label, resDirs)
  if (has(b, 'security') || has(a, 'security')) {
    diffSecurity(ctx, b.security ?? ctx.b.security, a.security ?? ctx.a.security, ptr(pa, 'security'), label)
  }
  if (has(b, 'servers') || has(a, 'servers')) diffServers(ctx, b.servers ?? scope.serversB, a.servers ?? scope.serversA, ptr(pa, 'servers'), label)
  const cb = asObj(b.callbacks)
  const ca = asObj(a.callbacks)
  for (const name of keysOf(cb, ca)) {
    const at = ptr(pa, 'callbacks', name)
    if (!has(ca, name)) emit(ctx, 'breaking', ptr(pb, 'callbacks', name), `callback removed: ${name} of ${label}`)
    else if (!has(cb, name)) emit(ctx, 'non-breaking', at, `callback added: ${name} of ${label}`)
    else {
      const db = deref(ctx.b, cb[name], ptr(pb, 'callbacks', name))
      const da = deref(ctx.a, ca[name], at)
      const inner: Scope = { ...scope, flip: !scope.flip }
      diffPathMap(ctx, db.node, da.node, db.ptr, da.ptr, inner, (expr) => `callback ${name} ${expr} of ${label}`, 'callback URL')
    }
  }
  const handled = ['operationId', 'deprecated', 'parameters', 'requestBody', 'responses', 'security', 'servers', 'callbacks']
  diffRest(ctx, b, a, pb, pa, label, handled, isDoc)
}

/** Sides from which a component is used in either version; unused schemas are judged as public types. */
function usageDirs(sets: (Set<Side> | undefined)[], fallback: Dir[]): Dir[] {
  const all = new Set(sets.flatMap((s) => (s ? [...s] : [])))
  const dirs = (['request', 'response'] as const).filter((d) => all.has(d))
  return dirs.length ? dirs : fallback
}

function diffComponents(ctx: Ctx): void {
  const cb = asObj(ctx.b.components)
  const ca = asObj(ctx.a.components)
  for (const kind of keysOf(cb, ca)) {
    const B = asObj(cb[kind])
    const A = asObj(ca[kind])
    const base = ptr('/components', kind)
    if (kind.startsWith('x-')) {
      if (!same(cb[kind], ca[kind])) emit(ctx, 'docs', base, `components extension ${kind} ${changeWord(cb[kind], ca[kind])}`)
      continue
    }
    for (const name of keysOf(B, A)) {
      const at = ptr(base, name)
      const ref = `#/components/${escSeg(kind)}/${escSeg(name)}`
      if (kind === 'schemas') {
        const used = ctx.usageB.schemas.has(name)
        // Every named schema is an exported type (components['schemas'][name]).
        if (!has(A, name)) emit(ctx, 'breaking', at, `component schema removed: ${name}${used ? '' : ' (unreferenced, but exported as a public type)'}`)
        else if (!has(B, name)) emit(ctx, 'non-breaking', at, `component schema added: ${name}`)
        else {
          const dirs = usageDirs([ctx.usageB.schemas.get(name), ctx.usageA.schemas.get(name)], ['unreferenced'])
          diffSchema(ctx, B[name], A[name], { pb: at, pa: at, label: name }, dirs, new Set())
        }
        continue
      }
      if (kind === 'examples') {
        if (!same(B[name], A[name])) emit(ctx, 'docs', at, `example ${changeWord(B[name], A[name])}: ${name}`)
        continue
      }
      if (kind === 'securitySchemes') {
        if (!has(A, name)) emit(ctx, 'breaking', at, `security scheme removed: ${name}`)
        else if (!has(B, name)) emit(ctx, 'non-breaking', at, `security scheme added: ${name}`)
        else {
          const db = deref(ctx.b, B[name], at)
          const da = deref(ctx.a, A[name], at)
          diffSecurityScheme(ctx, asObj(db.node), asObj(da.node), db.ptr, da.ptr, name)
        }
        continue
      }
      // Other reusable objects: their effect on callers is reported where operations use them.
      if (!has(A, name) || !has(B, name)) {
        emit(ctx, 'non-breaking', at, `component ${kind}.${name} ${has(A, name) ? 'added' : 'removed'}`)
        continue
      }
      const db = deref(ctx.b, B[name], at)
      const da = deref(ctx.a, A[name], at)
      const nb = asObj(db.node)
      const na = asObj(da.node)
      const used = [ctx.usageB.refs.get(ref), ctx.usageA.refs.get(ref)]
      if (kind === 'parameters') diffParamLike(ctx, nb, na, db.ptr, da.ptr, `${paramLabel(na)} (${kind}.${name})`, usageDirs(used, ['request']), false)
      else if (kind === 'requestBodies') diffRequestBodyObj(ctx, nb, na, db.ptr, da.ptr, `components.requestBodies.${name}`, `request body ${name}`, usageDirs(used, ['request']))
      else if (kind === 'responses') diffResponseObj(ctx, nb, na, db.ptr, da.ptr, `response ${name}`, usageDirs(used, ['response']))
      else if (kind === 'headers') diffParamLike(ctx, nb, na, db.ptr, da.ptr, `header ${name}`, usageDirs(used, ['response']), true)
      else if (kind === 'links') {
        if (!same(nb, na)) emit(ctx, 'non-breaking', at, `link changed: ${name}`)
      }
      // pathItems and callbacks are compared where they are used.
    }
  }
}

function diffInfo(ctx: Ctx, b: Obj, a: Obj): void {
  for (const k of keysOf(b, a)) {
    if (same(b[k], a[k])) continue
    const detail = typeof b[k] !== 'object' && typeof a[k] !== 'object' ? ` (${show(b[k])} → ${show(a[k])})` : ''
    emit(ctx, 'docs', ptr('/info', k), `info.${k} ${changeWord(b[k], a[k])}${detail}`)
  }
}

function diffTags(ctx: Ctx, b: unknown, a: unknown): void {
  const byName = (x: unknown): Map<string, Obj> => new Map((asArr(x) ?? []).filter(isObj).map((t) => [String(t.name), t]))
  const B = byName(b)
  const A = byName(a)
  for (const n of [...new Set([...B.keys(), ...A.keys()])].sort(byCode)) {
    if (!same(B.get(n), A.get(n))) emit(ctx, 'docs', '/tags', `tag ${changeWord(B.get(n), A.get(n))}: ${n}`)
  }
}

/**
 * Lists every difference between two bundled OpenAPI documents that matters to API clients, classified by
 * severity. `x-generated` keys are ignored. Named schemas are compared once, from the side(s) — request,
 * response or both — from which operations reach them in either version; `$ref` cycles are handled.
 * Order: breaking, non-breaking, docs; then by pointer and message.
 */
export function diffSpecs(before: OpenAPIDoc, after: OpenAPIDoc): SpecChange[] {
  const b = asObj(stripGenerated(before))
  const a = asObj(stripGenerated(after))
  const ctx: Ctx = { b, a, usageB: computeUsage(b), usageA: computeUsage(a), out: [] }
  const root: Scope = { serversB: b.servers, serversA: a.servers, flip: false }
  for (const k of keysOf(b, a)) {
    // Path items may be `$ref`s whose targets changed, so paths are always walked.
    if (same(b[k], a[k]) && k !== 'paths' && k !== 'webhooks') continue
    switch (k) {
      case 'openapi':
        emit(ctx, 'docs', '/openapi', `OpenAPI version changed (${show(b[k])} → ${show(a[k])})`)
        break
      case 'info':
        diffInfo(ctx, asObj(b.info), asObj(a.info))
        break
      case 'servers':
        diffServers(ctx, b.servers, a.servers, '/servers', 'document')
        break
      case 'security':
        diffSecurity(ctx, b.security, a.security, '/security', 'document')
        break
      case 'tags':
        diffTags(ctx, b.tags, a.tags)
        break
      case 'externalDocs':
        emit(ctx, 'docs', '/externalDocs', 'externalDocs changed')
        break
      case 'paths':
        diffPathMap(ctx, b.paths, a.paths, '/paths', '/paths', root, (p) => p, 'path')
        break
      case 'webhooks':
        diffPathMap(ctx, b.webhooks, a.webhooks, '/webhooks', '/webhooks', { ...root, flip: true }, (w) => `webhook ${w}`, 'webhook')
        break
      case 'components':
        diffComponents(ctx)
        break
      default:
        if (k.startsWith('x-')) emit(ctx, 'docs', ptr('', k), `extension ${k} ${changeWord(b[k], a[k])}`)
        else emit(ctx, 'breaking', ptr('', k), `${k} ${changeWord(b[k], a[k])}`) // e.g. jsonSchemaDialect: unknown → breaking
    }
  }
  return sortChanges(ctx.out)
}

/** Removes exact duplicates and sorts by severity, pointer, message. */
function sortChanges(changes: SpecChange[]): SpecChange[] {
  const seen = new Set<string>()
  return changes
    .filter((c) => {
      const k = `${c.provider ?? ''}\0${c.severity}\0${c.pointer}\0${c.message}`
      if (seen.has(k)) return false
      seen.add(k)
      return true
    })
    .sort((x, y) => RANK[x.severity] - RANK[y.severity] || byCode(x.pointer, y.pointer) || byCode(x.message, y.message))
}

/** The semver bump the changes call for: any breaking → major, non-breaking → minor, docs → patch. */
export function verdict(changes: SpecChange[]): 'major' | 'minor' | 'patch' | 'none' {
  if (changes.some((c) => c.severity === 'breaking')) return 'major'
  if (changes.some((c) => c.severity === 'non-breaking')) return 'minor'
  return changes.length ? 'patch' : 'none'
}

const SEVERITIES: readonly Severity[] = ['breaking', 'non-breaking', 'docs']
const countOf = (changes: SpecChange[]): string =>
  SEVERITIES.map((s) => `${changes.filter((c) => c.severity === s).length} ${s}`).join(', ')

/**
 * A plain-text table grouped by provider (known providers first) and severity; the last line is
 * `Verdict: <major|minor|patch|none> (...)`.
 */
export function formatReport(changes: SpecChange[]): string {
  if (changes.length === 0) return 'No API changes.\nVerdict: none'
  const order = (p: string | undefined): [number, string] => {
    if (p === undefined) return [-1, '']
    const i = PROVIDERS.indexOf(p)
    return [i < 0 ? PROVIDERS.length : i, p]
  }
  const groups = new Map<string | undefined, SpecChange[]>()
  for (const c of changes) groups.set(c.provider, [...(groups.get(c.provider) ?? []), c])
  const names = [...groups.keys()].sort((x, y) => order(x)[0] - order(y)[0] || byCode(order(x)[1], order(y)[1]))
  const msgWidth = Math.min(100, Math.max('CHANGE'.length, ...changes.map((c) => c.message.length)))
  const sevWidth = 'non-breaking'.length
  const lines: string[] = []
  for (const name of names) {
    const group = groups.get(name) ?? []
    lines.push(`${name ?? 'spec'}: ${countOf(group)} → ${verdict(group)}`)
    lines.push(`  ${'SEVERITY'.padEnd(sevWidth)}  ${'CHANGE'.padEnd(msgWidth)}  POINTER`)
    for (const sev of SEVERITIES) {
      for (const c of group.filter((x) => x.severity === sev)) {
        lines.push(`  ${sev.padEnd(sevWidth)}  ${c.message.padEnd(msgWidth)}  ${c.pointer === '' ? '(document)' : c.pointer}`)
      }
    }
    lines.push('')
  }
  lines.push(`Verdict: ${verdict(changes)} (${countOf(changes)})`)
  return lines.join('\n')
}

// ---------------------------------------------------------------------------------------------------
// CLI

/** Where the CLI reads from and writes to; tests point `cwd` at a scratch repository. */
export interface CliIO {
  /** Package root holding `generated/`; defaults to this script's parent directory. */
  cwd?: string
  out?: (text: string) => void
  err?: (text: string) => void
}

const USAGE = 'usage: tsx scripts/spec-diff.ts [--base <git-rev>] [--json] [--fail-on-breaking]'

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] })
}

/** `generated/<p>/openapi.json` at `rev`, or undefined when it does not exist there. */
function readAtRev(cwd: string, rev: string, rel: string): string | undefined {
  try {
    git(cwd, ['cat-file', '-e', `${rev}:./${rel}`])
  } catch {
    return undefined
  }
  return git(cwd, ['show', `${rev}:./${rel}`])
}

function providersAtRev(cwd: string, rev: string): string[] {
  try {
    return git(cwd, ['ls-tree', '--name-only', '-d', `${rev}:./generated`]).split('\n').filter(Boolean)
  } catch {
    return [] // no generated/ at that revision
  }
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export function runCli(argv: readonly string[], io: CliIO = {}): number {
  const out = io.out ?? ((t: string) => void process.stdout.write(t + '\n'))
  const err = io.err ?? ((t: string) => void process.stderr.write(t + '\n'))
  const cwd = io.cwd ?? resolve(dirname(fileURLToPath(import.meta.url)), '..')
  let base = 'HEAD'
  let json = false
  let failOnBreaking = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--json') json = true
    else if (arg === '--fail-on-breaking') failOnBreaking = true
    else if (arg === '--base' && argv[i + 1] !== undefined) base = argv[++i]!
    else if (arg.startsWith('--base=')) base = arg.slice('--base='.length)
    else if (arg === '--help' || arg === '-h') {
      out(USAGE)
      return 0
    } else {
      err(`spec-diff: unexpected argument ${arg}\n${USAGE}`)
      return 2
    }
  }
  try {
    git(cwd, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`])
  } catch {
    err(`spec-diff: ${base} is not a commit in the repository at ${cwd}`)
    return 2
  }
  const genDir = join(cwd, 'generated')
  const local = existsSync(genDir)
    ? readdirSync(genDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
    : []
  const extra = [...new Set([...local, ...providersAtRev(cwd, base)])].filter((p) => !PROVIDERS.includes(p)).sort(byCode)
  const changes: SpecChange[] = []
  for (const provider of [...PROVIDERS, ...extra]) {
    const rel = `generated/${provider}/openapi.json`
    const file = join(cwd, rel)
    const beforeText = readAtRev(cwd, base, rel)
    const afterText = existsSync(file) ? readFileSync(file, 'utf8') : undefined
    if (beforeText === undefined && afterText === undefined) continue
    if (beforeText === undefined) {
      changes.push({ provider, severity: 'non-breaking', pointer: '', message: `provider added: ${provider} (${rel} is not in ${base})` })
      continue
    }
    if (afterText === undefined) {
      changes.push({ provider, severity: 'breaking', pointer: '', message: `provider removed: ${provider} (${rel} is gone from the working tree)` })
      continue
    }
    let before: OpenAPIDoc
    let after: OpenAPIDoc
    try {
      before = JSON.parse(beforeText) as OpenAPIDoc
      after = JSON.parse(afterText) as OpenAPIDoc
    } catch (e) {
      err(`spec-diff: ${rel} is not valid JSON (${(e as Error).message})`)
      return 2
    }
    for (const c of diffSpecs(before, after)) changes.push({ provider, ...c })
  }
  out(json ? JSON.stringify({ base, verdict: verdict(changes), changes }, null, 2) : formatReport(changes))
  return failOnBreaking && changes.some((c) => c.severity === 'breaking') ? 1 : 0
}

function isMain(): boolean {
  const entry = process.argv[1]
  if (entry === undefined) return false
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isMain()) process.exitCode = runCli(process.argv.slice(2))
