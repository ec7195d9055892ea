import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SpecChange } from '../../scripts/spec-diff/changes.ts'
import { runCli } from '../../scripts/spec-diff/cli.ts'
import { baseDoc, type Editable } from './helpers.ts'

let repo = ''
const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=spec-diff', '-c', 'user.email=spec-diff@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd: repo,
    encoding: 'utf8',
  })
const writeBundle = (provider: string, doc: unknown): void => {
  mkdirSync(join(repo, 'generated', provider), { recursive: true })
  writeFileSync(join(repo, 'generated', provider, 'openapi.json'), JSON.stringify(doc, null, 2))
}
const run = (...argv: string[]): { code: number; out: string; err: string } => {
  let out = ''
  let err = ''
  const code = runCli(argv, { cwd: repo, out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) })
  return { code, out, err }
}

// A scratch repository: HEAD has google and nordlys; the working tree breaks google, drops nordlys, adds apimart and acme.
beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'spec-diff-'))
  git('init', '-q')
  writeBundle('google', { 'x-generated': 'sha256:1', ...baseDoc() })
  writeBundle('nordlys', baseDoc())
  git('add', '.')
  git('commit', '-q', '-m', 'base')
  const google: Editable = { 'x-generated': 'sha256:2', ...baseDoc() }
  delete google.components.schemas.Res.properties.count
  writeBundle('google', google)
  rmSync(join(repo, 'generated', 'nordlys'), { recursive: true })
  writeBundle('apimart', baseDoc())
  writeBundle('acme', baseDoc()) // not in PROVIDERS: found by listing generated/
})
afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true })
})

describe('CLI', () => {
  it('--json lists per-provider changes against HEAD', () => {
    const { code, out } = run('--json')
    expect(code).toBe(0)
    const result = JSON.parse(out) as { base: string; verdict: string; changes: SpecChange[] }
    expect(result.base).toBe('HEAD')
    expect(result.verdict).toBe('major')
    expect(result.changes.map((c) => [c.provider, c.severity, c.message])).toEqual([
      ['google', 'breaking', 'response property removed: Res.count'],
      ['apimart', 'non-breaking', 'provider added: apimart (generated/apimart/openapi.json is not in HEAD)'],
      ['nordlys', 'breaking', 'provider removed: nordlys (generated/nordlys/openapi.json is gone from the working tree)'],
      ['acme', 'non-breaking', 'provider added: acme (generated/acme/openapi.json is not in HEAD)'],
    ])
  })

  it('prints the table ending with the verdict; --fail-on-breaking exits 1', () => {
    const { code, out } = run()
    expect(code).toBe(0)
    expect(out.trimEnd().split('\n').at(-1)).toBe('Verdict: major (2 breaking, 2 non-breaking, 0 docs)')
    expect(run('--fail-on-breaking').code).toBe(1)
  })

  it('--base picks the revision; identical trees give verdict none even with --fail-on-breaking', () => {
    git('add', '-A')
    git('commit', '-q', '-m', 'next')
    const same = run('--base', 'HEAD', '--fail-on-breaking')
    expect(same.code).toBe(0)
    expect(same.out.trim()).toBe('No API changes.\nVerdict: none')
    const vsFirst = run('--base=HEAD~1', '--json')
    expect((JSON.parse(vsFirst.out) as { verdict: string }).verdict).toBe('major')
  })

  it('rejects unknown revisions and arguments with exit code 2', () => {
    expect(run('--base', 'no-such-rev').code).toBe(2)
    const bad = run('--frobnicate')
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('usage:')
  })
})
