/**
 * The HTTP side of the local gateway: a real `node:http` server on loopback that records each request, then serves
 * a per-request scenario, the next queued item, or the dialect's default answer (routing → auth → body → model →
 * roles → recording).
 * @internal
 */
import { setMaxListeners } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  badGatewayHtml,
  envelopeErrorReply,
  roleProblem,
  type AnswerContext,
  type BodyReading,
  type ErrorContext,
  type ErrorKind,
  type Reply,
  type Route,
  type StreamFraming,
} from './dialect.ts'
import { DIALECTS } from './dialects/index.ts'
import { googleLine } from './dialects/google.ts'
import {
  answeredBy,
  DEFAULT_COUNT_TOKENS,
  DEFAULT_STREAM,
  DEFAULT_UNARY,
  findRecording,
  loadRecording,
  RECORDING_NAMES,
  RECORDINGS,
  type RecordedEvent,
  type Recording,
} from './recordings.ts'
import {
  FAILURE_SCENARIOS,
  LOCAL_GATEWAY_API_KEY,
  LOCAL_GATEWAY_PROVIDERS,
  type FailureScenario,
  type LocalGateway,
  type LocalGatewayOptions,
  type RecordedRequest,
  type ScriptedResponse,
} from './types.ts'

type QueueItem = { kind: 'scripted'; response: ScriptedResponse } | { kind: 'scenario'; scenario: FailureScenario }

/** Headers that carry keys: never kept in `requests`. */
const SECRET_HEADERS = new Set(['authorization', 'x-goog-api-key', 'x-api-key'])
const REDACTED = '[REDACTED]'
/** Largest `x-local-gateway-effective-config` value sent; bigger ones are left out (clients cap header sizes). */
const MAX_ECHO = 8192

/** Everything a handler needs about one request. */
interface Exchange {
  req: IncomingMessage
  res: ServerResponse
  route: Route | undefined
  ctx: ErrorContext
  query: URLSearchParams
  recorded: RecordedRequest
  rawBody: string
}

/**
 * Starts a local gateway that speaks `options.provider`'s dialect on loopback.
 *
 * @example
 * ```ts
 * const gw = await startLocalGateway({ provider: 'google' })
 * const res = await fetch(`${gw.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
 *   method: 'POST',
 *   headers: { 'x-goog-api-key': 'local-gateway-key', 'content-type': 'application/json' },
 *   body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
 * })
 * await gw.close()
 * ```
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  if (!LOCAL_GATEWAY_PROVIDERS.includes(options.provider)) {
    throw new TypeError(`startLocalGateway: unknown provider ${String(options.provider)}; expected one of ${LOCAL_GATEWAY_PROVIDERS.join(', ')}`)
  }
  const dialect = DIALECTS[options.provider]
  const apiKey = options.apiKey ?? LOCAL_GATEWAY_API_KEY
  const envelope = options.apimartEnvelope ?? true
  const latencyMs = options.latencyMs ?? 0
  const defaultDelay = options.chunkDelayMs ?? 0
  const queue: QueueItem[] = []
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  // Aborted by close(): ends every pending delay, so no timer outlives the server.
  const lifetime = new AbortController()
  const { signal } = lifetime
  // Every pending delay listens on it: hundreds of concurrent streams are normal, not a leak.
  setMaxListeners(0, signal)

  const pause = (ms: number) => (ms > 0 ? sleep(ms, undefined, { signal }) : Promise.resolve())

  /** Writes one chunk as its own socket write; false once the client is gone. */
  const write = (res: ServerResponse, chunk: string | Uint8Array) =>
    new Promise<boolean>((resolve) => {
      if (res.destroyed) return resolve(false)
      const onClose = () => resolve(false)
      res.once('close', onClose)
      res.write(chunk, (err) => {
        res.off('close', onClose)
        resolve(!err)
      })
    })

  const writeAll = async (res: ServerResponse, chunks: Array<string | Uint8Array>, delayMs: number) => {
    for (const [i, chunk] of chunks.entries()) {
      if (i > 0) await pause(delayMs)
      if (!(await write(res, chunk))) return false
    }
    return true
  }

  /** Destroys the socket once what was written so far has left it. */
  const destroyAfterFlush = (res: ServerResponse) =>
    new Promise<void>((resolve) => {
      const socket = res.socket
      if (!socket || socket.destroyed) return resolve()
      socket.write('', () => {
        socket.destroy()
        resolve()
      })
    })

  const send = (res: ServerResponse, reply: Reply, extra: Record<string, string> = {}) => {
    res.writeHead(reply.status, { ...reply.headers, ...extra })
    res.end(reply.body)
  }

  const misuse = (res: ServerResponse, message: string) =>
    send(res, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-local-gateway-error': 'true' }, body: `local gateway: ${message}\n` })

  const answerContext = (route: Route | undefined, ctx: ErrorContext): AnswerContext => ({
    model: route?.model ?? ctx.model ?? 'gemini-2.5-flash',
    route: route ?? { op: ctx.stream ? 'stream' : 'generate', alt: 'sse' },
    envelope,
  })

  /** The events of a stream answer, each naming the model asked for (a unary recording streams as one event). */
  const streamEvents = (rec: Recording, model: string): RecordedEvent[] => {
    const answer = answeredBy(rec, model)
    return answer.kind === 'sse' ? answer.events : [{ text: googleLine(answer.value), value: answer.value }]
  }

  const writeStream = async (
    res: ServerResponse,
    framing: StreamFraming,
    events: RecordedEvent[],
    mode: 'full' | 'cut' | 'midway',
    extra: Record<string, string> = {},
  ) => {
    res.writeHead(200, { ...framing.headers, ...extra })
    res.flushHeaders()
    const last = Math.max(0, events.length - 1)
    // Failures always drop the final chunk, so no finishReason arrives.
    const kept = mode === 'full' ? events : events.slice(0, mode === 'cut' ? last : Math.min(2, last))
    const chunks = [...framing.start, ...kept.map((ev, i) => framing.event(ev, i))]
    if (mode === 'midway') {
      const tail = framing.midStreamError()
      if (tail !== undefined) chunks.push(tail)
    } else {
      chunks.push(...framing.end)
    }
    if (await writeAll(res, chunks, defaultDelay)) res.end()
  }

  /** The recording a request asked for with `x-local-gateway-recording`, checked against what the route can serve. */
  const pickRecording = (ex: Exchange, fallback: string, allowed: readonly string[]): Recording | string => {
    const asked = header(ex.req, 'x-local-gateway-recording')
    const name = (asked ?? fallback).replace(/\.(json|txt)$/, '')
    const rec = findRecording(name)
    if (!rec) return `unknown recording "${name}"; shipped: ${RECORDING_NAMES.join(', ')}`
    if (!allowed.includes(rec.name)) return `recording "${rec.name}" cannot answer ${ex.route?.op ?? 'this route'}; use one of: ${allowed.join(', ')}`
    return rec
  }

  const streamable = [...RECORDINGS.stream, ...RECORDINGS.unary] as readonly string[]

  async function serveScenario(ex: Exchange, scenario: FailureScenario): Promise<void> {
    const { req, res, ctx, route } = ex
    const actx = answerContext(route, ctx)
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
          return cutUnary(ex, actx)
        }
        const rec = pickRecording(ex, DEFAULT_STREAM, streamable)
        const events = streamEvents(typeof rec === 'string' ? loadRecording(DEFAULT_STREAM) : rec, actx.model)
        return writeStream(res, dialect.framing(actx), events, scenario === 'stream-cut' ? 'cut' : 'midway')
      }
      default:
        return send(res, dialect.error(scenario satisfies ErrorKind, ctx))
    }
  }

  /** Half a unary JSON body under a full Content-Length, then a dead socket. */
  async function cutUnary(ex: Exchange, actx: AnswerContext): Promise<void> {
    const rec = answeredBy(loadRecording(DEFAULT_UNARY), actx.model)
    if (rec.kind !== 'json') throw new Error(`${DEFAULT_UNARY} is not a unary recording`)
    const reply = dialect.unary(rec.value, rec.text, actx)
    const body = Buffer.from(reply.body)
    ex.res.writeHead(200, { ...reply.headers, 'content-length': String(body.length) })
    await write(ex.res, body.subarray(0, Math.floor(body.length / 2)))
    await destroyAfterFlush(ex.res)
  }

  async function serveScripted(ex: Exchange, s: ScriptedResponse): Promise<void> {
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
      const head =
        only !== undefined
          ? [Buffer.from(only).subarray(0, Math.floor(Buffer.byteLength(only) / 2))]
          : parts.slice(0, Math.ceil(parts.length / 2))
      await writeAll(res, head, s.chunkDelayMs ?? 0)
      return destroyAfterFlush(res)
    }
    if (!(await writeAll(res, parts, s.chunkDelayMs ?? 0))) return
    if (!s.stall) res.end()
  }

  async function serveDefault(ex: Exchange): Promise<void> {
    const { req, res, route, ctx, query, recorded } = ex
    if (!route) return send(res, dialect.notFound(ctx.method, ctx.path))
    const denied = dialect.checkAuth(req.headers, query, apiKey, ctx)
    if (denied) return send(res, denied)
    const actx = answerContext(route, ctx)
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
        const echo = echoHeaders(reading)
        if (reading.error) return send(res, dialect.error('bad-request', { ...ctx, message: reading.error }), echo)
        // As Google orders them: the body is parsed, then the model looked up, then the contents checked.
        if (!dialect.models.includes(actx.model)) return send(res, dialect.error('unknown-model', ctx), echo)
        const badRole = roleProblem(reading.contents)
        if (badRole) return send(res, dialect.error('invalid-argument', { ...ctx, message: badRole }), echo)
        if (route.op === 'generate') {
          const rec = pickRecording(ex, DEFAULT_UNARY, RECORDINGS.unary)
          if (typeof rec === 'string') return misuse(res, rec)
          if (rec.kind !== 'json') return misuse(res, `recording "${rec.name}" is not a unary answer`)
          const answer = answeredBy(rec, actx.model)
          return send(res, dialect.unary(answer.value, answer.text, actx), echo)
        }
        const rec = pickRecording(ex, DEFAULT_STREAM, streamable)
        if (typeof rec === 'string') return misuse(res, rec)
        return writeStream(res, dialect.framing(actx), streamEvents(rec, actx.model), 'full', echo)
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/'
    const cut = rawUrl.indexOf('?')
    const path = cut === -1 ? rawUrl : rawUrl.slice(0, cut)
    const query = new URLSearchParams(cut === -1 ? '' : rawUrl.slice(cut + 1))
    const rawBody = await readBody(req)
    const method = req.method ?? 'GET'
    const recorded = record(req, method, path, query, rawBody)
    requests.push(recorded)
    const route = dialect.route(method, path, query)
    const ctx: ErrorContext = {
      stream: route ? route.op === 'stream' : path.includes(':streamGenerateContent'),
      method,
      path,
      model: route?.model ?? /\/models\/([^/:]+)/.exec(path)?.[1],
    }
    const ex: Exchange = { req, res, route, ctx, query, recorded, rawBody }
    await pause(latencyMs)
    const asked = header(req, 'x-local-gateway-scenario')
    if (asked !== undefined) {
      if (!(FAILURE_SCENARIOS as readonly string[]).includes(asked)) {
        return misuse(res, `unknown x-local-gateway-scenario "${asked}"; expected one of ${FAILURE_SCENARIOS.join(', ')}`)
      }
      return serveScenario(ex, asked as FailureScenario)
    }
    const next = queue.shift()
    if (next?.kind === 'scripted') return serveScripted(ex, next.response)
    if (next?.kind === 'scenario') return serveScenario(ex, next.scenario)
    return serveDefault(ex)
  }

  const server = createServer((req, res) => {
    // Any page may call the gateway from a browser: every answer is readable cross-origin (errors too).
    res.setHeader('access-control-allow-origin', '*')
    res.setHeader('access-control-expose-headers', '*')
    // A preflight is the browser's question, not the client's request: not recorded, no key, queue untouched.
    if (req.method === 'OPTIONS') return preflight(req, res)
    handle(req, res).catch((err: unknown) => {
      if (signal.aborted || res.destroyed) return // closing, or the client left
      if (!res.headersSent) {
        send(res, { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-local-gateway-error': 'true' }, body: `local gateway bug: ${String(err)}\n` })
      } else {
        res.destroy()
      }
    })
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.setNoDelay(true) // each stream write leaves as its own packet
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let closing: Promise<void> | undefined

  return {
    url: `http://${host}:${address.port}`,
    provider: options.provider,
    requests,
    server,
    enqueue(...responses) {
      for (const response of responses) queue.push({ kind: 'scripted', response })
    },
    fail(scenario, times = 1) {
      if (!FAILURE_SCENARIOS.includes(scenario)) throw new TypeError(`fail: unknown scenario ${String(scenario)}`)
      for (let i = 0; i < times; i++) queue.push({ kind: 'scenario', scenario })
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        lifetime.abort()
        // The callback runs once every connection is gone; an error only means it was not listening.
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
        server.closeAllConnections()
      })
      return closing
    },
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * Answers a CORS preflight: 204, any origin, the gateway's methods, and the request headers echoed back (a
 * `*` would not cover `Authorization`, which the Bearer dialects send).
 */
function preflight(req: IncomingMessage, res: ServerResponse): void {
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

function mustHave<T>(fn: T | undefined, what: string): T {
  if (fn === undefined) throw new Error(`dialect routed ${what} without serving it`)
  return fn
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function record(req: IncomingMessage, method: string, path: string, query: URLSearchParams, rawBody: string): RecordedRequest {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    headers[name] = SECRET_HEADERS.has(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : value
  }
  const q: Record<string, string> = {}
  for (const [name, value] of query) q[name] = name === 'key' ? REDACTED : value
  let body: unknown
  if (rawBody !== '') {
    try {
      body = JSON.parse(rawBody)
    } catch {
      body = rawBody
    }
  }
  return { method, path, query: q, headers, body }
}

/** Debug headers: what the dialect read (`x-local-gateway-effective-config`) and what it silently dropped (`x-local-gateway-ignored-keys`). */
function echoHeaders(reading: BodyReading): Record<string, string> {
  const ascii = (s: string) => s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  const out: Record<string, string> = {}
  const effective = ascii(JSON.stringify(reading.effective))
  if (effective.length <= MAX_ECHO) out['x-local-gateway-effective-config'] = effective
  if (reading.ignoredKeys.length > 0) out['x-local-gateway-ignored-keys'] = ascii(reading.ignoredKeys.join(','))
  return out
}

