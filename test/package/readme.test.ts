/**
 * The README a reader meets on npm is the tarball's: it must be the repo's README byte for byte, and every
 * relative link in it must point at a file the tarball ships (npm renders relative links against the package,
 * where docs/, examples/ or src/ do not exist unless "files" ships them).
 *
 * Packed with --ignore-scripts: the README and the files it may link need no build, and the working tree's dist/
 * is left alone. (A link into dist/ would therefore be reported missing; link sources instead.)
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8')

/** Link targets in markdown: `[text](target "title")`, `![alt](target)`, `[ref]: target`, and HTML href/src; code excluded. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '')
  const targets = [
    ...[...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)/g)].map((m) => m[1]!),
    ...[...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/gm)].map((m) => m[1]!),
    ...[...prose.matchAll(/<(?:a|img)\s[^>]*?(?:href|src)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]!),
  ]
  return [...new Set(targets)]
}

/** A link a reader's browser resolves against the package: no scheme, not protocol-relative, not a bare #anchor. */
function isRelative(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//') && !target.startsWith('#')
}

/** The path a relative link names inside the package (query and fragment dropped, `./` and `%xx` resolved). */
function packagePath(target: string): string {
  const bare = decodeURIComponent(target.replace(/[?#].*$/, ''))
  return path.posix.normalize(bare.replace(/^\/+/, '')).replace(/\/$/, '')
}

describe('the README as npm shows it', () => {
  let tmp: string
  let shipped: string[]
  let packedReadme: string

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'gemini-gateways-readme-'))
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)))
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT, env, timeout: 120_000 })
    const [info] = JSON.parse(stdout.slice(stdout.search(/^\[/m))) as [{ filename: string; files: { path: string }[] }]
    shipped = info.files.map((f) => f.path)
    await run('tar', ['-xzf', path.join(tmp, info.filename), '-C', tmp, 'package/README.md'])
    packedReadme = readFileSync(path.join(tmp, 'package/README.md'), 'utf8')
  }, 150_000)

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  it('the tarball ships README.md, identical to the repo README', () => {
    expect(shipped).toContain('README.md')
    expect(packedReadme.length).toBe(README.length)
    expect(packedReadme === README, 'packed README.md differs from the repo README').toBe(true)
  })

  it('every relative link in it points at a file the tarball ships', () => {
    const files = new Set(shipped)
    const missing = linkTargets(packedReadme)
      .filter(isRelative)
      .filter((target) => {
        const p = packagePath(target)
        return !files.has(p) && !shipped.some((f) => f.startsWith(`${p}/`)) // a folder link needs a file inside it
      })
    expect(missing, `relative links npm readers cannot follow (use absolute repository URLs or ship the files): ${missing.join(', ')}`).toEqual([])
  })

  it('finds links the way a reader sees them (the link finder itself)', () => {
    const sample = [
      'See [the docs](docs/index.html), ![logo](./img/logo.png "Logo") and [Google](https://ai.google.dev).',
      '[ref]: examples/google.ts',
      '<a href="LICENSE">licence</a> and [a heading](#local-gateway).',
      '`[not a link](in/code.md)`',
      '```md',
      '[nor](this/one.md)',
      '```',
    ].join('\n')
    expect(linkTargets(sample).sort()).toEqual(
      ['#local-gateway', './img/logo.png', 'LICENSE', 'docs/index.html', 'examples/google.ts', 'https://ai.google.dev'].sort(),
    )
    expect(linkTargets(sample).filter(isRelative).map(packagePath).sort()).toEqual(['LICENSE', 'docs/index.html', 'examples/google.ts', 'img/logo.png'])
  })
})
