/**
 * new-api's request structs (QuantumNous/new-api `dto/gemini.go`, read at commit 9f8a4ec05, 2026-04-28), as the
 * relay decodes a native Gemini body and encodes it again before sending it upstream: a key no struct field
 * takes is dropped without a word, `omitempty` zero values vanish, raw (`json.RawMessage`/`any`) fields pass whole.
 * Go matches keys case-insensitively (never across `_`); a few structs also take snake_case names (their custom
 * UnmarshalJSON), the snake one winning when both are sent. The local gateway's newapi dialect reads bodies with
 * this, independently of what the client knows, so the tests see what the real relay would forward.
 * @internal
 */

/** How a struct field encodes: a raw value passed whole, a scalar, a nested struct or an array of one. */
type Kind = 'raw' | 'scalar' | { struct: Struct } | { array: Kind }
interface Field {
  kind: Kind
  /** `omitempty` on a non-pointer scalar: `""`, `false`, `0` vanish. */
  omitZero?: boolean
  /** No `omitempty`: encoded (as `null`) even when absent. */
  always?: boolean
  /** A snake_case name its UnmarshalJSON also takes (it wins over the camelCase one). */
  snake?: string
}
type Struct = Record<string, Field>

const raw: Field = { kind: 'raw' }
const scalar: Field = { kind: 'scalar' }
const text: Field = { kind: 'scalar', omitZero: true }

const InlineData: Struct = { mimeType: { kind: 'scalar', always: true, snake: 'mime_type' }, data: { kind: 'scalar', always: true } }
const Part: Struct = {
  text,
  thought: text,
  inlineData: { kind: { struct: InlineData }, snake: 'inline_data' },
  functionCall: { kind: { struct: { name: { kind: 'scalar', always: true }, args: { kind: 'raw', always: true } } } },
  thoughtSignature: raw,
  functionResponse: {
    kind: {
      struct: { name: { kind: 'scalar', always: true }, response: { kind: 'raw', always: true }, willContinue: raw, scheduling: raw, parts: raw, id: raw },
    },
  },
  mediaResolution: raw,
  videoMetadata: raw,
  fileData: { kind: { struct: { mimeType: text, fileUri: text } } },
  executableCode: { kind: { struct: { language: text, code: text } } },
  codeExecutionResult: { kind: { struct: { outcome: text, output: text } } },
}
const Content: Struct = { role: text, parts: { kind: { array: { struct: Part } }, always: true } }
const ThinkingConfig: Struct = {
  includeThoughts: { kind: 'scalar', omitZero: true, snake: 'include_thoughts' },
  thinkingBudget: { kind: 'scalar', snake: 'thinking_budget' },
  thinkingLevel: { kind: 'scalar', omitZero: true, snake: 'thinking_level' },
}
const GenerationConfig: Struct = {
  temperature: scalar,
  topP: { ...scalar, snake: 'top_p' },
  topK: { ...scalar, snake: 'top_k' },
  maxOutputTokens: { ...scalar, snake: 'max_output_tokens' },
  candidateCount: { ...scalar, snake: 'candidate_count' },
  stopSequences: { ...raw, snake: 'stop_sequences' },
  responseMimeType: { ...text, snake: 'response_mime_type' },
  responseSchema: { ...raw, snake: 'response_schema' },
  responseJsonSchema: { ...raw, snake: 'response_json_schema' },
  presencePenalty: { ...scalar, snake: 'presence_penalty' },
  frequencyPenalty: { ...scalar, snake: 'frequency_penalty' },
  responseLogprobs: { ...scalar, snake: 'response_logprobs' },
  logprobs: scalar,
  enableEnhancedCivicAnswers: { ...scalar, snake: 'enable_enhanced_civic_answers' },
  mediaResolution: { ...text, snake: 'media_resolution' },
  seed: scalar,
  responseModalities: { ...raw, snake: 'response_modalities' },
  thinkingConfig: { kind: { struct: ThinkingConfig }, snake: 'thinking_config' },
  speechConfig: { ...raw, snake: 'speech_config' },
  imageConfig: { ...raw, snake: 'image_config' },
}
const ToolConfig: Struct = {
  functionCallingConfig: { kind: { struct: { mode: text, allowedFunctionNames: raw } } },
  retrievalConfig: { kind: { struct: { latLng: { kind: { struct: { latitude: scalar, longitude: scalar } } }, languageCode: text } } },
  includeServerSideToolInvocations: scalar,
}
/** GeminiChatRequest: `generationConfig` is a struct, not a pointer, so it is always encoded (`{}` when absent). */
const Request: Struct = {
  contents: { kind: { array: { struct: Content } }, always: true },
  safetySettings: { kind: { array: { struct: { category: text, threshold: text } } } },
  generationConfig: { kind: { struct: GenerationConfig }, always: true },
  tools: raw,
  toolConfig: { kind: { struct: ToolConfig } },
  systemInstruction: { kind: { struct: Content }, snake: 'system_instruction' },
  cachedContent: text,
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isZero = (v: unknown) => v === '' || v === false || v === 0 || v === null

/** The struct field a JSON key lands in: its exact name, its snake name, else a case-insensitive match (Go's rule). */
function fieldFor(struct: Struct, key: string): string | undefined {
  if (Object.hasOwn(struct, key)) return key
  for (const [name, field] of Object.entries(struct)) if (field.snake === key) return name
  const lower = key.toLowerCase()
  return Object.keys(struct).find((name) => name.toLowerCase() === lower)
}

/** What the relay forwards of `value` read into `struct`, and the pointers of what it dropped. */
function decodeStruct(struct: Struct, value: Record<string, unknown>, at: string, dropped: string[]): Record<string, unknown> {
  const read: Record<string, unknown> = {}
  const fromSnake = new Set<string>()
  for (const [key, v] of Object.entries(value)) {
    const name = fieldFor(struct, key)
    if (name === undefined) {
      dropped.push(`${at}/${key}`)
      continue
    }
    // A snake_case name wins over the camelCase one (the custom UnmarshalJSON reads it last).
    if (fromSnake.has(name) && struct[name]!.snake !== key) continue
    if (struct[name]!.snake === key) fromSnake.add(name)
    read[name] = v
  }
  const out: Record<string, unknown> = {}
  for (const [name, field] of Object.entries(struct)) {
    const v = read[name]
    if (v === undefined || v === null) {
      if (field.always) out[name] = typeof field.kind === 'object' && 'struct' in field.kind ? {} : null
      continue
    }
    if (field.omitZero && isZero(v)) continue
    out[name] = decode(field.kind, v, `${at}/${name}`, dropped)
  }
  return out
}

function decode(kind: Kind, value: unknown, at: string, dropped: string[]): unknown {
  if (kind === 'raw' || kind === 'scalar') return value
  if ('array' in kind) return Array.isArray(value) ? value.map((item, i) => decode(kind.array, item, `${at}/${i}`, dropped)) : value
  return isObject(value) ? decodeStruct(kind.struct, value, at, dropped) : value
}

/**
 * A native request body as new-api forwards it, with the JSON pointers of every field it dropped. Its adaptor then
 * gives the first turn the role `user` when it has none, and drops a system instruction without a text part.
 */
export function decodeNewapiRequest(body: Record<string, unknown>): { forwarded: Record<string, unknown>; dropped: string[] } {
  const dropped: string[] = []
  const forwarded = decodeStruct(Request, body, '', dropped)
  const contents = forwarded.contents
  if (Array.isArray(contents) && isObject(contents[0]) && !contents[0].role) contents[0] = { role: 'user', ...contents[0] }
  const system = forwarded.systemInstruction
  if (isObject(system)) {
    const parts = Array.isArray(system.parts) ? system.parts : []
    if (!parts.some((p) => isObject(p) && typeof p.text === 'string' && p.text !== '')) {
      delete forwarded.systemInstruction
      dropped.push('/systemInstruction')
    }
  }
  return { forwarded, dropped: dropped.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })) }
}
