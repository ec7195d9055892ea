import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve as resolvePath } from 'node:path'
import { inflateSync } from 'node:zlib'
import { promisify } from 'node:util'
import { Script } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  externalResources,
  loadSpecs,
  NAV,
  pageTitle,
  PROVIDERS,
  REDOC_ASSET,
  renderIndexPage,
  renderProviderPage,
  ROOT,
  withSiteNav,
} from '../../scripts/docs.ts'
import * as api from '../../src/index.ts'
import { recordExchanges, type Exchange } from '../../scripts/docs/exchanges.ts'
import { renderWireTable, withCodeSamples } from '../../scripts/docs/samples.ts'
import { aiSdkSnippet, genaiSnippet, SDK_SECTION_TITLE } from '../../scripts/docs/sdk-snippets.ts'
import { describeProviders, type OpenAPIDoc } from '../../scripts/provider-table.ts'
import { API_DIR, API_ENTRY_POINTS, API_TITLE, buildApiReference, entryPointsOf, listFiles, typedocOptions } from '../../scripts/docs/api-reference.ts'
import { collectFields, schemaAnchor } from '../../scripts/docs/fields.ts'
import { FIELDS_PAGE } from '../../scripts/docs/nav.ts'
import { QUIRKS_PAGE, renderQuirksPage } from '../../scripts/docs/quirks.ts'
import { expandExports } from '../../scripts/lib/package-exports.ts'
import { keyHeader } from '../support/registry.ts'

const DOCS = join(ROOT, 'docs')
let specs: Awaited<ReturnType<typeof loadSpecs>>
let scratch: string
/** Recorded afresh here: equal pages prove the exchanges (and so the samples) are the same on every build. */
let exchanges: Record<string, Exchange[]>

beforeAll(async () => {
  // The real `npm run docs` entry point, once; it takes a few seconds.
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/docs.ts'], { cwd: ROOT, timeout: 90_000 })
  specs = await loadSpecs()
  exchanges = await recordExchanges(PROVIDERS, specs.bundles)
  scratch = await mkdtemp(join(tmpdir(), 'docs-test-'))
}, 120_000)

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

/** The canonical summary, Google's own. */
const GOOGLE_SUMMARY = "Google's own dialect of the Gemini generateContent family."

/** The spec a Redoc page renders, as build-docs embeds it. */
function embeddedDefinition(html: string): OpenAPIDoc {
  const m = /const __redoc_definition = (\{.*?\});\n/s.exec(html)
  if (!m?.[1]) throw new Error('no __redoc_definition in the page')
  return JSON.parse(m[1]) as OpenAPIDoc
}

/** Every href of a page's site nav bar points at an existing file, and one of them at the fields index. */
async function expectNavResolves(html: string, docsDir: string, page: string): Promise<void> {
  const bar = /<nav class="site-nav"[^>]*>(.*?)<\/nav>/.exec(html)?.[1]
  expect(bar, `${page}: no nav bar`).toBeDefined()
  const hrefs = [...(bar ?? '').matchAll(/href="([^"]+)"/g)].map((m) => m[1] as string)
  expect(hrefs.length, page).toBe(PROVIDERS.length + 4)
  const here = dirname(join(docsDir, page))
  for (const href of hrefs) expect(existsSync(join(here, href)), `${page} → ${href}`).toBe(true)
  expect(
    hrefs.some((h) => resolvePath(here, h) === join(docsDir, FIELDS_PAGE)),
    `${page}: no link to ${FIELDS_PAGE}`,
  ).toBe(true)
}

/** Every operation summary in a bundle, read straight from its paths. */
function summaries(doc: OpenAPIDoc): string[] {
  return Object.values(doc.paths ?? {}).flatMap((item) =>
    Object.values(item).flatMap((op) =>
      op && typeof op === 'object' && typeof (op as { summary?: unknown }).summary === 'string' ? [(op as { summary: string }).summary] : [],
    ),
  )
}

describe('npm run docs', () => {
  describe.each([...PROVIDERS])('docs/%s.html', (provider) => {
    it('exists, carries its title and every operation summary of its bundle', async () => {
      const html = await readFile(join(DOCS, `${provider}.html`), 'utf8')
      const bundle = specs.bundles[provider]
      if (!bundle) throw new Error(`no bundle for ${provider}`)
      const expected = summaries(bundle)
      expect(expected.length).toBeGreaterThan(0)
      for (const summary of expected) expect(html).toContain(summary)
      expect(html).toContain(`<title>${pageTitle(provider, bundle)}</title>`)
    })

    it('loads nothing from the network', async () => {
      const html = await readFile(join(DOCS, `${provider}.html`), 'utf8')
      expect(html).not.toMatch(/<script[^>]*src="http/i)
      expect(html).not.toMatch(/<link[^>]*href="http/i)
      expect(html).not.toMatch(/url\(\s*["']?http/i)
      expect(externalResources(html)).toEqual([])
      expect(html).toContain(`<script src="${REDOC_ASSET}"></script>`)
      expect(html).toContain('"disableTelemetry":true')
    })

    it("leaves out Redoc's server-rendered styles (its script styles the page as it hydrates: test/docs/browser.test.ts)", async () => {
      const html = await readFile(join(DOCS, `${provider}.html`), 'utf8')
      expect(html).not.toContain('<style data-styled')
      expect(html).toContain('<div id="redoc"')
    })

    it('embeds a TypeScript and a curl sample on every operation, and tells Redoc both languages', async () => {
      const html = await readFile(join(DOCS, `${provider}.html`), 'utf8')
      const doc = embeddedDefinition(html)
      const ops = Object.values(doc.paths ?? {}).flatMap(
        (item) => Object.values(item) as { operationId?: string; 'x-codeSamples'?: { label: string; source: string }[] }[],
      )
      expect(ops.length).toBeGreaterThan(0)
      for (const op of ops.filter((o) => o?.operationId)) {
        expect(
          op['x-codeSamples']?.map((s) => s.label),
          op.operationId,
        ).toEqual(['TypeScript', 'curl'])
        expect(op['x-codeSamples']?.[0]?.source).toContain(`createClient({ provider: '${provider}'`)
        expect(op['x-codeSamples']?.[1]?.source).toContain(`curl -X `)
      }
      expect(html).toContain('"codeSamples":{"languages":[{"lang":"TypeScript","label":"TypeScript"},{"lang":"curl","label":"curl"}]}')
    })

    it('opens with its own summary and description, which name the provider', async () => {
      const html = await readFile(join(DOCS, `${provider}.html`), 'utf8')
      const { info } = embeddedDefinition(html)
      const summary = String(info['summary'])
      const firstSentence =
        String(info['description'])
          .replace(/\s+/g, ' ')
          .split(/(?<=\.) /)[0] ?? ''
      const name = provider === 'google' ? 'Google' : provider
      expect(summary).toContain(name)
      expect(firstSentence).toContain(name)
      if (provider !== 'google') {
        expect(html).not.toContain(GOOGLE_SUMMARY) // the canonical summary used to leak onto every page
        expect(firstSentence).not.toContain('canonical')
      }
    })

    it('shows how to keep @google/genai or the AI SDK and reach this provider through gemini-gateways/fetch', async () => {
      const html = await readFile(join(DOCS, `${provider}.html`), 'utf8')
      const description = String(embeddedDefinition(html).info['description'])
      expect(description).toContain(`## ${SDK_SECTION_TITLE}`)
      expect(description).toContain(genaiSnippet(provider))
      expect(description).toContain(aiSdkSnippet(provider))
      expect(description).toContain(`createGatewayFetch({ provider: '${provider}' })`)
    })

    it('carries the site nav bar, whose links all resolve', async () => {
      const html = await readFile(join(DOCS, `${provider}.html`), 'utf8')
      await expectNavResolves(html, DOCS, `${provider}.html`)
    })
  })

  it('gives every provider a different summary and description', () => {
    const infos = PROVIDERS.map((p) => specs.bundles[p]?.info)
    expect(new Set(infos.map((i) => i?.['summary'])).size).toBe(PROVIDERS.length)
    expect(new Set(infos.map((i) => i?.['description'])).size).toBe(PROVIDERS.length)
    expect(specs.bundles['google']?.info['summary']).toBe(GOOGLE_SUMMARY)
  })

  it('ships the Redoc script locally, as a classic script without CDN images', async () => {
    const asset = await readFile(join(DOCS, REDOC_ASSET), 'utf8')
    expect(() => new Script(asset)).not.toThrow()
    expect(asset).not.toMatch(/cdn\.redoc\.ly|cdn\.redocly\.com\/redoc\//)
    expect(asset).toContain('globalThis.__redocStandalone = {')
  })

  it('writes an index that links every provider page and equals a fresh render', async () => {
    const html = await readFile(join(DOCS, 'index.html'), 'utf8')
    for (const p of PROVIDERS) {
      expect(html).toContain(`href="${p}.html"`)
      expect((await stat(join(DOCS, `${p}.html`))).size).toBeGreaterThan(10_000)
    }
    expect(html).toContain('<table class="compare">')
    // One request side by side: a column per provider, each with its own auth header.
    const wire = /<table class="compare wire">(.*?)<\/table>/s.exec(html)?.[1] ?? ''
    expect([...wire.matchAll(/<th scope="col">([^<]+)<\/th>/g)].map((m) => m[1])).toEqual([...PROVIDERS])
    const auth = /<tr><th scope="row">Auth header<\/th>(.*?)<\/tr>/s.exec(wire)?.[1] ?? ''
    // The key's header as each spec spells it: Authorization (Bearer) for the relays that take it that way.
    const bearer = PROVIDERS.filter((p) => keyHeader(p) === 'authorization')
    expect([...auth.matchAll(/<code>([^:]+):/g)].map((m) => m[1]!.toLowerCase())).toEqual(PROVIDERS.map((p) => keyHeader(p)))
    expect(auth.match(/Authorization: Bearer \$/g)).toHaveLength(bearer.length)
    await expectNavResolves(html, DOCS, 'index.html')
    expect(externalResources(html)).toEqual([])
    expect(html).toBe(renderIndexPage(describeProviders(specs.bundles, specs.overlays), specs.overlays, renderWireTable(PROVIDERS, exchanges, specs.bundles)))
  })

  it('writes the quirks page, equal to a fresh render', async () => {
    const html = await readFile(join(DOCS, QUIRKS_PAGE), 'utf8')
    expect(html).toBe(withSiteNav(QUIRKS_PAGE, renderQuirksPage(describeProviders(specs.bundles, specs.overlays), specs.overlays)))
    expect(externalResources(html)).toEqual([])
    await expectNavResolves(html, DOCS, QUIRKS_PAGE)
  })

  describe(`the index of fields and errors (${FIELDS_PAGE})`, () => {
    let html: string
    beforeAll(async () => {
      html = await readFile(join(DOCS, FIELDS_PAGE), 'utf8')
    })

    it('lists every field of every schema, with the providers whose pages have that schema (the page links them)', () => {
      const fields = collectFields(PROVIDERS, specs.bundles)
      const rows = [...html.matchAll(/<tr data-key="[^"]*" id="field-([^"]+)">.*?<td data-anchor="([^"]+)">([^<]*)<\/td><\/tr>/g)]
      expect(rows.map((r) => r[1])).toEqual(fields.map((f) => `${f.schema}.${f.property}`))
      expect(rows.length).toBeGreaterThan(300)
      for (const [, name, anchor, where] of rows) {
        const [schema] = (name as string).split('.') as [string]
        expect(anchor).toBe(schemaAnchor(schema))
        const providers = where === 'every provider' ? [...PROVIDERS] : (where as string).split(', ')
        expect(providers.length, name).toBeGreaterThan(0)
        // Each provider named has the schema in its bundle (the browser test opens the links the page makes).
        for (const provider of providers) expect(specs.bundles[provider]?.components?.schemas?.[schema], `${name} on ${provider}`).toBeDefined()
      }
      // Spot checks: a nordlys-only field, and one every provider has.
      expect(html).toMatch(
        /id="field-NordlysGenerateContentRequest\.provider_order">.*?<td data-anchor="#\/schemas\/nordlysgeneratecontentrequest">nordlys<\/td>/,
      )
      expect(rows.find((r) => r[1] === 'GenerationConfig.maxOutputTokens')?.[3]).toBe('every provider')
    })

    it('lists every error class the package exports, linked to its page in the API reference', () => {
      const errors = Object.entries(api)
        .filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error)
        .map(([k]) => k)
        .sort()
      expect(errors).toContain('RateLimitError')
      const rows = [...html.matchAll(/<tr data-key="[^"]*" id="error-([^"]+)"><th scope="row"><a href="([^"]+)">/g)]
      expect(rows.map((r) => r[1])).toEqual(errors)
      for (const [, name, href] of rows) expect(existsSync(join(DOCS, href as string)), `${name} → ${href}`).toBe(true)
      expect(html).toContain('href="api/classes/gemini-gateways.RateLimitError.html"')
    })

    it('has a filter box, loads nothing from the network, and carries the nav bar', async () => {
      expect(html).toContain('<input id="filter" type="search"')
      expect(externalResources(html)).toEqual([])
      await expectNavResolves(html, DOCS, FIELDS_PAGE)
    })
  })

  it('writes the API reference: an index, a page per entry point, nothing from the network', async () => {
    const files = await listFiles(join(DOCS, API_DIR))
    expect(files).toContain('index.html')
    for (const name of Object.values(API_ENTRY_POINTS)) expect(files).toContain(`modules/${name.replace(/\//g, '_')}.html`)
    for (const page of [
      'functions/gemini-gateways.createClient.html',
      'interfaces/gemini-gateways.ClientOptions.html',
      'classes/gemini-gateways.RateLimitError.html',
    ]) {
      expect(files).toContain(page)
    }
    for (const f of files.filter((x) => x.endsWith('.html'))) {
      const html = await readFile(join(DOCS, API_DIR, f), 'utf8')
      expect(externalResources(html), f).toEqual([])
      expect(html, f).not.toContain(ROOT) // no absolute paths of this machine
    }
    const index = await readFile(join(DOCS, API_DIR, 'index.html'), 'utf8')
    for (const name of Object.values(API_ENTRY_POINTS)) expect(index).toContain(`>${name}</a>`)
  })

  it('covers every package entry with types, validators and types/* among them', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> }
    // Its `*` patterns stand for every provider of the registry.
    const typed = Object.entries(expandExports(manifest.exports)).filter(([, t]) => typeof t === 'object' && t !== null && 'types' in t)
    expect(Object.keys(entryPointsOf(manifest))).toHaveLength(typed.length)
    const names = Object.values(API_ENTRY_POINTS)
    for (const name of ['gemini-gateways/validators', ...PROVIDERS.flatMap((p) => [`gemini-gateways/${p}`, `gemini-gateways/types/${p}`])])
      expect(names).toContain(name)
    for (const file of Object.keys(API_ENTRY_POINTS)) expect(existsSync(join(ROOT, file)), file).toBe(true)
    const files = await listFiles(join(DOCS, API_DIR))
    expect(files).toContain('modules/gemini-gateways_validators.html')
    for (const p of PROVIDERS) {
      expect(files).toContain(`modules/gemini-gateways_types_${p}.html`)
      // Named there, not expanded: the provider's API page describes every schema and field.
      const page = await readFile(join(DOCS, API_DIR, `modules/gemini-gateways_types_${p}.html`), 'utf8')
      for (const name of ['paths', 'components', 'operations']) expect(page, p).toContain(`<code>${name}</code>`)
      expect(page, p).toContain(`<a href="../../${p}.html">${p}'s API page</a>`)
      expect(
        files.some((f) => f.includes(`gemini-gateways_types_${p}.`) && !f.startsWith('modules/')),
        p,
      ).toBe(false)
    }
  })

  it("the client's schema types name the schema, described on google's page and in the fields index, without expanding it", async () => {
    const page = await readFile(join(DOCS, API_DIR, 'interfaces/gemini-gateways.GenerateContentResponse.html'), 'utf8')
    expect(page).toContain(`<a href="../../google.html${schemaAnchor('GenerateContentResponse')}">google's API page</a>`)
    expect(page).toContain('<a href="../../fields.html#q=GenerateContentResponse">the fields index</a>')
    expect(page).not.toContain('candidatesTokenCount')
    // A signature that takes one names it, with a link, instead of spelling it out.
    const text = await readFile(join(DOCS, API_DIR, 'functions/gemini-gateways.text.html'), 'utf8')
    expect(text).toContain('href="../interfaces/gemini-gateways.GenerateContentResponse.html"')
    expect(text).not.toContain('citationMetadata')
  })

  it('names the package once per page: not in the title twice, nor as a folder above its own module', async () => {
    const files = (await listFiles(join(DOCS, API_DIR))).filter((f) => f.endsWith('.html'))
    for (const f of files) {
      const html = await readFile(join(DOCS, API_DIR, f), 'utf8')
      const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? ''
      expect(title.match(/gemini-gateways/g)?.length ?? 0, `${f}: ${title}`).toBeLessThanOrEqual(1)
      expect(title.endsWith(API_TITLE), f).toBe(true)
      expect(html, f).toContain(`class="title">${API_TITLE}</a>`)
    }
    expect(await readFile(join(DOCS, API_DIR, 'modules/gemini-gateways.html'), 'utf8')).toContain(`<title>gemini-gateways | ${API_TITLE}</title>`)
    // The sidebar tree (TypeDoc's navigation.js, base64 deflate): top-level entries, each named once.
    const nav = await readFile(join(DOCS, API_DIR, 'assets/navigation.js'), 'utf8')
    const data = /window\.navigationData = "([^"]+)"/.exec(nav)?.[1]
    expect(data).toBeDefined()
    const tree = JSON.parse(inflateSync(Buffer.from(data as string, 'base64')).toString('utf8')) as { text: string }[]
    const top = tree.map((e) => e.text)
    // Each entry point once, in package.json's order (the root module first).
    expect(top).toEqual(Object.values(API_ENTRY_POINTS))
    const listed = [...(await readFile(join(DOCS, API_DIR, 'index.html'), 'utf8')).matchAll(/<a href="modules\/([^"]+)\.html"/g)].map((m) => m[1])
    expect([...new Set(listed)]).toEqual(Object.values(API_ENTRY_POINTS).map((n) => n.replace(/\//g, '_')))
  })

  it('puts the site nav bar on every API page, its links resolving from that page', async () => {
    for (const f of ['index.html', 'modules/gemini-gateways.html', 'classes/gemini-gateways.RateLimitError.html']) {
      await expectNavResolves(await readFile(join(DOCS, API_DIR, f), 'utf8'), DOCS, `${API_DIR}/${f}`)
    }
  })

  it('builds the API reference without source links or timestamps, to the same bytes twice', async () => {
    const options = typedocOptions(ROOT, scratch)
    expect(options).toMatchObject({ disableSources: true, cacheBust: false, hideGenerator: true, excludePrivate: true })
    const again = join(scratch, 'api')
    await buildApiReference(ROOT, again, NAV)
    const files = await listFiles(again)
    expect(files).toEqual(await listFiles(join(DOCS, API_DIR)))
    for (const f of files) expect((await readFile(join(again, f))).equals(await readFile(join(DOCS, API_DIR, f))), f).toBe(true)
  }, 90_000)

  it('renders a page to the same bytes twice', async () => {
    const again = join(scratch, 'google.html')
    const google = specs.bundles['google'] as OpenAPIDoc
    await renderProviderPage('google', withCodeSamples(google, exchanges['google'] ?? []), pageTitle('google', google), again)
    expect(await readFile(again, 'utf8')).toBe(await readFile(join(DOCS, 'google.html'), 'utf8'))
  }, 60_000)
})
