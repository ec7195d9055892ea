/**
 * Writing answers: a whole {@link Reply}, a stream event by event (each its own socket write), the gateway's own
 * misuse errors, a dead socket on purpose, and the CORS preflight. Also which recording answers a request.
 * @internal
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Reply, StreamFraming } from './dialect.ts'
import { googleLine } from './dialects/google.ts'
import { header, type GatewayExchange, type GatewaySettings } from './exchange.ts'
import { answeredBy, findRecording, RECORDING_NAMES, RECORDINGS, type RecordedEvent, type Recording } from './recordings.ts'

/** Recordings a stream can be answered with: the SSE ones, and the unary ones as a single event. */
export const STREAMABLE: readonly string[] = [...RECORDINGS.stream, ...RECORDINGS.unary]

/** Sends a complete reply; `extra` headers are added to (and override) its own. */
export function send(res: ServerResponse, reply: Reply, extra: Record<string, string> = {}): void {
  res.writeHead(reply.status, { ...reply.headers, ...extra })
  res.end(reply.body)
}

/** The gateway's own 400 for a request it cannot serve as asked (a bad test header, say); never a dialect's shape. */
export function misuse(res: ServerResponse, message: string): void {
  send(res, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-local-gateway-error': 'true' }, body: `local gateway: ${message}\n` })
}

/** Writes one chunk as its own socket write; false once the client is gone. */
export function write(res: ServerResponse, chunk: string | Uint8Array): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if (res.destroyed) return resolve(false)
    const onClose = () => resolve(false)
    res.once('close', onClose)
    res.write(chunk, (err) => {
      res.off('close', onClose)
      resolve(!err)
    })
  })
}

/** Writes chunks one by one, `delayMs` apart; false once the client is gone. */
export async function writeAll(settings: GatewaySettings, res: ServerResponse, chunks: Array<string | Uint8Array>, delayMs: number): Promise<boolean> {
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0) await settings.pause(delayMs)
    if (!(await write(res, chunk))) return false
  }
  return true
}

/** Destroys the socket once what was written so far has left it. */
export function destroyAfterFlush(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const socket = res.socket
    if (!socket || socket.destroyed) return resolve()
    socket.write('', () => {
      socket.destroy()
      resolve()
    })
  })
}

/**
 * Streams `events` in the dialect's framing: all of them (`full`), all but the last (`cut`), or two and then the
 * dialect's mid-stream error (`midway`).
 */
export async function writeStream(
  settings: GatewaySettings,
  res: ServerResponse,
  framing: StreamFraming,
  events: RecordedEvent[],
  mode: 'full' | 'cut' | 'midway',
  extra: Record<string, string> = {},
): Promise<void> {
  res.writeHead(200, { ...framing.headers, ...extra })
  res.flushHeaders()
  const last = Math.max(0, events.length - 1)
  // Failures always drop the final chunk, so no finishReason arrives.
  const kept = mode === 'full' ? events : events.slice(0, mode === 'cut' ? last : Math.min(2, last))
  const chunks = [...framing.start, ...kept.flatMap((ev, i) => framing.event(ev, i))]
  if (mode === 'midway') {
    const tail = framing.midStreamError()
    if (tail !== undefined) chunks.push(tail)
  } else {
    chunks.push(...framing.end)
  }
  if (await writeAll(settings, res, chunks, settings.chunkDelayMs)) res.end()
}

/** The events of a stream answer, each naming the model asked for (a unary recording streams as one event). */
export function streamEvents(rec: Recording, model: string): RecordedEvent[] {
  const answer = answeredBy(rec, model)
  return answer.kind === 'sse' ? answer.events : [{ text: googleLine(answer.value), value: answer.value }]
}

/** The recording a request asked for with `x-local-gateway-recording`, checked against what the route can serve; a string says what is wrong. */
export function pickRecording(ex: GatewayExchange, fallback: string, allowed: readonly string[]): Recording | string {
  const asked = header(ex.req, 'x-local-gateway-recording')
  const name = (asked ?? fallback).replace(/\.(json|txt)$/, '')
  const rec = findRecording(name)
  if (!rec) return `unknown recording "${name}"; shipped: ${RECORDING_NAMES.join(', ')}`
  if (!allowed.includes(rec.name)) return `recording "${rec.name}" cannot answer ${ex.route?.op ?? 'this route'}; use one of: ${allowed.join(', ')}`
  return rec
}

/**
 * Answers a CORS preflight: 204, any origin, the gateway's methods, and the request headers echoed back (a
 * `*` would not cover `Authorization`, which the Bearer dialects send).
 */
export function preflight(req: IncomingMessage, res: ServerResponse): void {
  const headers: Record<string, string> = {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': header(req, 'access-control-request-headers') ?? '*',
    'access-control-max-age': '600',
    vary: 'Access-Control-Request-Headers',
  }
  // Chromium's Private Network Access asks before a public page may reach loopback.
  if (header(req, 'access-control-request-private-network') === 'true') headers['access-control-allow-private-network'] = 'true'
  req.resume()
  res.writeHead(204, headers)
  res.end()
}
