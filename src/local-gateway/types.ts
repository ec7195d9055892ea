/**
 * Public types of the local gateway (`src/local-gateway/`). The server is a leaf: nothing here imports the client.
 * @packageDocumentation
 */
import type { Server } from 'node:http'
// The registry is generated data (from redocly.yaml), not the client: the gateway speaks every provider it lists.
import type { Provider } from '../../generated/registry.ts'

/** The key every gateway accepts unless `apiKey` says otherwise. */
export const LOCAL_GATEWAY_API_KEY = 'local-gateway-key'

/**
 * Ways the next request(s) can fail, each in the chosen dialect's own shape.
 *
 * - `rate-limit`: 429 with `Retry-After: 1` (google adds a `RetryInfo` detail).
 * - `overloaded`: 503. `server-error`: 500. `bad-gateway-html`: 502 nginx HTML page.
 * - `error-200`: HTTP 200 whose body is an error in the dialect's shape.
 * - `envelope-error`: HTTP 200 `{"code":500,"msg":"upstream error","data":null}` (apimart's envelope; sent as is by every dialect).
 * - `unknown-model`: the dialect's unknown-model error (google 404 NOT_FOUND, newapi and its resellers 503 `model_not_found`,
 *   apimart a 404 envelope, nordlys 404), which a model outside the dialect's catalogue also gets without asking.
 * - `auth`: the dialect's auth error even though the key is right.
 * - `stream-error-midway`: two events, then the dialect's mid-stream error (google: bare pretty JSON; relays:
 *   `data: {"error":...}`; nordlys: the stream just ends). On a unary request: the `overloaded` error.
 * - `stream-cut`: every event but the last (no `finishReason`), then a normal end of body. On a unary request: half
 *   the JSON body, then the socket is destroyed.
 * - `reset`: socket destroyed before any header. `stall`: 200 headers, then nothing until the client gives up.
 */
export type FailureScenario =
  | 'rate-limit'
  | 'overloaded'
  | 'server-error'
  | 'bad-gateway-html'
  | 'error-200'
  | 'envelope-error'
  | 'unknown-model'
  | 'auth'
  | 'stream-error-midway'
  | 'stream-cut'
  | 'reset'
  | 'stall'

/** Every failure scenario, in a stable order. */
export const FAILURE_SCENARIOS: readonly FailureScenario[] = [
  'rate-limit',
  'overloaded',
  'server-error',
  'bad-gateway-html',
  'error-200',
  'envelope-error',
  'unknown-model',
  'auth',
  'stream-error-midway',
  'stream-cut',
  'reset',
  'stall',
]

/** Options of {@link startLocalGateway}. */
export interface LocalGatewayOptions {
  /** Dialect to speak. */
  provider: Provider
  /** Interface to bind; default `127.0.0.1` (loopback only). */
  host?: string
  /** Port; default `0` (ephemeral, read it back from `url`). */
  port?: number
  /** Key the gateway accepts; default `'local-gateway-key'`. Any other or missing key gets the dialect's auth error. */
  apiKey?: string
  /**
   * cloudflare only: the gateway is authenticated with this token (`cf-aig-authorization: Bearer <token>` required) and
   * holds a stored Google key, so a request with the token and no `x-goog-api-key` is served (BYOK).
   */
  gatewayToken?: string
  /** apimart only: wrap unary responses in `{code:200,data,usageMetadata}` as its docs show (default `true`). */
  apimartEnvelope?: boolean
  /** Delay before the status line of every response, in ms. */
  latencyMs?: number
  /** Delay between stream events of the default (recorded) answers, in ms; default 0. */
  chunkDelayMs?: number
  /**
   * Answer every generation in this many hops, as a model past its output limit does (finishReason `CONTINUATION`
   * and a `continuationToken`; the request sent again with the token gets the next hop). Default 1: one piece. The
   * header `x-local-gateway-hops: N` asks for it per request.
   */
  hops?: number
}

/** One request as the gateway received it. Key-bearing headers and `?key=` are replaced by `[REDACTED]`. */
export interface RecordedRequest {
  method: string
  /** Path without the query string, as sent (not decoded). */
  path: string
  query: Record<string, string>
  /** Lower-cased header names. */
  headers: Record<string, string>
  /** Parsed JSON body; the raw text when it is not JSON; `undefined` when empty. */
  body: unknown
  /**
   * The request as this dialect understood it, in canonical camelCase without `contents` (generate/stream routes only).
   * For nordlys this shows what survived its snake_case reading.
   */
  effective?: Record<string, unknown>
  /** Top-level body keys this dialect silently dropped (e.g. nordlys drops `generationConfig`). */
  ignoredKeys?: string[]
  /** The whole body as a relay that decodes and encodes it again passes it on (newapi and its resellers). */
  forwarded?: Record<string, unknown>
  /** JSON pointers of every field that relay dropped without a word, nested ones included. */
  dropped?: string[]
}

/** A hand-written answer for the next request; see {@link LocalGateway.enqueue}. */
export interface ScriptedResponse {
  /** HTTP status; default 200. */
  status?: number
  /** Response headers. `content-type` defaults to JSON when `body` is an object. */
  headers?: Record<string, string>
  /** Written first; an object is sent as JSON (a `Uint8Array` as raw bytes). */
  body?: string | object
  /** SSE or raw chunks written one by one, after `body`. */
  chunks?: Array<string | Uint8Array>
  /** Delay before each chunk, in ms; default 0. */
  chunkDelayMs?: number
  /** Destroy the socket: before the headers, right after them, or after about half of the body. */
  reset?: 'before-headers' | 'after-headers' | 'mid-body'
  /** Write headers and body, then never finish the response. */
  stall?: boolean
}

/** A running local gateway. */
export interface LocalGateway {
  /**
   * Base URL, e.g. `http://127.0.0.1:45123` (no trailing slash), with the path a dialect's URL ends in (cloudflare:
   * `…/v1/local-account/local-gateway/google-ai-studio`): what a client takes as `baseUrl`.
   */
  readonly url: string
  readonly provider: Provider
  /** Every request received, in order. */
  readonly requests: RecordedRequest[]
  /** The underlying `node:http` server (tests check `listening`). */
  readonly server: Server
  /** The next requests get these, first in first out, instead of the default behaviour (before auth and routing). */
  enqueue(...responses: ScriptedResponse[]): void
  /** The next `times` (default 1) requests fail that way; shares the FIFO with {@link LocalGateway.enqueue}. */
  fail(scenario: FailureScenario, times?: number): void
  /** Closes the server and destroys open sockets; resolves once fully closed. Safe to call twice. */
  close(): Promise<void>
}
