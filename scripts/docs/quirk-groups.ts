/**
 * Data for `docs/quirks.html`: the groups a gateway's overlay actions fall into, how an action is sorted
 * into them (by its target and, for `$` and `$.components.schemas`, by what it adds), and one hand-written
 * sentence per group saying what the client does about such a quirk. A gateway whose client does something
 * specific gets its own sentence. Placeholders filled from the provider's summary: `{provider}`, `{auth}`
 * (e.g. `Authorization: Bearer`), `{baseUrl}`.
 *
 * When an overlay grows an action no rule here matches, it lands in `other` and test/docs/quirks.test.ts
 * fails until a rule (and, if needed, a group) is added.
 */

import type { ProviderSummary } from '../provider-table.ts'

/** Group ids, in display order. */
export const QUIRK_GROUP_IDS = ['auth', 'host', 'paths', 'body', 'envelope', 'errors', 'models', 'docs', 'other'] as const
export type QuirkGroupId = (typeof QUIRK_GROUP_IDS)[number]

export interface QuirkGroup {
  id: QuirkGroupId
  title: string
  /** What the client does about quirks of this group, for any gateway. */
  client: string
  /** A gateway-specific sentence that replaces {@link QuirkGroup.client}. */
  byProvider?: Record<string, string>
  /** A sentence for every gateway whose spec has what it is about (a reseller gets its relay's this way), after byProvider. */
  variants?: { when: (summary: ProviderSummary) => boolean; text: string }[]
}

/** What the client does with new-api's paths, for the relay and for a reseller that keeps its model list. */
const NEWAPI_MODEL_LIST =
  '`listModels()` calls `GET /v1/models` and maps the OpenAI-style list to Google-shaped models (`models/<id>`), so it looks the same on every provider. `countTokens` and `getModel` are left out of the {provider} client type.'

export const QUIRK_GROUPS: Record<QuirkGroupId, QuirkGroup> = {
  auth: {
    id: 'auth',
    title: 'Authentication',
    client:
      'The client sends the key the way this bundle’s security scheme says ({auth}), from `apiKey` or the provider’s environment variable. It never puts the key in a URL and scrubs it from every error it throws.',
    byProvider: {
      cloudflare:
        'The client sends Google’s key in `x-goog-api-key` (from `apiKey` or `GEMINI_API_KEY`) and, given `gatewayToken` (or `CF_AIG_TOKEN`), the gateway’s token as `cf-aig-authorization: Bearer …`; with Google’s key stored in the gateway the token alone will do. Neither ever goes in a URL, and both are scrubbed from every error it throws.',
    },
  },
  host: {
    id: 'host',
    title: 'Host',
    client:
      "`createClient({ provider: '{provider}' })` defaults to `{baseUrl}`, the bundle’s first server; the `baseUrl` option overrides it (a trailing `/` or version segment is fine).",
    byProvider: {
      cloudflare:
        "`createClient({ provider: 'cloudflare', accountId, gatewayId })` fills the route’s ids in `{baseUrl}`; or pass a `baseUrl` that holds them. Neither, or both at once, is a `ConfigurationError` that says which ids are missing or given twice.",
      litellm:
        "`createClient({ provider: 'litellm' })` defaults to `{baseUrl}`, LiteLLM’s default port; `baseUrl` is your proxy’s root (a trailing `/gemini` or `/gemini/v1beta` is fine: the routes carry `/gemini`).",
    },
  },
  paths: {
    id: 'paths',
    title: 'Paths and operations',
    client:
      'The client calls the routes generated from this bundle. An operation the gateway does not serve is left out of its client type, so calling it does not compile. A stream marked inferred is still requested the Google way (`:streamGenerateContent?alt=sse`); if it ends before its final chunk the client throws `IncompleteStreamError`.',
    byProvider: {
      apimart:
        'Both generation methods go through the one `{method}` path: `generateContent`, or `streamGenerateContent` with `alt=sse`. `countTokens`, `getModel` and `listModels` are left out of the apimart client type.',
      vertex:
        "The client calls `/v1beta1/publishers/google/models/{model}:{method}`, or `/v1/…` with `apiVersion: 'v1'`; `listModels` and `getModel` are left out of the vertex client type (express mode has no model list).",
    },
    // new-api's OpenAI-style model list, wherever a spec keeps it (the relay, and each reseller that does).
    variants: [{ when: (s) => s.operations.some((o) => o.operationId === 'listModels' && o.path === '/v1/models'), text: NEWAPI_MODEL_LIST }],
  },
  body: {
    id: 'body',
    title: 'Request body',
    client:
      'Each request is checked against this gateway’s own request schema before it is sent: a violation (such as an empty `contents`) throws `RequestValidationError` and nothing goes over the wire.',
    byProvider: {
      nordlys:
        'The client translates the canonical camelCase request into nordlys’s wire body: the settings of `generationConfig`, plus `systemInstruction`, `safetySettings`, `tools` and `toolConfig`, go inside `generation_config`, which nordlys reads, so no setting is silently dropped. Router fields such as `provider_order` are typed on the nordlys client only.',
    },
  },
  envelope: {
    id: 'envelope',
    title: 'Response body and envelope',
    client:
      'Responses are checked tolerantly against this bundle’s response schemas: the fields added here, and any field no spec lists yet, pass and stay on the returned object; a wrong structure throws `ResponseValidationError`.',
    byProvider: {
      apimart:
        'The client unwraps `{code: 200, data, usageMetadata}` into a plain GenerateContentResponse, merging the outer `usageMetadata` back in, and passes a bare body through. An envelope with any other `code` throws a `GeminiGatewayError`; it never becomes an empty success.',
    },
  },
  errors: {
    id: 'errors',
    title: 'Error bodies',
    client:
      'Every error shape this bundle lists (and HTML pages from a proxy, bare strings, HTTP 200 with an `error` body) becomes a `GeminiGatewayError` subclass chosen by HTTP status, keeping `status`, the provider’s own `code`, `requestId` and the raw body.',
  },
  models: {
    id: 'models',
    title: 'Models',
    client:
      'The `model` parameter is typed as these documented ids plus any other string: they autocomplete, and a model released after the docs still compiles. A `models/` prefix is stripped before the id goes in the path.',
  },
  docs: {
    id: 'docs',
    title: 'Rendered docs',
    client: 'Nothing at run time: these actions only name the gateway and tidy its rendered page.',
  },
  other: {
    id: 'other',
    title: 'Other',
    client: 'Not sorted yet: add a rule for these targets to scripts/docs/quirk-groups.ts.',
  },
}

/** An overlay action as far as the classifier reads it. */
export interface ClassifiableAction {
  target: string
  update?: unknown
  remove?: boolean
}

/** The group of a component schema an overlay adds under `$.components.schemas` (or changes there), by its name. */
export function schemaGroup(name: string): QuirkGroupId {
  if (/Error/.test(name)) return 'errors'
  if (/Envelope/.test(name)) return 'envelope'
  if (/Request|Config|^Part$|^Tool$|Turn|^Content$/.test(name)) return 'body'
  if (/Model/.test(name)) return 'models'
  if (/Response|UsageMetadata/.test(name)) return 'envelope'
  return 'other'
}

/** Rules on the action's target, first match wins; each yields the action's groups (the first is primary). */
const RULES: { test: RegExp; groups: (action: ClassifiableAction) => QuirkGroupId[] }[] = [
  // The path segment of each API version (Vertex AI's v1beta1; v1 left out where a gateway documents v1beta only).
  { test: /^\$\.info\['x-api-versions'\]/, groups: () => ['paths'] },
  { test: /^\$\.info\b|^\$\.tags\b/, groups: () => ['docs'] },
  { test: /^\$\.servers\b/, groups: () => ['host'] },
  { test: /^\$\.security\b|^\$\.components\.securitySchemes\b/, groups: () => ['auth'] },
  { test: /^\$\.components\.parameters\.Model\b/, groups: () => ['models'] },
  { test: /^\$\.paths\b/, groups: () => ['paths'] },
  { test: /^\$\.components\.requestBodies\b|^\$\.components\.schemas\.GenerateContentRequest\b/, groups: () => ['body'] },
  { test: /^\$\.components\.responses\b/, groups: () => ['errors'] },
  { test: /^\$\.components\.schemas\.GenerateContentResponse\b/, groups: () => ['envelope'] },
  { test: /^\$\.components\.schemas$/, groups: (a) => updateKeys(a).map(schemaGroup) },
  // A change inside one schema (a field a gateway drops, lacks or adds): the group of that schema.
  { test: /^\$\.components\.schemas\.\w+/, groups: (a) => [schemaGroup(/^\$\.components\.schemas\.(\w+)/.exec(a.target.trim())![1]!)] },
  {
    // The root: an update that replaces a top-level array (servers, security) the only way Overlay 1.0 can.
    test: /^\$$/,
    groups: (a) => updateKeys(a).map((k): QuirkGroupId => (k === 'servers' ? 'host' : k === 'security' ? 'auth' : k === 'paths' ? 'paths' : 'other')),
  },
]

function updateKeys(action: ClassifiableAction): string[] {
  return action.update && typeof action.update === 'object' && !Array.isArray(action.update) ? Object.keys(action.update) : []
}

/** The groups an overlay action belongs to, primary first, without repeats; `['other']` when no rule matches. */
export function classifyAction(action: ClassifiableAction): QuirkGroupId[] {
  const rule = RULES.find((r) => r.test.test(action.target.trim()))
  const groups = [...new Set(rule ? rule.groups(action) : [])]
  return groups.length > 0 ? groups : ['other']
}
