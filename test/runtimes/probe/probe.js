// The calls every runtime makes, per dialect, against the local gateway: one unary generateContent, one
// streamGenerateContent, and one call with a wrong key that must end in a typed error. Plain JavaScript that
// imports the installed package, so Node, Bun, Deno and workerd (bundled) all run it as it is.
import { APIStatusError, AuthenticationError, BadRequestError, GeminiGatewayError, createClient, mergeChunks, text } from 'gemini-gateways'

const REQUEST = { model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'Say hello.' }] }] }
const WRONG_KEY = 'wrong-key-0123456789'

/** Which runtime this is, from what only that runtime has. */
export function runtime() {
  if (typeof globalThis.Bun !== 'undefined') return { name: 'bun', version: globalThis.Bun.version }
  if (typeof globalThis.Deno !== 'undefined') return { name: 'deno', version: globalThis.Deno.version.deno }
  if (globalThis.navigator?.userAgent === 'Cloudflare-Workers') return { name: 'workerd', version: '' }
  if (typeof globalThis.process?.versions?.node === 'string') return { name: 'node', version: globalThis.process.versions.node }
  return { name: 'unknown', version: '' }
}

/** Runs one cell; a throw becomes `{ failed }` so one broken cell cannot hide the others. */
async function cell(fn) {
  try {
    return await fn()
  } catch (e) {
    return { failed: `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}` }
  }
}

async function probeDialect(provider, baseUrl, apiKey) {
  const client = createClient({ provider, apiKey, baseUrl, maxRetries: 0 })
  const unary = await cell(async () => ({ text: text(await client.generateContent(REQUEST)) }))
  const stream = await cell(async () => {
    const chunks = []
    for await (const chunk of client.streamGenerateContent(REQUEST)) chunks.push(chunk)
    return { text: text(mergeChunks(chunks)), chunks: chunks.length }
  })
  const error = await cell(async () => {
    const wrong = createClient({ provider, apiKey: WRONG_KEY, baseUrl, maxRetries: 0 })
    const e = await wrong.generateContent(REQUEST).then(
      () => undefined,
      (err) => err,
    )
    if (e === undefined) return { failed: 'a wrong key got a success' }
    return {
      name: e.name,
      status: e.status,
      authenticationError: e instanceof AuthenticationError,
      badRequestError: e instanceof BadRequestError,
      apiStatusError: e instanceof APIStatusError,
      gatewayError: e instanceof GeminiGatewayError,
      leaksKey: `${e.message}\n${e.stack ?? ''}`.includes(WRONG_KEY),
    }
  })
  return { unary, stream, error }
}

/**
 * @param {Record<string, string>} gateways dialect → base URL of its local gateway
 * @param {string} apiKey the key the gateways accept
 */
export async function probe(gateways, apiKey) {
  const entries = await Promise.all(Object.entries(gateways).map(async ([provider, url]) => [provider, await probeDialect(provider, url, apiKey)]))
  return { runtime: runtime(), dialects: Object.fromEntries(entries) }
}
