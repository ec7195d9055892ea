/**
 * First call to Google's own Gemini API: one answer, then a token count (Google is the only provider here that
 * serves countTokens). Reads GEMINI_API_KEY; without it, runs against the local gateway (no key, no network).
 *
 *   node --import tsx examples/google.ts
 */
import { createClient, text } from '../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../src/local-gateway/index.ts'

const gateway = process.env.GEMINI_API_KEY ? undefined : await startLocalGateway({ provider: 'google' })
try {
  // With a key: Google's host and the key from GEMINI_API_KEY. Without: the local gateway speaking Google's dialect.
  const client = createClient({ provider: 'google', ...(gateway && { apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gateway.url }) })
  console.log(`google via ${gateway ? `the local gateway at ${gateway.url}` : 'generativelanguage.googleapis.com'}`)

  const contents = [{ role: 'user', parts: [{ text: 'Where is Google headquartered? One sentence.' }] }]
  const res = await client.generateContent({ model: 'gemini-2.5-flash', contents })
  console.log(`answer: ${text(res).trim()}`)
  console.log(`tokens: ${res.usageMetadata?.promptTokenCount} in, ${res.usageMetadata?.candidatesTokenCount} out (${res.modelVersion})`)

  const count = await client.countTokens({ model: 'gemini-2.5-flash', contents })
  console.log(`countTokens: the prompt is ${count.totalTokens} tokens`)
} finally {
  await gateway?.close()
}
