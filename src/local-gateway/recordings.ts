/**
 * Real recorded responses shipped in `./recordings/` (see its README), loaded lazily and cached.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs'

/** Names (file name without extension) of the shipped recordings, by what they answer. */
export const RECORDINGS = {
  unary: [
    'unary-success-basic-reply-short',
    'unary-success-thinking-function-call-thought-summary-signature',
    'unary-success-citations',
    'unary-failure-only-prompt-feedback',
  ],
  stream: [
    'streaming-success-basic-reply-short',
    'streaming-success-basic-reply-long',
    'streaming-success-thinking-function-call-thought-summary-signature',
    'streaming-failure-prompt-blocked-safety',
  ],
  countTokens: ['Client_Tests_countTokens_ML_Dev_should_count_tokens_with_specified_parameters.0'],
  listModels: ['Models_REST.cell7'],
} as const

/** Every shipped recording name. */
export const RECORDING_NAMES: readonly string[] = Object.values(RECORDINGS).flat()

/** Default answers. */
export const DEFAULT_UNARY = 'unary-success-basic-reply-short'
export const DEFAULT_STREAM = 'streaming-success-basic-reply-short'
export const DEFAULT_COUNT_TOKENS = 'Client_Tests_countTokens_ML_Dev_should_count_tokens_with_specified_parameters.0'

/** One SSE event of a recording: the JSON text as recorded and its parsed value. */
export interface RecordedEvent {
  text: string
  value: Record<string, unknown>
}

/** A loaded recording: `json` for `.json` files, `events` for SSE `.txt` files. */
export type Recording =
  | { name: string; kind: 'json'; text: string; value: Record<string, unknown> }
  | { name: string; kind: 'sse'; text: string; events: RecordedEvent[] }

const cache = new Map<string, Recording>()

/** Accepts a name with or without its extension; `undefined` when no such recording ships. */
export function findRecording(name: string): Recording | undefined {
  const bare = name.replace(/\.(json|txt)$/, '')
  if (!RECORDING_NAMES.includes(bare)) return undefined
  const hit = cache.get(bare)
  if (hit) return hit
  const isSse = (RECORDINGS.stream as readonly string[]).includes(bare)
  const file = `${bare}.${isSse ? 'txt' : 'json'}`
  // Relative to this module, so it works from src/ and from a built copy that keeps recordings/ beside it.
  const text = readFileSync(new URL(`./recordings/${file}`, import.meta.url), 'utf8')
  const rec: Recording = isSse
    ? { name: bare, kind: 'sse', text, events: parseSse(text) }
    : { name: bare, kind: 'json', text, value: JSON.parse(text) as Record<string, unknown> }
  cache.set(bare, rec)
  return rec
}

/** Like {@link findRecording} but throws for names that do not ship (defaults are known to exist). */
export function loadRecording(name: string): Recording {
  const rec = findRecording(name)
  if (!rec) throw new Error(`local gateway: no recording named ${name}`)
  return rec
}

/** A `"modelVersion": "…"` member in recorded JSON text (not one quoted inside a string value). */
const MODEL_VERSION = /(?<!\\)("modelVersion"\s*:\s*)"(?:[^"\\]|\\.)*"/g

/** One recorded JSON object as if `model` had answered: its `modelVersion`, when it has one, names `model`. */
function retag(text: string, value: Record<string, unknown>, model: string): { text: string; value: Record<string, unknown> } {
  if (!('modelVersion' in value) || value.modelVersion === model) return { text, value }
  return { text: text.replace(MODEL_VERSION, (_, key: string) => `${key}${JSON.stringify(model)}`), value: { ...value, modelVersion: model } }
}

/**
 * The recording as `model` would have answered it: Google reports the model asked for in `modelVersion`, while a
 * recording names the model it was made with. Only that value changes; the bytes around it stay as recorded (an
 * SSE recording's whole-body `text` is left as it was: answers are built from its `events`).
 */
export function answeredBy<R extends Recording>(rec: R, model: string): R {
  if (rec.kind === 'json') return { ...rec, ...retag(rec.text, rec.value, model) }
  return { ...rec, events: rec.events.map((ev) => retag(ev.text, ev.value, model)) }
}

/** Splits a raw SSE body on blank lines (CRLF, LF or CR) and keeps the `data:` payloads. */
export function parseSse(text: string): RecordedEvent[] {
  const events: RecordedEvent[] = []
  for (const block of text.split(/\r\n\r\n|\n\n|\r\r/)) {
    const data = block
      .split(/\r\n|\n|\r/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n')
    if (data.trim() === '') continue
    events.push({ text: data, value: JSON.parse(data) as Record<string, unknown> })
  }
  return events
}
