/**
 * Every runtime users deploy to (issue #11): the packed package, installed into a fresh project, runs under
 * Node 20 (this process's Node, the baseline), Node 22, Node 24, Bun, Deno and workerd (bundled by esbuild as a
 * Worker module). Each runtime makes, in every dialect of the registry, one unary call, one stream and one call with a wrong
 * key against the local gateway, here on loopback in this process; every cell must match what this repo's
 * sources answer on this Node. The local gateway (`gemini-gateways/local-gateway`, node:http) is also started from the
 * installed package under every Node, Bun and Deno, and called from there.
 *
 * The binaries are npm packages (no download at install, no system install): bun, deno and workerd are
 * devDependencies; Node 22 and 24 are not (see test/runtimes/engines/package.json for why): that manifest is
 * installed on first use into node_modules/.cache/runtime-engines, from npm's cache or the registry.
 */
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { providers } from '../../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, type LocalGateway, startLocalGateway } from '../../src/local-gateway/index.ts'
import { installConsumer, ok, packPackage, ROOT } from '../support/packed-package.ts'
import { OPERATIONS, type Operation, type RuntimeRow } from './support/global-setup.ts'
// The probe itself, run here on this repo's sources (vitest.runtimes.config.ts maps `gemini-gateways` to src/).
import { probe, type ProbeResult } from './probe/probe.js'
import { wrongKeyStatus, type Provider } from '../support/registry.ts'

const PROBE_DIR = path.join(ROOT, 'test/runtimes/probe')
/** Node 22 and 24: their manifest (test/runtimes/engines), installed under node_modules/.cache so a fresh `npm ci` starts clean. */
const ENGINES_MANIFEST = path.join(ROOT, 'test/runtimes/engines')
const ENGINES = path.join(ROOT, 'node_modules/.cache/runtime-engines')
const BIN = {
  node22: path.join(ENGINES, 'node_modules/node22/bin/node'),
  node24: path.join(ENGINES, 'node_modules/node24/bin/node'),
  bun: path.join(ROOT, 'node_modules/@oven/bun-linux-x64/bin/bun'),
  deno: path.join(ROOT, 'node_modules/@deno/linux-x64-glibc/deno'),
  workerd: path.join(ROOT, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd'),
}

type Gateways = Record<string, string>
type Cell = Record<string, unknown>
/** A run's outcome: the probe's JSON, or why there is none (exit code, output). */
type Outcome = { result: ProbeResult; ms: number } | { crashed: string; ms: number }

interface Runtime {
  id: string
  /** Which runtime the probe must find itself in. */
  expected: { name: string; version: RegExp }
  /** Runs the probe against these gateways (null: the runtime starts its own, from the installed mock). */
  start(app: string, gateways: Gateways | null): Promise<string>
}

/** `<bin> [flags] cli.js <args>`: Node, Bun and Deno run the probe's command-line entry as it is. */
function cliRuntime(
  id: string,
  bin: () => string,
  expected: Runtime['expected'],
  flags: (app: string) => string[] = () => [],
  env: (app: string) => Record<string, string> = () => ({}),
): Runtime {
  return {
    id,
    expected,
    async start(app, gateways) {
      const args = gateways === null ? ['--own-gateway', ...providers] : [JSON.stringify(gateways), LOCAL_GATEWAY_API_KEY]
      return (await ok(bin(), [...flags(app), 'cli.js', ...args], app, 60_000, env(app))).stdout
    },
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const RUNTIMES: Runtime[] = [
  cliRuntime('node', () => process.execPath, { name: 'node', version: new RegExp(`^${escapeRegExp(process.versions.node)}$`) }),
  cliRuntime('node22', () => BIN.node22, { name: 'node', version: /^22\./ }),
  cliRuntime('node24', () => BIN.node24, { name: 'node', version: /^24\./ }),
  cliRuntime('bun', () => BIN.bun, { name: 'bun', version: /^1\./ }),
  // Deno reads the project's node_modules (package.json present); nothing remote, only loopback and the project.
  cliRuntime(
    'deno',
    () => BIN.deno,
    { name: 'deno', version: /^2\./ },
    (app) => ['run', '--cached-only', '--allow-net=127.0.0.1', `--allow-read=${app}`],
    (app) => ({ DENO_DIR: path.join(app, '.deno'), DENO_NO_UPDATE_CHECK: '1' }),
  ),
  { id: 'workerd', expected: { name: 'workerd', version: /^$/ }, start: (app, gateways) => runWorkerd(app, gateways!) },
]
/** Runtimes that also run the local gateway itself: all but workerd (node:http has no place in a Worker). */
const OWN_GATEWAY = ['node', 'node22', 'node24', 'bun', 'deno']

/** workerd's config: the bundled probe behind a unix socket; its fetch may reach loopback (the default outbound is public only). */
const workerdConfig = (socket: string) => `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "probe", worker = .probe),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "unix:${socket}", http = (), service = "probe")],
);

const probe :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "worker.bundle.js")],
  compatibilityDate = "2026-11-01",
  globalOutbound = "loopback",
);
`

/** Serves the bundled Worker with workerd, POSTs the gateways to it, returns its answer; always stops workerd. */
async function runWorkerd(app: string, gateways: Gateways): Promise<string> {
  const socket = path.join(app, 'workerd.sock')
  writeFileSync(path.join(app, 'workerd.capnp'), workerdConfig(socket))
  const child = spawn(BIN.workerd, ['serve', 'workerd.capnp'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c))
  child.stderr.on('data', (c: Buffer) => (output += c))
  const exited = new Promise<never>((_, reject) => child.on('exit', (code, signal) => reject(new Error(`workerd exited (${code ?? signal})\n${output}`))))
  exited.catch(() => {})
  try {
    await Promise.race([untilListening(socket, 20_000), exited])
    const body = JSON.stringify({ gateways, apiKey: LOCAL_GATEWAY_API_KEY })
    const answer = await Promise.race([post(socket, body), exited])
    if (answer.status !== 200) throw new Error(`workerd answered ${answer.status}: ${answer.body}\n${output}`)
    return answer.body
  } finally {
    child.kill()
  }
}

/** Resolves once something accepts connections on the unix socket. */
async function untilListening(socket: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const c = connect(socket, () => {
        c.end()
        resolve(true)
      })
      c.on('error', () => resolve(false))
    })
    if (up) return
    if (Date.now() > deadline) throw new Error(`nothing listens on ${socket} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function post(socket: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: socket, path: '/', method: 'POST', headers: { host: 'probe', 'content-type': 'application/json' }, timeout: 60_000 },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      },
    )
    req.on('timeout', () => req.destroy(new Error('workerd did not answer in 60 s')))
    req.on('error', reject)
    req.end(body)
  })
}

/** Installs Node 22 and 24 from their lockfile (npm's cache first, else the registry; no install scripts). */
async function installEngines(): Promise<void> {
  mkdirSync(ENGINES, { recursive: true })
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(path.join(ENGINES_MANIFEST, f), path.join(ENGINES, f))
  await ok('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], ENGINES, 300_000)
}

/** The consumer project: the packed package installed, the probe next to it, and the probe bundled as a Worker. */
async function prepareApp(tmp: string): Promise<string> {
  const { tarball } = await packPackage(tmp)
  const app = await installConsumer(tmp, tarball)
  for (const f of readdirSync(PROBE_DIR)) copyFileSync(path.join(PROBE_DIR, f), path.join(app, f))
  // workerd takes one module: the Worker bundled as a Worker would be deployed (workerd/worker/browser conditions).
  const { metafile } = await build({
    entryPoints: [path.join(app, 'worker.js')],
    outfile: path.join(app, 'worker.bundle.js'),
    absWorkingDir: app,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    metafile: true,
    logLevel: 'silent',
  })
  writeFileSync(path.join(app, 'worker.meta.json'), JSON.stringify(metafile))
  return app
}

/** Starts one local gateway per dialect, in this process. */
async function startGateways(): Promise<LocalGateway[]> {
  return Promise.all(providers.map((provider) => startLocalGateway({ provider })))
}
const urls = (gws: LocalGateway[]): Gateways => Object.fromEntries(gws.map((gw) => [gw.provider, gw.url]))

async function timed(fn: () => Promise<string>): Promise<Outcome> {
  const t0 = performance.now()
  try {
    const stdout = await fn()
    const ms = performance.now() - t0
    const last = stdout.trim().split('\n').at(-1) ?? ''
    try {
      return { result: JSON.parse(last) as ProbeResult, ms }
    } catch {
      return { crashed: `no JSON on the last line of its output:\n${stdout}`, ms }
    }
  } catch (e) {
    return { crashed: e instanceof Error ? e.message : String(e), ms: performance.now() - t0 }
  }
}

/** The cell as this repo's sources answer it on this Node, for each dialect. */
let reference: ProbeResult['dialects']
/** Per run (runtime id, or `<id>+gateway` for a runtime running its own gateway): its outcome and the gateways it called. */
const outcomes = new Map<string, { outcome: Outcome; gateways: LocalGateway[] }>()
const verdicts = new Map<string, RuntimeRow>()
let app: string
let tmp: string
let workerdVersion = ''

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'gg-runtimes-'))
  ;[app] = await Promise.all([prepareApp(tmp), existsSync(BIN.node22) && existsSync(BIN.node24) ? undefined : installEngines()])
  workerdVersion = (await ok(BIN.workerd, ['--version'], tmp)).stdout.trim().replace(/^workerd\s*/, '')

  const own = await startGateways()
  try {
    reference = (await probe(urls(own), LOCAL_GATEWAY_API_KEY)).dialects
  } finally {
    await Promise.all(own.map((gw) => gw.close()))
  }

  // Three runs at a time on the two cores: about as fast as all at once, and each run's time stays its own.
  const runs: Array<() => Promise<void>> = [
    ...RUNTIMES.map((rt) => async () => {
      const gateways = await startGateways()
      outcomes.set(rt.id, { outcome: await timed(() => rt.start(app, urls(gateways))), gateways })
    }),
    ...RUNTIMES.filter((rt) => OWN_GATEWAY.includes(rt.id)).map((rt) => async () => {
      outcomes.set(`${rt.id}+gateway`, { outcome: await timed(() => rt.start(app, null)), gateways: [] })
    }),
  ]
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      for (let next = runs.shift(); next; next = runs.shift()) await next()
    }),
  )
}, 600_000)

afterAll(async () => {
  await Promise.all([...outcomes.values()].flatMap(({ gateways }) => gateways.map((gw) => gw.close())))
  const dir = inject('runtimeVerdictsDir')
  ;[...verdicts.entries()].forEach(([, row], i) => {
    writeFileSync(path.join(dir, `${String(i).padStart(2, '0')}.json`), JSON.stringify(row))
  })
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

/** The run's result; a crashed run fails here with its output. */
function resultOf(id: string): ProbeResult {
  const entry = outcomes.get(id)
  if (entry === undefined) throw new Error(`${id} did not run`)
  if ('crashed' in entry.outcome) throw new Error(`${id} did not produce a result:\n${entry.outcome.crashed}`)
  return entry.outcome.result
}

/** Records the cell's verdict for the final table, then rethrows a failure. */
function verdict(id: string, label: () => string, provider: string, op: Operation, check: () => void): void {
  const row = verdicts.get(id) ?? { label: id, ms: 0, cells: {} }
  verdicts.set(id, row)
  const entry = outcomes.get(id)
  if (entry) row.ms = entry.outcome.ms
  try {
    row.label = label()
  } catch {
    // label stays the id: the run crashed, and the check below says why
  }
  const cells = row.cells[provider] ?? {}
  row.cells[provider] = cells
  try {
    check()
    cells[op] = true
  } catch (e) {
    cells[op] = false
    throw e
  }
}

/** What every runtime must answer, cell by cell: this repo's sources' answer, which must itself be a real one. */
function expectCell(provider: string, op: Operation, cell: Cell | undefined): void {
  const ref = reference[provider]![op]
  expect(cell, `${provider} ${op}`).toEqual(ref)
  if (op === 'unary') expect(ref).toEqual({ text: expect.stringMatching(/\S/) })
  if (op === 'stream') expect(ref).toEqual({ text: expect.stringMatching(/\S/), chunks: expect.any(Number) })
  if (op === 'stream') expect(ref.chunks as number).toBeGreaterThan(1)
  // A wrong key is an AuthenticationError everywhere: Google answers it with 400 INVALID_ARGUMENT (reason
  // API_KEY_INVALID; the status is kept, the class is not BadRequestError's), every gateway with 401.
  if (op === 'error') {
    expect(ref).toEqual({
      name: 'AuthenticationError',
      status: wrongKeyStatus(provider as Provider),
      authenticationError: true,
      badRequestError: false,
      apiStatusError: true,
      gatewayError: true,
      leaksKey: false,
    })
  }
}

const CASES = providers.flatMap((provider) => OPERATIONS.map((op) => [provider, op] as const))

/** The row's label: the runtime's name and version as the probe found them (a Worker cannot see workerd's: its binary says it). */
function labelOf(id: string, suffix = ''): string {
  const { name, version } = resultOf(id).runtime
  return `${name} ${name === 'workerd' ? workerdVersion : version}${suffix}`
}

describe.each(RUNTIMES)('$id', (rt) => {
  const label = () => labelOf(rt.id)

  it('runs the installed package, in that very runtime', () => {
    const { runtime } = resultOf(rt.id)
    expect(runtime.name).toBe(rt.expected.name)
    expect(runtime.version).toMatch(rt.expected.version)
  })

  it.each(CASES)('%s: %s', (provider, op) => {
    verdict(rt.id, label, provider, op, () => expectCell(provider, op, resultOf(rt.id).dialects[provider]?.[op]))
  })

  it('each gateway got exactly its three calls (no retry, nothing else)', () => {
    resultOf(rt.id)
    for (const gw of outcomes.get(rt.id)!.gateways) expect(gw.requests.length, gw.provider).toBe(3)
  })
})

describe.each(RUNTIMES.filter((rt) => OWN_GATEWAY.includes(rt.id)))('the local gateway (gemini-gateways/local-gateway) under $id', (rt) => {
  const id = `${rt.id}+gateway`
  const label = () => labelOf(id, ', own gateway')

  it('runs in that very runtime', () => {
    expect(resultOf(id).runtime.name).toBe(rt.expected.name)
  })

  it.each(CASES)('%s: %s', (provider, op) => {
    verdict(id, label, provider, op, () => expectCell(provider, op, resultOf(id).dialects[provider]?.[op]))
  })

  it('each gateway recorded the three calls it answered', () => {
    const recorded = resultOf(id).gatewayRequests!
    expect(Object.keys(recorded).sort()).toEqual([...providers].sort())
    for (const provider of providers) {
      expect(recorded[provider], provider).toEqual([
        expect.stringMatching(/^POST \S*:generateContent$/),
        expect.stringMatching(/^POST \S*:streamGenerateContent$/),
        expect.stringMatching(/^POST \S*:generateContent$/),
      ])
    }
  })
})

describe('the Worker bundle', () => {
  it('holds the installed package (not this repo) and no Node builtin', () => {
    const meta = JSON.parse(readFileSync(path.join(app, 'worker.meta.json'), 'utf8')) as { inputs: Record<string, { imports: { path: string }[] }> }
    const inputs = Object.keys(meta.inputs)
    expect(inputs).toContain('node_modules/gemini-gateways/dist/src/index.js')
    expect(inputs.filter((f) => !f.startsWith('node_modules/') && !['worker.js', 'probe.js'].includes(f))).toEqual([])
    expect(
      Object.values(meta.inputs)
        .flatMap((i) => i.imports.map((imp) => imp.path))
        .filter((p) => p.startsWith('node:')),
    ).toEqual([])
  })
})
