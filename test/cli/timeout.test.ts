// `--timeout <seconds>` (issue #9): the CLI's way to wait longer or shorter than the client's defaults, against the
// local gateway over real loopback HTTP. A timeout's message names the flag, not the library option.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { run } from './helpers.ts'

const KEY = 'gk-cli-timeout-5e2a'
const env = { GEMINI_API_KEY: KEY }

describe('--timeout', () => {
  let slow: LocalGateway
  let quick: LocalGateway
  beforeAll(async () => {
    // Every answer waits 3 s before its status line.
    slow = await startLocalGateway({ provider: 'google', apiKey: KEY, latencyMs: 3_000 })
    quick = await startLocalGateway({ provider: 'google', apiKey: KEY })
  })
  afterAll(async () => {
    await Promise.all([slow.close(), quick.close()])
  })

  it('ask: gives up after that many seconds, once (a generation is not retried), and says which flag waits longer', async () => {
    slow.requests.length = 0
    const started = Date.now()
    const r = await run(['ask', 'hi', '--timeout', '0.3', '--base-url', slow.url], { env })
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('error: google: no response after 300 ms (1 attempt); raise --timeout to wait longer\n')
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(slow.requests).toHaveLength(1)
  })

  it('ask --stream: the same limit to the headers', async () => {
    const r = await run(['ask', 'hi', '--stream', '--timeout', '0.3', '--base-url', slow.url], { env })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('error: google: no response after 300 ms (1 attempt); raise --timeout to wait longer\n')
  })

  it('models: the flag sets the limit of the quick call too', async () => {
    slow.requests.length = 0
    const r = await run(['models', '--timeout', '0.2', '--base-url', slow.url], { env })
    expect(r.code).toBe(1)
    // A model list is free to ask for again: the client's retries apply (1 + 2 attempts).
    expect(r.stderr).toBe('error: google: no response after 200 ms (3 attempts); raise --timeout to wait longer\n')
    expect(slow.requests).toHaveLength(3)
  })

  it('a longer --timeout waits for a slow answer', async () => {
    const r = await run(['ask', 'hi', '--timeout', '10', '--base-url', slow.url], { env })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Mountain View')
  })

  it.each(['0', 'abc', '-1', '1e3', ''])('--timeout %j is a usage error, exit 2, nothing sent', async (value) => {
    quick.requests.length = 0
    const r = await run(['ask', 'hi', `--timeout=${value}`, '--base-url', quick.url], { env })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`error: --timeout must be a number of seconds above 0, got "${value}"\n`)
    expect(quick.requests).toHaveLength(0)
  })

  it('a typo gets the hint, since hints derive from the declared options', async () => {
    const r = await run(['ask', 'hi', '--timout', '5'], { env })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error: unknown flag --timout \(did you mean --timeout\?\); flags: .*--timeout/)
  })

  it('does not apply to serve', async () => {
    const r = await run(['serve', '--timeout', '5'], { env })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('error: --timeout does not apply to serve (see npx gemini-gateways --help)\n')
  })

  it('--help lists it', async () => {
    const r = await run(['--help'])
    expect(r.stdout).toContain('--timeout S     seconds to wait for an answer (default 600 for ask, 30 for models)')
  })
})
