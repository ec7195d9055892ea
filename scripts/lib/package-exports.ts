/**
 * package.json `exports`, written by `npm run generate`: the package's own entries, then each provider's three
 * (`gemini-gateways/<name>`, `gemini-gateways/types/<name>`, `gemini-gateways/openapi/<name>.json`) named one by one,
 * so that the published surface is exactly what is documented (no `./*` pattern that would also publish internals
 * such as `gemini-gateways/newapi-quirks`). {@link expandExports} reads a map that still has `*` patterns.
 */
import { providers } from '../../generated/registry.ts'
import { clientModule } from './registry-emit.ts'

/** One target of the exports map: a path, or conditions to paths. */
export type ExportTarget = string | Record<string, string>

/** The entries that are not a provider's, in map order. */
const OWN: Record<string, ExportTarget> = {
  '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' },
  './validators': { types: './dist/src/validators.d.ts', default: './dist/src/validators.js' },
  './local-gateway': { types: './dist/src/local-gateway/index.d.ts', default: './dist/src/local-gateway/index.js' },
  './fetch': { types: './dist/src/gateway-fetch/index.d.ts', default: './dist/src/gateway-fetch/index.js' },
  './package.json': './package.json',
}

/** The whole exports map for these providers: each one's client entry is its provider file or its generated client. */
export function packageExports(root: string, names: readonly string[]): Record<string, ExportTarget> {
  const out: Record<string, ExportTarget> = { ...OWN }
  for (const name of names) {
    const js = clientModule(root, name).file.replace(/\.ts$/, '')
    out[`./${name}`] = { types: `./dist/${js}.d.ts`, default: `./dist/${js}.js` }
  }
  for (const name of names) out[`./types/${name}`] = { types: `./dist/generated/${name}/types.d.ts`, default: `./dist/generated/${name}/types.js` }
  for (const name of names) out[`./openapi/${name}.json`] = `./generated/${name}/openapi.json`
  return out
}

/** package.json with its `exports` replaced, formatted as npm writes it. */
export function withExports(packageJson: string, exports: Record<string, ExportTarget>): string {
  const pkg = JSON.parse(packageJson) as Record<string, unknown>
  return `${JSON.stringify({ ...pkg, exports }, null, 2)}\n`
}

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
