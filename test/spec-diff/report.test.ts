import { describe, expect, it } from 'vitest'
import type { SpecChange } from '../../scripts/spec-diff/changes.ts'
import { formatReport, verdict } from '../../scripts/spec-diff/report.ts'

const change = (severity: SpecChange['severity'], message: string, provider?: string): SpecChange =>
  provider === undefined ? { severity, pointer: '/x', message } : { provider, severity, pointer: '/x', message }

describe('verdict', () => {
  it('is the largest bump any change needs', () => {
    expect(verdict([])).toBe('none')
    expect(verdict([change('docs', 'd')])).toBe('patch')
    expect(verdict([change('docs', 'd'), change('non-breaking', 'n')])).toBe('minor')
    expect(verdict([change('non-breaking', 'n'), change('breaking', 'b'), change('docs', 'd')])).toBe('major')
  })
})

describe('formatReport', () => {
  it('says so when nothing changed', () => {
    expect(formatReport([])).toBe('No API changes.\nVerdict: none')
  })

  it('groups by provider (known order) and severity and ends with the verdict line', () => {
    const report = formatReport([
      change('docs', 'description changed: Part.text', 'nordlys'),
      { provider: 'google', severity: 'breaking', pointer: '/components/schemas/Part/properties/text', message: 'request property removed: Part.text' },
      change('non-breaking', 'path added: /v2', 'google'),
      change('breaking', 'path removed: /v1', 'nordlys'),
    ])
    const lines = report.split('\n')
    expect(lines.at(-1)).toBe('Verdict: major (2 breaking, 1 non-breaking, 1 docs)')
    expect(lines[0]).toBe('google: 1 breaking, 1 non-breaking, 0 docs → major')
    expect(lines[1]).toMatch(/^ {2}SEVERITY {6}CHANGE +POINTER$/)
    expect(lines[2]).toMatch(/^ {2}breaking {6}request property removed: Part\.text +\/components\/schemas\/Part\/properties\/text$/)
    expect(lines[3]).toMatch(/^ {2}non-breaking {2}path added: \/v2 +\/x$/)
    const nordlys = lines.indexOf('nordlys: 1 breaking, 0 non-breaking, 1 docs → major')
    expect(nordlys).toBeGreaterThan(3)
    // Breaking rows come before docs rows within a provider, whatever the input order.
    expect(lines[nordlys + 2]).toContain('path removed: /v1')
    expect(lines[nordlys + 3]).toContain('description changed: Part.text')
    // Columns line up.
    const pointerColumn = lines[2]!.indexOf('/components')
    expect(lines[3]!.indexOf('/x')).toBe(pointerColumn)
  })

  it('shows changes without a provider and the document pointer readably', () => {
    const report = formatReport([{ severity: 'non-breaking', pointer: '', message: 'provider added: extra' }])
    expect(report).toContain('spec: 0 breaking, 1 non-breaking, 0 docs → minor')
    expect(report).toContain('(document)')
    expect(report.endsWith('Verdict: minor (0 breaking, 1 non-breaking, 0 docs)')).toBe(true)
  })
})
