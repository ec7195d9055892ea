/**
 * First call to apimart: one `/{model}:{method}` path for both methods, and a success body its docs wrap in
 * `{code, data, usageMetadata}`. The client unwraps it (token counts included), so the answer reads like
 * Google's. Reads APIMART_API_KEY; without it, runs against the local gateway, which wraps its answers the way
 * apimart's docs show (no key, no network).
 *
 *   node --import tsx examples/apimart.ts
 */
import { createClient, text } from '../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../src/local-gateway/index.ts'

const gateway = process.env.APIMART_API_KEY ? undefined : await startLocalGateway({ provider: 'apimart' })
try {
  const client = createClient({ provider: 'apimart', ...(gateway && { apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gateway.url }) })
  console.log(`apimart via ${gateway ? `the local gateway at ${gateway.url}` : 'api.apimart.ai'}`)

  const res = await client.generateContent({
    model: 'gemini-2.5-flash',
    contents: [{ role: 'user', parts: [{ text: 'Where is Google headquartered? One sentence.' }] }],
  })
  console.log(`answer: ${text(res).trim()}`)
  console.log(`usage (from outside the envelope's data): ${JSON.stringify(res.usageMetadata)}`)
  if (gateway) console.log(`path called: ${gateway.requests[0]?.method} ${gateway.requests[0]?.path}`)
} finally {
  await gateway?.close()
}
