/** Wording of the CLI's hints: the nearest flag to a typo, and how to name the command so a copied hint runs. */
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/** Edit distance between two short strings: insertions, deletions, substitutions and swaps of neighbours (`prot` → `port` is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1)
      d[i]![j] = best
    }
  }
  return at(a.length, b.length)
}

/**
 * The candidate closest to `typed`, if it is close enough to be what was meant (at most a third of its
 * letters differ, or one is a prefix of the other); `undefined` otherwise, so no absurd suggestion is made.
 */
export function nearest(typed: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    const d = c.startsWith(typed) || typed.startsWith(c) ? Math.min(1, Math.abs(c.length - typed.length)) : editDistance(typed, c)
    if (d < bestDistance) [best, bestDistance] = [c, d]
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined
}

/**
 * How a hint names the command: `gemini-gateways` when an executable of that name is on `PATH` (a global
 * install, or an npm script), else `npx gemini-gateways`, which works from a project that depends on it.
 */
export function commandName(env: Record<string, string | undefined>): string {
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean)
  const names = process.platform === 'win32' ? ['gemini-gateways.cmd', 'gemini-gateways.exe'] : ['gemini-gateways']
  for (const dir of dirs) {
    for (const name of names) {
      try {
        accessSync(join(dir, name), constants.X_OK)
        return 'gemini-gateways'
      } catch {
        // not here
      }
    }
  }
  return 'npx gemini-gateways'
}
