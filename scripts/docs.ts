/**
 * `npm run docs`: renders one Redoc page per provider from `generated/<provider>/openapi.json` into
 * `docs/<provider>.html`, plus `docs/index.html` with the comparison table and each gateway's quirks.
 *
 * The output is deterministic and works offline (also from `file://`): Redocly's page imports Redoc from
 * its CDN, so the bundle shipped inside `@redocly/cli` is copied to `docs/assets/` as a classic script, its
 * CDN logo inlined, and the pages are pointed at it.
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { Script } from 'node:vm'
import { parse as parseYaml } from 'yaml'
import {
  describeProviders,
  escapeHtml,
  renderComparisonTable,
  type OpenAPIDoc,
  type OverlayDoc,
  type ProviderSummary,
} from './provider-table.ts'

const run = promisify(execFile)

/** Providers in display order; google is the canonical spec, the rest are gateways. */
export const PROVIDERS = ['google', 'infinityblue', 'anyfast', 'apimart', 'nordlys'] as const

/** Repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url))

const REDOCLY_BIN = join(ROOT, 'node_modules/.bin/redocly')
const REDOC_BUNDLE = join(ROOT, 'node_modules/@redocly/cli/lib/chunks/redoc.standalone.js')
/** Path of the shared Redoc script, relative to the docs folder. */
export const REDOC_ASSET = 'assets/redoc.standalone.js'
/** Global the rewritten Redoc script assigns its exports to. */
const REDOC_GLOBAL = '__redocStandalone'

/** Reads every provider's bundle and (for gateways) its overlay. */
export async function loadSpecs(
  root = ROOT,
): Promise<{ bundles: Record<string, OpenAPIDoc>; overlays: Record<string, OverlayDoc | undefined> }> {
  const bundles: Record<string, OpenAPIDoc> = {}
  const overlays: Record<string, OverlayDoc | undefined> = {}
  for (const p of PROVIDERS) {
    const file = join(root, 'generated', p, 'openapi.json')
    bundles[p] = JSON.parse(await readFile(file, 'utf8').catch(() => {
      throw new Error(`${relative(root, file)} is missing; run \`npm run generate\` first`)
    })) as OpenAPIDoc
    // google has no overlay: it is the canonical spec.
    overlays[p] =
      p === 'google' ? undefined : (parseYaml(await readFile(join(root, 'spec', 'overlays', `${p}.yaml`), 'utf8')) as OverlayDoc)
  }
  return { bundles, overlays }
}

/** Redocly's attribution logo, fetched from its CDN by Redoc's sidebar; replaced by inline wordmarks. */
const LOGO_SVG = (text: string, width: number): string =>
  'data:image/svg+xml,' +
  encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 14"><text x="0" y="11.5" font-family="system-ui,sans-serif" font-size="13" font-weight="600" fill="#5a6ee0">${text}</text></svg>`,
  )
const BUNDLE_REMOTE_ASSETS: Record<string, string> = {
  'https://cdn.redoc.ly/redoc/logo-mini-full.svg': LOGO_SVG('Redocly', 60),
  'https://cdn.redoc.ly/redoc/logo-mini.svg': LOGO_SVG('R', 10),
}

/**
 * Replaces the images Redoc's bundle loads from Redocly's CDN at run time with inline ones, and fails if
 * any other reference to that CDN's `redoc/` folder is left.
 */
export function localizeRedocBundle(source: string): string {
  let out = source
  for (const [url, local] of Object.entries(BUNDLE_REMOTE_ASSETS)) out = out.split(url).join(local)
  const left = out.match(/https?:\/\/cdn\.redoc(?:ly)?\.(?:ly|com)\/redoc\/[^`'"\s)]*/g)
  if (left) throw new Error(`redoc.standalone.js loads more from the CDN than scripts/docs.ts replaces: ${[...new Set(left)].join(', ')}`)
  return out
}

/**
 * Turns Redoc's ES-module bundle into a classic script: browsers refuse module scripts from `file://`, but
 * load classic ones. The body runs in a strict function with `this` undefined, as a module would, and
 * hands its exports to a global. Throws if the bundle no longer has the expected shape, so an upgrade
 * cannot ship broken pages silently.
 */
export function toClassicScript(moduleSource: string): string {
  const match = /export\s*\{([^}]*)\}\s*;?\s*$/.exec(moduleSource)
  if (!match?.[1]) throw new Error('redoc.standalone.js: no trailing export statement; rebuild with --inlineBundle instead')
  const members = match[1].split(',').map((m) => {
    const [local, exported = local] = m.trim().split(/\s+as\s+/)
    return `${exported}: ${local}`
  })
  // `import.meta` (a syntax error in classic scripts) only locates FlexSearch's worker file under Node or
  // when no inline worker factory is set; Redoc sets one (a Blob worker), so browsers never take that path.
  const body = moduleSource.slice(0, match.index).replace(/(?<![`'"])\bimport\.meta\b/g, '({ url: "", dirname: "" })')
  const source =
    '/* Redoc standalone from @redocly/cli, rewritten as a classic script by scripts/docs.ts. */\n' +
    `(function () {\n"use strict";\n${body}\nglobalThis.${REDOC_GLOBAL} = { ${members.join(', ')} };\n}).call(undefined);\n`
  try {
    new Script(source, { filename: 'redoc.standalone.js' }) // compiles only; catches anything else a classic script rejects
  } catch (error) {
    throw new Error(`redoc.standalone.js does not parse as a classic script: ${(error as Error).message}`)
  }
  return source
}

/** Resource references a browser would fetch from the network when loading `html`. */
export function externalResources(html: string): string[] {
  const patterns = [
    /<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]+/gi,
    /<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]+/gi,
    /<(?:img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]+/gi,
    /url\(\s*["']?(?:https?:)?\/\/[^)]+\)/gi,
    /@import\s+(?:url\()?\s*["']?(?:https?:)?\/\/[^;]+/gi,
    /\bimport\s*(?:[\w{},*\s]+from\s*)?["'](?:https?:)?\/\/[^"']+["']/g,
  ]
  return patterns.flatMap((p) => html.match(p) ?? [])
}

/**
 * Makes a Redocly `build-docs` page load Redoc from `assets/` instead of its CDN and checks that nothing
 * else is fetched from the network.
 */
export function localizePage(html: string): string {
  const preload = /<link rel="modulepreload" href="https:\/\/cdn\.redocly\.com\/[^"]+"[^>]*\/>/g
  const cdnImport = /import \{ hydrate \} from "https:\/\/cdn\.redocly\.com\/[^"]+";/g
  if ((html.match(preload) ?? []).length !== 1 || (html.match(cdnImport) ?? []).length !== 1) {
    throw new Error('build-docs output changed shape: expected one CDN modulepreload link and one CDN import')
  }
  const out = html
    .replace(preload, `<script src="${REDOC_ASSET}"></script>`)
    .replace(cdnImport, `const { hydrate } = globalThis.${REDOC_GLOBAL};`)
  const left = externalResources(out)
  if (left.length > 0) throw new Error(`page still loads from the network: ${left.join(', ')}`)
  return out
}

/** Runs `redocly build-docs` on `generated/<provider>/openapi.json` and returns the page, localized. */
export async function renderProviderPage(provider: string, title: string, outFile: string, root = ROOT): Promise<string> {
  // Redocly writes beside the target first, so a page that fails the offline check never lands in docs/.
  const raw = `${outFile}.redocly.tmp`
  try {
    await run(REDOCLY_BIN, ['build-docs', join('generated', provider, 'openapi.json'), '-o', raw, '--title', title], {
      cwd: root,
      // Telemetry off keeps the CLI from phoning home and writes `disableTelemetry: true` into the page,
      // so the page sends no traces either; fixing it also keeps the bytes independent of the caller's env.
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    })
    const html = localizePage(await readFile(raw, 'utf8'))
    await writeFile(outFile, html)
    return html
  } finally {
    await rm(raw, { force: true })
  }
}

const CSS = `
:root { color-scheme: light dark; --fg: #1d1f23; --bg: #fff; --muted: #5d636e; --line: #d8dbe0; --accent: #0b57d0; --tag: #f3e8c6; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --bg: #15171a; --muted: #9aa1ab; --line: #33373d; --accent: #8ab4f8; --tag: #4a3f1c; } }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; padding: 1.5rem; max-width: 80rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.25rem; margin-top: 2rem; } h3 { font-size: 1.05rem; margin-bottom: .25rem; }
a { color: var(--accent); } p.lead { color: var(--muted); margin-top: 0; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
nav ul { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; padding: 0; list-style: none; }
.scroll { overflow-x: auto; }
table.compare { border-collapse: collapse; width: 100%; min-width: 60rem; table-layout: fixed; }
table.compare thead th:first-child { width: 11rem; }
table.compare code { overflow-wrap: anywhere; }
table.compare th, table.compare td { border: 1px solid var(--line); padding: .4rem .55rem; vertical-align: top; text-align: left; }
table.compare thead th { position: sticky; top: 0; background: var(--bg); }
table.compare tbody th { white-space: nowrap; }
table.compare ul { margin: 0; padding-left: 1rem; }
.op-id, .none, .target { color: var(--muted); }
.tag { display: inline-block; padding: 0 .35rem; border-radius: .25rem; font-size: 12px; background: var(--tag); }
ol.quirks li { margin-bottom: .35rem; } .target { font-size: 12px; }
`

/** Escapes text and renders its Markdown code spans, as the overlay descriptions use them. */
function inlineCode(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')
}

/**
 * Renders `docs/index.html`: links to every provider page, the comparison table, and each gateway's
 * quirks (its overlay action descriptions). Self-contained; no timestamps.
 */
export function renderIndexPage(summaries: ProviderSummary[]): string {
  const links = summaries
    .map((s) => `<li><a href="${escapeHtml(s.provider)}.html">${escapeHtml(s.provider)}</a> <span class="op-id">${escapeHtml(s.title)}</span></li>`)
    .join('\n')
  const quirks = summaries
    .filter((s) => s.gateway !== null)
    .map(
      (s) =>
        `<section id="quirks-${escapeHtml(s.provider)}">\n<h3><a href="${escapeHtml(s.provider)}.html">${escapeHtml(s.provider)}</a></h3>\n<ol class="quirks">\n` +
        s.quirks
          .map(
            (q) =>
              `<li>${inlineCode(q.description)} <span class="target">${escapeHtml(q.kind)} <code>${escapeHtml(q.target)}</code></span></li>`,
          )
          .join('\n') +
        '\n</ol>\n</section>',
    )
    .join('\n')
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gemini generateContent: Google and its gateways</title>
<style>${CSS}</style>
</head>
<body>
<h1>Gemini generateContent: Google and its gateways</h1>
<p class="lead">One canonical OpenAPI description (Google's) and one overlay per gateway. Each page below is rendered from that provider's bundle.</p>
<nav><ul>
${links}
</ul></nav>
<h2>How they differ</h2>
<div class="scroll">
${renderComparisonTable(summaries)}
</div>
<h2>Quirks</h2>
<p class="lead">Each gateway's overlay actions, with the reason each one exists.</p>
${quirks}
</body>
</html>
`
}

/** The `<title>` of a provider's page. */
export function pageTitle(provider: string, bundle: OpenAPIDoc | undefined): string {
  return bundle ? `${provider}: ${bundle.info.title}` : provider
}

/** Maps with at most `limit` calls in flight: one build-docs process per core, no more. */
async function mapPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}

/** What one docs build wrote. */
export interface DocsBuildResult {
  files: { file: string; bytes: number }[]
  millis: number
}

/**
 * Builds every page into `outDir` (default `docs/`): the Redoc pages, one process per core, then the
 * shared Redoc script and the index page.
 */
export async function buildDocs(outDir = join(ROOT, 'docs'), root = ROOT): Promise<DocsBuildResult> {
  const started = performance.now()
  await mkdir(join(outDir, 'assets'), { recursive: true })
  const { bundles, overlays } = await loadSpecs(root)
  const asset = toClassicScript(localizeRedocBundle(await readFile(REDOC_BUNDLE, 'utf8')))
  const pages = await mapPool([...PROVIDERS], availableParallelism(), async (p) => {
    const file = join(outDir, `${p}.html`)
    return { file, bytes: Buffer.byteLength(await renderProviderPage(p, pageTitle(p, bundles[p]), file, root)) }
  })
  const assetFile = join(outDir, REDOC_ASSET)
  await writeFile(assetFile, asset)
  const index = renderIndexPage(describeProviders(bundles, overlays))
  const indexFile = join(outDir, 'index.html')
  await writeFile(indexFile, index)
  return {
    files: [...pages, { file: assetFile, bytes: Buffer.byteLength(asset) }, { file: indexFile, bytes: Buffer.byteLength(index) }],
    millis: performance.now() - started,
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await buildDocs()
  for (const f of result.files) console.log(`${relative(ROOT, f.file).padEnd(32)} ${(f.bytes / 1024).toFixed(0).padStart(6)} KiB`)
  console.log(`docs built in ${(result.millis / 1000).toFixed(1)} s`)
}
