/**
 * Operation rules: paths, operations, parameters, request bodies, responses and callbacks. Requests are what the
 * client sends and responses what it receives, except in callbacks and webhooks, where the server calls out.
 */
import { changeWord, diffDeprecated, diffDocs, diffNamed, diffRest, emit, emitDirs, TIGHTNESS_RULE, type Ctx, type Dir, type Rule } from './changes.ts'
import { asArr, asObj, byCode, deref, has, isObj, keysOf, ptr, same, show, type Obj } from './json.ts'
import { isDocOrExt } from './schema-keywords.ts'
import { diffSchema } from './schemas.ts'
import { diffSecurity, diffServers } from './security.ts'
import { METHODS } from './usage.ts'

export interface Scope {
  /** Servers in effect at the enclosing level (inherited when an operation sets none). */
  serversB: unknown
  serversA: unknown
  /** Callbacks and webhooks are requests the server sends: the directions swap. */
  flip: boolean
}

/** Paths, webhooks or one callback's URL expressions: `kind` names an entry in messages, `labelOf` its key. */
export function diffPathMap(ctx: Ctx, mb: unknown, ma: unknown, pb: string, pa: string, scope: Scope, labelOf: (key: string) => string, kind: string): void {
  diffNamed(ctx, mb, ma, pb, pa, kind, labelOf, (db, da, key) => diffPathItem(ctx, asObj(db.node), asObj(da.node), db.ptr, da.ptr, scope, labelOf(key)))
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
    emit(
      ctx,
      b.operationId === undefined ? 'non-breaking' : 'breaking',
      ptr(pa, 'operationId'),
      `operationId ${changeWord(b.operationId, a.operationId)} (${show(b.operationId)} → ${show(a.operationId)}): ${label}`,
    )
  }
  diffDeprecated(ctx, b, a, pa, label)
  diffParams(ctx, effectiveParams(ctx.b, itemB, itemPb, b, pb), effectiveParams(ctx.a, itemA, itemPa, a, pa), label, reqDirs)
  diffRequestBody(ctx, b.requestBody, a.requestBody, ptr(pb, 'requestBody'), ptr(pa, 'requestBody'), label, reqDirs)
  diffResponses(ctx, b.responses, a.responses, ptr(pb, 'responses'), ptr(pa, 'responses'), label, resDirs)
  if (has(b, 'security') || has(a, 'security')) {
    diffSecurity(ctx, b.security ?? ctx.b.security, a.security ?? ctx.a.security, ptr(pa, 'security'), label)
  }
  if (has(b, 'servers') || has(a, 'servers')) diffServers(ctx, b.servers ?? scope.serversB, a.servers ?? scope.serversA, ptr(pa, 'servers'), label)
  const callbackScope: Scope = { ...scope, flip: !scope.flip }
  diffNamed(
    ctx,
    b.callbacks,
    a.callbacks,
    ptr(pb, 'callbacks'),
    ptr(pa, 'callbacks'),
    'callback',
    (name) => `${name} of ${label}`,
    (db, da, name) => diffPathMap(ctx, db.node, da.node, db.ptr, da.ptr, callbackScope, (expr) => `callback ${name} ${expr} of ${label}`, 'callback URL'),
  )
  const handled = ['operationId', 'deprecated', 'parameters', 'requestBody', 'responses', 'security', 'servers', 'callbacks']
  diffRest(ctx, b, a, pb, pa, label, handled, isDoc)
}

// ---------------------------------------------------------------------------------------------------
// Parameters and headers

/** `in:name` identity of a parameter; header names are case-insensitive. */
function paramKey(p: Obj): string {
  const inn = String(p.in ?? '')
  const name = String(p.name ?? '')
  return `${inn}:${inn === 'header' ? name.toLowerCase() : name}`
}
const isRequiredParam = (p: Obj): boolean => p.required === true || p.in === 'path'
export const paramLabel = (p: Obj): string => `${String(p.in ?? '?')} parameter ${String(p.name ?? '?')}`
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
      diffSchema(ctx, mb.schema, ma.schema, { pb: ptr(pb, mt, 'schema'), pa: ptr(pa, mt, 'schema'), label: at }, dirs)
    }
    diffRest(ctx, mb, ma, ptr(pb, mt), ptr(pa, mt), at, ['schema'], isDocOrExt('example', 'examples'))
  }
}

/** Parameters and headers share everything but identity. */
export function diffParamLike(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, label: string, dirs: readonly Dir[], header: boolean): void {
  const reqB = header ? b.required === true : isRequiredParam(b)
  const reqA = header ? a.required === true : isRequiredParam(a)
  const kind = header ? 'header' : 'parameter'
  if (!reqB && reqA) emitDirs(ctx, dirs, ptr(pa, 'required'), label, { what: `${kind} became required`, req: 'breaking', res: 'non-breaking' }, false)
  if (reqB && !reqA)
    emitDirs(
      ctx,
      dirs,
      ptr(pa, 'required'),
      label,
      { what: `${kind} no longer required`, req: 'non-breaking', res: 'breaking', resNote: 'callers relied on it being present' },
      false,
    )
  diffDeprecated(ctx, b, a, pa, label)
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
    diffSchema(ctx, b.schema, a.schema, { pb: ptr(pb, 'schema'), pa: ptr(pa, 'schema'), label }, dirs)
  }
  if (has(b, 'content') || has(a, 'content')) diffContent(ctx, b.content, a.content, ptr(pb, 'content'), ptr(pa, 'content'), label, dirs)
  const handled = ['name', 'in', 'required', 'deprecated', 'style', 'explode', 'allowReserved', 'allowEmptyValue', 'schema', 'content']
  diffRest(ctx, b, a, pb, pa, label, handled, isDocOrExt('description', 'example', 'examples'))
}

interface ParamEntry {
  node: Obj
  ptr: string
  ref?: string
}

/** Path-level parameters overridden by operation-level ones with the same identity. */
function effectiveParams(doc: Obj, item: Obj, itemPtr: string, op: Obj, opPtr: string): Map<string, ParamEntry> {
  const out = new Map<string, ParamEntry>()
  for (const [list, base] of [
    [item.parameters, ptr(itemPtr, 'parameters')],
    [op.parameters, ptr(opPtr, 'parameters')],
  ] as const) {
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

// ---------------------------------------------------------------------------------------------------
// Request bodies, responses and their content

/** `subject` names the body in required-ness messages; `label` prefixes its content. */
export function diffRequestBodyObj(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, subject: string, label: string, dirs: readonly Dir[]): void {
  if ((b.required === true) !== (a.required === true)) {
    const rule: Rule =
      a.required === true
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
  if (ra === undefined) {
    emitDirs(ctx, dirs, pb, opLabel, { what: 'request body removed', req: 'breaking', res: 'breaking' }, false)
    return
  }
  const da = deref(ctx.a, ra, pa)
  if (rb === undefined) {
    const rule: Rule =
      asObj(da.node).required === true
        ? { what: 'required request body added', req: 'breaking', res: 'non-breaking' }
        : { what: 'optional request body added', req: 'non-breaking', res: 'non-breaking' }
    emitDirs(ctx, dirs, pa, opLabel, rule, false)
    return
  }
  const db = deref(ctx.b, rb, pb)
  if (skipSameComponent(db.ref, da.ref, 'requestBodies')) return
  diffRequestBodyObj(ctx, asObj(db.node), asObj(da.node), db.ptr, da.ptr, opLabel, label, dirs)
}

export function diffResponseObj(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, label: string, dirs: readonly Dir[]): void {
  diffDocs(ctx, b, a, pb, pa, label, isDocOrExt('description'))
  // Headers: case-insensitive names; Content-Type is described by `content` instead.
  const byName = (h: unknown): Map<string, string> =>
    new Map(
      Object.keys(asObj(h))
        .filter((n) => n.toLowerCase() !== 'content-type')
        .map((n) => [n.toLowerCase(), n]),
    )
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
      const rule: Rule =
        node.required === true
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
