// The README's table of what is sent again is the sending policy's own (src/core/sending-policy.ts): rendered here
// from the module and found in the README word for word, so the two cannot disagree again.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { policyTable } from '../../src/core/sending-policy.ts'

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const yes = (b: boolean | undefined) => (b === undefined ? '—' : b ? 'yes' : 'no')

/** The table as the README shows it. */
function rendered(): string {
  const rows = policyTable().map((r) => `| ${r.what} | ${r.kind} | ${yes(r.generation)} | ${yes(r.quick)} | ${yes(r.failover)} |`)
  return ['| what came back | kind | a generation sent again | a quick call sent again | failover moves on |', '|---|---|---|---|---|', ...rows].join('\n')
}

describe('the README and the sending policy', () => {
  it('the README holds the policy table as the module renders it', () => {
    expect(README).toContain(rendered())
  })
  it('the table covers each kind', () => {
    expect(new Set(policyTable().map((r) => r.kind))).toEqual(new Set(['not-run', 'may-have-run', 'caller', 'answered']))
  })
})
