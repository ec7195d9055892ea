/**
 * "Already using the official SDK or the AI SDK?": the two snippets that point @google/genai and the AI SDK at a
 * provider through `gemini-gateways/fetch`, written once here for every provider. Each provider's docs page shows
 * its own (appended to the page's description), the README shows apimart's, and test/fetch/snippets.test.ts runs
 * every one of them against the local gateway.
 */
import { registry, type Provider } from '../../generated/registry.ts'
import type { OpenAPIDoc } from '../provider-table.ts'

/** The section's heading, in the README and on every provider page. */
export const SDK_SECTION_TITLE = 'Already using the official SDK or the AI SDK?'

/** The provider the README's copy of the snippets is written for: an envelope the AI SDK alone would read as `""`. */
export const README_SNIPPET_PROVIDER: Provider = 'apimart'

/** @google/genai, as a user has it, with the gateway fetch as its one new option. */
export function genaiSnippet(provider: Provider): string {
  const key = registry[provider].envKey
  return `import { GoogleGenAI } from '@google/genai'
import { createGatewayFetch } from 'gemini-gateways/fetch'

const ai = new GoogleGenAI({
  apiKey: process.env.${key},
  httpOptions: { fetch: createGatewayFetch({ provider: '${provider}' }) },
})
const res = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Where is Google headquartered?' })
console.log(res.text)
`
}

/** The AI SDK's Google provider, as a user has it, with the gateway fetch as its one new option. */
export function aiSdkSnippet(provider: Provider): string {
  const key = registry[provider].envKey
  return `import { createGoogleGenerativeAI } from '@ai-sdk/google'
import { generateText } from 'ai'
import { createGatewayFetch } from 'gemini-gateways/fetch'

const google = createGoogleGenerativeAI({
  apiKey: process.env.${key},
  fetch: createGatewayFetch({ provider: '${provider}' }),
})
const { text } = await generateText({ model: google('gemini-2.5-flash'), prompt: 'Where is Google headquartered?' })
console.log(text)
`
}

/** The section as markdown: what the fetch does for this provider, then both snippets. */
export function sdkSection(provider: Provider, heading = '##'): string {
  return `${heading} ${SDK_SECTION_TITLE}

Keep your code: give the SDK \`createGatewayFetch({ provider: '${provider}' })\` from \`gemini-gateways/fetch\` as its
\`fetch\`. Each request the SDK makes (its default \`/v1\` or \`/v1beta\`, streams, \`countTokens\`, the model list) is sent
to ${provider} in its own dialect: its host, its auth header (the key is the SDK's \`apiKey\`, else \`${registry[provider].envKey}\`),
its wire format, its refusals; the answer and every error come back as Google's, which the SDK reads.

\`\`\`ts
${genaiSnippet(provider)}\`\`\`

\`\`\`ts
${aiSdkSnippet(provider)}\`\`\`
`
}

/** A copy of a provider's bundle whose description ends with {@link sdkSection}, as Redoc renders markdown. */
export function withSdkSection(bundle: OpenAPIDoc, provider: Provider): OpenAPIDoc {
  const copy = structuredClone(bundle)
  const description = typeof copy.info.description === 'string' ? copy.info.description.trimEnd() : ''
  copy.info.description = `${description}\n\n${sdkSection(provider)}`
  return copy
}
