/**
 * The package as a consumer gets it: `npm pack` (prepack builds), the tarball linted by publint and
 * @arethetypeswrong/cli, installed into a fresh project, type-checked under TypeScript strict with
 * moduleResolution node16 and bundler (the package's own .d.ts files checked too: skipLibCheck off), and run
 * with node against the local gateway from the installed `gemini-gateways/local-gateway`, in every dialect of the registry.
 * (Other runtimes: test/runtimes.)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, mergeChunks, providers, text } from '../../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, withLocalGateway } from '../../src/local-gateway/index.ts'
import { installConsumer, ok, packPackage, type PackedInfo, ROOT, run } from '../support/packed-package.ts'
import { expandExports } from '../../scripts/lib/package-exports.ts'
import { builtClient, pathOf, serves, wrongKeyStatus } from '../support/registry.ts'
import { dialects } from '../../generated/local-gateway-dialects.ts'
import { pascal } from '../../scripts/lib/registry-emit.ts'
import { ENTRY_VALUES, INTERNAL_HELPERS } from './entry-names.ts'

const PKG = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string
  version: string
  exports: Record<string, unknown>
  imports: Record<string, unknown>
}

const REQUEST = {
  model: 'gemini-2.5-flash',
  contents: [{ role: 'user', parts: [{ text: 'Say hello.' }] }],
  systemInstruction: { parts: [{ text: 'Be brief.' }] },
}

/** The consumer's code: every entry point, type-level checks, and calls to the local gateway. */
const CONSUMER = `
import { readFile } from 'node:fs/promises'
import {
  createClient, GeminiGatewayError, RequestValidationError, mergeChunks, providers, text,
  type GenerateContentResponse, type GoogleClient, type NordlysClient, type Provider,
} from 'gemini-gateways'
import * as entry from 'gemini-gateways'
${providers.map((p) => `import { create${pascal(p)}Client } from 'gemini-gateways/${p}'`).join('\n')}
import { LOCAL_GATEWAY_API_KEY, startLocalGateway, withLocalGateway } from 'gemini-gateways/local-gateway'
import { createGatewayFetch } from 'gemini-gateways/fetch'
import { google as googleChecks, nordlys as nordlysChecks, validate, validators, type ValidationIssue } from 'gemini-gateways/validators'
import type { components, paths } from 'gemini-gateways/types/google'
import type { components as NordlysComponents } from 'gemini-gateways/types/nordlys'
import type { paths as ApimartPaths } from 'gemini-gateways/types/apimart'

const request = ${JSON.stringify(REQUEST)}
const contents = request.contents

// Type level only (never called): what must and must not compile.
export function typeChecks(google: GoogleClient, nordlys: NordlysClient): void {
  void nordlys.generateContent({ model: 'gemini-3-pro-preview', contents, provider_order: ['google'] })
  // @ts-expect-error router fields are typed on the nordlys client only
  void google.generateContent({ model: 'gemini-2.5-flash', contents, provider_order: ['google'] })
  void google.generateContent({ model: 'anything', contents })
  void google.generateContent({ model: 'models/anything-else', contents })
  // @ts-expect-error the model is required
  void google.generateContent({ contents })
  const fromFactory = createClient({ provider: 'nordlys', apiKey: 'k' })
  void fromFactory.streamGenerateContent({ model: 'anything', contents, provider_order: ['google'] })
  // @ts-expect-error nordlys serves no countTokens
  void fromFactory.countTokens
  void google.countTokens({ model: 'anything', contents })
  // @ts-expect-error an unknown provider
  createClient({ provider: 'openai', apiKey: 'k' })
  // @ts-expect-error no check by that name
  void validate(googleChecks.request, 'noSuchCheck', {})
  const body: components['schemas']['GenerateContentRequest'] = { contents }
  const wire: NordlysComponents['schemas']['NordlysGenerateContentRequest'] = { contents, provider_order: ['google'] }
  type Post = paths['/v1beta/models/{model}:generateContent']['post']
  const status: keyof Post['responses'] = 200
  const apimartPath: keyof ApimartPaths = '/v1beta/models/{model}:{method}'
  const issues: ValidationIssue[] = []
  const isResponse: boolean = googleChecks.response.checks.GenerateContentResponse({})
  void [body, wire, status, apimartPath, issues, isResponse]
}

// @ts-expect-error the helpers' types stay internal too
export type HeadersLeak = import('gemini-gateways').HeadersInput

const results: Record<string, unknown> = {}
for (const provider of providers) {
  const gw = await startLocalGateway({ provider })
  try {
    const client = createClient({ provider, apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gw.url, maxRetries: 0 })
    const answer = await client.generateContent(request)
    const chunks: GenerateContentResponse[] = []
    for await (const chunk of client.streamGenerateContent(request)) chunks.push(chunk)
    results[provider] = { unary: text(answer), stream: text(mergeChunks(chunks)), chunks: chunks.length, requests: gw.requests.length }
  } finally {
    await gw.close()
  }
}

// Each provider entry, and one error class across entries (no second copy of core behind a subpath).
const factories = { ${providers.map((p) => `${p}: create${pascal(p)}Client`).join(', ')} }
const entries: Record<string, unknown> = {}
for (const provider of Object.keys(factories) as Provider[]) {
  entries[provider] = await withLocalGateway({ provider }, async (gw) => {
    const client = factories[provider]({ apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gw.url, maxRetries: 0 })
    const answer = text(await client.generateContent(request))
    const wrong = factories[provider]({ apiKey: 'wrong-key', baseUrl: gw.url, maxRetries: 0 })
    const error = await wrong.generateContent(request).catch((e: unknown) => e)
    return { answer, provider: client.provider, errorIsGatewayError: error instanceof GeminiGatewayError, errorStatus: (error as GeminiGatewayError).status }
  })
}
results.entries = entries

// gemini-gateways/fetch, called as Google's SDKs call it: Google's host and /v1 path, the key in x-goog-api-key.
const viaFetch: Record<string, unknown> = {}
for (const provider of providers) {
  viaFetch[provider] = await withLocalGateway({ provider }, async (gw) => {
    const gatewayFetch: typeof globalThis.fetch = createGatewayFetch({ provider, baseUrl: gw.url, maxRetries: 0 })
    const res = await gatewayFetch('https://generativelanguage.googleapis.com/v1/models/gemini-2.5-flash:generateContent', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': LOCAL_GATEWAY_API_KEY },
      body: JSON.stringify({ contents, systemInstruction: request.systemInstruction }),
    })
    return { status: res.status, text: text((await res.json()) as GenerateContentResponse), path: gw.requests[0]?.path }
  })
}
results.fetch = viaFetch

results.routing = await withLocalGateway({ provider: 'nordlys' }, async (gw) => {
  const nordlys = createNordlysClient({ apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gw.url })
  await nordlys.generateContent({ ...request, provider_order: ['google'] })
  return gw.requests[0]?.body
})

// A key that no message could contain by chance: a one-letter key is scrubbed from every word.
const bogus = await createClient({ provider: 'google', apiKey: 'gk-unused-4e1b', baseUrl: 'http://127.0.0.1:9' })
  .generateContent({ ...request, bogus: true } as typeof request)
  .catch((e: unknown) => e)
results.requestValidation = bogus instanceof RequestValidationError ? bogus.issues : String(bogus)

results.validators = {
  providers: Object.keys(validators),
  valid: googleChecks.request.checks.generateContentRequest({ contents }),
  nordlysValid: nordlysChecks.request.checks.generateContentRequest({ contents, provider_order: ['google'] }),
  issues: await validate(googleChecks.request, 'generateContentRequest', { contents, bogus: 1 }),
}

const specUrl = new URL(import.meta.resolve('gemini-gateways/openapi/google.json'))
const spec = JSON.parse(await readFile(specUrl, 'utf8')) as { openapi: string; paths: Record<string, unknown> }
const nordlysSpec = (await import('gemini-gateways/openapi/nordlys.json', { with: { type: 'json' } })).default as { info: { title: string } }
results.openapi = { version: spec.openapi, hasGenerate: '/v1beta/models/{model}:generateContent' in spec.paths, nordlysTitle: typeof nordlysSpec.info.title }

results.entryNames = Object.keys(entry).sort()

// Only the exports map is reachable, each entry named: no pattern lets a deep path or an internal module through.
const deep = 'gemini-gateways/dist/src/core/client.js'
results.deepImport = await import(deep).then(() => 'resolved', (e: { code?: string }) => e.code)
const quirks = 'gemini-gateways/newapi-quirks'
results.quirksImport = await import(quirks).then(() => 'resolved', (e: { code?: string }) => e.code)

console.log(JSON.stringify(results))
`

const tsconfig = (options: Record<string, unknown>) =>
  JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        skipLibCheck: false, // the package's .d.ts files are checked too
        resolveJsonModule: true,
        types: ['node'],
        ...options,
      },
      files: ['consumer.ts'],
    },
    null,
    2,
  )

describe('the packed package, installed into a fresh project', () => {
  let tmp: string
  let app: string
  let tarball: string
  let packed: PackedInfo

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'gemini-gateways-consumer-'))
    ;({ tarball, packed } = await packPackage(tmp))
    app = await installConsumer(tmp, tarball)
    // TypeScript and Node's types from this repo, linked after the install (npm would prune them as extraneous).
    mkdirSync(path.join(app, 'node_modules/@types'), { recursive: true })
    symlinkSync(path.join(ROOT, 'node_modules/typescript'), path.join(app, 'node_modules/typescript'), 'dir')
    symlinkSync(path.join(ROOT, 'node_modules/@types/node'), path.join(app, 'node_modules/@types/node'), 'dir')
    writeFileSync(path.join(app, 'consumer.ts'), CONSUMER)
    writeFileSync(path.join(app, 'tsconfig.node16.json'), tsconfig({ module: 'node16', moduleResolution: 'node16', lib: ['ES2022'], outDir: 'out' }))
    writeFileSync(
      path.join(app, 'tsconfig.bundler.json'),
      tsconfig({ module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'], noEmit: true }),
    )
  }, 300_000)

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  it('ships the build, the bundled specs, the recordings and the README; no sources, tests or spec sources', () => {
    const files = packed.files.map((f) => f.path).sort()
    console.log(`packed ${files.length} files, ${(packed.size / 1024).toFixed(0)} kB (unpacked ${(packed.unpackedSize / 1024).toFixed(0)} kB)`)
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'ARCHITECTURE.md', // README links to it (package.json "files")
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/validators.js',
        'dist/src/local-gateway/recordings/unary-success-basic-reply-short.json',
        ...providers.flatMap((p) => [builtClient(p), `generated/${p}/openapi.json`, `dist/generated/${p}/types.d.ts`]),
      ]),
    )
    // src/platform: the per-runtime fetch modules of package.json "imports" (#fetch), plain JavaScript shipped as written.
    const stray = files.filter(
      (f) => !/^(package\.json|README\.md|ARCHITECTURE\.md|LICENSE|dist\/.+|generated\/[a-z]+\/openapi\.json|src\/platform\/[a-z-]+\.(js|d\.ts))$/.test(f),
    )
    expect(stray).toEqual([])
    expect(files.filter((f) => /\.(ts|map|tsbuildinfo)$/.test(f) && !f.endsWith('.d.ts'))).toEqual([])
    // TypeBox's schema modules (generated/<p>/schemas.ts, megabytes of .d.ts) are reachable from no entry.
    expect(files.filter((f) => /^dist\/generated\/[a-z]+\/schemas\./.test(f))).toEqual([])
  })

  it('every target of the exports and imports maps is in the tarball', () => {
    const files = new Set(packed.files.map((f) => f.path))
    // The exports map's `*` patterns stand for every provider (scripts/lib/package-exports.ts).
    const targets = [...Object.values(expandExports(PKG.exports)), ...Object.values(PKG.imports)].flatMap((t) =>
      typeof t === 'string' ? [t] : Object.values(t as Record<string, string>),
    )
    expect(targets.length).toBeGreaterThan(26)
    expect(targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !files.has(t))).toEqual([])
  })

  it('publint reports nothing (strict, every level)', async () => {
    const bytes = readFileSync(tarball)
    const { messages, pkg } = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer },
      level: 'suggestion',
      strict: true,
    })
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`)).toEqual([])
  })

  it('@arethetypeswrong/cli reports nothing (profile esm-only: no CommonJS build to resolve)', async () => {
    const r = await run(path.join(ROOT, 'node_modules/.bin/attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], tmp)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const problems = r.stdout.split('\n').filter((line) => /💀|❌|⚠️|🐛|🥴|👺|❗️/u.test(line) && !line.includes('(ignored'))
    expect(problems, r.stdout).toEqual([])
  }, 120_000)

  it('type-checks under strict, module/moduleResolution node16 (and emits what the next test runs)', async () => {
    const r = await run('node', [path.join(app, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.node16.json'], app)
    expect(r.stdout + r.stderr).toBe('')
    expect(r.code).toBe(0)
  }, 120_000)

  it('type-checks under strict, module esnext / moduleResolution bundler', async () => {
    const r = await run('node', [path.join(app, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.bundler.json'], app)
    expect(r.stdout + r.stderr).toBe('')
    expect(r.code).toBe(0)
  }, 120_000)

  it('runs with node against the local gateway from the installed gemini-gateways/local-gateway, in every dialect', async () => {
    expect(existsSync(path.join(app, 'out/consumer.js')), 'the node16 type-check emits out/consumer.js').toBe(true)
    const r = await ok('node', ['out/consumer.js'], app, 60_000)
    const results = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, any>

    // The same calls through this repo's sources: the installed package must answer alike.
    for (const provider of providers) {
      const expected = await withLocalGateway({ provider }, async (gw) => {
        const client = createClient({ provider, apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gw.url, maxRetries: 0 })
        const unary = text(await client.generateContent(REQUEST))
        const chunks = []
        for await (const chunk of client.streamGenerateContent(REQUEST)) chunks.push(chunk)
        return { unary, stream: text(mergeChunks(chunks)), chunks: chunks.length, requests: 2 }
      })
      expect(results[provider], provider).toEqual(expected)
      expect(expected.unary.length).toBeGreaterThan(0)
      expect(expected.chunks).toBeGreaterThan(1)
      // A wrong key: Google (and Vertex AI, and Cloudflare passing Google's answer on) 400 API_KEY_INVALID, the others 401.
      expect(results.entries[provider], provider).toEqual({
        answer: expected.unary,
        provider,
        errorIsGatewayError: true,
        errorStatus: wrongKeyStatus(provider),
      })
      // The installed gemini-gateways/fetch: a Google-dialect request answered in the provider's wire, at its own route
      // (below the path the local gateway's URL ends in, cloudflare's).
      const route =
        (dialects[provider].basePath ?? '') + pathOf(provider, serves(provider, 'generate') ? 'generate' : 'generateContent', { model: 'gemini-2.5-flash' })
      expect(results.fetch[provider], provider).toEqual({ status: 200, text: expected.unary, path: route })
    }
    expect(results.routing).toMatchObject({ provider_order: ['google'], generation_config: { systemInstruction: REQUEST.systemInstruction } })
    // An unknown field is named on the object that holds it (here the body itself).
    const unknownBogus = [{ path: '', message: expect.stringMatching(/^unknown field "bogus"/) }]
    expect(results.requestValidation).toEqual(unknownBogus)
    expect(results.validators).toEqual({ providers: [...providers], valid: true, nordlysValid: true, issues: unknownBogus })
    expect(results.openapi).toEqual({ version: expect.stringMatching(/^3\.1\./), hasGenerate: true, nordlysTitle: 'string' })
    // No `./*` pattern: core and the shared quirks stay unreachable.
    expect(results.deepImport).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED')
    expect(results.quirksImport).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED')
    // The built entry exports what the source does, no helper (findBodyError, getHeader...) among them.
    expect(results.entryNames).toEqual([...ENTRY_VALUES].sort())
    expect(INTERNAL_HELPERS.filter((name) => (results.entryNames as string[]).includes(name))).toEqual([])
    // The installed copy is the tarball's, with its dependencies from the registry, not this repo.
    const installed = JSON.parse(readFileSync(path.join(app, 'node_modules/gemini-gateways/package.json'), 'utf8')) as { version: string }
    expect(installed.version).toBe(PKG.version)
    expect(existsSync(path.join(app, 'node_modules/openapi-fetch/package.json'))).toBe(true)
    expect(existsSync(path.join(app, 'node_modules/typebox/package.json'))).toBe(true)
  }, 120_000)
})
