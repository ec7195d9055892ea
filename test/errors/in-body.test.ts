import { describe, expect, it } from 'vitest'
import {
  APIStatusError,
  AuthenticationError,
  InternalServerError,
  MalformedResponseError,
  ModelUnavailableError,
  NotFoundError,
  RateLimitError,
  StreamError,
} from '../../src/core/errors.ts'
import { errorInBody, malformedResponseError, streamErrorFromEvent } from '../../src/core/internal/error-bodies.ts'

const success = {
  candidates: [{ content: { parts: [{ text: 'hi' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
  modelVersion: 'gemini-2.5-flash',
}

describe('errorInBody: bodies that are not errors', () => {
  it.each([
    ['a normal response', success],
    ['a blocked prompt', { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3 } }],
    ['a SAFETY finish with empty content', { candidates: [{ content: {}, finishReason: 'SAFETY' }] }],
    ['an apimart success envelope', { code: 200, data: success, usageMetadata: success.usageMetadata }],
    ['an envelope with code 0', { code: 0, msg: 'ok', data: success }],
    ['an envelope with string code "200"', { code: '200', message: 'success', data: success }],
    ['an envelope with code "success"', { code: 'success', data: success }],
    ['error: null beside a response', { ...success, error: null }],
    ['error: "" beside a response', { ...success, error: '' }],
    ['error: {} beside a response', { ...success, error: {} }],
    ['a model list', { models: [{ name: 'models/gemini-2.5-flash' }], nextPageToken: 'x' }],
    ['a token count', { totalTokens: 12 }],
    ['an array of chunks', [success, success]],
    ['an empty object', {}],
    ['null', null],
    ['a string', 'hello'],
    ['a number', 42],
    ['a plain message object (not an error signal on its own)', { message: 'hello' }],
  ])('%s', (_, body) => {
    expect(errorInBody(body, { status: 200 })).toBeUndefined()
  })
})

describe('errorInBody: errors in disguise', () => {
  it('a Google error with HTTP 200 takes its status from error.code', () => {
    const body = { error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'x' }] } }
    const err = errorInBody(body, { status: 200, provider: 'anyfast', headers: { 'x-request-id': 'r9' } })
    expect(err).toBeInstanceOf(RateLimitError)
    expect(err?.status).toBe(429)
    expect(err?.code).toBe('RESOURCE_EXHAUSTED')
    expect(err?.details).toEqual([{ '@type': 'x' }])
    expect(err?.requestId).toBe('r9')
    expect(err?.message).toBe('anyfast: 429 RESOURCE_EXHAUSTED (HTTP 200): quota')
    expect(err?.rawBody).toBe(JSON.stringify(body))
  })

  it('a Google error without a numeric code takes its status from the status name', () => {
    const err = errorInBody({ error: { message: 'overloaded', status: 'UNAVAILABLE' } }, { status: 200 })
    expect(err).toBeInstanceOf(InternalServerError)
    expect(err?.status).toBe(503)
  })

  it('rawBody is the body text when given', () => {
    const bodyText = '{ "error": { "message": "x", "code": 404 } }'
    const err = errorInBody(JSON.parse(bodyText), { status: 200, bodyText })
    expect(err?.rawBody).toBe(bodyText)
    expect(err).toBeInstanceOf(NotFoundError)
  })

  it('an OpenAI-style error with a string code keeps the HTTP status (nothing better to go on)', () => {
    const body = { error: { message: 'Invalid request body', type: 'new_api_error', param: null, code: 'bad_request_body' } }
    const err = errorInBody(body, { status: 200, provider: 'infinityblue' })
    expect(err).toBeInstanceOf(APIStatusError)
    expect(err?.constructor).toBe(APIStatusError)
    expect(err?.status).toBe(200)
    expect(err?.code).toBe('bad_request_body')
    expect(err?.message).toBe('infinityblue: 200 bad_request_body: Invalid request body')
  })

  it('new-api without a channel for the model, at HTTP 200: ModelUnavailableError, the HTTP status kept', () => {
    const body = { error: { message: 'No available channel', type: 'new_api_error', param: null, code: 'model_not_found' } }
    const err = errorInBody(body, { status: 200, provider: 'infinityblue' })
    expect(err?.constructor).toBe(ModelUnavailableError)
    expect(err?.status).toBe(200)
    expect(err?.code).toBe('model_not_found')
    expect(err?.message).toBe('infinityblue: 200 model_not_found: No available channel')
  })

  it('nordlys bare-string error with HTTP 200', () => {
    const err = errorInBody({ error: 'Authentication required' }, { status: 200, provider: 'nordlys' })
    expect(err?.constructor).toBe(APIStatusError)
    expect(err?.message).toBe('nordlys: 200: Authentication required')
  })

  it.each([
    [{ code: 401, msg: 'invalid token', data: null }, AuthenticationError, 401],
    [{ code: 429, message: 'too many requests', data: null }, RateLimitError, 429],
    [{ code: 500, error: 'upstream failed', data: null }, InternalServerError, 500],
    [{ code: '503', msg: 'busy' }, InternalServerError, 503],
  ] as const)('apimart envelope %j → its envelope status', (body, Class, status) => {
    const err = errorInBody(body, { status: 200, provider: 'apimart' })
    expect(err).toBeInstanceOf(Class)
    expect(err?.status).toBe(status)
    expect(err?.code).toBe(body.code)
    expect(err?.message).toMatch(new RegExp(`^apimart: ${status} \\(HTTP 200\\): \\S`))
  })

  it('an envelope code that is not an HTTP status: APIStatusError with the HTTP status, code labelled', () => {
    const err = errorInBody({ code: 1001, msg: 'insufficient balance', data: null }, { status: 200, provider: 'apimart' })
    expect(err?.constructor).toBe(APIStatusError)
    expect(err?.status).toBe(200)
    expect(err?.code).toBe(1001)
    expect(err?.message).toBe('apimart: 200 (code 1001): insufficient balance')
  })

  it('an envelope with no message', () => {
    const err = errorInBody({ code: 402, data: null }, { status: 200, provider: 'apimart' })
    expect(err?.constructor).toBe(APIStatusError)
    expect(err?.status).toBe(402)
    expect(err?.message).toBe('apimart: 402 (HTTP 200): JSON body without a message')
  })

  it('an array with an error element (non-SSE stream)', () => {
    const body = [success, { error: { code: 500, message: 'internal', status: 'INTERNAL' } }]
    const err = errorInBody(body, { status: 200, provider: 'google' })
    expect(err).toBeInstanceOf(InternalServerError)
    expect(err?.message).toBe('google: 500 INTERNAL (HTTP 200): internal')
  })

  it('{success: false}', () => {
    const err = errorInBody({ success: false, message: 'model disabled' }, { status: 200 })
    expect(err?.message).toBe('200: model disabled')
  })

  it('on an error HTTP status the body status still wins when it is an HTTP status', () => {
    // A client may call errorInBody on any status; the claimed status is used and the real one shown.
    const err = errorInBody({ error: { code: 429, message: 'q' } }, { status: 500 })
    expect(err?.status).toBe(429)
    expect(err?.message).toBe('429 (HTTP 500): q')
  })
})

describe('streamErrorFromEvent', () => {
  it('a Google error event', () => {
    const event = { error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } }
    const err = streamErrorFromEvent(event, { provider: 'google', headers: { 'x-request-id': 'abc' } })
    expect(err).toBeInstanceOf(StreamError)
    expect(err?.status).toBe(500)
    expect(err?.code).toBe('INTERNAL')
    expect(err?.requestId).toBe('abc')
    expect(err?.message).toBe('google: stream error 500 INTERNAL: An internal error has occurred.')
  })

  it('an OpenAI-style event without a numeric code has no status', () => {
    const err = streamErrorFromEvent({ error: { message: 'stream reset', type: 'upstream_error', code: 'reset' } })
    expect(err?.status).toBeUndefined()
    expect(err?.code).toBe('reset')
    expect(err?.message).toBe('stream error: stream reset')
  })

  it('an event that is a chunk is not an error', () => {
    expect(streamErrorFromEvent(success)).toBeUndefined()
    expect(streamErrorFromEvent('[DONE]')).toBeUndefined()
  })
})

describe('malformedResponseError', () => {
  it('an HTML page with 200', () => {
    const err = malformedResponseError({
      status: 200,
      provider: 'anyfast',
      bodyText: '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>challenge</body></html>',
    })
    expect(err).toBeInstanceOf(MalformedResponseError)
    expect(err.status).toBe(200)
    expect(err.message).toBe('anyfast: 200: expected a JSON body, got: HTML error page from a proxy: Just a moment...')
  })

  it('an empty body, with a custom reason', () => {
    const err = malformedResponseError({ status: 200, bodyText: '', reason: 'expected a GenerateContentResponse' })
    expect(err.message).toBe('200: expected a GenerateContentResponse, got: empty body')
    expect(err.rawBody).toBe('')
  })

  it('invalid JSON keeps the parse error as cause', () => {
    let cause: unknown
    try {
      JSON.parse('{"candidates": [')
    } catch (e) {
      cause = e
    }
    const err = malformedResponseError({ status: 200, bodyText: '{"candidates": [', cause })
    expect(err.cause).toBe(cause)
    expect(err.message).toBe('200: expected a JSON body, got: body is not valid JSON')
  })
})
