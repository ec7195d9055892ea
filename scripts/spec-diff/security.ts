/** Security requirements, security schemes and servers: whether callers' credentials and base URLs still work. */
import { diffDocs, diffRest, emit, type Ctx } from './changes.ts'
import { asArr, asObj, byCode, has, isObj, keysOf, omit, ptr, same, show, strArr, type Obj } from './json.ts'
import { isDocOrExt } from './schema-keywords.ts'

type Alternative = Map<string, Set<string>>

/** Requirement alternatives; absent or empty means "no authentication". */
function normSecurity(x: unknown): Alternative[] {
  const list = asArr(x)
  if (!list || list.length === 0) return [new Map()]
  return list.map((req) => new Map(Object.entries(asObj(req)).map(([k, v]) => [k, new Set(strArr(v))])))
}
const fmtAlt = (alt: Alternative): string =>
  alt.size === 0
    ? 'none'
    : [...alt]
        .map(([k, s]) => (s.size ? `${k}[${[...s].sort(byCode).join(' ')}]` : k))
        .sort(byCode)
        .join(' + ')
const fmtSecurity = (alts: Alternative[]): string => [...new Set(alts.map(fmtAlt))].sort(byCode).join(' | ')
/** Whether a caller satisfying `have` satisfies `need` too. */
const satisfies = (have: Alternative, need: Alternative): boolean =>
  [...need].every(([k, scopes]) => have.has(k) && [...scopes].every((s) => have.get(k)!.has(s)))

export function diffSecurity(ctx: Ctx, sb: unknown, sa: unknown, pointer: string, label: string): void {
  const B = normSecurity(sb)
  const A = normSecurity(sa)
  if (fmtSecurity(B) === fmtSecurity(A)) return
  // Breaking when some credential set callers use today no longer satisfies any alternative.
  const broken = B.some((have) => !A.some((need) => satisfies(have, need)))
  emit(
    ctx,
    broken ? 'breaking' : 'non-breaking',
    pointer,
    `security requirements ${broken ? 'changed' : 'relaxed'} (${fmtSecurity(B)} → ${fmtSecurity(A)}): ${label}`,
  )
}

export function diffSecurityScheme(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, name: string): void {
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
    if (!has(fa, flow)) {
      emit(ctx, 'breaking', ptr(pb, 'flows', flow), `OAuth flow ${flow} removed: ${label}`)
      continue
    }
    if (!has(fb, flow)) {
      emit(ctx, 'non-breaking', at, `OAuth flow ${flow} added: ${label}`)
      continue
    }
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
export function diffServers(ctx: Ctx, sb: unknown, sa: unknown, pointer: string, label: string): void {
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
