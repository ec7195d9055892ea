/**
 * `npm run spec:diff -- [--base <git-rev>] [--json] [--fail-on-breaking]` compares every
 * `generated/<provider>/openapi.json` in the working tree with the same file at `<git-rev>` (default HEAD).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SpecChange } from './changes.ts'
import { diffSpecs, type OpenAPIDoc } from './diff.ts'
import { byCode } from './json.ts'
import { PACKAGE_ROOT, PROVIDERS } from './providers.ts'
import { formatReport, verdict } from './report.ts'

/** Where the CLI reads from and writes to; tests point `cwd` at a scratch repository. */
export interface CliIO {
  /** Package root holding `generated/`; defaults to this package's root. */
  cwd?: string
  out?: (text: string) => void
  err?: (text: string) => void
}

const USAGE = 'usage: npm run spec:diff -- [--base <git-rev>] [--json] [--fail-on-breaking]'

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] })
}

/** The file `rel` at `rev`, or undefined when it does not exist there. */
function readAtRev(cwd: string, rev: string, rel: string): string | undefined {
  try {
    git(cwd, ['cat-file', '-e', `${rev}:./${rel}`])
  } catch {
    return undefined
  }
  return git(cwd, ['show', `${rev}:./${rel}`])
}

/** Known providers in registry order, then any other folder of generated/ (working tree or `rev`) by name. */
function providersToCompare(cwd: string, rev: string): string[] {
  const genDir = join(cwd, 'generated')
  const local = existsSync(genDir)
    ? readdirSync(genDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
    : []
  let atRev: string[] = []
  try {
    atRev = git(cwd, ['ls-tree', '--name-only', '-d', `${rev}:./generated`])
      .split('\n')
      .filter(Boolean)
  } catch {
    // no generated/ at that revision
  }
  const extra = [...new Set([...local, ...atRev])].filter((p) => !PROVIDERS.includes(p)).sort(byCode)
  return [...PROVIDERS, ...extra]
}

interface Options {
  base: string
  json: boolean
  failOnBreaking: boolean
}

/** The options, or the line to print and the exit code for `--help` and bad arguments. */
function parseArgs(argv: readonly string[]): Options | { help: string } | { error: string } {
  const opts: Options = { base: 'HEAD', json: false, failOnBreaking: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--json') opts.json = true
    else if (arg === '--fail-on-breaking') opts.failOnBreaking = true
    else if (arg === '--base' && argv[i + 1] !== undefined) opts.base = argv[++i]!
    else if (arg.startsWith('--base=')) opts.base = arg.slice('--base='.length)
    else if (arg === '--help' || arg === '-h') return { help: USAGE }
    else return { error: `spec-diff: unexpected argument ${arg}\n${USAGE}` }
  }
  return opts
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export function runCli(argv: readonly string[], io: CliIO = {}): number {
  const out = io.out ?? ((t: string) => void process.stdout.write(`${t}\n`))
  const err = io.err ?? ((t: string) => void process.stderr.write(`${t}\n`))
  const cwd = io.cwd ?? PACKAGE_ROOT
  const opts = parseArgs(argv)
  if ('help' in opts) {
    out(opts.help)
    return 0
  }
  if ('error' in opts) {
    err(opts.error)
    return 2
  }
  const { base } = opts
  try {
    git(cwd, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`])
  } catch {
    err(`spec-diff: ${base} is not a commit in the repository at ${cwd}`)
    return 2
  }
  const changes: SpecChange[] = []
  for (const provider of providersToCompare(cwd, base)) {
    const rel = `generated/${provider}/openapi.json`
    const file = join(cwd, rel)
    const beforeText = readAtRev(cwd, base, rel)
    const afterText = existsSync(file) ? readFileSync(file, 'utf8') : undefined
    if (beforeText === undefined && afterText === undefined) continue
    if (beforeText === undefined) {
      changes.push({ provider, severity: 'non-breaking', pointer: '', message: `provider added: ${provider} (${rel} is not in ${base})` })
      continue
    }
    if (afterText === undefined) {
      changes.push({ provider, severity: 'breaking', pointer: '', message: `provider removed: ${provider} (${rel} is gone from the working tree)` })
      continue
    }
    let before: OpenAPIDoc
    let after: OpenAPIDoc
    try {
      before = JSON.parse(beforeText) as OpenAPIDoc
      after = JSON.parse(afterText) as OpenAPIDoc
    } catch (e) {
      err(`spec-diff: ${rel} is not valid JSON (${(e as Error).message})`)
      return 2
    }
    for (const c of diffSpecs(before, after)) changes.push({ provider, ...c })
  }
  out(opts.json ? JSON.stringify({ base, verdict: verdict(changes), changes }, null, 2) : formatReport(changes))
  return opts.failOnBreaking && changes.some((c) => c.severity === 'breaking') ? 1 : 0
}
