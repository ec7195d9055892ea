/**
 * The one sending policy: for every failure of every operation, whether the request is sent again to the same
 * provider, whether failover moves on to the next one, and why. The transport (retries), the failover client
 * and the README's error table all read it, so they cannot disagree.
 *
 * A generation (generateContent, streamGenerateContent, each hop of a continued answer) runs for minutes and is
 * billed, so it is sent again only when the failure shows it never ran. The quick calls (listModels, getModel,
 * countTokens) cost nothing to ask again.
 * @module
 */
import {
  APIStatusError,
  CallerError,
  ConfigurationError,
  ConnectionError,
  IncompleteStreamError,
  ModelUnavailableError,
  RequestValidationError,
  StreamError,
  TimeoutError,
  UserAbortError,
} from './errors.ts'

/**
 * - `not-run`: the failure shows the request never ran (429, 503, 408, 409, no connection, no channel): sent again.
 * - `may-have-run`: the server may be generating, and billing, it still (500, 502, 504, other 5xx, a timeout, a
 *   connection lost once the request was out, a stream that ended before its first chunk): a generation is not sent
 *   again unless the caller allows duplicates.
 * - `caller`: the caller's own code or settings failed (a middleware or a custom fetch threw for a local reason, a
 *   header value fetch refuses, an abort, a request the checks refused): never sent again, never failed over.
 * - `answered`: the server answered, and asking again gets the same answer (other 4xx, a malformed or invalid body).
 */
export type FailureKind = 'not-run' | 'may-have-run' | 'caller' | 'answered'

/** What happens after a failure. */
export interface Verdict {
  kind: FailureKind
  /** Sent again to the same provider (while `maxRetries` allows). */
  retry: boolean
  /** The failover client moves on to its next member (only before any of the answer reached the caller). */
  failover: boolean
  /** Why, in a few words. */
  why: string
}

/** `generation`: generateContent, streamGenerateContent, a continuation hop; `quick`: listModels, getModel, countTokens. */
export type Operation = 'generation' | 'quick'

export interface PolicyOptions {
  /**
   * Sends a generation again (retry, failover) after a failure that shows it may have run: a 500/502/504, a
   * timeout, a connection lost after sending. The model may then answer, and bill, the same request twice.
   * Default false.
   */
  allowDuplicateGenerations?: boolean | undefined
}

/** What kind of failure `error` is (see {@link FailureKind}), and why. */
export function classify(error: unknown): { kind: FailureKind; why: string } {
  if (error instanceof CallerError || error instanceof UserAbortError || error instanceof ConfigurationError || error instanceof RequestValidationError) {
    return { kind: 'caller', why: "the caller's own code, settings or request" }
  }
  if (error instanceof ModelUnavailableError) return { kind: 'not-run', why: 'no channel of the relay serves the model' }
  if (error instanceof ConnectionError) {
    return error.connected === false
      ? { kind: 'not-run', why: 'no connection was made: nothing was sent' }
      : { kind: 'may-have-run', why: 'the connection was lost once the request may have gone out' }
  }
  if (error instanceof TimeoutError) return { kind: 'may-have-run', why: 'no answer in time: the server may still be working on it' }
  if (error instanceof IncompleteStreamError) return { kind: 'may-have-run', why: 'the stream ended early: the server took the request' }
  if (error instanceof APIStatusError || error instanceof StreamError) {
    const status = error.status
    if (status !== undefined) return classifyStatus(status)
  }
  return { kind: 'answered', why: 'the server answered; asking again gets the same answer' }
}

/** An HTTP status (or the status an error in a body or a stream stands for). */
export function classifyStatus(status: number): { kind: FailureKind; why: string } {
  if (status === 429) return { kind: 'not-run', why: 'rate limited before running' }
  if (status === 503) return { kind: 'not-run', why: 'the service refused the work for now (UNAVAILABLE)' }
  if (status === 408) return { kind: 'not-run', why: 'the server timed out reading the request' }
  if (status === 409) return { kind: 'not-run', why: 'a conflict (ABORTED) stopped it before it ran' }
  if (status >= 500) return { kind: 'may-have-run', why: 'a server or proxy failed, perhaps after the model ran' }
  return { kind: 'answered', why: 'the server refused the request' }
}

/** Statuses that fail over: a member that is rate limited, overloaded or broken may be fine elsewhere; 408 and 409 stay with their provider. */
const failsOver = (error: unknown): boolean =>
  !(error instanceof APIStatusError || error instanceof StreamError) || error instanceof ModelUnavailableError || (error.status !== 408 && error.status !== 409)

/** The verdict on `error` for one operation. */
export function judge(error: unknown, operation: Operation, options: PolicyOptions = {}): Verdict {
  const { kind, why } = classify(error)
  switch (kind) {
    case 'not-run':
      // The relay has no channel for the model: the same provider will not find one, another may.
      return { kind, why, retry: !(error instanceof ModelUnavailableError), failover: failsOver(error) }
    case 'may-have-run': {
      const again = operation === 'quick' || options.allowDuplicateGenerations === true
      return { kind, why, retry: again, failover: again }
    }
    default:
      return { kind, why, retry: false, failover: false }
  }
}
