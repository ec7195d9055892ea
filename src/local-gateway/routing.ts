/**
 * From a request to the dialect's answer: the URL read into a route (or none), then the default behaviour of that
 * route in order: auth → body → model → roles → the recorded answer.
 * @internal
 */
import { roleProblem, type GatewayDialect, type ErrorContext, type GatewayRoute } from './dialect.ts'
import { answerContext, header, type GatewayExchange, type GatewaySettings } from './exchange.ts'
import { answeredBy, DEFAULT_COUNT_TOKENS, DEFAULT_STREAM, DEFAULT_UNARY, RECORDINGS } from './recordings.ts'
import { misuse, pickRecording, send, STREAMABLE, streamEvents, writeStream } from './replies.ts'
import { requestedHop, serveHop } from './hops.ts'
import { echoHeaders } from './request-log.ts'

/** Splits a request target into its path (as sent, not decoded) and its query. */
export function splitUrl(rawUrl: string): { path: string; query: URLSearchParams } {
  const cut = rawUrl.indexOf('?')
  return {
    path: cut === -1 ? rawUrl : rawUrl.slice(0, cut),
    query: new URLSearchParams(cut === -1 ? '' : rawUrl.slice(cut + 1)),
  }
}

/** The dialect's route for a request (`undefined` when it serves no such path), and what its errors will need. */
export function routeRequest(
  dialect: GatewayDialect,
  method: string,
  path: string,
  query: URLSearchParams,
): { route: GatewayRoute | undefined; ctx: ErrorContext } {
  const route = dialect.route(method, path, query)
  const ctx: ErrorContext = {
    stream: route ? route.op === 'stream' : path.includes(':streamGenerateContent'),
    method,
    path,
    model: route?.model ?? /\/models\/([^/:]+)/.exec(path)?.[1],
  }
  return { route, ctx }
}

/** The dialect's default answer to a request: what its real gateway would send. */
export async function serveRoute(settings: GatewaySettings, ex: GatewayExchange): Promise<void> {
  const { dialect, apiKey } = settings
  const { req, res, route, ctx, query, recorded } = ex
  if (!route) return send(res, dialect.notFound(ctx.method, ctx.path))
  const denied = dialect.checkAuth(req.headers, query, apiKey, ctx, { gatewayToken: settings.gatewayToken })
  if (denied) return send(res, denied)
  const actx = answerContext(settings, ex)
  switch (route.op) {
    case 'listModels': {
      if (header(req, 'x-local-gateway-recording') === undefined) return send(res, mustHave(dialect.listModels, 'listModels').call(dialect, query, ctx))
      const rec = pickRecording(ex, '', RECORDINGS.listModels)
      if (typeof rec === 'string') return misuse(res, rec)
      return send(res, { status: 200, headers: { 'content-type': dialect.unaryContentType }, body: rec.text })
    }
    case 'getModel':
      return send(res, mustHave(dialect.getModel, 'getModel').call(dialect, route.model ?? '', ctx))
    case 'openaiModels':
      return send(res, mustHave(dialect.openaiModels, 'openaiModels').call(dialect))
    case 'countTokens': {
      if (parseObject(ex.rawBody) === undefined) return send(res, dialect.error('bad-request', { ...ctx, message: 'Invalid JSON payload received.' }))
      if (!dialect.models.includes(actx.model)) return send(res, dialect.error('unknown-model', ctx))
      const rec = pickRecording(ex, DEFAULT_COUNT_TOKENS, RECORDINGS.countTokens)
      if (typeof rec === 'string') return misuse(res, rec)
      return send(res, mustHave(dialect.countTokens, 'countTokens').call(dialect, rec.text))
    }
    case 'generate':
    case 'stream': {
      const body = parseObject(ex.rawBody)
      if (body === undefined) return send(res, dialect.error('bad-request', { ...ctx, message: 'Invalid JSON payload received. Expected a JSON object.' }))
      const reading = dialect.readBody(body)
      recorded.effective = reading.effective
      recorded.ignoredKeys = reading.ignoredKeys
      if (reading.forwarded !== undefined) recorded.forwarded = reading.forwarded
      if (reading.dropped !== undefined) recorded.dropped = reading.dropped
      const echo = echoHeaders(reading)
      if (reading.error) return send(res, dialect.error('bad-request', { ...ctx, message: reading.error }), echo)
      // As Google orders them: the body is parsed, then the model looked up, then the contents checked.
      if (!dialect.models.includes(actx.model)) return send(res, dialect.error('unknown-model', ctx), echo)
      const badRole = roleProblem(reading.contents)
      if (badRole) return send(res, dialect.error('invalid-argument', { ...ctx, message: badRole }), echo)
      const hop = requestedHop(settings, ex, reading.effective)
      if (typeof hop === 'string') return send(res, dialect.error('invalid-argument', { ...ctx, message: hop }), echo)
      if (hop) return serveHop(settings, ex, actx, hop, echo)
      if (route.op === 'generate') {
        const rec = pickRecording(ex, DEFAULT_UNARY, RECORDINGS.unary)
        if (typeof rec === 'string') return misuse(res, rec)
        if (rec.kind !== 'json') return misuse(res, `recording "${rec.name}" is not a unary answer`)
        const answer = answeredBy(rec, actx.model)
        return send(res, dialect.unary(answer.value, answer.text, actx), echo)
      }
      const rec = pickRecording(ex, DEFAULT_STREAM, STREAMABLE)
      if (typeof rec === 'string') return misuse(res, rec)
      return writeStream(settings, res, dialect.framing(actx), streamEvents(rec, actx.model), 'full', echo)
    }
  }
}

/** A dialect's optional handler for a route it produced; a dialect that routes what it cannot serve is a bug here. */
function mustHave<T>(fn: T | undefined, what: string): T {
  if (fn === undefined) throw new Error(`dialect routed ${what} without serving it`)
  return fn
}

/** The body as a JSON object; `undefined` when it is not JSON or not an object. */
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
