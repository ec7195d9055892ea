/**
 * First call to the nordlys router: `X-API-Key`, a snake_case body whose `generation_config` carries the
 * system instruction and settings, and router fields such as `provider_order`. You write the canonical
 * camelCase request; the client translates it, so no setting is silently dropped. Reads NORDLYS_API_KEY;
 * without it, runs against the local gateway (no key, no network).
 *
 *   node --import tsx examples/nordlys.ts
 */
import { createClient, text } from '../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../src/local-gateway/index.ts'

const gateway = process.env.NORDLYS_API_KEY ? undefined : await startLocalGateway({ provider: 'nordlys' })
try {
  const client = createClient({ provider: 'nordlys', ...(gateway && { apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gateway.url }) })
  console.log(`nordlys via ${gateway ? `the local gateway at ${gateway.url}` : 'api.nordlyslabs.com'}`)

  const res = await client.generateContent({
    model: 'gemini-3-pro-preview',
    contents: [{ role: 'user', parts: [{ text: 'Where is Google headquartered?' }] }],
    systemInstruction: { parts: [{ text: 'Answer in one sentence.' }] },
    generationConfig: { temperature: 0.2 },
    provider_order: ['google'], // a router field: typed on the nordlys client only
  })
  console.log(`answer: ${text(res).trim()}`)
  if (gateway) {
    const wire = gateway.requests[0]
    console.log(`wire body keys: ${Object.keys((wire?.body as object) ?? {}).join(', ')}`)
    console.log(`generation_config keys: ${Object.keys((wire?.body as { generation_config?: object })?.generation_config ?? {}).join(', ')}`)
    console.log(`keys nordlys would have dropped: ${wire?.ignoredKeys?.length ? wire.ignoredKeys.join(', ') : 'none'}`)
  }
} finally {
  await gateway?.close()
}
