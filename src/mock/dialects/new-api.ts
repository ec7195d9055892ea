/**
 * Shared behaviour of relays that run the open-source `new-api` (infinityblue, anyfast; inferred from their docs
 * and error shapes): Bearer auth, OpenAI-style errors, SSE with a `: PING` comment and a final `data: [DONE]`.
 * @internal
 */
import {
  checkBearer,
  jsonReply,
  readCamelBody,
  relayRoute,
  RELAY_JSON,
  type Dialect,
  type ErrorContext,
  type ErrorKind,
  type Reply,
} from '../dialect.ts'
import type { MockProvider } from '../types.ts'

/** `{"error":{"message","type","param","code"}}`; new-api always writes `param`, and `code` is a string or a number. */
export function openAiError(status: number, message: string, type: string, code: string | number): Reply {
  return jsonReply(status, { error: { message, type, param: '', code } }, RELAY_JSON)
}

const OVERLOADED = 'The model is overloaded. Please try again later.'

/** Builds a new-api relay dialect; `decorate` adds what that reseller adds to each response object. */
export function newApiDialect(
  provider: MockProvider,
  decorate: ((value: Record<string, unknown>, model: string) => Record<string, unknown>) | undefined,
  extra: Partial<Dialect> = {},
): Dialect {
  const encode = (value: Record<string, unknown>, model: string) => JSON.stringify(decorate ? decorate(value, model) : value)
  const dialect: Dialect = {
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
          // What new-api answers when no channel serves the model.
          return openAiError(503, `No available channel for model ${ctx.model ?? ''}`, 'new_api_error', 'model_not_found')
        case 'auth':
          return openAiError(401, 'Invalid token', 'new_api_error', 'invalid_api_key')
        case 'bad-request':
          return openAiError(400, ctx.message ?? 'invalid request body', 'new_api_error', 'bad_request_body')
      }
    },
    readBody: readCamelBody,
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
