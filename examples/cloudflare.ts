/**
 * First call through Cloudflare AI Gateway's google-ai-studio route: your account and gateway ids fill its URL, Google's
 * key goes in `x-goog-api-key`, and an authenticated gateway's token in `cf-aig-authorization` (alone, with Google's
 * key stored in the gateway). Reads GEMINI_API_KEY, CF_AIG_TOKEN, CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_GATEWAY_ID;
 * without the ids, runs against the local gateway (no key, no network).
 *
 *   node --import tsx examples/cloudflare.ts
 */
import { createClient, text } from '../src/index.ts'
import { startLocalGateway } from '../src/local-gateway/index.ts'

const { CLOUDFLARE_ACCOUNT_ID: accountId, CLOUDFLARE_GATEWAY_ID: gatewayId } = process.env
// The local gateway is authenticated with this token and holds a stored Google key, as a BYOK gateway does.
const gateway = accountId && gatewayId ? undefined : await startLocalGateway({ provider: 'cloudflare', gatewayToken: 'local-gateway-token' })
try {
  const client = gateway
    ? // Its URL ends in /v1/local-account/local-gateway/google-ai-studio: the ids are in the baseUrl.
      createClient({ provider: 'cloudflare', baseUrl: gateway.url, gatewayToken: 'local-gateway-token' })
    : createClient({ provider: 'cloudflare', accountId, gatewayId })
  console.log(`cloudflare via ${gateway ? `the local gateway at ${gateway.url}` : `gateway.ai.cloudflare.com (account ${accountId}, gateway ${gatewayId})`}`)

  const res = await client.generateContent({
    model: 'gemini-2.5-flash',
    contents: [{ role: 'user', parts: [{ text: 'Where is Google headquartered? One sentence.' }] }],
  })
  console.log(`answer: ${text(res).trim()}`)
  if (gateway) {
    const [call] = gateway.requests
    console.log(`path called: ${call?.method} ${call?.path}`)
    console.log(
      `headers with credentials: ${Object.keys(call?.headers ?? {})
        .filter((h) => call?.headers[h] === '[REDACTED]')
        .join(', ')} (the token alone: the key is stored in the gateway)`,
    )
  }
} finally {
  await gateway?.close()
}
