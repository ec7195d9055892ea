// Runs in the main vitest process: gives every test file a directory to write its figures to, and prints them
// all as one table once the run is over (after the per-file summary lines the files log themselves).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    reliabilityFiguresDir: string
  }
}

/** One line a test file recorded: a category, a figure's name, its value and an optional unit. */
export interface FigureLine {
  category: string
  name: string
  value: number | string
  unit?: string
}

const ORDER = ['hostile', 'faults', 'load', 'properties', 'secrets', 'health']

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-figures-'))
  project.provide('reliabilityFiguresDir', dir)
  return () => {
    const lines: FigureLine[] = []
    for (const file of readdirSync(dir).sort()) {
      for (const row of readFileSync(join(dir, file), 'utf8').split('\n')) {
        if (row.trim() !== '') lines.push(JSON.parse(row) as FigureLine)
      }
    }
    rmSync(dir, { recursive: true, force: true })
    if (lines.length === 0) return
    lines.sort((a, b) => rank(a.category) - rank(b.category))
    const width = Math.max(...lines.map((l) => `${l.category} / ${l.name}`.length), 20)
    const out = ['', '═'.repeat(width + 24), ' Reliability figures (issue #4)', '─'.repeat(width + 24)]
    for (const l of lines) {
      const label = `${l.category} / ${l.name}`.padEnd(width)
      const value = typeof l.value === 'number' ? formatNumber(l.value) : l.value
      out.push(` ${label}  ${value}${l.unit ? ` ${l.unit}` : ''}`)
    }
    out.push('═'.repeat(width + 24), '')
    process.stdout.write(`${out.join('\n')}\n`)
  }
}

function rank(category: string): number {
  const i = ORDER.indexOf(category)
  return i === -1 ? ORDER.length : i
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US')
  return n.toFixed(Math.abs(n) >= 100 ? 0 : 2)
}
