import { describe, expect, it } from 'vitest'
import {
  APIStatusError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  ModelUnavailableError,
  RateLimitError,
  UnprocessableEntityError,
} from '../../src/core/errors.ts'
import { errorFromResponse } from '../../src/core/internal/error-bodies.ts'

const googleQuota = {
  error: {
    code: 429,
    message: 'You exceeded your current quota, please check your plan and billing details. ',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests' }],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34.4s' },
    ],
  },
}

describe('Google shape', () => {
  it.each([
    ['pretty-printed', `${JSON.stringify(googleQuota, null, 2)}\n`],
    ['minified', JSON.stringify(googleQuota)],
  ])('%s', (_, bodyText) => {
    const err = errorFromResponse({ status: 429, bodyText, provider: 'anyfast' })
    expect(err).toBeInstanceOf(RateLimitError)
    expect(err.status).toBe(429)
    expect(err.code).toBe('RESOURCE_EXHAUSTED')
    expect(err.message).toBe('anyfast: 429 RESOURCE_EXHAUSTED: You exceeded your current quota, please check your plan and billing details.')
    expect(err.details).toEqual(googleQuota.error.details)
    expect(err.rawBody).toBe(bodyText)
    expect(err.provider).toBe('anyfast')
  })

  it('without a provider, the message starts at the status', () => {
    const err = errorFromResponse({ status: 429, bodyText: JSON.stringify(googleQuota) })
    expect(err.message.startsWith('429 RESOURCE_EXHAUSTED: You exceeded')).toBe(true)
    expect(err.provider).toBeUndefined()
  })

  it('keeps the HTTP status even when the body code disagrees', () => {
    const err = errorFromResponse({ status: 503, bodyText: JSON.stringify(googleQuota) })
    expect(err).toBeInstanceOf(InternalServerError)
    expect(err.status).toBe(503)
    expect(err.code).toBe('RESOURCE_EXHAUSTED')
  })

  it('a Google array body (non-SSE stream form)', () => {
    const bodyText = '[{\n  "error": {\n    "code": 400,\n    "message": "Invalid JSON payload",\n    "status": "INVALID_ARGUMENT"\n  }\n}\n]'
    const err = errorFromResponse({ status: 400, bodyText, provider: 'google' })
    expect(err).toBeInstanceOf(BadRequestError)
    expect(err.message).toBe('google: 400 INVALID_ARGUMENT: Invalid JSON payload')
    expect(err.code).toBe('INVALID_ARGUMENT')
  })

  it('an array whose error is not the first element', () => {
    const bodyText = JSON.stringify([{ candidates: [] }, { error: { code: 503, message: 'late', status: 'UNAVAILABLE' } }])
    const err = errorFromResponse({ status: 503, bodyText })
    expect(err.message).toBe('503 UNAVAILABLE: late')
  })
})

describe('OpenAI-style shapes (new-api and other relays)', () => {
  it('string code (new-api without a channel for the model: ModelUnavailableError whatever the status)', () => {
    const bodyText = JSON.stringify({
      error: { message: 'No available channel for model gemini-9 under group default', type: 'new_api_error', param: null, code: 'model_not_found' },
    })
    const err = errorFromResponse({ status: 404, bodyText, provider: 'infinityblue' })
    expect(err).toBeInstanceOf(ModelUnavailableError)
    expect(err.status).toBe(404)
    expect(err.code).toBe('model_not_found')
    expect(err.message).toBe('infinityblue: 404 model_not_found: No available channel for model gemini-9 under group default')
    expect(err.details).toBeUndefined()
  })

  it('numeric code equal to the status is not repeated', () => {
    const bodyText = JSON.stringify({ error: { message: 'rate limited', type: 'rate_limit_error', param: null, code: 429 } })
    const err = errorFromResponse({ status: 429, bodyText, provider: 'anyfast' })
    expect(err).toBeInstanceOf(RateLimitError)
    expect(err.code).toBe(429)
    expect(err.message).toBe('anyfast: 429: rate limited')
  })

  it('numeric code different from the status is labelled', () => {
    const bodyText = JSON.stringify({ error: { message: 'quota', type: 'x', code: 20001 } })
    const err = errorFromResponse({ status: 403, bodyText, provider: 'anyfast' })
    expect(err.code).toBe(20001)
    expect(err.message).toBe('anyfast: 403 (code 20001): quota')
  })

  it('null code falls back to type', () => {
    const bodyText = JSON.stringify({ error: { message: 'upstream failed', type: 'upstream_error', code: null } })
    const err = errorFromResponse({ status: 500, bodyText, provider: 'infinityblue' })
    expect(err).toBeInstanceOf(InternalServerError)
    expect(err.code).toBe('upstream_error')
    expect(err.message).toBe('infinityblue: 500 upstream_error: upstream failed')
  })

  it('a relay that puts the upstream JSON error inside message: the inner message is used', () => {
    const inner = JSON.stringify({ error: { code: 400, message: 'Unable to submit request', status: 'INVALID_ARGUMENT' } })
    const bodyText = JSON.stringify({ error: { message: inner, type: 'upstream_error', code: 'bad_response_status_code' } })
    const err = errorFromResponse({ status: 400, bodyText, provider: 'anyfast' })
    expect(err.message).toBe('anyfast: 400 bad_response_status_code: Unable to submit request')
  })
})

describe('nordlys shapes', () => {
  it('{"error":{"message","request_id"}}', () => {
    const bodyText = JSON.stringify({ error: { message: 'internal server error', request_id: 'req_01HX' } })
    const err = errorFromResponse({ status: 500, bodyText, provider: 'nordlys' })
    expect(err).toBeInstanceOf(InternalServerError)
    expect(err.message).toBe('nordlys: 500: internal server error')
    expect(err.requestId).toBe('req_01HX')
    expect(err.code).toBeUndefined()
  })

  it('{"error":"Authentication required"} (a bare string)', () => {
    const bodyText = '{"error":"Authentication required"}'
    const err = errorFromResponse({ status: 401, bodyText, provider: 'nordlys' })
    expect(err).toBeInstanceOf(AuthenticationError)
    expect(err.message).toBe('nordlys: 401: Authentication required')
    expect(err.rawBody).toBe(bodyText)
  })
})

describe('apimart envelope on an error status', () => {
  it.each([
    ['msg', { code: 401, msg: 'invalid token', data: null }],
    ['message', { code: 401, message: 'invalid token', data: null }],
    ['error', { code: 401, error: 'invalid token', data: null }],
    ['error object', { code: 401, error: { message: 'invalid token' }, data: null }],
  ])('with %s', (_, body) => {
    const err = errorFromResponse({ status: 401, bodyText: JSON.stringify(body), provider: 'apimart' })
    expect(err).toBeInstanceOf(AuthenticationError)
    expect(err.code).toBe(401)
    expect(err.message).toBe('apimart: 401: invalid token')
  })
})

describe('other bodies', () => {
  it('{"message": "..."}', () => {
    const err = errorFromResponse({ status: 400, bodyText: '{"message":"contents is required"}', provider: 'anyfast' })
    expect(err).toBeInstanceOf(BadRequestError)
    expect(err.message).toBe('anyfast: 400: contents is required')
  })

  it('{"detail": "..."}', () => {
    const err = errorFromResponse({ status: 404, bodyText: '{"detail":"Not Found"}' })
    expect(err.message).toBe('404: Not Found')
  })

  it('{"detail": [{loc, msg}, ...]} (FastAPI validation)', () => {
    const bodyText = JSON.stringify({ detail: [{ loc: ['body', 'contents'], msg: 'field required', type: 'missing' }, { msg: 'b' }] })
    const err = errorFromResponse({ status: 422, bodyText })
    expect(err).toBeInstanceOf(UnprocessableEntityError)
    expect(err.message).toBe('422: field required (and 1 more)')
  })

  it('a JSON object with no message says so instead of dumping it', () => {
    const err = errorFromResponse({ status: 500, bodyText: '{"foo":{"bar":1}}' })
    expect(err.message).toBe('500: JSON body without a message')
    expect(err.message).not.toContain('{')
  })

  it('plain text: the first line', () => {
    const bodyText = '\nupstream connect error or disconnect/reset before headers. reset reason: overflow\nmore text'
    const err = errorFromResponse({ status: 503, bodyText, provider: 'apimart' })
    expect(err).toBeInstanceOf(InternalServerError)
    expect(err.message).toBe('apimart: 503: upstream connect error or disconnect/reset before headers. reset reason: overflow')
    expect(err.code).toBeUndefined()
    expect(err.rawBody).toBe(bodyText)
  })

  it('an HTML page from a proxy: its title, never the page', () => {
    const bodyText =
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'
    const err = errorFromResponse({ status: 502, bodyText, provider: 'anyfast' })
    expect(err).toBeInstanceOf(InternalServerError)
    expect(err.message).toBe('anyfast: 502: HTML error page from a proxy: 502 Bad Gateway')
    expect(err.message).not.toContain('<')
    expect(err.rawBody).toBe(bodyText)
  })

  it('an HTML page: entities decoded, h1 when there is no title, nothing when neither', () => {
    const cf = '<!DOCTYPE html><html lang="en-US"><head><title>Attention Required! | Cloudflare &amp; co</title></head><body>…</body></html>'
    expect(errorFromResponse({ status: 403, bodyText: cf }).message).toBe('403: HTML error page from a proxy: Attention Required! | Cloudflare & co')
    expect(errorFromResponse({ status: 504, bodyText: '<html><body><h1>Gateway <b>Timeout</b></h1></body></html>' }).message).toBe(
      '504: HTML error page from a proxy: Gateway Timeout',
    )
    expect(errorFromResponse({ status: 500, bodyText: '<html><body>oops</body></html>' }).message).toBe('500: HTML error page from a proxy')
  })

  it('an empty body', () => {
    for (const bodyText of ['', '  \r\n ']) {
      const err = errorFromResponse({ status: 503, bodyText, provider: 'google' })
      expect(err).toBeInstanceOf(InternalServerError)
      expect(err.message).toBe('google: 503: empty body')
      expect(err.rawBody).toBe(bodyText)
    }
  })

  it('JSON cut off in the middle: the message is salvaged when possible, never dumped', () => {
    const cut = '{"error":{"code":500,"message":"backend died","status":"INTERNAL","details":[{"@ty'
    expect(errorFromResponse({ status: 500, bodyText: cut }).message).toBe('500: backend died (from a body that is not valid JSON)')
    const hopeless = '{"error":{"code":500,"mess'
    expect(errorFromResponse({ status: 500, bodyText: hopeless }).message).toBe('500: body is not valid JSON')
  })

  it('a JSON string body', () => {
    expect(errorFromResponse({ status: 400, bodyText: '"bad request"' }).message).toBe('400: bad request')
  })

  it('a JSON null or number body', () => {
    expect(errorFromResponse({ status: 400, bodyText: 'null' }).message).toBe('400: null')
    expect(errorFromResponse({ status: 400, bodyText: '[]' }).message).toBe('400: empty JSON array')
  })

  it('an unknown status maps to APIStatusError', () => {
    const err = errorFromResponse({ status: 418, bodyText: '{"error":{"message":"teapot"}}' })
    expect(err.constructor).toBe(APIStatusError)
    expect(err.message).toBe('418: teapot')
  })
})

describe('message format', () => {
  it('is one line even when the server sends several', () => {
    const bodyText = JSON.stringify({ error: { message: 'line one\nline two\r\n\tline three', code: 'x' } })
    const err = errorFromResponse({ status: 400, bodyText })
    expect(err.message).toBe('400 x: line one line two line three')
  })

  it('is capped', () => {
    const bodyText = JSON.stringify({ error: { message: 'a'.repeat(10_000) } })
    const err = errorFromResponse({ status: 400, bodyText })
    expect(err.message.length).toBeLessThanOrEqual(1010)
    expect(err.message.endsWith('…')).toBe(true)
    expect(err.rawBody).toBe(bodyText)
  })
})

describe('request id', () => {
  it.each(['x-request-id', 'X-Goog-Request-Id', 'request-id', 'x-oneapi-request-id'])('from header %s', (name) => {
    const err = errorFromResponse({ status: 500, bodyText: '', headers: { [name]: 'rid-1' } })
    expect(err.requestId).toBe('rid-1')
  })

  it('from a Headers object', () => {
    const err = errorFromResponse({ status: 500, bodyText: '', headers: new Headers({ 'X-Oneapi-Request-Id': '2025abc' }) })
    expect(err.requestId).toBe('2025abc')
    expect(err.headers).toEqual({ 'x-oneapi-request-id': '2025abc' })
  })

  it('headers win over the body', () => {
    const bodyText = JSON.stringify({ error: { message: 'x', request_id: 'from-body' } })
    expect(errorFromResponse({ status: 500, bodyText, headers: { 'x-request-id': 'from-header' } }).requestId).toBe('from-header')
    expect(errorFromResponse({ status: 500, bodyText }).requestId).toBe('from-body')
  })

  it('from a top-level request_id', () => {
    const bodyText = JSON.stringify({ message: 'x', request_id: 'top' })
    expect(errorFromResponse({ status: 500, bodyText }).requestId).toBe('top')
  })

  it('header names are lowercased on the error', () => {
    const err = errorFromResponse({ status: 429, bodyText: '', headers: { 'Retry-After': '3', 'X-Request-Id': 'r' } })
    expect(err.headers).toEqual({ 'retry-after': '3', 'x-request-id': 'r' })
  })
})
