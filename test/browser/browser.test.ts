/**
 * The client in a real browser: `src/index.ts` bundled by esbuild for the browser, loaded by a page under a
 * strict Content-Security-Policy (no 'unsafe-eval') in headless Chromium (the build @sparticuz/chromium ships
 * on npm, driven by playwright-core: see test/support/browser.ts), calling the local gateway in every dialect: a request and a stream each, a request
 * validation error (the lazy schema chunk and TypeBox's interpreter) and an HTTP error read cross-origin.
 * Every request the page makes must stay on 127.0.0.1.
 *
 * Needs nothing but `npm ci`; it never skips.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, mergeChunks, providers, text, type Provider, type RequestValidationError } from '../../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { launchChromium } from '../support/browser.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const REQUEST = {
  model: 'gemini-2.5-flash',
  contents: [{ role: 'user', parts: [{ text: 'Say hello.' }] }],
  systemInstruction: { parts: [{ text: 'Be brief.' }] },
}

/** What the page does, as a module next to the bundle: imports it, calls every gateway, reports in the DOM and window.__result. */
const APP = `
import { createClient, mergeChunks, text } from './client.js'

const params = new URLSearchParams(location.search)
const gateways = JSON.parse(params.get('gateways'))
const key = params.get('key')
const request = ${JSON.stringify(REQUEST)}
const list = document.getElementById('results')
const violations = []
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI))
const show = (id, value) => {
  const li = document.createElement('li')
  li.dataset.id = id
  li.textContent = id + ': ' + JSON.stringify(value)
  list.append(li)
}

async function run() {
  const results = {}
  for (const [provider, baseUrl] of Object.entries(gateways)) {
    const client = createClient({ provider, apiKey: key, baseUrl, maxRetries: 0 })
    const unary = text(await client.generateContent(request))
    const chunks = []
    for await (const chunk of client.streamGenerateContent(request)) chunks.push(chunk)
    results[provider] = { unary, stream: text(mergeChunks(chunks)), chunks: chunks.length }
    show(provider, results[provider])
  }
  const google = createClient({ provider: 'google', apiKey: key, baseUrl: gateways.google, maxRetries: 0 })
  try {
    await google.generateContent({ ...request, bogus: true })
    results.validation = 'not thrown'
  } catch (e) {
    results.validation = { name: e.name, issues: e.issues }
  }
  show('validation', results.validation)
  const wrongKey = createClient({ provider: 'nordlys', apiKey: 'not-the-key', baseUrl: gateways.nordlys, maxRetries: 0 })
  try {
    await wrongKey.generateContent(request)
    results.auth = 'not thrown'
  } catch (e) {
    results.auth = { name: e.name, status: e.status, provider: e.provider }
  }
  show('auth', results.auth)
  results.violations = [...violations]
  // Last, a probe that the policy is really on: this page itself may not build code from strings.
  try {
    new Function('return 1')()
    results.evalBlocked = false
  } catch (e) {
    results.evalBlocked = e instanceof EvalError
  }
  return results
}

run().then(
  (results) => { document.title = 'done'; window.__result = { ok: true, results } },
  (e) => { document.title = 'failed'; window.__result = { ok: false, error: String(e && e.stack || e) } },
)
`

const HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>running</title></head>
<body><h1>gemini-gateways in a browser</h1><ol id="results"></ol>
<script type="module" src="./app.js"></script></body></html>
`

/** No inline script, no eval, network to loopback only. */
const CSP = "default-src 'none'; script-src 'self'; connect-src http://127.0.0.1:*; style-src 'unsafe-inline'"

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }

/** A tiny static server for `dir` on 127.0.0.1, with the CSP on every answer. */
async function serveStatic(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html'
    const file = path.join(dir, name)
    const type = TYPES[path.extname(file)]
    if (!file.startsWith(dir + path.sep) || !type || !existsSync(file)) {
      res.writeHead(name === 'favicon.ico' ? 204 : 404, { 'content-security-policy': CSP }).end()
      return
    }
    res.writeHead(200, { 'content-type': type, 'content-security-policy': CSP, 'cache-control': 'no-store' }).end(readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

/** The same calls from Node, against gateways of its own: what the page must have seen. */
async function expectedFromNode(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (const provider of providers) {
    const gw = await startLocalGateway({ provider })
    try {
      const client = createClient({ provider, apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gw.url, maxRetries: 0 })
      const unary = text(await client.generateContent(REQUEST))
      const chunks = []
      for await (const chunk of client.streamGenerateContent(REQUEST)) chunks.push(chunk)
      out[provider] = { unary, stream: text(mergeChunks(chunks)), chunks: chunks.length }
      if (provider === 'google') {
        const e = (await client.generateContent({ ...REQUEST, bogus: true } as typeof REQUEST).catch((error: unknown) => error)) as RequestValidationError
        out.validation = { name: e.name, issues: e.issues }
      }
    } finally {
      await gw.close()
    }
  }
  return out
}

describe('the bundled client in headless Chromium', () => {
  let dir: string
  let site: { url: string; server: Server } | undefined
  let browser: Browser | undefined
  const gateways = new Map<Provider, LocalGateway>()

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gemini-gateways-browser-'))
    await build({
      entryPoints: { client: path.join(ROOT, 'src/index.ts') },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      splitting: true, // the schemas behind a failed check load as their own chunk, as in an app
      outdir: dir,
      logLevel: 'silent',
    })
    writeFileSync(path.join(dir, 'app.js'), APP)
    writeFileSync(path.join(dir, 'index.html'), HTML)
    site = await serveStatic(dir)
    for (const provider of providers) gateways.set(provider, await startLocalGateway({ provider }))
    browser = await launchChromium()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await Promise.all([...gateways.values()].map((gw) => gw.close()))
    await new Promise((resolve) => (site ? site.server.close(resolve) : resolve(undefined)))
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('launches the Chromium packaged on npm (or GEMINI_GATEWAYS_CHROMIUM)', () => {
    expect(browser?.version()).toMatch(/^\d+\./)
  })

  it('calls every dialect, streams, reports typed errors, and stays on 127.0.0.1', async () => {
    const page = await browser!.newPage()
    const problems: string[] = []
    const requested: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`))
    page.on('request', (r) => requested.push(r.url()))

    const urls = Object.fromEntries([...gateways].map(([p, gw]) => [p, gw.url]))
    const query = new URLSearchParams({ gateways: JSON.stringify(urls), key: LOCAL_GATEWAY_API_KEY })
    await page.goto(`${site!.url}/index.html?${query}`)
    await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, undefined, { timeout: 20_000 })
    const result = (await page.evaluate(() => (window as { __result?: unknown }).__result)) as { ok: boolean; error?: string; results: Record<string, any> }

    const shot = path.join(os.tmpdir(), 'gemini-gateways-browser.png')
    await page.screenshot({ path: shot, fullPage: true })
    console.log(`browser screenshot: ${shot}`)

    expect(result.error).toBeUndefined()
    expect(result.ok).toBe(true)
    const expected = await expectedFromNode()
    for (const provider of providers) {
      expect(result.results[provider], provider).toEqual(expected[provider])
      expect(result.results[provider].unary.length, provider).toBeGreaterThan(0)
      expect(result.results[provider].chunks, provider).toBeGreaterThan(1)
      await expect.poll(() => page.locator(`li[data-id="${provider}"]`).textContent()).toContain(result.results[provider].stream.slice(0, 20))
    }
    expect(result.results.validation).toEqual(expected.validation)
    expect(result.results.validation).toMatchObject({
      name: 'RequestValidationError',
      issues: [{ path: '', message: expect.stringMatching(/^unknown field "bogus"/) }],
    })
    expect(result.results.auth).toEqual({ name: 'AuthenticationError', status: 401, provider: 'nordlys' })
    expect(await page.title()).toBe('done')

    // The client ran under the CSP without a violation, and the CSP was enforced (the probe's own eval was refused).
    expect(result.results.violations).toEqual([])
    expect(result.results.evalBlocked).toBe(true)
    const expectedNoise = [/the server responded with a status of 401/, /Evaluating a string as JavaScript violates|unsafe-eval/]
    expect(problems.filter((p) => !expectedNoise.some((re) => re.test(p)))).toEqual([])
    expect(requested.length).toBeGreaterThan(providers.length * 2)
    expect(requested.filter((u) => new URL(u).hostname !== '127.0.0.1')).toEqual([])

    // The gateways saw the browser: its Origin on every request, and no preflight among the recorded ones.
    const origin = new URL(site!.url).origin
    for (const [provider, gw] of gateways) {
      expect(gw.requests.length, provider).toBeGreaterThanOrEqual(2)
      for (const r of gw.requests) {
        expect(r.method, provider).toBe('POST')
        expect(r.headers.origin, provider).toBe(origin)
      }
    }
    await page.close()
  })
})
