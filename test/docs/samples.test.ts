/**
 * The code samples and the wire table, from the exchanges the real client has with the local gateway
 * (scripts/docs/exchanges.ts): every operation of every bundle gets a TypeScript and a curl sample, the
 * curl carries each gateway's own wire (auth header, path, body casing), and replaying a curl sample
 * against that dialect's local gateway is accepted and reaches it as the same request the client sent.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loadSpecs, PROVIDERS } from '../../scripts/docs.ts'
import { DIALECTS, matchOperation, recordExchanges, sampleModel, type Exchange } from '../../scripts/docs/exchanges.ts'
import {
  codeSamples,
  compactJson,
  documentedHost,
  renderWireTable,
  SAMPLE_LANGUAGES,
  shape,
  tsLiteral,
  withCodeSamples,
  type CodeSample,
} from '../../scripts/docs/samples.ts'
import { escapeHtml, type OpenAPIDoc } from '../../scripts/provider-table.ts'
import { keyHeader, pathOf, serves, type Provider } from '../support/registry.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../../src/local-gateway/index.ts'

let bundles: Record<string, OpenAPIDoc>
let exchanges: Record<string, Exchange[]>

beforeAll(async () => {
  bundles = (await loadSpecs()).bundles
  exchanges = await recordExchanges(PROVIDERS, bundles)
}, 60_000)

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Every operation of a bundle, by operationId. */
function operationIds(doc: OpenAPIDoc): string[] {
  return Object.values(doc.paths ?? {}).flatMap((item) =>
    Object.values(item).flatMap((op) =>
      op && typeof op === 'object' && typeof (op as { operationId?: unknown }).operationId === 'string' ? [(op as { operationId: string }).operationId] : [],
    ),
  )
}

/** The samples `withCodeSamples` put on each operation of a provider's page spec. */
function samplesByOperation(p: string): Map<string, CodeSample[]> {
  const doc = withCodeSamples(bundles[p] as OpenAPIDoc, exchanges[p] ?? [])
  const out = new Map<string, CodeSample[]>()
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item) as { operationId?: string; 'x-codeSamples'?: CodeSample[] }[]) {
      if (op?.operationId) out.set(op.operationId, op['x-codeSamples'] ?? [])
    }
  }
  return out
}

/** A curl sample read back: method, URL, headers and body (the samples quote with '…' or "…", never nest them). */
interface ParsedCurl {
  method: string
  url: string
  headers: Record<string, string>
  body: unknown
}
/** The key's header as the provider's spec spells it (its first security scheme) and its value in a sample. */
function authOf(p: Provider, bundle: OpenAPIDoc, keyVar: string): [string, string] {
  if (keyHeader(p) === 'authorization') return ['Authorization', `Bearer ${keyVar}`]
  const scheme = Object.values(bundle.components?.securitySchemes ?? {}).find((s) => (s as { name?: string }).name?.toLowerCase() === keyHeader(p)) as {
    name: string
  }
  return [scheme.name, keyVar]
}

function parseCurls(source: string): ParsedCurl[] {
  return source
    .split(/^(?=curl )/m)
    .filter((s) => s.startsWith('curl '))
    .map((cmd) => {
      const head = /^curl -X (\w+) (?:'([^']+)'|"([^"]+)")/.exec(cmd)
      if (!head) throw new Error(`not a curl command: ${cmd.slice(0, 80)}`)
      const headers: Record<string, string> = {}
      for (const m of cmd.matchAll(/ -H (?:'([^']*)'|"([^"]*)")/g)) {
        const text = (m[1] ?? m[2]) as string
        const colon = text.indexOf(': ')
        headers[text.slice(0, colon)] = text.slice(colon + 2)
      }
      const data = / -d '([^']*)'/.exec(cmd)?.[1]
      return { method: head[1] as string, url: (head[2] ?? head[3]) as string, headers, body: data === undefined ? undefined : JSON.parse(data) }
    })
}

const SNAKE = /^[a-z]+(?:_[a-z]+)*$/

describe('sample exchanges', () => {
  it.each([...PROVIDERS])('%s: one exchange per method its dialect serves, each matched to an operation of its bundle', (p) => {
    const list = exchanges[p] ?? []
    const dialect = DIALECTS[p]
    const served = Object.keys(dialect.routes).length
    expect(list).toHaveLength(served)
    for (const x of list) {
      expect(x.response.status, `${p}.${x.call.method}`).toBe(200)
      expect(operationIds(bundles[p] as OpenAPIDoc)).toContain(x.operationId)
      expect(x.request.headers['host']).toMatch(/^127\.0\.0\.1:\d+$/) // it really went over loopback
    }
    // Every operation of the bundle is reached by some call.
    expect(new Set(list.map((x) => x.operationId))).toEqual(new Set(operationIds(bundles[p] as OpenAPIDoc)))
  })

  it('uses a model each provider documents', () => {
    expect(sampleModel(bundles['nordlys'] as OpenAPIDoc)).toBe('gemini-3-pro-preview')
    expect(sampleModel(bundles['google'] as OpenAPIDoc)).toBe('gemini-2.5-flash')
    for (const p of PROVIDERS) {
      // Every call but the model list names the model.
      for (const x of (exchanges[p] ?? []).filter((e) => e.call.method !== 'listModels'))
        expect(x.request.path).toContain(`/${sampleModel(bundles[p] as OpenAPIDoc)}`)
    }
  })

  it('matches a recorded path to exactly one operation, or fails', () => {
    const apimart = bundles['apimart'] as OpenAPIDoc
    expect(matchOperation(apimart, 'POST', '/v1beta/models/gemini-2.5-flash:streamGenerateContent')).toBe('generate')
    expect(matchOperation(bundles['google'] as OpenAPIDoc, 'GET', '/v1beta/models/gemini-2.5-flash')).toBe('getModel')
    expect(() => matchOperation(apimart, 'GET', '/v1beta/models')).toThrow(/matches 0 operations/)
  })
})

describe('code samples', () => {
  it.each([...PROVIDERS])('%s: every operation carries one TypeScript and one curl sample, in that order', (p) => {
    const byOp = samplesByOperation(p)
    expect([...byOp.keys()].sort()).toEqual(operationIds(bundles[p] as OpenAPIDoc).sort())
    for (const [op, samples] of byOp) {
      expect(
        samples.map((s) => s.label),
        op,
      ).toEqual(SAMPLE_LANGUAGES.map((l) => l.label))
      const [ts, curl] = samples as [CodeSample, CodeSample]
      // The options its host needs, with its server variables' defaults standing for the reader's (cloudflare's ids).
      const variables = Object.values(
        ((bundles[p] as OpenAPIDoc).servers?.[0] as { variables?: Record<string, { default: string; 'x-client-option': string }> } | undefined)?.variables ??
          {},
      )
      expect(ts.source, op).toContain(
        `const client = createClient({ provider: '${p}'${variables.map((v) => `, ${v['x-client-option']}: '${v.default}'`).join('')} })`,
      )
      expect(ts.source, op).toContain(`from 'gemini-gateways'`)
      // At the documented host (newapi's is new-api's own default, http://localhost:3000), never the local gateway's;
      // a host with variables (cloudflare's) double-quoted, so that $ACCOUNT_ID and $GATEWAY_ID expand.
      expect(curl.source, op).toMatch(new RegExp(`^curl -X (GET|POST) ['"]${escapeRegExp(documentedHost(bundles[p] as OpenAPIDoc))}/`, 'm'))
      for (const x of (exchanges[p] ?? []).filter((e) => e.operationId === op)) expect(ts.source, op).toContain(`client.${x.call.method}(`)
    }
  })

  it.each([...PROVIDERS])('%s: curl is the recorded wire, at the documented host, with the key as a variable', (p) => {
    const bundle = bundles[p] as OpenAPIDoc
    const host = documentedHost(bundle)
    const keyVar = `$${DIALECTS[p].envKey}`
    // The key's header as the provider's spec spells it (the first security scheme), Bearer or bare.
    const [authName, authValue] = authOf(p, bundle, keyVar)
    for (const [op, samples] of samplesByOperation(p)) {
      const curl = samples[1]?.source ?? ''
      expect(curl).not.toContain(LOCAL_GATEWAY_API_KEY)
      expect(curl).not.toContain('127.0.0.1')
      expect(curl).not.toContain('[REDACTED]')
      const mine = (exchanges[p] ?? []).filter((e) => e.operationId === op)
      const parsed = parseCurls(curl)
      expect(parsed).toHaveLength(mine.length)
      parsed.forEach((c, i) => {
        const x = mine[i] as Exchange
        const query = new URLSearchParams(x.request.query).toString()
        expect(c.url).toBe(`${host}${x.request.path}${query ? `?${query}` : ''}`)
        expect(c.method).toBe(x.request.method)
        expect(c.headers[authName]).toBe(authValue)
        expect(c.body).toEqual(x.request.body)
      })
    }
  })

  it('nordlys: the curl body is snake_case at the top level, the TypeScript sample camelCase', () => {
    const samples = samplesByOperation('nordlys').get('generateContent') as CodeSample[]
    const [ts, curl] = samples as [CodeSample, CodeSample]
    const body = parseCurls(curl.source)[0]?.body as Record<string, unknown>
    expect(Object.keys(body).length).toBeGreaterThan(1)
    for (const key of Object.keys(body)) expect(key).toMatch(SNAKE)
    expect(body).toHaveProperty('generation_config')
    expect(body).not.toHaveProperty('generationConfig')
    // The client moved the system instruction into generation_config, the SDK shape nordlys reads.
    expect(body['generation_config']).toMatchObject({ maxOutputTokens: 256, systemInstruction: { parts: [{ text: 'Answer briefly.' }] } })
    expect(ts.source).toContain('generationConfig: { temperature: 0.2, maxOutputTokens: 256 }')
    expect(ts.source).toContain('systemInstruction:')
    expect(ts.source).not.toMatch(/generation_config|system_instruction/)
    // The other dialects send the camelCase body as written.
    const google = parseCurls(samplesByOperation('google').get('generateContent')?.[1]?.source ?? '')[0]?.body
    expect(google).toHaveProperty('generationConfig')
    expect(google).toHaveProperty('systemInstruction')
  })

  it('apimart: its one operation shows both calls, each under its method name', () => {
    const [ts, curl] = samplesByOperation('apimart').get('generate') as [CodeSample, CodeSample]
    expect(ts.source).toContain('// generateContent\n')
    expect(ts.source).toContain('// streamGenerateContent\n')
    expect(ts.source.match(/createClient\(/g)).toHaveLength(1)
    const urls = parseCurls(curl.source).map((c) => c.url)
    expect(urls).toEqual([
      'https://api.apimart.ai/v1beta/models/gemini-2.5-flash:generateContent',
      'https://api.apimart.ai/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    ])
    // The envelope shows in the answer's outline.
    expect(curl.source).toContain('# Answer: 200 application/json: {"code":200,"data":{…}')
  })

  it.each([...PROVIDERS])('%s: each curl sample, replayed against the local gateway, is accepted and arrives as the client request did', async (p) => {
    const host = documentedHost(bundles[p] as OpenAPIDoc)
    const keyVar = `$${DIALECTS[p].envKey}`
    const gateway = await startLocalGateway({ provider: p })
    // The path the gateway's own URL ends in (cloudflare's), which the recorded exchanges leave out.
    const base = new URL(gateway.url).pathname.replace(/\/$/, '')
    try {
      for (const [, samples] of samplesByOperation(p)) {
        for (const c of parseCurls(samples[1]?.source ?? '')) {
          const before = gateway.requests.length
          const headers = Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, v.replace(keyVar, LOCAL_GATEWAY_API_KEY)]))
          const res = await fetch(c.url.replace(host, gateway.url), {
            method: c.method,
            headers,
            body: c.body === undefined ? undefined : JSON.stringify(c.body),
          })
          expect(res.status, `${p} ${c.method} ${c.url}`).toBe(200)
          await res.text()
          const got = gateway.requests[before]
          const sent = (exchanges[p] ?? []).find((x) => base + x.request.path === got?.path && JSON.stringify(x.request.query) === JSON.stringify(got?.query))
          expect(sent, `${p}: no exchange for ${got?.path}`).toBeDefined()
          expect({ method: got?.method, body: got?.body, effective: got?.effective, ignored: got?.ignoredKeys }).toEqual({
            method: sent?.request.method,
            body: sent?.request.body,
            effective: sent?.request.effective,
            ignored: sent?.request.ignoredKeys,
          })
        }
      }
    } finally {
      await gateway.close()
    }
  })

  it('fails when an operation has no sample call', () => {
    const doc = structuredClone(bundles['google'] as OpenAPIDoc)
    expect(() =>
      withCodeSamples(
        doc,
        (exchanges['google'] ?? []).filter((x) => x.operationId !== 'countTokens'),
      ),
    ).toThrow(/countTokens has no sample call/)
  })

  it('writes literals that fit on one line flat, the rest one member per line', () => {
    expect(tsLiteral({ a: 1, 'b-c': "it's" })).toBe(`{ a: 1, 'b-c': 'it\\'s' }`)
    expect(compactJson({ a: [1, 2] })).toBe('{ "a": [1, 2] }')
    expect(compactJson({ long: 'x'.repeat(80) })).toBe(`{\n  "long": "${'x'.repeat(80)}"\n}`)
    expect(shape({ code: 200, data: { candidates: [] }, list: [1] })).toBe('{"code":200,"data":{…},"list":[…]}')
  })

  it('codeSamples groups by operation', () => {
    const map = codeSamples(exchanges['google'] ?? [], bundles['google'] as OpenAPIDoc)
    expect([...map.keys()].sort()).toEqual(['countTokens', 'generateContent', 'getModel', 'listModels', 'streamGenerateContent'])
  })
})

describe('the wire table', () => {
  it("has one column per provider and each one's own auth header, path and body casing", () => {
    const html = renderWireTable(PROVIDERS, exchanges, bundles)
    const head = /<thead><tr><th><\/th>(.*?)<\/tr><\/thead>/.exec(html)?.[1] ?? ''
    expect([...head.matchAll(/<th scope="col">([^<]+)<\/th>/g)].map((m) => m[1])).toEqual([...PROVIDERS])
    const row = (title: string): string[] => {
      const tr = new RegExp(`<tr><th scope="row">${title}</th>(.*?)</tr>`, 's').exec(html)?.[1] ?? ''
      return [...tr.matchAll(/<td>(.*?)<\/td>/gs)].map((m) => m[1] as string)
    }
    expect(row('Auth header')).toEqual(
      PROVIDERS.map((p) => `<pre><code>${authOf(p, bundles[p] as OpenAPIDoc, `$${DIALECTS[p].envKey}`).join(': ')}</code></pre>`),
    )
    expect(row('Auth header')[0]).toBe('<pre><code>x-goog-api-key: $GEMINI_API_KEY</code></pre>')
    const requests = row('Request')
    expect(requests).toHaveLength(PROVIDERS.length)
    // Each provider's generate route, as its spec writes it (Vertex AI's publishers path, LiteLLM's /gemini).
    requests.forEach((cell, i) => {
      const p = PROVIDERS[i]!
      expect(cell).toBe(
        `<pre><code>POST ${escapeHtml(pathOf(p, serves(p, 'generate') ? 'generate' : 'generateContent', { model: sampleModel(bundles[p] as OpenAPIDoc) }))}</code></pre>`,
      )
    })
    // nordlys's body is snake_case; every other dialect sends the camelCase body as written.
    const bodies = Object.fromEntries(row('Body').map((b, i) => [PROVIDERS[i], b]))
    expect(bodies['nordlys']).toContain('&#34;generation_config&#34;')
    for (const p of PROVIDERS.filter((x) => x !== 'nordlys')) expect(bodies[p], p).toContain('&#34;generationConfig&#34;')
  })
})
