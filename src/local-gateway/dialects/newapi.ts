/**
 * newapi: the open-source relay `new-api`, which most resellers run (infinityblue and anyfast are instances of it),
 * as its public source behaves: a key by `Authorization: Bearer` or, on the native Gemini paths, `x-goog-api-key`
 * or `?key=` (a header wins); generations at `/v1beta/models/*` and `/v1/models/*`; OpenAI-shaped errors; SSE with
 * a `: PING` comment and a final `data: [DONE]`; an OpenAI-style model list at `GET /v1/models`; no countTokens and
 * no single-model GET (they get its OpenAI-shaped 404). The resellers' files spread this dialect and change only what they do differently.
 * @internal
 */
import type { IncomingHttpHeaders } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { Provider } from '../../../generated/registry.ts'
import { NEWAPI_MODELS } from '../catalog.ts'
import { decodeNewapiRequest } from '../newapi-structs.ts'
import {
  checkBearer,
  contentsProblem,
  jsonReply,
  relayRoute,
  RELAY_JSON,
  type BodyReading,
  type ErrorContext,
  type ErrorKind,
  type GatewayDialect,
  type Reply,
} from '../dialect.ts'

/**
 * `{"error":{"message","type","param","code"}}`; new-api always writes `param`, and `code` is a string or a number.
 * With `requestId`, the message ends in ` (request id: …)` and the id is also in `X-Oneapi-Request-Id`, as new-api
 * does for errors it relays or raises while relaying.
 */
export function openAiError(status: number, message: string, type: string, code: string | number, requestId?: string): Reply {
  const text = requestId === undefined ? message : `${message} (request id: ${requestId})`
  const reply = jsonReply(status, { error: { message: text, type, param: '', code } }, RELAY_JSON)
  if (requestId !== undefined) reply.headers['x-oneapi-request-id'] = requestId
  return reply
}

/** An id shaped like new-api's: the time to the second (UTC), then 17 random digits. */
export function newApiRequestId(now = new Date()): string {
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14)
  const digits = Array.from(randomBytes(17), (b) => String(b % 10)).join('')
  return stamp + digits
}

const OVERLOADED = 'The model is overloaded. Please try again later.'

/**
 * As new-api reads a native body: decoded into its structs and encoded again (../newapi-structs.ts), so whatever its
 * structs lack is gone from what it forwards; `dropped` lists each such field.
 */
export function readNewapiBody(body: Record<string, unknown>): BodyReading {
  const { forwarded, dropped } = decodeNewapiRequest(body)
  const { contents, ...effective } = forwarded
  const ignoredKeys = dropped.filter((p) => p.lastIndexOf('/') === 0).map((p) => p.slice(1))
  return { effective, contents, ignoredKeys, forwarded, dropped, error: contentsProblem(body.contents) }
}

/** new-api's 401 for a request without a key, or with a key it does not know. */
function tokenError(state: 'missing' | 'invalid'): Reply {
  return openAiError(401, state === 'missing' ? 'No token provided' : 'Invalid token', 'new_api_error', 'invalid_api_key')
}

/** new-api routes both `/v1beta/models/*` and `/v1/models/*` to its Gemini handler (router/relay-router.go). */
export const RELAY_VERSIONS = ['v1beta', 'v1']

/**
 * The key new-api reads: `Authorization: Bearer` everywhere; on the native Gemini paths (`/v1beta/…`, and
 * `/v1/models/…`, which it relays the same way) also `x-goog-api-key`, then `?key=`, so a header wins over the query.
 */
function presentedKey(headers: IncomingHttpHeaders, query: URLSearchParams, path: string): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim()
  if (bearer) return bearer
  if (!path.startsWith('/v1beta/') && !path.startsWith('/v1/models/')) return undefined
  const googKey = headers['x-goog-api-key']
  return (Array.isArray(googKey) ? googKey[0] : googKey) || query.get('key') || undefined
}

/**
 * Auth of a reseller that documents only `Authorization: Bearer`: the other ways new-api takes a key are refused
 * here, `?key=` included, so tests prove the client sends the documented one.
 */
export const bearerOnly: GatewayDialect['checkAuth'] = (headers, query, apiKey) => {
  const state = checkBearer(headers, query, apiKey)
  return state === 'ok' ? undefined : tokenError(state)
}

/** What a reseller adds to each response object it relays. */
export type Decoration = (value: Record<string, unknown>, model: string) => Record<string, unknown>

/** new-api's answers: Google's bytes passed through, or each object re-encoded with a reseller's `decorate`. */
export function newApiAnswers(decorate?: Decoration): Pick<GatewayDialect, 'unary' | 'framing'> {
  const encode = (value: Record<string, unknown>, model: string) => JSON.stringify(decorate ? decorate(value, model) : value)
  return {
    unary: (value, rawText, ctx) => ({
      status: 200,
      headers: { 'content-type': RELAY_JSON },
      // Without decoration the relay passes Google's bytes through.
      body: decorate ? encode(value, ctx.model) : rawText,
    }),
    framing: (ctx) => ({
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
      start: [': PING\n\n'],
      event: (ev) => `data: ${encode(ev.value, ctx.model)}\n\n`,
      end: ['data: [DONE]\n\n'],
      midStreamError: () => `data: ${JSON.stringify({ error: { message: OVERLOADED, type: 'upstream_error', param: '', code: 503 } })}\n\n`,
    }),
  }
}

/** The newapi dialect. */
export const newapi: GatewayDialect = {
  provider: 'newapi',
  unaryContentType: RELAY_JSON,
  route(method, path, query) {
    if (method === 'GET' && path === '/v1/models') return { op: 'openaiModels' }
    return relayRoute(method, path, query, RELAY_VERSIONS)
  },
  // new-api's catch-all for unknown relay paths.
  notFound: (method, path) => openAiError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error', ''),
  checkAuth(headers, query, apiKey, ctx) {
    const key = presentedKey(headers, query, ctx.path)
    if (key === undefined) return tokenError('missing')
    return key === apiKey ? undefined : tokenError('invalid')
  },
  error(kind: ErrorKind, ctx: ErrorContext): Reply {
    switch (kind) {
      case 'rate-limit':
        return openAiError(429, 'Resource has been exhausted (e.g. check quota).', 'upstream_error', 429)
      case 'overloaded':
        return openAiError(503, OVERLOADED, 'upstream_error', 'bad_response_status_code')
      case 'server-error':
        return openAiError(500, 'do request failed: upstream connection reset', 'new_api_error', 'do_request_failed')
      case 'error-200':
        return openAiError(200, OVERLOADED, 'upstream_error', 503)
      case 'unknown-model':
        // What new-api answers when no channel of the caller's group serves the model.
        return openAiError(
          503,
          `No available channel for model ${ctx.model ?? ''} under group default (distributor)`,
          'new_api_error',
          'model_not_found',
          newApiRequestId(),
        )
      case 'auth':
        return tokenError('invalid')
      case 'bad-request':
        return openAiError(400, ctx.message ?? 'invalid request body', 'new_api_error', 'bad_request_body')
      case 'invalid-argument':
        // Google's 400 relayed: its message kept, its status name and details lost.
        return openAiError(400, ctx.message ?? 'Request contains an invalid argument.', 'upstream_error', 400, newApiRequestId())
    }
  },
  readBody: readNewapiBody,
  models: NEWAPI_MODELS,
  ...newApiAnswers(),
  // The models of its channels, OpenAI-style (a reseller that spreads this dialect lists its own `models`).
  openaiModels() {
    return jsonReply(200, { object: 'list', data: this.models.map((id) => ({ id, object: 'model', owned_by: 'google' })) }, RELAY_JSON)
  },
}

/** What a reseller's spec says of it, for {@link reseller}. */
export interface ResellerSpec {
  provider: Provider
  /** The models it documents; none: new-api's own catalogue here. */
  models: readonly string[]
  /** Whether its spec keeps the relay's other way in, Google's key header; otherwise only `Authorization: Bearer`. */
  googleKeyHeader: boolean
  /** Whether its spec keeps the relay's `GET /v1/models`. */
  modelList: boolean
}

/**
 * new-api as a reseller runs it, from what the reseller's spec says: the generated local-gateway dialect of a gateway
 * whose overlay says `x-gateway.relay: newapi` and that has no dialect file of its own.
 */
export function reseller(spec: ResellerSpec): GatewayDialect {
  return {
    ...newapi,
    provider: spec.provider,
    models: spec.models.length > 0 ? spec.models : NEWAPI_MODELS,
    ...(!spec.googleKeyHeader && { checkAuth: bearerOnly }),
    ...(!spec.modelList && {
      route: (method: string, path: string, query: URLSearchParams) => relayRoute(method, path, query, RELAY_VERSIONS),
      openaiModels: undefined,
    }),
  }
}
