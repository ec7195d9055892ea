/**
 * Redocly applies an overlay action whose target matches nothing without a word; this replays every
 * overlay against the canonical bundle and fails naming each action that matched no node.
 */
import { exec } from 'jsonpath-rfc9535'
import YAML from 'yaml'
import fs from 'node:fs'

interface Action {
  target: string
  description?: string
  update?: unknown
  remove?: boolean
}

/** Deep merge per the Overlay spec: objects merge recursively, arrays append, other values replace. */
function merge(into: any, value: any): any {
  if (Array.isArray(into) && Array.isArray(value)) return [...into, ...structuredClone(value)]
  if (into && value && typeof into === 'object' && typeof value === 'object' && !Array.isArray(into) && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) into[k] = k in into ? merge(into[k], v) : structuredClone(v)
    return into
  }
  return structuredClone(value)
}

/**
 * Returns one message per action that matched nothing, replaying the overlays' actions in order (a stack: a
 * reseller's overlay applies after its relay's) on a copy of `canonical`.
 */
export function unmatchedActions(canonical: unknown, overlayFiles: readonly string[]): string[] {
  const doc = { root: structuredClone(canonical) as any }
  const problems: string[] = []
  for (const overlayFile of overlayFiles) replay(doc, overlayFile, problems)
  return problems
}

function replay(doc: { root: any }, overlayFile: string, problems: string[]): void {
  const overlay = YAML.parse(fs.readFileSync(overlayFile, 'utf8')) as { actions: Action[] }
  overlay.actions.forEach((action, i) => {
    const paths: (string | number)[][] = []
    exec(doc.root, action.target, (_value, path) => paths.push([...(path as (string | number)[])]))
    if (paths.length === 0) {
      problems.push(`${overlayFile}: action ${i + 1} (target ${action.target}${action.description ? `, "${action.description}"` : ''}) matches no node`)
      return
    }
    for (const path of paths) {
      const last = path[path.length - 1]!
      const parent = path.slice(0, -1).reduce((o: any, k) => o[k], doc.root)
      if (path.length === 0) {
        if (action.remove) doc.root = undefined
        else doc.root = merge(doc.root, action.update)
      } else if (action.remove) {
        if (Array.isArray(parent)) parent.splice(last as number, 1)
        else delete parent[last]
      } else {
        parent[last] = merge(parent[last], action.update)
      }
    }
  })
}
