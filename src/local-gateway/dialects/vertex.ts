/**
 * vertex: Vertex AI in express mode, as Google's express-mode reference and the official SDK's recordings show it:
 * `/{v1beta1|v1}/publishers/google/models/{model}:{generateContent|streamGenerateContent|countTokens}` with the key
 * in `x-goog-api-key`; Google's error shape; a role required on every turn; the fields only Google AI knows refused
 * as unknown names; answers that add `createTime`, `responseId` and `usageMetadata.trafficType`; no model list (an
 * API key gets 401 there).
 * @internal
 */
import { GOOGLE_MODELS } from '../catalog.ts'
import { REQUEST_FIELDS, type BodyReading, type ErrorContext, type ErrorKind, type GatewayDialect, type GatewayRoute, type Reply } from '../dialect.ts'
import { errorInfo, google, GOOGLE_HEADERS, googleError, googleLine, htmlNotFound, JSON_TYPE, readGoogleBody } from './google.ts'

const PATH = /^\/(v1beta1|v1)\/publishers\/google\/models(?:\/([^/:]+)(?::([A-Za-z]+))?)?$/
const METHODS: Record<string, GatewayRoute['op']> = { generateContent: 'generate', streamGenerateContent: 'stream', countTokens: 'countTokens' }

/** Top-level fields Vertex reads: Google AI's without `cachedContent` (a project's resource there), plus `labels`. */
const FIELDS = [...REQUEST_FIELDS.filter((f) => f !== 'cachedContent'), 'labels']

/** Fields only Google AI knows, where they sit: Vertex refuses them as unknown names (the SDK's *ToVertex converters). */
const GOOGLE_AI_ONLY: { where: (body: Record<string, any>) => { at: string; value: Record<string, unknown> }[]; names: string[] }[] = [
  {
    where: (b) =>
      (Array.isArray(b.contents) ? b.contents : []).flatMap((c: any, i: number) =>
        (Array.isArray(c?.parts) ? c.parts : []).map((p: any, j: number) => ({ at: `contents[${i}].parts[${j}]`, value: p })),
      ),
    names: ['toolCall', 'toolResponse', 'partMetadata'],
  },
  { where: (b) => (Array.isArray(b.tools) ? b.tools : []).map((t: any, i: number) => ({ at: `tools[${i}]`, value: t })), names: ['fileSearch', 'mcpServers'] },
  {
    where: (b) => (b.generationConfig ? [{ at: 'generation_config', value: b.generationConfig }] : []),
    names: ['enableEnhancedCivicAnswers', 'translationConfig'],
  },
  { where: (b) => (b.toolConfig ? [{ at: 'tool_config', value: b.toolConfig }] : []), names: ['includeServerSideToolInvocations'] },
]

/** Vertex's 400 for a turn without a role (BerriAI/litellm issue 32731). */
const NO_ROLE =
  'Unable to submit request because Please use a valid role: user, model.. Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini'

function readBody(body: Record<string, unknown>): BodyReading {
  const reading = readGoogleBody(body, FIELDS)
  if (reading.error) return reading
  for (const { where, names } of GOOGLE_AI_ONLY) {
    for (const { at, value } of where(body)) {
      const name = value && typeof value === 'object' ? names.find((n) => n in value) : undefined
      if (name) return { ...reading, error: `Invalid JSON payload received. Unknown name "${name}" at '${at}': Cannot find field.` }
    }
  }
  const contents = Array.isArray(body.contents) ? body.contents : []
  if (contents.some((c: unknown) => !c || typeof c !== 'object' || typeof (c as { role?: unknown }).role !== 'string' || (c as { role: string }).role === ''))
    return { ...reading, error: NO_ROLE }
  return reading
}

/** What Vertex adds to every answer object: when it was made, its id, and how it was served. */
function vertexAnswer(value: Record<string, unknown>, index = 0): Record<string, unknown> {
  const usage = value.usageMetadata as Record<string, unknown> | undefined
  return {
    ...value,
    ...(usage && { usageMetadata: { ...usage, trafficType: 'ON_DEMAND' } }),
    createTime: (value.createTime as string | undefined) ?? '2026-08-21T10:00:00.000000Z',
    responseId: (value.responseId as string | undefined) ?? `vertex-local-${index}`,
  }
}

const MESSAGE =
  'API keys are not supported by this API. Expected OAuth2 access token or other authentication credentials that assert a principal. See https://cloud.google.com/docs/authentication'
const BAD_KEY = 'API key not valid. Please pass a valid API key.'
const VERTEX_INFO = (reason: string) => ({ ...errorInfo(reason), metadata: { service: 'aiplatform.googleapis.com' } })

/** The vertex dialect. */
export const vertex: GatewayDialect = {
  provider: 'vertex',
  unaryContentType: JSON_TYPE,
  route(method, path, query) {
    const m = PATH.exec(path)
    if (!m) return undefined
    if (m[2] === undefined) return method === 'GET' ? { op: 'listModels' } : undefined
    const op = m[3] === undefined ? undefined : METHODS[m[3]]
    if (method !== 'POST' || !op) return undefined
    return { op, model: decodeURIComponent(m[2]), alt: query.get('alt') ?? undefined }
  },
  notFound: (_method, path) => htmlNotFound(path),
  checkAuth(headers, query, apiKey, ctx) {
    const key = headers['x-goog-api-key']
    // The fake refuses ?key= outright so tests prove the client keeps keys out of URLs.
    if (query.has('key')) return this.error('auth', ctx)
    if (key === undefined) {
      return googleError(
        401,
        'UNAUTHENTICATED',
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        [VERTEX_INFO('CREDENTIALS_MISSING')],
        ctx,
      )
    }
    return key === apiKey ? undefined : this.error('auth', ctx)
  },
  error(kind: ErrorKind, ctx: ErrorContext): Reply {
    if (kind === 'auth') return googleError(400, 'INVALID_ARGUMENT', BAD_KEY, [VERTEX_INFO('API_KEY_INVALID')], ctx)
    if (kind === 'unknown-model') {
      const message = `Publisher Model \`publishers/google/models/${ctx.model ?? ''}\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions`
      return googleError(404, 'NOT_FOUND', message, undefined, ctx)
    }
    return google.error(kind, ctx)
  },
  readBody,
  models: GOOGLE_MODELS,
  unary: (value) => ({ status: 200, headers: { 'content-type': JSON_TYPE, ...GOOGLE_HEADERS }, body: `${JSON.stringify(vertexAnswer(value), null, 2)}\n` }),
  framing(ctx) {
    const base = google.framing(ctx)
    if (ctx.route.alt !== 'sse') return { ...base, event: (ev, i) => `${i === 0 ? '' : '\n,\r\n'}${JSON.stringify(vertexAnswer(ev.value, i), null, 2)}` }
    return { ...base, event: (ev, i) => `data: ${googleLine(vertexAnswer(ev.value, i))}\r\n\r\n` }
  },
  countTokens(rawText) {
    const counted = JSON.parse(rawText) as { totalTokens?: number; cachedContentTokenCount?: number }
    const { cachedContentTokenCount: _, ...rest } = counted
    // Vertex also reports the billable characters (about four per token of English text here).
    return {
      status: 200,
      headers: { 'content-type': JSON_TYPE, ...GOOGLE_HEADERS },
      body: `${JSON.stringify({ ...rest, totalBillableCharacters: (counted.totalTokens ?? 0) * 4 }, null, 2)}\n`,
    }
  },
  // Express mode has no model list: an API key is refused there.
  listModels: (_query, ctx) =>
    googleError(
      401,
      'UNAUTHENTICATED',
      MESSAGE,
      [
        {
          ...VERTEX_INFO('CREDENTIALS_MISSING'),
          metadata: { service: 'aiplatform.googleapis.com', method: 'google.cloud.aiplatform.v1beta1.ModelGardenService.ListPublisherModels' },
        },
      ],
      ctx,
    ),
}
