/**
 * litellm: a LiteLLM proxy's Gemini pass-through, as its route's source and its users' reports show it: Google's
 * paths under `/gemini`, the proxy's virtual key read from `x-goog-api-key` (never `Authorization` on this route),
 * its own auth errors OpenAI-shaped with a string code, Google's answers and errors relayed as they came. Streams are
 * relayed byte by byte as Google's arrive, so a frame may be split inside its JSON, and end with `data: [DONE]`,
 * as LiteLLM's issues report (BerriAI/litellm 30224, 30471; pull requests 29201, 29426): the client must read both.
 * @internal
 */
import { jsonReply, type ErrorContext, type ErrorKind, type GatewayDialect, type Reply } from '../dialect.ts'
import { google } from './google.ts'

const PREFIX = '/gemini'

/** The proxy's own error (ProxyException): OpenAI's shape, `code` a string. */
function proxyError(status: number, message: string, type: string, param: string): Reply {
  return jsonReply(status, { error: { message, type, param, code: String(status) } }, 'application/json')
}

/** How the proxy shows a key it does not know: its first three and last four characters. */
const abbreviated = (key: string) => (key.length > 7 ? `${key.slice(0, 3)}...${key.slice(-4)}` : '...')

/** Splits one upstream frame in two, inside its JSON: what a relay that passes bytes on as they come may do. */
function split(frame: string): string[] {
  const at = frame.indexOf('{') + Math.max(1, Math.floor((frame.length - frame.indexOf('{')) / 2))
  return [frame.slice(0, at), frame.slice(at)]
}

/** The litellm dialect. */
export const litellm: GatewayDialect = {
  provider: 'litellm',
  unaryContentType: google.unaryContentType,
  route(method, path, query) {
    return path.startsWith(`${PREFIX}/`) ? google.route(method, path.slice(PREFIX.length), query) : undefined
  },
  // FastAPI's answer for a path no route has; under /gemini, Google's own 404 page relayed.
  notFound: (method, path) =>
    path.startsWith(`${PREFIX}/`) ? google.notFound(method, path.slice(PREFIX.length)) : jsonReply(404, { detail: 'Not Found' }, 'application/json'),
  checkAuth(headers, query, apiKey) {
    // The fake refuses ?key= (which the route also reads) so tests prove the client keeps keys out of URLs.
    if (query.has('key')) return proxyError(401, 'Authentication Error, a key in the URL is refused by the local gateway', 'auth_error', 'key')
    const key = headers['x-goog-api-key']
    if (typeof key !== 'string' || key === '') return proxyError(401, 'Authentication Error, No api key passed in.', 'auth_error', 'None')
    if (key === apiKey) return undefined
    return proxyError(
      401,
      `Authentication Error, Invalid proxy server token passed. Received API Key = ${abbreviated(key)}, Key Hash (Token) =local. Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``,
      'token_not_found_in_db',
      'key',
    )
  },
  error(kind: ErrorKind, ctx: ErrorContext): Reply {
    if (kind === 'auth') return proxyError(401, 'Authentication Error, Invalid proxy server token passed.', 'token_not_found_in_db', 'key')
    // Google's errors, passed through unchanged (LiteLLM since July 2026, pull request 32133).
    return google.error(kind, { ...ctx, path: ctx.path.startsWith(PREFIX) ? ctx.path.slice(PREFIX.length) : ctx.path })
  },
  readBody: google.readBody,
  models: google.models,
  unary: google.unary,
  framing(ctx) {
    const base = google.framing(ctx)
    if (ctx.route.alt !== 'sse') return base
    return {
      ...base,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
      event: (ev, i) => split(String(base.event(ev, i))),
      end: ['data: [DONE]\n\n'],
    }
  },
  countTokens: google.countTokens!,
  listModels(query, ctx) {
    return google.listModels!.call(google, query, ctx)
  },
  getModel(model, ctx) {
    return google.getModel!.call(google, model, ctx)
  },
}
