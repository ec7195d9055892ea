import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  APIStatusError,
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  ConflictError,
  ConnectionError,
  GeminiGatewayError,
  IncompleteStreamError,
  InternalServerError,
  MalformedResponseError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestValidationError,
  ResponseValidationError,
  StreamError,
  TimeoutError,
  UnprocessableEntityError,
  UserAbortError,
} from '../../src/core/errors.ts'
import { errorFromResponse } from '../../src/core/internal/error-bodies.ts'

const FAMILIES = [
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
] as const

describe('status → class', () => {
  const table: Array<[number, (typeof FAMILIES)[number] | typeof APIStatusError, string]> = [
    [400, BadRequestError, 'BadRequestError'],
    [401, AuthenticationError, 'AuthenticationError'],
    [403, PermissionDeniedError, 'PermissionDeniedError'],
    [404, NotFoundError, 'NotFoundError'],
    [409, ConflictError, 'ConflictError'],
    [422, UnprocessableEntityError, 'UnprocessableEntityError'],
    [429, RateLimitError, 'RateLimitError'],
    [500, InternalServerError, 'InternalServerError'],
    [502, InternalServerError, 'InternalServerError'],
    [503, InternalServerError, 'InternalServerError'],
    [504, InternalServerError, 'InternalServerError'],
    [599, InternalServerError, 'InternalServerError'],
    [402, APIStatusError, 'APIStatusError'],
    [405, APIStatusError, 'APIStatusError'],
    [408, APIStatusError, 'APIStatusError'],
    [413, APIStatusError, 'APIStatusError'],
    [418, APIStatusError, 'APIStatusError'],
    [451, APIStatusError, 'APIStatusError'],
  ]

  it.each(table)('HTTP %i → %o', (status, Class, name) => {
    const err = errorFromResponse({ status, bodyText: '{"error":{"message":"x"}}' })
    expect(err).toBeInstanceOf(Class)
    expect(err.constructor).toBe(Class)
    expect(err).toBeInstanceOf(APIStatusError)
    expect(err).toBeInstanceOf(GeminiGatewayError)
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe(name)
    expect(err.status).toBe(status)
    expect(err.stack?.startsWith(`${name}: `)).toBe(true)
    // Exactly one family matches.
    for (const Other of FAMILIES) if (Other !== Class) expect(err).not.toBeInstanceOf(Other)
    // Not a non-HTTP error.
    expect(err).not.toBeInstanceOf(ConnectionError)
    expect(err).not.toBeInstanceOf(StreamError)
  })
})

describe('non-HTTP classes', () => {
  it('ConnectionError wraps the cause and says why', () => {
    const cause = new TypeError('fetch failed')
    const err = new ConnectionError(undefined, { cause, provider: 'anyfast' })
    expect(err.cause).toBe(cause)
    expect(err.message).toBe('anyfast: connection error: fetch failed')
    expect(err.name).toBe('ConnectionError')
    expect(err).toBeInstanceOf(GeminiGatewayError)
    expect(err).not.toBeInstanceOf(APIStatusError)
    expect(err.status).toBeUndefined()
  })

  it('TimeoutError is its own class with timeoutMs', () => {
    const err = new TimeoutError(undefined, { timeoutMs: 30_000, provider: 'google' })
    expect(err.timeoutMs).toBe(30_000)
    expect(err.message).toBe('google: request timed out after 30000 ms')
    expect(err.name).toBe('TimeoutError')
    expect(err).toBeInstanceOf(GeminiGatewayError)
    expect(err).not.toBeInstanceOf(ConnectionError)
    expect(new TimeoutError().message).toBe('request timed out')
    expect(new TimeoutError().timeoutMs).toBeUndefined()
  })

  it('UserAbortError keeps the abort reason', () => {
    const controller = new AbortController()
    controller.abort()
    const err = new UserAbortError(undefined, { cause: controller.signal.reason })
    expect(err.message).toBe('request was aborted')
    expect(err.cause).toBe(controller.signal.reason)
    expect(err.name).toBe('UserAbortError')
    expect(err).not.toBeInstanceOf(ConnectionError)
  })

  it('RequestValidationError lists its issues and summarises them', () => {
    const issues = [
      { path: '/contents', message: 'must NOT have fewer than 1 items' },
      { path: '/generationConfig/temperature', message: 'must be number' },
    ]
    const err = new RequestValidationError(issues, { provider: 'anyfast' })
    expect(err.issues).toEqual(issues)
    expect(err.message).toBe('anyfast: request failed validation: /contents: must NOT have fewer than 1 items (and 1 more)')
    expect(err.name).toBe('RequestValidationError')
    expect(new RequestValidationError([{ path: '', message: 'must be object' }]).message).toBe('request failed validation: (root): must be object')
    expect(new RequestValidationError([]).message).toBe('request failed validation')
    expect(new RequestValidationError(issues, { message: 'custom' }).message).toBe('custom')
  })

  it('ResponseValidationError keeps issues and the body, without dumping it', () => {
    const body = { candidates: 'not an array' }
    const err = new ResponseValidationError([{ path: '/candidates', message: 'must be array' }], body)
    expect(err.body).toEqual(body)
    expect(err.issues).toHaveLength(1)
    expect(err.message).toBe('response failed validation: /candidates: must be array')
    expect(Object.keys(err)).not.toContain('body')
    expect(JSON.stringify(err)).not.toContain('not an array')
  })

  it.each([
    [StreamError, 'StreamError'],
    [IncompleteStreamError, 'IncompleteStreamError'],
    [MalformedResponseError, 'MalformedResponseError'],
    [ConfigurationError, 'ConfigurationError'],
  ] as const)('%o is a GeminiGatewayError, not an APIStatusError', (Class, name) => {
    const err = new Class('something went wrong')
    expect(err.name).toBe(name)
    expect(err.message).toBe('something went wrong')
    expect(err).toBeInstanceOf(GeminiGatewayError)
    expect(err).not.toBeInstanceOf(APIStatusError)
    expect(String(err)).toBe(`${name}: something went wrong`)
  })

  it('IncompleteStreamError has a default message', () => {
    expect(new IncompleteStreamError(undefined, { provider: 'nordlys' }).message).toBe('nordlys: stream ended before its final chunk')
  })

  it('base fields default to undefined', () => {
    const err = new ConfigurationError('no API key: pass apiKey or set GEMINI_API_KEY')
    expect(err.provider).toBeUndefined()
    expect(err.status).toBeUndefined()
    expect(err.code).toBeUndefined()
    expect(err.requestId).toBeUndefined()
    expect(err.rawBody).toBeUndefined()
    expect(err.details).toBeUndefined()
    expect(err.headers).toBeUndefined()
  })
})

describe('shape for logs', () => {
  it('toJSON has exactly name, message, status, code, provider, requestId', () => {
    const err = errorFromResponse({
      status: 429,
      provider: 'google',
      headers: { 'x-request-id': 'abc' },
      bodyText: '{"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED","details":[{"a":1}]}}',
    })
    expect(err.toJSON()).toStrictEqual({
      name: 'RateLimitError',
      message: 'google: 429 RESOURCE_EXHAUSTED: slow down',
      status: 429,
      code: 'RESOURCE_EXHAUSTED',
      provider: 'google',
      requestId: 'abc',
    })
    expect(JSON.parse(JSON.stringify(err))).toEqual(err.toJSON())
  })

  it('rawBody and headers are readable but not enumerable (they stay out of log dumps)', () => {
    const err = errorFromResponse({ status: 500, bodyText: 'oops', headers: { a: 'b' } })
    expect(err.rawBody).toBe('oops')
    expect(err.headers).toEqual({ a: 'b' })
    expect(Object.keys(err)).toEqual(expect.arrayContaining(['provider', 'status', 'code', 'requestId', 'details']))
    expect(Object.keys(err)).not.toContain('rawBody')
    expect(Object.keys(err)).not.toContain('headers')
  })

  it('types: APIStatusError.status is a number, name is a string', () => {
    const err = errorFromResponse({ status: 400, bodyText: '' })
    expectTypeOf(err.status).toEqualTypeOf<number>()
    expectTypeOf(new ConnectionError().status).toEqualTypeOf<number | undefined>()
    expectTypeOf(err.code).toEqualTypeOf<string | number | undefined>()
    expect(typeof err.status).toBe('number')
  })
})
