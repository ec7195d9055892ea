/**
 * nordlys (seed 003): `X-API-Key` auth, a snake_case request body read like a Go struct with snake_case tags
 * (camelCase keys vanish silently), a top-level `provider` in answers, and streams that just end on failure.
 * @internal
 */
import { GOOGLE_MODELS } from '../catalog.ts'
import {
  contentsProblem,
  jsonReply,
  relayRoute,
  RELAY_JSON,
  requestId,
  type BodyReading,
  type GatewayDialect,
  type ErrorContext,
  type ErrorKind,
  type Reply,
} from '../dialect.ts'

/** snake_case request keys → canonical names. */
const SNAKE_FIELDS: Record<string, string> = {
  generation_config: 'generationConfig',
  safety_settings: 'safetySettings',
  system_instruction: 'systemInstruction',
  tool_config: 'toolConfig',
  tools: 'tools',
}
/** Fields the SDK config object (`generation_config`) may carry that belong to the request, not to GenerationConfig. */
const HOISTED = ['systemInstruction', 'safetySettings', 'tools', 'toolConfig', 'cachedContent'] as const
/** SDK-only members of `generation_config` that mean nothing on the wire. */
const SDK_ONLY = ['httpOptions', 'abortSignal']

const isRouterField = (key: string) => key === 'model' || key === 'models' || key.startsWith('provider_')

function nordlysError(status: number, message: string): Reply {
  return jsonReply(status, { error: { message, request_id: requestId() } }, RELAY_JSON)
}

/** Reads only the documented snake_case keys; the SDK-shaped `generation_config` may carry request-level settings. */
function readBody(body: Record<string, unknown>): BodyReading {
  const effective: Record<string, unknown> = {}
  const ignoredKeys: string[] = []
  const router: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    if (key === 'contents') continue
    const canonical = SNAKE_FIELDS[key]
    if (canonical) effective[canonical] = value
    else if (isRouterField(key)) router[key] = value
    else ignoredKeys.push(key)
  }
  const config = effective.generationConfig
  if (config && typeof config === 'object' && !Array.isArray(config)) {
    const generation: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(config)) {
      if ((HOISTED as readonly string[]).includes(key)) effective[key] ??= value
      else if (!SDK_ONLY.includes(key)) generation[key] = value
    }
    effective.generationConfig = generation
  }
  if (Object.keys(router).length > 0) effective.router = router
  return { effective, contents: body.contents, ignoredKeys, error: contentsProblem(body.contents) }
}

/** The nordlys dialect. */
export const nordlys: GatewayDialect = {
  provider: 'nordlys',
  unaryContentType: RELAY_JSON,
  route: relayRoute,
  notFound: (method, path) => nordlysError(404, `Cannot ${method} ${path}`),
  checkAuth(headers, query, apiKey) {
    const key = headers['x-api-key']
    if (!query.has('key') && key === apiKey) return undefined
    // The only 401 in its source: a bare string.
    return jsonReply(401, { error: 'Authentication required' }, RELAY_JSON)
  },
  error(kind: ErrorKind, ctx: ErrorContext): Reply {
    switch (kind) {
      case 'rate-limit':
        return nordlysError(429, 'rate limit exceeded, please retry later')
      case 'overloaded':
        return nordlysError(503, 'upstream provider unavailable: the model is overloaded')
      case 'server-error':
        return nordlysError(500, 'internal server error')
      case 'error-200':
        return nordlysError(200, 'upstream provider error')
      case 'unknown-model':
        return nordlysError(404, `model not found: ${ctx.model ?? ''}`)
      case 'auth':
        return jsonReply(401, { error: 'Authentication required' }, RELAY_JSON)
      case 'bad-request':
      case 'invalid-argument':
        return nordlysError(400, ctx.message ?? 'invalid request')
    }
  },
  readBody,
  // It routes to Google (its answers say `provider: google`), so Google's catalogue decides.
  models: GOOGLE_MODELS,
  unary: (value) => ({ status: 200, headers: { 'content-type': RELAY_JSON }, body: JSON.stringify({ ...value, provider: 'google' }) }),
  framing: () => ({
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    start: [],
    event: (ev) => `data: ${JSON.stringify({ ...ev.value, provider: 'google' })}\n\n`,
    end: [],
    // Its stream loop just returns on upstream failure: no error event.
    midStreamError: () => undefined,
  }),
}
