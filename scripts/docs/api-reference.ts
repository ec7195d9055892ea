/**
 * `docs/api/`: an API reference of the package's TypeScript surface, rendered by TypeDoc's default theme
 * from every entry point package.json exports with types (`gemini-gateways`, `gemini-gateways/<provider>`,
 * `gemini-gateways/validators`, `gemini-gateways/types/<provider>`, `gemini-gateways/local-gateway`), each page
 * under the site's nav bar. Deterministic and offline: no source links (they would embed the git revision),
 * no generation time in asset links, no generator footer, and a check that no page loads anything from the
 * network.
 */
import { readFileSync } from 'node:fs'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { externalResources } from './offline.ts'
import { Application, Comment, DeclarationReflection, LogLevel, OptionDefaults, PageEvent, ReflectionKind, TSConfigReader, type TypeDocOptions } from 'typedoc'
import { insertNavBar, renderNavBar, type NavLink } from './nav.ts'
import { expandExports } from '../lib/package-exports.ts'

/** The API reference's folder, relative to the docs folder. */
export const API_DIR = 'api'

/** The package's manifest, read once: its `exports` decide which entry points the reference covers. */
const MANIFEST = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; exports: Record<string, unknown> }

/**
 * Source entry point → the module name a user imports, for every entry of package.json `exports` that has
 * types (the JSON specs and package.json itself have none), its `*` patterns expanded with every provider:
 * `./dist/src/x.d.ts` is built from `src/x.ts`, `./dist/generated/p/types.d.ts` from `generated/p/types.ts`.
 */
export function entryPointsOf(manifest: { name: string; exports: Record<string, unknown> }): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [subpath, target] of Object.entries(expandExports(manifest.exports))) {
    const types = typeof target === 'object' && target !== null ? (target as { types?: unknown }).types : undefined
    if (typeof types !== 'string') continue
    const source = types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts')
    if (source === types) throw new Error(`package.json exports ${subpath}: types ${types} is not under ./dist/`)
    out[source] = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, '')}`
  }
  return out
}

export const API_ENTRY_POINTS: Record<string, string> = entryPointsOf(MANIFEST)

/** The reference's own name (TypeDoc's project name, in every title and the toolbar): not the package's, which is a module name already. */
export const API_TITLE = 'TypeScript API reference'

/** The folder every entry point is under, with a trailing slash ('' when they share none). */
export function commonFolder(files: string[]): string {
  const split = files.map((f) => f.split('/').slice(0, -1))
  const first = split[0] ?? []
  let n = 0
  while (n < first.length && split.every((s) => s[n] === first[n])) n++
  return first.slice(0, n).map((x) => `${x}/`).join('')
}

/**
 * The name TypeDoc gives an entry point's module: its path under the entry points' common folder, without
 * the extension or a trailing `/index`.
 */
export function defaultModuleName(file: string, common = commonFolder(Object.keys(API_ENTRY_POINTS))): string {
  return file.slice(common.length).replace(/\.ts$/, '').replace(/(^|\/)index$/, '') || 'index'
}

/** What one API reference build wrote and what TypeDoc complained about. */
export interface ApiReferenceResult {
  files: number
  bytes: number
  warnings: number
  millis: number
  /** Every class page: the class, its module as users import it, the page relative to the docs folder, its summary. */
  classes: { name: string; module: string; url: string; summary: string }[]
}

/** The TypeDoc options; exported so a test can check the determinism-relevant ones. */
export function typedocOptions(root: string, out: string): TypeDocOptions {
  return {
    name: API_TITLE,
    // Flat module list: with folders, `gemini-gateways/x` nest under a folder named like the root module, so the name shows twice.
    navigation: { includeFolders: false },
    entryPoints: Object.keys(API_ENTRY_POINTS).map((p) => join(root, p)),
    tsconfig: join(root, 'scripts/docs/tsconfig.api.json'),
    out,
    readme: 'none',
    excludePrivate: true,
    excludeInternal: true,
    // Source links embed the git revision (or a remote URL): different bytes per commit, and a network link.
    disableSources: true,
    disableGit: true,
    cacheBust: false,
    hideGenerator: true,
    githubPages: false,
    cleanOutputDir: true,
    // `npm run typecheck` checks the types; re-checking here would double the build time.
    skipErrorChecking: true,
    // openapi-typescript writes `@description` on every generated field.
    blockTags: [...OptionDefaults.blockTags, '@description'],
    // Generated path maps and internal aliases are referenced on purpose without their own pages.
    validation: { notExported: false, invalidLink: true, rewrittenLink: true, notDocumented: false, unusedMergeModuleWith: true },
    logLevel: LogLevel.Warn,
    sort: ['kind', 'alphabetical'],
  }
}

/**
 * Points TypeDoc's `<use href="../assets/icons.svg#icon-x">` at `#icon-x`. `assets/icons.js` puts the same
 * sprite inline on every page, and from `file://` rewrites the references the same way, but only after the
 * browser has tried (and, from `file://`, refused with a console error) to load the external file. Pointing
 * them at the inline sprite from the start works over both `http:` and `file:`.
 */
export function inlineIconReferences(html: string): string {
  return html.replace(/(<use\b[^>]*\bhref=")(?:\.\.\/)*assets\/icons\.svg(#icon-[^"]+")/g, '$1$2')
}

/** All files under `dir`, relative to it, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort()
}

/**
 * Renders the API reference into `outDir` (e.g. `docs/api`), replacing what was there, and fails if any
 * page would load something from the network.
 */
export async function buildApiReference(root: string, outDir: string, nav: NavLink[] = []): Promise<ApiReferenceResult> {
  const started = performance.now()
  // Only tsconfig.json is read (no typedoc.json, no package.json fields), so nothing outside this file steers the output.
  const app = await Application.bootstrapWithPlugins(typedocOptions(root, outDir), [new TSConfigReader()])
  const project = await app.convert()
  if (!project) throw new Error('typedoc could not convert the entry points (see the messages above)')
  // Module names as users import them, instead of TypeDoc's names (entry paths relative to src/, `/index` dropped).
  const byDefaultName = new Map(Object.entries(API_ENTRY_POINTS).map(([file, name]) => [defaultModuleName(file), name]))
  for (const mod of project.getReflectionsByKind(ReflectionKind.Module)) {
    const name = byDefaultName.get(mod.name)
    if (!name) throw new Error(`typedoc named a module ${mod.name}; expected one of ${[...byDefaultName.keys()].join(', ')}`)
    mod.name = name
  }
  // TypeDoc sorted the modules by their old names (generated/ before src/); list them as package.json does.
  const order = Object.values(API_ENTRY_POINTS)
  const byExportOrder = (a: { name: string }, b: { name: string }): number => order.indexOf(a.name) - order.indexOf(b.name)
  project.children?.sort(byExportOrder)
  project.childrenIncludingDocuments?.sort(byExportOrder)
  for (const group of project.groups ?? []) group.children.sort(byExportOrder)
  app.validate(project)
  if (app.logger.hasErrors()) throw new Error('typedoc reported errors (see above)')
  const classes: ApiReferenceResult['classes'] = []
  app.renderer.on(PageEvent.END, (page: PageEvent) => {
    // page.url is relative to outDir (docs/api/), which is one folder below the docs folder.
    const depth = 1 + page.url.split('/').length - 1
    if (nav.length > 0 && page.contents) page.contents = insertNavBar(page.contents, renderNavBar(nav, depth, `${API_DIR}/index.html`))
    const model = page.model
    if (model instanceof DeclarationReflection && model.kindOf(ReflectionKind.Class)) {
      const summary = model.comment ? Comment.combineDisplayParts(model.comment.summary) : ''
      classes.push({ name: model.name, module: model.parent?.name ?? '', url: `${API_DIR}/${page.url}`, summary })
    }
  })
  await app.generateDocs(project, outDir)
  if (app.logger.hasErrors()) throw new Error('typedoc reported errors while rendering (see above)')
  const files = await listFiles(outDir)
  let bytes = 0
  for (const f of files) {
    const path = join(outDir, f)
    if (f.endsWith('.html')) {
      const html = inlineIconReferences(await readFile(path, 'utf8'))
      const left = externalResources(html)
      if (left.length > 0) throw new Error(`${f} loads from the network: ${left.join(', ')}`)
      await writeFile(path, html)
    }
    bytes += (await stat(path)).size
  }
  classes.sort((a, b) => a.url.localeCompare(b.url))
  return { files: files.length, bytes, warnings: app.logger.warningCount, millis: performance.now() - started, classes }
}

/**
 * `tsx scripts/docs/api-reference.ts <root> <outDir> [<nav links as JSON>]`: one build, its result as JSON on
 * stdout (scripts/docs.ts runs it beside Redocly).
 */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [root, outDir, nav] = process.argv.slice(2)
  if (!root || !outDir) throw new Error('usage: tsx scripts/docs/api-reference.ts <root> <outDir> [<nav links as JSON>]')
  process.stdout.write(`${JSON.stringify(await buildApiReference(root, outDir, nav ? (JSON.parse(nav) as NavLink[]) : []))}\n`)
}
