/**
 * What counts as an answer, decided here alone: the client (a unary body), the stream (when it is complete) and the
 * CLI (what to say about an answer without text) all ask these functions.
 */
import type { GenerateContentResponse } from './types.ts'

/**
 * A verdict on the prompt: a block reason, or (as one recorded response shows) only a non-empty message
 * saying why. Either way the caller gets an answer to read, not an empty success.
 */
export function isPromptVerdict(feedback: GenerateContentResponse['promptFeedback']): boolean {
  if (!feedback) return false
  const reason = feedback.blockReason as string | undefined
  if (reason !== undefined && reason !== 'BLOCK_REASON_UNSPECIFIED') return true
  return typeof feedback.blockReasonMessage === 'string' && feedback.blockReasonMessage.trim() !== ''
}

/** A chunk that ends the answer: a candidate with a finish reason, or a verdict on the prompt. */
export function isFinalChunk(chunk: GenerateContentResponse): boolean {
  return (
    isPromptVerdict(chunk.promptFeedback) ||
    (chunk.candidates ?? []).some((c) => c.finishReason !== undefined && c.finishReason !== 'FINISH_REASON_UNSPECIFIED')
  )
}

/**
 * Whether a stream is complete after `chunk`, given whether it was before. A finishReason can come mid-stream
 * (server-side tool calls finish one turn, then the answer goes on), so new content after it reopens the answer;
 * a trailing chunk with only usage keeps it complete.
 */
export function completesAnswer(chunk: GenerateContentResponse, complete: boolean): boolean {
  if (isFinalChunk(chunk)) return true
  return complete && !(chunk.candidates ?? []).some((c) => c.content?.parts?.length)
}

/**
 * Whether a whole (unary) body says something: at least one candidate, or a verdict on the prompt.
 * `{}`, `{"candidates": []}` and an empty promptFeedback are no answer.
 */
export function holdsAnswer(body: unknown): body is GenerateContentResponse {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false
  const { candidates, promptFeedback } = body as GenerateContentResponse
  return (Array.isArray(candidates) && candidates.length > 0) || isPromptVerdict(promptFeedback)
}
