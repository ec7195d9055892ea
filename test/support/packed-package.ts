/**
 * The package as a consumer gets it: `npm pack` (prepack builds dist/) and the tarball installed into a fresh
 * project. Shared by the consumer test (test/package) and the runtime suite (test/runtimes).
 *
 * The pack runs in a copy of the working tree (tracked and untracked files, as git sees them), so that the
 * prepack build never deletes the dist/ another command may be reading.
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a command without a shell; npm's own variables from an outer `npm test` are not passed on. */
export function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000, extraEnv: Record<string, string> = {}): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)))
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c))
    child.stderr.on('data', (c: Buffer) => (stderr += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** Throws with the command's output when it failed. */
export async function ok(cmd: string, args: string[], cwd: string, timeoutMs?: number, extraEnv?: Record<string, string>): Promise<Run> {
  const r = await run(cmd, args, cwd, timeoutMs, extraEnv)
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`)
  return r
}

/** What `npm pack --json` reports of the tarball. */
export interface PackedInfo {
  filename: string
  files: { path: string; size: number }[]
  size: number
  unpackedSize: number
}

/** Packs the working tree into `tmp`; returns the tarball's path and npm's report. */
export async function packPackage(tmp: string): Promise<{ tarball: string; packed: PackedInfo }> {
  // A copy of the working tree as git sees it (tracked + untracked, minus ignored), with this repo's node_modules.
  const stage = path.join(tmp, 'stage')
  const listed = await ok('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], ROOT)
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(path.join(ROOT, file))) continue // deleted in the working tree
    mkdirSync(path.dirname(path.join(stage, file)), { recursive: true })
    cpSync(path.join(ROOT, file), path.join(stage, file))
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir')

  const pack = await ok('npm', ['pack', '--json', '--pack-destination', tmp], stage, 180_000)
  const json = pack.stdout.slice(pack.stdout.search(/^\[/m))
  const [packed] = JSON.parse(json) as [PackedInfo]
  return { tarball: path.join(tmp, packed.filename), packed }
}

/**
 * Installs the tarball into a fresh ESM project `tmp/app` (its dependencies from npm's cache, else the
 * registry; no install scripts); returns the project's directory.
 */
export async function installConsumer(tmp: string, tarball: string): Promise<string> {
  const app = path.join(tmp, 'app')
  mkdirSync(app)
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2))
  await ok('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], app, 180_000)
  return app
}
