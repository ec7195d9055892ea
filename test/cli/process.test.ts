// The real CLI as a child process: `node --import tsx src/cli/main.ts ...`, as the bin runs it (minus the build).
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createClient, text } from '../../src/index.ts'
import { LOCAL_GATEWAY_API_KEY } from '../../src/local-gateway/index.ts'
import { ENV_KEYS } from './helpers.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The parent's environment without any provider key, so that only --local can answer. */
function keylessEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of Object.values(ENV_KEYS)) delete env[name]
  return env
}

function cli(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: keylessEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
}

function finished(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

describe('the CLI as a process', () => {
  it('ask hi --local --provider nordlys: answers with no key, exit 0', async () => {
    const r = await finished(cli(['ask', 'hi', '--local', '--provider', 'nordlys']))
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Googleplex')
  })

  it('no key: one line on stderr, exit 2', async () => {
    const r = await finished(cli(['ask', 'hi', '--provider', 'anyfast']))
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'error: no API key for anyfast: set ANYFAST_API_KEY, or try the local gateway: add --local, or run npx gemini-gateways serve --provider anyfast\n',
    )
  })

  it('serve: prints its URL and key, serves a client, and SIGTERM ends it with exit 0', async () => {
    const child = cli(['serve', '--provider', 'google', '--port', '0'])
    const result = finished(child)
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = ''
        const timer = setTimeout(() => reject(new Error(`no URL printed; got: ${seen}`)), 20_000)
        child.stdout!.on('data', (d: Buffer) => {
          seen += d.toString()
          const match = /listening on (http:\/\/\S+)/.exec(seen)
          if (match) {
            clearTimeout(timer)
            resolve(match[1]!)
          }
        })
      })
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const client = createClient({ provider: 'google', apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: url, maxRetries: 0 })
      const res = await client.generateContent({ model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'hi' }] }] })
      expect(text(res)).toContain('Googleplex')
    } finally {
      child.kill('SIGTERM')
    }
    const r = await result
    expect(r.signal).toBeNull()
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`key: ${LOCAL_GATEWAY_API_KEY}`)
    expect(r.stderr).toContain('local gateway stopped')
  })
})
