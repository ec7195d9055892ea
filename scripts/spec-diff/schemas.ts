/**
 * Schema rules: what a change to a JSON Schema does to the values clients send (request) or receive (response).
 * Named schemas are compared once from the sides that use them; `$ref` cycles stop at the first repeat.
 */
import { changeWord, diffDeprecated, diffDocs, emit, emitDirs, TIGHTNESS_RULE, type Ctx, type Dir, type Rule, type Tightness } from './changes.ts'
import { asArr, asObj, byCode, has, isObj, keysOf, omit, ptr, refName, refPtr, resolveRef, same, schemaNameOf, show, stable, strArr, type Obj } from './json.ts'
import { canonSchema, isSchemaDocKey, SSE_DATA } from './schema-keywords.ts'

export interface Loc {
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
const SCHEMA_HANDLED = [
  '$ref',
  '$defs',
  'type',
  'nullable',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'oneOf',
  'allOf',
  'deprecated',
  'readOnly',
  'writeOnly',
  'default',
  'multipleOf',
  'uniqueItems',
  SSE_DATA,
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  ...RESTRICTIONS,
]
const COMPOSITION_LIKE = [
  'not',
  'if',
  'then',
  'else',
  'discriminator',
  'prefixItems',
  'dependentSchemas',
  'dependentRequired',
  'unevaluatedProperties',
  'unevaluatedItems',
]

/** Compares two schemas seen from `dirs`; `seen` stops cycles through `$ref`s. */
export function diffSchema(ctx: Ctx, b: unknown, a: unknown, loc: Loc, dirs: readonly Dir[], seen: Set<string> = new Set()): void {
  if (same(b, a)) return
  const key = `${loc.pb}|${loc.pa}`
  if (seen.has(key)) return
  seen.add(key)

  if (b === false || a === false) {
    if (b === false) emitDirs(ctx, dirs, loc.pa, loc.label, { what: 'no longer rejects every value', req: 'non-breaking', res: 'breaking' })
    else emitDirs(ctx, dirs, loc.pa, loc.label, { what: 'now rejects every value', req: 'breaking', res: 'non-breaking' })
    return
  }
  const pair = diffRefs(ctx, ...wrapAlternatives(asSchema(b), asSchema(a)), loc, dirs, seen)
  if (!pair) return
  const [B, A] = pair
  diffDocs(ctx, B, A, loc.pb, loc.pa, loc.label, isSchemaDocKey)
  diffType(ctx, B, A, loc, dirs)
  diffEnum(ctx, B, A, loc, dirs)
  diffConstraints(ctx, B, A, loc, dirs)
  diffProperties(ctx, B, A, loc, dirs, seen)
  diffAdditional(ctx, B, A, loc, dirs, seen)
  diffItems(ctx, B, A, loc, dirs, seen)
  for (const kw of ['anyOf', 'oneOf', 'allOf'] as const) diffComposition(ctx, B, A, kw, loc, dirs, seen)
  diffDefs(ctx, B, A, loc, dirs, seen)
  diffFlags(ctx, B, A, loc, dirs)
  if (has(B, SSE_DATA) || has(A, SSE_DATA)) {
    const at = { pb: ptr(loc.pb, SSE_DATA), pa: ptr(loc.pa, SSE_DATA), label: `${loc.label} SSE event data` }
    diffSchema(ctx, B[SSE_DATA], A[SSE_DATA], at, dirs, seen)
  }
  diffOtherKeywords(ctx, B, A, loc, dirs)
}

/**
 * `$ref`s: the same component on both sides is compared once, at component level, and only the siblings of
 * `$ref` are left to compare here (returned); otherwise the targets are compared in full (returns undefined).
 */
function diffRefs(ctx: Ctx, B: Obj, A: Obj, loc: Loc, dirs: readonly Dir[], seen: Set<string>): [Obj, Obj] | undefined {
  const rb = typeof B.$ref === 'string' ? B.$ref : undefined
  const ra = typeof A.$ref === 'string' ? A.$ref : undefined
  if (rb === undefined && ra === undefined) return [B, A]
  if (rb !== undefined && rb === ra) {
    if (schemaNameOf(rb) === undefined) {
      const tb = resolveRef(ctx.b, rb)
      const ta = resolveRef(ctx.a, rb)
      if (tb === undefined || ta === undefined) {
        if (tb !== ta)
          emitDirs(ctx, dirs, loc.pa, loc.label, {
            what: `reference ${rb} ${tb === undefined ? 'now resolves' : 'no longer resolves'}`,
            req: 'breaking',
            res: 'breaking',
          })
      } else diffSchema(ctx, tb, ta, { pb: refPtr(rb), pa: refPtr(rb), label: loc.label }, dirs, seen)
    }
    return [omit(B, '$ref'), omit(A, '$ref')] // siblings of $ref still apply
  }
  const tb = rb === undefined ? B : resolveRef(ctx.b, rb)
  const ta = ra === undefined ? A : resolveRef(ctx.a, ra)
  if (tb === undefined || ta === undefined) {
    emitDirs(ctx, dirs, loc.pa, loc.label, { what: `reference changed (${rb ?? 'inline'} → ${ra ?? 'inline'})`, req: 'breaking', res: 'breaking' })
    return undefined
  }
  if (rb !== undefined && ra !== undefined) emit(ctx, 'docs', ptr(loc.pa, '$ref'), `schema reference changed (${refName(rb)} → ${refName(ra)}): ${loc.label}`)
  const eb = rb === undefined ? B : { ...asSchema(tb), ...omit(B, '$ref') }
  const ea = ra === undefined ? A : { ...asSchema(ta), ...omit(A, '$ref') }
  const next = { pb: rb === undefined ? loc.pb : refPtr(rb), pa: ra === undefined ? loc.pa : refPtr(ra), label: loc.label }
  diffSchema(ctx, eb, ea, next, dirs, seen)
  return undefined
}

function diffItems(ctx: Ctx, B: Obj, A: Obj, loc: Loc, dirs: readonly Dir[], seen: Set<string>): void {
  if (Array.isArray(B.items) || Array.isArray(A.items)) {
    if (!same(canonSchema({ items: B.items }), canonSchema({ items: A.items })))
      emitDirs(ctx, dirs, ptr(loc.pa, 'items'), loc.label, { what: 'tuple items changed', req: 'breaking', res: 'breaking' })
  } else if (has(B, 'items') || has(A, 'items')) {
    diffSchema(ctx, B.items, A.items, { pb: ptr(loc.pb, 'items'), pa: ptr(loc.pa, 'items'), label: `${loc.label}[]` }, dirs, seen)
  }
}

/** Keywords with no dedicated rule (not, if/then/else, discriminator, ...): unknown → breaking. */
function diffOtherKeywords(ctx: Ctx, B: Obj, A: Obj, loc: Loc, dirs: readonly Dir[]): void {
  for (const k of keysOf(B, A)) {
    if (SCHEMA_HANDLED.includes(k) || isSchemaDocKey(k) || same(B[k], A[k])) continue
    const at = ptr(has(A, k) ? loc.pa : loc.pb, k)
    if (same(canonSchema({ [k]: B[k] }), canonSchema({ [k]: A[k] }))) emit(ctx, 'docs', at, `documentation changed inside ${k}: ${loc.label}`)
    else
      emitDirs(ctx, dirs, at, loc.label, {
        what: COMPOSITION_LIKE.includes(k) ? `composition changed (${k} ${changeWord(B[k], A[k])})` : `keyword ${k} ${changeWord(B[k], A[k])}`,
        req: 'breaking',
        res: 'breaking',
      })
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

/** `s` as a one-member `kw` list; its documentation stays outside. */
function asAlternatives(s: Obj, kw: string): Obj {
  const doc = Object.entries(s).filter(([k]) => isSchemaDocKey(k))
  const rest = Object.entries(s).filter(([k]) => !isSchemaDocKey(k))
  return { ...Object.fromEntries(doc), [kw]: [Object.fromEntries(rest)] }
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
    if (wraps(A, kw, B)) return [asAlternatives(B, kw), A]
    if (wraps(B, kw, A)) return [B, asAlternatives(A, kw)]
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
  if (!eb) {
    emitDirs(ctx, dirs, ptr(loc.pa, ea!.key), loc.label, { what: 'enum restriction added', req: 'breaking', res: 'non-breaking' })
    return
  }
  if (!ea) {
    emitDirs(ctx, dirs, ptr(loc.pb, eb.key), loc.label, {
      what: 'enum restriction removed',
      req: 'non-breaking',
      res: 'breaking',
      resNote: 'any value may now arrive',
    })
    return
  }
  const kb = new Set(eb.list.map(stable))
  const ka = new Set(ea.list.map(stable))
  for (const v of eb.list) {
    if (!ka.has(stable(v))) emitDirs(ctx, dirs, ptr(loc.pb, eb.key), loc.label, { what: `enum value ${show(v)} removed`, req: 'breaking', res: 'non-breaking' })
  }
  for (const v of ea.list) {
    if (!kb.has(stable(v)))
      emitDirs(ctx, dirs, ptr(loc.pa, ea.key), loc.label, {
        what: `enum value ${show(v)} added`,
        req: 'non-breaking',
        res: 'non-breaking',
        resNote: 'strict-enum consumers may reject it',
      })
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
  const all = (f: 'readOnly' | 'writeOnly'): boolean => (sb === undefined || flag(sb, ctx.b, f)) && (sa === undefined || flag(sa, ctx.a, f))
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
    else
      emitDirs(ctx, d, ptr(loc.pb, 'required'), label, {
        what: 'property no longer required',
        req: 'non-breaking',
        res: 'breaking',
        resNote: 'callers relied on it being present',
      })
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
    emitDirs(ctx, dirs, ptr(mb ? loc.pb : loc.pa, kw), loc.label, {
      what: `composition changed (${kw} ${mb ? 'removed' : 'added'})`,
      req: 'breaking',
      res: 'breaking',
    })
    return
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
  if (ib.length === ia.length) {
    ib.forEach((i, n) => {
      pair(i, ia[n]!)
    })
  }
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
  diffDeprecated(ctx, B, A, loc.pa, loc.label)
  const reqDirs = dirs.filter((d) => d !== 'response')
  const resDirs = dirs.filter((d) => d !== 'request')
  if ((B.readOnly === true) !== (A.readOnly === true)) {
    const rule: Rule =
      A.readOnly === true
        ? { what: 'property became read-only', req: 'breaking', res: 'non-breaking' }
        : { what: 'property no longer read-only', req: 'non-breaking', res: 'non-breaking' }
    emitDirs(ctx, reqDirs, ptr(loc.pa, 'readOnly'), loc.label, rule)
  }
  if ((B.writeOnly === true) !== (A.writeOnly === true)) {
    const rule: Rule =
      A.writeOnly === true
        ? { what: 'property became write-only', req: 'non-breaking', res: 'breaking', resNote: 'no longer returned' }
        : { what: 'property no longer write-only', req: 'non-breaking', res: 'non-breaking' }
    emitDirs(ctx, resDirs, ptr(loc.pa, 'writeOnly'), loc.label, rule)
  }
  if (!same(B.default, A.default)) {
    // A request default is server behaviour for callers that omit the field; in a response it is documentation.
    const rule: Rule =
      B.default === undefined
        ? { what: `default added (${show(A.default)})`, req: 'non-breaking', res: 'docs' }
        : {
            what: `default ${changeWord(B.default, A.default)} (${show(B.default)} → ${show(A.default)})`,
            req: 'breaking',
            res: 'docs',
            reqNote: 'callers omitting it get different behaviour',
          }
    emitDirs(ctx, dirs, ptr(has(A, 'default') ? loc.pa : loc.pb, 'default'), loc.label, rule)
  }
}
