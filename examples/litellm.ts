/**
 * First call through a LiteLLM proxy's Gemini pass-through: Google's paths under /gemini, the proxy's virtual key in
 * `x-goog-api-key`, and a stream that may arrive split inside its frames and end with `data: [DONE]`, which the client
 * reads as it reads Google's. Reads LITELLM_API_KEY and LITELLM_PROXY (default http://localhost:4000); without the
 * key, runs against the local gateway (no key, no network).
 *
 *   node --import tsx examples/litellm.ts
 */
import { createClient, mergeChunks, text } from '../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../src/local-gateway/index.ts'

const gateway = process.env.LITELLM_API_KEY ? undefined : await startLocalGateway({ provider: 'litellm' })
try {
  const baseUrl = gateway?.url ?? process.env.LITELLM_PROXY
  const client = createClient({ provider: 'litellm', ...(gateway && { apiKey: LOCAL_GATEWAY_API_KEY }), ...(baseUrl && { baseUrl }) })
  console.log(`litellm via ${gateway ? `the local gateway at ${gateway.url}` : (baseUrl ?? 'http://localhost:4000')}`)

  const request = { model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'Where is Google headquartered? One sentence.' }] }] }
  const res = await client.generateContent(request)
  console.log(`answer: ${text(res).trim()}`)

  const chunks = []
  for await (const chunk of client.streamGenerateContent(request)) chunks.push(chunk)
  console.log(`streamed: ${chunks.length} chunks, finishReason ${mergeChunks(chunks).candidates?.[0]?.finishReason}`)
  if (gateway) console.log(`paths called: ${gateway.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`)
} finally {
  await gateway?.close()
}
