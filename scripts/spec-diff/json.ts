/** JSON values and RFC 6901 pointers: the plumbing every part of the diff shares. Nothing here knows OpenAPI. */

export type Obj = Record<string, unknown>

export const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x)
export const asObj = (x: unknown): Obj => (isObj(x) ? x : {})
export const asArr = (x: unknown): unknown[] | undefined => (Array.isArray(x) ? x : undefined)
export const strArr = (x: unknown): string[] => (asArr(x) ?? []).filter((v): v is string => typeof v === 'string')
export const has = (o: Obj, k: string): boolean => Object.hasOwn(o, k) && o[k] !== undefined
export const omit = (o: Obj, k: string): Obj => Object.fromEntries(Object.entries(o).filter(([x]) => x !== k))
/** Code-unit order, so output does not depend on the locale. */
export const byCode = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0)
/** The defined keys of all the objects, sorted. */
export const keysOf = (...objs: unknown[]): string[] =>
  [...new Set(objs.flatMap((o) => (isObj(o) ? Object.keys(o).filter((k) => o[k] !== undefined) : [])))].sort(byCode)

export const escSeg = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1')
const unescSeg = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~')
export const ptr = (base: string, ...segs: (string | number)[]): string => base + segs.map((s) => `/${escSeg(String(s))}`).join('')

/** JSON with sorted keys, so equality ignores key order. */
export function stable(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(stable).join(',')}]`
  if (isObj(x)) {
    const ks = Object.keys(x)
      .filter((k) => x[k] !== undefined)
      .sort(byCode)
    return `{${ks.map((k) => `${JSON.stringify(k)}:${stable(x[k])}`).join(',')}}`
  }
  return x === undefined ? 'undefined' : String(JSON.stringify(x))
}
export const same = (x: unknown, y: unknown): boolean => stable(x) === stable(y)

/** Short printable form of a value for messages. */
export function show(x: unknown): string {
  const s = x === undefined ? 'none' : stable(x)
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

/** Deep copy without `key` anywhere. Throws on object cycles, which JSON cannot hold. */
export function withoutKey(x: unknown, key: string, stack: Set<object> = new Set()): unknown {
  if (typeof x !== 'object' || x === null) return x
  if (stack.has(x)) throw new TypeError('spec-diff: the document contains an object cycle, so it is not JSON')
  stack.add(x)
  const out = Array.isArray(x)
    ? x.map((v) => withoutKey(v, key, stack))
    : Object.fromEntries(
        Object.entries(x)
          .filter(([k]) => k !== key)
          .map(([k, v]) => [k, withoutKey(v, key, stack)]),
      )
  stack.delete(x)
  return out
}

// ---------------------------------------------------------------------------------------------------
// Local references

/** JSON pointer (for reports) of a local `$ref`. */
export function refPtr(ref: string): string {
  const frag = ref.startsWith('#') ? ref.slice(1) : ref
  try {
    return decodeURIComponent(frag)
  } catch {
    return frag
  }
}

/** Resolves a local `$ref`; external or dangling references give undefined. */
export function resolveRef(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined
  const p = refPtr(ref)
  if (p === '') return doc
  if (!p.startsWith('/')) return undefined
  let cur: unknown = doc
  for (const seg of p.slice(1).split('/').map(unescSeg)) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(seg) ? cur[Number(seg)] : undefined
    else if (isObj(cur)) cur = Object.hasOwn(cur, seg) ? cur[seg] : undefined
    else return undefined
  }
  return cur
}

/** Follows a chain of `$ref`s (at most 32, so a loop ends), calling `onRef` on each reference taken. */
export function followRefs(doc: unknown, node: unknown, onRef: (ref: string) => void = () => {}): unknown {
  for (let i = 0; i < 32 && isObj(node) && typeof node.$ref === 'string'; i++) {
    onRef(node.$ref)
    node = resolveRef(doc, node.$ref)
  }
  return node
}

/** `node` with its `$ref` chain followed; `ptr` is where it ends (`at` if no reference), `ref` the first reference. */
export function deref(doc: unknown, node: unknown, at: string): { node: unknown; ptr: string; ref?: string } {
  let ref: string | undefined
  const target = followRefs(doc, node, (r) => {
    ref ??= r
    at = refPtr(r)
  })
  return ref === undefined ? { node: target, ptr: at } : { node: target, ptr: at, ref }
}

export const refName = (ref: string): string => refPtr(ref).split('/').pop() ?? ref
/** `Name` for `#/components/schemas/Name...`, else undefined. */
export const schemaNameOf = (ref: string): string | undefined => {
  const seg = /^#\/components\/schemas\/([^/]+)/.exec(ref)?.[1]
  return seg === undefined ? undefined : unescSeg(seg)
}
