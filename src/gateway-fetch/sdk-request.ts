/**
 * Reads a request as Google's SDKs send it (@google/genai, @ai-sdk/google): which operation of Google's API it is,
 * its model, its JSON body, the key the SDK put in `x-goog-api-key` or `?key=`, and the headers worth passing on.
 * The SDK's host is ignored: the gateway's comes from the fetch's options.
 * @module
 * @internal
 */

/** The operations of Google's API this fetch serves. */
export type SdkOperation = 'generateContent' | 'streamGenerateContent' | 'countTokens' | 'listModels' | 'getModel'

export interface SdkRequest {
  operation: SdkOperation
  /** The bare model id from the path (no `models/`); absent for listModels. */
  model: string | undefined
  /** `alt` from the query: `sse` for a stream as both SDKs ask for it. */
  alt: string | undefined
  pageSize: number | undefined
  /** The key the SDK sent (`x-goog-api-key`, else `?key=`). */
  key: string | undefined
  /** The SDK's and its caller's headers, minus credentials and what fetch sets itself. */
  headers: Record<string, string>
  /** The parsed JSON body of a POST (always an object); `undefined` for a GET. */
  body: Record<string, unknown> | undefined
  signal: AbortSignal | undefined
}

/** A request this fetch cannot take, answered as Google would (its status name and a message). */
export interface Refusal {
  status: number
  message: string
  /** The key the SDK sent, to scrub from the message. */
  key: string | undefined
}

// The routes both SDKs call: `{base}/{v1|v1beta}/models[/{model}[:{method}]]` (genai 3 defaults to v1, the AI SDK's
// base URL carries v1beta). Anything before the version is the SDK's base path, and ignored like its host.
const ROUTE = /\/(v1|v1beta)\/models(?:\/([^/:]+)(?::([A-Za-z]+))?)?$/
const POST_METHODS: ReadonlySet<string> = new Set(['generateContent', 'streamGenerateContent', 'countTokens'])

/**
 * Headers not passed on: credentials (the key moves into the gateway's own header; a gateway's header the SDK never
 * sets is not taken from it either) and what fetch and the client set for the request they send.
 */
const DROPPED_HEADERS: ReadonlySet<string> = new Set([
  'x-goog-api-key',
  'authorization',
  'x-api-key',
  'proxy-authorization',
  'cookie',
  'host',
  'content-length',
  'content-type',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'accept-encoding',
  'expect',
  'te',
  'upgrade',
])

/** Reads what `fetch(input, init)` was asked; a Refusal when it is not a route this fetch serves. */
export async function readSdkRequest(input: RequestInfo | URL, init: RequestInit | undefined): Promise<SdkRequest | Refusal> {
  // A Request of any fetch implementation (the undici package's is not the global class): read it by its fields.
  const request = typeof input === 'object' && !(input instanceof URL) ? (input as Request) : undefined
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase()
  const sent = new Headers(init?.headers ?? request?.headers)
  const key = sent.get('x-goog-api-key') ?? url.searchParams.get('key') ?? undefined
  const signal = init?.signal ?? request?.signal ?? undefined
  const headers: Record<string, string> = {}
  sent.forEach((value, name) => {
    if (!DROPPED_HEADERS.has(name)) headers[name] = value
  })

  const m = ROUTE.exec(url.pathname)
  const op = m?.[3]
  let model: string | undefined
  try {
    model = m?.[2] === undefined ? undefined : decodeURIComponent(m[2])
  } catch {
    return { status: 400, message: `the model id in ${url.pathname} is not valid percent-encoding`, key }
  }
  let operation: SdkOperation | undefined
  if (m && method === 'POST' && op !== undefined && model !== undefined && POST_METHODS.has(op)) operation = op as SdkOperation
  else if (m && method === 'GET' && op === undefined) operation = model === undefined ? 'listModels' : 'getModel'
  if (operation === undefined) {
    return {
      status: 404,
      message: `gemini-gateways/fetch: no route for ${method} ${url.pathname}; it serves Google's /v1 and /v1beta models routes: POST models/{model}:generateContent, :streamGenerateContent, :countTokens, GET models and models/{model}`,
      key,
    }
  }

  let body: Record<string, unknown> | undefined
  if (method === 'POST') {
    const text = init?.body != null ? await new Response(init.body).text() : request && request.body !== null ? await request.text() : ''
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      return { status: 400, message: 'Invalid JSON payload received. Expected a JSON object.', key }
    body = parsed as Record<string, unknown>
  }
  const size = Number(url.searchParams.get('pageSize'))
  return {
    operation,
    model,
    alt: url.searchParams.get('alt') ?? undefined,
    pageSize: Number.isInteger(size) && size > 0 ? size : undefined,
    key,
    headers,
    body,
    signal,
  }
}
