/** The verdict (which semver bump the changes call for) and the plain-text table `npm run spec:diff` prints. */
import { SEVERITIES, type SpecChange } from './changes.ts'
import { byCode } from './json.ts'
import { PROVIDERS } from './providers.ts'

/** The semver bump the changes call for: any breaking → major, non-breaking → minor, docs → patch. */
export function verdict(changes: SpecChange[]): 'major' | 'minor' | 'patch' | 'none' {
  if (changes.some((c) => c.severity === 'breaking')) return 'major'
  if (changes.some((c) => c.severity === 'non-breaking')) return 'minor'
  return changes.length ? 'patch' : 'none'
}

const countOf = (changes: SpecChange[]): string => SEVERITIES.map((s) => `${changes.filter((c) => c.severity === s).length} ${s}`).join(', ')

/** Changes without a provider first, then known providers in registry order, then the others by name. */
function providerOrder(x: string | undefined, y: string | undefined): number {
  const rank = (p: string | undefined): number => (p === undefined ? -1 : PROVIDERS.includes(p) ? PROVIDERS.indexOf(p) : PROVIDERS.length)
  return rank(x) - rank(y) || byCode(x ?? '', y ?? '')
}

/**
 * A plain-text table grouped by provider (known providers first) and severity; the last line is
 * `Verdict: <major|minor|patch|none> (...)`.
 */
export function formatReport(changes: SpecChange[]): string {
  if (changes.length === 0) return 'No API changes.\nVerdict: none'
  const groups = new Map<string | undefined, SpecChange[]>()
  for (const c of changes) groups.set(c.provider, [...(groups.get(c.provider) ?? []), c])
  const msgWidth = Math.min(100, Math.max('CHANGE'.length, ...changes.map((c) => c.message.length)))
  const sevWidth = 'non-breaking'.length
  const lines: string[] = []
  for (const name of [...groups.keys()].sort(providerOrder)) {
    const group = groups.get(name) ?? []
    lines.push(`${name ?? 'spec'}: ${countOf(group)} → ${verdict(group)}`)
    lines.push(`  ${'SEVERITY'.padEnd(sevWidth)}  ${'CHANGE'.padEnd(msgWidth)}  POINTER`)
    for (const sev of SEVERITIES) {
      for (const c of group.filter((x) => x.severity === sev)) {
        lines.push(`  ${sev.padEnd(sevWidth)}  ${c.message.padEnd(msgWidth)}  ${c.pointer === '' ? '(document)' : c.pointer}`)
      }
    }
    lines.push('')
  }
  lines.push(`Verdict: ${verdict(changes)} (${countOf(changes)})`)
  return lines.join('\n')
}
