/**
 * Headless Chromium for the browser and docs tests, from the npm registry: `@sparticuz/chromium` ships a
 * brotli-compressed Chromium (plus SwiftShader and fonts) inside the package, so `npm ci` is all a machine needs:
 * no system Chromium, no apt, no download at install time, no install script.
 *
 * It is unpacked once per package version into node_modules/.cache/ (a fresh `npm ci` starts clean), via a
 * staging directory renamed into place, so that test files running in parallel workers never see half a binary.
 * The package's own `executablePath()` unpacks to a fixed os.tmpdir()/chromium and trusts whatever is there,
 * which is neither safe across workers nor across versions; only its `inflate` is used.
 *
 * Override: GEMINI_GATEWAYS_CHROMIUM=/path/to/chromium (a system Chromium, say) launches that instead.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inflate } from '@sparticuz/chromium'
import { chromium, type Browser } from 'playwright-core'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Flags for a headless test browser. Unlike the package's Lambda defaults, web security stays on (CORS and CSP are under test). */
export const CHROMIUM_ARGS = [
  '--no-sandbox', // no user namespaces in containers; the pages are our own
  '--no-zygote',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-gl=angle',
  '--use-angle=swiftshader', // software GL from the package: no GPU or Mesa on the machine
  '--enable-unsafe-swiftshader',
]

/** The package's folder (its exports map hides package.json and bin/; it is a top-level devDependency). */
function packageDir(): string {
  return path.join(ROOT, 'node_modules', '@sparticuz', 'chromium')
}

/** Unpacks the packaged Chromium (once per version) and returns its directory: chromium, SwiftShader libs, fonts/. */
export async function unpackedChromium(): Promise<string> {
  const pkg = packageDir()
  const { version } = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string }
  const cache = path.join(ROOT, 'node_modules', '.cache')
  const dir = path.join(cache, `sparticuz-chromium-${version}`)
  if (existsSync(path.join(dir, 'chromium'))) return dir
  mkdirSync(cache, { recursive: true })
  const staging = mkdtempSync(path.join(cache, `sparticuz-chromium-${version}.staging-`))
  // inflate() writes under os.tmpdir(), read synchronously when each call starts: point it at the staging dir
  // for exactly those three synchronous calls.
  const saved = process.env.TMPDIR
  process.env.TMPDIR = staging
  let jobs: Promise<string>[]
  try {
    jobs = ['chromium.br', 'fonts.tar.br', 'swiftshader.tar.br'].map((f) => inflate(path.join(pkg, 'bin', f)))
  } finally {
    if (saved === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = saved
  }
  await Promise.all(jobs)
  try {
    renameSync(staging, dir)
  } catch (e) {
    rmSync(staging, { recursive: true, force: true })
    // Another worker won the race: its copy is complete (renamed only once unpacked).
    if (!existsSync(path.join(dir, 'chromium'))) throw e
  }
  return dir
}

/** The Chromium binary to launch: GEMINI_GATEWAYS_CHROMIUM when set, else the unpacked package. */
export async function chromiumExecutable(): Promise<{ executablePath: string; env: Record<string, string> }> {
  const override = process.env.GEMINI_GATEWAYS_CHROMIUM
  if (override) {
    if (!existsSync(override)) throw new Error(`GEMINI_GATEWAYS_CHROMIUM=${override}: no such file`)
    return { executablePath: override, env: {} }
  }
  const dir = await unpackedChromium()
  // The package's fonts, so pages render the same with or without system fonts. Its own fonts.conf names Lambda's
  // folders (/tmp/fonts, /var/task/fonts), where nothing is unpacked here: without this file no font is found and
  // every line of text lays out zero pixels high, i.e. invisible.
  const conf = path.join(dir, 'fonts.local.conf')
  const xml = `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(dir, 'fonts', 'fonts')}</dir>\n  <cachedir>${path.join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`
  // Rewritten when it names other folders (a node_modules copied from another checkout).
  if (!existsSync(conf) || readFileSync(conf, 'utf8') !== xml) {
    const staging = `${conf}.${process.pid}`
    writeFileSync(staging, xml)
    renameSync(staging, conf) // atomic: parallel workers never read half a file
  }
  return { executablePath: path.join(dir, 'chromium'), env: { FONTCONFIG_FILE: conf } }
}

/** Launches headless Chromium for a test. Fails (never skips) when it cannot. */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, env } = await chromiumExecutable()
  const passed = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined))
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, env: { ...passed, ...env } })
}
