/**
 * What-if bundle sizes for the google entry: the same esbuild build (--splitting, so dynamic imports are
 * lazy chunks) with some eagerly imported modules turned into lazy ones, to show what each move would save.
 * Stubs replace a module's exports with a dynamic import of the real file. Not part of `npm run bench`:
 *   npx tsx bench/profile/size-whatif.ts
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as esbuild from 'esbuild'
import { kb, renderTable, root } from '../lib.ts'
import { bundle } from '../size.ts'

const lazy = (files: string[]): esbuild.Plugin => ({
  name: 'lazy',
  setup(build) {
    for (const f of files) {
      const abs = path.join(root, f)
      build.onLoad({ filter: new RegExp(`${abs.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }, () => {
        // Same export names, each a check that loads the real module on first use (a stand-in for a lazy loader).
        const names = [...fs.readFileSync(abs, 'utf8').matchAll(/^export const (\w+)/gm)].map((m) => m[1]!)
        const body = [
          `let m; const load = () => import(${JSON.stringify(`${abs}?real`)}).then((x) => (m = x));`,
          ...names.map((n) => `export const ${n} = (v) => m ? m.${n}(v) : (load(), true);`),
        ].join('\n')
        return { contents: body, loader: 'js', resolveDir: path.dirname(abs) }
      })
    }
    build.onResolve({ filter: /\?real$/ }, (args) => ({ path: args.path.replace(/\?real$/, ''), namespace: 'real' }))
    build.onLoad({ filter: /.*/, namespace: 'real' }, (args) => ({ contents: fs.readFileSync(args.path, 'utf8'), loader: 'ts' }))
  },
})

const entry = path.join(root, 'src/providers/google.ts')
const gz = async (plugins: esbuild.Plugin[]) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-whatif-'))
  try {
    const r = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      splitting: true,
      outdir: out,
      write: false,
      metafile: true,
      logLevel: 'silent',
      plugins,
    })
    const e = r.outputFiles!.find((f) => f.path.endsWith('/google.js'))!
    const zlib = await import('node:zlib')
    return zlib.gzipSync(e.contents, { level: 9 }).length
  } finally {
    fs.rmSync(out, { recursive: true, force: true })
  }
}

const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-whatif-'))
const base = await bundle(entry, { splitting: true, outdir: baseDir })
fs.rmSync(baseDir, { recursive: true, force: true })
const rows: string[][] = [['as is (entry chunk, --splitting)', kb(base.gzip), '']]
for (const [label, files] of [
  ['response-strict.ts loaded only when strict is chosen', ['generated/google/validators/response-strict.ts']],
  ['request.ts loaded on first request check', ['generated/google/validators/request.ts']],
  ['both', ['generated/google/validators/response-strict.ts', 'generated/google/validators/request.ts']],
] as const) {
  const g = await gz([lazy([...files])])
  rows.push([label, kb(g), `-${kb(base.gzip - g)}`])
}
console.log(renderTable({ title: 'google entry chunk, gzip -9', headers: ['what if', 'entry chunk gzip', 'saves'], rows }))
