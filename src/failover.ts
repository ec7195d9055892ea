/**
 * Failover across clients: try each provider in order until one answers. Only failures that happen before any
 * of the answer reached the caller, and that show the generation never ran, move on (429, 503, no connection, no
 * channel for the model); a stream that already yielded a chunk is never continued by another provider, so two
 * providers' answers are never spliced.
 *
 * @example
 * ```ts
 * import { createClient, createFailoverClient, text } from 'gemini-gateways'
 *
 * const ai = createFailoverClient([
 *   createClient({ provider: 'google', maxRetries: 1 }),
 *   createClient({ provider: 'infinityblue', maxRetries: 1 }),
 * ])
 * const res = await ai.generateContent({ model: 'gemini-2.5-flash', contents })
 * console.log(text(res), 'from', res.failover.provider)
 * ```
 * @module
 */
import { ConfigurationError, GeminiGatewayError, UserAbortError, type ProviderName } from './core/errors.ts'
import { judge } from './core/sending-policy.ts'
import type { CallOptions, GenerateContentParams, GenerateContentResponse } from './core/types.ts'

/**
 * What a member must offer: any client from `createClient` or `createXClient` fits. Members are called with the
 * canonical (Google-dialect) params; provider-only fields such as nordlys's router fields are not sent.
 */
export interface FailoverMemberClient {
  readonly provider: ProviderName
  generateContent(params: GenerateContentParams, options?: CallOptions): Promise<GenerateContentResponse>
  streamGenerateContent(params: GenerateContentParams, options?: CallOptions): AsyncGenerator<GenerateContentResponse>
}

/** A member with a model of its own, for gateways that name a model differently (e.g. `gemini-2.5-pro-thinking`). */
export interface FailoverMemberConfig {
  client: FailoverMemberClient
  /** Replaces `params.model` for this member only. */
  model?: string
}

/** One try of one member. */
export interface FailoverAttempt {
  provider: ProviderName
  /** Position of the member in the list given to {@link createFailoverClient} (two members may share a provider). */
  index: number
  /** Why this member was passed over; absent on the member that answered. */
  error?: GeminiGatewayError
}

/** Who answered a call, and who was tried before. */
export interface FailoverReport {
  /** The provider that answered. */
  provider: ProviderName
  /** Its position in the member list. */
  index: number
  /** Every member tried, in order; the last one is the one that answered. */
  attempts: readonly FailoverAttempt[]
}

/**
 * A response (or stream chunk) from a failover client. `failover` is a non-enumerable property: it stays out of
 * `JSON.stringify` and deep-equality checks, so the value is still a plain GenerateContentResponse. It is not
 * called `provider` because nordlys answers already carry a top-level `provider` (its upstream).
 */
export type FailoverResponse = GenerateContentResponse & { readonly failover: FailoverReport }

/** Options of {@link createFailoverClient}. */
export interface FailoverOptions {
  /**
   * Decides whether an error (raised before any of the answer was delivered) moves on to the next member.
   * Default: the sending policy ({@link isFailoverError}). User aborts never fail over, whatever this returns.
   */
  shouldFailover?: (error: GeminiGatewayError) => boolean
  /**
   * Also moves on after a failure that shows the generation may have run on the member that failed (500, 502, 504,
   * a timeout, a connection lost once the request was out): the next member then generates, and bills, it again.
   * Default false.
   */
  allowDuplicateGenerations?: boolean
  /** Called each time a member is passed over (for logs and metrics). */
  onFailover?: (attempt: Required<FailoverAttempt>) => void
}

/** A client that tries its members in order. */
export interface FailoverClient {
  /** The members' providers, in the order they are tried. */
  readonly providers: readonly ProviderName[]
  /**
   * Tries each member in turn; resolves with the first answer, whose non-enumerable `failover` property says who
   * answered. A member is passed over when {@link FailoverOptions.shouldFailover} accepts its error; any other
   * error is thrown as is. Throws {@link AllProvidersFailedError} when every member was passed over.
   */
  generateContent(params: GenerateContentParams, options?: CallOptions): Promise<FailoverResponse>
  /**
   * Like {@link FailoverClient.generateContent}, for streams: a member is passed over only when it fails before
   * its first chunk. Once a chunk has been yielded, that member's later errors are thrown to the caller (the next
   * member is never asked to continue another's answer). Every chunk carries the same `failover` report.
   * Leaving the loop early cancels the answering member's request.
   */
  streamGenerateContent(params: GenerateContentParams, options?: CallOptions): AsyncGenerator<FailoverResponse>
}

/** Every member failed with an error worth failing over; `errors` holds each member's error, in order. */
export class AllProvidersFailedError extends GeminiGatewayError {
  /** One error per member, in the order they were tried. */
  readonly errors: readonly GeminiGatewayError[]
  /** The same, with each member's provider and index. */
  readonly attempts: readonly Required<FailoverAttempt>[]

  constructor(attempts: readonly Required<FailoverAttempt>[]) {
    const last = attempts.at(-1)?.error
    // Each member's message already starts with its provider name.
    super(`all ${attempts.length} providers failed: ${attempts.map((a) => a.error.message).join('; ')}`, {
      status: last?.status,
      code: last?.code,
      cause: last,
    })
    this.attempts = attempts
    this.errors = attempts.map((a) => a.error)
  }

  static {
    Object.defineProperty(this.prototype, 'name', { value: 'AllProvidersFailedError', writable: true, configurable: true, enumerable: false })
  }
}

/**
 * The default failover rule, the sending policy's (src/core/sending-policy.ts): failures that show the generation
 * never ran on the member (429, 503, no connection made, a relay without a channel for the model; also when a
 * stream's first event is such an error). Not: failures after which it may still be running and billing (500, 502,
 * 504, timeouts, a connection lost once the request was out) unless `allowDuplicateGenerations`, other 4xx,
 * validation errors, malformed bodies, configuration errors, the caller's own errors, user aborts.
 */
export function isFailoverError(error: unknown, options: { allowDuplicateGenerations?: boolean | undefined } = {}): boolean {
  return judge(error, 'generation', options).failover
}

/**
 * A client that tries `members` in order (see {@link FailoverClient}).
 *
 * Retries: each member keeps its own retries, so `maxRetries` applies per member. With the default of 2, a member
 * that keeps answering 503 is asked 3 times (with backoff) before the next member is tried; give members
 * `maxRetries: 0` or `1` for fast failover. Likewise `timeoutMs` applies per member and per attempt (a generation's
 * timeout is neither retried nor failed over: the member may still be generating it); pass a `signal` in the call
 * options to bound the whole call.
 *
 * @param members clients from `createClient`/`createXClient`, or `{ client, model }` to use another model id on
 *   that member.
 * @throws ConfigurationError when `members` is empty.
 */
export function createFailoverClient(members: ReadonlyArray<FailoverMemberClient | FailoverMemberConfig>, options: FailoverOptions = {}): FailoverClient {
  if (members.length === 0) throw new ConfigurationError('createFailoverClient: give at least one client')
  const list = members.map((m): FailoverMemberConfig => ('client' in m ? m : { client: m }))
  const shouldFailover = options.shouldFailover ?? ((error: GeminiGatewayError) => isFailoverError(error, options))

  const paramsFor = (member: FailoverMemberConfig, params: GenerateContentParams): GenerateContentParams =>
    member.model === undefined ? params : { ...params, model: member.model }

  /** Records a failure; returns false when it must be thrown instead of moving on. */
  const passOver = (failed: Required<FailoverAttempt>[], error: unknown, member: FailoverMemberConfig, index: number): boolean => {
    if (!(error instanceof GeminiGatewayError) || error instanceof UserAbortError || !shouldFailover(error)) return false
    const attempt = { provider: member.client.provider, index, error }
    failed.push(attempt)
    options.onFailover?.(attempt)
    return true
  }

  const report = (failed: Required<FailoverAttempt>[], member: FailoverMemberConfig, index: number): FailoverReport => {
    const provider = member.client.provider
    return { provider, index, attempts: [...failed, { provider, index }] }
  }

  return {
    providers: list.map((m) => m.client.provider),

    async generateContent(params, call) {
      const failed: Required<FailoverAttempt>[] = []
      for (const [index, member] of list.entries()) {
        let response: GenerateContentResponse
        try {
          response = await member.client.generateContent(paramsFor(member, params), call)
        } catch (error) {
          if (passOver(failed, error, member, index)) continue
          throw error
        }
        return tag(response, report(failed, member, index))
      }
      throw new AllProvidersFailedError(failed)
    },

    async *streamGenerateContent(params, call) {
      const failed: Required<FailoverAttempt>[] = []
      for (const [index, member] of list.entries()) {
        const stream = member.client.streamGenerateContent(paramsFor(member, params), call)
        let first: IteratorResult<GenerateContentResponse>
        try {
          first = await stream.next()
        } catch (error) {
          if (passOver(failed, error, member, index)) continue
          throw error
        }
        // Committed to this member from here on: its errors go to the caller.
        const done = report(failed, member, index)
        try {
          for (let next = first; !next.done; next = await stream.next()) yield tag(next.value, done)
        } finally {
          // Early exit by the caller: cancel the HTTP body (a no-op once the stream has finished).
          await stream.return(undefined)
        }
        return
      }
      throw new AllProvidersFailedError(failed)
    },
  }
}

function tag(response: GenerateContentResponse, report: FailoverReport): FailoverResponse {
  Object.defineProperty(response, 'failover', { value: report, enumerable: false, writable: false, configurable: true })
  return response as FailoverResponse
}
