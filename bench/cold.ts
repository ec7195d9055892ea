/**
 * Section 5: cold import. Spawns node N times per contender, alternating with the baseline, and reports the
 * median wall time over the baseline (`node --input-type=module -e 0`: same ESM start-up, nothing imported).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import * as esbuild from 'esbuild'
import { fmt, fmtSpread, log, now, quantile, root, summarize, type SectionResult } from './lib.ts'

export async function runCold(opts: { runs?: number } = {}): Promise<SectionResult> {
  const runs = opts.runs ?? Number(process.env.BENCH_COLD_RUNS ?? 21)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cold-'))
  try {
    const build = (entry: string, out: string): string => {
      const outfile = path.join(tmp, out)
      // The banner gives CommonJS dependencies (google-auth-library...) the `require` an ESM bundle lacks.
      const banner = { js: `import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);` }
      esbuild.buildSync({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile, banner, logLevel: 'silent', absWorkingDir: root })
      return outfile
    }
    const oursGoogle = build(path.join(root, 'src/providers/google.ts'), 'ours-google.mjs')
    // With --splitting the dynamic imports (typebox/schema and the schemas, only needed to explain a failed
    // validation) become chunks that are not loaded at start-up, as with an app bundler or the unbundled dist.
    esbuild.buildSync({
      entryPoints: [path.join(root, 'src/providers/google.ts')],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      outdir: path.join(tmp, 'split'),
      outExtension: { '.js': '.mjs' },
      logLevel: 'silent',
      absWorkingDir: root,
    })
    const oursSplit = path.join(tmp, 'split', 'google.mjs')
    const oursIndex = build(path.join(root, 'src/index.ts'), 'ours-index.mjs')
    // @google/genai bundled too (its node build pulls google-auth-library, ws, protobufjs...), for a like-for-like row.
    const genaiBundleEntry = path.join(tmp, 'genai-entry.mjs')
    fs.writeFileSync(genaiBundleEntry, `export * from ${JSON.stringify(path.join(root, 'node_modules/@google/genai/dist/node/index.mjs'))}\n`)
    const genaiBundled = build(genaiBundleEntry, 'genai-bundled.mjs')
    const importOf = (spec: string) => `await import(${JSON.stringify(spec)})`
    // Ours as a user installs it: the published dist/ (tsc output, unbundled ESM), built here when missing.
    const installed = path.join(root, 'dist/src/providers/google.js')
    if (!fs.existsSync(installed)) spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' })
    const contenders = [
      { name: 'baseline: node --input-type=module -e 0', code: '0' },
      { name: "ours as installed (dist/, import('gemini-gateways/google'))", code: importOf(pathToFileURL(installed).href) },
      { name: 'ours: google entry (esbuild bundle, .mjs)', code: importOf(pathToFileURL(oursGoogle).href) },
      { name: 'ours: google entry, bundle with --splitting (lazy chunks not loaded)', code: importOf(pathToFileURL(oursSplit).href) },
      { name: 'ours: src/index.ts, every provider (esbuild bundle)', code: importOf(pathToFileURL(oursIndex).href) },
      { name: "@google/genai as installed (import('@google/genai'))", code: importOf('@google/genai') },
      { name: '@google/genai (esbuild bundle, .mjs)', code: importOf(pathToFileURL(genaiBundled).href) },
    ]
    // Each must load (and the bare import must resolve from the repo's node_modules).
    for (const c of contenders) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', c.code], { cwd: root, encoding: 'utf8' })
      if (r.status !== 0) throw new Error(`${c.name}: ${r.stderr}`)
    }
    log(`cold: ${contenders.length} commands × ${runs} spawns, alternating`)
    const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]))
    for (let i = 0; i < runs + 1; i++) {
      for (let j = 0; j < contenders.length; j++) {
        const c = contenders[(i + j) % contenders.length]!
        const t0 = now()
        const r = spawnSync(process.execPath, ['--input-type=module', '-e', c.code], { cwd: root, stdio: 'ignore' })
        const dt = now() - t0
        if (r.status !== 0) throw new Error(`${c.name} failed`)
        if (i > 0) times.get(c.name)!.push(dt) // the first pass warms the OS file cache
      }
    }
    const base = times.get(contenders[0]!.name)!
    const baseMedian = quantile(base, 0.5)
    const over = (name: string) => quantile(times.get(name)!, 0.5) - baseMedian
    const rows = contenders.map((c) => [c.name, fmtSpread(summarize(times.get(c.name)!), 1), c === contenders[0] ? '—' : fmt(over(c.name), 1)])
    const ours = over(contenders[1]!.name)
    const bundled = over(contenders[2]!.name)
    const split = over(contenders[3]!.name)
    const genai = over(contenders[5]!.name)
    const genaiB = over(contenders[6]!.name)
    return {
      name: 'cold',
      title: '5. Cold import (fresh node process)',
      tables: [{ headers: ['command', 'wall ms median (p25–p75)', 'ms over baseline (medians)'], rows }],
      targets: [
        {
          label: '5. ours (google entry) ≤ 1/5 of @google/genai over baseline, both as installed',
          met: ours <= genai / 5,
          detail: `${fmt(ours, 1)} ms vs ${fmt(genai, 1)} ms (${(ours / genai).toFixed(2)}); both bundled with esbuild: ${fmt(bundled, 1)} ms vs ${fmt(genaiB, 1)} ms (${(bundled / genaiB).toFixed(2)}); ours bundled with --splitting: ${fmt(split, 1)} ms (${(split / genai).toFixed(2)})`,
        },
      ],
      notes: [
        `${runs} spawns per command after one warm-up pass, commands alternated (order rotated each pass); wall time of spawnSync. Ours is bundled with esbuild (--platform=node, not minified) since node cannot import .ts; @google/genai is timed both as installed (its node build, resolved from node_modules) and bundled the same way.`,
      ],
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}
