/**
 * Long decode, as Gemini 4 answers past its per-request output limit: the answer comes in hops. Each hop but the
 * last ends its candidate with finishReason `CONTINUATION` and a `continuationToken`; the same request sent again
 * with that token gets the next hop. Asked for with the header `x-local-gateway-hops: N` or the gateway's `hops`
 * option; the answer is a long recording split into N parts. The token says which hop comes next, so the gateway
 * keeps no state. A dialect that drops the token (new-api, nordlys) starts the answer over, as the real one would.
 * @internal
 */
import type { AnswerContext, Reply } from './dialect.ts'
import { header, type GatewayExchange, type GatewaySettings } from './exchange.ts'
import { answeredBy, findRecording, type RecordedEvent } from './recordings.ts'
import { misuse, send, streamEvents, writeStream } from './replies.ts'

/** The header that asks for an answer in hops. */
export const HOPS_HEADER = 'x-local-gateway-hops'

/** What a hop answers with unless `x-local-gateway-recording` names another: the long recorded answer. */
const LONG_ANSWER = 'streaming-success-basic-reply-long'

/** Which hop of how many a request asks for, and from which recording. */
export interface Hop {
  hop: number
  of: number
  recording: string
}

const TOKEN = /^local-gateway:hop:(\d+):of:(\d+):(.+)$/

function tokenFor(hop: Omit<Hop, 'hop'> & { hop: number }): string {
  return Buffer.from(`local-gateway:hop:${hop.hop}:of:${hop.of}:${hop.recording}`).toString('base64')
}

/**
 * The hop this request asks for: from its `continuationToken` (as the dialect read the body), else hop 1 when hops
 * were asked for; undefined for an answer in one piece; a string when the token is not one of ours (Google's 400).
 */
export function requestedHop(settings: GatewaySettings, ex: GatewayExchange, effective: Record<string, unknown>): Hop | string | undefined {
  const token = effective.continuationToken
  if (typeof token === 'string') {
    const m = TOKEN.exec(Buffer.from(token, 'base64').toString('utf8'))
    if (!m) return 'Invalid continuation token.'
    return { hop: Number(m[1]), of: Number(m[2]), recording: m[3]! }
  }
  const asked = header(ex.req, HOPS_HEADER)
  const of = asked === undefined ? settings.hops : Number(asked)
  if (!Number.isInteger(of) || of < 2) return undefined
  return { hop: 1, of, recording: header(ex.req, 'x-local-gateway-recording')?.replace(/\.(json|txt)$/, '') ?? LONG_ANSWER }
}

/** Answers one hop: unary as one JSON body, stream as the hop's events in the dialect's framing. */
export async function serveHop(settings: GatewaySettings, ex: GatewayExchange, actx: AnswerContext, hop: Hop, extra: Record<string, string>): Promise<void> {
  const rec = findRecording(hop.recording)
  if (!rec || (rec.kind === 'json' && ex.route?.op === 'stream')) return misuse(ex.res, `recording "${hop.recording}" cannot answer in hops`)
  const events = streamEvents(rec, actx.model)
  if (ex.route?.op === 'stream') return writeStream(settings, ex.res, settings.dialect.framing(actx), streamHop(events, hop), 'full', extra)
  const whole = rec.kind === 'json' ? answeredBy(rec, actx.model).value : mergeEvents(events)
  const value = unaryHop(whole, hop)
  const reply: Reply = settings.dialect.unary(value, JSON.stringify(value, null, 2), actx)
  return send(ex.res, reply, extra)
}

type Json = Record<string, any>

/** A stream recording as one unary answer: its text joined, the last event's finish and usage. */
function mergeEvents(events: readonly RecordedEvent[]): Json {
  const last = structuredClone(events[events.length - 1]!.value) as Json
  const text = events.map((e) => ((e.value as Json).candidates?.[0]?.content?.parts ?? []).map((p: Json) => p.text ?? '').join('')).join('')
  last.candidates[0].content = { role: 'model', parts: [{ text }] }
  return last
}

/** The answer's text cut into `of` pieces, at character boundaries that keep surrogate pairs whole. */
function pieces(text: string, of: number): string[] {
  const chars = Array.from(text)
  const size = Math.ceil(chars.length / of)
  return Array.from({ length: of }, (_, i) => chars.slice(i * size, (i + 1) * size).join(''))
}

/** Marks a candidate as stopped at the output limit, with the token of the next hop. */
function stopAtLimit(candidate: Json, hop: Hop): void {
  candidate.finishReason = 'CONTINUATION'
  candidate.continuationToken = tokenFor({ ...hop, hop: hop.hop + 1 })
}

/** Hop `hop.hop` of a unary answer: its share of the text and of the output tokens. */
export function unaryHop(whole: Json, hop: Hop): Json {
  const value = structuredClone(whole)
  const candidate = value.candidates?.[0]
  if (!candidate) return value
  const text = ((candidate.content?.parts ?? []) as Json[])
    .filter((p) => typeof p.text === 'string' && !p.thought)
    .map((p) => p.text)
    .join('')
  const piece = pieces(text, hop.of)[hop.hop - 1] ?? ''
  candidate.content = { role: 'model', parts: [{ text: piece }] }
  if (hop.hop < hop.of) stopAtLimit(candidate, hop)
  const usage = value.usageMetadata
  if (usage && typeof usage.candidatesTokenCount === 'number') {
    usage.candidatesTokenCount = Math.max(1, Math.round((usage.candidatesTokenCount * piece.length) / Math.max(1, text.length)))
    usage.totalTokenCount = (usage.promptTokenCount ?? 0) + usage.candidatesTokenCount + (usage.thoughtsTokenCount ?? 0)
    if (Array.isArray(usage.candidatesTokensDetails)) usage.candidatesTokensDetails = [{ modality: 'TEXT', tokenCount: usage.candidatesTokenCount }]
  }
  if (typeof value.responseId === 'string') value.responseId = `${value.responseId}-${hop.hop}`
  return value
}

/** Hop `hop.hop` of a stream: its share of the events, the last one stopped at the limit; usage counts this hop only. */
export function streamHop(events: readonly RecordedEvent[], hop: Hop): RecordedEvent[] {
  const size = Math.ceil(events.length / hop.of)
  const before = events[(hop.hop - 1) * size - 1]?.value as Json | undefined
  const spent = before?.usageMetadata?.candidatesTokenCount ?? 0
  const mine = events.slice((hop.hop - 1) * size, hop.hop * size).map((ev) => structuredClone(ev.value) as Json)
  for (const value of mine) {
    const usage = value.usageMetadata
    if (usage && typeof usage.candidatesTokenCount === 'number') {
      usage.candidatesTokenCount -= spent
      usage.totalTokenCount = (usage.promptTokenCount ?? 0) + usage.candidatesTokenCount + (usage.thoughtsTokenCount ?? 0)
      if (Array.isArray(usage.candidatesTokensDetails)) usage.candidatesTokensDetails = [{ modality: 'TEXT', tokenCount: usage.candidatesTokenCount }]
    }
    if (typeof value.responseId === 'string') value.responseId = `${value.responseId}-${hop.hop}`
  }
  const last = mine[mine.length - 1]?.candidates?.[0]
  if (last && hop.hop < hop.of) stopAtLimit(last, hop)
  return mine.map((value) => ({ text: JSON.stringify(value), value }))
}
