/**
 * Section 4: bundle size. esbuild --bundle --minify --format=esm, then gzip -9 (node:zlib), for each provider
 * entry, the root entry, gemini-gateways/fetch, and a one-file app using @google/genai; plus esbuild's metafile for
 * the google entry.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import * as esbuild from 'esbuild'
import { clientModule } from '../scripts/lib/registry-emit.ts'
import { providers } from '../src/index.ts'
import { kb, log, root, type SectionResult, type Table } from './lib.ts'

export const TARGET_GZIP = 15 * 1024
/** What a first successful generateContent loads: the entry, plus the request checks it imports on the first call. */
export const TARGET_FIRST_CALL_GZIP = 20 * 1024

/**
 * The modules a successful first generateContent imports on demand: the request checks. A body in proto-JSON
 * spellings (a snake_case name, a `null`, a lower-case Schema type) also loads the request's name table and its
 * normaliser (FIRST_CALL_PROTO_INPUTS); a camelCase body, as the README writes one, does not. The rest of the lazy
 * chunks load only to explain a failure (schemas, error bodies), for `responseValidation: 'strict'`, for a stream or
 * for a continued answer.
 */
const FIRST_CALL_INPUTS = [/validators\/request\.ts$/]
const FIRST_CALL_PROTO_INPUTS = [...FIRST_CALL_INPUTS, /validators\/request-names\.ts$/, /src\/core\/normalize\.ts$/]

interface Built {
  bytes: number
  gzip: number
  metafile: esbuild.Metafile
  lazyBytes: number
  lazyGzip: number
  firstCallGzip: number
  firstProtoCallGzip: number
}

const gz = (buf: Uint8Array): number => zlib.gzipSync(buf, { level: 9 }).length

/**
 * One bundle as a user's bundler would make it. With `splitting`, dynamic imports (the schemas loaded only to
 * explain a failed validation) become separate chunks: the entry chunk is what loads up front.
 */
export async function bundle(
  entry: string,
  opts: { platform?: 'neutral' | 'browser' | 'node'; splitting?: boolean; outdir?: string; loadsProvider?: string } = {},
): Promise<Built> {
  const platform = opts.platform ?? 'neutral'
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    // neutral has no default main fields or conditions; use what a browser bundler would.
    ...(platform === 'neutral' && { mainFields: ['module', 'main'], conditions: ['import', 'default'] }),
    splitting: opts.splitting ?? false,
    write: opts.outdir !== undefined,
    outdir: opts.outdir ?? '/virtual-out',
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
  })
  const outputs = result.metafile.outputs
  // Eager = the output of this entry point and what it imports statically; the rest loads on demand.
  const entryRel = path.relative(root, path.resolve(root, entry))
  const start = Object.keys(outputs).find((o) => outputs[o]!.entryPoint === entryRel)!
  const eager = new Set<string>()
  const visit = (o: string): void => {
    if (eager.has(o)) return
    eager.add(o)
    for (const i of outputs[o]!.imports) if (i.kind === 'import-statement' && outputs[i.path]) visit(i.path)
  }
  visit(start)
  // An entry that loads its provider with the first call (gemini-gateways/fetch): that provider's chunk and checks only.
  const scoped = (inputs: RegExp[]): RegExp[] => {
    const p = opts.loadsProvider
    if (p === undefined) return inputs
    return [
      new RegExp(`src/providers/${p}\\.ts$`),
      ...inputs.map((re) => (re.source.startsWith('validators') ? new RegExp(`generated/${p}/${re.source}`) : re)),
    ]
  }
  // The chunks a first successful call adds: those holding one of `inputs`, and what they import statically.
  const chunksFor = (inputs: RegExp[]): Set<string> => {
    const chunks = new Set(eager)
    const addChunk = (o: string): void => {
      if (chunks.has(o)) return
      chunks.add(o)
      for (const i of outputs[o]!.imports) if (i.kind === 'import-statement' && outputs[i.path]) addChunk(i.path)
    }
    for (const [o, out] of Object.entries(outputs)) {
      if (Object.keys(out.inputs).some((input) => inputs.some((re) => re.test(input)))) addChunk(o)
    }
    return chunks
  }
  const firstCall = chunksFor(scoped(FIRST_CALL_INPUTS))
  const firstProtoCall = chunksFor(scoped(FIRST_CALL_PROTO_INPUTS))
  let firstCallGzip = 0
  let firstProtoCallGzip = 0
  let bytes = 0
  let gzip = 0
  let lazyBytes = 0
  let lazyGzip = 0
  const files = result.outputFiles ?? Object.keys(outputs).map((p) => ({ path: path.resolve(root, p), contents: fs.readFileSync(path.resolve(root, p)) }))
  for (const f of files) {
    if (f.path.endsWith('.map')) continue
    if (firstCall.has(path.relative(root, f.path))) firstCallGzip += gz(f.contents)
    if (firstProtoCall.has(path.relative(root, f.path))) firstProtoCallGzip += gz(f.contents)
    if (eager.has(path.relative(root, f.path))) {
      bytes += f.contents.length
      gzip += gz(f.contents)
    } else {
      lazyBytes += f.contents.length
      lazyGzip += gz(f.contents)
    }
  }
  return { bytes, gzip, metafile: result.metafile, lazyBytes, lazyGzip, firstCallGzip, firstProtoCallGzip }
}

export async function runSize(): Promise<SectionResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-size-'))
  try {
    const genaiEntry = path.join(tmp, 'genai-app.mjs')
    fs.writeFileSync(
      genaiEntry,
      [
        `import { GoogleGenAI } from ${JSON.stringify(path.join(root, 'node_modules/@google/genai/dist/web/index.mjs'))}`,
        `const ai = new GoogleGenAI({ apiKey: 'key' })`,
        `export const answer = await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'hi' })`,
        '',
      ].join('\n'),
    )
    const oursEntry = path.join(tmp, 'ours-app.ts')
    fs.writeFileSync(
      oursEntry,
      [
        `import { createGoogleClient } from ${JSON.stringify(path.join(root, 'src/providers/google.ts'))}`,
        `const ai = createGoogleClient({ apiKey: 'key' })`,
        `export const answer = await ai.generateContent({ model: 'gemini-2.0-flash', contents: [{ role: 'user', parts: [{ text: 'hi' }] }] })`,
        '',
      ].join('\n'),
    )
    const entries = [
      // Each provider's file, or the client generated for a gateway without one.
      ...providers.map((p) => ({ name: `ours: ${clientModule(root, p).file}`, entry: path.join(root, clientModule(root, p).file), target: true })),
      { name: 'ours: src/index.ts (every provider)', entry: path.join(root, 'src/index.ts'), target: false },
      {
        name: 'ours: src/gateway-fetch/index.ts (gemini-gateways/fetch; first call: google)',
        entry: path.join(root, 'src/gateway-fetch/index.ts'),
        target: false,
        loadsProvider: 'google',
      },
      { name: 'app: createGoogleClient + generateContent', entry: oursEntry, target: false },
      { name: 'app: @google/genai GoogleGenAI + generateContent', entry: genaiEntry, target: false },
    ]
    const rows: string[][] = []
    const targets: SectionResult['targets'] = []
    let googleMeta: esbuild.Metafile | undefined
    let googleSplit: esbuild.Metafile | undefined
    for (const e of entries) {
      log(`size: ${e.name}`)
      const loads = 'loadsProvider' in e ? { loadsProvider: e.loadsProvider } : {}
      const one = await bundle(e.entry, { platform: e.name.includes('genai') ? 'browser' : 'neutral', ...loads })
      const split = await bundle(e.entry, {
        platform: e.name.includes('genai') ? 'browser' : 'neutral',
        splitting: true,
        outdir: path.join(tmp, `split-${rows.length}`),
        ...loads,
      })
      if (e.name.includes('providers/google.ts')) {
        googleMeta = one.metafile
        googleSplit = split.metafile
      }
      rows.push([
        e.name,
        kb(one.bytes),
        kb(one.gzip),
        `${kb(split.gzip)} (+ ${kb(split.lazyGzip)} lazy)`,
        kb(split.firstCallGzip),
        kb(split.firstProtoCallGzip),
      ])
      // The target is what an app loads up front (entry plus static chunks); the on-demand chunks and the
      // single-file figure (esbuild inlines dynamic imports there) are reported beside it.
      if (e.target) {
        targets.push({
          label: `4. ${e.name} ≤ 15 KB gzip up front`,
          met: split.gzip <= TARGET_GZIP,
          detail: `${kb(split.gzip)} up front (+ ${kb(split.lazyGzip)} on demand); ${kb(one.gzip)} as one file with dynamic imports inlined`,
        })
        targets.push({
          label: `4. ${e.name} ≤ 20 KB gzip for a first successful generateContent`,
          met: split.firstCallGzip <= TARGET_FIRST_CALL_GZIP,
          detail: `${kb(split.firstCallGzip)} with --splitting (entry + request checks; ${kb(split.firstProtoCallGzip)} for a body in proto-JSON spellings, which also loads the name table); ${kb(one.gzip)} as one file`,
        })
      }
    }
    const tables: Table[] = [
      {
        headers: [
          'entry',
          'minified',
          'gzip -9',
          'gzip, --splitting: entry chunk (+ lazy chunks)',
          'gzip, --splitting: a first successful generateContent',
          'the same, body in proto-JSON spellings',
        ],
        rows,
      },
    ]
    if (googleMeta) {
      const out = Object.values(googleMeta.outputs).find((o) => o.entryPoint)!
      const total = out.bytes
      const inputs = Object.entries(out.inputs)
        .map(([file, v]) => ({ file, bytes: v.bytesInOutput }))
        .sort((a, b) => b.bytes - a.bytes)
      const byPackage = new Map<string, number>()
      for (const i of inputs) {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(i.file)
        const key = m ? m[1]! : i.file.startsWith('generated/') ? 'generated/' : i.file.startsWith('src/') ? 'src/' : i.file
        byPackage.set(key, (byPackage.get(key) ?? 0) + i.bytes)
      }
      tables.push({
        title: `Top 10 inputs of the google entry (single file, ${kb(total)} minified; bytes in output, before gzip)`,
        headers: ['input', 'bytes', 'share'],
        rows: inputs
          .slice(0, 10)
          .map((i) => [i.file.replace(/^node_modules\//, ''), i.bytes.toLocaleString('en-US'), `${((100 * i.bytes) / total).toFixed(1)}%`]),
      })
      tables.push({
        title: 'The google entry by origin',
        headers: ['origin', 'bytes', 'share'],
        rows: [...byPackage].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v.toLocaleString('en-US'), `${((100 * v) / total).toFixed(1)}%`]),
      })
    }
    if (googleSplit) {
      const entryOut = Object.values(googleSplit.outputs).find((o) => o.entryPoint === 'src/providers/google.ts')!
      const inputs = Object.entries(entryOut.inputs)
        .map(([file, v]) => ({ file, bytes: v.bytesInOutput }))
        .sort((a, b) => b.bytes - a.bytes)
      tables.push({
        title: `What loads up front: top 10 inputs of the google entry chunk with --splitting (${kb(entryOut.bytes)} minified, before gzip)`,
        headers: ['input', 'bytes', 'share'],
        rows: inputs
          .slice(0, 10)
          .map((i) => [i.file.replace(/^node_modules\//, ''), i.bytes.toLocaleString('en-US'), `${((100 * i.bytes) / entryOut.bytes).toFixed(1)}%`]),
      })
    }
    return {
      name: 'size',
      title: '4. Bundle size (esbuild --bundle --minify --format=esm, gzip -9)',
      tables,
      targets,
      notes: [
        'Ours with --platform=neutral (main fields module,main); @google/genai with --platform=browser (its web build: the neutral platform cannot resolve its node-only dependencies). "Single file" is the command as given: esbuild inlines the dynamic imports (the schemas only loaded to explain a failed validation, and typebox/schema). With --splitting they become lazy chunks and the entry chunk is what an app loads up front.',
        'gemini-gateways/fetch takes its provider at run time: each provider is a chunk of its own (generated/client-loaders.ts), loaded with the first request, so up front is the fetch alone and its first call adds one provider (google here) with its request checks.',
        'The "app" rows bundle a one-file program that creates a client and calls generateContent, so tree shaking applies the same way to both libraries.',
      ],
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}
