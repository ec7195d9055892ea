/**
 * First call to Vertex AI in express mode: an API key in `x-goog-api-key`, no project, the
 * `publishers/google/models` paths under v1beta1 (or v1 with `apiVersion: 'v1'`), and a role on every turn, checked
 * before sending. Reads GOOGLE_VERTEX_API_KEY; without it, runs against the local gateway (no key, no network).
 *
 *   node --import tsx examples/vertex.ts
 */
import { createClient, RequestValidationError, text } from '../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../src/local-gateway/index.ts'

const gateway = process.env.GOOGLE_VERTEX_API_KEY ? undefined : await startLocalGateway({ provider: 'vertex' })
try {
  const options = gateway ? { apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gateway.url } : {}
  const client = createClient({ provider: 'vertex', ...options })
  console.log(`vertex via ${gateway ? `the local gateway at ${gateway.url}` : 'aiplatform.googleapis.com'}`)

  const question = { model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'Where is Google headquartered? One sentence.' }] }] }
  const res = await client.generateContent(question)
  console.log(`answer: ${text(res).trim()}`)
  console.log(`served as: ${res.usageMetadata?.trafficType}`)

  // The same body on v1: Vertex AI's v1 is the stable version.
  await createClient({ provider: 'vertex', apiVersion: 'v1', ...options }).generateContent(question)
  if (gateway) console.log(`paths called: ${gateway.requests.map((r) => r.path).join(', ')}`)

  // Vertex AI needs the role of every turn; the client says so before sending.
  const error = await client.generateContent({ model: 'gemini-2.5-flash', contents: [{ parts: [{ text: 'Hi' }] }] }).catch((e: unknown) => e)
  if (error instanceof RequestValidationError)
    console.log(`a turn without its role, refused before sending: ${error.issues[0]?.path} ${error.issues[0]?.message}`)
} finally {
  await gateway?.close()
}
