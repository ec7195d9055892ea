/**
 * The docs site in a real browser: `buildDocs()` into a scratch folder, served by a tiny static server on
 * 127.0.0.1 and also opened from `file://`, every page loaded in headless Chromium (the build
 * @sparticuz/chromium ships on npm, driven by playwright-core: see test/support/browser.ts). Each page must log no console error and throw nothing, make
 * every request to 127.0.0.1 or `file://` (plus in-memory `data:`/`blob:` URLs), and show its content: on a
 * Redoc page every operation summary of that provider's bundle. A screenshot of each page goes to
 * os.tmpdir()/gemini-gateways-docs-screenshots/. Then, over http: every operation's code samples render in
 * Redoc's right panel (TypeScript first, curl one click away; a screenshot of each page with curl
 * selected), and every schema anchor the fields index links to exists on the provider page it names.
 *
 * Needs nothing but `npm ci`; it never skips.
 */
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDocs, loadSpecs, PROVIDERS } from '../../scripts/docs.ts'
import { API_ENTRY_POINTS } from '../../scripts/docs/api-reference.ts'
import { documentedHost } from '../../scripts/docs/samples.ts'
import { DIALECTS } from '../../scripts/docs/exchanges.ts'
import { FIELDS_PAGE } from '../../scripts/docs/nav.ts'
import type { OpenAPIDoc } from '../../scripts/provider-table.ts'
import { launchChromium } from '../support/browser.ts'

const SCREENSHOTS = join(tmpdir(), 'gemini-gateways-docs-screenshots')
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
}

let out: string
let server: Server
let origin: string
let browser: Browser
let bundles: Record<string, OpenAPIDoc>
const notFound: string[] = []

/** Serves `root` read-only on 127.0.0.1; anything outside it, or missing, is a 404 (and recorded). */
function serve(root: string): Promise<Server> {
  const s = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const file = normalize(join(root, decodeURIComponent(url.pathname)))
    try {
      if (!file.startsWith(root + sep) && file !== root) throw new Error('outside')
      const path = (await stat(file)).isDirectory() ? join(file, 'index.html') : file
      const body = await readFile(path)
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
      res.end(body)
    } catch {
      notFound.push(url.pathname)
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
    }
  })
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)))
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'docs-browser-'))
  await buildDocs(out)
  bundles = (await loadSpecs()).bundles
  server = await serve(out)
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  await mkdir(SCREENSHOTS, { recursive: true })
  browser = await launchChromium()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  if (out) await rm(out, { recursive: true, force: true })
  console.log(`docs screenshots: ${SCREENSHOTS}`)
})

/** Every operation in a bundle: its summary and first tag. */
function operations(doc: OpenAPIDoc): { summary: string; tag: string | undefined }[] {
  return Object.values(doc.paths ?? {}).flatMap((item) =>
    Object.values(item).flatMap((op) => {
      const o = op as { summary?: unknown; tags?: unknown } | null
      if (!o || typeof o !== 'object' || typeof o.summary !== 'string') return []
      return [{ summary: o.summary, tag: Array.isArray(o.tags) && typeof o.tags[0] === 'string' ? o.tags[0] : undefined }]
    }),
  )
}

/** Waits until an element whose whole text is `text` is visible. */
async function expectVisible(page: Page, text: string, where: string): Promise<void> {
  const locator = page.getByText(text, { exact: true }).filter({ visible: true }).first()
  await locator.waitFor({ state: 'visible', timeout: 20_000 }).catch(() => {
    throw new Error(`${where}: "${text}" is not visible`)
  })
  expect(await locator.isVisible(), `${where}: ${text}`).toBe(true)
}

/**
 * Redoc renders a tag's operations when the reader opens the tag, as a reader would: open each tag in the
 * sidebar, then every operation summary of that tag must be visible. Ends on the first operation, for the
 * screenshot.
 */
async function showsEveryOperation(page: Page, doc: OpenAPIDoc, where: string): Promise<void> {
  const ops = operations(doc)
  expect(ops.length, `${where}: the bundle has no operations`).toBeGreaterThan(0)
  const menu = page.locator('[data-component-name="Menu/Menu"]').first()
  await menu.waitFor({ state: 'visible', timeout: 20_000 })
  for (const tag of new Set(ops.map((o) => o.tag))) {
    if (tag !== undefined) await menu.getByText(tag, { exact: true }).first().click()
    for (const op of ops.filter((o) => o.tag === tag)) await expectVisible(page, op.summary, where)
  }
  const first = ops[0]
  const tags = [...new Set(ops.map((o) => o.tag))]
  if (first?.tag !== undefined) {
    // The menu is an accordion whose entries toggle: reopen the first tag only if another one was opened after it.
    if (tags.at(-1) !== first.tag) await menu.getByText(first.tag, { exact: true }).first().click()
    const item = menu.getByText(first.summary, { exact: true }).first()
    await item.waitFor({ state: 'visible', timeout: 20_000 })
    await item.click()
    await expectVisible(page, first.summary, where)
  }
}

/** Each API page of the reference checked here, and text it must show. */
const API_PAGES: { path: string; shows: string[] }[] = [
  { path: 'api/index.html', shows: Object.values(API_ENTRY_POINTS) },
  { path: 'api/modules/gemini-gateways.html', shows: ['Module gemini-gateways', 'createClient', 'GeminiGatewayError'] },
  { path: 'api/functions/gemini-gateways.createClient.html', shows: ['Function createClient'] },
  { path: 'api/interfaces/gemini-gateways.ClientOptions.html', shows: ['Interface ClientOptions', 'maxRetries'] },
  { path: 'api/modules/gemini-gateways_local-gateway.html', shows: ['Module gemini-gateways/local-gateway', 'startLocalGateway'] },
  { path: 'api/interfaces/gemini-gateways_local-gateway.LocalGateway.html', shows: ['Interface LocalGateway', 'enqueue'] },
  { path: 'api/modules/gemini-gateways_validators.html', shows: ['Module gemini-gateways/validators', 'ProviderValidators', 'nordlys'] },
  { path: 'api/modules/gemini-gateways_types_nordlys.html', shows: ['Module gemini-gateways/types/nordlys', 'paths', 'components'] },
  // A provider entry from the exports map's `./*` pattern.
  { path: 'api/modules/gemini-gateways_newapi.html', shows: ['Module gemini-gateways/newapi', 'createNewapiClient'] },
]

interface PageCase {
  path: string
  /** Checks, once the page has loaded, that its content is visible. */
  check: (page: Page, where: string) => Promise<void>
  /** Redoc pages are very tall: a viewport screenshot; the rest: the full page. */
  fullPage: boolean
}

const showsAll = (texts: string[]) => async (page: Page, where: string) => {
  for (const text of texts) await expectVisible(page, text, where)
}

const PAGES: PageCase[] = [
  { path: 'index.html', check: showsAll(['How they differ', 'Gateway quirks', 'TypeScript API reference', 'Quirks', ...PROVIDERS]), fullPage: true },
  ...PROVIDERS.map(
    (p): PageCase => ({
      path: `${p}.html`,
      check: (page, where) => {
        const doc = bundles[p]
        if (!doc) throw new Error(`no bundle for ${p}`)
        return showsEveryOperation(page, doc, where)
      },
      fullPage: false,
    }),
  ),
  { path: FIELDS_PAGE, check: showsAll(['Index of fields and errors', 'Error classes', 'Schema fields', 'RateLimitError']), fullPage: false },
  {
    path: 'quirks.html',
    check: showsAll(['Gateway quirks', 'Authentication', 'Paths and operations', 'Error bodies', 'What the client does:', 'nordlys', 'newapi']),
    fullPage: true,
  },
  ...API_PAGES.map((a): PageCase => ({ path: a.path, check: showsAll(a.shows), fullPage: true })),
]

/** What a page did while loading. */
interface Visit {
  errors: string[]
  requests: string[]
  failedLocal: string[]
}

/** Opens `url` in a fresh context, recording console errors, uncaught exceptions and every request. */
async function visit(url: string, check: (page: Page) => Promise<void>, screenshot: string, fullPage: boolean): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', serviceWorkers: 'block' })
  const visit: Visit = { errors: [], requests: [], failedLocal: [] }
  // Nothing may leave the machine, even if the assertions below were wrong: non-local requests are aborted.
  await context.route('**/*', (route) => (isLocal(route.request().url()) ? route.continue() : route.abort('blockedbyclient')))
  const page = await context.newPage()
  page.on('console', (m) => {
    if (m.type() === 'error') visit.errors.push(`console: ${m.text()} (${m.location().url})`)
  })
  page.on('pageerror', (e) => visit.errors.push(`pageerror: ${e.message}`))
  page.on('request', (r) => visit.requests.push(r.url()))
  page.on('requestfailed', (r) => visit.failedLocal.push(`${r.url()}: ${r.failure()?.errorText}`))
  page.on('response', (r) => {
    if (r.status() >= 400) visit.failedLocal.push(`${r.url()}: HTTP ${r.status()}`)
  })
  try {
    const response = await page.goto(url, { waitUntil: 'load' })
    if (url.startsWith('http')) expect(response?.status(), url).toBe(200)
    await check(page)
    // Late errors (a lazy chunk, a worker) get a moment to show up.
    await page.waitForTimeout(300)
    await page.screenshot({ path: screenshot, fullPage })
  } finally {
    await context.close()
  }
  return visit
}

/** 127.0.0.1 (this test's server), file://, and URLs that never touch the network. */
function isLocal(url: string): boolean {
  return url.startsWith(`${origin}/`) || url.startsWith('file://') || url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank'
}

describe.each([
  ['http', () => origin],
  ['file', () => pathToFileURL(out).href],
] as const)('docs over %s', (mode, base) => {
  it.each(PAGES.map((p) => [p.path, p] as const))(
    '%s: renders, no console errors, only local requests',
    async (path, pageCase) => {
      const url = `${base()}/${path}`
      const shot = join(SCREENSHOTS, `${mode}-${path.replace(/\//g, '_').replace(/\.html$/, '')}.png`)
      const result = await visit(url, (page) => pageCase.check(page, `${path} over ${mode}`), shot, pageCase.fullPage)
      expect(result.errors, `${path} over ${mode}`).toEqual([])
      expect(result.requests.length).toBeGreaterThan(0)
      expect(
        result.requests.filter((r) => !isLocal(r)),
        `${path} over ${mode}: requests that left the machine`,
      ).toEqual([])
      expect(result.failedLocal, `${path} over ${mode}: failed requests`).toEqual([])
      expect((await stat(shot)).size).toBeGreaterThan(5_000)
    },
    60_000,
  )
})

/** Opens `path` over http in a fresh context; runs `fn`; closes. Console errors fail the test. */
async function withPage<T>(path: string, fn: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', serviceWorkers: 'block' })
  await context.route('**/*', (route) => (isLocal(route.request().url()) ? route.continue() : route.abort('blockedbyclient')))
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  let result: T
  try {
    await page.goto(`${origin}/${path}`, { waitUntil: 'load' })
    result = await fn(page)
  } finally {
    await context.close()
  }
  expect(errors, path).toEqual([])
  return result
}

/** Opens an operation from the sidebar (its tag first) and returns its section: the block holding its heading and panels. */
async function openOperation(page: Page, tag: string | undefined, summary: string): Promise<ReturnType<Page['locator']>> {
  const menu = page.locator('[data-component-name="Menu/Menu"]').first()
  await menu.waitFor({ state: 'visible', timeout: 20_000 })
  const item = menu.getByText(summary, { exact: true }).first()
  if (!(await item.isVisible()) && tag !== undefined) await menu.getByText(tag, { exact: true }).first().click()
  await item.click()
  const heading = page
    .locator('[data-component-name="Typography/H2"]')
    .filter({ hasText: new RegExp(`^${summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })
    .first()
  await heading.waitFor({ state: 'visible', timeout: 20_000 })
  return heading.locator('xpath=ancestor::*[.//*[@data-component-name="CodeBlock/CodeBlock"]][1]')
}

/**
 * Picks a language in the open sample dropdown. The menu opens inside the right panel, which is sticky: on a short
 * viewport its items can sit past the bottom edge, where Playwright refuses a pointer click that no scrolling can
 * fix, so the item gets the DOM click a pointer would give it. The caller checks the sample changed.
 */
async function pick(page: Page, label: string): Promise<void> {
  await page.getByRole('menuitem', { name: label, exact: true }).filter({ visible: true }).first().dispatchEvent('click')
}

describe('code samples in the browser', () => {
  it.each([...PROVIDERS])(
    '%s.html: every operation shows its TypeScript sample, and its curl sample once picked',
    async (p) => {
      const doc = bundles[p] as OpenAPIDoc
      // The documented host, its server variables (cloudflare's ids) as the shell variables the sample uses.
      const host = documentedHost(doc)
      const keyVar = `$${DIALECTS[p].envKey}`
      await withPage(`${p}.html`, async (page) => {
        const ops = operations(doc)
        for (const op of ops) {
          const section = await openOperation(page, op.tag, op.summary)
          const code = section.locator('[data-component-name="CodeBlock/CodeBlock"]').filter({ visible: true }).first()
          const picker = (label: string) =>
            section.locator('[data-component-name="Dropdown/Dropdown"]').filter({ visible: true }).getByRole('button', { name: label, exact: true })
          // TypeScript is the first language, so it shows first (and again after curl was picked on the previous operation, it is picked back).
          if (await picker('curl').isVisible()) {
            await picker('curl').click()
            await pick(page, 'TypeScript')
          }
          await expect.poll(() => code.textContent(), { timeout: 10_000 }).toContain(`createClient({ provider: '${p}'`)
          await picker('TypeScript').click()
          await pick(page, 'curl')
          await expect.poll(() => code.textContent(), { timeout: 10_000 }).toContain(`curl -X `)
          const curl = (await code.textContent()) ?? ''
          expect(curl, `${p} ${op.summary}`).toContain(host)
          expect(curl, `${p} ${op.summary}`).toContain(keyVar)
          if (p === 'nordlys' && op.summary === 'Generate a response') expect(curl).toContain('"generation_config"')
        }
        await page.screenshot({ path: join(SCREENSHOTS, `http-${p}-curl.png`) })
      })
    },
    120_000,
  )
})

describe('fields index anchors in the browser', () => {
  it.each([...PROVIDERS])(
    '%s.html: every schema anchor the fields index links to exists',
    async (p) => {
      // The links the fields index makes to this provider's page (its script makes them in the browser).
      const wanted = await withPage(FIELDS_PAGE, (page) =>
        page
          .locator(`td[data-anchor] a[href^="${p}.html#"]`)
          .evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute('href')!.slice(a.getAttribute('href')!.indexOf('#'))))]),
      )
      expect(wanted.length).toBeGreaterThan(10)
      await withPage(`${p}.html`, async (page) => {
        const menu = page.locator('[data-component-name="Menu/Menu"]').first()
        await menu.waitFor({ state: 'visible', timeout: 20_000 })
        await menu.getByText('Schemas', { exact: true }).first().click()
        await page.locator('a[href^="#/schemas/"]').first().waitFor({ state: 'attached', timeout: 20_000 })
        const have = new Set(await page.locator('a[href^="#/schemas/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
        expect(
          wanted.filter((a) => !have.has(a)),
          `${p}: anchors the fields index links to but the page lacks`,
        ).toEqual([])
      })
    },
    60_000,
  )

  it('a field link lands on the schema, shown, on the provider page', async () => {
    await withPage(FIELDS_PAGE, async (page) => {
      await page.locator('#filter').fill('provider_order')
      const link = page.locator('tr#field-NordlysGenerateContentRequest\\.provider_order a', { hasText: 'nordlys' })
      await link.click()
      await page.waitForURL(/nordlys\.html#\/schemas\/nordlysgeneratecontentrequest$/)
      await expectVisible(page, 'NordlysGenerateContentRequest', 'fields → nordlys')
      await expectVisible(page, 'provider_order', 'fields → nordlys')
      await page.screenshot({ path: join(SCREENSHOTS, 'http-fields-to-nordlys-schema.png') })
    })
  }, 60_000)

  it('the filter narrows the index to what was typed', async () => {
    await withPage(FIELDS_PAGE, async (page) => {
      await page.locator('#filter').fill('ratelimit')
      await expect.poll(() => page.locator('tr[data-key]:not([hidden])').count()).toBe(1)
      await expectVisible(page, 'RateLimitError', 'fields filter')
      await page.screenshot({ path: join(SCREENSHOTS, 'http-fields-filtered.png') })
    })
  }, 60_000)
})

it('served no 404s', () => {
  expect(notFound).toEqual([])
})
