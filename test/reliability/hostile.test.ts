// Hostile responses (issue #4): every case in support/cases.ts, against every provider it applies to, over real
// loopback HTTP. Each must end in the right value or a typed GeminiGatewayError that names what went wrong: no crash,
// no unhandled rejection, no empty success, no polluted prototype.
import { afterAll, describe, expect, it } from 'vitest'
import { HOSTILE_CASES, providersOf } from './support/cases.ts'
import { PROVIDERS, reportFigures, secretKey, watchCrashes } from './support/helpers.ts'
import { prototypePolluted, runCase, verifyCase } from './support/run-case.ts'

const crashes = watchCrashes()
const key = secretKey()
const tally = { runs: 0, passed: 0, values: 0, typedErrors: 0 }

describe.each(PROVIDERS)('hostile responses: %s', (provider) => {
  for (const c of HOSTILE_CASES.filter((hc) => providersOf(hc).includes(provider))) {
    it(`${c.op}: ${c.id}`, async () => {
      tally.runs++
      const run = await runCase(c, provider, key)
      verifyCase(c, run, provider, key)
      expect(prototypePolluted(), 'Object.prototype polluted').toBe(false)
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
      tally.passed++
      if (run.result.ok) tally.values++
      else tally.typedErrors++
    })
  }
})

describe('hostile responses: process health', () => {
  it('no unhandled rejection or uncaught exception fired during the hostile cases', async () => {
    // Give late rejections (a body read after its call settled) a moment to surface.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(crashes.events).toEqual([])
    expect(prototypePolluted()).toBe(false)
  })
})

afterAll(() => {
  crashes.stop()
  const groups = new Set(HOSTILE_CASES.map((c) => c.group))
  reportFigures('hostile', [
    ['distinct cases', HOSTILE_CASES.length],
    ['issue groups covered', groups.size],
    ['case × provider runs', tally.runs],
    ['runs passed', tally.passed],
    ['… ended in the right value', tally.values],
    ['… ended in a typed error', tally.typedErrors],
    ['unhandled rejections / uncaught exceptions', crashes.events.length],
  ])
})
