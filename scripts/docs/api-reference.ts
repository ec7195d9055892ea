/**
 * `docs/api/`: an API reference of the package's TypeScript surface, rendered by TypeDoc's default theme
 * from every entry point package.json exports with types (`gemini-gateways`, `gemini-gateways/<provider>`,
 * `gemini-gateways/validators`, `gemini-gateways/types/<provider>`, `gemini-gateways/local-gateway`), each page
 * under the site's nav bar. Deterministic and offline: no source links (they would embed the git revision),
 * no generation time in asset links, no generator footer, and a check that no page loads anything from the
 * network.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { externalResources } from './offline.ts'
import {
  Application,
  Comment,
  DeclarationReflection,
  LogLevel,
  OptionDefaults,
  PageEvent,
  type ProjectReflection,
  ReflectionKind,
  TSConfigReader,
  type TypeDocOptions,
} from 'typedoc'
import { insertNavBar, NAV_STYLESHEET, renderNavBar, type NavLink } from './nav.ts'
import { expandExports } from '../lib/package-exports.ts'
import { schemaAnchor } from './fields.ts'

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
  return first
    .slice(0, n)
    .map((x) => `${x}/`)
    .join('')
}

/**
 * The name TypeDoc gives an entry point's module: its path under the entry points' common folder, without
 * the extension or a trailing `/index`.
 */
export function defaultModuleName(file: string, common = commonFolder(Object.keys(API_ENTRY_POINTS))): string {
  return (
    file
      .slice(common.length)
      .replace(/\.ts$/, '')
      .replace(/(^|\/)index$/, '') || 'index'
  )
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

/** The site nav bar's stylesheet, written where TypeDoc's `customCss` can read it. */
const NAV_CSS_FILE = join(tmpdir(), 'gemini-gateways-docs-site-nav.css')
writeFileSync(NAV_CSS_FILE, NAV_STYLESHEET)

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
    // The site nav bar's styles, once (TypeDoc copies the file to assets/custom.css and links it from every page).
    customCss: NAV_CSS_FILE,
    // The "Member Visibility" checkboxes filter protected, inherited and external members, which the pages no longer
    // show (the classes have no protected members; what a class inherits is on its parent's page): 1.7 KB a page.
    visibilityFilters: {},
  }
}

/** `gemini-gateways/types/<provider>`: the module name of a provider's generated types, and its provider. */
const TYPES_MODULE = new RegExp(`^${MANIFEST.name.replace(/[-/]/g, '\\$&')}/types/([a-z0-9-]+)$`)

/** A provider's generated types module, folded: its provider and the names it exports. */
export interface FoldedTypes {
  provider: string
  names: string[]
}

/**
 * The generated types (`gemini-gateways/types/<provider>`: openapi-typescript's `paths`, `components`, `operations`)
 * are named on their module's page, not expanded. Expanded, each schema of each provider, nested, came to 26 MB of
 * the reference; the provider's API page (`<provider>.html`, Redoc) describes the same schemas field by field, and a
 * reader's editor shows the types. Returns each folded module, for the note and the link to that page.
 */
export function foldGeneratedTypes(project: ProjectReflection): Map<DeclarationReflection, FoldedTypes> {
  const folded = new Map<DeclarationReflection, FoldedTypes>()
  for (const mod of project.getReflectionsByKind(ReflectionKind.Module)) {
    const provider = TYPES_MODULE.exec(mod.name)?.[1]
    if (provider === undefined || !(mod instanceof DeclarationReflection)) continue
    // The module page names what the module exports; the names alone, each a page of its own, said nothing more.
    const names = (mod.children ?? []).map((child) => child.name)
    for (const child of [...(mod.children ?? [])]) project.removeReflection(child)
    // The page lists a reflection's groups, which keep their own list of the members.
    mod.groups = undefined
    mod.categories = undefined
    folded.set(mod, { provider, names })
  }
  return folded
}

/**
 * The client's response and request types that are a generated schema under a name of its own (`interface Part
 * extends components['schemas']['Part']`, src/core/types.ts): listed without their members too, with a link to the
 * schema on google's API page, which describes it field by field (each of them expanded, nested, came to 900 KB).
 */
export function foldSchemaTypes(project: ProjectReflection): Map<DeclarationReflection, string> {
  const folded = new Map<DeclarationReflection, string>()
  for (const reflection of project.getReflectionsByKind(ReflectionKind.Interface)) {
    if (!(reflection instanceof DeclarationReflection)) continue
    const schema = (reflection.extendedTypes ?? [])
      .map((t) => /(?:Schemas|components\[["']schemas["']\])\[["']([A-Za-z0-9_]+)["']\]/.exec(t.toString())?.[1])
      .find(Boolean)
    if (schema === undefined) continue
    for (const member of [...(reflection.children ?? [])]) project.removeReflection(member)
    reflection.groups = undefined
    reflection.categories = undefined
    folded.set(reflection, schema)
  }
  return folded
}

/**
 * What each error class page repeats of its parents: the runtime's Error statics (V8's `captureStackTrace`,
 * `stackTraceLimit`, `prepareStackTrace`: the runtime's, documented there, unchanged here) on every class, and on a
 * subclass of the package's own classes every member it inherits (its parent's page documents them, one click up
 * the hierarchy). Repeated over 22 error classes they were most of 780 KB.
 */
export function dropInheritedMembers(project: ProjectReflection): void {
  for (const reflection of project.getReflectionsByKind(ReflectionKind.Class)) {
    if (!(reflection instanceof DeclarationReflection)) continue
    // A subclass of one of the package's classes names its parent (the hierarchy links it); the parent's page
    // documents what it inherits. The root class keeps Error's instance members (message, cause...).
    const ownParent = (reflection.extendedTypes ?? []).some((t) => t.type === 'reference' && t.reflection !== undefined)
    for (const member of [...(reflection.children ?? [])]) {
      const inherited = member.inheritedFrom !== undefined
      if ((inherited && member.flags.isStatic && member.flags.isExternal) || (inherited && ownParent && !member.kindOf(ReflectionKind.Constructor)))
        project.removeReflection(member)
    }
    for (const group of reflection.groups ?? []) group.children = group.children.filter((c) => reflection.children?.includes(c as DeclarationReflection))
    reflection.groups = reflection.groups?.filter((g) => g.children.length > 0)
  }
}

/** Below a folded page's title: where its schemas are described (the provider's page, at the docs site's root). */
export function linkSchemaPage(html: string, { provider, names }: FoldedTypes, depth: number): string {
  const href = `${'../'.repeat(depth)}${provider}.html`
  const note = `<p class="generated-types-note">openapi-typescript's types for ${provider}, generated from its bundled spec: <code>${names.join('</code>, <code>')}</code>. Every schema, operation and field is described on <a href="${href}">${provider}'s API page</a>; your editor shows the types.</p>`
  return html.replace(/(<div class="tsd-page-title">[\s\S]*?<\/div>)/, `$1${note}`)
}

/** Below a folded schema type's title: the schema on google's API page, and in the fields index. */
export function linkSchema(html: string, schema: string, depth: number): string {
  const up = '../'.repeat(depth)
  const note = `<p class="generated-types-note">Google's <code>${schema}</code> schema, as the client returns it: every field is described on <a href="${up}google.html${schemaAnchor(schema)}">google's API page</a> and listed in <a href="${up}fields.html#q=${encodeURIComponent(schema)}">the fields index</a>.</p>`
  return html.replace(/(<div class="tsd-page-title">[\s\S]*?<\/div>)/, `$1${note}`)
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
  const typesPages = foldGeneratedTypes(project)
  const schemaPages = foldSchemaTypes(project)
  dropInheritedMembers(project)
  app.validate(project)
  if (app.logger.hasErrors()) throw new Error('typedoc reported errors (see above)')
  const classes: ApiReferenceResult['classes'] = []
  app.renderer.on(PageEvent.END, (page: PageEvent) => {
    // page.url is relative to outDir (docs/api/), which is one folder below the docs folder.
    const depth = 1 + page.url.split('/').length - 1
    if (nav.length > 0 && page.contents) page.contents = insertNavBar(page.contents, renderNavBar(nav, depth, `${API_DIR}/index.html`, { styled: false }))
    const types = page.model instanceof DeclarationReflection ? typesPages.get(page.model) : undefined
    if (types !== undefined && page.contents) page.contents = linkSchemaPage(page.contents, types, depth)
    const schema = page.model instanceof DeclarationReflection ? schemaPages.get(page.model) : undefined
    if (schema !== undefined && page.contents) page.contents = linkSchema(page.contents, schema, depth)
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
