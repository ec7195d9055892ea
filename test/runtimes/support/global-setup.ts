// Runs in the main vitest process: gives the test files a directory to write their verdicts to, and prints them
// as one table runtime × dialect × (unary, stream, error) once the run is over.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { providers } from '../../../src/index.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    runtimeVerdictsDir: string
  }
}

export const OPERATIONS = ['unary', 'stream', 'error'] as const
export type Operation = (typeof OPERATIONS)[number]

/** One runtime's row: its label (name and version), how long its run took, and each cell's verdict. */
export interface RuntimeRow {
  label: string
  ms: number
  cells: Record<string, Partial<Record<Operation, boolean>>>
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'runtime-verdicts-'))
  project.provide('runtimeVerdictsDir', dir)
  return () => {
    const rows = readdirSync(dir)
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as RuntimeRow)
    rmSync(dir, { recursive: true, force: true })
    if (rows.length > 0) process.stdout.write(`${table(rows)}\n`)
  }
}

/** ✓ passed, ✗ failed, · not run; three marks a dialect, in the order unary, stream, error. */
function table(rows: RuntimeRow[]): string {
  const labelWidth = Math.max(...rows.map((r) => r.label.length), 'runtime'.length)
  const colWidth = Math.max(...providers.map((p) => p.length), 5)
  const mark = (v: boolean | undefined) => (v === undefined ? '·' : v ? '✓' : '✗')
  const header = ['runtime'.padEnd(labelWidth), ...providers.map((p) => p.padEnd(colWidth)), 'time'].join('  ')
  const lines = rows.map((r) =>
    [
      r.label.padEnd(labelWidth),
      ...providers.map((p) =>
        OPERATIONS.map((op) => mark(r.cells[p]?.[op]))
          .join(' ')
          .padEnd(colWidth),
      ),
      `${(r.ms / 1000).toFixed(1)} s`,
    ].join('  '),
  )
  const rule = (c: string) => c.repeat(header.length)
  return [
    '',
    rule('═'),
    ' Runtimes (issue #11): per dialect unary, stream, error (✓ passed, ✗ failed, · not run)',
    rule('─'),
    ` ${header}`,
    ...lines.map((l) => ` ${l}`),
    rule('═'),
    '',
  ].join('\n')
}
