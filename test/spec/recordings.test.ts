/**
 * Every recorded Gemini API response under /work/shared/fixtures/real/ must pass Google's tolerant response
 * validator for what it is: an error body, a model list, a token count, or (every event of) a generation.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { issuesOf } from '../../src/core/validate.ts'
import { REAL, formatOf, parseRecording, schemaFor, sets, walk } from './helpers.ts'

const files = walk(REAL).filter((f) => f !== 'SOURCES.md')
const sources = readFileSync(new URL('SOURCES.md', REAL), 'utf8')

/** `## dir/ (N files)` headings of SOURCES.md: how many files each folder should hold. */
const declaredPerDir = Object.fromEntries([...sources.matchAll(/^## ([^\s/]+)\/ \((\d+) files?\)/gm)].map((m) => [m[1]!, Number(m[2])]))
/** The `objects` column of every table row: how many JSON objects each file holds. */
const declaredObjects = Object.fromEntries(
  sources
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split(' | '))
    .filter((cells) => cells.length === 7)
    .map((cells) => [cells[0]!.replace(/^\| `|`$/g, ''), Number(cells[4])]),
)

const checked = new Set<string>()

describe('real recordings validate with the google tolerant response validator', () => {
  it('finds the recordings SOURCES.md describes', () => {
    expect(files.length).toBeGreaterThan(100)
    const perDir: Record<string, number> = {}
    for (const f of files) perDir[f.split('/')[0]!] = (perDir[f.split('/')[0]!] ?? 0) + 1
    expect(perDir).toEqual(declaredPerDir)
    // Every file is listed in a table (by its base name), and every listed name exists.
    expect(files.map((f) => f.slice(f.indexOf('/') + 1)).sort()).toEqual(Object.keys(declaredObjects).sort())
  })

  it.each(files)('%s', async (file) => {
    const objects = parseRecording(file)
    expect(objects.length).toBeGreaterThan(0)
    const declared = declaredObjects[file.slice(file.indexOf('/') + 1)]
    expect(objects.length, `object count in SOURCES.md for ${file}`).toBe(declared)
    const failures: { index: number; schema: string; issues: unknown }[] = []
    for (const [index, body] of objects.entries()) {
      expect(body, `object ${index} is a JSON object`).toBeTypeOf('object')
      const schema = schemaFor(body)
      const issues = await issuesOf(sets.googleResponse, schema, body)
      if (issues.length) failures.push({ index, schema, issues })
    }
    expect(failures).toEqual([])
    checked.add(file)
  })

  it('checked every recording (none skipped)', () => {
    expect(checked.size).toBe(files.length)
    expect(checked.size).toBe(Object.values(declaredPerDir).reduce((a, b) => a + b, 0))
  })
})

describe('recording parsing', () => {
  it('recognizes each kind of file and what each object is', () => {
    const kinds = new Set(files.map(formatOf))
    expect(kinds).toEqual(new Set(['sse', 'array', 'single']))
    const schemas = new Set(files.flatMap((f) => parseRecording(f).map(schemaFor)))
    expect(schemas).toEqual(new Set(['ErrorResponse', 'ListModelsResponse', 'CountTokensResponse', 'GenerateContentResponse']))
  })

  it('reads the transcribed omniroute stream as two data events and a bare error body', () => {
    const objects = parseRecording('github-issues/omniroute-4177.sse-midstream-error-503.TRANSCRIBED.txt')
    expect(objects.map(schemaFor)).toEqual(['GenerateContentResponse', 'GenerateContentResponse', 'ErrorResponse'])
    expect((objects[2] as { error: { code: number } }).error.code).toBe(503)
  })

  it('reads a streaming call answered by a plain JSON error as that error', () => {
    const objects = parseRecording('firebase-vertexai-sdk-test-data/streaming-failure-image-rejected.txt')
    expect(objects.map(schemaFor)).toEqual(['ErrorResponse'])
  })
})
