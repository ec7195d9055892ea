/**
 * Runs every example in examples/ the way its header says (`node --import tsx examples/<name>.ts`), with no API
 * key in the environment, so each one falls back to the local gateway: no network, no key. Each must exit 0
 * and print what it demonstrates. (`npm run typecheck` type-checks them: tsconfig.json includes examples/.)
 */
import { execFile } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../scripts/docs.ts'

const run = promisify(execFile)

/** The environment without any API key (and without PROVIDER), so every example takes the local gateway. */
function envWithoutKeys(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/API_KEY$/i.test(k) && k !== 'PROVIDER' && k !== 'NODE_OPTIONS'))
  return { ...env, NO_COLOR: '1', ...extra }
}

async function runExample(name: string, extra: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(process.execPath, ['--import', 'tsx', join('examples', `${name}.ts`)], {
      cwd: ROOT,
      env: envWithoutKeys(extra),
      timeout: 60_000,
    })
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    throw new Error(`examples/${name}.ts exited with ${e.code}\nstdout:\n${e.stdout}\nstderr:\n${e.stderr}`)
  }
}

const LOCAL = /via the local gateway at http:\/\/127\.0\.0\.1:\d+/
const ANSWER = /answer: .*Mountain View, California/

/** Each example, and lines its output must contain. */
const EXAMPLES: Record<string, { env?: Record<string, string>; output: RegExp[] }[]> = {
  google: [{ output: [/^google /m, LOCAL, ANSWER, /tokens: \d+ in, \d+ out/, /countTokens: the prompt is \d+ tokens/] }],
  newapi: [
    {
      output: [/^newapi /m, LOCAL, ANSWER, /listModels \(GET \/v1\/models.*\): [1-9]\d* models, e\.g\. models\/gemini-/, /key sent in: authorization/],
    },
  ],
  infinityblue: [
    {
      output: [/^infinityblue /m, LOCAL, ANSWER, /listModels \(GET \/v1\/models.*\): [1-9]\d* models, e\.g\. models\/gemini-/, /key sent in: authorization/],
    },
  ],
  anyfast: [{ output: [/^anyfast /m, LOCAL, ANSWER, /empty contents rejected before sending: \/contents /, /requests that reached the gateway: 1$/m] }],
  apimart: [
    {
      output: [
        /^apimart /m,
        LOCAL,
        ANSWER,
        /usage \(from outside the envelope's data\): \{"promptTokenCount":\d+/,
        /path called: POST \/v1beta\/models\/gemini-2\.5-flash:generateContent/,
      ],
    },
  ],
  nordlys: [
    {
      output: [
        /^nordlys /m,
        LOCAL,
        ANSWER,
        /wire body keys: contents, generation_config, provider_order$/m,
        /generation_config keys: .*systemInstruction/,
        /keys nordlys would have dropped: none/,
      ],
    },
  ],
  vertex: [
    {
      output: [
        /^vertex /m,
        LOCAL,
        ANSWER,
        /served as: ON_DEMAND/,
        /paths called: \/v1beta1\/publishers\/google\/models\/gemini-2\.5-flash:generateContent, \/v1\/publishers\/google\/models\/gemini-2\.5-flash:generateContent/,
        /a turn without its role, refused before sending: \/contents\/0 /,
      ],
    },
  ],
  cloudflare: [
    {
      output: [
        /^cloudflare /m,
        LOCAL,
        ANSWER,
        /path called: POST \/v1\/local-account\/local-gateway\/google-ai-studio\/v1beta\/models\/gemini-2\.5-flash:generateContent/,
        /headers with credentials: cf-aig-authorization \(the token alone/,
      ],
    },
  ],
  litellm: [
    {
      output: [
        /^litellm /m,
        LOCAL,
        ANSWER,
        /streamed: \d+ chunks, finishReason STOP/,
        /paths called: POST \/gemini\/v1beta\/models\/gemini-2\.5-flash:generateContent, POST \/gemini\/v1beta\/models\/gemini-2\.5-flash:streamGenerateContent/,
      ],
    },
  ],
  streaming: [
    { output: [/^google /m, LOCAL, /cats/, /\n36 chunks, \d+ characters, finishReason STOP/, /usage \(cumulative, from the last chunk\): \d+ tokens/] },
    { env: { PROVIDER: 'nordlys' }, output: [/^nordlys /m, LOCAL, /36 chunks, \d+ characters, finishReason STOP/] },
    { env: { PROVIDER: 'apimart' }, output: [/^apimart /m, LOCAL, /36 chunks, \d+ characters, finishReason STOP/] },
    { env: { PROVIDER: 'newapi' }, output: [/^newapi /m, LOCAL, /36 chunks, \d+ characters, finishReason STOP/] },
  ],
  'function-calling': [
    {
      output: [
        LOCAL,
        /thought summary: \S+/,
        /function call: now\(\{\}\)/,
        /thoughtSignature: [1-9]\d* characters, on the functionCall part/,
        /function result sent: \{"now":"\d{4}-\d\d-\d\dT/,
        /thoughtSignature round-tripped byte for byte/,
      ],
    },
  ],
  'structured-output': [
    {
      output: [
        LOCAL,
        /raw text: \{"name":"Lisbon"/,
        /parsed: Lisbon, Portugal, population 545,796; landmarks: Belém Tower, /,
        /sent: responseMimeType application\/json, responseJsonSchema with 4 properties/,
      ],
    },
  ],
}

describe('examples/', () => {
  it('has a test entry for every example file, and a file for every entry', async () => {
    const files = (await readdir(join(ROOT, 'examples'))).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3))
    expect(files.sort()).toEqual(Object.keys(EXAMPLES).sort())
  })

  describe.each(Object.entries(EXAMPLES).flatMap(([name, runs]) => runs.map((r) => [name, r.env ? JSON.stringify(r.env) : 'no key', r] as const)))(
    'examples/%s.ts (%s)',
    (name, _label, { env, output }) => {
      it('exits 0 and prints what it demonstrates', async () => {
        const { stdout, stderr } = await runExample(name, env)
        for (const pattern of output) expect(stdout, `stdout of examples/${name}.ts`).toMatch(pattern)
        expect(stderr).toBe('')
      }, 60_000)
    },
  )
})
