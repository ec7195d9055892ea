/**
 * Runtime purity: the client's code uses fetch, web streams and AbortController only, so every code entry
 * except the local gateway (`gemini-gateways/local-gateway`, a node:http server) bundles for a browser with nothing
 * marked external, and builds no code from strings. The sources are scanned too, so a Node-only API cannot
 * creep in behind a bundler's polyfill.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type BuildFailure, type Metafile } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { providers } from '../../generated/registry.ts'
import { expandExports } from '../../scripts/lib/package-exports.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const rel = (...p: string[]) => path.join(ROOT, ...p)
const PKG = JSON.parse(readFileSync(rel('package.json'), 'utf8')) as { exports: Record<string, unknown> }

/**
 * Every browser-safe code entry of the exports map (its `*` patterns expanded with every provider), by subpath, with
 * the source it is built from (`./dist/src/x.d.ts` from `src/x.ts`): every entry with types but the local gateway.
 */
const ENTRIES: [string, string][] = Object.entries(expandExports(PKG.exports)).flatMap(([subpath, target]): [string, string][] => {
  const types = typeof target === 'object' ? target['types'] : undefined
  if (!types || subpath === './local-gateway') return []
  return [[subpath, types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts')]]
})

/** Bundles like a browser app would: ESM, platform browser, no externals. */
async function bundle(entry: { file: string } | { contents: string }): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({
    ...('file' in entry ? { entryPoints: [rel(entry.file)] } : { stdin: { contents: entry.contents, resolveDir: ROOT, sourcefile: 'app.ts', loader: 'ts' } }),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  })
  return { code: result.outputFiles.map((f) => f.text).join('\n'), metafile: result.metafile }
}

const failureTexts = (e: unknown) => ((e as BuildFailure).errors ?? []).map((m) => m.text)
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!)

describe('every code entry but ./mock bundles for the browser', () => {
  it("covers the index, validators, fetch, and each provider's entry and types (the exports map's patterns, expanded)", () => {
    const subpaths = ENTRIES.map(([subpath]) => subpath)
    expect(subpaths).toEqual(expect.arrayContaining(['.', './validators', './fetch', ...providers.flatMap((p) => [`./${p}`, `./types/${p}`])]))
    expect(subpaths).toHaveLength(3 + 2 * providers.length)
  })

  it.each(ENTRIES)('%s (%s): builds with no externals, no Node builtin, no code from strings', async (_subpath, file) => {
    let out: Awaited<ReturnType<typeof bundle>>
    try {
      out = await bundle({ file })
    } catch (e) {
      throw new Error(`${file} does not bundle for the browser:\n  ${failureTexts(e).join('\n  ')}`)
    }
    const inputs = Object.keys(out.metafile.inputs)
    const imports = Object.values(out.metafile.inputs).flatMap((i) => i.imports.map((imp) => imp.path))
    expect(imports.filter(isBuiltin)).toEqual([])
    expect(inputs.filter((i) => i.includes('/src/local-gateway/'))).toEqual([])
    // A strict Content-Security-Policy (no 'unsafe-eval') and edge runtimes forbid these.
    expect(out.code).not.toMatch(/\bnew Function\s*\(|\beval\s*\(/)
  })

  it('the check has teeth: ./mock (node:http, node:fs) does not bundle for the browser', async () => {
    const error = await bundle({ file: 'src/local-gateway/index.ts' }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error, './mock bundled for the browser: the purity check would miss a Node builtin').toBeDefined()
    expect(failureTexts(error).join('\n')).toMatch(/Could not resolve "node:http"/)
  })

  it('validators: a bundle that imports one provider keeps only that provider', async () => {
    const { metafile } = await bundle({ contents: `import { nordlys, validate } from './src/validators.ts'; console.log(nordlys, validate)` })
    const kept = (p: string) =>
      Object.entries(Object.values(metafile.outputs)[0]!.inputs).some(([f, i]) => f.startsWith(`generated/${p}/`) && i.bytesInOutput > 0)
    expect(providers.filter(kept)).toEqual(['nordlys'])
  })

  it('a provider entry keeps only its own generated code', async () => {
    const { metafile } = await bundle({ file: 'src/providers/apimart.ts' })
    const generated = Object.keys(metafile.inputs).filter((f) => f.startsWith('generated/'))
    expect(generated.length).toBeGreaterThan(0)
    // core/types.ts reads the canonical (google) types: type-only, so no google code may be bundled.
    expect(generated.filter((f) => !f.startsWith('generated/apimart/'))).toEqual([])
  })
})

/** src/core and src/providers, plus every file of this repo the browser-safe entries bundle (new modules included). */
async function runtimeSources(): Promise<string[]> {
  const walk = (dir: string): string[] =>
    readdirSync(rel(dir), { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? walk(`${dir}/${d.name}`) : d.name.endsWith('.ts') ? [`${dir}/${d.name}`] : [],
    )
  const bundled = await Promise.all(ENTRIES.map(async ([, file]) => Object.keys((await bundle({ file })).metafile.inputs)))
  const own = bundled.flat().filter((f) => /^(src|generated)\//.test(f))
  return [...new Set([...walk('src/core'), ...walk('src/providers'), ...own])].sort()
}

/** The one Node API runtime code may touch: the API key's environment variable, guarded for runtimes without `process`. */
const GUARDED_ENV = /\(globalThis as \{ process\?: \{ env\?: Record<string, string \| undefined> \} \}\)\.process\?\.env/

describe('runtime sources use web APIs only', async () => {
  const files = await runtimeSources()

  it('finds the sources', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'src/core/client.ts',
        'src/core/sse.ts',
        'src/providers/nordlys.ts',
        'src/index.ts',
        'src/validators.ts',
        'generated/apimart/validators/request.ts',
      ]),
    )
    expect(files.filter((f) => f.startsWith('src/local-gateway/') || f.startsWith('src/cli/'))).toEqual([])
  })

  it.each(files)('%s: no Node builtin import, no require, no Node-only globals', (file) => {
    const text = readFileSync(rel(file), 'utf8')
    const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!)
    expect(specifiers.filter(isBuiltin)).toEqual([])
    const code = text.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '') // comments may name anything
    expect(code).not.toMatch(
      /\brequire\s*\(\s*['"]|\bBuffer\.(from|alloc|concat|isBuffer|byteLength)\b|\b__dirname\b|\b__filename\b|\bsetImmediate\s*\(|import\.meta\.(dirname|filename)/,
    )
    const processUses = code.split('\n').filter((line) => /\bprocess\s*(\?\.|\.|\[)/.test(line))
    expect(processUses.filter((line) => !GUARDED_ENV.test(line))).toEqual([])
  })
})
