/** Where each component is used: from the request side, the response side, or both. Decides which severity rules apply. */
import { asArr, asObj, followRefs, isObj, resolveRef, schemaNameOf, type Obj } from './json.ts'
import { forEachSubschema } from './schema-keywords.ts'

/** `request` = the client sends it, `response` = the client receives it. */
export type Side = 'request' | 'response'

export interface Usage {
  /** Component schema name → the sides that reach it. */
  schemas: Map<string, Set<Side>>
  /** Any other `#/components/...` reference → the sides that use it. */
  refs: Map<string, Set<Side>>
}

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

export function computeUsage(doc: Obj): Usage {
  const u: Usage = { schemas: new Map(), refs: new Map() }
  const queue: [string, Side][] = []
  const mark = (map: Map<string, Set<Side>>, key: string, side: Side): boolean => {
    let set = map.get(key)
    if (!set) {
      set = new Set()
      map.set(key, set)
    }
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
  const follow = (node: unknown, side: Side): Obj => asObj(followRefs(doc, node, (ref) => mark(u.refs, ref, side)))
  const visitContent = (c: unknown, side: Side): void => {
    for (const mt of Object.values(asObj(c))) visitSchema(asObj(mt).schema, side)
  }
  const visitParamLike = (p: unknown, side: Side): void => {
    const n = follow(p, side)
    visitSchema(n.schema, side)
    visitContent(n.content, side)
  }
  // Callbacks and webhooks are requests the server sends (`flip`): there the sides swap.
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
