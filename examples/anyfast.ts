/**
 * First call to anyfast: Google's dialect behind `Authorization: Bearer`, with `contents` required to be
 * non-empty. The client checks that before sending, so a bad request fails locally with the field named.
 * Reads ANYFAST_API_KEY; without it, runs against the local gateway (no key, no network).
 *
 *   node --import tsx examples/anyfast.ts
 */
import { createClient, RequestValidationError, text } from '../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../src/local-gateway/index.ts'

const gateway = process.env.ANYFAST_API_KEY ? undefined : await startLocalGateway({ provider: 'anyfast' })
try {
  const client = createClient({ provider: 'anyfast', ...(gateway && { apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gateway.url }) })
  console.log(`anyfast via ${gateway ? `the local gateway at ${gateway.url}` : 'www.anyfast.ai'}`)

  const res = await client.generateContent({
    model: 'gemini-2.5-flash',
    contents: [{ role: 'user', parts: [{ text: 'Where is Google headquartered? One sentence.' }] }],
  })
  console.log(`answer: ${text(res).trim()}`)

  // anyfast rejects an empty `contents`; the client knows from its spec and never sends the request.
  try {
    await client.generateContent({ model: 'gemini-2.5-flash', contents: [] })
    throw new Error('expected a RequestValidationError')
  } catch (error) {
    if (!(error instanceof RequestValidationError)) throw error
    console.log(`empty contents rejected before sending: ${error.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`)
  }
  if (gateway) console.log(`requests that reached the gateway: ${gateway.requests.length}`)
} finally {
  await gateway?.close()
}
