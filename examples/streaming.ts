/**
 * Streaming: print each chunk as it arrives, then merge the chunks into one response (text joined, the last
 * chunk's finishReason and cumulative usage kept). A stream that ends before its final chunk throws
 * IncompleteStreamError, so a cut-off answer never looks complete. Works the same for every provider; set
 * PROVIDER to pick one (default google). Reads that provider's key; without it, runs against the local
 * gateway, which replays a recorded Gemini stream (no key, no network).
 *
 *   node --import tsx examples/streaming.ts
 *   PROVIDER=nordlys node --import tsx examples/streaming.ts
 */
import { createClient, IncompleteStreamError, mergeChunks, providers, text, type GenerateContentResponse, type Provider } from '../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../src/local-gateway/index.ts'
import { registry } from '../generated/registry.ts'

const provider = (process.env.PROVIDER ?? 'google') as Provider
if (!providers.includes(provider)) throw new Error(`PROVIDER must be one of ${providers.join(', ')}`)

// The variable the client reads the key from: the provider's registry entry says which.
const gateway = process.env[registry[provider].envKey] ? undefined : await startLocalGateway({ provider })
try {
  const client = createClient({ provider, ...(gateway && { apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gateway.url }) })
  console.log(`${provider} via ${gateway ? `the local gateway at ${gateway.url}` : 'its own host'}\n`)

  const chunks: GenerateContentResponse[] = []
  const request = {
    model: 'gemini-2.5-flash',
    contents: [{ role: 'user', parts: [{ text: 'Tell me about cats and dogs.' }] }],
  }
  // With the local gateway, ask for its longer recorded stream (36 events) instead of the 3-event default.
  const options = gateway ? { headers: { 'x-local-gateway-recording': 'streaming-success-basic-reply-long' } } : {}
  try {
    for await (const chunk of client.streamGenerateContent(request, options)) {
      process.stdout.write(text(chunk))
      chunks.push(chunk)
    }
  } catch (error) {
    if (error instanceof IncompleteStreamError) console.error('\nthe stream was cut off before its last chunk')
    throw error
  }

  const whole = mergeChunks(chunks)
  console.log(`\n\n${chunks.length} chunks, ${text(whole).length} characters, finishReason ${whole.candidates?.[0]?.finishReason}`)
  console.log(`usage (cumulative, from the last chunk): ${whole.usageMetadata?.totalTokenCount} tokens`)
} finally {
  await gateway?.close()
}
