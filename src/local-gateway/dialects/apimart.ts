/**
 * apimart (seed 002): Bearer auth, `/v1beta/models/{model}:{method}`, errors in a `{code,msg,data}` envelope, and
 * (as documented) unary answers wrapped as `{code:200,data,usageMetadata}` with `usageMetadata` moved outside `data`.
 * Streams are not wrapped.
 * @internal
 */
import { APIMART_MODELS } from '../catalog.ts'
import {
  checkBearer,
  envelope,
  readCamelBody,
  relayRoute,
  RELAY_JSON,
  type GatewayDialect,
  type ErrorContext,
  type ErrorKind,
  type Reply,
} from '../dialect.ts'

/** The documented success envelope. */
function wrap(value: Record<string, unknown>): Record<string, unknown> {
  const { usageMetadata, ...data } = value
  return { code: 200, data, ...(usageMetadata === undefined ? {} : { usageMetadata }) }
}

/** The apimart dialect. */
export const apimart: GatewayDialect = {
  provider: 'apimart',
  unaryContentType: RELAY_JSON,
  route: relayRoute,
  notFound: () => envelope(404, 'Not Found'),
  checkAuth(headers, query, apiKey) {
    const state = checkBearer(headers, query, apiKey)
    if (state === 'ok') return undefined
    return envelope(401, state === 'missing' ? 'Unauthorized: missing API key' : 'Unauthorized: invalid API key')
  },
  error(kind: ErrorKind, ctx: ErrorContext): Reply {
    switch (kind) {
      case 'rate-limit':
        return envelope(429, 'Too many requests, please retry later')
      case 'overloaded':
        return envelope(503, 'Service unavailable: the model is overloaded')
      case 'server-error':
        return envelope(500, 'Internal server error')
      case 'error-200':
        return envelope(503, 'Service unavailable: the model is overloaded', 200)
      case 'unknown-model':
        return envelope(404, `Model not found: ${ctx.model ?? ''}`)
      case 'auth':
        return envelope(401, 'Unauthorized: invalid API key')
      case 'bad-request':
      case 'invalid-argument':
        return envelope(400, ctx.message ?? 'Bad request')
    }
  },
  readBody: readCamelBody,
  models: APIMART_MODELS,
  unary: (value, rawText, ctx) => ({
    status: 200,
    headers: { 'content-type': RELAY_JSON },
    body: ctx.envelope ? JSON.stringify(wrap(value)) : rawText,
  }),
  framing: () => ({
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    start: [],
    event: (ev) => `data: ${JSON.stringify(ev.value)}\n\n`,
    end: [],
    // Google's own error, forwarded as an SSE event.
    midStreamError: () =>
      `data: ${JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } })}\n\n`,
  }),
}
