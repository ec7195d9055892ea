// Hostile or broken bodies: the factories never throw, never pollute prototypes, stay small.
import { describe, expect, it } from 'vitest'
import { APIStatusError, InternalServerError } from '../../src/core/errors.ts'
import { errorFromResponse, errorInBody, streamErrorFromEvent } from '../../src/core/internal/error-bodies.ts'

/** rawBody keeps the first 64 Ki characters of a body (GeminiGatewayError's docs). */
const MAX_RAW_BODY_LENGTH = 64 * 1024

describe('prototype pollution', () => {
  const hostile = [
    '{"__proto__":{"polluted":"yes","message":"from proto"},"error":{"__proto__":{"polluted":"yes"},"message":"real"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}},"error":{"message":"real","constructor":{"prototype":{"polluted":"yes"}}}}',
    '{"error":{"message":"real","details":[{"__proto__":{"polluted":"yes"}}]}}',
  ]

  it.each(hostile)('%s', (bodyText) => {
    const err = errorFromResponse({ status: 400, bodyText, secrets: ['unrelated-secret'], headers: { __proto__: 'x' } as Record<string, string> })
    expect(err.message).toBe('400: real')
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect((Object.prototype as Record<string, unknown>)['polluted']).toBeUndefined()
    expect((err as unknown as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(Object.getPrototypeOf(err.headers)).toBe(Object.prototype)
    const inBody = errorInBody(JSON.parse(bodyText), { status: 200, secrets: ['s'] })
    expect(inBody?.message).toBe('200: real')
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('a header literally named __proto__ stays a plain header', () => {
    const headers: Record<string, string> = {}
    Object.defineProperty(headers, '__proto__', { value: 'evil', enumerable: true })
    const err = errorFromResponse({ status: 500, bodyText: '', headers })
    expect(Object.getPrototypeOf(err.headers)).toBe(Object.prototype)
    expect(Object.keys(err.headers ?? {})).toEqual(['__proto__'])
  })

  it('a body without message does not find Object.prototype members (toString, constructor)', () => {
    const err = errorFromResponse({ status: 400, bodyText: '{"error":{"type":"x"}}' })
    expect(err.message).toBe('400 x: error without a message')
  })
})

describe('odd field types', () => {
  it.each([
    ['numeric message', '{"error":{"message":12345}}', '400: 12345'],
    ['boolean message', '{"error":{"message":true}}', '400: true'],
    ['object message', '{"error":{"message":{"message":"nested"}}}', '400: nested'],
    ['array message', '{"error":{"message":["first","second"]}}', '400: first (and 1 more)'],
    ['null message', '{"error":{"message":null,"msg":"from msg"}}', '400: from msg'],
    ['empty message', '{"error":{"message":"  ","detail":"from detail"}}', '400: from detail'],
    ['error is a number', '{"error":42}', '400: 42'],
    ['error is an array', '{"error":["a"]}', '400: a'],
    ['error is true', '{"error":true}', '400: true'],
    ['status is an object', '{"error":{"message":"m","status":{"x":1},"code":[1]}}', '400: m'],
    ['details is not an array', '{"error":{"message":"m","details":"oops"}}', '400: m'],
  ])('%s', (_, bodyText, message) => {
    const err = errorFromResponse({ status: 400, bodyText })
    expect(err.message).toBe(message)
  })

  it('non-array details are not kept', () => {
    expect(errorFromResponse({ status: 400, bodyText: '{"error":{"message":"m","details":{"a":1}}}' }).details).toBeUndefined()
  })

  it('a very long code is cut', () => {
    const err = errorFromResponse({ status: 400, bodyText: JSON.stringify({ error: { message: 'm', code: 'c'.repeat(5000) } }) })
    expect(String(err.code).length).toBeLessThanOrEqual(201)
    expect(err.message.length).toBeLessThan(300)
  })

  it('a non-numeric, out-of-range or fractional status still gives an APIStatusError', () => {
    for (const status of [Number.NaN, -1, 0, 99, 600, 404.5]) {
      const err = errorFromResponse({ status, bodyText: '{"error":{"message":"m"}}' })
      expect(err).toBeInstanceOf(APIStatusError)
      expect(err.message).toBe('0: m')
      expect(err.status).toBe(0)
    }
  })

  it('bodyText that is not a string at runtime does not throw', () => {
    const err = errorFromResponse({ status: 500, bodyText: undefined as unknown as string })
    expect(err).toBeInstanceOf(InternalServerError)
    expect(err.message).toBe('500: empty body')
  })
})

describe('size', () => {
  it(`caps rawBody at ${MAX_RAW_BODY_LENGTH} characters and keeps the message short`, () => {
    const bodyText = JSON.stringify({ error: { message: 'huge', details: [{ blob: 'x'.repeat(5_000_000) }] } })
    const err = errorFromResponse({ status: 500, bodyText })
    expect(err.rawBody?.length).toBe(MAX_RAW_BODY_LENGTH)
    expect(bodyText.startsWith(err.rawBody ?? '-')).toBe(true)
    expect(err.message).toBe('500: huge')
  })

  it('a huge HTML page gives a short message', () => {
    const bodyText = `<html><head><title>Service Unavailable</title></head><body>${'<p>x</p>'.repeat(500_000)}</body></html>`
    const err = errorFromResponse({ status: 503, bodyText })
    expect(err.message).toBe('503: HTML error page from a proxy: Service Unavailable')
    expect(err.rawBody?.length).toBe(MAX_RAW_BODY_LENGTH)
  })

  it('a huge single-line text body gives a capped message', () => {
    const err = errorFromResponse({ status: 500, bodyText: 'e'.repeat(1_000_000) })
    expect(err.message.length).toBeLessThanOrEqual(310)
  })

  it('does not cut a surrogate pair in half', () => {
    const bodyText = `${'a'.repeat(MAX_RAW_BODY_LENGTH - 1)}😀tail`
    const err = errorFromResponse({ status: 500, bodyText })
    expect(err.rawBody?.length).toBe(MAX_RAW_BODY_LENGTH - 1)
    expect(err.rawBody?.endsWith('a')).toBe(true)
  })

  it('HTML with many unclosed title tags stays fast (no quadratic scan)', () => {
    const bodyText = `<html>${'<title'.repeat(200_000)}`
    const started = performance.now()
    const err = errorFromResponse({ status: 502, bodyText })
    expect(performance.now() - started).toBeLessThan(2000)
    expect(err.message).toBe('502: HTML error page from a proxy')
  })
})

describe('deep nesting', () => {
  it('a deeply nested body does not throw', () => {
    const depth = 100_000
    const bodyText = `${'{"error":'.repeat(depth)}"x"${'}'.repeat(depth)}`
    const err = errorFromResponse({ status: 500, bodyText, secrets: ['k'] })
    expect(err).toBeInstanceOf(InternalServerError)
    expect(err.message.startsWith('500: ')).toBe(true)
  })

  it('deeply nested details with secrets do not throw', () => {
    const depth = 10_000
    const details = `${'['.repeat(depth)}"k"${']'.repeat(depth)}`
    const bodyText = `{"error":{"message":"m","details":[${details}]}}`
    const err = errorFromResponse({ status: 500, bodyText, secrets: ['k'] })
    expect(err.message).toBe('500: m')
    expect(err.rawBody).not.toContain('"k"')
  })

  it('errorInBody and streamErrorFromEvent on a cyclic value do not throw', () => {
    const cyclic: Record<string, unknown> = { error: { message: 'loop' } }
    cyclic['self'] = cyclic
    const err = errorInBody(cyclic, { status: 200 })
    expect(err?.message).toBe('200: loop')
    expect(err?.rawBody).toBeUndefined()
    expect(streamErrorFromEvent(cyclic)?.message).toBe('stream error: loop')
  })
})
