import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ValidatorSet } from '../../src/core/validate.ts'
import { registry, type Provider } from '../../generated/registry.ts'

import * as anyfastRequest from '../../generated/anyfast/validators/request.ts'
import * as anyfastResponse from '../../generated/anyfast/validators/response.ts'
import * as apimartRequest from '../../generated/apimart/validators/request.ts'
import * as apimartResponse from '../../generated/apimart/validators/response.ts'
import * as googleRequest from '../../generated/google/validators/request.ts'
import * as googleResponseStrict from '../../generated/google/validators/response-strict.ts'
import * as googleResponse from '../../generated/google/validators/response.ts'
import * as infinityblueRequest from '../../generated/infinityblue/validators/request.ts'
import * as nordlysRequest from '../../generated/nordlys/validators/request.ts'

/** The repository root and the read-only shared folder next to it. */
export const ROOT = new URL('../../', import.meta.url)
export const ROOT_DIR = fileURLToPath(ROOT)
export const REAL = new URL('../../../shared/fixtures/real/', import.meta.url)
export const SHARED = new URL('../../../shared/', import.meta.url)

/** Every provider, from the generated registry (redocly.yaml's order). */
export { providers as PROVIDERS, type Provider } from '../../generated/registry.ts'

/**
 * The validator name of a provider's generation request body: `<operationId>Request` of the operation that
 * generates (apimart's one `generate` serves both methods; everyone else's is `generateContent`).
 */
export function generationRequestName(provider: Provider): string {
  const generate = registry[provider].operations.find((op) => op === 'generateContent' || op === 'generate')
  if (!generate) throw new Error(`${provider} has no generation operation`)
  return `${generate}Request`
}

/** The validator sets the tests use, built the way src/providers/*.ts builds them. */
export const sets = {
  googleRequest: { checks: googleRequest, schemas: () => import('../../generated/google/validators/request-schemas.ts') },
  googleResponse: { checks: googleResponse, schemas: () => import('../../generated/google/validators/response-schemas.ts') },
  googleResponseStrict: { checks: googleResponseStrict, schemas: () => import('../../generated/google/validators/response-strict-schemas.ts') },
  infinityblueRequest: { checks: infinityblueRequest, schemas: () => import('../../generated/infinityblue/validators/request-schemas.ts') },
  anyfastRequest: { checks: anyfastRequest, schemas: () => import('../../generated/anyfast/validators/request-schemas.ts') },
  anyfastResponse: { checks: anyfastResponse, schemas: () => import('../../generated/anyfast/validators/response-schemas.ts') },
  apimartRequest: { checks: apimartRequest, schemas: () => import('../../generated/apimart/validators/request-schemas.ts') },
  apimartResponse: { checks: apimartResponse, schemas: () => import('../../generated/apimart/validators/response-schemas.ts') },
  nordlysRequest: { checks: nordlysRequest, schemas: () => import('../../generated/nordlys/validators/request-schemas.ts') },
} satisfies Record<string, ValidatorSet>

/** Every file below `dir` (a URL ending in `/`), as paths relative to it, sorted. */
export function walk(dir: URL, prefix = ''): string[] {
  return readdirSync(new URL(prefix, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort()
}

/**
 * One `text/event-stream` body as the JSON values of its events: events are separated by a blank line; the
 * `data:` lines of an event are joined; a block without any field line (a bare JSON body, as some relays send
 * an error mid-stream or instead of the stream) is parsed whole.
 */
export function parseSSE(text: string): unknown[] {
  // A raw CR or LF cannot occur inside a JSON string, so normalizing line ends never touches a payload.
  const blocks = text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((b) => b.trim())
    .filter(Boolean)
  return blocks.flatMap((block) => {
    const lines = block.split('\n')
    const fields = lines.filter((l) => /^(data|event|id|retry)?:/.test(l))
    if (fields.length === 0) return [JSON.parse(block)]
    if (fields.length !== lines.length) throw new Error(`SSE block mixes field lines and other text: ${block.slice(0, 80)}`)
    const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, ''))
    return data.length ? [JSON.parse(data.join('\n'))] : []
  })
}

/** The kind of recording a fixture file is, from its name (SOURCES.md, "File formats"). */
export function formatOf(file: string): 'sse' | 'array' | 'lines' | 'single' {
  const base = file.slice(file.lastIndexOf('/') + 1)
  if (base.endsWith('.sse.txt') || (file.startsWith('firebase-vertexai-sdk-test-data/') && base.startsWith('streaming-') && base.endsWith('.txt'))) return 'sse'
  if (base.endsWith('.TRANSCRIBED.txt') && base.includes('.sse-')) return 'sse'
  if (base.endsWith('.sse-segments.json') || base.endsWith('.stream-array.json')) return 'array'
  if (base.endsWith('.chunks.txt')) return 'lines'
  if (base.endsWith('.json')) return 'single'
  throw new Error(`no known format for ${file}`)
}

/** The JSON objects recorded in one fixture file. */
export function parseRecording(file: string): unknown[] {
  const text = readFileSync(new URL(file, REAL), 'utf8')
  switch (formatOf(file)) {
    case 'sse':
      return parseSSE(text)
    case 'array': {
      const value: unknown = JSON.parse(text)
      if (!Array.isArray(value)) throw new Error(`${file}: expected a JSON array`)
      return value
    }
    case 'lines':
      return text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => JSON.parse(l.replace(/^data: ?/, '')))
    case 'single':
      return [JSON.parse(text)]
  }
}

/** Which component a recorded body is an instance of. */
export function schemaFor(body: unknown): 'ErrorResponse' | 'ListModelsResponse' | 'CountTokensResponse' | 'GenerateContentResponse' {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    if ('error' in body) return 'ErrorResponse'
    if ('models' in body) return 'ListModelsResponse'
    if ('totalTokens' in body) return 'CountTokensResponse'
  }
  return 'GenerateContentResponse'
}

export function readJSON<T = any>(url: URL): T {
  return JSON.parse(readFileSync(url, 'utf8')) as T
}
