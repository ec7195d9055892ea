// The README's table of what is sent again is the sending policy's own (src/core/sending-policy.ts): each row's
// verdicts come from the module's judge() here and must be found in the README word for word, so the two cannot
// disagree again.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { APIStatusError, CallerError, ConnectionError, IncompleteStreamError, ModelUnavailableError, TimeoutError } from '../../src/core/errors.ts'
import { judge } from '../../src/core/sending-policy.ts'

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
/** One failure per row of the README's table, and how the README words it. */
const ROWS: ReadonlyArray<{ what: string; error: unknown; streamOnly?: boolean }> = [
  { what: '429 (rate limited, quota)', error: new APIStatusError('', { status: 429 }) },
  { what: '503 `UNAVAILABLE` (overloaded)', error: new APIStatusError('', { status: 503 }) },
  { what: '408, 409 `ABORTED`', error: new APIStatusError('', { status: 408 }) },
  { what: 'a relay has no channel for the model (`ModelUnavailableError`)', error: new ModelUnavailableError('', { status: 503 }) },
  { what: 'no connection made: refused, DNS, TLS (`connected: false`)', error: new ConnectionError('', { connected: false }) },
  { what: '500, 502, 504, other 5xx (also an error body in a 200 that claims one)', error: new APIStatusError('', { status: 502 }) },
  { what: 'no answer within `timeoutMs` / `quickTimeoutMs`', error: new TimeoutError('') },
  { what: 'connection reset or closed once the request went out', error: new ConnectionError('') },
  { what: 'a stream that ends before its first chunk', error: new IncompleteStreamError(''), streamOnly: true },
  { what: 'other 4xx; a malformed or invalid 2xx body', error: new APIStatusError('', { status: 400 }) },
  { what: 'a middleware or a custom fetch that throws, an invalid header (`CallerError`), an abort, a refused request', error: new CallerError('') },
]

/** The policy's verdicts on those failures, with the default options. */
function policyTable() {
  return ROWS.map(({ what, error, streamOnly }) => {
    const generation = judge(error, 'generation')
    return {
      what,
      kind: generation.kind,
      generation: generation.retry,
      quick: streamOnly ? undefined : judge(error, 'quick').retry,
      failover: generation.failover,
    }
  })
}

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
