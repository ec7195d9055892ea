// How the CLI talks to a person: typo'd flags, a taken port, the command name in hints, a slow first token.
import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../../src/local-gateway/index.ts'
import { ENV_KEYS, run } from './helpers.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** The parent's environment without provider keys. */
function keyless(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of Object.values(ENV_KEYS)) delete env[name]
  return env
}

describe('unknown flags', () => {
  it.each([
    [['ask', 'hi', '--provder', 'nordlys'], 'provder', 'provider'],
    [['ask', 'hi', '--strem'], 'strem', 'stream'],
    [['serve', '--prot', '8080'], 'prot', 'port'],
    [['ask', 'hi', '--jsn'], 'jsn', 'json'],
    [['ask', 'hi', '--base-ur=http://127.0.0.1:1'], 'base-ur', 'base-url'],
  ])('%j names the nearest flag and all of them, exit 2', async (argv, typed, meant) => {
    const r = await run(argv, { env: { GEMINI_API_KEY: 'k' } })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.startsWith(`error: unknown flag --${typed} (did you mean --${meant}?); flags: --provider, --model, --stream,`)).toBe(true)
    expect(r.stderr).toContain('(see npx gemini-gateways --help)\n')
    expect(r.stderr.split('\n')).toHaveLength(2)
  })

  it('a flag like no other gets the list but no guess', async () => {
    const r = await run(['ask', 'hi', '--temperature', '2'], { env: { GEMINI_API_KEY: 'k' } })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error: unknown flag --temperature; flags: --provider, /)
    expect(r.stderr).not.toContain('did you mean')
  })

  it('an unknown short flag lists the short ones', async () => {
    const r = await run(['ask', 'hi', '-x'], { env: { GEMINI_API_KEY: 'k' } })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error: unknown flag -x; short flags: -p, -m, -s, -h, -v/)
  })

  it('after -- a word that looks like a flag is prompt text', async () => {
    const r = await run(['ask', '--local', '--', '--provder'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
  })
})

describe('the command name in hints', () => {
  let bin: string
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'gg-bin-'))
    const file = join(bin, 'gemini-gateways')
    writeFileSync(file, '#!/bin/sh\nexit 0\n')
    chmodSync(file, 0o755)
  })
  afterAll(() => rmSync(bin, { recursive: true, force: true }))

  it('is gemini-gateways when it is on PATH', async () => {
    const r = await run(['ask', 'hi', '-p', 'apimart'], { env: { PATH: bin } })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'error: no API key for apimart: set APIMART_API_KEY, or try the local gateway: add --local, or run gemini-gateways serve --provider apimart\n',
    )
  })

  it('is npx gemini-gateways when it is not (the PATH of a project that only depends on it)', async () => {
    const r = await run(['ask', 'hi', '-p', 'apimart'], { env: { PATH: ['/usr/bin', '/bin'].join(delimiter) } })
    expect(r.stderr).toContain('or run npx gemini-gateways serve --provider apimart\n')
  })
})

describe('serve --port N when N is taken', () => {
  let taken: Server
  let port: number
  beforeAll(async () => {
    taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    port = (taken.address() as { port: number }).port
  })
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())))

  it('is a setup error: one line with a way out, exit 2 (a real process)', async () => {
    const r = await cli(['serve', '--provider', 'google', '--port', String(port)], keyless())
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: serve: port ${port} is already in use; pick another with --port, or let the system choose: (npx )?gemini-gateways serve --provider google --port 0\\n$`,
      ),
    )
  })
})

describe('--stream with a slow first token', () => {
  it('keeps the spinner going and says how long it has waited', async () => {
    // Real loopback server that holds the answer back 2.3 s before its headers and first chunk.
    const gw = await startLocalGateway({ provider: 'nordlys', latencyMs: 2300 })
    try {
      const r = await run(['ask', 'hi', '--stream', '-p', 'nordlys', '--base-url', gw.url], { env: { NORDLYS_API_KEY: LOCAL_GATEWAY_API_KEY }, tty: true })
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('Cheyenne')
      const frames = r.stderrWrites.slice(0, -1)
      // First the short label, then the long one with the seconds counting up, then the erase.
      expect(frames[0]).toMatch(/^\r. waiting for nordlys \(gemini-2\.5-flash\)…$/)
      expect(frames).toContainEqual(expect.stringMatching(/^\r. waiting for the first token from nordlys \(gemini-2\.5-flash\)… 1 s$/))
      expect(frames).toContainEqual(expect.stringMatching(/^\r. waiting for the first token from nordlys \(gemini-2\.5-flash\)… 2 s$/))
      expect(frames.some((f) => / 3 s$/.test(f))).toBe(false)
      expect(r.stderrWrites.at(-1)).toBe('\r\x1b[K')
    } finally {
      await gw.close()
    }
  })

  it('without a terminal: nothing on stderr however long the wait', async () => {
    const gw = await startLocalGateway({ provider: 'google', latencyMs: 1200 })
    try {
      const r = await run(['ask', 'hi', '--stream', '--base-url', gw.url], { env: { GEMINI_API_KEY: LOCAL_GATEWAY_API_KEY } })
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('')
    } finally {
      await gw.close()
    }
  })
})
