// Every credential the client sends is scrubbed from every error it throws, before any other shaping of the text:
// the key, and the credential headers given in `headers`, per call, or by a middleware. The servers here echo them
// back as careless relays do, in the body, in headers, and past the points where messages are cut.
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigurationError, ConnectionError, createClient, type GeminiGatewayError } from '../../src/index.ts'
import { startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { caught, CONTENTS, KEY, MODEL } from './helpers.ts'

const TOKEN = 'cfut-9d1e7a4b3c2f8e6a'
const CALL_TOKEN = 'call-tok-5e3a9b1d7f'
const MIDDLEWARE_TOKEN = 'mw-tok-2b8d6f4a0c'
const params = { model: MODEL, contents: CONTENTS }

/** Every text an error shows or keeps, nested causes included. */
function everything(error: GeminiGatewayError): string {
  const texts = [
    error.message,
    String(error.stack),
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true, maxStringLength: Infinity }),
    error.rawBody ?? '',
    JSON.stringify(error.headers ?? {}),
    String(error.requestId),
    String(error.code),
  ]
  for (let cause: any = error.cause, depth = 0; cause && depth < 10; cause = cause.cause, depth++) texts.push(String(cause.message), String(cause.stack))
  return texts.join('\n')
}

/** Whether `text` holds `secret`, or any 6-character piece of it (what a cut would leave). */
function leaks(text: string, secret: string): string | undefined {
  for (let i = 0; i + 6 <= secret.length; i++) {
    const piece = secret.slice(i, i + 6)
    const at = text.indexOf(piece)
    if (at !== -1) return `"${piece}" in …${text.slice(Math.max(0, at - 40), at + 20)}…`
  }
  return undefined
}

let gw: LocalGateway
beforeAll(async () => {
  gw = await startLocalGateway({ provider: 'google', apiKey: KEY })
})
afterAll(() => gw.close())

describe('a key that cannot be sent as it is', () => {
  it('a line break inside: a ConfigurationError that says where, without the key; nothing is sent', () => {
    const before = gw.requests.length
    const key = `${KEY.slice(0, 8)}\n${KEY.slice(8)}`
    let error: unknown
    try {
      createClient({ provider: 'google', apiKey: key, baseUrl: gw.url })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toBe(`google: the API key holds a line break at character 9 of ${key.length} (pasted from a wrapped line?); remove it`)
    expect(leaks(everything(error as GeminiGatewayError), KEY.slice(0, 8))).toBeUndefined()
    expect(leaks(everything(error as GeminiGatewayError), KEY.slice(8))).toBeUndefined()
    expect(gw.requests.length).toBe(before)
  })

  it('surrounding whitespace is trimmed, as fetch trims a header value', async () => {
    const client = createClient({ provider: 'google', apiKey: `  ${KEY}\n`, baseUrl: gw.url })
    await client.generateContent(params)
    expect(gw.requests.at(-1)!.headers['x-goog-api-key']).toBe('[REDACTED]')
  })

  it('a header value with a line break: a ConfigurationError naming the header', () => {
    expect(() => createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url, headers: { 'cf-aig-authorization': `Bearer ${TOKEN}\r\n` } })).not.toThrow()
    expect(() => createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url, headers: { 'x-extra': 'a\nb' } })).toThrow(
      /header x-extra holds a line break/,
    )
  })
})

describe('credentials echoed by the server are scrubbed from every error', () => {
  /** An error body that echoes every credential the request carried, the way a careless relay dumps a request. */
  const echoAll = (headers: Record<string, string>) => {
    const echoed = Object.entries(headers)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')
    return {
      status: 502,
      headers: { 'content-type': 'application/json', 'x-request-id': `req-${echoed}`, 'x-debug': echoed },
      body: { error: { code: 502, message: `upstream refused: ${echoed}`, status: 'UNAVAILABLE' } },
    }
  }

  it('the key, a credential in `headers`, one in the call, one a middleware set', async () => {
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url, maxRetries: 0, headers: { 'cf-aig-authorization': `Bearer ${TOKEN}` } })
    client.use({ onRequest: ({ request }) => void request.headers.set('x-session-token', MIDDLEWARE_TOKEN) })
    gw.enqueue(echoAll({ key: KEY, cf: TOKEN, call: CALL_TOKEN, mw: MIDDLEWARE_TOKEN }))
    const error = await caught(client.generateContent(params, { headers: { 'x-call-api-key': CALL_TOKEN } }))
    expect(error.status).toBe(502)
    const text = everything(error)
    expect(text).toContain('[REDACTED]')
    for (const secret of [KEY, TOKEN, CALL_TOKEN, MIDDLEWARE_TOKEN]) expect(leaks(text, secret), secret).toBeUndefined()
  })

  it('a message cut at its limit never leaves half a secret', async () => {
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url, maxRetries: 0, headers: { 'cf-aig-authorization': `Bearer ${TOKEN}` } })
    // Each secret straddles a cut: the message's (1000 characters) or the request id's (200).
    for (const pad of [985, 992, 190, 195]) {
      gw.enqueue({
        status: 400,
        headers: { 'content-type': 'application/json', 'x-request-id': `${'r'.repeat(pad)}${TOKEN}` },
        body: { error: { code: 400, message: `${'m'.repeat(pad)}${KEY} ${TOKEN}`, status: 'INVALID_ARGUMENT' } },
      })
      const text = everything(await caught(client.generateContent(params)))
      for (const secret of [KEY, TOKEN]) expect(leaks(text, secret), `${secret} at ${pad}`).toBeUndefined()
    }
  })

  it('nested causes are scrubbed at every depth', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed', {
        cause: new Error(`socket hang up to ${KEY}`, { cause: Object.assign(new Error(`deep ${TOKEN}`), { code: 'ECONNRESET' }) }),
      })
    }) as unknown as typeof globalThis.fetch
    const client = createClient({
      provider: 'google',
      apiKey: KEY,
      baseUrl: gw.url,
      maxRetries: 0,
      fetch,
      headers: { 'cf-aig-authorization': `Bearer ${TOKEN}` },
    })
    const error = await caught(client.generateContent(params))
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error.cause as Error).cause).toBeDefined()
    const text = everything(error)
    for (const secret of [KEY, TOKEN]) expect(leaks(text, secret), secret).toBeUndefined()
    expect(((error.cause as Error).cause as Error & { cause: Error }).cause.message).toBe('deep [REDACTED]')
  })

  it('headers an answer echoes a secret in are scrubbed in res.http too', async () => {
    const client = createClient({ provider: 'google', apiKey: KEY, baseUrl: gw.url })
    client.use({
      onResponse: ({ response }) =>
        new Response(response.body, { status: response.status, headers: { ...Object.fromEntries(response.headers), 'x-echo': `key=${KEY}` } }),
    })
    const res = await client.generateContent(params)
    expect(res.http.headers.get('x-echo')).toBe('key=[REDACTED]')
  })
})
