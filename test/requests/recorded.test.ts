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
import { asNewapiEncodes, NEWAPI_HARMLESS, NEWAPI_REFUSED, presentAll, textless, VERTEX_UNKNOWN, without } from '../support/dropped-fields.ts'

const DIR = new URL('../fixtures/real-requests/', import.meta.url)

interface Recorded {
  file: string
  body: Record<string, unknown>
  stream: boolean
}

/** Every body, and whether its recorded URL was a stream (from SOURCES.md's table). */
function recorded(): Recorded[] {
  const sources = readFileSync(new URL('SOURCES.md', DIR), 'utf8')
  return readdirSync(DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(new URL(`${d.name}/`, DIR))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => {
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
    for (const spelling of [
      '"thinking_budget"',
      '"function_call"',
      '"response_mime_type"',
      '"parameters_json_schema"',
      '"include_thoughts"',
      '"file_search_store_names"',
      '"type":"object"',
      ':null',
    ]) {
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
          const error = await send().then(
            () => undefined,
            (e: unknown) => e,
          )
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
