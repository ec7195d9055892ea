/**
 * First call to infinityblue: Google's camelCase body behind `Authorization: Bearer`, and its OpenAI-style
 * model list at `GET /v1/models`, which `listModels()` turns into Google-shaped models. Reads
 * INFINITYBLUE_API_KEY; without it, runs against the local gateway (no key, no network).
 *
 *   node --import tsx examples/infinityblue.ts
 */
import { createClient, text } from '../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../src/local-gateway/index.ts'

const gateway = process.env.INFINITYBLUE_API_KEY ? undefined : await startLocalGateway({ provider: 'infinityblue' })
try {
  const client = createClient({ provider: 'infinityblue', ...(gateway && { apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gateway.url }) })
  console.log(`infinityblue via ${gateway ? `the local gateway at ${gateway.url}` : 'api.getinfinityblue.com'}`)

  const res = await client.generateContent({
    model: 'gemini-2.5-flash', // documented ids autocomplete; any other id is accepted too
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
