/**
 * `docs/api/`: an API reference of the package's TypeScript surface, rendered by TypeDoc's default theme
 * from the entry points the package exports (`gemini-gateways`, `gemini-gateways/<provider>`,
 * `gemini-gateways/mock`). Deterministic and offline: no source links (they would embed the git revision),
 * no generation time in asset links, no generator footer, and a check that no page loads anything from the
 * network.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { externalResources } from './offline.ts'
import { Application, LogLevel, OptionDefaults, ReflectionKind, TSConfigReader, type TypeDocOptions } from 'typedoc'

/** The API reference's folder, relative to the docs folder. */
export const API_DIR = 'api'

/** Source entry point → the module name a user imports, as package.json `exports` maps them. */
export const API_ENTRY_POINTS: Record<string, string> = {
  'src/index.ts': 'gemini-gateways',
  'src/providers/google.ts': 'gemini-gateways/google',
  'src/providers/infinityblue.ts': 'gemini-gateways/infinityblue',
  'src/providers/anyfast.ts': 'gemini-gateways/anyfast',
  'src/providers/apimart.ts': 'gemini-gateways/apimart',
  'src/providers/nordlys.ts': 'gemini-gateways/nordlys',
  'src/mock/index.ts': 'gemini-gateways/mock',
}

/** The name TypeDoc gives an entry point's module: its path under the entry points' common folder, no extension or `/index`. */
export function defaultModuleName(file: string): string {
  return file.replace(/^src\//, '').replace(/\.ts$/, '').replace(/(^|\/)index$/, '') || 'index'
}

/** What one API reference build wrote and what TypeDoc complained about. */
export interface ApiReferenceResult {
  files: number
  bytes: number
  warnings: number
  millis: number
}

/** The TypeDoc options; exported so a test can check the determinism-relevant ones. */
export function typedocOptions(root: string, out: string): TypeDocOptions {
  return {
    name: 'gemini-gateways',
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
export async function buildApiReference(root: string, outDir: string): Promise<ApiReferenceResult> {
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
  app.validate(project)
  if (app.logger.hasErrors()) throw new Error('typedoc reported errors (see above)')
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
  return { files: files.length, bytes, warnings: app.logger.warningCount, millis: performance.now() - started }
}

/** `tsx scripts/docs/api-reference.ts <root> <outDir>`: one build, its result as JSON on stdout (scripts/docs.ts runs it beside Redocly). */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [root, outDir] = process.argv.slice(2)
  if (!root || !outDir) throw new Error('usage: tsx scripts/docs/api-reference.ts <root> <outDir>')
  process.stdout.write(`${JSON.stringify(await buildApiReference(root, outDir))}\n`)
}
