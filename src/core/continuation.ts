/**
 * Long decode: a model stops an answer at its per-request output limit with finishReason `CONTINUATION` and a
 * `continuationToken` on the candidate, and the same request sent again with that token goes on from there. The
 * official SDK (@google/genai 3.6, `automaticContinuation`) and the AI SDK continue by default; so does this client.
 *
 * Google's rules for hops, as the official SDK applies them: the finish reason, `responseId` and `modelVersion` are
 * the last hop's; every token count in `usageMetadata` is summed over the hops (each hop bills its prompt again), and
 * `initialPromptTokenCount` is the first hop's prompt. Parts are joined as `mergeChunks` joins a stream's.
 *
 * Loaded on the first `CONTINUATION` only: an answer in one piece never loads this module.
 * @module
 */
import type { UnaryHop } from './client.ts'
import { ContinuationError, GeminiGatewayError, type PartialAnswer, type ProviderName } from './errors.ts'
import { hopOf, httpInfo, withHttp, type WithHttp } from './http-info.ts'
import { mergeChunks } from './response.ts'
import type { GenerateContentResponse, UsageMetadata } from './types.ts'

/** Hops after the first that one call may take, unless `maxContinuations` says otherwise. */
export const DEFAULT_MAX_CONTINUATIONS = 32

/** The token that continues `response`: its first candidate's, when it stopped at the limit (or said no reason). */
export function continuationOf(response: GenerateContentResponse): string | undefined {
  const candidate = response.candidates?.[0]
  const token = candidate?.continuationToken
  if (typeof token !== 'string' || token === '') return undefined
  const reason = candidate?.finishReason
  return reason === undefined || reason === 'CONTINUATION' ? token : undefined
}

/** Whether `response` stopped at the output limit (finishReason `CONTINUATION`), token or not. */
export function stoppedAtLimit(response: GenerateContentResponse): boolean {
  return response.candidates?.[0]?.finishReason === 'CONTINUATION'
}

/** Usage summed over hops (counts and per-modality details); `initialPromptTokenCount` is the first hop's prompt. */
export function sumUsage(usages: ReadonlyArray<UsageMetadata | undefined>): UsageMetadata | undefined {
  const present = usages.filter((u): u is UsageMetadata => u !== undefined)
  if (present.length === 0) return undefined
  const out: Record<string, unknown> = {}
  for (const usage of present) {
    for (const [key, value] of Object.entries(usage)) {
      if (key === 'initialPromptTokenCount') continue
      const prev = out[key]
      if (typeof value === 'number') out[key] = (typeof prev === 'number' ? prev : 0) + value
      else if (Array.isArray(value) && key.endsWith('TokensDetails')) out[key] = sumByModality(prev as ModalityCount[] | undefined, value as ModalityCount[])
      else if (value !== undefined) out[key] = value
    }
  }
  const first = present[0]!
  const initial = first.initialPromptTokenCount ?? first.promptTokenCount
  if (initial !== undefined) out.initialPromptTokenCount = initial
  return out as UsageMetadata
}

interface ModalityCount {
  modality?: string
  tokenCount?: number
}

function sumByModality(prev: ModalityCount[] | undefined, next: ModalityCount[]): ModalityCount[] {
  const out = (prev ?? []).map((d) => ({ ...d }))
  for (const d of next) {
    const same = out.find((o) => o.modality === d.modality)
    if (same) same.tokenCount = (same.tokenCount ?? 0) + (d.tokenCount ?? 0)
    else out.push({ ...d })
  }
  return out
}

/** The hops of a unary answer as one response (see the module's rules). */
export function mergeHops(hops: readonly GenerateContentResponse[]): GenerateContentResponse {
  const merged = mergeChunks(hops)
  const last = hops[hops.length - 1]?.candidates ?? []
  // A candidate's token and finish message are the last hop's: an earlier hop's token is spent.
  for (const candidate of merged.candidates ?? []) {
    const from = last.find((c) => (c.index ?? 0) === (candidate.index ?? 0))
    for (const key of ['continuationToken', 'finishMessage'] as const) if (from?.[key] === undefined) delete candidate[key]
  }
  const usage = sumUsage(hops.map((h) => h.usageMetadata))
  if (usage) merged.usageMetadata = usage
  return merged
}

/** Why an answer stopped at the limit cannot go on; undefined when it can. */
export function cannotContinue(
  provider: ProviderName,
  token: string | undefined,
  carries: boolean,
  hops: number,
  max: number,
  seen: ReadonlySet<string>,
): string | undefined {
  if (token === undefined)
    return `${provider}: the answer stopped at the output limit (finishReason CONTINUATION) without a continuationToken, so it cannot be continued; error.partial holds what arrived`
  if (!carries) {
    return `${provider}: the answer stopped at the output limit (finishReason CONTINUATION), and ${provider} has no place for continuationToken: it would drop the token and start the answer over. error.partial holds the answer so far and its token; to get the rest, send the request with that continuationToken to a provider that carries it (google)`
  }
  if (seen.has(token))
    return `${provider}: the server sent the same continuationToken twice; stopping rather than looping. error.partial holds the answer so far`
  if (hops > max)
    return `${provider}: the answer took more than ${max} continuations (maxContinuations); error.partial holds the answer so far and the token that continues it`
  return undefined
}

/**
 * What a continuation that failed leaves the caller: the answer so far and the token that continues it. `from` is
 * the hops of a unary answer, or the chunks of a stream (whose usage already counts the earlier hops).
 */
export function partialOf(
  from: { hops: readonly GenerateContentResponse[] } | { chunks: readonly GenerateContentResponse[] },
  token: string | undefined,
  hops: number,
): PartialAnswer {
  return { response: 'hops' in from ? mergeHops(from.hops) : mergeChunks(from.chunks), continuationToken: token, hops }
}

/** `error` with the partial answer attached; an error of another kind becomes a ContinuationError with it as the cause. */
export function withPartial(error: unknown, provider: ProviderName, partial: PartialAnswer, secrets: readonly string[]): GeminiGatewayError {
  if (error instanceof GeminiGatewayError) return error.partial ? error : error.withPartial(partial)
  return new ContinuationError(`${provider}: a continuation hop failed: ${error instanceof Error ? error.message : String(error)}`, {
    provider,
    cause: error,
    secrets,
  }).withPartial(partial)
}

/** What a unary continuation needs to know about its client. */
export interface UnaryContinuation {
  provider: ProviderName
  carriesToken: boolean
  maxContinuations: number
  secrets: readonly string[]
}

/** Sends the continuation hops of a unary answer whose first hop is `first`, and merges them. */
export async function continueUnary(
  first: UnaryHop,
  next: (token: string) => Promise<UnaryHop>,
  c: UnaryContinuation,
): Promise<WithHttp<GenerateContentResponse>> {
  const { provider, secrets } = c
  const hops = [first]
  const seen = new Set<string>()
  for (let last = first; continuationOf(last.value) !== undefined || stoppedAtLimit(last.value); ) {
    const received = { hops: hops.map((h) => h.value) }
    const token = continuationOf(last.value)
    const why = cannotContinue(provider, token, c.carriesToken, hops.length, c.maxContinuations, seen)
    if (why !== undefined) throw new ContinuationError(why, { provider, secrets }).withPartial(partialOf(received, token, hops.length))
    seen.add(token!)
    try {
      last = await next(token!)
    } catch (error) {
      throw withPartial(error, provider, partialOf(received, token, hops.length), secrets)
    }
    hops.push(last)
  }
  return withHttp(mergeHops(hops.map((h) => h.value)), httpInfo(hops.map((h) => hopOf(h.answer, h.value))))
}
