import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PACKAGE_ROOT, PROVIDERS, readProviders } from '../../scripts/spec-diff/providers.ts'

describe('providers', () => {
  it("are redocly.yaml's apis keys in file order, so a new entry needs no code change", () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec-diff-providers-'))
    try {
      writeFileSync(
        join(dir, 'redocly.yaml'),
        [
          'extends: [recommended-strict]',
          'apis:',
          '  google:',
          '    root: spec/openapi.yaml',
          '  nordlys:',
          '    root: spec/openapi.yaml',
          '    overlays: [spec/overlays/nordlys.yaml]',
          '  newapi:',
          '    root: spec/openapi.yaml',
          '    overlays: [spec/overlays/newapi.yaml]',
          '',
        ].join('\n'),
      )
      expect(readProviders(dir)).toEqual(['google', 'nordlys', 'newapi'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("the project's registry starts with google and every provider in it has a bundle", () => {
    expect(PROVIDERS[0]).toBe('google')
    expect(PROVIDERS).toEqual(readProviders(PACKAGE_ROOT))
    for (const p of PROVIDERS) expect(existsSync(join(PACKAGE_ROOT, 'generated', p, 'openapi.json')), p).toBe(true)
  })
})
