/**
 * Helpers over a GenerateContentResponse. Choices: `text` joins the non-thought text parts of the first
 * candidate; `thoughts` joins its thought-summary parts; `functionCalls` returns its function calls as sent
 * (ids and args verbatim), with streamed pieces (`partialArgs`/`willContinue`) assembled into whole calls. A
 * response without candidates gives '' and [] rather than throwing: a blocked prompt is an answer, and
 * `promptFeedback` says why.
 */
import { CallAssembler, isCallPiece } from './partial-args.ts'
import type { Candidate, FunctionCall, GenerateContentResponse, Part } from './types.ts'

const firstParts = (res: GenerateContentResponse): Part[] => res.candidates?.[0]?.content?.parts ?? []

/** The answer's text: every non-thought text part of the first candidate, joined. */
export function text(res: GenerateContentResponse): string {
  return firstParts(res)
    .filter((p) => typeof p.text === 'string' && !p.thought)
    .map((p) => p.text)
    .join('')
}

/** The thought summaries of the first candidate (present when `includeThoughts` was asked for). */
export function thoughts(res: GenerateContentResponse): string {
  return firstParts(res)
    .filter((p) => typeof p.text === 'string' && p.thought)
    .map((p) => p.text)
    .join('')
}

/**
 * The function calls of the first candidate, in order. Whole calls come back as sent; pieces of a streamed
 * call (`partialArgs`, `willContinue`, or an empty `{}`) are assembled into one call with its `args` built
 * from the JSON-path fragments, as {@link mergeChunks} does across chunks. Throws `GeminiGatewayError` on a
 * fragment whose `jsonPath` is not a plain path such as `$.location` or `$.items[0].name`.
 */
export function functionCalls(res: GenerateContentResponse): FunctionCall[] {
  const parts = firstParts(res)
  const assembled = parts.some((p) => p.functionCall && isCallPiece(p.functionCall)) ? assembleParts(parts) : parts
  return assembled.flatMap((p) => (p.functionCall ? [p.functionCall] : []))
}

/** The parts with every streamed call's pieces folded into one part at the place of its first piece. */
function assembleParts(parts: readonly Part[]): Part[] {
  const out: Part[] = []
  const calls = new CallParts()
  for (const part of parts) calls.push(out, part)
  return out
}

/**
 * Folds streamed function-call pieces into parts. The pieces of one call follow each other: after a piece
 * with `willContinue: true`, the next functionCall (whatever it carries) belongs to the same call; the assembled part sits where the call's first piece was and keeps that
 * piece's other fields (`thoughtSignature` verbatim); a later piece's signature fills in a missing one.
 */
class CallParts {
  private current: { assembler: CallAssembler; part: Part } | undefined

  /** Appends a copy of `part` to `out`, or folds it into the open call (whose part in `out` is rewritten). */
  push(out: Part[], part: Part): void {
    // While a call is open (its last piece said willContinue), the next functionCall is its next piece.
    if (!part.functionCall || (!isCallPiece(part.functionCall) && !this.current?.assembler.open)) {
      out.push(structuredClone(part))
      return
    }
    const { functionCall, ...rest } = part
    let entry = this.current?.assembler.open ? this.current : undefined
    if (!entry) {
      entry = { assembler: new CallAssembler(), part: structuredClone(rest) }
      out.push(entry.part)
      this.current = entry
    } else {
      for (const [k, v] of Object.entries(rest)) if (!(k in entry.part) && v !== undefined) (entry.part as Record<string, unknown>)[k] = structuredClone(v)
    }
    entry.assembler.add(functionCall)
    entry.part.functionCall = entry.assembler.call()
  }
}

const isPlainText = (p: Part): boolean => typeof p.text === 'string' && Object.keys(p).every((k) => k === 'text' || k === 'thought')

/**
 * Merges stream chunks into one response: consecutive plain text parts with the same `thought` flag are
 * joined; pieces of a streamed function call (`streamFunctionCallArguments`: `partialArgs`, `willContinue`, or
 * an empty `{}`, the name in any piece) become one complete call, its `args` built from the JSON-path
 * fragments and continued strings joined, kept where its first piece was (with that part's
 * `thoughtSignature` verbatim; a call cut off mid-stream keeps `willContinue: true`); every other part
 * (whole function calls, parts carrying a `thoughtSignature`) is kept verbatim; per candidate the last
 * finishReason and metadata win; the last `usageMetadata` (cumulative) wins. Throws `GeminiGatewayError` on
 * a fragment whose `jsonPath` is not a plain path such as `$.location` or `$.items[0].name`.
 */
export function mergeChunks(chunks: Iterable<GenerateContentResponse>): GenerateContentResponse {
  const out: GenerateContentResponse = {}
  const candidates = new Map<number, Candidate>()
  const calls = new Map<number, CallParts>()
  for (const chunk of chunks) {
    for (const [key, value] of Object.entries(chunk)) {
      if (key !== 'candidates' && value !== undefined) (out as Record<string, unknown>)[key] = value
    }
    for (const c of chunk.candidates ?? []) {
      const index = c.index ?? 0
      let merged = candidates.get(index)
      if (!merged) {
        merged = { index }
        candidates.set(index, merged)
      }
      const { content, ...rest } = c
      for (const [key, value] of Object.entries(rest)) if (value !== undefined) (merged as Record<string, unknown>)[key] = value
      if (!content) continue
      merged.content ??= { parts: [] }
      const target = merged.content
      if (content.role) target.role = content.role
      target.parts ??= []
      const parts = target.parts
      let pieces = calls.get(index)
      if (!pieces) {
        pieces = new CallParts()
        calls.set(index, pieces)
      }
      for (const part of content.parts ?? []) {
        const last = parts[parts.length - 1]
        if (last && isPlainText(last) && isPlainText(part) && Boolean(last.thought) === Boolean(part.thought)) {
          parts[parts.length - 1] = { ...last, text: last.text! + part.text! }
        } else {
          pieces.push(parts, part)
        }
      }
    }
  }
  if (candidates.size) out.candidates = [...candidates.entries()].sort(([a], [b]) => a - b).map(([, c]) => c)
  return out
}
