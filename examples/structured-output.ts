/**
 * Structured output: ask for JSON that follows a JSON Schema (`responseMimeType: application/json` plus
 * `responseJsonSchema`), then parse the answer's text. Reads GEMINI_API_KEY; without it, runs against the local
 * gateway. Its recordings hold no structured answer, so this script queues one (clearly a stand-in) for the
 * gateway to send; the request, the parsing and the check are the same as against Google.
 *
 *   node --import tsx examples/structured-output.ts
 */
import { createClient, text, type GenerateContentResponse } from '../src/index.ts'
import { LOCAL_GATEWAY_API_KEY, startLocalGateway } from '../src/local-gateway/index.ts'

/** What we want back. */
interface City {
  name: string
  country: string
  population: number
  landmarks: string[]
}

const citySchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    country: { type: 'string' },
    population: { type: 'integer', description: 'Latest estimate for the city proper.' },
    landmarks: { type: 'array', items: { type: 'string' }, maxItems: 3 },
  },
  required: ['name', 'country', 'population', 'landmarks'],
  additionalProperties: false,
}

/** A light runtime check of the parsed value (a schema validator such as Ajv would do the full job). */
function isCity(value: unknown): value is City {
  const v = value as Partial<City> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.country === 'string' &&
    Number.isInteger(v.population) &&
    Array.isArray(v.landmarks) &&
    v.landmarks.every((l) => typeof l === 'string')
  )
}

const gateway = process.env.GEMINI_API_KEY ? undefined : await startLocalGateway({ provider: 'google' })
try {
  const client = createClient({ provider: 'google', ...(gateway && { apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gateway.url }) })
  console.log(`google via ${gateway ? `the local gateway at ${gateway.url}` : 'generativelanguage.googleapis.com'}`)

  if (gateway) {
    // Stand-in answer, shaped as Gemini sends structured output: the JSON document as the text of one part.
    const standIn: GenerateContentResponse = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: '{"name":"Lisbon","country":"Portugal","population":545796,"landmarks":["Belém Tower","Jerónimos Monastery","São Jorge Castle"]}' },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 18, candidatesTokenCount: 41, totalTokenCount: 59 },
      modelVersion: 'gemini-2.5-flash',
    }
    gateway.enqueue({ body: standIn })
  }

  const res = await client.generateContent({
    model: 'gemini-2.5-flash',
    contents: [{ role: 'user', parts: [{ text: 'Describe the capital of Portugal.' }] }],
    generationConfig: { responseMimeType: 'application/json', responseJsonSchema: citySchema },
  })

  const json = text(res)
  const city: unknown = JSON.parse(json)
  if (!isCity(city)) throw new Error(`the answer does not match the schema: ${json}`)
  console.log(`raw text: ${json}`)
  console.log(`parsed: ${city.name}, ${city.country}, population ${city.population.toLocaleString('en')}; landmarks: ${city.landmarks.join(', ')}`)
  if (gateway) {
    const sent = (gateway.requests[0]?.body as { generationConfig?: { responseMimeType?: string; responseJsonSchema?: unknown } })?.generationConfig
    console.log(
      `sent: responseMimeType ${sent?.responseMimeType}, responseJsonSchema with ${Object.keys((sent?.responseJsonSchema as { properties?: object })?.properties ?? {}).length} properties`,
    )
    console.log('(the local gateway sent the stand-in answer this script queued)')
  }
} finally {
  await gateway?.close()
}
