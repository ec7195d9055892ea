/**
 * "Already using the official SDK or the AI SDK?": the README shows the snippets of scripts/docs/sdk-snippets.ts
 * (apimart's), each provider's docs page its own (test/docs/build.test.ts), and every one of them runs as written
 * against that provider's local gateway. Only two things change: `gemini-gateways/fetch` is pointed at its source,
 * and the fetch's options get the gateway's `baseUrl` (the snippets name no host: the provider's documented one).
 */
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { providers, registry } from '../../generated/registry.ts'
import { ROOT } from '../../scripts/docs.ts'
import { aiSdkSnippet, genaiSnippet, README_SNIPPET_PROVIDER, SDK_SECTION_TITLE } from '../../scripts/docs/sdk-snippets.ts'
import { LOCAL_GATEWAY_API_KEY, withLocalGateway } from '../../src/local-gateway/index.ts'
import { target, wireOf } from '../fetch/support.ts'

const run = promisify(execFile)
const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
/** What the local gateway answers by default, in every dialect. */
const ANSWER = "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**."

/** The README's section: from its heading to the next `## `. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`)
  if (start === -1) throw new Error(`README.md has no "## ${heading}"`)
  const end = markdown.indexOf('\n## ', start + 1)
  return markdown.slice(start, end === -1 ? undefined : end)
}

/** Runs one snippet under the Node that runs the tests, with the provider's key variable set, and returns its output. */
async function runSnippet(name: string, code: string, provider: string, baseUrl: string): Promise<string> {
  const call = `createGatewayFetch({ provider: '${provider}' })`
  expect(code.split(call)).toHaveLength(2)
  const runnable = code
    .replace("from 'gemini-gateways/fetch'", `from ${JSON.stringify(join(ROOT, 'src/gateway-fetch/index.ts'))}`)
    .replace(call, `createGatewayFetch({ provider: '${provider}', baseUrl: ${JSON.stringify(baseUrl)} })`)
  // Inside node_modules/ so that the SDKs resolve from this repo; .mts for top-level await.
  const dir = join(ROOT, 'node_modules/.cache/gemini-gateways-sdk-snippets')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${provider}-${name}.mts`)
  writeFileSync(file, runnable)
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/API_KEY$/i.test(k) && k !== 'NODE_OPTIONS'))
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    env: { ...env, NO_COLOR: '1', [registry[provider as keyof typeof registry].envKey]: LOCAL_GATEWAY_API_KEY },
    timeout: 60_000,
  })
  expect(stderr).toBe('')
  return stdout
}

describe(`README: ${SDK_SECTION_TITLE}`, () => {
  it(`shows both snippets, written for ${README_SNIPPET_PROVIDER}`, () => {
    const text = section(README, SDK_SECTION_TITLE)
    expect(text).toContain(`\`\`\`ts\n${genaiSnippet(README_SNIPPET_PROVIDER)}\`\`\``)
    expect(text).toContain(`\`\`\`ts\n${aiSdkSnippet(README_SNIPPET_PROVIDER)}\`\`\``)
  })
})

describe.each(providers)('the %s snippets run as written', (provider) => {
  it('@google/genai and the AI SDK print the gateway’s answer', async () => {
    await withLocalGateway({ provider, apiKey: LOCAL_GATEWAY_API_KEY }, async (gw) => {
      const wire = await wireOf(gw, 'generateContent', LOCAL_GATEWAY_API_KEY)
      expect((await runSnippet('genai', genaiSnippet(provider), provider, gw.url)).trim()).toBe(ANSWER)
      expect((await runSnippet('ai-sdk', aiSdkSnippet(provider), provider, gw.url)).trim()).toBe(ANSWER)
      // Sent where this package's client sends it, in the provider's wire.
      expect(gw.requests.map(target)).toEqual([wire, wire])
    })
  }, 120_000)
})
