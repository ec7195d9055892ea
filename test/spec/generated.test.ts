/**
 * generated/ is what the spec produces, says so in every file, the overlays all hit something, and the specs
 * lint clean under recommended-strict.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { unmatchedActions } from '../../scripts/lib/overlay-check.ts'
import { overlayStack, overlayStacks } from '../../scripts/lib/overlay-stack.ts'
import { PROVIDERS, ROOT, ROOT_DIR, readJSON, walk } from './helpers.ts'

const run = promisify(execFile)
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' }

/** Runs a command in the repository; resolves with its exit code and output instead of throwing. */
async function exec(cmd: string, args: string[], timeout: number): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd: ROOT_DIR, env, timeout, maxBuffer: 16 * 1024 * 1024 })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string; message: string }
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: `${err.stderr ?? ''}\n${err.message}` }
  }
}

const overlays = readdirSync(new URL('spec/overlays/', ROOT))
  .filter((f) => f.endsWith('.yaml'))
  .sort()

describe('generated/', () => {
  it('is what the spec produces (scripts/generate.ts --check exits 0)', async () => {
    const result = await exec('npx', ['tsx', 'scripts/generate.ts', '--check'], 60_000)
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0)
    expect(result.stdout).toMatch(/up to date/)
  }, 60_000)

  const googleBundleHash = (() => {
    const { 'x-generated': _, ...doc } = readJSON<Record<string, unknown>>(new URL('generated/google/openapi.json', ROOT))
    return createHash('sha256')
      .update(JSON.stringify(doc, null, 2))
      .digest('hex')
  })()

  describe.each(PROVIDERS)('generated/%s/', (provider) => {
    const dir = new URL(`generated/${provider}/`, ROOT)
    const files = walk(dir)
    // The canonical spec, then the provider's overlays as redocly.yaml stacks them (a reseller's after its relay's).
    const spec = ['spec/openapi.yaml', ...overlayStack(provider)].join(' + ')
    const bundle = readJSON<Record<string, unknown>>(new URL('openapi.json', dir))
    const { 'x-generated': note, ...doc } = bundle
    const bundleHash = createHash('sha256')
      .update(JSON.stringify(doc, null, 2))
      .digest('hex')

    it('holds the bundle, types, schemas, index, six validator files and their index (and what a gateway without its own code gets)', () => {
      expect(files).toEqual(
        [
          'index.ts',
          'openapi.json',
          'schemas.ts',
          'types.ts',
          // A gateway without a provider file or a local-gateway dialect of its own gets them generated here.
          ...(existsSync(new URL(`src/providers/${provider}.ts`, ROOT)) ? [] : ['client.ts']),
          ...(existsSync(new URL(`src/local-gateway/dialects/${provider}.ts`, ROOT)) ? [] : ['local-gateway.ts']),
          // The fields a gateway drops without a word (x-gateway-drops), where its spec marks some.
          ...(JSON.stringify(bundle).includes('"x-gateway-drops"') ? ['drops.ts'] : []),
          'validators/index.ts',
          'validators/request-schemas.ts',
          'validators/request.ts',
          'validators/response-schemas.ts',
          'validators/response-strict-schemas.ts',
          'validators/response-strict.ts',
          'validators/response.ts',
          // The canonical request's field names (for snake_case spellings), the same in every folder.
          'validators/request-names.ts',
        ].sort(),
      )
    })

    it.each(files)('%s starts with a line saying it is generated, from which spec, and the bundle sha256', (file) => {
      const first = readFileSync(new URL(file, dir), 'utf8').split('\n')[0]!
      if (file === 'openapi.json') expect(first).toMatch(/^\{ "x-generated": "/)
      else expect(first).toMatch(/^\/\/ /)
      expect(first).toMatch(/\bgenerated\b/i)
      // validators/request-names.ts is the canonical (Google) request's table in every folder: from Google's bundle.
      const canonical = file === 'validators/request-names.ts'
      expect(first).toContain(`from ${canonical ? 'spec/openapi.yaml' : spec} (`)
      const hash = first.match(/sha256:([0-9a-f]{16,64})\b/)?.[1]
      expect(hash, 'a sha256 in the first line').toBeDefined()
      // The hash is the bundle's: the openapi.json content without its x-generated note.
      expect((canonical ? googleBundleHash : bundleHash).startsWith(hash!)).toBe(true)
    })

    it('openapi.json is the bundle with its note first', () => {
      expect(Object.keys(bundle)[0]).toBe('x-generated')
      expect(typeof note).toBe('string')
      expect(doc).toHaveProperty('openapi')
      expect(doc).toHaveProperty('paths')
    })
  })
})

describe('overlay actions all match something in the canonical bundle', () => {
  const google = readJSON(new URL('generated/google/openapi.json', ROOT))
  const stacks = overlayStacks(ROOT_DIR)
  const gateways = PROVIDERS.filter((p) => p !== 'google')
  const abs = (file: string) => path.join(ROOT_DIR, file)

  it("every overlay file is in some provider's stack, and every gateway has one ending in its own", () => {
    expect([...new Set(Object.values(stacks).flat())].map((f) => path.basename(f)).sort()).toEqual(overlays)
    expect(stacks['google']).toEqual([])
    for (const p of gateways) expect(stacks[p]?.at(-1)).toBe(`spec/overlays/${p}.yaml`)
    // The resellers that run new-api stack on its overlay.
    expect(stacks['infinityblue']).toEqual(['spec/overlays/newapi.yaml', 'spec/overlays/infinityblue.yaml'])
    expect(stacks['anyfast']).toEqual(['spec/overlays/newapi.yaml', 'spec/overlays/anyfast.yaml'])
  })

  it.each(gateways)('%s: unmatchedActions() of its stack is empty', (provider) => {
    expect(unmatchedActions(google, overlayStack(provider, ROOT_DIR).map(abs))).toEqual([])
  })

  it.each(gateways)("%s: its own overlay plus an action targeting $.paths['/nope']: that action is reported", (provider) => {
    const stack = overlayStack(provider, ROOT_DIR).map(abs)
    const file = stack.at(-1)!
    const overlay = YAML.parse(readFileSync(file, 'utf8'))
    const n = overlay.actions.length + 1
    overlay.actions.push({ target: "$.paths['/nope']", description: 'A path no spec has.', remove: true })
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gemini-gateways-overlay-'))
    try {
      const copy = path.join(dir, path.basename(file))
      writeFileSync(copy, YAML.stringify(overlay))
      const problems = unmatchedActions(google, [...stack.slice(0, -1), copy])
      expect(problems).toHaveLength(1)
      expect(problems[0]).toContain(copy)
      expect(problems[0]).toContain(`action ${n} `)
      expect(problems[0]).toContain("$.paths['/nope']")
      expect(problems[0]).toContain('A path no spec has.')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("a reseller's overlay replayed without its relay's misses what the relay added", () => {
    // anyfast removes new-api's /v1/models, which the canonical spec alone does not have.
    const problems = unmatchedActions(google, [abs('spec/overlays/anyfast.yaml')])
    expect(problems.some((p) => p.includes("$.paths['/v1/models']"))).toBe(true)
  })
})

describe('redocly lint (recommended-strict)', () => {
  it('passes for the canonical spec, every bundle and every overlay', async () => {
    const files = ['spec/openapi.yaml', ...PROVIDERS.map((p) => `generated/${p}/openapi.json`), ...overlays.map((f) => `spec/overlays/${f}`)]
    const result = await exec('npx', ['redocly', 'lint', ...files], 60_000)
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0)
    for (const f of files) expect(result.stdout + result.stderr).toContain(`validating ${f}`)
    expect(result.stdout + result.stderr).not.toMatch(/\d+ (errors?|warnings?)\b/)
    // The exceptions (.redocly.lint-ignore.yaml): the servers of self-hosted software, its default on localhost
    // (new-api's port 3000, LiteLLM's proxy's port 4000).
    expect(YAML.parse(readFileSync(new URL('.redocly.lint-ignore.yaml', ROOT), 'utf8'))).toEqual({
      'generated/newapi/openapi.json': { 'no-server-example.com': ['#/servers/0/url'] },
      'generated/litellm/openapi.json': { 'no-server-example.com': ['#/servers/0/url'] },
    })
    expect(result.stdout + result.stderr).toMatch(/\b2 problems are explicitly ignored\b/)
  }, 60_000)
})
