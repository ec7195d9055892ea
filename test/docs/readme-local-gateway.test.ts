/**
 * The README's "Local gateway" snippet runs as written. It is taken from README.md, its `gemini-gateways[/…]`
 * imports are pointed at the sources behind those entries of the exports map (nothing else changes), and it runs
 * under the Node that runs the tests (`@google/genai` 3 declares Node >= 22 but runs on Node 20). Each `console.log(…) // → expected` comment in the
 * snippet is the line it must print (`…` stands for any text).
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../scripts/docs.ts'
import { expandExports } from '../../scripts/lib/package-exports.ts'

const run = promisify(execFile)
const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
/** The exports map, its `*` patterns expanded with every provider (scripts/lib/package-exports.ts). */
const EXPORTS = expandExports((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports)

/** The first ```ts block after `heading`. */
function codeAfter(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`)
  if (start === -1) throw new Error(`README.md has no "${heading}" heading`)
  const block = /```ts\n([\s\S]*?)```/.exec(markdown.slice(start))
  if (!block?.[1]) throw new Error(`no ts block after "${heading}"`)
  return block[1]
}

/** `gemini-gateways/x` → the source file behind `./x` in the exports map (`./dist/src/a.js` → `src/a.ts`). */
function toSource(specifier: string): string {
  const entry = EXPORTS[specifier.replace(/^gemini-gateways/, '.')]
  const target = typeof entry === 'string' ? entry : entry?.default
  if (!target) throw new Error(`${specifier} is not in package.json "exports"`)
  const source = join(ROOT, target.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'))
  if (!existsSync(source)) throw new Error(`${specifier}: no source at ${source}`)
  return source
}

/** The lines the snippet promises, as patterns: the text after `// → ` on each console.log line. */
function promisedLines(code: string): RegExp[] {
  return code
    .split('\n')
    .filter((line) => line.includes('console.log('))
    .map((line) => {
      const promise = / \/\/ → (.+)$/.exec(line)?.[1]
      if (promise === undefined) throw new Error(`a console.log line without "// → expected output": ${line.trim()}`)
      return new RegExp(
        `^${promise
          .split('…')
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      )
    })
}

describe('README: Local gateway', () => {
  const code = codeAfter(README, '## Local gateway')

  it('shows startLocalGateway, gw.url, the key, gw.requests, close() and @google/genai pointed at gw.url', () => {
    for (const piece of [
      "import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from 'gemini-gateways/local-gateway'",
      "startLocalGateway({ provider: 'google' })",
      'gw.url',
      "LOCAL_GATEWAY_API_KEY ('local-gateway-key')",
      'gw.requests',
      'await gw.close()',
      "new GoogleGenAI({ apiKey: LOCAL_GATEWAY_API_KEY, httpOptions: { baseUrl: gw.url, apiVersion: 'v1beta' } })",
    ])
      expect(code).toContain(piece)
  })

  it('runs as written and prints what its comments say', async () => {
    const imports = [...code.matchAll(/from '(gemini-gateways(?:\/[\w-]+)?)'/g)].map((m) => m[1]!)
    expect(imports).toEqual(['gemini-gateways', 'gemini-gateways/local-gateway'])
    const runnable = code.replace(/from '(gemini-gateways(?:\/[\w-]+)?)'/g, (_, specifier: string) => `from ${JSON.stringify(toSource(specifier))}`)
    // Inside node_modules/ so that '@google/genai' resolves from this repo; .mts for top-level await.
    const dir = join(ROOT, 'node_modules/.cache/gemini-gateways-readme')
    mkdirSync(dir, { recursive: true })
    const file = join(dir, 'local-gateway.mts')
    writeFileSync(file, runnable)

    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/API_KEY$/i.test(k) && k !== 'NODE_OPTIONS'))
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: { ...env, NO_COLOR: '1' }, timeout: 60_000 })
    expect(stderr).toBe('')
    const lines = stdout.trimEnd().split('\n')
    const promised = promisedLines(code)
    expect(promised.length).toBeGreaterThanOrEqual(6)
    expect(lines).toHaveLength(promised.length)
    promised.forEach((pattern, i) => {
      expect(lines[i], `line ${i + 1} of the output`).toMatch(pattern)
    })
  }, 90_000)
})
