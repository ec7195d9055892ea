import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Script } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { externalResources, loadSpecs, pageTitle, PROVIDERS, REDOC_ASSET, renderIndexPage, renderProviderPage, ROOT, withSiteNav } from '../../scripts/docs.ts'
import { recordExchanges, type Exchange } from '../../scripts/docs/exchanges.ts'
import { renderWireTable, withCodeSamples } from '../../scripts/docs/samples.ts'
import { describeProviders, type OpenAPIDoc } from '../../scripts/provider-table.ts'
import { API_DIR, API_ENTRY_POINTS, buildApiReference, listFiles, typedocOptions } from '../../scripts/docs/api-reference.ts'
import { QUIRKS_PAGE, renderQuirksPage } from '../../scripts/docs/quirks.ts'

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
  })

  it('ships the Redoc script locally, as a classic script without CDN images', async () => {
    const asset = await readFile(join(DOCS, REDOC_ASSET), 'utf8')
    expect(() => new Script(asset)).not.toThrow()
    expect(asset).not.toMatch(/cdn\.redoc\.ly|cdn\.redocly\.com\/redoc\//)
    expect(asset).toContain('globalThis.__redocStandalone = {')
  })

  it('writes an index that links all five pages and equals a fresh render', async () => {
    const html = await readFile(join(DOCS, 'index.html'), 'utf8')
    for (const p of PROVIDERS) {
      expect(html).toContain(`href="${p}.html"`)
      expect((await stat(join(DOCS, `${p}.html`))).size).toBeGreaterThan(10_000)
    }
    expect(html).toContain('<table class="compare">')
    expect(externalResources(html)).toEqual([])
    expect(html).toBe(renderIndexPage(describeProviders(specs.bundles, specs.overlays), specs.overlays, renderWireTable(PROVIDERS, exchanges, specs.bundles)))
  })

  it('writes the quirks page, equal to a fresh render', async () => {
    const html = await readFile(join(DOCS, QUIRKS_PAGE), 'utf8')
    expect(html).toBe(withSiteNav(QUIRKS_PAGE, renderQuirksPage(describeProviders(specs.bundles, specs.overlays), specs.overlays)))
    expect(externalResources(html)).toEqual([])
  })

  it('writes the API reference: an index, a page per entry point, nothing from the network', async () => {
    const files = await listFiles(join(DOCS, API_DIR))
    expect(files).toContain('index.html')
    for (const name of Object.values(API_ENTRY_POINTS)) expect(files).toContain(`modules/${name.replace(/\//g, '_')}.html`)
    for (const page of ['functions/gemini-gateways.createClient.html', 'interfaces/gemini-gateways.ClientOptions.html', 'classes/gemini-gateways.RateLimitError.html']) {
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

  it('builds the API reference without source links or timestamps, to the same bytes twice', async () => {
    const options = typedocOptions(ROOT, scratch)
    expect(options).toMatchObject({ disableSources: true, cacheBust: false, hideGenerator: true, excludePrivate: true })
    const again = join(scratch, 'api')
    await buildApiReference(ROOT, again)
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
