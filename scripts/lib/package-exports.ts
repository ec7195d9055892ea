/**
 * package.json `exports` with its subpath patterns expanded. Every `*` in the map stands for a provider name
 * (`./*` → dist/src/providers/*, `./types/*`, `./openapi/*.json`), so that adding a gateway needs no edit to
 * package.json; whatever enumerates the entry points (the API reference, the package tests) expands them with
 * the registry's providers here.
 */
import { providers } from '../../generated/registry.ts'

/** One target of the exports map: a path, or conditions to paths. */
export type ExportTarget = string | Record<string, string>

/** Replaces every `*` of a key and its target with each name; exact keys are kept as they are, in map order. */
export function expandExports(exports: Record<string, unknown>, names: readonly string[] = providers): Record<string, ExportTarget> {
  const out: Record<string, ExportTarget> = {}
  for (const [subpath, target] of Object.entries(exports)) {
    if (typeof target !== 'string' && (typeof target !== 'object' || target === null)) throw new Error(`package.json exports ${subpath}: unsupported target`)
    const fill = (name: string): ExportTarget =>
      typeof target === 'string'
        ? target.replaceAll('*', name)
        : Object.fromEntries(Object.entries(target as Record<string, string>).map(([condition, file]) => [condition, file.replaceAll('*', name)]))
    if (!subpath.includes('*')) out[subpath] = target as ExportTarget
    else for (const name of names) out[subpath.replaceAll('*', name)] = fill(name)
  }
  return out
}
