import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ConnectionError, type GeminiGatewayError, ResponseValidationError } from '../../src/core/errors.ts'
import { errorFromResponse, errorInBody, malformedResponseError, streamErrorFromEvent } from '../../src/core/internal/error-bodies.ts'
import { redactSecrets, redactValue } from '../../src/core/internal/redact.ts'

/** What a secret becomes (GeminiGatewayErrorOptions.secrets says `[REDACTED]`). */
const REDACTED = '[REDACTED]'
/** redactValue walks 64 levels deep; what lies deeper is replaced by this marker. */
const MAX_REDACT_DEPTH = 64
const TOO_DEEP = '[omitted: nested too deep]'

const KEY = 'AIzaSyD-FAKE_key/with+odd=chars'

/** Every way an error reaches a log. */
function renderings(err: Error): string[] {
  return [err.message, err.stack ?? '', JSON.stringify(err), String(err), inspect(err, { depth: 10, showHidden: true }), inspect(err, { depth: 10 }), `${err}`]
}

function expectNoKey(err: Error, key = KEY): void {
  for (const text of renderings(err)) {
    expect(text).not.toContain(key)
    expect(text).not.toContain(encodeURIComponent(key))
  }
}

describe('redactSecrets', () => {
  it('replaces every occurrence, raw and URL-encoded', () => {
    const text = `key=${KEY} again ${KEY} url ?key=${encodeURIComponent(KEY)}`
    expect(redactSecrets(text, [KEY])).toBe(`key=${REDACTED} again ${REDACTED} url ?key=${REDACTED}`)
  })

  it('replaces the JSON-escaped form too', () => {
    const secret = 'ab"c\\d/e'
    const json = JSON.stringify({ m: `x ${secret} y` }).replace('/', '\\/')
    expect(redactSecrets(json, [secret])).toBe(`{"m":"x ${REDACTED} y"}`)
  })

  it('ignores empty secrets and handles none', () => {
    expect(redactSecrets('abc', [''])).toBe('abc')
    expect(redactSecrets('abc', [])).toBe('abc')
    expect(redactSecrets('', ['abc'])).toBe('')
  })

  it('replaces a longer secret whole even when a shorter one is inside it', () => {
    expect(redactSecrets('token sk-abc-123 and sk-abc', ['sk-abc', 'sk-abc-123'])).toBe(`token ${REDACTED} and ${REDACTED}`)
  })

  it('treats regex characters literally', () => {
    expect(redactSecrets('a.b a+b', ['a.b'])).toBe(`${REDACTED} a+b`)
    expect(redactSecrets('$& $1', ['$&'])).toBe(`${REDACTED} $1`)
  })
})

describe('redactValue', () => {
  it('copies JSON values with strings and keys redacted, leaving the input alone', () => {
    const input = { a: [`x ${KEY}`, 1, null, { [KEY]: true }], b: { c: KEY } }
    const out = redactValue(input, [KEY])
    expect(out).toEqual({ a: [`x ${REDACTED}`, 1, null, { [REDACTED]: true }], b: { c: REDACTED } })
    expect(input.b.c).toBe(KEY)
  })

  it('keeps a __proto__ key as a plain key', () => {
    const input = JSON.parse(`{"__proto__": {"polluted": "${KEY}"}}`) as object
    const out = redactValue(input, [KEY]) as Record<string, unknown>
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect((out as { polluted?: unknown }).polluted).toBeUndefined()
  })

  it('replaces subtrees deeper than the limit', () => {
    let deep: unknown = KEY
    for (let i = 0; i < MAX_REDACT_DEPTH + 5; i++) deep = [deep]
    expect(JSON.stringify(redactValue(deep, [KEY]))).not.toContain(KEY)
    expect(JSON.stringify(redactValue(deep, [KEY]))).toContain(TOO_DEEP)
  })

  it('returns the same value when there are no secrets', () => {
    const input = { a: 1 }
    expect(redactValue(input, [])).toBe(input)
    expect(redactValue(input, [''])).toBe(input)
  })
})

describe('errors built with secrets', () => {
  // Google echoes the key in DebugInfo ("Invalid API key: key1234") and relays echo it in messages.
  const body = {
    error: {
      code: 400,
      message: `API key not valid: ${KEY}. Please pass a valid API key.`,
      status: 'INVALID_ARGUMENT',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', metadata: { key: KEY } },
        { '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: `Invalid API key: ${KEY}` },
      ],
      request_id: `req-${KEY}`,
    },
  }
  const bodyText = JSON.stringify(body, null, 2)
  const headers = { 'x-echo-key': KEY, 'x-goog-api-key': KEY, location: `https://x.test/?key=${encodeURIComponent(KEY)}` }

  it('errorFromResponse scrubs message, stack, JSON, String, inspect, rawBody, headers, details', () => {
    const err = errorFromResponse({ status: 400, bodyText, headers, provider: 'google', secrets: [KEY] })
    expectNoKey(err)
    expect(err.message).toBe(`google: 400 INVALID_ARGUMENT: API key not valid: ${REDACTED}. Please pass a valid API key.`)
    expect(err.rawBody).not.toContain(KEY)
    expect(err.rawBody).toContain(REDACTED)
    expect(JSON.stringify(err.details)).not.toContain(KEY)
    expect(err.details).toEqual([
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', metadata: { key: REDACTED } },
      { '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: `Invalid API key: ${REDACTED}` },
    ])
    expect(err.headers).toEqual({ 'x-echo-key': REDACTED, 'x-goog-api-key': REDACTED, location: `https://x.test/?key=${REDACTED}` })
    expect(err.requestId).toBe(`req-${REDACTED}`)
  })

  it('the firebase fixture key ("key1234" in DebugInfo) is scrubbed', () => {
    const text = JSON.stringify({ error: { code: 400, message: 'bad', status: 'INVALID_ARGUMENT', details: [{ detail: 'Invalid API key: key1234' }] } })
    const err = errorFromResponse({ status: 400, bodyText: text, secrets: ['key1234'] })
    expectNoKey(err, 'key1234')
    expect(JSON.stringify(err.details)).not.toContain('key1234')
  })

  it('errorInBody scrubs too', () => {
    const err = errorInBody(body, { status: 200, bodyText, headers, secrets: [KEY] }) as GeminiGatewayError
    expectNoKey(err)
    expect(err.rawBody).not.toContain(KEY)
    expect(JSON.stringify(err.details)).not.toContain(KEY)
  })

  it('errorInBody without bodyText scrubs the serialised body', () => {
    const err = errorInBody(body, { status: 200, secrets: [KEY] }) as GeminiGatewayError
    expect(err.rawBody).toContain(REDACTED)
    expect(err.rawBody).not.toContain(KEY)
  })

  it('streamErrorFromEvent and malformedResponseError scrub too', () => {
    const stream = streamErrorFromEvent(body, { secrets: [KEY], rawText: bodyText }) as GeminiGatewayError
    expectNoKey(stream)
    expect(stream.rawBody).not.toContain(KEY)
    const malformed = malformedResponseError({ status: 200, bodyText: `<html><title>bad ${KEY}</title>`, secrets: [KEY] })
    expectNoKey(malformed)
    expect(malformed.rawBody).not.toContain(KEY)
  })

  it('plain-text and HTML bodies are scrubbed', () => {
    const err = errorFromResponse({ status: 403, bodyText: `forbidden for key ${KEY}\n`, secrets: [KEY] })
    expect(err.message).toBe(`403: forbidden for key ${REDACTED}`)
    expectNoKey(err)
  })

  it('a cause holding the key (a fetch error with the URL) is replaced by a scrubbed copy', () => {
    const cause = new TypeError(`fetch failed: https://x.test/v1beta/models?key=${encodeURIComponent(KEY)}`)
    const err = new ConnectionError(undefined, { cause, secrets: [KEY] })
    expectNoKey(err)
    expect(err.message).toBe(`connection error: fetch failed: https://x.test/v1beta/models?key=${REDACTED}`)
    expect((err.cause as Error).message).toContain(REDACTED)
    expect((err.cause as Error).name).toBe('TypeError')
    // The caller's own error is not modified.
    expect(cause.message).toContain(encodeURIComponent(KEY))
  })

  it('a cause without the key is kept as is; a string cause is scrubbed', () => {
    const cause = new Error('socket hang up')
    expect(new ConnectionError(undefined, { cause, secrets: [KEY] }).cause).toBe(cause)
    expect(new ConnectionError('x', { cause: `reason ${KEY}`, secrets: [KEY] }).cause).toBe(`reason ${REDACTED}`)
  })

  it('a secret cut by the rawBody cap is not left half visible', () => {
    const big = `${'x'.repeat(64 * 1024 - 5)}${KEY}${'y'.repeat(100)}`
    const err = errorFromResponse({ status: 500, bodyText: big, secrets: [KEY] })
    expect(err.rawBody?.length).toBe(64 * 1024)
    expect(err.rawBody).not.toContain(KEY.slice(0, 5))
  })

  it('direct construction with secrets scrubs message, code and body', () => {
    const err = new ResponseValidationError(
      [{ path: '/x', message: `bad ${KEY}` }],
      { echoed: KEY },
      {
        message: `invalid ${KEY}`,
        code: KEY,
        rawBody: KEY,
        secrets: [KEY],
      },
    )
    expectNoKey(err)
    expect(err.code).toBe(REDACTED)
    expect(err.rawBody).toBe(REDACTED)
    expect(err.body).toEqual({ echoed: REDACTED })
  })
})
