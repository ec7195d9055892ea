// biome-ignore-all lint/suspicious/noFocusedTests: a docs script, no tests; fit() is literal()'s layout helper, not Jasmine's focused it()
/**
 * Code samples (Redoc's `x-codeSamples`) and the index's side-by-side wire table, both built from the
 * recorded exchanges of scripts/docs/exchanges.ts: the TypeScript sample prints the call that was made,
 * the curl sample replays what the local gateway received, with the key replaced by the provider's
 * environment variable and the local host by the documented one (the bundle's first server).
 */
import { registry, type Provider } from '../../generated/registry.ts'
import { escapeHtml, type OpenAPIDoc } from '../provider-table.ts'
import type { Exchange, SampleCall } from './exchanges.ts'

/** Headers fetch (undici) adds on its own; curl sends its own equivalents, so the samples leave them out. */
const TRANSPORT_HEADERS = new Set(['host', 'connection', 'content-length', 'accept', 'accept-language', 'accept-encoding', 'sec-fetch-mode', 'user-agent'])
/** What the local gateway writes in place of a key. */
const REDACTED = '[REDACTED]'

/** A header name as the provider's spec spells it (`X-API-Key`), else in the usual capitalization. */
function headerName(bundle: OpenAPIDoc, lower: string): string {
  for (const scheme of Object.values(bundle.components?.securitySchemes ?? {})) {
    const s = scheme as { in?: string; name?: string }
    if (s.in === 'header' && s.name?.toLowerCase() === lower) return s.name
  }
  return lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
}

/** One request as a user would type it: documented host, key as a variable, only the headers that matter. */
export interface WireRequest {
  method: string
  url: string
  /** Path plus query, as sent. */
  target: string
  headers: [string, string][]
  body: unknown
}

/**
 * The documented host (the bundle's first server), its variables as shell variables: cloudflare's
 * `…/v1/{account_id}/{gateway_id}/…` as `…/v1/$ACCOUNT_ID/$GATEWAY_ID/…`.
 */
export function documentedHost(bundle: OpenAPIDoc): string {
  const host = bundle.servers?.[0]?.url as string | undefined
  if (!host) throw new Error('the bundle has no server')
  return host.replace(/\/+$/, '').replace(/\{(\w+)\}/g, (_, name: string) => `$${name.toUpperCase()}`)
}

/** The request of an exchange, pointed at the documented host with the key as `$<ENV_KEY>`. */
export function wireRequest(exchange: Exchange, bundle: OpenAPIDoc): WireRequest {
  const host = documentedHost(bundle)
  const { request } = exchange
  const query = new URLSearchParams(request.query).toString()
  const target = request.path + (query ? `?${query}` : '')
  const keyVar = `$${registry[exchange.provider].envKey}`
  const credentials = registry[exchange.provider].credentials as readonly { header: string; prefix: string; env?: string }[]
  const headers: [string, string][] = []
  for (const [name, value] of Object.entries(request.headers)) {
    if (TRANSPORT_HEADERS.has(name)) continue
    // The gateway redacted the key (or a gateway token); the sample names the variable the client reads it from.
    const credential = credentials.find((c) => c.header === name)
    const shown = value !== REDACTED ? value : credential ? `${credential.prefix}$${credential.env}` : name === 'authorization' ? `Bearer ${keyVar}` : keyVar
    headers.push([headerName(bundle, name), shown])
  }
  if (headers.every(([, v]) => !v.includes(keyVar))) throw new Error(`${exchange.provider}: the recorded request carries no key header`)
  return { method: request.method, url: host + target, target, headers, body: request.body }
}

/** Single-quotes for a POSIX shell. */
const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
/** Double quotes, so that `$VAR` expands. */
const shellDouble = (s: string): string => `"${s.replace(/(["\\`])/g, '\\$1')}"`

/**
 * A JSON value with nested objects and arrays past `depth` folded to `{…}` / `[…]`: enough to show an
 * envelope (`{"code":200,"data":{…}}`) without pasting a whole answer.
 */
export function shape(value: unknown, depth = 1): string {
  if (Array.isArray(value)) return depth <= 0 ? '[…]' : `[${value.map((v) => shape(v, depth - 1)).join(',')}]`
  if (value && typeof value === 'object') {
    if (depth <= 0) return '{…}'
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${shape(v, depth - 1)}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

/** What the gateway answered, in one line: status, type and the body's outline (the first event of a stream). */
export function responseOutline(exchange: Exchange): string {
  const { status, contentType, body } = exchange.response
  const type = contentType.split(';')[0]?.trim() ?? ''
  let outline: string
  if (type === 'text/event-stream') {
    const first = body.split(/\r?\n/).find((l) => l.startsWith('data:'))
    outline = first ? `data: ${shape(JSON.parse(first.slice(5)))} …` : '(no events)'
  } else {
    try {
      outline = shape(JSON.parse(body))
    } catch {
      outline = `${body.length} bytes`
    }
  }
  return `${status} ${type}: ${outline}`
}

/** The curl command for an exchange, plus a comment with what the gateway answered. */
export function curlSample(exchange: Exchange, bundle: OpenAPIDoc): string {
  const wire = wireRequest(exchange, bundle)
  // A host with variables (cloudflare's ids) in double quotes, so that they expand.
  const lines = [`curl -X ${wire.method} ${wire.url.includes('$') ? shellDouble(wire.url) : shellQuote(wire.url)}`]
  if (exchange.call.method === 'streamGenerateContent') lines[0] += ' -N'
  for (const [name, value] of wire.headers) lines.push(`  -H ${value.includes('$') ? shellDouble(`${name}: ${value}`) : shellQuote(`${name}: ${value}`)}`)
  if (wire.body !== undefined) lines.push(`  -d ${shellQuote(compactJson(wire.body))}`)
  return `${lines.join(' \\\n')}\n# Answer: ${responseOutline(exchange)}\n`
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** How {@link literal} spells keys and strings: TypeScript or JSON. */
interface Spelling {
  key: (k: string) => string
  string: (s: string) => string
}
const TS: Spelling = { key: (k) => (IDENTIFIER.test(k) ? k : `'${k}'`), string: (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` }
const JSON_SPELLING: Spelling = { key: (k) => JSON.stringify(k), string: (s) => JSON.stringify(s) }

/** A value as a literal, on one line when it fits in `width` characters, else one member per line (two-space indents). */
function literal(value: unknown, spell: Spelling, indent = '', width = 72): string {
  const inner = `${indent}  `
  if (typeof value === 'string') return spell.string(value)
  const fit = (open: string, items: string[], close: string, pad: string): string => {
    const flat = `${open}${pad}${items.join(', ')}${pad}${close}`
    return flat.length + indent.length <= width && !flat.includes('\n')
      ? flat
      : `${open}\n${items.map((i) => inner + i).join(',\n')}${spell === TS ? ',' : ''}\n${indent}${close}`
  }
  if (Array.isArray(value))
    return value.length === 0
      ? '[]'
      : fit(
          '[',
          value.map((v) => literal(v, spell, inner, width)),
          ']',
          '',
        )
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${spell.key(k)}: ${literal(v, spell, inner, width)}`)
    return entries.length === 0 ? '{}' : fit('{', entries, '}', ' ')
  }
  return JSON.stringify(value)
}

/** A value as a TypeScript literal: unquoted keys, single-quoted strings. */
export const tsLiteral = (value: unknown): string => literal(value, TS)
/** A value as JSON, laid out like {@link tsLiteral}: short members on one line. */
export const compactJson = (value: unknown, width = 72): string => literal(value, JSON_SPELLING, '', width)

/** The statements of a call and a use of its result. */
function typescriptCall(call: SampleCall): string {
  const args = call.args.map((a) => tsLiteral(a)).join(', ')
  const body: Record<SampleCall['method'], string> = {
    generateContent: `const response = await client.generateContent(${args})\nconsole.log(text(response))`,
    streamGenerateContent: `for await (const chunk of client.streamGenerateContent(${args})) {\n  process.stdout.write(text(chunk))\n}`,
    countTokens: `const { totalTokens } = await client.countTokens(${args})\nconsole.log(totalTokens)`,
    listModels: `for await (const model of client.listModels(${args})) {\n  console.log(model.name)\n}`,
    getModel: `const model = await client.getModel(${args})\nconsole.log(model.inputTokenLimit)`,
  }
  return body[call.method]
}

/**
 * The TypeScript sample of one or more calls: the import, createClient for the provider, then each call
 * and a use of its result (under a comment naming the method when there are several).
 */
export function typescriptSample(provider: Provider, calls: SampleCall[], bundle?: OpenAPIDoc): string {
  const usesText = calls.some((c) => c.method === 'generateContent' || c.method === 'streamGenerateContent')
  const parts = calls.map((c) => (calls.length > 1 ? `\n// ${c.method}\n` : '') + typescriptCall(c))
  // The options its host needs (cloudflare's ids: the server variables' defaults stand for yours).
  const variables = ((bundle?.servers?.[0] as { variables?: unknown } | undefined)?.variables ?? {}) as Record<
    string,
    { default?: string; 'x-client-option'?: string }
  >
  const own = Object.values(variables).map((v) => `${v['x-client-option']}: ${tsLiteral(v.default ?? '')}`)
  const tokens = (registry[provider].credentials as readonly { env?: string; header: string }[])
    .map((c) => `; the gateway's token, where it wants one, from ${c.env}`)
    .join('')
  return [
    `import { createClient${usesText ? ', text' : ''} } from 'gemini-gateways'`,
    '',
    `// The key is read from ${registry[provider].envKey}${tokens}.`,
    `const client = createClient({ provider: '${provider}'${own.map((o) => `, ${o}`).join('')} })`,
    ...parts,
    '',
  ].join('\n')
}

/** A Redoc code sample. */
export interface CodeSample {
  lang: string
  label: string
  source: string
}

/**
 * The sample languages, in the order Redoc's selector lists them (the first is shown first). Redoc drops
 * any sample whose label is not in this list, so each operation has exactly one sample per language.
 */
export const SAMPLE_LANGUAGES = [
  { lang: 'TypeScript', label: 'TypeScript' },
  { lang: 'curl', label: 'curl' },
] as const

/**
 * Every operation's samples, by operationId: one TypeScript and one curl sample. An operation that several
 * client methods share (apimart's one `{method}` path) shows each call in turn, under a comment naming it.
 */
export function codeSamples(exchanges: Exchange[], bundle: OpenAPIDoc): Map<string, CodeSample[]> {
  const byOp = new Map<string, Exchange[]>()
  for (const x of exchanges) byOp.set(x.operationId, [...(byOp.get(x.operationId) ?? []), x])
  const out = new Map<string, CodeSample[]>()
  for (const [op, list] of byOp) {
    const joined = (comment: string, source: (x: Exchange) => string): string =>
      list.length === 1 ? source(list[0] as Exchange) : list.map((x) => `${comment} ${x.call.method}\n${source(x)}`).join('\n')
    const [ts, curl] = SAMPLE_LANGUAGES
    out.set(op, [
      {
        ...ts,
        source: typescriptSample(
          (list[0] as Exchange).provider,
          list.map((x) => x.call),
          bundle,
        ),
      },
      { ...curl, source: joined('#', (x) => curlSample(x, bundle)) },
    ])
  }
  return out
}

/**
 * A copy of `bundle` whose every operation carries its samples. Fails when an operation has none: each
 * operation of the bundle must be reached by some sample call.
 */
export function withCodeSamples(bundle: OpenAPIDoc, exchanges: Exchange[]): OpenAPIDoc {
  const samples = codeSamples(exchanges, bundle)
  const copy = structuredClone(bundle)
  for (const item of Object.values(copy.paths ?? {})) {
    for (const op of Object.values(item) as { operationId?: string; 'x-codeSamples'?: CodeSample[] }[]) {
      if (!op || typeof op !== 'object' || !op.operationId) continue
      const mine = samples.get(op.operationId)
      if (!mine) throw new Error(`operation ${op.operationId} has no sample call; add one in scripts/docs/exchanges.ts`)
      op['x-codeSamples'] = mine
    }
  }
  return copy
}

/**
 * The index's table: the generateContent sample as each provider's wire carries it, side by side, one
 * column per provider: request line, headers, body and the answer's outline.
 */
export function renderWireTable(providers: readonly string[], exchanges: Record<string, Exchange[]>, bundles: Record<string, OpenAPIDoc>): string {
  const cols = providers.map((p) => {
    const x = exchanges[p]?.find((e) => e.call.method === 'generateContent')
    const bundle = bundles[p]
    if (!x || !bundle) throw new Error(`${p}: no recorded generateContent exchange`)
    return { p, x, wire: wireRequest(x, bundle) }
  })
  const pre = (s: string): string => `<pre><code>${escapeHtml(s)}</code></pre>`
  const row = (title: string, cell: (c: (typeof cols)[number]) => string): string =>
    `<tr><th scope="row">${escapeHtml(title)}</th>${cols.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`
  return `<table class="compare wire">
<thead><tr><th></th>${cols.map((c) => `<th scope="col">${escapeHtml(c.p)}</th>`).join('')}</tr></thead>
<tbody>
${row('Request', (c) => pre(`${c.wire.method} ${c.wire.target}`))}
${row('Host', (c) => pre(new URL(c.wire.url).host))}
${row('Auth header', (c) =>
  pre(
    c.wire.headers
      .filter(([, v]) => v.includes(`$${registry[c.p as Provider].envKey}`))
      .map(([n, v]) => `${n}: ${v}`)
      .join('\n'),
  ),
)}
${row('Body', (c) => pre(compactJson(c.wire.body, 30)))}
${row('Answer', (c) => pre(responseOutline(c.x)))}
</tbody>
</table>`
}
