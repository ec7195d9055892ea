/**
 * What `gemini-gateways` exports at run time, name by name: the client factories, the response helpers, failover,
 * and the error classes. The helpers that build errors (src/core/internal) stay out, and every name the README and
 * examples/ import, or the README's error table names, is there. (The packed package's copy: consumer.test.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import * as entry from '../../src/index.ts'
import * as nordlysEntry from '../../src/providers/nordlys.ts'
import { ROOT } from '../support/packed-package.ts'
import { ENTRY_VALUES, INTERNAL_HELPERS } from './entry-names.ts'
import { packageExports } from '../../scripts/lib/package-exports.ts'
import { providers } from '../../generated/registry.ts'

/** Value names in `import { ... } from '<from>'` statements (type-only names dropped: the type check covers those). */
function importedValues(source: string, from: RegExp): string[] {
  return [...source.matchAll(/import\s+\{([^}]*)\}\s+from\s+'([^']+)'/g)]
    .filter((m) => from.test(m[2]!))
    .flatMap((m) =>
      m[1]!
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '' && !s.startsWith('type ')),
    )
}

const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8')

describe('the package entry (src/index.ts)', () => {
  const names = Object.keys(entry).sort()

  it('exports exactly the documented names', () => {
    expect(names).toEqual([...ENTRY_VALUES].sort())
  })

  it('leaks no internal helper', () => {
    expect(INTERNAL_HELPERS.filter((name) => name in entry)).toEqual([])
    // Reading a nordlys wire body back is for tests only (test/reliability/support/nordlys-wire.ts).
    expect('fromNordlysWire' in nordlysEntry).toBe(false)
    expect(Object.keys(nordlysEntry)).toContain('createNordlysClient')
  })

  it("has every name the README's code imports from gemini-gateways, and every error class its prose names", () => {
    const imported = importedValues(README, /^gemini-gateways$/)
    expect(imported).toEqual(expect.arrayContaining(['createClient', 'createFailoverClient', 'NotFoundError', 'RateLimitError']))
    const errorClasses = [...new Set([...README.matchAll(/`([A-Z][A-Za-z]*Error)`/g)].map((m) => m[1]!))]
    expect(errorClasses.length).toBeGreaterThan(15)
    expect([...imported, ...errorClasses].filter((name) => !names.includes(name))).toEqual([])
  })

  it('has every name examples/ imports from it', () => {
    const dir = path.join(ROOT, 'examples')
    const imported = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => importedValues(readFileSync(path.join(dir, f), 'utf8'), /\/src\/index\.ts$/))
    expect(imported).toEqual(expect.arrayContaining(['createClient', 'text', 'IncompleteStreamError', 'RequestValidationError']))
    expect(imported.filter((name) => !names.includes(name))).toEqual([])
  })

  it('every exported error class is a GeminiGatewayError with its own name', () => {
    const classes = Object.entries(entry).filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error)
    expect(classes.map(([name]) => name).sort()).toEqual(ENTRY_VALUES.filter((n) => /^[A-Z].*Error$/.test(n)).sort())
    for (const [name, Class] of classes) {
      expect((Class as { prototype: unknown }).prototype instanceof entry.GeminiGatewayError || Class === entry.GeminiGatewayError, name).toBe(true)
      expect((Class as { prototype: Error }).prototype.name).toBe(name)
    }
  })
})

describe('package.json exports', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }

  it('names each entry: no subpath pattern that would also publish internals (gemini-gateways/newapi-quirks)', () => {
    expect(Object.keys(pkg.exports).filter((subpath) => subpath.includes('*'))).toEqual([])
    expect(Object.keys(pkg.exports)).not.toContain('./newapi-quirks')
  })

  it('is what npm run generate writes: the package entries, then each provider of the registry (its client module, types, bundled spec)', () => {
    expect(pkg.exports).toEqual(packageExports(ROOT, providers))
    for (const p of providers) expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining([`./${p}`, `./types/${p}`, `./openapi/${p}.json`]))
  })
})
