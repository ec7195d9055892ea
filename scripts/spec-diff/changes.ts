/** What a change is (severity, pointer, message) and how the diff records one; every rule reports through here. */
import { asObj, byCode, deref, has, keysOf, ptr, same, type Obj } from './json.ts'
import type { Side, Usage } from './usage.ts'

/** How a change affects clients: `breaking` needs a major release, `non-breaking` a minor, `docs` a patch. */
export type Severity = 'breaking' | 'non-breaking' | 'docs'

/** One classified difference between two documents. */
export interface SpecChange {
  /** Provider whose bundle changed; set by the CLI, absent from `diffSpecs` results. */
  provider?: string
  severity: Severity
  /** RFC 6901 pointer into the bundle: the `after` document, or `before` for something removed. */
  pointer: string
  /** One line, e.g. `response property removed: GenerateContentResponse.modelVersion`. */
  message: string
}

/** Who produces the value (see {@link Side}), or `unreferenced`: a named schema no operation reaches
 * (a public type, judged by the worse of both sides). */
export type Dir = Side | 'unreferenced'

/** The two documents being compared, where their components are used, and the changes found so far. */
export interface Ctx {
  b: Obj
  a: Obj
  usageB: Usage
  usageA: Usage
  out: SpecChange[]
}

/** Severity of one change when the value is sent (`req`) or received (`res`), with optional notes. */
export interface Rule {
  what: string
  req: Severity
  res: Severity
  reqNote?: string
  resNote?: string
}

/** A bound that admits fewer values is breaking for what clients send; one that admits more, for what they receive. */
export type Tightness = 'tightened' | 'loosened' | 'changed'
export const TIGHTNESS_RULE: Record<Tightness, Pick<Rule, 'req' | 'res'>> = {
  tightened: { req: 'breaking', res: 'non-breaking' },
  loosened: { req: 'non-breaking', res: 'breaking' },
  changed: { req: 'breaking', res: 'breaking' },
}

export const SEVERITIES: readonly Severity[] = ['breaking', 'non-breaking', 'docs']
const RANK: Record<Severity, number> = { breaking: 0, 'non-breaking': 1, docs: 2 }
const worst = (x: Severity, y: Severity): Severity => (RANK[x] <= RANK[y] ? x : y)

export function emit(ctx: Ctx, severity: Severity, pointer: string, message: string): void {
  ctx.out.push({ severity, pointer, message: message.replace(/\s*[\r\n]+\s*/g, ' ') }) // keys may hold newlines; messages are one line
}

/** Emits `rule` once per direction. With `prefix` the message starts with the direction. */
export function emitDirs(ctx: Ctx, dirs: readonly Dir[], pointer: string, label: string, r: Rule, prefix = true): void {
  for (const d of dirs) {
    const sev = d === 'request' ? r.req : d === 'response' ? r.res : worst(r.req, r.res)
    const note =
      d === 'request' ? r.reqNote : d === 'response' ? r.resNote : ((sev === r.res ? r.resNote : undefined) ?? (sev === r.req ? r.reqNote : undefined))
    emit(ctx, sev, pointer, `${prefix ? `${d} ` : ''}${r.what}: ${label}${note ? ` (${note})` : ''}`)
  }
}

export const changeWord = (b: unknown, a: unknown): string => (b === undefined ? 'added' : a === undefined ? 'removed' : 'changed')

/** Reports documentation-only keys (per `isDoc`) that differ. */
export function diffDocs(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, label: string, isDoc: (k: string) => boolean): void {
  for (const k of keysOf(b, a)) {
    if (!isDoc(k) || same(b[k], a[k])) continue
    emit(ctx, 'docs', ptr(has(a, k) ? pa : pb, k), `${k} ${changeWord(b[k], a[k])}: ${label}`)
  }
}

/** Keys no rule covers: conservative, so any non-doc difference is breaking. */
export function diffRest(ctx: Ctx, b: Obj, a: Obj, pb: string, pa: string, label: string, handled: readonly string[], isDoc: (k: string) => boolean): void {
  for (const k of keysOf(b, a)) {
    if (handled.includes(k) || isDoc(k) || same(b[k], a[k])) continue
    emit(ctx, 'breaking', ptr(has(a, k) ? pa : pb, k), `${k} ${changeWord(b[k], a[k])}: ${label}`)
  }
}

/**
 * Walks two maps of named objects (paths, callbacks, security schemes): a removed name is breaking (`<noun> removed:
 * <label>`), an added one non-breaking, and a name in both goes to `both` with each side's `$ref`s followed.
 */
export function diffNamed(
  ctx: Ctx,
  mb: unknown,
  ma: unknown,
  pb: string,
  pa: string,
  noun: string,
  labelOf: (name: string) => string,
  both: (b: ReturnType<typeof deref>, a: ReturnType<typeof deref>, name: string) => void,
): void {
  const B = asObj(mb)
  const A = asObj(ma)
  for (const name of keysOf(B, A)) {
    if (!has(A, name)) emit(ctx, 'breaking', ptr(pb, name), `${noun} removed: ${labelOf(name)}`)
    else if (!has(B, name)) emit(ctx, 'non-breaking', ptr(pa, name), `${noun} added: ${labelOf(name)}`)
    else both(deref(ctx.b, B[name], ptr(pb, name)), deref(ctx.a, A[name], ptr(pa, name)), name)
  }
}

/** Semver: announcing a deprecation (or taking one back) is a minor release. */
export function diffDeprecated(ctx: Ctx, b: Obj, a: Obj, pa: string, label: string): void {
  if ((b.deprecated === true) === (a.deprecated === true)) return
  emit(ctx, 'non-breaking', ptr(pa, 'deprecated'), `${a.deprecated === true ? 'deprecated' : 'no longer deprecated'}: ${label}`)
}

/** Removes exact duplicates and sorts by severity, pointer, message. */
export function sortChanges(changes: SpecChange[]): SpecChange[] {
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
