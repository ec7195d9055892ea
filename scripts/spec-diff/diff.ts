/**
 * Classifies the differences between two bundled OpenAPI 3.1 documents by what they do to API clients:
 * `breaking` (major), `non-breaking` (minor) or `docs` (patch). Redocly's open-source CLI has no diff command,
 * and the npm diff packages tried reject OpenAPI 3.1, download a binary at install, or rate changes
 * differently (a removed request property as non-breaking), so this is the release check.
 * This file walks the document; the rules live by concern in schemas.ts, operations.ts and security.ts.
 */
import { changeWord, diffNamed, emit, sortChanges, type Ctx, type Dir, type SpecChange } from './changes.ts'
import { asArr, asObj, byCode, deref, escSeg, has, isObj, keysOf, ptr, same, show, withoutKey, type Obj } from './json.ts'
import { diffParamLike, diffPathMap, diffRequestBodyObj, diffResponseObj, paramLabel, type Scope } from './operations.ts'
import { diffSchema } from './schemas.ts'
import { diffSecurity, diffSecurityScheme, diffServers } from './security.ts'
import { computeUsage, type Side } from './usage.ts'

/** A parsed OpenAPI 3.x document. Only the shape the diff needs is typed; anything else is tolerated. */
export interface OpenAPIDoc {
  [key: string]: unknown
  openapi?: string
  paths?: Record<string, unknown>
  components?: Record<string, unknown>
}

/**
 * Lists every difference between two bundled OpenAPI documents that matters to API clients, classified by
 * severity. `x-generated` keys (bundle provenance, not API) are ignored. Named schemas are compared once, from
 * the side(s) — request, response or both — from which operations reach them in either version; `$ref` cycles
 * are handled. Order: breaking, non-breaking, docs; then by pointer and message.
 */
export function diffSpecs(before: OpenAPIDoc, after: OpenAPIDoc): SpecChange[] {
  const b = asObj(withoutKey(before, 'x-generated'))
  const a = asObj(withoutKey(after, 'x-generated'))
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

// ---------------------------------------------------------------------------------------------------
// Components

function diffComponents(ctx: Ctx): void {
  const cb = asObj(ctx.b.components)
  const ca = asObj(ctx.a.components)
  for (const kind of keysOf(cb, ca)) {
    if (kind.startsWith('x-')) {
      if (!same(cb[kind], ca[kind])) emit(ctx, 'docs', ptr('/components', kind), `components extension ${kind} ${changeWord(cb[kind], ca[kind])}`)
      continue
    }
    const B = asObj(cb[kind])
    const A = asObj(ca[kind])
    const base = ptr('/components', kind)
    if (kind === 'securitySchemes') {
      diffNamed(
        ctx,
        B,
        A,
        base,
        base,
        'security scheme',
        (name) => name,
        (db, da, name) => diffSecurityScheme(ctx, asObj(db.node), asObj(da.node), db.ptr, da.ptr, name),
      )
      continue
    }
    for (const name of keysOf(B, A)) {
      const at = ptr(base, name)
      if (kind === 'schemas') diffComponentSchema(ctx, B, A, name, at)
      else if (kind === 'examples') {
        if (!same(B[name], A[name])) emit(ctx, 'docs', at, `example ${changeWord(B[name], A[name])}: ${name}`)
      } else if (!has(A, name) || !has(B, name)) {
        // Other reusable objects: their effect on callers is reported where operations use them.
        emit(ctx, 'non-breaking', at, `component ${kind}.${name} ${has(A, name) ? 'added' : 'removed'}`)
      } else diffReusable(ctx, kind, name, B[name], A[name], at)
    }
  }
}

/** Every named schema is an exported type (components['schemas'][name]), so even an unreferenced one counts. */
function diffComponentSchema(ctx: Ctx, B: Obj, A: Obj, name: string, at: string): void {
  if (!has(A, name)) {
    const note = ctx.usageB.schemas.has(name) ? '' : ' (unreferenced, but exported as a public type)'
    emit(ctx, 'breaking', at, `component schema removed: ${name}${note}`)
  } else if (!has(B, name)) emit(ctx, 'non-breaking', at, `component schema added: ${name}`)
  else {
    const dirs = usageDirs([ctx.usageB.schemas.get(name), ctx.usageA.schemas.get(name)], ['unreferenced'])
    diffSchema(ctx, B[name], A[name], { pb: at, pa: at, label: name }, dirs)
  }
}

/** A reusable parameter, body, response, header or link present in both versions, judged from where it is used. */
function diffReusable(ctx: Ctx, kind: string, name: string, b: unknown, a: unknown, at: string): void {
  const db = deref(ctx.b, b, at)
  const da = deref(ctx.a, a, at)
  const nb = asObj(db.node)
  const na = asObj(da.node)
  const ref = `#/components/${escSeg(kind)}/${escSeg(name)}`
  const dirs = (fallback: Dir): Dir[] => usageDirs([ctx.usageB.refs.get(ref), ctx.usageA.refs.get(ref)], [fallback])
  if (kind === 'parameters') diffParamLike(ctx, nb, na, db.ptr, da.ptr, `${paramLabel(na)} (${kind}.${name})`, dirs('request'), false)
  else if (kind === 'requestBodies')
    diffRequestBodyObj(ctx, nb, na, db.ptr, da.ptr, `components.requestBodies.${name}`, `request body ${name}`, dirs('request'))
  else if (kind === 'responses') diffResponseObj(ctx, nb, na, db.ptr, da.ptr, `response ${name}`, dirs('response'))
  else if (kind === 'headers') diffParamLike(ctx, nb, na, db.ptr, da.ptr, `header ${name}`, dirs('response'), true)
  else if (kind === 'links' && !same(nb, na)) emit(ctx, 'non-breaking', at, `link changed: ${name}`)
  // pathItems and callbacks are compared where they are used.
}

/** Sides from which a component is used in either version; `fallback` when neither uses it. */
function usageDirs(sets: (Set<Side> | undefined)[], fallback: Dir[]): Dir[] {
  const all = new Set(sets.flatMap((s) => (s ? [...s] : [])))
  const dirs = (['request', 'response'] as const).filter((d) => all.has(d))
  return dirs.length ? dirs : fallback
}
