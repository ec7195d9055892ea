/**
 * Derives a per-provider summary from each bundled OpenAPI description (and its overlay) and renders the
 * comparison table that `scripts/docs.ts` puts on the docs index page. Nothing here is hard-coded per
 * provider: every fact is read from the bundle, so the table follows the spec.
 */

/** A JSON Schema or OpenAPI object as far as this module reads it. */
export interface SchemaLike {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, SchemaLike>
  allOf?: SchemaLike[]
  anyOf?: SchemaLike[]
  oneOf?: SchemaLike[]
  enum?: unknown[]
  [key: string]: unknown
}

/** An OpenAPI media type object. */
export interface MediaTypeLike {
  schema?: SchemaLike
  [key: string]: unknown
}

/** An OpenAPI response or request body (possibly a `$ref`). */
export interface ContentHolder {
  $ref?: string
  description?: string
  content?: Record<string, MediaTypeLike>
  [key: string]: unknown
}

/** An OpenAPI parameter (possibly a `$ref`). */
export interface ParameterLike {
  $ref?: string
  name?: string
  in?: string
  schema?: SchemaLike
  'x-documented-models'?: string[]
  [key: string]: unknown
}

/** An OpenAPI operation. */
export interface OperationLike {
  operationId?: string
  summary?: string
  parameters?: ParameterLike[]
  requestBody?: ContentHolder
  responses?: Record<string, ContentHolder>
  security?: Record<string, string[]>[]
  'x-gateway-support'?: string
  [key: string]: unknown
}

/** An OpenAPI security scheme. */
export interface SecuritySchemeLike {
  type: string
  scheme?: string
  in?: string
  name?: string
  [key: string]: unknown
}

/** The parts of an OpenAPI 3.1 document that the summary reads. */
export interface OpenAPIDoc {
  openapi: string
  info: { title: string; version: string; [key: string]: unknown }
  servers?: { url: string; description?: string }[]
  security?: Record<string, string[]>[]
  paths?: Record<string, Record<string, unknown>>
  components?: {
    schemas?: Record<string, SchemaLike>
    parameters?: Record<string, ParameterLike>
    requestBodies?: Record<string, ContentHolder>
    responses?: Record<string, ContentHolder>
    securitySchemes?: Record<string, SecuritySchemeLike>
    [key: string]: unknown
  }
  [key: string]: unknown
}

/** One action of an OpenAPI Overlay 1.0 document. */
export interface OverlayAction {
  target: string
  description?: string
  update?: unknown
  remove?: boolean
}

/**
 * An OpenAPI Overlay 1.0 document with this repo's `x-gateway` root key: the gateway's name, and `relay` when it
 * runs a relay whose own overlay applies first (infinityblue and anyfast: `relay: newapi`).
 */
export interface OverlayDoc {
  overlay: string
  info: { title: string; version: string }
  'x-gateway'?: { name: string; relay?: string; seed?: string }
  actions: OverlayAction[]
}

/** A provider's overlays as redocly.yaml stacks them, bottom first (a relay's before its reseller's); empty for Google. */
export type OverlayStack = OverlayDoc[]

/** How a provider takes its API key. */
export interface AuthSummary {
  /** Key of the scheme under `components.securitySchemes`. */
  scheme: string
  /** Where the credential goes. */
  in: 'header' | 'query' | 'cookie'
  /** Header (or query/cookie parameter) name, e.g. `x-goog-api-key` or `Authorization`. */
  name: string
  /** Short human form: the header name, or `Authorization: Bearer`. */
  label: string
}

/** One served operation. */
export interface OperationSummary {
  method: string
  path: string
  operationId: string
  summary: string
  /** Served by relay convention but not documented by the gateway (`x-gateway-support: inferred`). */
  inferred: boolean
  /** The 200 response offers `text/event-stream`. */
  streams: boolean
}

/** Top-level key style of a request schema. */
export type KeyStyle = 'camelCase' | 'snake_case' | 'mixed' | 'lowercase'

/** The generateContent request body. */
export interface RequestBodySummary {
  /** Component schema name, or null when inline or absent. */
  schema: string | null
  keys: string[]
  keyStyle: KeyStyle
  snakeCase: boolean
}

/** A success body that may come wrapped: an anyOf/oneOf where one member holds another in a property. */
export interface EnvelopeSummary {
  operationId: string
  wrapper: string
  /** The property of the wrapper that holds the bare body. */
  property: string
  wraps: string
  alternatives: string[]
}

/** One overlay action, kept for its "why". */
export interface QuirkSummary {
  target: string
  kind: 'update' | 'remove'
  description: string
  /** The `x-gateway.name` of the overlay the action is in: the provider's own, or its relay's. */
  from: string
}

/** Everything the comparison table says about one provider. */
export interface ProviderSummary {
  provider: string
  title: string
  /** `x-gateway.name` of the provider's own (top) overlay; null for the canonical (Google) spec. */
  gateway: string | null
  /** The relay whose overlay applies first (`x-gateway.relay`), e.g. `newapi`; null when there is none. */
  relay: string | null
  baseUrl: string
  auth: AuthSummary[]
  operations: OperationSummary[]
  documentedModels: string[]
  requestBody: RequestBodySummary
  streaming: 'documented' | 'inferred' | 'none'
  envelope: EnvelopeSummary | null
  errorSchemas: string[]
  quirks: QuirkSummary[]
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

/** Follows local `$ref`s (`#/...`) until a non-reference node. */
function resolve<T extends { $ref?: string }>(doc: OpenAPIDoc, node: T | undefined): T | undefined {
  let current: unknown = node
  for (let hops = 0; hops < 32; hops++) {
    if (!current || typeof current !== 'object') return undefined
    const ref = (current as { $ref?: unknown }).$ref
    if (typeof ref !== 'string') return current as T
    if (!ref.startsWith('#/')) throw new Error(`external $ref in bundle: ${ref}`)
    current = ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), doc)
  }
  throw new Error(`$ref cycle starting at ${node?.$ref}`)
}

/** The component name a `#/components/<kind>/<Name>` reference points at. */
function refName(node: { $ref?: string } | undefined): string | null {
  return node?.$ref ? (node.$ref.split('/').pop() ?? null) : null
}

function operationsOf(doc: OpenAPIDoc): { method: string; path: string; op: OperationLike }[] {
  const out: { method: string; path: string; op: OperationLike }[] = []
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (HTTP_METHODS.includes(method) && op && typeof op === 'object') out.push({ method, path, op: op as OperationLike })
    }
  }
  return out
}

/** RPC method names a path serves: the literal `:name` suffix, or the enum of a `{param}` suffix (apimart). */
function rpcMethods(doc: OpenAPIDoc, path: string, op: OperationLike): string[] {
  const suffix = /:([^/:]+)$/.exec(path)?.[1]
  if (!suffix) return []
  const param = /^\{(.+)\}$/.exec(suffix)?.[1]
  if (!param) return [suffix]
  const p = (op.parameters ?? []).map((x) => resolve(doc, x)).find((x) => x?.in === 'path' && x.name === param)
  return (p?.schema?.enum ?? []).filter((v): v is string => typeof v === 'string')
}

function jsonSchemaOf(doc: OpenAPIDoc, holder: ContentHolder | undefined): SchemaLike | undefined {
  const content = resolve(doc, holder)?.content
  if (!content) return undefined
  const key = Object.keys(content).find((k) => k === 'application/json' || /\+json$/.test(k))
  return key ? content[key]?.schema : undefined
}

/** Top-level property names, including those merged in through allOf. */
function topLevelKeys(doc: OpenAPIDoc, schema: SchemaLike | undefined, depth = 0): string[] {
  const s = resolve(doc, schema)
  if (!s || depth > 8) return []
  const keys = Object.keys(s.properties ?? {})
  for (const part of s.allOf ?? []) keys.push(...topLevelKeys(doc, part, depth + 1))
  return [...new Set(keys)]
}

function keyStyleOf(keys: string[]): KeyStyle {
  const snake = keys.some((k) => k.includes('_'))
  const camel = keys.some((k) => /[A-Z]/.test(k))
  if (snake && camel) return 'mixed'
  if (snake) return 'snake_case'
  if (camel) return 'camelCase'
  return 'lowercase'
}

function describeAuth(doc: OpenAPIDoc): AuthSummary[] {
  const schemes = doc.components?.securitySchemes ?? {}
  // Root requirement first; an operation-level one only if the root has none.
  const requirements = doc.security ?? operationsOf(doc).find(({ op }) => op.security)?.op.security ?? []
  const names = [...new Set(requirements.flatMap((r) => Object.keys(r)))]
  return names.map((scheme): AuthSummary => {
    const s = schemes[scheme]
    if (!s) throw new Error(`security requirement names unknown scheme ${scheme}`)
    if (s.type === 'http') {
      const kind = (s.scheme ?? '').toLowerCase() === 'bearer' ? 'Bearer' : (s.scheme ?? '')
      return { scheme, in: 'header', name: 'Authorization', label: `Authorization: ${kind}`.trim() }
    }
    if (s.type === 'apiKey' && s.name && (s.in === 'header' || s.in === 'query' || s.in === 'cookie')) {
      return { scheme, in: s.in, name: s.name, label: s.in === 'header' ? s.name : `${s.in} ${s.name}` }
    }
    return { scheme, in: 'header', name: 'Authorization', label: s.type }
  })
}

function describeEnvelope(doc: OpenAPIDoc): EnvelopeSummary | null {
  for (const { op } of operationsOf(doc)) {
    const schema = jsonSchemaOf(doc, op.responses?.['200'] ?? op.responses?.['2XX'])
    const members = schema?.anyOf ?? schema?.oneOf
    if (!members || members.length < 2) continue
    const names = members.map(refName)
    for (const member of members) {
      const props = resolve(doc, member)?.properties ?? {}
      for (const [property, value] of Object.entries(props)) {
        const inner = refName(value)
        if (inner && inner !== refName(member) && names.includes(inner)) {
          return {
            operationId: op.operationId ?? '',
            wrapper: refName(member) ?? '(inline)',
            property,
            wraps: inner,
            alternatives: names.map((n) => n ?? '(inline)'),
          }
        }
      }
    }
  }
  return null
}

function describeErrors(doc: OpenAPIDoc): string[] {
  const schema = jsonSchemaOf(doc, doc.components?.responses?.['Error'])
  if (!schema) return []
  const members = schema.anyOf ?? schema.oneOf ?? [schema]
  return members.map((m) => refName(m) ?? '(inline)')
}

/** The name an overlay gives itself (`x-gateway.name`), else its title. */
export const overlayName = (overlay: OverlayDoc): string => overlay['x-gateway']?.name ?? overlay.info.title

/** Every described action of a stack, bottom overlay first (undescribed ones have no quirk to show), with its overlay's name. */
export function stackActions(stack: OverlayStack): (OverlayAction & { description: string; from: string })[] {
  return stack.flatMap((overlay) =>
    overlay.actions.flatMap((a) => {
      const description = a.description?.trim()
      return description ? [{ ...a, description, from: overlayName(overlay) }] : []
    }),
  )
}

/**
 * Summarises each provider from its bundled OpenAPI description and, for gateways, its stack of overlays.
 *
 * @param bundles - `generated/<provider>/openapi.json`, keyed by provider, in display order.
 * @param overlays - each provider's overlays parsed, as redocly.yaml stacks them; empty (or absent) for Google.
 * @returns One summary per bundle, in the bundles' key order.
 */
export function describeProviders(bundles: Record<string, OpenAPIDoc>, overlays: Record<string, OverlayStack | undefined>): ProviderSummary[] {
  return Object.entries(bundles).map(([provider, doc]): ProviderSummary => {
    const ops = operationsOf(doc)
    const operations = ops.map(({ method, path, op }): OperationSummary => {
      const ok = resolve(doc, op.responses?.['200'])
      return {
        method: method.toUpperCase(),
        path,
        operationId: op.operationId ?? '',
        summary: op.summary ?? '',
        inferred: op['x-gateway-support'] === 'inferred',
        streams: Boolean(ok?.content?.['text/event-stream']),
      }
    })
    const generate = ops.find(({ path, op }) => rpcMethods(doc, path, op).includes('generateContent'))
    const bodySchema = generate ? jsonSchemaOf(doc, generate.op.requestBody) : undefined
    const keys = topLevelKeys(doc, bodySchema)
    const keyStyle = keyStyleOf(keys)
    const streamers = operations.filter((o) => o.streams)
    const stack = overlays[provider] ?? []
    const own = stack.at(-1)
    return {
      provider,
      title: doc.info.title,
      gateway: own ? overlayName(own) : null,
      relay: own?.['x-gateway']?.relay ?? null,
      baseUrl: doc.servers?.[0]?.url ?? '',
      auth: describeAuth(doc),
      operations,
      documentedModels: resolve(doc, doc.components?.parameters?.['Model'])?.['x-documented-models'] ?? [],
      requestBody: { schema: refName(bodySchema), keys, keyStyle, snakeCase: keyStyle === 'snake_case' },
      streaming: streamers.length === 0 ? 'none' : streamers.every((o) => o.inferred) ? 'inferred' : 'documented',
      envelope: describeEnvelope(doc),
      errorSchemas: describeErrors(doc),
      // The whole stack: a reseller differs from Google by its relay's actions and its own.
      quirks: stackActions(stack).map(
        (a): QuirkSummary => ({ target: a.target, kind: a.remove ? 'remove' : 'update', description: a.description, from: a.from }),
      ),
    }
  })
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const code = (text: string): string => `<code>${escapeHtml(text)}</code>`

function list(items: string[]): string {
  return items.length === 0 ? '<span class="none">none</span>' : `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`
}

const ASPECTS: { label: string; cell: (s: ProviderSummary) => string }[] = [
  { label: 'Base URL', cell: (s) => code(s.baseUrl) },
  { label: 'Auth', cell: (s) => list(s.auth.map((a) => code(a.label))) },
  {
    label: 'Operations',
    cell: (s) =>
      list(
        s.operations.map(
          (o) =>
            `${code(`${o.method} ${o.path}`)} <span class="op-id">${escapeHtml(o.operationId)}</span>` +
            (o.inferred ? ' <span class="tag inferred">inferred</span>' : ''),
        ),
      ),
  },
  { label: 'Streaming', cell: (s) => (s.streaming === 'inferred' ? '<span class="tag inferred">inferred</span>' : s.streaming) },
  {
    label: 'Documented models',
    cell: (s) => (s.documentedModels.length === 0 ? '<span class="none">any (no list)</span>' : list(s.documentedModels.map(code))),
  },
  {
    label: 'Request body',
    cell: (s) => `${code(s.requestBody.schema ?? '(inline)')}<br>${escapeHtml(s.requestBody.keyStyle)} keys`,
  },
  {
    label: 'Response envelope',
    cell: (s) =>
      s.envelope
        ? `${code(s.envelope.wrapper)} wraps ${code(s.envelope.wraps)} in ${code(s.envelope.property)}; either may arrive`
        : '<span class="none">bare body</span>',
  },
  { label: 'Error bodies', cell: (s) => list(s.errorSchemas.map(code)) },
  { label: 'Relay', cell: (s) => (s.relay ? code(s.relay) : '<span class="none">none</span>') },
  {
    label: 'Overlay actions',
    cell: (s) => {
      if (!s.gateway) return '<span class="none">canonical spec</span>'
      const own = s.quirks.filter((q) => q.from === s.gateway).length
      return s.relay ? `${own} + ${s.quirks.length - own} from ${code(s.relay)}` : String(own)
    },
  },
]

/**
 * Renders the summaries as one HTML table: a row per aspect, a column per provider.
 *
 * @param summaries - Output of {@link describeProviders}.
 * @returns A `<table>` element with escaped content, no surrounding page.
 */
export function renderComparisonTable(summaries: ProviderSummary[]): string {
  const head = summaries.map((s) => `<th scope="col">${escapeHtml(s.provider)}</th>`).join('')
  const rows = ASPECTS.map((a) => `<tr><th scope="row">${escapeHtml(a.label)}</th>${summaries.map((s) => `<td>${a.cell(s)}</td>`).join('')}</tr>`)
  return `<table class="compare">\n<thead><tr><th></th>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`
}
