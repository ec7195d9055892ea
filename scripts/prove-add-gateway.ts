/**
 * The proof that a reseller of a relay with no quirk of its own is its overlay and its redocly.yaml entry alone:
 * a copy of the project (as git sees it, with this checkout's node_modules) gets a new new-api reseller, `acmerelay`,
 * by those two edits and nothing else, then runs what CI runs on it: npm run generate, npm run lint:spec,
 * npm run typecheck and npm test (every test matrix reads the registry, so the new provider is in all of them).
 * Exits non-zero, with the failing command's output, when any of them fails. CI runs it (.ci/run).
 *
 *   tsx scripts/prove-add-gateway.ts            # the whole test suite in the copy
 *   tsx scripts/prove-add-gateway.ts test/client test/requests   # only these test paths (a quicker local check)
 *   tsx scripts/prove-add-gateway.ts --keep     # keep the copy, and print where it is
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
const NAME = 'acmerelay'

/** The reseller's whole description: its host, its key's variable, its models, its relay. Nothing in code. */
const OVERLAY = `overlay: 1.0.0
info:
  title: ${NAME}
  version: 1.0.0
x-gateway:
  name: ${NAME}
  relay: newapi
actions:
  - target: $.info
    description: Names the gateway (a reseller made up for scripts/prove-add-gateway.ts), so that its docs and bundle say whose dialect they describe.
    update:
      title: Gemini generateContent API via ${NAME}
      x-api-key-env: ACMERELAY_API_KEY
      summary: "${NAME}'s resale of Gemini: new-api behind a Bearer token, at its own host."
      description: |
        ${NAME} resells Google's Gemini API through new-api: Google's camelCase dialect behind a Bearer token, with an
        OpenAI-style model list and error bodies. It exists to prove that a reseller is its overlay alone.
  - target: $.servers
    description: It serves the API from its own host.
    remove: true
  - target: $
    description: The replacement server list (an update on an array would append instead of replace).
    update:
      servers:
        - url: https://api.acmerelay.io
          description: ${NAME}
  - target: $.components.securitySchemes.googApiKey
    description: It documents the Bearer token alone.
    remove: true
  - target: $.components.securitySchemes
    description: The key is ${NAME}'s.
    update:
      bearerAuth:
        description: An ${NAME} API key as a Bearer token.
  - target: $.security
    description: Every operation uses the Bearer scheme.
    remove: true
  - target: $
    description: The replacement security requirement.
    update:
      security:
        - bearerAuth: []
  - target: $.components.parameters.Model
    description: The models it lists; any other id is still accepted.
    update:
      x-documented-models: [gemini-2.5-flash, gemini-2.5-pro]
`

/** Its entry in redocly.yaml: the canonical spec, new-api's overlay, then its own. */
const API = `  ${NAME}:
    root: spec/openapi.yaml
    overlays: [spec/overlays/newapi.yaml, spec/overlays/${NAME}.yaml]
    output: generated/${NAME}/openapi.json
    decorators:
      remove-unused-components: on
`

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (c: Buffer) => (output += c))
    child.stderr.on('data', (c: Buffer) => (output += c))
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
  })
}

async function step(label: string, cmd: string, args: string[], cwd: string): Promise<void> {
  const started = performance.now()
  process.stdout.write(`${label} … `)
  const { code, output } = await run(cmd, args, cwd)
  const seconds = ((performance.now() - started) / 1000).toFixed(0)
  if (code !== 0) {
    console.log(`failed (exit ${code}, ${seconds} s)\n${output.split('\n').slice(-80).join('\n')}`)
    throw new Error(`${label} failed in the copy with ${NAME} added`)
  }
  console.log(`ok (${seconds} s)`)
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const keep = args.includes('--keep')
  const testPaths = args.filter((a) => !a.startsWith('--'))
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gemini-gateways-add-gateway-'))
  const copy = path.join(tmp, 'project')
  try {
    // The material beside the project (../shared: fixtures the tests compare with) stays beside the copy.
    const shared = path.resolve(ROOT, '../shared')
    if (existsSync(shared)) symlinkSync(shared, path.join(tmp, 'shared'), 'dir')
    // The project as git sees it (tracked and untracked, minus ignored), with this checkout's dependencies.
    const listed = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], ROOT)
    if (listed.code !== 0) throw new Error(`git ls-files failed: ${listed.output}`)
    for (const file of listed.output.split('\0').filter(Boolean)) {
      if (!existsSync(path.join(ROOT, file))) continue
      mkdirSync(path.dirname(path.join(copy, file)), { recursive: true })
      cpSync(path.join(ROOT, file), path.join(copy, file))
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir')
    // git ls-files in the copy (the package tests stage the tarball from it) needs a repository.
    await step('git init (the copy)', 'sh', ['-c', 'git init -q && git add -A && git -c user.name=prove -c user.email=prove@localhost commit -qm copy'], copy)

    // The two edits a new reseller needs: its overlay, and its line in redocly.yaml.
    writeFileSync(path.join(copy, 'spec/overlays', `${NAME}.yaml`), OVERLAY)
    writeFileSync(path.join(copy, 'redocly.yaml'), `${readFileSync(path.join(copy, 'redocly.yaml'), 'utf8').trimEnd()}\n${API}`)
    console.log(`added ${NAME} in ${copy}: spec/overlays/${NAME}.yaml and its redocly.yaml entry, nothing else`)

    await step('npm run generate', 'npm', ['run', 'generate'], copy)
    for (const made of [`generated/${NAME}/client.ts`, `generated/${NAME}/local-gateway.ts`]) {
      if (!existsSync(path.join(copy, made))) throw new Error(`npm run generate did not write ${made}`)
    }
    const registry = readFileSync(path.join(copy, 'generated/registry.ts'), 'utf8')
    if (!registry.includes(`"${NAME}"`)) throw new Error(`generated/registry.ts does not list ${NAME}`)
    await step('npm run generate:check', 'npm', ['run', 'generate:check'], copy)
    await step('npm run lint:spec', 'npm', ['run', 'lint:spec'], copy)
    await step('npm run typecheck', 'npm', ['run', 'typecheck'], copy)
    await step(testPaths.length ? `vitest run ${testPaths.join(' ')}` : 'npm test', 'npx', ['vitest', 'run', ...testPaths], copy)
    console.log(`${NAME}, added by its overlay and its redocly.yaml entry alone, passes generate, lint, typecheck and the tests`)
  } finally {
    if (keep) console.log(`kept ${copy}`)
    else rmSync(tmp, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
