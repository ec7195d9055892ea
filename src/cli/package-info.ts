/** Finds this package's package.json, from the source tree (src/cli/) or the build (dist/src/cli/). */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The fields the CLI reads. */
export interface PackageInfo {
  name: string
  version: string
}

let cached: PackageInfo | undefined

/**
 * Reads the nearest `package.json` named `gemini-gateways` above this file. Searching upward (rather than a fixed
 * `../../package.json`) keeps working after `tsc` moves this file one level deeper, into `dist/src/cli/`.
 */
export function packageInfo(): PackageInfo {
  if (cached) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as Partial<PackageInfo>
      if (json.name === 'gemini-gateways' && typeof json.version === 'string') {
        cached = { name: json.name, version: json.version }
        return cached
      }
    }
    const parent = dirname(dir)
    if (parent === dir) return { name: 'gemini-gateways', version: 'unknown' }
    dir = parent
  }
}
