/**
 * First call through a new-api relay, the open-source relay most Gemini resellers run: Google's camelCase body
 * behind `Authorization: Bearer`, and its OpenAI-style model list at `GET /v1/models`, which `listModels()` turns
 * into Google-shaped models. A reseller runs it at its own host: set NEWAPI_BASE_URL to it (the default is
 * new-api's own port, http://localhost:3000). Reads NEWAPI_API_KEY; without it, runs against the local gateway
 * (no key, no network).
 *
 *   node --import tsx examples/newapi.ts
 *   NEWAPI_API_KEY=... NEWAPI_BASE_URL=https://your-reseller.example node --import tsx examples/newapi.ts
 */
import { createClient, text } from '../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../src/local-gateway/index.ts'

const gateway = process.env.NEWAPI_API_KEY ? undefined : await startLocalGateway({ provider: 'newapi' })
try {
  const baseUrl = gateway?.url ?? process.env.NEWAPI_BASE_URL
  const client = createClient({ provider: 'newapi', ...(gateway && { apiKey: LOCAL_GATEWAY_API_KEY }), ...(baseUrl && { baseUrl }) })
  console.log(`newapi via ${gateway ? `the local gateway at ${gateway.url}` : (baseUrl ?? 'http://localhost:3000')}`)

  const res = await client.generateContent({
    model: 'gemini-2.5-flash', // a relay serves the models of its channels: any id is accepted
    contents: [{ role: 'user', parts: [{ text: 'Where is Google headquartered? One sentence.' }] }],
  })
  console.log(`answer: ${text(res).trim()}`)

  const models: string[] = []
  for await (const model of client.listModels()) models.push(model.name ?? '?')
  console.log(`listModels (GET /v1/models, mapped to Google's shape): ${models.length} models, e.g. ${models.slice(0, 3).join(', ')}`)
  if (gateway) {
    const auth = Object.keys(gateway.requests[0]?.headers ?? {}).filter((h) => ['authorization', 'x-goog-api-key'].includes(h))
    console.log(`key sent in: ${auth.join(', ')} (the gateway logs it as ${gateway.requests[0]?.headers['authorization']})`)
  }
} finally {
  await gateway?.close()
}
