/**
 * The response behind an answer: every value a client returns carries, as a non-enumerable `http` property, the
 * status, headers and request id of what answered, and how many attempts and hops it took. Non-enumerable, so the
 * value stays a plain response for `JSON.stringify` and deep equality. What costs anything to read (the headers,
 * scrubbed of secrets; the request id) is read when asked for, not on every call.
 */
import { requestIdOf } from './internal/headers.ts'
import { redactSecrets } from './internal/redact.ts'

/** One request of an answer: a continued (long) answer takes one per hop. */
export interface HopInfo {
  /** The HTTP status of the response. */
  readonly status: number
  /** The request id the server gave in a header (`x-request-id`, `x-goog-request-id`, `request-id`, `x-oneapi-request-id`). */
  readonly requestId: string | undefined
  /** The body's `responseId`, when it has one. */
  readonly responseId: string | undefined
  /** How many times the request was sent (1 when it was not sent again). */
  readonly attempts: number
}

/** What answered a call (for a continued answer: the last hop), and every hop. */
export interface HttpInfo extends HopInfo {
  /** The response headers (any credential a server echoed in them scrubbed). */
  readonly headers: Headers
  /** One entry per request; more than one when the answer was continued (finishReason `CONTINUATION`). */
  readonly hops: readonly HopInfo[]
}

/** A value a client returned, with the response behind it. */
export type WithHttp<T> = T & { readonly http: HttpInfo }

/** What an exchange the transport made leaves behind. */
interface Exchange {
  response: Response
  attempts: number
  secrets: readonly string[]
}

/** One hop; its request id is read from the headers when first asked for. */
class Hop implements HopInfo {
  readonly #exchange: Exchange
  #requestId: string | undefined | null = null
  readonly status: number
  readonly attempts: number
  responseId: string | undefined
  constructor(exchange: Exchange, responseId: string | undefined) {
    this.#exchange = exchange
    this.responseId = responseId
    this.status = exchange.response.status
    this.attempts = exchange.attempts
  }
  get requestId(): string | undefined {
    if (this.#requestId === null) this.#requestId = requestIdOf(this.#exchange.response.headers, this.#exchange.secrets)
    return this.#requestId
  }
  /** The response headers, any secret a server echoed in them scrubbed. */
  headers(): Headers {
    return scrubbed(this.#exchange.response.headers, this.#exchange.secrets)
  }
  toJSON(): HopInfo {
    return { status: this.status, requestId: this.requestId, responseId: this.responseId, attempts: this.attempts }
  }
}

/** The last hop (as it goes on: a stream learns its `responseId` from its chunks), its headers, and every hop. */
class Http implements HttpInfo {
  readonly #last: Hop
  #headers: Headers | undefined
  readonly hops: readonly HopInfo[]
  constructor(last: Hop, hops: readonly HopInfo[]) {
    this.#last = last
    this.hops = hops
  }
  get status(): number {
    return this.#last.status
  }
  get attempts(): number {
    return this.#last.attempts
  }
  get responseId(): string | undefined {
    return this.#last.responseId
  }
  get requestId(): string | undefined {
    return this.#last.requestId
  }
  get headers(): Headers {
    this.#headers ??= this.#last.headers()
    return this.#headers
  }
  toJSON(): HttpInfo {
    return { ...this.#last.toJSON(), headers: this.headers, hops: this.hops }
  }
}

/** The hop an exchange answered; `body` gives its `responseId` (a stream sets it as chunks come). */
export function hopOf(exchange: Exchange, body: unknown): Hop {
  const responseId = (body as { responseId?: unknown } | undefined)?.responseId
  return new Hop(exchange, typeof responseId === 'string' ? responseId : undefined)
}

/** The info for the last of `hops`. */
export function httpInfo(hops: readonly Hop[]): HttpInfo {
  return new Http(hops[hops.length - 1]!, hops)
}

export type { Hop }

/**
 * What attaches `info` to values (non-enumerable, read-only, like a failover client's `failover`). A stream makes one
 * per hop: its chunks share the descriptor, which halves the cost of defining the property on each.
 */
export function httpTag(info: HttpInfo): <T extends object>(value: T) => WithHttp<T> {
  const descriptor: PropertyDescriptor = { value: info, enumerable: false, writable: false, configurable: true }
  return (value) => Object.defineProperty(value, 'http', descriptor) as WithHttp<typeof value>
}

/** Attaches `info` to `value`. */
export function withHttp<T extends object>(value: T, info: HttpInfo): WithHttp<T> {
  return httpTag(info)(value)
}

/** The headers as they came, or a copy with secrets scrubbed when a server echoed one. */
function scrubbed(headers: Headers, secrets: readonly string[]): Headers {
  let leaks = false
  headers.forEach((value) => {
    if (!leaks && secrets.some((s) => s !== '' && value.includes(s))) leaks = true
  })
  if (!leaks) return headers
  const copy = new Headers()
  headers.forEach((value, name) => {
    copy.append(name, redactSecrets(value, secrets))
  })
  return copy
}
