/**
 * What the parts of the server pass around: the settings of one running gateway and one request in flight.
 * `server.ts` builds both; `routing.ts`, `scenarios.ts` and `replies.ts` read them.
 * @internal
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AnswerContext, ErrorContext, GatewayDialect, GatewayRoute } from './dialect.ts'
import type { RecordedRequest } from './types.ts'

/** What a running gateway was started with (its options, defaults filled in). */
export interface GatewaySettings {
  dialect: GatewayDialect
  apiKey: string
  /** apimart only: wrap unary answers in its envelope. */
  envelope: boolean
  /** Delay between the events of the default (recorded) stream answers, in ms. */
  chunkDelayMs: number
  /** cloudflare only: the token of an authenticated gateway (which then also holds a stored Google key). */
  gatewayToken?: string | undefined
  /** Hops every generation answers in (hops.ts); 1 answers in one piece. */
  hops: number
  /** Waits `ms`; rejects once the gateway closes, so no timer outlives it. */
  pause(ms: number): Promise<unknown>
}

/** Everything a handler needs about one request. */
export interface GatewayExchange {
  req: IncomingMessage
  res: ServerResponse
  route: GatewayRoute | undefined
  ctx: ErrorContext
  query: URLSearchParams
  /** This request's entry in the gateway's `requests` log (the body reading adds to it). */
  recorded: RecordedRequest
  rawBody: string
}

/** A request header as one string (repeated headers joined as Node joins them). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/** What a successful answer (or a scenario shaped like one) needs: the model asked for, and the route. */
export function answerContext(settings: GatewaySettings, ex: GatewayExchange): AnswerContext {
  const { route, ctx } = ex
  return {
    model: route?.model ?? ctx.model ?? 'gemini-2.5-flash',
    route: route ?? { op: ctx.stream ? 'stream' : 'generate', alt: 'sse' },
    envelope: settings.envelope,
  }
}
