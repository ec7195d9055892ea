/**
 * Google's own endpoint (the canonical dialect), as recorded: pretty JSON errors, CRLF SSE, HTML 404 for unknown URLs.
 * @internal
 */
import type { IncomingHttpHeaders } from 'node:http'
import { GOOGLE_CATALOG, GOOGLE_MODELS } from '../catalog.ts'
import {
  contentsProblem,
  jsonReply,
  REQUEST_FIELDS,
  type BodyReading,
  type GatewayDialect,
  type ErrorContext,
  type ErrorKind,
  type Reply,
  type GatewayRoute,
} from '../dialect.ts'

export const JSON_TYPE = 'application/json; charset=UTF-8'
/** Headers every googleapis.com answer carries (js-genai recordings). */
export const GOOGLE_HEADERS = {
  vary: 'Origin, X-Origin, Referer',
  server: 'scaffolding on HTTPServer2',
  'x-xss-protection': '0',
  'x-frame-options': 'SAMEORIGIN',
  'x-content-type-options': 'nosniff',
  'server-timing': 'gfet4t7; dur=42',
}

/** Google serves the same methods under both versions (v1 for the SDK's default since @google/genai 3). */
const MODEL_PATH = /^\/(?:v1beta|v1)\/models\/([^/:]+)(?::([A-Za-z]+))?$/
const LIST_PATH = /^\/(?:v1beta|v1)\/models$/

/** The API version a path names (`v1beta` when it names none). */
export const versionOf = (path: string): string => /\/(v1beta1|v1beta|v1)\/(?:publishers\/google\/)?models\b/.exec(path)?.[1] ?? 'v1beta'
const METHODS: Record<string, GatewayRoute['op']> = {
  generateContent: 'generate',
  streamGenerateContent: 'stream',
  countTokens: 'countTokens',
}

/** Serialises like Google's SSE lines: one line, `": "` after keys, `,` without a space. */
export function googleLine(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(googleLine).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${googleLine(v)}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** A Gemini error body, pretty-printed with keys in Google's order. */
export function googleError(code: number, status: string, message: string, details?: unknown[], ctx?: ErrorContext, httpStatus = code): Reply {
  const error = { code, message, status, ...(details ? { details } : {}) }
  // Google labels error bodies of ?alt=sse calls as event streams even though they are plain JSON.
  const type = ctx?.stream ? 'text/event-stream' : JSON_TYPE
  return jsonReply(httpStatus, { error }, type, true, GOOGLE_HEADERS)
}

export const errorInfo = (reason: string, extra: Record<string, unknown> = {}) => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'googleapis.com',
  metadata: { service: 'generativelanguage.googleapis.com', ...extra },
})

const OVERLOADED = 'The model is overloaded. Please try again later.'
const INTERNAL = 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'
const BAD_KEY = 'API key not valid. Please pass a valid API key.'

export function htmlNotFound(path: string): Reply {
  const safe = path.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
  const body =
    '<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error 404 (Not Found)!!1</title>\n' +
    `  <p><b>404.</b> <ins>That\u2019s an error.</ins>\n  <p>The requested URL <code>${safe}</code> was not found on this server.  <ins>That\u2019s all we know.</ins>\n`
  return { status: 404, headers: { 'content-type': 'text/html; charset=UTF-8' }, body }
}

function unknownModel(model: string, method: string, ctx?: ErrorContext): Reply {
  const message = `models/${model} is not found for API version ${versionOf(ctx?.path ?? '')}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`
  return googleError(404, 'NOT_FOUND', message, undefined, ctx)
}

/** Google's body parser: camelCase and proto snake_case names both work; anything else is a 400. */
export function readGoogleBody(body: Record<string, unknown>, fields: readonly string[] = REQUEST_FIELDS): BodyReading {
  const effective: Record<string, unknown> = {}
  const unknown: string[] = []
  for (const [key, value] of Object.entries(body)) {
    if (key === 'contents') continue
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
    if (fields.includes(camel)) effective[camel] = value
    else unknown.push(key)
  }
  const reading: BodyReading = { effective, contents: body.contents, ignoredKeys: [] }
  if (unknown.length > 0) reading.error = `Invalid JSON payload received. Unknown name "${unknown[0]}": Cannot find field.`
  else if (contentsProblem(body.contents)) reading.error = '* GenerateContentRequest.contents: contents is not specified\n'
  return reading
}

function decodePageToken(token: string): number | undefined {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'))
  return m ? Number(m[1]) : undefined
}

/** The google dialect. */
export const google: GatewayDialect = {
  provider: 'google',
  unaryContentType: JSON_TYPE,

  route(method, path, query) {
    if (method === 'GET' && LIST_PATH.test(path)) return { op: 'listModels' }
    const m = MODEL_PATH.exec(path)
    if (!m) return undefined
    const model = decodeURIComponent(m[1] ?? '')
    if (!m[2]) return method === 'GET' ? { op: 'getModel', model } : undefined
    const op = METHODS[m[2]]
    if (method !== 'POST' || !op) return undefined
    return { op, model, alt: query.get('alt') ?? undefined }
  },

  notFound: (_method, path) => htmlNotFound(path),

  checkAuth(headers: IncomingHttpHeaders, query, apiKey, ctx) {
    const key = headers['x-goog-api-key']
    // The fake refuses ?key= outright so tests prove the client keeps keys out of URLs.
    if (query.has('key')) return this.error('auth', ctx)
    if (key === undefined && headers.authorization) {
      // Google reads a Bearer value as an OAuth token, and an API key is not one.
      return googleError(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        [errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED')],
        ctx,
      )
    }
    if (key === undefined) {
      return googleError(
        403,
        'PERMISSION_DENIED',
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        undefined,
        ctx,
      )
    }
    return key === apiKey ? undefined : this.error('auth', ctx)
  },

  error(kind: ErrorKind, ctx: ErrorContext): Reply {
    const model = ctx.model ?? 'gemini-2.5-flash'
    switch (kind) {
      case 'rate-limit':
        return googleError(
          429,
          'RESOURCE_EXHAUSTED',
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. ',
          [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [
                {
                  quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                  quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
                  quotaDimensions: { location: 'global', model },
                  quotaValue: '10',
                },
              ],
            },
            {
              '@type': 'type.googleapis.com/google.rpc.Help',
              links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
            },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' },
          ],
          ctx,
        )
      case 'overloaded':
        return googleError(503, 'UNAVAILABLE', OVERLOADED, undefined, ctx)
      case 'server-error':
        return googleError(500, 'INTERNAL', INTERNAL, undefined, ctx)
      case 'error-200':
        return googleError(500, 'INTERNAL', INTERNAL, undefined, ctx, 200)
      case 'unknown-model':
        return unknownModel(model, /:([A-Za-z]+)$/.exec(ctx.path)?.[1] ?? (ctx.stream ? 'streamGenerateContent' : 'generateContent'), ctx)
      case 'auth':
        return googleError(
          400,
          'INVALID_ARGUMENT',
          BAD_KEY,
          [errorInfo('API_KEY_INVALID'), { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: BAD_KEY }],
          ctx,
        )
      case 'invalid-argument':
        return googleError(400, 'INVALID_ARGUMENT', ctx.message ?? 'Request contains an invalid argument.', undefined, ctx)
      case 'bad-request': {
        const message = ctx.message ?? 'Invalid request.'
        const details = message.startsWith('Invalid JSON payload')
          ? [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ description: message }] }]
          : undefined
        return googleError(400, 'INVALID_ARGUMENT', message, details, ctx)
      }
    }
  },

  readBody: (body) => readGoogleBody(body),

  models: GOOGLE_MODELS,

  unary: (_value, rawText) => ({ status: 200, headers: { 'content-type': JSON_TYPE, ...GOOGLE_HEADERS }, body: rawText }),

  framing(ctx) {
    const headers = { ...GOOGLE_HEADERS, 'content-disposition': 'attachment' }
    if (ctx.route.alt !== 'sse') {
      // Without alt=sse Google streams one JSON array, element by element.
      return {
        headers: { ...headers, 'content-type': 'application/json; charset=UTF-8' },
        start: ['['],
        event: (ev, i) => `${i === 0 ? '' : '\n,\r\n'}${JSON.stringify(ev.value, null, 2)}`,
        end: ['\n]'],
        midStreamError: () => `\n,\r\n${JSON.stringify({ error: { code: 503, message: OVERLOADED, status: 'UNAVAILABLE' } }, null, 2)}\n]`,
      }
    }
    return {
      headers: { ...headers, 'content-type': 'text/event-stream' },
      start: [],
      event: (ev) => `data: ${ev.text}\r\n\r\n`,
      end: [],
      // Observed: after the 200 headers an error arrives as bare pretty JSON, no `data:` framing (OmniRoute#4177).
      midStreamError: () =>
        `${JSON.stringify({ error: { code: 503, message: 'This model is currently experiencing high demand. Spikes in demand are usually temporary. Please try again later.', status: 'UNAVAILABLE' } }, null, 2)}\n`,
    }
  },

  countTokens: (rawText) => ({ status: 200, headers: { 'content-type': JSON_TYPE, ...GOOGLE_HEADERS }, body: rawText }),

  listModels(query, ctx) {
    const sizeParam = query.get('pageSize')
    const size = sizeParam === null || sizeParam === '' ? 50 : Number(sizeParam)
    if (!Number.isInteger(size) || size < 0) return this.error('bad-request', { ...ctx, message: `Invalid value at 'page_size' (TYPE_INT32), "${sizeParam}"` })
    const pageSize = Math.min(size === 0 ? 50 : size, 1000)
    const token = query.get('pageToken')
    const offset = token ? decodePageToken(token) : 0
    if (offset === undefined) return this.error('bad-request', { ...ctx, message: 'Invalid page token.' })
    const models = GOOGLE_CATALOG.slice(offset, offset + pageSize)
    const next = offset + pageSize < GOOGLE_CATALOG.length ? Buffer.from(`offset:${offset + pageSize}`).toString('base64') : undefined
    // nextPageToken is absent (not empty) on the last page, as Google does.
    return jsonReply(200, { models, ...(next ? { nextPageToken: next } : {}) }, JSON_TYPE, true, GOOGLE_HEADERS)
  },

  getModel(model, ctx) {
    const found = GOOGLE_CATALOG.find((m) => m.name === `models/${model}`)
    if (!found) return googleError(404, 'NOT_FOUND', `Model is not found: models/${model} for api version ${versionOf(ctx.path)}`, undefined, ctx)
    return jsonReply(200, found, JSON_TYPE, true, GOOGLE_HEADERS)
  },
}
