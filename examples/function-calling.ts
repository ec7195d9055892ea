/**
 * Function calling with thinking, and the thoughtSignature round trip. The model thinks, then asks for a
 * function; its functionCall part carries a `thoughtSignature`, an opaque token for its reasoning. The next
 * turn must send the model's turn back exactly as received (that part with its signature, byte for byte),
 * followed by the functionResponse; otherwise the next call can fail with 400 (Gemini 3 models require it).
 *
 * Reads GEMINI_API_KEY; without it, runs against the local gateway, which answers the first turn with a recorded
 * gemini-2.5-pro response (thought summary, functionCall `now`, thoughtSignature) and checks nothing; this script
 * then checks that the second request carried the signature unchanged.
 *
 *   node --import tsx examples/function-calling.ts
 */
import { createClient, functionCalls, text, thoughts, type Content, type Part } from '../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../src/local-gateway/index.ts'

/** The function the model may call, and its implementation. */
const now = {
  declaration: {
    name: 'now',
    description: 'The current date and time, in ISO 8601, in UTC.',
    parametersJsonSchema: { type: 'object', properties: {} },
  },
  run: (): { now: string } => ({ now: new Date().toISOString() }),
}

const gateway = process.env.GEMINI_API_KEY ? undefined : await startLocalGateway({ provider: 'google' })
try {
  const client = createClient({ provider: 'google', ...(gateway && { apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gateway.url }) })
  console.log(`google via ${gateway ? `the local gateway at ${gateway.url}` : 'generativelanguage.googleapis.com'}`)

  const request = {
    model: 'gemini-2.5-pro',
    tools: [{ functionDeclarations: [now.declaration] }],
    generationConfig: { thinkingConfig: { includeThoughts: true } },
  }
  const question: Content = { role: 'user', parts: [{ text: "How many days until New Year's Eve?" }] }

  // Turn 1: the model asks for `now`. (The local gateway serves the matching recording on request.)
  const first = await client.generateContent(
    { ...request, contents: [question] },
    gateway ? { headers: { 'x-local-gateway-recording': 'unary-success-thinking-function-call-thought-summary-signature' } } : {},
  )
  const modelTurn = first.candidates?.[0]?.content
  const [call] = functionCalls(first)
  if (!modelTurn || !call?.name) throw new Error(`expected a function call, got: ${text(first)}`)
  const signed = modelTurn.parts?.find((p: Part) => p.functionCall && p.thoughtSignature)
  console.log(`thought summary: ${thoughts(first).split('\n')[0]}`)
  console.log(`function call: ${call.name}(${JSON.stringify(call.args ?? {})})`)
  console.log(`thoughtSignature: ${signed?.thoughtSignature?.length ?? 0} characters, on the functionCall part`)

  // Run the function, then turn 2: the conversation so far, with the model's turn verbatim (every part, the
  // signature included), then the function's result.
  const result = now.run()
  const second = await client.generateContent({
    ...request,
    contents: [question, modelTurn, { role: 'user', parts: [{ functionResponse: { name: call.name, ...(call.id && { id: call.id }), response: result } }] }],
  })
  console.log(`function result sent: ${JSON.stringify(result)}`)
  // The local gateway answers turn 2 with its default recording, which is not about this question.
  console.log(`answer${gateway ? ' (a recorded reply from the local gateway)' : ''}: ${text(second).trim()}`)

  if (gateway) {
    // What reached the wire: the second request's model turn must carry the signature unchanged.
    const sent = (gateway.requests[1]?.body as { contents?: Content[] })?.contents?.[1]?.parts ?? []
    const echoed = sent.find((p) => p.functionCall)?.thoughtSignature
    if (!signed?.thoughtSignature || echoed !== signed.thoughtSignature) throw new Error('thoughtSignature did not round-trip')
    console.log('thoughtSignature round-tripped byte for byte (checked on the second request the gateway received)')
  }
} finally {
  await gateway?.close()
}
