/**
 * cloudflare: Cloudflare AI Gateway's `google-ai-studio` route in front of Google, as its docs describe it: Google's
 * paths after `/v1/{account_id}/{gateway_id}/google-ai-studio` (this gateway's URL ends in
 * `/v1/local-account/local-gateway/google-ai-studio`; any ids are served), Google's answers, errors and streams
 * passed through with the gateway's `cf-aig-*` headers added, and its own errors in its own body. Started with
 * `gatewayToken`, the gateway is authenticated: `cf-aig-authorization: Bearer <token>` is required, and then Google's
 * key may be left out (a key stored in the gateway).
 * @internal
 */
import { randomBytes } from 'node:crypto'
import { jsonReply, type ErrorContext, type ErrorKind, type GatewayDialect, type Reply } from '../dialect.ts'
import { google } from './google.ts'

const PREFIX = /^\/v1\/([^/]+)\/([^/]+)\/google-ai-studio(\/.*)$/

/** The gateway's own error body (captures of its 401 and 429; cloudflare-docs PR 31050). */
function gatewayError(status: number, code: number, message: string): Reply {
  return jsonReply(status, { success: false, error: [{ code, message }], name: 'AiGatewayError', httpCode: status }, 'application/json')
}

/** The headers the gateway adds to what it passes on. */
function gatewayHeaders(): Record<string, string> {
  return { 'cf-aig-cache-status': 'MISS', 'cf-aig-log-id': randomBytes(13).toString('hex').toUpperCase(), 'cf-ray': `${randomBytes(8).toString('hex')}-AMS` }
}

const withGatewayHeaders = (reply: Reply): Reply => ({ ...reply, headers: { ...reply.headers, ...gatewayHeaders() } })

/** The path after the route's prefix, which the gateway forwards to Google. */
const upstreamPath = (path: string): string | undefined => PREFIX.exec(path)?.[3]

/** The cloudflare dialect. */
export const cloudflare: GatewayDialect = {
  provider: 'cloudflare',
  basePath: '/v1/local-account/local-gateway/google-ai-studio',
  unaryContentType: google.unaryContentType,
  route(method, path, query) {
    const rest = upstreamPath(path)
    return rest === undefined ? undefined : google.route(method, rest, query)
  },
  // A path under the route goes to Google, which answers its own 404 page.
  notFound: (method, path) => withGatewayHeaders(google.notFound(method, upstreamPath(path) ?? path)),
  checkAuth(headers, query, apiKey, ctx, gateway) {
    const token = gateway?.gatewayToken
    if (token !== undefined && headers['cf-aig-authorization'] !== `Bearer ${token}`) return gatewayError(401, 2009, 'Unauthorized')
    // An authenticated gateway with a stored key sends its own when the request has none.
    if (token !== undefined && headers['x-goog-api-key'] === undefined && !query.has('key')) return undefined
    const denied = google.checkAuth(headers, query, apiKey, ctx)
    return denied && withGatewayHeaders(denied)
  },
  error(kind: ErrorKind, ctx: ErrorContext): Reply {
    // Its own rate limit, in its own body; everything else is Google's, passed through.
    if (kind === 'rate-limit') return gatewayError(429, 2003, 'Rate limited')
    return withGatewayHeaders(google.error(kind, ctx))
  },
  readBody: google.readBody,
  models: google.models,
  unary: (value, rawText, ctx) => withGatewayHeaders(google.unary(value, rawText, ctx)),
  framing(ctx) {
    const base = google.framing(ctx)
    return { ...base, headers: { ...base.headers, ...gatewayHeaders() } }
  },
  countTokens: (rawText) => withGatewayHeaders(google.countTokens!(rawText)),
  listModels(query, ctx) {
    return withGatewayHeaders(google.listModels!.call(google, query, ctx))
  },
  getModel(model, ctx) {
    return withGatewayHeaders(google.getModel!.call(google, model, ctx))
  },
}
