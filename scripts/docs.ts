/**
 * `npm run docs`: renders one Redoc page per provider from `generated/<provider>/openapi.json` into
 * `docs/<provider>.html`, each operation with TypeScript and curl samples built from calls the real client
 * made to the local gateway (scripts/docs/exchanges.ts, samples.ts); `docs/index.html` with the comparison
 * table, one request side by side as each dialect's wire carries it, and a summary of each gateway's
 * quirks; `docs/quirks.html` with every quirk and what the client does about it (scripts/docs/quirks.ts);
 * `docs/fields.html`, an index of every schema field and error class (scripts/docs/fields.ts); and the
 * TypeScript API reference in `docs/api/` (TypeDoc, scripts/docs/api-reference.ts). Every page carries
 * the same nav bar (scripts/docs/nav.ts).
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
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import {
  describeProviders,
  escapeHtml,
  renderComparisonTable,
  type OpenAPIDoc,
  type OverlayDoc,
  type OverlayStack,
  type ProviderSummary,
} from './provider-table.ts'
import { overlayStacks } from './lib/overlay-stack.ts'
import { providers, type Provider } from '../generated/registry.ts'
import { API_DIR, API_ENTRY_POINTS, type ApiReferenceResult } from './docs/api-reference.ts'
import { recordExchanges } from './docs/exchanges.ts'
import { collectFields, renderFieldsPage, SCHEMAS_SECTION, type ErrorClassPage } from './docs/fields.ts'
import { FIELDS_PAGE, insertNavBar, navLinks, REDOC_NAV_CSS, renderNavBar, type NavLink } from './docs/nav.ts'
import { renderWireTable, SAMPLE_LANGUAGES, withCodeSamples } from './docs/samples.ts'
import { withSdkSection } from './docs/sdk-snippets.ts'
import * as api from '../src/index.ts'
import { QUIRK_GROUP_IDS, QUIRK_GROUPS } from './docs/quirk-groups.ts'
import { groupAnchor, groupQuirks, QUIRKS_PAGE, renderQuirksPage } from './docs/quirks.ts'
import { externalResources } from './docs/offline.ts'
import { CSS } from './docs/style.ts'

export { externalResources }

const run = promisify(execFile)

/** Providers in display order (the registry's, redocly.yaml's); google is the canonical spec, the rest are gateways. */
export const PROVIDERS = providers

/** Repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url))

const REDOCLY_BIN = join(ROOT, 'node_modules/.bin/redocly')
const REDOC_BUNDLE = join(ROOT, 'node_modules/@redocly/cli/lib/chunks/redoc.standalone.js')
/** Path of the shared Redoc script, relative to the docs folder. */
export const REDOC_ASSET = 'assets/redoc.standalone.js'
/** Global the rewritten Redoc script assigns its exports to. */
const REDOC_GLOBAL = '__redocStandalone'

/** Reads every provider's bundle and its stack of overlays, as redocly.yaml applies them (none for google). */
export async function loadSpecs(root = ROOT): Promise<{ bundles: Record<string, OpenAPIDoc>; overlays: Record<string, OverlayStack> }> {
  const bundles: Record<string, OpenAPIDoc> = {}
  const overlays: Record<string, OverlayStack> = {}
  const stacks = overlayStacks(root)
  for (const p of PROVIDERS) {
    const file = join(root, 'generated', p, 'openapi.json')
    bundles[p] = JSON.parse(
      await readFile(file, 'utf8').catch(() => {
        throw new Error(`${relative(root, file)} is missing; run \`npm run generate\` first`)
      }),
    ) as OpenAPIDoc
    overlays[p] = await Promise.all((stacks[p] ?? []).map(async (f) => parseYaml(await readFile(join(root, f), 'utf8')) as OverlayDoc))
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
  const out = html.replace(preload, `<script src="${REDOC_ASSET}"></script>`).replace(cdnImport, `const { hydrate } = globalThis.${REDOC_GLOBAL};`)
  const left = externalResources(out)
  if (left.length > 0) throw new Error(`page still loads from the network: ${left.join(', ')}`)
  return out
}

/**
 * Leaves out the styles Redoc rendered on the server (styled-components' `<style data-styled>`, 240 KB on every
 * provider page). The server-rendered markup is only the page's shell: Redoc's script, which the page needs to show
 * anything, styles what it renders as it hydrates, so the page looks the same once it has loaded.
 */
export function dropServerStyles(html: string): string {
  const styled = /<style data-styled="true"[^>]*>[\s\S]*?<\/style>/.exec(html)
  if (!styled) throw new Error('build-docs output changed shape: expected one styled-components <style data-styled>')
  return html.replace(styled[0], () => '')
}

/**
 * Redoc's options for the provider pages: every schema in a section of its own (the fields index links to
 * them), and the code samples' languages (Redoc shows only samples in languages it is told about).
 */
export const REDOC_OPTIONS = {
  schemaDefinitionsTagName: SCHEMAS_SECTION,
  codeSamples: { languages: SAMPLE_LANGUAGES },
}

/** The site's nav links. */
export const NAV: NavLink[] = navLinks(PROVIDERS, QUIRKS_PAGE, `${API_DIR}/index.html`)

/**
 * Runs `redocly build-docs` on `doc` (a provider's bundle with its code samples, and the SDK section of
 * scripts/docs/sdk-snippets.ts appended to its description) and returns the page, localized and under the site's nav bar. Redoc lists every schema in a section of its own, so that the
 * fields index can link to each one.
 */
export async function renderProviderPage(provider: Provider, doc: OpenAPIDoc, title: string, outFile: string, root = ROOT): Promise<string> {
  // Redocly writes beside the target first, so a page that fails the offline check never lands in docs/.
  const raw = `${outFile}.redocly.tmp`
  const spec = `${outFile}.spec.tmp.json`
  const config = `${outFile}.redocly.tmp.yaml`
  try {
    // The page ends with how to use this provider from Google's SDKs (gemini-gateways/fetch).
    await writeFile(spec, JSON.stringify(withSdkSection(doc, provider)))
    await writeFile(config, stringifyYaml({ openapi: REDOC_OPTIONS }))
    await run(REDOCLY_BIN, ['build-docs', spec, '-o', raw, '--title', title, '--config', config], {
      cwd: root,
      // Telemetry off keeps the CLI from phoning home and writes `disableTelemetry: true` into the page,
      // so the page sends no traces either; fixing it also keeps the bytes independent of the caller's env.
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    })
    const html = dropServerStyles(insertNavBar(localizePage(await readFile(raw, 'utf8')), renderNavBar(NAV, 0, `${provider}.html`), REDOC_NAV_CSS))
    await writeFile(outFile, html)
    return html
  } finally {
    for (const f of [raw, spec, config]) await rm(f, { force: true })
  }
}

/** A hand-rendered page of the docs folder under the site's nav bar. */
export function withSiteNav(name: string, html: string): string {
  return insertNavBar(html, renderNavBar(NAV, 0, name))
}

/**
 * Every error class `gemini-gateways` exports (found by running it: a class whose instances are Errors),
 * with its page in the API reference; fails when the reference has no page for one.
 */
export function errorClassPages(classes: ApiReferenceResult['classes']): ErrorClassPage[] {
  const module = API_ENTRY_POINTS['src/index.ts']
  const names = Object.entries(api)
    .filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error)
    .map(([name]) => name)
    .sort()
  return names.map((name) => {
    const page = classes.find((c) => c.module === module && c.name === name)
    if (!page) throw new Error(`the API reference has no page for the error class ${name}`)
    return { name, url: page.url, summary: page.summary }
  })
}

/**
 * Renders `docs/index.html`: links to every provider page, the quirks page and the API reference, the
 * comparison table, and per gateway how many of its overlay actions fall in each quirk group (each count
 * links to that group on the quirks page). Self-contained; no timestamps.
 */
export function renderIndexPage(summaries: ProviderSummary[], overlays: Record<string, OverlayStack | undefined>, wireTable: string): string {
  const links = summaries
    .map((s) => `<li><a href="${escapeHtml(s.provider)}.html">${escapeHtml(s.provider)}</a> <span class="op-id">${escapeHtml(s.title)}</span></li>`)
    .join('\n')
  const gateways = summaries.flatMap((s) => {
    const stack = overlays[s.provider]
    return s.gateway !== null && stack?.length ? [{ summary: s, quirks: groupQuirks(s.provider, stack) }] : []
  })
  const used = QUIRK_GROUP_IDS.filter((id) => gateways.some((g) => g.quirks.groups.some((x) => x.id === id)))
  const head = used.map((id) => `<th scope="col">${escapeHtml(QUIRK_GROUPS[id].title)}</th>`).join('')
  const rows = gateways.map(({ summary, quirks }) => {
    const p = escapeHtml(summary.provider)
    const cells = used.map((id) => {
      const n = quirks.groups.find((x) => x.id === id)?.quirks.length ?? 0
      return n === 0 ? '<td><span class="none">0</span></td>' : `<td><a href="${QUIRKS_PAGE}#${escapeHtml(groupAnchor(summary.provider, id))}">${n}</a></td>`
    })
    return `<tr id="quirks-${p}"><th scope="row"><a href="${QUIRKS_PAGE}#${p}">${p}</a></th>${cells.join('')}</tr>`
  })
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gemini generateContent: Google and its gateways</title>
<style>${CSS}</style>
</head>
<body>
${renderNavBar(NAV, 0, 'index.html')}
<h1>Gemini generateContent: Google and its gateways</h1>
<p class="lead">One canonical OpenAPI description (Google's) and one overlay per gateway, a reseller's applied after its relay's. Each page below is rendered from that provider's bundle.</p>
<nav><ul>
${links}
</ul></nav>
<nav><ul>
<li><a href="${QUIRKS_PAGE}">Gateway quirks</a> <span class="op-id">every overlay action, grouped, and what the client does about it</span></li>
<li><a href="${FIELDS_PAGE}">Index of fields and errors</a> <span class="op-id">every schema field and error class, linked to where it is described</span></li>
<li><a href="${API_DIR}/index.html">TypeScript API reference</a> <span class="op-id">the client, the provider entry points, validators, generated types and the local gateway</span></li>
</ul></nav>
<h2 id="wire">One request, ${summaries.length} wires</h2>
<p class="lead">The same <code>generateContent</code> call made by this client against the local gateway of each dialect, as the gateway received it (the host is the documented one, the key a variable).</p>
<div class="scroll">
${wireTable}
</div>
<h2>How they differ</h2>
<div class="scroll">
${renderComparisonTable(summaries)}
</div>
<h2>Quirks</h2>
<p class="lead">How many overlay actions each gateway has, by what they change; <a href="${QUIRKS_PAGE}">the quirks page</a> lists them with the reason each one exists and what the client does about it.</p>
<div class="scroll">
<table class="compare counts">
<thead><tr><th></th>${head}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>
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

/**
 * Runs scripts/docs/api-reference.ts in its own process: TypeDoc is CPU-bound and synchronous for seconds,
 * and in this process it would hold up the Redocly children's callbacks; beside them it overlaps. Whatever
 * TypeDoc logs is passed on; the result is the last line of its output.
 */
async function buildApiReferenceInChild(root: string, apiDir: string): Promise<ApiReferenceResult> {
  const { stdout, stderr } = await run(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/docs/api-reference.ts'), root, apiDir, JSON.stringify(NAV)], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  })
  const lines = stdout.trimEnd().split('\n')
  const last = lines.pop() ?? ''
  if (lines.length > 0 || stderr.trim()) process.stderr.write(`${[...lines, stderr.trimEnd()].filter(Boolean).join('\n')}\n`)
  return JSON.parse(last) as ApiReferenceResult
}

/** What one docs build wrote. */
export interface DocsBuildResult {
  /** Every page and asset, and the API reference folder as one entry. */
  files: { file: string; bytes: number }[]
  api: ApiReferenceResult
  millis: number
}

/**
 * Builds everything into `outDir` (default `docs/`): first the sample exchanges (the client against the
 * local gateway, well under a second), then the Redoc pages, one process per core, while TypeDoc renders
 * the API reference in another; then the shared Redoc script, the quirks page, the fields index and the index.
 */
export async function buildDocs(outDir = join(ROOT, 'docs'), root = ROOT): Promise<DocsBuildResult> {
  const started = performance.now()
  await mkdir(join(outDir, 'assets'), { recursive: true })
  const { bundles, overlays } = await loadSpecs(root)
  const exchanges = await recordExchanges(PROVIDERS, bundles)
  const asset = toClassicScript(localizeRedocBundle(await readFile(REDOC_BUNDLE, 'utf8')))
  const apiDir = join(outDir, API_DIR)
  const [pages, api] = await Promise.all([
    mapPool([...PROVIDERS], availableParallelism(), async (p) => {
      const file = join(outDir, `${p}.html`)
      const doc = withCodeSamples(bundles[p] as OpenAPIDoc, exchanges[p] ?? [])
      return { file, bytes: Buffer.byteLength(await renderProviderPage(p, doc, pageTitle(p, bundles[p]), file, root)) }
    }),
    buildApiReferenceInChild(root, apiDir),
  ])
  const assetFile = join(outDir, REDOC_ASSET)
  await writeFile(assetFile, asset)
  const summaries = describeProviders(bundles, overlays)
  const written: { file: string; bytes: number }[] = [...pages, { file: assetFile, bytes: Buffer.byteLength(asset) }]
  for (const [name, html] of [
    [QUIRKS_PAGE, withSiteNav(QUIRKS_PAGE, renderQuirksPage(summaries, overlays))],
    [FIELDS_PAGE, renderFieldsPage(collectFields(PROVIDERS, bundles), errorClassPages(api.classes), renderNavBar(NAV, 0, FIELDS_PAGE), PROVIDERS)],
    ['index.html', renderIndexPage(summaries, overlays, renderWireTable(PROVIDERS, exchanges, bundles))],
  ] as const) {
    const left = externalResources(html)
    if (left.length > 0) throw new Error(`${name} loads from the network: ${left.join(', ')}`)
    const file = join(outDir, name)
    await writeFile(file, html)
    written.push({ file, bytes: Buffer.byteLength(html) })
  }
  written.push({ file: `${apiDir}/`, bytes: api.bytes })
  return { files: written, api, millis: performance.now() - started }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await buildDocs()
  for (const f of result.files) console.log(`${relative(ROOT, f.file).padEnd(32)} ${(f.bytes / 1024).toFixed(0).padStart(6)} KiB`)
  console.log(`(${API_DIR}/: ${result.api.files} files by TypeDoc in ${(result.api.millis / 1000).toFixed(1)} s)`)
  console.log(`docs built in ${(result.millis / 1000).toFixed(1)} s`)
}
