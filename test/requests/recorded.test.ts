// Real request bodies (recorded against generativelanguage.googleapis.com, all answered 200; see
// test/fixtures/real-requests/SOURCES.md) go through every provider's client to the local gateway: what the gateway
// reads must mean the same request, in canonical camelCase, nothing that matters dropped. Where a provider cannot
// carry a field (nordlys's wire, new-api's structs, Vertex AI's schema), the request is refused before sending, and
// the test says exactly which fields and where.
import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, RequestValidationError } from '../../src/index.ts'
import { startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { NORDLYS_UNSUPPORTED } from '../../src/providers/nordlys.ts'
import { MODEL, PROVIDERS, type AnyClient } from '../reliability/support/helpers.ts'
import { familyOf, type Provider } from '../support/registry.ts'

const DIR = new URL('../fixtures/real-requests/', import.meta.url)

interface Recorded { file: string; body: Record<string, unknown>; stream: boolean }

/** Every body, and whether its recorded URL was a stream (from SOURCES.md's table). */
function recorded(): Recorded[] {
  const sources = readFileSync(new URL('SOURCES.md', DIR), 'utf8')
  return readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) =>
    readdirSync(new URL(`${d.name}/`, DIR)).filter((f) => f.endsWith('.json')).sort().map((f) => {
      const file = `${d.name}/${f}`
      const row = sources.split('\n').find((line) => line.startsWith(`| ${file} |`))
      if (!row) throw new Error(`${file} is not listed in SOURCES.md`)
      return { file, body: JSON.parse(readFileSync(new URL(file, DIR), 'utf8')), stream: row.includes(':streamGenerateContent') }
    }),
  )
}

// What the test itself knows of proto JSON, independent of src/core/normalize.ts: these values are data
// (never renamed, nulls kept), Schema objects have upper-case `type`s and user-named `properties`.
const FREE_FORM = new Set(['args', 'parametersJsonSchema', 'responseJsonSchema', 'example', 'default', 'enum', 'labels', 'metadata'])
/** Fields that take any JSON value (google.protobuf.Value): there null is a value, elsewhere it means absent. */
const ANY_VALUE = new Set(['parametersJsonSchema', 'responseJsonSchema', 'example', 'default'])
const SCHEMA_FIELDS = new Set(['parameters', 'responseSchema'])
const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/** The canonical camelCase reading of a recorded value; `schema` = inside an OpenAPI-subset Schema. */
function expected(value: unknown, schema = false, owner = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => expected(v, schema, owner))
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [rawKey, v] of Object.entries(value)) {
    const key = camel(rawKey)
    if (v === null && !ANY_VALUE.has(key)) continue
    if (FREE_FORM.has(key)) out[key] = v
    // A function's result is a Struct; a declaration's `response` is a Schema.
    else if (key === 'response') out[key] = owner === 'functionDeclarations' ? expected(v, true) : v
    else if (schema && key === 'type') out[key] = typeof v === 'string' ? v.toUpperCase() : v
    else if (schema && key === 'properties') out[key] = Object.fromEntries(Object.entries(v as object).map(([name, s]) => [name, expected(s, true)]))
    else out[key] = expected(v, schema || SCHEMA_FIELDS.has(key), key)
  }
  return out
}

/** An empty generationConfig is the default config: the same request as none. */
function withoutEmptyConfig(request: Record<string, unknown>): Record<string, unknown> {
  const { generationConfig, ...rest } = request
  return generationConfig && Object.keys(generationConfig).length > 0 ? { ...rest, generationConfig } : rest
}

const bodies = recorded()

/** Where a pattern (`*` steps through every array item) is present in `value`, as JSON pointers. */
function present(value: unknown, pattern: string): string[] {
  const out: string[] = []
  const visit = (v: unknown, steps: string[], at: string): void => {
    if (steps.length === 0) return void (v !== undefined && out.push(at))
    if (v === null || typeof v !== 'object') return
    const [step, ...rest] = steps
    if (step === '*') return Array.isArray(v) ? v.forEach((item, i) => visit(item, rest, `${at}/${i}`)) : undefined
    if (!Array.isArray(v) && Object.hasOwn(v, step!)) visit((v as Record<string, unknown>)[step!], rest, `${at}/${step}`)
  }
  visit(value, pattern.split('/').slice(1), '')
  return out
}
const presentAll = (value: unknown, patterns: readonly string[]) =>
  patterns.flatMap((p) => present(value, p)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
const PARTS = ['/contents/*/parts/*', '/systemInstruction/parts/*']

/**
 * What new-api's structs lack, in the test's own words (read in its dto/gemini.go at 9f8a4ec05), split by whether
 * the loss changes the answer, the bill or the data kept (refused before sending) or not (sent; the relay drops it).
 */
const NEWAPI_REFUSED = [
  '/serviceTier', '/store', '/continuationToken',
  '/generationConfig/responseFormat', '/generationConfig/translationConfig', '/generationConfig/audioTranscriptionConfig', '/generationConfig/enableAffectiveDialog',
  ...PARTS.flatMap((p) => ['toolCall', 'toolResponse', 'mediaProcessing', 'speechMetadata'].map((f) => `${p}/${f}`)),
]
const NEWAPI_HARMLESS = [
  ...PARTS.flatMap((p) => ['functionCall/id', 'functionCall/partialArgs', 'functionCall/willContinue', 'inlineData/displayName', 'fileData/displayName', 'executableCode/id', 'codeExecutionResult/id', 'partMetadata', 'audioTranscription'].map((f) => `${p}/${f}`)),
  '/safetySettings/*/method', '/toolConfig/functionCallingConfig/streamFunctionCallArguments',
]
/** A system instruction without a text part: new-api removes it whole. */
const textless = (body: Record<string, any>) => body.systemInstruction !== undefined && !(body.systemInstruction.parts ?? []).some((p: any) => typeof p?.text === 'string' && p.text !== '')

/** Fields of Google AI that Vertex AI's schema lacks (the SDK's *ToVertex converters refuse them). */
const VERTEX_UNKNOWN = [
  '/cachedContent',
  ...PARTS.flatMap((p) => ['toolCall', 'toolResponse', 'partMetadata'].map((f) => `${p}/${f}`)),
  '/tools/*/fileSearch', '/tools/*/mcpServers', '/generationConfig/enableEnhancedCivicAnswers', '/generationConfig/translationConfig', '/toolConfig/includeServerSideToolInvocations',
]

/** Removes the field at each pointer (deepest first, so indices stay right). */
function without(value: unknown, pointers: readonly string[]): unknown {
  const copy = structuredClone(value)
  for (const pointer of [...pointers].reverse()) {
    const steps = pointer.split('/').slice(1)
    const last = steps.pop()!
    const parent = steps.reduce((o: any, k) => o?.[k], copy)
    if (parent && typeof parent === 'object') delete parent[last]
  }
  return copy
}

/** A request as new-api encodes it again: its `omitempty` zero values gone, the first turn's role defaulted, generationConfig always there. */
function asNewapiEncodes(request: Record<string, any>): Record<string, any> {
  const strip = (content: any) => ({
    ...content,
    ...(content.parts && { parts: content.parts.map((p: any) => Object.fromEntries(Object.entries(p).filter(([k, v]) => !((k === 'text' && v === '') || (k === 'thought' && v === false))))) }),
  })
  const out: Record<string, any> = { ...request, generationConfig: { ...request.generationConfig } }
  out.contents = request.contents.map(strip)
  if (out.contents[0] && !out.contents[0].role) out.contents[0] = { role: 'user', ...out.contents[0] }
  if (request.systemInstruction) out.systemInstruction = strip(request.systemInstruction)
  const thinking = out.generationConfig.thinkingConfig
  if (thinking?.includeThoughts === false) {
    const { includeThoughts: _, ...rest } = thinking
    out.generationConfig.thinkingConfig = rest
  }
  return out
}

/** What each family refuses of a body (pointers), and why in words its message must hold. */
function refusedBy(provider: Provider, request: Record<string, any>): { paths: string[]; says: string } | undefined {
  const family = familyOf(provider)
  if (family === 'nordlys') {
    const keys = NORDLYS_UNSUPPORTED.filter((k) => request[k] !== undefined)
    return keys.length ? { paths: keys.map(() => ''), says: 'nordlys has no place for this field and would drop it' } : undefined
  }
  if (family === 'newapi') {
    const paths = [...presentAll(request, NEWAPI_REFUSED), ...(textless(request) ? ['/systemInstruction'] : [])]
    return paths.length ? { paths, says: provider } : undefined
  }
  if (family === 'vertex') {
    const paths = presentAll(request, VERTEX_UNKNOWN).map((p) => p.slice(0, p.lastIndexOf('/')))
    return paths.length ? { paths, says: 'unknown field' } : undefined
  }
  return undefined
}

describe('recorded real requests', () => {
  it('at least 40 bodies, from more than one project', () => {
    expect(bodies.length).toBeGreaterThanOrEqual(40)
    expect(new Set(bodies.map((b) => b.file.split('/')[0])).size).toBeGreaterThan(1)
  })

  it('the expectation is not the recorded body itself: snake_case names, lowercase types and nulls are in it', () => {
    const all = JSON.stringify(bodies.map((b) => b.body))
    for (const spelling of ['"thinking_budget"', '"function_call"', '"response_mime_type"', '"parameters_json_schema"', '"include_thoughts"', '"file_search_store_names"', '"type":"object"', ':null']) {
      expect(all).toContain(spelling)
    }
  })

  for (const provider of PROVIDERS) {
    describe(provider, () => {
      let gw: LocalGateway
      let client: AnyClient
      beforeAll(async () => {
        gw = await startLocalGateway({ provider })
        client = createClient({ provider, apiKey: 'local-gateway-key', baseUrl: gw.url, maxRetries: 0 }) as unknown as AnyClient
      })
      afterAll(() => gw.close())

      it.each(bodies)(`$file`, async ({ body, stream }) => {
        const params = { model: MODEL, ...body }
        const send = async () => {
          if (!stream) return void (await client.generateContent(params as never))
          for await (const _ of client.streamGenerateContent(params as never));
        }
        const request = expected(body) as Record<string, any>
        const refused = refusedBy(provider, request)
        const before = gw.requests.length
        if (refused !== undefined) {
          // Refused before sending, never silently dropped: exactly these fields, each with why.
          const error = await send().then(() => undefined, (e: unknown) => e)
          expect(error).toBeInstanceOf(RequestValidationError)
          const issues = (error as RequestValidationError).issues
          expect(issues.map((i) => i.path).sort()).toEqual([...refused.paths].sort())
          for (const issue of issues) expect(issue.message).toContain(refused.says)
          expect(gw.requests.length).toBe(before)
          return
        }
        await send()
        expect(gw.requests.length).toBe(before + 1)
        const seen = gw.requests.at(-1)!
        expect(seen.ignoredKeys, 'top-level keys the gateway silently dropped').toEqual([])
        const { contents, ...settings } = request
        expect((seen.body as Record<string, unknown>).contents).toEqual(contents)
        if (familyOf(provider) !== 'newapi') {
          expect(withoutEmptyConfig(seen.effective ?? {})).toEqual(withoutEmptyConfig(settings))
          return
        }
        // new-api drops only what changes nothing (documented in its overlay), and forwards the rest as Google reads it.
        const harmless = presentAll(request, NEWAPI_HARMLESS)
        expect(seen.dropped).toEqual(harmless)
        const forwarded = asNewapiEncodes(without(request, harmless) as Record<string, any>)
        expect(seen.forwarded).toEqual(forwarded)
        const { contents: _, ...forwardedSettings } = forwarded
        expect(withoutEmptyConfig(seen.effective ?? {})).toEqual(withoutEmptyConfig(forwardedSettings))
      })
    })
  }
})
