/**
 * apimart (seed 002): Bearer auth, `/v1beta/models/{model}:{method}`, errors in a `{code,msg,data}` envelope, and
 * (as documented) unary answers wrapped as `{code:200,data,usageMetadata}` with `usageMetadata` moved outside `data`.
 * Streams are not wrapped.
 * @internal
 */
import { APIMART_MODELS } from '../catalog.ts'
import { checkBearer, envelope, readCamelBody, relayRoute, RELAY_JSON, type GatewayDialect, type ErrorContext, type ErrorKind, type Reply } from '../dialect.ts'

/** The documented success envelope. */
function wrap(value: Record<string, unknown>): Record<string, unknown> {
  const { usageMetadata, ...data } = value
  return { code: 200, data, ...(usageMetadata === undefined ? {} : { usageMetadata }) }
}

/** Status and message of the errors whose text does not depend on the request. */
const ERRORS: Record<'rate-limit' | 'overloaded' | 'server-error' | 'auth', [number, string]> = {
  'rate-limit': [429, 'Too many requests, please retry later'],
  overloaded: [503, 'Service unavailable: the model is overloaded'],
  'server-error': [500, 'Internal server error'],
  auth: [401, 'Unauthorized: invalid API key'],
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
    if (kind === 'unknown-model') return envelope(404, `Model not found: ${ctx.model ?? ''}`)
    if (kind === 'bad-request' || kind === 'invalid-argument') return envelope(400, ctx.message ?? 'Bad request')
    // An error in the envelope on an HTTP 200, as relays that always answer 200 send it.
    if (kind === 'error-200') return envelope(503, ERRORS.overloaded[1], 200)
    return envelope(...ERRORS[kind])
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
