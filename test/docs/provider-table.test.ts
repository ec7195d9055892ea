import { runInNewContext } from 'node:vm'
import { beforeAll, describe, expect, it } from 'vitest'
import { externalResources, loadSpecs, localizePage, PROVIDERS, renderIndexPage, toClassicScript } from '../../scripts/docs.ts'
import { describeProviders, renderComparisonTable, type OpenAPIDoc, type OverlayStack, type ProviderSummary } from '../../scripts/provider-table.ts'

let overlays: Record<string, OverlayStack>
let byName: Record<string, ProviderSummary>

beforeAll(async () => {
  const specs = await loadSpecs()
  overlays = specs.overlays
  byName = Object.fromEntries(describeProviders(specs.bundles, specs.overlays).map((s) => [s.provider, s]))
})

const get = (provider: string): ProviderSummary => {
  const s = byName[provider]
  if (!s) throw new Error(`no summary for ${provider}`)
  return s
}
const ids = (s: ProviderSummary) => s.operations.map((o) => o.operationId)
const op = (s: ProviderSummary, operationId: string) => s.operations.find((o) => o.operationId === operationId)

describe('describeProviders on the real bundles', () => {
  it('keeps the provider order', () => {
    expect(Object.keys(byName)).toEqual([...PROVIDERS])
  })

  it('google: canonical spec, x-goog-api-key, five operations with countTokens', () => {
    const g = get('google')
    expect(g.gateway).toBeNull()
    expect(g.relay).toBeNull()
    expect(g.baseUrl).toBe('https://generativelanguage.googleapis.com')
    expect(g.auth).toEqual([{ scheme: 'googApiKey', in: 'header', name: 'x-goog-api-key', label: 'x-goog-api-key' }])
    expect(g.operations).toHaveLength(5)
    expect(op(g, 'countTokens')).toMatchObject({ method: 'POST', path: '/v1beta/models/{model}:countTokens' })
    expect(ids(g)).toEqual(expect.arrayContaining(['generateContent', 'streamGenerateContent', 'listModels', 'getModel']))
    expect(g.operations.some((o) => o.inferred)).toBe(false)
    expect(g.streaming).toBe('documented')
    expect(g.documentedModels).toEqual([])
    expect(g.requestBody).toMatchObject({ schema: 'GenerateContentRequest', keyStyle: 'camelCase', snakeCase: false })
    expect(g.requestBody.keys).toContain('generationConfig')
    expect(g.envelope).toBeNull()
    expect(g.errorSchemas).toEqual(['ErrorResponse'])
    expect(g.quirks).toEqual([])
  })

  it('newapi: the relay itself, Bearer or x-goog-api-key, OpenAI-style GET /v1/models, no countTokens or getModel', () => {
    const s = get('newapi')
    expect(s.gateway).toBe('newapi')
    expect(s.relay).toBeNull()
    expect(s.baseUrl).toBe('http://localhost:3000')
    // The first requirement is what the client sends; the relay also reads Google's header on the Gemini paths.
    expect(s.auth.map((a) => a.label)).toEqual(['Authorization: Bearer', 'x-goog-api-key'])
    expect(op(s, 'listModels')).toMatchObject({ method: 'GET', path: '/v1/models', inferred: false })
    expect(ids(s).sort()).toEqual(['generateContent', 'listModels', 'streamGenerateContent'])
    expect(s.streaming).toBe('documented')
    expect(s.documentedModels).toEqual([])
    expect(s.requestBody).toMatchObject({ schema: 'GenerateContentRequest', keyStyle: 'camelCase' })
    expect(s.errorSchemas).toEqual(['OpenAIErrorResponse', 'ErrorResponse'])
    expect(s.quirks.every((q) => q.from === 'newapi')).toBe(true)
  })

  it('infinityblue: Bearer, OpenAI-style GET /v1/models instead of the v1beta list', () => {
    const s = get('infinityblue')
    expect(s.gateway).toBe('infinityblue')
    expect(s.relay).toBe('newapi')
    expect(s.baseUrl).toBe('https://api.getinfinityblue.com')
    expect(s.auth.map((a) => a.label)).toEqual(['Authorization: Bearer'])
    expect(op(s, 'listModels')).toMatchObject({ method: 'GET', path: '/v1/models', inferred: false })
    expect(s.operations.map((o) => o.path)).not.toContain('/v1beta/models')
    expect(ids(s)).not.toContain('countTokens')
    expect(s.documentedModels).toEqual(['gemini-3.1-pro-preview', 'gemini-2.5-pro', 'gemini-2.5-flash'])
    expect(s.errorSchemas).toEqual(['OpenAIErrorResponse', 'ErrorResponse'])
  })

  it('anyfast: Bearer, ten documented models, streaming served but inferred', () => {
    const s = get('anyfast')
    expect(s.auth.map((a) => a.label)).toEqual(['Authorization: Bearer'])
    expect(s.documentedModels).toHaveLength(10)
    expect(s.documentedModels).toContain('gemini-2.0-flash')
    expect(op(s, 'streamGenerateContent')).toMatchObject({ inferred: true, streams: true })
    expect(op(s, 'generateContent')).toMatchObject({ inferred: false, streams: false })
    expect(s.streaming).toBe('inferred')
    expect(s.operations).toHaveLength(2)
  })

  it('apimart: Bearer, one {method} path, a wrapped-or-bare success body', () => {
    const s = get('apimart')
    expect(s.auth.map((a) => a.label)).toEqual(['Authorization: Bearer'])
    expect(s.operations).toEqual([
      {
        method: 'POST',
        path: '/v1beta/models/{model}:{method}',
        operationId: 'generate',
        summary: 'Generate or stream a response',
        inferred: false,
        streams: true,
      },
    ])
    // Found through the `method` enum, since no path ends in `:generateContent`.
    expect(s.requestBody.schema).toBe('GenerateContentRequest')
    expect(s.envelope).toEqual({
      operationId: 'generate',
      wrapper: 'ApimartEnvelope',
      property: 'data',
      wraps: 'GenerateContentResponse',
      alternatives: ['ApimartEnvelope', 'GenerateContentResponse'],
    })
    expect(s.errorSchemas).toEqual(['ApimartErrorEnvelope', 'OpenAIErrorResponse', 'ErrorResponse'])
  })

  it('nordlys: X-API-Key, snake_case body, inferred streaming', () => {
    const s = get('nordlys')
    expect(s.baseUrl).toBe('https://api.nordlyslabs.com')
    expect(s.auth).toEqual([{ scheme: 'nordlysApiKey', in: 'header', name: 'X-API-Key', label: 'X-API-Key' }])
    expect(s.requestBody).toMatchObject({ schema: 'NordlysGenerateContentRequest', keyStyle: 'snake_case', snakeCase: true })
    expect(s.requestBody.keys).toEqual(expect.arrayContaining(['generation_config', 'system_instruction', 'provider_order']))
    expect(s.requestBody.keys).not.toContain('generationConfig')
    expect(op(s, 'streamGenerateContent')?.inferred).toBe(true)
    expect(s.streaming).toBe('inferred')
    expect(s.documentedModels).toEqual(['gemini-3-pro-preview'])
    expect(s.errorSchemas).toEqual(['NordlysErrorResponse'])
  })

  it("lists every overlay action description of the stack as a quirk, the relay's first, in overlay order", () => {
    for (const p of PROVIDERS.filter((x) => x !== 'google')) {
      const stack = overlays[p] ?? []
      expect(stack.at(-1)?.['x-gateway']?.name).toBe(p)
      const expected = stack.flatMap((o) => o.actions.map((a) => [o['x-gateway']?.name, a.description?.trim()]))
      expect(get(p).quirks.map((q) => [q.from, q.description])).toEqual(expected)
    }
    // A reseller's stack: new-api's overlay, then its own (redocly.yaml).
    expect(overlays['anyfast']?.map((o) => o['x-gateway']?.name)).toEqual(['newapi', 'anyfast'])
    expect(get('anyfast').relay).toBe('newapi')
    expect(get('anyfast').quirks).toContainEqual({
      target: "$.paths['/v1beta/models/{model}:countTokens']",
      kind: 'remove',
      description: 'The relay has no token counting; the request would run as a generation and be billed.',
      from: 'newapi',
    })
    expect(get('anyfast').quirks).toContainEqual({
      target: "$.paths['/v1/models']",
      kind: 'remove',
      description: 'Not documented by anyfast.',
      from: 'anyfast',
    })
  })
})

/** A minimal bundle for edge cases the real ones do not have. */
function doc(extra: Partial<OpenAPIDoc>): OpenAPIDoc {
  return { openapi: '3.1.0', info: { title: 'T', version: '1' }, ...extra }
}

describe('describeProviders on synthetic bundles', () => {
  it('follows $ref chains, merges allOf keys and calls mixed keys mixed', () => {
    const [s] = describeProviders(
      {
        x: doc({
          paths: { '/m/{model}:generateContent': { post: { requestBody: { $ref: '#/components/requestBodies/B' } } } },
          components: {
            requestBodies: {
              B: { $ref: '#/components/requestBodies/C' },
              C: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Req' } } } },
            },
            schemas: { Req: { allOf: [{ properties: { foo_bar: {} } }, { properties: { bazQux: {} } }] } },
          },
        }),
      },
      {},
    )
    expect(s?.requestBody).toEqual({ schema: 'Req', keys: ['foo_bar', 'bazQux'], keyStyle: 'mixed', snakeCase: false })
  })

  it('does not call an anyOf of unrelated schemas an envelope', () => {
    const [s] = describeProviders(
      {
        x: doc({
          paths: {
            '/a': {
              get: {
                operationId: 'a',
                responses: {
                  '200': { content: { 'application/json': { schema: { anyOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }] } } } },
                },
              },
            },
          },
          components: { schemas: { A: { properties: { n: { type: 'integer' } } }, B: { properties: { a: { $ref: '#/components/schemas/C' } } }, C: {} } },
        }),
      },
      {},
    )
    expect(s?.envelope).toBeNull()
    expect(s?.auth).toEqual([])
    expect(s?.baseUrl).toBe('')
  })

  it('rejects a security requirement that names no scheme', () => {
    expect(() => describeProviders({ x: doc({ security: [{ missing: [] }] }) }, {})).toThrow(/missing/)
  })
})

describe('renderComparisonTable and the index page', () => {
  it('has a row per aspect and a column per provider, escaped', () => {
    const evil = doc({ servers: [{ url: 'https://x.test/<script>alert(1)</script>' }] })
    const html = renderComparisonTable(describeProviders({ a: evil, b: doc({}) }, {}))
    expect(html).toContain('<th scope="col">a</th><th scope="col">b</th>')
    expect(html).not.toContain('<script>')
    expect(html).toContain('&#60;script&#62;')
    for (const row of [
      'Base URL',
      'Auth',
      'Operations',
      'Documented models',
      'Request body',
      'Response envelope',
      'Error bodies',
      'Relay',
      'Overlay actions',
    ]) {
      expect(html).toContain(`<th scope="row">${row}</th>`)
    }
  })

  it('links every provider page, the quirks page and the API reference, and counts every gateway quirk', () => {
    const wire = '<table class="compare wire"><tbody><tr><td>recorded</td></tr></tbody></table>'
    const html = renderIndexPage(Object.values(byName), overlays, wire)
    expect(html).toContain(wire)
    for (const p of PROVIDERS) expect(html).toContain(`<a href="${p}.html">${p}</a>`)
    expect(html).toContain('<a href="quirks.html">Gateway quirks</a>')
    expect(html).toContain('<a href="api/index.html">TypeScript API reference</a>')
    for (const p of PROVIDERS.filter((x) => x !== 'google')) {
      expect(html).toContain(`id="quirks-${p}"`)
      expect(html).toContain(`<a href="quirks.html#${p}">${p}</a>`)
      // Counts per group add up to the described actions of the provider's overlay stack.
      const row = new RegExp(`<tr id="quirks-${p}">(.*?)</tr>`).exec(html)?.[1] ?? ''
      const counts = [...row.matchAll(/<td>(?:<a [^>]*>|<span class="none">)(\d+)</g)].map((m) => Number(m[1]))
      expect(counts.reduce((a, b) => a + b, 0)).toBe(get(p).quirks.length)
    }
    expect(html).not.toContain('id="quirks-google"')
    expect(externalResources(html)).toEqual([])
    expect(html).not.toMatch(/<script|<link|<img/)
  })
})

describe('offline post-processing', () => {
  it('turns an ES module into a classic script that publishes its exports', () => {
    const source = toClassicScript('const a = 1; const top = typeof this; function f() { return top + import.meta.url }\nexport{a as hydrate,f};\n')
    const sandbox: { __redocStandalone?: { hydrate: number; f: () => string } } = {}
    runInNewContext(source, sandbox)
    expect(sandbox.__redocStandalone?.hydrate).toBe(1)
    expect(sandbox.__redocStandalone?.f()).toBe('undefined') // top-level `this` is undefined, as in a module
  })

  it('refuses a bundle without a trailing export', () => {
    expect(() => toClassicScript('const a = 1;')).toThrow(/export/)
  })

  it('finds resources a browser would fetch, and not plain links', () => {
    expect(externalResources('<a href="https://example.com">x</a><script>1</script>')).toEqual([])
    expect(externalResources('<script src="https://cdn.test/x.js"></script>')).toHaveLength(1)
    expect(externalResources('<link rel="stylesheet" href="//fonts.googleapis.com/css">')).toHaveLength(1)
    expect(externalResources('<style>a{background:url("http://x.test/i.png")}</style>')).toHaveLength(1)
    expect(externalResources('<script type="module">import { hydrate } from "https://cdn.test/r.js";</script>')).toHaveLength(1)
  })

  it('rewrites the CDN import and preload, and fails on any other page shape', () => {
    const page =
      '<head><link rel="modulepreload" href="https://cdn.redocly.com/redoc/v3.0.1/bundles/redoc.standalone.js" integrity="x" crossorigin="anonymous" /></head>' +
      '<script type="module">import { hydrate } from "https://cdn.redocly.com/redoc/v3.0.1/bundles/redoc.standalone.js";</script>'
    const out = localizePage(page)
    expect(out).toContain('<script src="assets/redoc.standalone.js"></script>')
    expect(out).toContain('const { hydrate } = globalThis.__redocStandalone;')
    expect(externalResources(out)).toEqual([])
    expect(() => localizePage('<html></html>')).toThrow(/changed shape/)
    expect(() => localizePage(`${page}<img src="https://x.test/a.png">`)).toThrow(/network/)
  })
})
