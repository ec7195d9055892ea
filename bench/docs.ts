/**
 * Section 7: the docs site's weight. Builds it (`npm run docs`, into a fresh folder) and adds up every file a
 * publisher would upload, by part: the provider pages, Redoc's script, the hand-rendered pages, the API reference.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildDocs } from '../scripts/docs.ts'
import { kb, log, type SectionResult } from './lib.ts'

export const TARGET_SITE_BYTES = 5 * 1024 * 1024

/** Every file under `dir`, with its size. */
function files(dir: string): { file: string; bytes: number }[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const full = path.join(e.parentPath, e.name)
      return { file: path.relative(dir, full), bytes: fs.statSync(full).size }
    })
}

/** Which part of the site a file is. */
function partOf(file: string): string {
  if (file.startsWith('api/')) return 'API reference (TypeDoc), api/'
  if (file.startsWith('assets/')) return `Redoc's script, ${file}`
  if (/^[a-z0-9-]+\.html$/.test(file) && !['index.html', 'quirks.html', 'fields.html'].includes(file)) return 'provider pages (Redoc), <provider>.html'
  return `${file}`
}

export async function runDocs(): Promise<SectionResult> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-docs-'))
  try {
    log('docs: building the site')
    const started = performance.now()
    await buildDocs(out)
    const seconds = (performance.now() - started) / 1000
    const all = files(out)
    const total = all.reduce((s, f) => s + f.bytes, 0)
    const parts = new Map<string, { bytes: number; files: number }>()
    for (const f of all) {
      const p = parts.get(partOf(f.file)) ?? { bytes: 0, files: 0 }
      p.bytes += f.bytes
      p.files++
      parts.set(partOf(f.file), p)
    }
    const rows = [...parts.entries()].sort((a, b) => b[1].bytes - a[1].bytes).map(([part, p]) => [part, String(p.files), kb(p.bytes)])
    rows.push(['whole site', String(all.length), kb(total)])
    return {
      name: 'docs',
      title: '7. Docs site (npm run docs)',
      tables: [{ headers: ['part', 'files', 'size'], rows }],
      targets: [
        {
          label: '7. the whole docs site ≤ 5 MB',
          met: total <= TARGET_SITE_BYTES,
          detail: `${(total / 1024 / 1024).toFixed(2)} MB in ${all.length} files (built in ${seconds.toFixed(1)} s)`,
        },
      ],
      notes: ['Raw bytes on disk, as a static host serves them (before any compression the host adds).'],
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true })
  }
}
