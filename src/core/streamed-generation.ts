/**
 * One `streamGenerateContent` call as the caller sees it: the stream of its first request, then, for an answer that
 * stops at the model's output limit (finishReason `CONTINUATION`), of each continuation hop, as one stream read by
 * one generator (stream.ts). Loaded with the first stream (client.ts), with the stream reader.
 */
import type { Checks } from './checks.ts'
import type { Dialect, Route } from './dialect.ts'
import { ContinuationError } from './errors.ts'
import { hopOf, httpInfo, httpTag, type Hop, type WithHttp } from './http-info.ts'
import { streamChunks, type StreamInput } from './stream.ts'
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

/** Sends the first request; resolves at its headers with the stream of the whole answer. */
export async function startStream(deps: StreamDeps, c: StreamCall): Promise<AsyncGenerator<WithHttp<GenerateContentResponse>>> {
  const { transport, checks, dialect, carriesToken, continuation } = deps
  const { provider } = transport
  const { route, model, body, call, secrets, auto } = c
  const send = (wire: Record<string, unknown>) =>
    transport.send(route, { path: { model, ...route.pathParams }, query: { alt: 'sse' }, body: wire }, call, 'stream')
  const hops: Hop[] = []
  // Kept (references only) so that a continuation that fails can hand back what arrived: error.partial.
  const received: GenerateContentResponse[] = []
  /** Usage of the hops before this one, summed: a continued stream's usage counts them all. */
  let earlier: UsageMetadata | undefined
  let sumUsage: typeof import('./continuation.ts').sumUsage | undefined
  /** The current hop: whether it stopped at the output limit, its token, its last usage. */
  let stopped = false
  let next: string | undefined
  let hopUsage: UsageMetadata | undefined
  let token: string | undefined
  const seen = new Set<string>()

  const failed = async (error: unknown): Promise<unknown> => {
    const { partialOf, withPartial } = await continuation()
    return withPartial(error, provider, partialOf({ chunks: received }, token, hops.length - 1), secrets)
  }

  /** The stream reader's input for one hop's response. */
  const inputFor = (answer: StreamAnswer): StreamInput => {
    const hop = hopOf(answer, undefined)
    hops.push(hop)
    const tag = httpTag(httpInfo([...hops]))
    stopped = false
    next = undefined
    hopUsage = undefined
    return {
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
        if (!auto) return tag(chunk)
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
          if (sumUsage) chunk.usageMetadata = sumUsage([earlier, hopUsage])
        }
        received.push(chunk)
        return tag(chunk)
      },
    }
  }

  const first = inputFor(await send(body))
  if (!auto) return streamChunks(first) as AsyncGenerator<WithHttp<GenerateContentResponse>>
  return streamChunks(first, {
    async next() {
      if (!stopped) return undefined
      const module = await continuation()
      const why = module.cannotContinue(provider, next, carriesToken, hops.length, deps.maxContinuations, seen)
      if (why !== undefined)
        throw new ContinuationError(why, { provider, secrets }).withPartial(module.partialOf({ chunks: received }, next ?? token, hops.length))
      sumUsage = module.sumUsage
      earlier = sumUsage([earlier, hopUsage])
      token = next!
      seen.add(token)
      try {
        return inputFor(await send({ ...body, continuationToken: token }))
      } catch (error) {
        throw module.withPartial(error, provider, module.partialOf({ chunks: received }, token, hops.length), secrets)
      }
    },
    failed,
  }) as AsyncGenerator<WithHttp<GenerateContentResponse>>
}
