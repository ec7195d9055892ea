/**
 * `npm start`: one request and one stream in each dialect of the registry, against the local gateway this
 * package ships. No API key, no network: each gateway is a real HTTP server on 127.0.0.1.
 */
import { ContinuationError, createClient, mergeChunks, providers, text, type Provider } from '../index.ts'
import { registry } from '../../generated/registry.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../local-gateway/index.ts'

async function demo(provider: Provider): Promise<void> {
  const gateway = await startLocalGateway({ provider })
  try {
    const client = createClient({ provider, apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gateway.url })
    const request = {
      model: 'gemini-2.5-flash',
      contents: [{ role: 'user', parts: [{ text: 'Say hello.' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
    }
    const started = performance.now()
    const answer = await client.generateContent(request)
    const unaryMs = performance.now() - started
    const chunks = []
    for await (const chunk of client.streamGenerateContent(request)) chunks.push(chunk)
    const wire = gateway.requests[0]
    const { auth: scheme } = registry[provider]
    const keyHeader = scheme.kind === 'bearer' ? 'authorization' : scheme.name
    const auth = Object.keys(wire?.headers ?? {}).find((h) => h === keyHeader) // what the wire carried, not what was meant
    console.log(`\n${provider} at ${gateway.url} (key in ${auth}; body keys: ${Object.keys((wire?.body as object) ?? {}).join(', ')})`)
    console.log(`  generateContent (${unaryMs.toFixed(1)} ms): ${JSON.stringify(text(answer).slice(0, 70))}…`)
    console.log(`  streamGenerateContent: ${chunks.length} chunks → ${JSON.stringify(text(mergeChunks(chunks)).slice(0, 70))}`)
    // A long answer past the model's output limit, which the gateway answers in 3 hops (finishReason CONTINUATION).
    const long = await client.generateContent(request, { headers: { 'x-local-gateway-hops': '3' } }).then(
      (res) => `${text(res).length} characters in ${res.http.hops.length} hops, continued into one answer`,
      (error: unknown) => {
        if (!(error instanceof ContinuationError)) throw error
        return `${text(error.partial.response).length} characters, then ContinuationError: ${provider} drops continuationToken`
      },
    )
    console.log(`  long answer: ${long}`)
  } finally {
    await gateway.close()
  }
}

for (const provider of providers) await demo(provider)
console.log(`\nAll ${providers.length} dialects answered through the local gateway.`)
