/**
 * Answers that replace the default behaviour: a failure scenario (`fail()` or `x-local-gateway-scenario`) in the
 * dialect's own shape, and a hand-written {@link ScriptedResponse} (`enqueue()`).
 * @internal
 */
import { badGatewayHtml, envelopeErrorReply, type AnswerContext, type ErrorKind } from './dialect.ts'
import { answerContext, type GatewayExchange, type GatewaySettings } from './exchange.ts'
import { answeredBy, DEFAULT_STREAM, DEFAULT_UNARY, loadRecording } from './recordings.ts'
import { destroyAfterFlush, pickRecording, send, STREAMABLE, streamEvents, write, writeAll, writeStream } from './replies.ts'
import type { FailureScenario, ScriptedResponse } from './types.ts'

/** Fails this request the way `scenario` says (see {@link FailureScenario}). */
export async function serveScenario(settings: GatewaySettings, ex: GatewayExchange, scenario: FailureScenario): Promise<void> {
  const { dialect } = settings
  const { req, res, ctx } = ex
  const actx = answerContext(settings, ex)
  switch (scenario) {
    case 'reset':
      req.socket.destroy()
      return
    case 'stall':
      res.writeHead(200, ctx.stream ? dialect.framing(actx).headers : { 'content-type': dialect.unaryContentType })
      res.flushHeaders()
      return // never ends; close() destroys the socket
    case 'bad-gateway-html':
      return send(res, badGatewayHtml())
    case 'envelope-error':
      return send(res, envelopeErrorReply())
    case 'rate-limit':
      return send(res, dialect.error('rate-limit', ctx), { 'retry-after': '1' })
    case 'stream-error-midway':
    case 'stream-cut': {
      if (!ctx.stream) {
        if (scenario === 'stream-error-midway') return send(res, dialect.error('overloaded', ctx))
        return cutUnary(settings, ex, actx)
      }
      const rec = pickRecording(ex, DEFAULT_STREAM, STREAMABLE)
      const events = streamEvents(typeof rec === 'string' ? loadRecording(DEFAULT_STREAM) : rec, actx.model)
      return writeStream(settings, res, dialect.framing(actx), events, scenario === 'stream-cut' ? 'cut' : 'midway')
    }
    default:
      return send(res, dialect.error(scenario satisfies ErrorKind, ctx))
  }
}

/** Half a unary JSON body under a full Content-Length, then a dead socket. */
async function cutUnary(settings: GatewaySettings, ex: GatewayExchange, actx: AnswerContext): Promise<void> {
  const rec = answeredBy(loadRecording(DEFAULT_UNARY), actx.model)
  if (rec.kind !== 'json') throw new Error(`${DEFAULT_UNARY} is not a unary recording`)
  const reply = settings.dialect.unary(rec.value, rec.text, actx)
  const body = Buffer.from(reply.body)
  ex.res.writeHead(200, { ...reply.headers, 'content-length': String(body.length) })
  await write(ex.res, body.subarray(0, Math.floor(body.length / 2)))
  await destroyAfterFlush(ex.res)
}

/** Writes a hand-written answer as given: status, headers, body, then chunks (or a reset or a stall on the way). */
export async function serveScripted(settings: GatewaySettings, ex: GatewayExchange, s: ScriptedResponse): Promise<void> {
  const { req, res } = ex
  if (s.reset === 'before-headers') {
    req.socket.destroy()
    return
  }
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(s.headers ?? {})) headers[k.toLowerCase()] = v
  const parts: Array<string | Uint8Array> = []
  if (typeof s.body === 'string' || s.body instanceof Uint8Array) parts.push(s.body)
  else if (s.body !== undefined) {
    parts.push(JSON.stringify(s.body))
    headers['content-type'] ??= 'application/json'
  }
  for (const chunk of s.chunks ?? []) parts.push(chunk) // a spread overflows the stack at ~150k chunks
  res.writeHead(s.status ?? 200, headers)
  res.flushHeaders()
  if (s.reset === 'after-headers') return destroyAfterFlush(res)
  if (s.reset === 'mid-body') {
    const only = parts.length === 1 ? parts[0] : undefined
    const head = only !== undefined ? [Buffer.from(only).subarray(0, Math.floor(Buffer.byteLength(only) / 2))] : parts.slice(0, Math.ceil(parts.length / 2))
    await writeAll(settings, res, head, s.chunkDelayMs ?? 0)
    return destroyAfterFlush(res)
  }
  if (!(await writeAll(settings, res, parts, s.chunkDelayMs ?? 0))) return
  if (!s.stall) res.end()
}
