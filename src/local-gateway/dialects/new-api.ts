/**
 * Shared behaviour of relays that run the open-source `new-api` (infinityblue, anyfast; inferred from their docs
 * and error shapes): Bearer auth, OpenAI-style errors, SSE with a `: PING` comment and a final `data: [DONE]`.
 * @internal
 */
import { randomBytes } from 'node:crypto'
import {
  checkBearer,
  jsonReply,
  readCamelBody,
  relayRoute,
  RELAY_JSON,
  type GatewayDialect,
  type ErrorContext,
  type ErrorKind,
  type Reply,
} from '../dialect.ts'
import type { LocalGatewayProvider } from '../types.ts'

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
 * Builds a new-api relay dialect that routes `models` (its channels' models); `decorate` adds what that reseller
 * adds to each response object.
 */
export function newApiDialect(
  provider: LocalGatewayProvider,
  models: readonly string[],
  decorate: ((value: Record<string, unknown>, model: string) => Record<string, unknown>) | undefined,
  extra: Partial<GatewayDialect> = {},
): GatewayDialect {
  const encode = (value: Record<string, unknown>, model: string) => JSON.stringify(decorate ? decorate(value, model) : value)
  const dialect: GatewayDialect = {
    provider,
    unaryContentType: RELAY_JSON,
    route: relayRoute,
    // new-api's catch-all for unknown relay paths.
    notFound: (method, path) => openAiError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error', ''),
    checkAuth(headers, query, apiKey) {
      const state = checkBearer(headers, query, apiKey)
      if (state === 'ok') return undefined
      return openAiError(401, state === 'missing' ? 'No token provided' : 'Invalid token', 'new_api_error', 'invalid_api_key')
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
          return openAiError(503, `No available channel for model ${ctx.model ?? ''} under group default (distributor)`, 'new_api_error', 'model_not_found', newApiRequestId())
        case 'auth':
          return openAiError(401, 'Invalid token', 'new_api_error', 'invalid_api_key')
        case 'bad-request':
          return openAiError(400, ctx.message ?? 'invalid request body', 'new_api_error', 'bad_request_body')
        case 'invalid-argument':
          // Google's 400 relayed: its message kept, its status name and details lost.
          return openAiError(400, ctx.message ?? 'Request contains an invalid argument.', 'upstream_error', 400, newApiRequestId())
      }
    },
    readBody: readCamelBody,
    models,
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
    ...extra,
  }
  return dialect
}
