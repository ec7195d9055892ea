import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { diffSpecs, type OpenAPIDoc } from '../../scripts/spec-diff/diff.ts'
import { PROVIDERS } from '../../scripts/spec-diff/providers.ts'
import { verdict } from '../../scripts/spec-diff/report.ts'

const bundle = (provider: string): string => fileURLToPath(new URL(`../../generated/${provider}/openapi.json`, import.meta.url))
const load = (provider: string): OpenAPIDoc => JSON.parse(readFileSync(bundle(provider), 'utf8')) as OpenAPIDoc

describe('committed bundles', () => {
  it('generated/google/openapi.json against itself: no changes', () => {
    const doc = load('google')
    const changes = diffSpecs(doc, load('google'))
    expect(changes).toEqual([])
    expect(verdict(changes)).toBe('none')
  })

  it('deleting Part.text is breaking for both request and response use', () => {
    const before = load('google')
    const after = structuredClone(before) as { components: { schemas: { Part: { properties: Record<string, unknown> } } } }
    delete after.components.schemas.Part.properties.text
    const changes = diffSpecs(before, after as OpenAPIDoc)
    const pointer = '/components/schemas/Part/properties/text'
    expect(changes).toEqual([
      { severity: 'breaking', pointer, message: 'request property removed: Part.text' },
      { severity: 'breaking', pointer, message: 'response property removed: Part.text' },
    ])
    expect(verdict(changes)).toBe('major')
  })

  it('a changed provenance line (x-generated) is not a change', () => {
    const before = load('google')
    const after = { ...structuredClone(before), 'x-generated': 'Generated from another commit (bundle sha256:0000000000000000).' }
    expect(diffSpecs(before, after)).toEqual([])
  })

  // The other providers are checked when present; google is required above.
  for (const provider of PROVIDERS.filter((p) => p !== 'google')) {
    it.runIf(existsSync(bundle(provider)))(`generated/${provider}/openapi.json against itself: no changes`, () => {
      expect(diffSpecs(load(provider), load(provider))).toEqual([])
    })
  }

  it('an enum value added to a response-only enum of a real bundle carries the strict-enum note', () => {
    const before = load('google') as { components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }> } }
    const after = structuredClone(before)
    const enumProp = after.components.schemas.Candidate?.properties?.finishReason
    expect(enumProp?.enum).toBeDefined()
    enumProp!.enum!.push('NEW_REASON')
    const changes = diffSpecs(before as unknown as OpenAPIDoc, after as unknown as OpenAPIDoc)
    expect(changes.map((c) => [c.severity, c.message])).toEqual([
      ['non-breaking', 'response enum value "NEW_REASON" added: Candidate.finishReason (strict-enum consumers may reject it)'],
    ])
  })
})
