/**
 * One `streamGenerateContent` call as the caller sees it: the stream of its first request, then, for an answer that
 * stops at the model's output limit (finishReason `CONTINUATION`), of each continuation hop, as one stream.
 * Loaded with the first stream (client.ts), with the stream reader (stream.ts).
 */
import type { Checks } from './checks.ts'
import type { Dialect, Route } from './dialect.ts'
import { ContinuationError } from './errors.ts'
import { hopOf, httpInfo, withHttp, type HopInfo, type WithHttp } from './http-info.ts'
import { streamChunks } from './stream.ts'
import type { StreamAnswer, Transport } from './transport.ts'
import type { CallOptions, GenerateContentResponse, UsageMetadata } from './types.ts'

/** What a client hands over once per client. */
export interface StreamDeps {
  transport: Transport
  checks: Checks
  dialect: Dialect
  /** Whether the dialect's wire carries `continuationToken` (new-api and nordlys drop it). */
  carriesToken: boolean
  maxContinuations: number
  continuation: () => Promise<typeof import('./continuation.ts')>
}

/** One call: the wire body, already read and checked. */
export interface StreamCall {
  route: Route & { operationId: string; pathParams?: Record<string, string> }
  model: string
  body: Record<string, unknown>
  call: CallOptions
  secrets: readonly string[]
  /** `automaticContinuation`. */
  auto: boolean
}

export async function* streamGeneration(deps: StreamDeps, c: StreamCall): AsyncGenerator<WithHttp<GenerateContentResponse>> {
  const { transport, checks, dialect, carriesToken, continuation } = deps
  const { provider } = transport
  const { route, model, body, call, secrets, auto } = c
  const hops: HopInfo[] = []
  // Kept (references only) so that a continuation that fails can hand back what arrived: error.partial.
  const received: GenerateContentResponse[] = []
  /** Usage of the hops before this one, summed: a continued stream's usage counts them all. */
  let earlier: UsageMetadata | undefined
  let token: string | undefined
  const seen = new Set<string>()
  const failed = async (error: unknown) => {
    const { partialOf, withPartial } = await continuation()
    return withPartial(error, provider, partialOf({ chunks: received }, token, hops.length - 1), secrets)
  }
  for (let wire = body; ; ) {
    let answer: StreamAnswer
    try {
      answer = await transport.send(route, { path: { model, ...route.pathParams }, query: { alt: 'sse' }, body: wire }, call, 'stream')
    } catch (error) {
      throw hops.length === 0 ? error : await failed(error)
    }
    const hop = hopOf(answer, undefined)
    hops.push(hop)
    const info = httpInfo(answer.response, answer.secrets, [...hops])
    const addEarlier = earlier === undefined ? undefined : (await continuation()).sumUsage
    let next: string | undefined
    let stopped = false
    let hopUsage: UsageMetadata | undefined
    const chunks = streamChunks({
      response: answer.response,
      body: answer.response.body,
      provider,
      secrets: answer.secrets,
      signal: call.signal,
      baseUrl: transport.baseUrl,
      idleTimeout: answer.timeout,
      attempts: answer.attempts,
      abort: answer.abort,
      check: (chunk) => checks.response('GenerateContentResponse', chunk, answer.response, answer.secrets),
      fromWire: dialect.fromWire,
      onChunk(chunk) {
        if (chunk.responseId !== undefined) hop.responseId = chunk.responseId
        if (!auto) return withHttp(chunk, info)
        const first = chunk.candidates?.[0]
        if (first?.finishReason !== undefined) {
          stopped = first.finishReason === 'CONTINUATION'
          next = stopped ? first.continuationToken : undefined
          // More is coming: the caller's stream reads as one answer, so this is not its end.
          if (stopped && next && carriesToken) {
            delete first.finishReason
            delete first.continuationToken
          }
        }
        if (chunk.usageMetadata) {
          hopUsage = chunk.usageMetadata
          if (addEarlier) chunk.usageMetadata = addEarlier([earlier, hopUsage])
        }
        received.push(chunk)
        return withHttp(chunk, info)
      },
    })
    try {
      yield* chunks as AsyncGenerator<WithHttp<GenerateContentResponse>>
    } catch (error) {
      throw hops.length === 1 ? error : await failed(error)
    }
    if (!auto || !stopped) return
    const { cannotContinue, partialOf, sumUsage } = await continuation()
    const why = cannotContinue(provider, next, carriesToken, hops.length, deps.maxContinuations, seen)
    if (why !== undefined) throw new ContinuationError(why, { provider, secrets }).withPartial(partialOf({ chunks: received }, next ?? token, hops.length))
    earlier = sumUsage([earlier, hopUsage])
    token = next!
    seen.add(token)
    wire = { ...body, continuationToken: token }
  }
}
