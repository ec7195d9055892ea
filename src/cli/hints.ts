/** Wording of the CLI's hints: the nearest flag to a typo, and how to name the command so a copied hint runs. */
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { editDistance } from '../core/edit-distance.ts'

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
