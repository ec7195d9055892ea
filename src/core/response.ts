/**
 * Helpers over a GenerateContentResponse. Choices: `text` joins the non-thought text parts of the first
 * candidate; `thoughts` joins its thought-summary parts; `functionCalls` returns its function calls as sent
 * (ids and args verbatim). A response without candidates gives '' and [] rather than throwing: a blocked
 * prompt is an answer, and `promptFeedback` says why.
 */
import type { Candidate, FunctionCall, GenerateContentResponse, Part } from './types.ts'

const firstParts = (res: GenerateContentResponse): Part[] => res.candidates?.[0]?.content?.parts ?? []

/** The answer's text: every non-thought text part of the first candidate, joined. */
export function text(res: GenerateContentResponse): string {
  return firstParts(res).filter((p) => typeof p.text === 'string' && !p.thought).map((p) => p.text).join('')
}

/** The thought summaries of the first candidate (present when `includeThoughts` was asked for). */
export function thoughts(res: GenerateContentResponse): string {
  return firstParts(res).filter((p) => typeof p.text === 'string' && p.thought).map((p) => p.text).join('')
}

/** The function calls of the first candidate, in order. */
export function functionCalls(res: GenerateContentResponse): FunctionCall[] {
  return firstParts(res).flatMap((p) => (p.functionCall ? [p.functionCall] : []))
}

const isPlainText = (p: Part): boolean => typeof p.text === 'string' && Object.keys(p).every((k) => k === 'text' || k === 'thought')

/**
 * Merges stream chunks into one response: consecutive plain text parts with the same `thought` flag are
 * joined; every other part (function calls, parts carrying a `thoughtSignature`) is kept verbatim; per
 * candidate the last finishReason and metadata win; the last `usageMetadata` (cumulative) wins.
 */
export function mergeChunks(chunks: Iterable<GenerateContentResponse>): GenerateContentResponse {
  const out: GenerateContentResponse = {}
  const candidates = new Map<number, Candidate>()
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
      const target = (merged.content ??= { parts: [] })
      if (content.role) target.role = content.role
      const parts = (target.parts ??= [])
      for (const part of content.parts ?? []) {
        const last = parts[parts.length - 1]
        if (last && isPlainText(last) && isPlainText(part) && Boolean(last.thought) === Boolean(part.thought)) {
          parts[parts.length - 1] = { ...last, text: last.text! + part.text! }
        } else {
          parts.push(structuredClone(part))
        }
      }
    }
  }
  if (candidates.size) out.candidates = [...candidates.entries()].sort(([a], [b]) => a - b).map(([, c]) => c)
  return out
}
