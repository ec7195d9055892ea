// The CLI run in-process (main(argv, io)) against the local gateway over real loopback HTTP.
import { readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { usage } from '../../src/cli/main.ts'
import { createClient, mergeChunks, providers, text, type GenerateContentResponse, type Provider } from '../../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { ENV_KEYS, run } from './helpers.ts'
import { registry, serves } from '../support/registry.ts'

const MODEL = 'gemini-2.5-flash'
const PROMPT = 'Where is Google headquartered?'
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

/** What the library itself answers from the same gateway: the CLI must print exactly this. */
function reference(provider: Provider, gw: LocalGateway) {
  const client = createClient({ provider, apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gw.url, maxRetries: 0 }) as unknown as {
    generateContent(p: object): Promise<GenerateContentResponse>
    streamGenerateContent(p: object): AsyncGenerator<GenerateContentResponse>
  }
  const params = { model: MODEL, contents: [{ role: 'user', parts: [{ text: PROMPT }] }] }
  return {
    unary: () => client.generateContent(params),
    stream: async () => {
      const chunks: GenerateContentResponse[] = []
      for await (const chunk of client.streamGenerateContent(params)) chunks.push(chunk)
      return chunks
    },
  }
}

const envFor = (provider: Provider, key = LOCAL_GATEWAY_API_KEY) => ({ [ENV_KEYS[provider]]: key })

/** One line ending in a newline, no stack frame. */
function expectOneLine(stderr: string): void {
  expect(stderr.endsWith('\n')).toBe(true)
  expect(stderr.slice(0, -1)).not.toContain('\n')
  expect(stderr).not.toMatch(/\bat .+:\d+:\d+/)
}

describe.each(providers)('ask via --base-url: %s', (provider) => {
  let gw: LocalGateway
  beforeAll(async () => {
    gw = await startLocalGateway({ provider })
  })
  afterAll(() => gw.close())
  beforeEach(() => {
    gw.requests.length = 0
  })

  it('prints the answer text and exits 0', async () => {
    const expected = text(await reference(provider, gw).unary())
    gw.requests.length = 0
    const r = await run(['ask', PROMPT, '--provider', provider, '--base-url', gw.url], { env: envFor(provider) })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(expected.length).toBeGreaterThan(20)
    // The CLI adds a final newline only when the answer lacks one.
    expect(r.stdout).toBe(expected.endsWith('\n') ? expected : `${expected}\n`)
    expect(gw.requests).toHaveLength(1)
    expect(gw.requests[0]!.path).toContain(`${MODEL}:generateContent`)
    expect(JSON.stringify(gw.requests[0]!.body)).toContain(PROMPT)
  })

  it('--stream writes each chunk’s text as it comes, in order', async () => {
    const chunks = await reference(provider, gw).stream()
    const pieces = chunks.map(text).filter((t) => t !== '')
    expect(pieces.length).toBeGreaterThan(1)
    gw.requests.length = 0
    const r = await run(['ask', PROMPT, '-p', provider, '--base-url', gw.url, '--stream'], { env: envFor(provider) })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdoutWrites).toEqual(pieces) // one write per chunk; the recorded answer already ends in a newline
    expect(r.stdout).toBe(text(mergeChunks(chunks)))
    expect(gw.requests[0]!.path).toContain(':streamGenerateContent')
  })

  it('--json prints the whole response; with --stream one chunk object per line', async () => {
    const unary = await run(['ask', PROMPT, '-p', provider, '--base-url', gw.url, '--json'], { env: envFor(provider) })
    expect(unary.code).toBe(0)
    expect(JSON.parse(unary.stdout)).toEqual(await reference(provider, gw).unary())

    const streamed = await run(['ask', PROMPT, '-p', provider, '--base-url', gw.url, '--json', '--stream'], { env: envFor(provider) })
    expect(streamed.code).toBe(0)
    const lines = streamed.stdout.trimEnd().split('\n')
    expect(lines.map((l) => JSON.parse(l))).toEqual(await reference(provider, gw).stream())
  })

  it('--system reaches the gateway as a system instruction', async () => {
    const r = await run(['ask', PROMPT, '-p', provider, '--base-url', gw.url, '--system', 'Answer in one word.'], { env: envFor(provider) })
    expect(r.code).toBe(0)
    // `effective` is what the dialect understood: for nordlys it sits inside generation_config on the wire.
    expect(gw.requests[0]!.effective?.['systemInstruction']).toEqual({ parts: [{ text: 'Answer in one word.' }] })
  })
})

describe('errors', () => {
  const KEY = 'gk-cli-secret-4b1d9e'
  let google: LocalGateway
  let infinityblue: LocalGateway
  beforeAll(async () => {
    google = await startLocalGateway({ provider: 'google', apiKey: KEY })
    infinityblue = await startLocalGateway({ provider: 'infinityblue', apiKey: KEY })
  })
  afterAll(async () => {
    await google.close()
    await infinityblue.close()
  })

  it('an API error is one line with provider, status and code, exit 1, and never the key', async () => {
    google.fail('unknown-model')
    const r = await run(['ask', 'hi', '--base-url', google.url], { env: { GEMINI_API_KEY: KEY } })
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^error: google: 404 NOT_FOUND: models\/gemini-2\.5-flash is not found/)
    expectOneLine(r.stderr)
    expect(r.stderr).not.toContain(KEY)
  })

  it('a 429 after the client’s retries reads "error: google: 429 RESOURCE_EXHAUSTED: ..."', async () => {
    google.requests.length = 0
    const body = { error: { code: 429, message: 'Quota exceeded for gk-cli-secret-4b1d9e.', status: 'RESOURCE_EXHAUSTED' } }
    // retry-after-ms 0 keeps the default retries instant.
    const limited = { status: 429, headers: { 'retry-after-ms': '0' }, body }
    google.enqueue(limited, limited, limited)
    const r = await run(['ask', 'hi', '--base-url', google.url], { env: { GEMINI_API_KEY: KEY } })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('error: google: 429 RESOURCE_EXHAUSTED: Quota exceeded for [REDACTED].\n')
    expect(google.requests).toHaveLength(3)
  })

  it('an OpenAI-style relay error is one line too', async () => {
    infinityblue.fail('auth')
    const r = await run(['ask', 'hi', '-p', 'infinityblue', '--base-url', infinityblue.url, '--stream'], { env: { INFINITYBLUE_API_KEY: KEY } })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('error: infinityblue: 401 invalid_api_key: Invalid token\n')
  })

  it('a stream that fails midway ends the printed line, then reports the error', async () => {
    google.fail('stream-error-midway')
    const r = await run(['ask', 'hi', '--base-url', google.url, '--stream'], { env: { GEMINI_API_KEY: KEY } })
    expect(r.code).toBe(1)
    expect(r.stdout.length).toBeGreaterThan(1)
    expect(r.stdout.endsWith('\n')).toBe(true)
    expect(r.stderr).toMatch(/^error: google: stream error 503 UNAVAILABLE: /)
    expectOneLine(r.stderr)
  })

  it('a cut-off stream is an error, not a short answer', async () => {
    google.fail('stream-cut')
    const r = await run(['ask', 'hi', '--base-url', google.url, '--stream'], { env: { GEMINI_API_KEY: KEY } })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^error: google: stream ended after \d+ chunk\(s\) without a final chunk/)
  })

  it('an answer without a final newline gets one; a blocked prompt is an error line, exit 1', async () => {
    google.enqueue({ body: { candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }] } })
    const hi = await run(['ask', 'hi', '--base-url', google.url], { env: { GEMINI_API_KEY: KEY } })
    expect(hi).toMatchObject({ code: 0, stdout: 'Hi\n', stderr: '' })

    google.enqueue({ body: { promptFeedback: { blockReason: 'SAFETY' } } })
    const blocked = await run(['ask', 'hi', '--base-url', google.url], { env: { GEMINI_API_KEY: KEY } })
    expect(blocked).toMatchObject({ code: 1, stdout: '', stderr: 'error: google: the prompt was blocked (SAFETY)\n' })
  })

  it('aborting the signal interrupts a request in flight: exit 130', async () => {
    const slow = await startLocalGateway({ provider: 'google', latencyMs: 5_000 })
    try {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 100)
      const started = Date.now()
      const r = await run(['ask', 'hi', '--base-url', slow.url], { env: { GEMINI_API_KEY: LOCAL_GATEWAY_API_KEY }, signal: controller.signal })
      expect(r.code).toBe(130)
      expect(r.stderr).toBe('interrupted\n')
      expect(Date.now() - started).toBeLessThan(3_000)
    } finally {
      await slow.close()
    }
  })
})

describe("provider options: --api-version, cloudflare's ids and gateway token", () => {
  it("--api-version v1 calls the provider's v1 path (Vertex AI: v1 for v1beta1)", async () => {
    const gw = await startLocalGateway({ provider: 'vertex' })
    try {
      const r = await run(['ask', 'hi', '-p', 'vertex', '--base-url', gw.url, '--api-version', 'v1'], { env: envFor('vertex') })
      expect(r.code, r.stderr).toBe(0)
      expect(gw.requests.map((q) => q.path)).toEqual(['/v1/publishers/google/models/gemini-2.5-flash:generateContent'])
    } finally {
      await gw.close()
    }
  })

  it('--api-version is checked, and refused where the provider serves no such version', async () => {
    expect((await run(['ask', 'hi', '--api-version', 'v2'], { env: envFor('google') })).stderr).toBe('error: --api-version must be v1beta or v1, got "v2"\n')
    const r = await run(['ask', 'hi', '-p', 'nordlys', '--api-version', 'v1'], { env: envFor('nordlys') })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('error: nordlys: apiVersion v1 is not served by nordlys (it serves v1beta)\n')
  })

  it('cloudflare: --account-id and --gateway-id fill its host; CF_AIG_TOKEN goes in cf-aig-authorization, alone with keys stored in the gateway', async () => {
    const gw = await startLocalGateway({ provider: 'cloudflare', gatewayToken: 'cf-token-cli-123' })
    try {
      const template = `${new URL(gw.url).origin}/v1/{account_id}/{gateway_id}/google-ai-studio`
      const r = await run(['ask', 'hi', '-p', 'cloudflare', '--base-url', template, '--account-id', 'acc-1', '--gateway-id', 'gw-1'], {
        env: { CF_AIG_TOKEN: 'cf-token-cli-123' },
      })
      expect(r.code, r.stderr).toBe(0)
      expect(gw.requests.map((q) => q.path)).toEqual(['/v1/acc-1/gw-1/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent'])
      expect(gw.requests[0]!.headers['cf-aig-authorization']).toBe('[REDACTED]')
      expect(gw.requests[0]!.headers['x-goog-api-key']).toBeUndefined()
    } finally {
      await gw.close()
    }
  })

  it('cloudflare without its ids: one line saying which are missing, exit 2', async () => {
    const r = await run(['ask', 'hi', '-p', 'cloudflare', '--gateway-id', 'gw-1'], { env: envFor('cloudflare') })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'error: cloudflare: no account id: pass accountId, or a baseUrl that holds them, such as https://gateway.ai.cloudflare.com/v1/<account_id>/<gateway_id>/google-ai-studio\n',
    )
  })

  it('cloudflare: a wrong gateway token never shows in the error line', async () => {
    const gw = await startLocalGateway({ provider: 'cloudflare', gatewayToken: 'the-right-token' })
    try {
      gw.enqueue({ status: 500, body: { error: { code: 500, message: 'echo: Bearer wrong-token-4567', status: 'INTERNAL' } } })
      const r = await run(['ask', 'hi', '-p', 'cloudflare', '--base-url', gw.url], { env: { CF_AIG_TOKEN: 'wrong-token-4567' } })
      expect(r.code).toBe(1)
      expect(r.stderr).not.toContain('wrong-token-4567')
      expect(r.stderr).toContain('[REDACTED]')
    } finally {
      await gw.close()
    }
  })
})

describe('no key', () => {
  it.each(providers)('%s: says which variable to set and offers the local gateway, exit 2', async (provider) => {
    const r = await run(['ask', 'hi', '-p', provider])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    // A gateway whose token alone will do (keys stored in it) says so.
    const alone = registry[provider].keyOptional
      ? ` (or ${(registry[provider].credentials as readonly { env?: string }[]).map((c) => c.env).join(' and ')} alone)`
      : ''
    expect(r.stderr).toBe(
      `error: no API key for ${provider}: set ${ENV_KEYS[provider]}${alone}, or try the local gateway: add --local, or run npx gemini-gateways serve --provider ${provider}\n`,
    )
  })

  it('the default provider is google', async () => {
    const r = await run(['ask', 'hi'], { env: { NORDLYS_API_KEY: 'x' } })
    expect(r.stderr).toContain('no API key for google: set GEMINI_API_KEY')
  })
})

describe('--local: an in-process local gateway, no key needed', () => {
  it.each(providers)('%s: ask answers', async (provider) => {
    const r = await run(['ask', 'Say hello.', '--local', '-p', provider])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Googleplex')
  })

  it('ask --stream --local streams', async () => {
    const r = await run(['ask', 'hi', '--local', '--stream', '-p', 'apimart'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('The capital of Wyoming is **Cheyenne**.\n')
    expect(r.stdoutWrites.length).toBeGreaterThan(1)
  })

  it('models --local lists the model ids', async () => {
    const r = await run(['models', '--local', '-p', 'infinityblue'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('gemini-3.1-pro-preview\ngemini-2.5-pro\ngemini-2.5-flash\n')
  })

  it('models --local -p newapi lists the ids of its OpenAI-style list', async () => {
    const r = await run(['models', '--local', '-p', 'newapi'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('gemini-3.1-pro-preview\ngemini-2.5-pro\ngemini-2.5-flash\ngemini-2.5-flash-lite\n')
  })
})

describe('models', () => {
  it.each(providers.filter((p) => serves(p, 'listModels')))('%s: one bare model id per line, as the library lists them', async (provider) => {
    const gw = await startLocalGateway({ provider })
    try {
      const client = createClient({ provider, apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gw.url }) as unknown as { listModels(): AsyncIterable<{ name?: string }> }
      const names: string[] = []
      for await (const m of client.listModels()) names.push(m.name!.replace(/^models\//, ''))
      expect(names).toContain('gemini-2.5-flash')
      const r = await run(['models', '-p', provider, '--base-url', gw.url], { env: envFor(provider) })
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('')
      expect(r.stdout).toBe(`${names.join('\n')}\n`)
    } finally {
      await gw.close()
    }
  })

  it('--json prints the model objects', async () => {
    const r = await run(['models', '--local', '--json'])
    expect(r.code).toBe(0)
    const models = JSON.parse(r.stdout) as { name: string }[]
    expect(models.length).toBe(10)
    expect(models.map((m) => m.name)).toContain('models/gemini-2.5-flash')
  })

  it.each(providers.filter((p) => !serves(p, 'listModels')))('%s: one line saying it has no model list, before asking for a key', async (provider) => {
    const r = await run(['models', '-p', provider])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`error: ${provider} has no model list (providers with one: ${providers.filter((p) => serves(p, 'listModels')).join(', ')})\n`)
  })
})

describe('progress indicator', () => {
  it('on a terminal: a spinner on stderr, erased before the text starts', async () => {
    const r = await run(['ask', 'hi', '--local', '--stream'], { tty: true })
    expect(r.code).toBe(0)
    expect(r.stderrWrites[0]).toMatch(/^\r. waiting for google \(gemini-2\.5-flash\)…$/)
    expect(r.stderrWrites.at(-1)).toBe('\r\x1b[K')
    expect(r.stdout).toBe('The capital of Wyoming is **Cheyenne**.\n')
  })

  it('not on a terminal: stderr stays empty', async () => {
    const r = await run(['ask', 'hi', '--local', '--stream'])
    expect(r.stderr).toBe('')
  })
})

describe('usage', () => {
  it('--help prints the usage, exit 0; --version prints package.json’s version', async () => {
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toBe(usage())
    expect(help.stdout).toContain('gemini-gateways ask <prompt>')
    const version = await run(['--version'])
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' })
  })

  it('no command: usage on stderr, exit 2', async () => {
    const r = await run([])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(usage())
  })

  it.each([
    [['ask'], 'error: ask needs a prompt'],
    [['ask', 'hi', '--bogus'], 'error: unknown flag --bogus; flags: --provider, --model'],
    [['ask', 'hi', '-p', 'openai'], `error: unknown provider "openai" (expected one of ${providers.join(', ')})`],
    [['ask', 'hi', '--local', '--base-url', 'http://127.0.0.1:1'], 'error: --local and --base-url do not go together'],
    [['ask', 'hi', '--port', '80'], 'error: --port does not apply to ask'],
    [['chat'], 'error: unknown command "chat"'],
    [['serve', '--port', 'http'], 'error: --port must be a number from 0 to 65535'],
  ])('%j: one line, exit 2', async (argv, start) => {
    const r = await run(argv, { env: { GEMINI_API_KEY: 'k' } })
    expect(r.code).toBe(2)
    expect(r.stderr.startsWith(start)).toBe(true)
    expectOneLine(r.stderr)
  })

  it('a bad --base-url is a setup error, exit 2', async () => {
    const r = await run(['ask', 'hi', '--base-url', 'ftp://example.com'], { env: { GEMINI_API_KEY: 'k' } })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('error: google: baseUrl must start with http:// or https://\n')
  })

  it('ask - reads the prompt from stdin', async () => {
    const gw = await startLocalGateway({ provider: 'google' })
    try {
      const r = await run(['ask', '-', '--base-url', gw.url], { env: envFor('google'), stdin: Readable.from([Buffer.from('piped '), 'prompt']) })
      expect(r.code).toBe(0)
      expect(gw.requests[0]!.body).toMatchObject({ contents: [{ role: 'user', parts: [{ text: 'piped prompt' }] }] })
    } finally {
      await gw.close()
    }
  })
})

describe('serve in-process', () => {
  it.each(['nordlys', 'newapi'] as const)('%s: serves until the signal aborts, prints its URL and key, exit 0', async (provider) => {
    const controller = new AbortController()
    const stdout: string[] = []
    const stderr: string[] = []
    const { main } = await import('../../src/cli/main.ts')
    const done = main(['serve', '-p', provider, '--port', '0'], {
      stdout: { write: (s: string) => stdout.push(s) },
      stderr: { write: (s: string) => stderr.push(s) },
      env: {},
      signal: controller.signal,
    })
    let url: string | undefined
    for (let i = 0; i < 100 && !url; i++) {
      url = /listening on (http:\/\/\S+)/.exec(stdout.join(''))?.[1]
      if (!url) await new Promise((r) => setTimeout(r, 20))
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(stdout.join('')).toContain(`key: ${LOCAL_GATEWAY_API_KEY}`)
    const client = createClient({ provider, apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: url! })
    const res = await client.generateContent({ model: MODEL, contents: [{ role: 'user', parts: [{ text: 'hi' }] }] })
    expect(text(res)).toContain('Googleplex')
    controller.abort()
    expect(await done).toBe(0)
    await expect(fetch(url!)).rejects.toThrow()
  })
})
