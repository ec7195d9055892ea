/**
 * The lifecycle of a local gateway: a real `node:http` server on loopback that listens, tracks its sockets, logs
 * each request, hands it to a per-request scenario, the next queued item or the dialect's default answer
 * (`./routing.ts`), and closes without leaving a socket or a timer behind.
 * @internal
 */
import { setMaxListeners } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { dialects } from '../../generated/local-gateway-dialects.ts'
import { providers } from '../../generated/registry.ts'
import { header, type GatewayExchange, type GatewaySettings } from './exchange.ts'
import { misuse, preflight, send } from './replies.ts'
import { readRequestBody, recordRequest } from './request-log.ts'
import { routeRequest, serveRoute, splitUrl } from './routing.ts'
import { serveScenario, serveScripted } from './scenarios.ts'
import {
  FAILURE_SCENARIOS,
  LOCAL_GATEWAY_API_KEY,
  type FailureScenario,
  type LocalGateway,
  type LocalGatewayOptions,
  type RecordedRequest,
  type ScriptedResponse,
} from './types.ts'

/** What `enqueue()` and `fail()` line up for the next requests, first in first out. */
type QueueItem = { kind: 'scripted'; response: ScriptedResponse } | { kind: 'scenario'; scenario: FailureScenario }

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
  if (!(providers as readonly string[]).includes(options.provider)) {
    throw new TypeError(`startLocalGateway: unknown provider ${String(options.provider)}; expected one of ${providers.join(', ')}`)
  }
  // Aborted by close(): ends every pending delay, so no timer outlives the server.
  const lifetime = new AbortController()
  const { signal } = lifetime
  // Every pending delay listens on it: hundreds of concurrent streams are normal, not a leak.
  setMaxListeners(0, signal)
  const settings: GatewaySettings = {
    dialect: dialects[options.provider],
    apiKey: options.apiKey ?? LOCAL_GATEWAY_API_KEY,
    envelope: options.apimartEnvelope ?? true,
    chunkDelayMs: options.chunkDelayMs ?? 0,
    hops: options.hops ?? 1,
    gatewayToken: options.gatewayToken,
    pause: (ms) => (ms > 0 ? sleep(ms, undefined, { signal }) : Promise.resolve()),
  }
  const latencyMs = options.latencyMs ?? 0
  const queue: QueueItem[] = []
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = splitUrl(req.url ?? '/')
    const rawBody = await readRequestBody(req)
    const method = req.method ?? 'GET'
    const recorded = recordRequest(req, method, path, query, rawBody)
    requests.push(recorded)
    const ex: GatewayExchange = { req, res, ...routeRequest(settings.dialect, method, path, query), query, recorded, rawBody }
    await settings.pause(latencyMs)
    const asked = header(req, 'x-local-gateway-scenario')
    if (asked !== undefined) {
      if (!(FAILURE_SCENARIOS as readonly string[]).includes(asked)) {
        return misuse(res, `unknown x-local-gateway-scenario "${asked}"; expected one of ${FAILURE_SCENARIOS.join(', ')}`)
      }
      return serveScenario(settings, ex, asked as FailureScenario)
    }
    const next = queue.shift()
    if (next?.kind === 'scripted') return serveScripted(settings, ex, next.response)
    if (next?.kind === 'scenario') return serveScenario(settings, ex, next.scenario)
    return serveRoute(settings, ex)
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
        send(res, {
          status: 500,
          headers: { 'content-type': 'text/plain; charset=utf-8', 'x-local-gateway-error': 'true' },
          body: `local gateway bug: ${String(err)}\n`,
        })
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
    url: `http://${host}:${address.port}${settings.dialect.basePath ?? ''}`,
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
