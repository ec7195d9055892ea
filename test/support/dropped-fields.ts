// What the tests know, independently of the client's spec, of the fields a gateway drops or lacks: new-api's
// structs (QuantumNous/new-api dto/gemini.go at 9f8a4ec05) and Vertex AI's schema (the official SDK's *ToVertex
// converters). Shared by the tests that send real and generated bodies (test/requests, test/reliability).

/** Where a pattern (`*` steps through every array item) is present in `value`, as JSON pointers. */
export function present(value: unknown, pattern: string): string[] {
  const out: string[] = []
  const visit = (v: unknown, steps: string[], at: string): void => {
    if (steps.length === 0) return void (v !== undefined && out.push(at))
    if (v === null || typeof v !== 'object') return
    const [step, ...rest] = steps
    if (step === '*') {
      if (Array.isArray(v)) {
        v.forEach((item, i) => {
          visit(item, rest, `${at}/${i}`)
        })
      }
      return
    }
    if (!Array.isArray(v) && Object.hasOwn(v, step!)) visit((v as Record<string, unknown>)[step!], rest, `${at}/${step}`)
  }
  visit(value, pattern.split('/').slice(1), '')
  return out
}
export const presentAll = (value: unknown, patterns: readonly string[]): string[] =>
  patterns.flatMap((p) => present(value, p)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
export const PARTS = ['/contents/*/parts/*', '/systemInstruction/parts/*']

/**
 * What new-api's structs lack, in the test's own words (read in its dto/gemini.go at 9f8a4ec05), split by whether
 * the loss changes the answer, the bill or the data kept (refused before sending) or not (sent; the relay drops it).
 */
export const NEWAPI_REFUSED = [
  '/serviceTier',
  '/store',
  '/continuationToken',
  '/generationConfig/responseFormat',
  '/generationConfig/translationConfig',
  '/generationConfig/audioTranscriptionConfig',
  '/generationConfig/enableAffectiveDialog',
  ...PARTS.flatMap((p) => ['toolCall', 'toolResponse', 'mediaProcessing', 'speechMetadata'].map((f) => `${p}/${f}`)),
]
export const NEWAPI_HARMLESS = [
  ...PARTS.flatMap((p) =>
    [
      'functionCall/id',
      'functionCall/partialArgs',
      'functionCall/willContinue',
      'inlineData/displayName',
      'fileData/displayName',
      'executableCode/id',
      'codeExecutionResult/id',
      'partMetadata',
      'audioTranscription',
    ].map((f) => `${p}/${f}`),
  ),
  '/safetySettings/*/method',
  '/toolConfig/functionCallingConfig/streamFunctionCallArguments',
]
/** A system instruction without a text part: new-api removes it whole. */
export const textless = (body: Record<string, any>) =>
  body.systemInstruction !== undefined && !(body.systemInstruction.parts ?? []).some((p: any) => typeof p?.text === 'string' && p.text !== '')

/** Fields of Google AI that Vertex AI's schema lacks (the SDK's *ToVertex converters refuse them). */
export const VERTEX_UNKNOWN = [
  '/cachedContent',
  ...PARTS.flatMap((p) => ['toolCall', 'toolResponse', 'partMetadata'].map((f) => `${p}/${f}`)),
  '/tools/*/fileSearch',
  '/tools/*/mcpServers',
  '/generationConfig/enableEnhancedCivicAnswers',
  '/generationConfig/translationConfig',
  '/toolConfig/includeServerSideToolInvocations',
]

/** Removes the field at each pointer (deepest first, so indices stay right). */
export function without(value: unknown, pointers: readonly string[]): unknown {
  const copy = structuredClone(value)
  for (const pointer of [...pointers].reverse()) {
    const steps = pointer.split('/').slice(1)
    const last = steps.pop()!
    const parent = steps.reduce((o: any, k) => o?.[k], copy)
    if (parent && typeof parent === 'object') delete parent[last]
  }
  return copy
}

/** A request as new-api encodes it again: its `omitempty` zero values gone, the first turn's role defaulted, generationConfig always there. */
export function asNewapiEncodes(request: Record<string, any>): Record<string, any> {
  const strip = (content: any) => ({
    ...content,
    ...(content.parts && {
      parts: content.parts.map((p: any) =>
        Object.fromEntries(Object.entries(p).filter(([k, v]) => !((k === 'text' && v === '') || (k === 'thought' && v === false)))),
      ),
    }),
  })
  const out: Record<string, any> = { ...request, generationConfig: { ...request.generationConfig } }
  out.contents = request.contents.map(strip)
  if (out.contents[0] && !out.contents[0].role) out.contents[0] = { role: 'user', ...out.contents[0] }
  if (request.systemInstruction) out.systemInstruction = strip(request.systemInstruction)
  const thinking = out.generationConfig.thinkingConfig
  if (thinking?.includeThoughts === false) {
    const { includeThoughts: _, ...rest } = thinking
    out.generationConfig.thinkingConfig = rest
  }
  return out
}
