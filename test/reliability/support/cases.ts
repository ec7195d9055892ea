// The catalogue of hostile responses. hostile.test.ts runs each case against each provider it applies to and checks
// the outcome; secrets.test.ts runs the same cases again and checks that the key never shows. Every error body
// echoes the API key back (as a careless relay does), so the same runs prove redaction.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { expect } from 'vitest'
import {
  APIStatusError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  IncompleteStreamError,
  InternalServerError,
  MalformedResponseError,
  NotFoundError,
  RateLimitError,
  ResponseValidationError,
  StreamError,
  TimeoutError,
  type ClientOptions,
  type GenerateContentResponse,
  type Provider,
} from '../../../src/index.ts'
import type { ScriptedResponse } from '../../../src/local-gateway/index.ts'
import { chunk, JSON_HEADERS, OK_BODY, OK_JSON, PROVIDERS, SSE_HEADERS, sse, textOf } from './helpers.ts'
import { registry } from '../../../generated/registry.ts'
import { NEWAPI_RELAYS } from '../../client/helpers.ts'

export type Op = 'generate' | 'stream' | 'listModels'

type ErrorClass = abstract new (...args: never[]) => Error

export interface ExpectedError {
  /** The error must be an instance of one of these (all are GeminiGatewayError subclasses). */
  class: ErrorClass | readonly ErrorClass[]
  /** The message must say what went wrong. */
  message: RegExp
  status?: number
  /** Stream cases: how many chunks must have been yielded before the error. */
  chunksBefore?: number
  /** Extra checks on the error. */
  check?: (error: any) => void
}

export interface HostileCase {
  /** Distinct case name. */
  id: string
  /** What the issue lists this under. */
  group: string
  op: Op
  /** Providers the case applies to; default every provider. */
  providers?: readonly Provider[]
  /** The gateway's answers, in order (one per request the client is expected to make). */
  respond(ctx: CaseContext): ScriptedResponse[]
  /** Instead of the local gateway: a raw `node:http` handler (for what the mock cannot send). */
  raw?(ctx: CaseContext): (req: IncomingMessage, res: ServerResponse) => void
  client?: Partial<ClientOptions>
  /** Right value (a response, the chunks of a stream, the models of a list), or a typed error; `either` allows both. */
  expect:
    | { value: (value: any, ctx: CaseContext) => void }
    | { error: ExpectedError }
    | { either: { value: (value: any, ctx: CaseContext) => void; error: ExpectedError } }
  /** Requests the gateway must see; default 1. */
  requests?: number
}

export interface CaseContext {
  provider: Provider
  /** The API key the client sends; echoed by the hostile error bodies. */
  key: string
}

const MB = 1024 * 1024
const DEEP = 100_000
const deepArray = (n = DEEP) => '['.repeat(n) + ']'.repeat(n)
const deepObject = (n = DEEP) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`

/** A proxy's HTML error page. */
const html = (title: string, extra = '') =>
  `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1>${extra}<p>Ray ID: 7f3a</p></body></html>\n`

const okText = (expected: string) => (value: GenerateContentResponse) => {
  expect(textOf(value)).toBe(expected)
  expect(value.candidates?.[0]?.finishReason).toBe('STOP')
}

/** Stream value checks: the chunks' texts in order, and a final chunk last. */
const streamTexts = (expected: string[]) => (chunks: GenerateContentResponse[]) => {
  expect(chunks.map(textOf)).toEqual(expected)
  expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP')
}

const NOT_JSON = /not valid JSON|not JSON/i
const NO_ANSWER = /neither candidates nor promptFeedback|no candidates|empty/i

// ---------------------------------------------------------------------------------------------
// Unary (generateContent)

const unary: HostileCase[] = [
  {
    id: 'invalid JSON',
    group: 'invalid JSON',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: '{"candidates": [{"content": {"parts": [{"text": oops}]}}]}' }],
    expect: { error: { class: MalformedResponseError, message: NOT_JSON, status: 200 } },
  },
  {
    id: 'plain text echoing the key with a JSON content type',
    group: 'invalid JSON',
    op: 'generate',
    respond: ({ key }) => [{ headers: JSON_HEADERS, body: `Invalid API key: ${key}. Please check your dashboard.` }],
    expect: { error: { class: MalformedResponseError, message: /expected a JSON body/i, status: 200 } },
  },
  {
    id: 'HTML page with status 200',
    group: 'HTML error page',
    op: 'generate',
    respond: ({ key }) => [{ headers: { 'content-type': 'text/html; charset=utf-8' }, body: html('Just a moment...', `<!-- ${key} -->`) }],
    expect: { error: { class: MalformedResponseError, message: /HTML.*Just a moment/i, status: 200 } },
  },
  {
    id: 'HTML page with status 502',
    group: 'HTML error page',
    op: 'generate',
    respond: () => [{ status: 502, headers: { 'content-type': 'text/html', server: 'nginx' }, body: html('502 Bad Gateway') }],
    expect: { error: { class: InternalServerError, message: /502 Bad Gateway/, status: 502 } },
  },
  {
    id: 'HTML page with status 200 labelled application/json',
    group: 'wrong content type',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: html('Access denied') }],
    expect: { error: { class: MalformedResponseError, message: /HTML.*Access denied/i, status: 200 } },
  },
  {
    id: 'valid answer labelled text/plain',
    group: 'wrong content type',
    op: 'generate',
    respond: () => [{ headers: { 'content-type': 'text/plain' }, body: OK_JSON }],
    expect: { value: okText('Hello there.') },
  },
  {
    id: 'valid answer without a content type',
    group: 'missing content type',
    op: 'generate',
    respond: () => [{ body: OK_JSON }],
    expect: { value: okText('Hello there.') },
  },
  {
    id: 'empty body with status 200',
    group: 'empty body',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: '' }],
    expect: { error: { class: MalformedResponseError, message: /empty body/i, status: 200 } },
  },
  {
    id: 'status 204 without a body',
    group: 'empty body',
    op: 'generate',
    respond: () => [{ status: 204 }],
    expect: { error: { class: MalformedResponseError, message: /empty body/i, status: 204 } },
  },
  {
    id: 'body cut off mid-JSON (clean end)',
    group: 'body cut off mid-JSON',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: OK_JSON.slice(0, Math.floor(OK_JSON.length / 2)) }],
    expect: { error: { class: MalformedResponseError, message: NOT_JSON, status: 200 } },
  },
  {
    id: 'error body cut off mid-JSON echoing the key',
    group: 'body cut off mid-JSON',
    op: 'generate',
    respond: ({ key }) => [{ headers: JSON_HEADERS, body: `{"error": {"message": "quota exceeded for key ${key}", "code": 4` }],
    expect: { error: { class: MalformedResponseError, message: /quota exceeded.*not valid JSON/i, status: 200 } },
  },
  {
    id: 'huge valid answer (20 MB of text)',
    group: 'huge body',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: JSON.stringify(chunk('x'.repeat(20 * MB), true)) }],
    expect: {
      value: (value: GenerateContentResponse) => {
        expect(textOf(value).length).toBe(20 * MB)
        expect(value.candidates?.[0]?.finishReason).toBe('STOP')
      },
    },
  },
  {
    id: 'huge garbage body (20 MB, status 200)',
    group: 'huge body',
    op: 'generate',
    respond: ({ key }) => [{ headers: JSON_HEADERS, body: `${key} ${'garbage '.repeat((20 * MB) / 8)}` }],
    expect: {
      error: {
        class: MalformedResponseError,
        message: /expected a JSON body/i,
        check: (e) => {
          expect(e.rawBody.length).toBeLessThanOrEqual(64 * 1024)
          expect(e.message.length).toBeLessThan(2_000)
        },
      },
    },
  },
  {
    id: 'huge error page (20 MB, status 500)',
    group: 'huge body',
    op: 'generate',
    respond: ({ key }) => [
      { status: 500, headers: { 'content-type': 'text/plain' }, body: `upstream exploded (${key})\n${'stack frame\n'.repeat((20 * MB) / 12)}` },
    ],
    expect: {
      error: {
        class: InternalServerError,
        message: /upstream exploded/,
        status: 500,
        check: (e) => {
          expect(e.rawBody.length).toBeLessThanOrEqual(64 * 1024)
          expect(e.message.length).toBeLessThan(2_000)
        },
      },
    },
  },
  {
    id: '100,000 nested arrays as the whole body',
    group: 'deep nesting',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: deepArray() }],
    expect: { error: { class: [ResponseValidationError, MalformedResponseError], message: /validation|must be object|neither|unexpected/i } },
  },
  {
    id: '100,000 nested arrays in an unknown field, no answer',
    group: 'deep nesting',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: `{"x": ${deepArray()}}` }],
    expect: { error: { class: MalformedResponseError, message: NO_ANSWER, status: 200 } },
  },
  {
    id: '100,000 nested objects in an unknown field, no answer',
    group: 'deep nesting',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: `{"x": ${deepObject()}}` }],
    expect: { error: { class: MalformedResponseError, message: NO_ANSWER, status: 200 } },
  },
  {
    id: '100,000 nested arrays next to a valid answer',
    group: 'deep nesting',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: `${OK_JSON.slice(0, -1)},"x": ${deepArray()}}` }],
    expect: { value: okText('Hello there.') },
  },
  {
    id: '100,000 unclosed brackets',
    group: 'deep nesting',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: '['.repeat(DEEP) }],
    expect: { error: { class: MalformedResponseError, message: NOT_JSON } },
  },
  {
    id: '100,000 nested objects in an error body (500)',
    group: 'deep nesting',
    op: 'generate',
    respond: () => [{ status: 500, headers: JSON_HEADERS, body: `{"error": {"message": "deep trouble", "details": [${deepObject()}]}}` }],
    expect: { error: { class: InternalServerError, message: /deep trouble/, status: 500 } },
  },
  {
    id: '__proto__ and constructor keys around a valid answer',
    group: '__proto__ and constructor keys',
    op: 'generate',
    respond: () => [
      { headers: JSON_HEADERS, body: `{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, ${OK_JSON.slice(1)}` },
    ],
    expect: {
      value: (value: GenerateContentResponse) => {
        okText('Hello there.')(value)
        expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
      },
    },
  },
  {
    id: '__proto__ keys inside candidates and parts',
    group: '__proto__ and constructor keys',
    op: 'generate',
    respond: () => [
      {
        headers: JSON_HEADERS,
        body: '{"candidates": [{"__proto__": {"polluted": "yes"}, "content": {"role": "model", "parts": [{"__proto__": {"polluted": "yes"}, "text": "Hello there."}]}, "finishReason": "STOP"}]}',
      },
    ],
    expect: { value: okText('Hello there.') },
  },
  {
    id: '__proto__ and constructor keys in an error body (500)',
    group: '__proto__ and constructor keys',
    op: 'generate',
    respond: () => [
      {
        status: 500,
        headers: JSON_HEADERS,
        body: '{"__proto__": {"polluted": "yes"}, "error": {"__proto__": {"message": "from the prototype", "polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "message": "real message", "details": [{"__proto__": {"polluted": "yes"}}]}}',
      },
    ],
    expect: { error: { class: InternalServerError, message: /real message/, status: 500 } },
  },
  {
    id: 'response headers named __proto__ and constructor (500)',
    group: '__proto__ and constructor keys',
    op: 'generate',
    // The mock copies scripted headers by assignment, which cannot make a `__proto__` header: a raw server sends them.
    respond: () => [],
    raw:
      ({ key }) =>
      (_req, res) => {
        res.setHeader('content-type', 'application/json')
        res.setHeader('__proto__', `polluted ${key}`)
        res.setHeader('constructor', 'polluted')
        res.statusCode = 500
        res.end('{"error": {"message": "header trouble"}}')
      },
    expect: {
      error: {
        class: InternalServerError,
        message: /header trouble/,
        check: (e) => {
          expect(Object.getPrototypeOf(e.headers)).toBe(Object.prototype)
          expect(Object.hasOwn(e.headers, '__proto__')).toBe(true)
          expect(Object.hasOwn(e.headers, 'constructor')).toBe(true)
        },
      },
    },
  },
  {
    id: 'HTTP 200 with a Google error body',
    group: 'HTTP 200 with an error body',
    op: 'generate',
    respond: ({ key }) => [{ headers: JSON_HEADERS, body: { error: { code: 503, message: `The model is overloaded (key ${key}).`, status: 'UNAVAILABLE' } } }],
    expect: { error: { class: InternalServerError, message: /overloaded/, status: 503 } },
  },
  {
    id: 'HTTP 200 with an OpenAI-style error body (numeric code)',
    group: 'HTTP 200 with an error body',
    op: 'generate',
    respond: ({ key }) => [
      { headers: JSON_HEADERS, body: { error: { message: `Upstream overloaded for ${key}`, type: 'upstream_error', param: '', code: 503 } } },
    ],
    expect: { error: { class: InternalServerError, message: /Upstream overloaded/, status: 503 } },
  },
  {
    id: 'HTTP 200 with an OpenAI-style error body (string code)',
    group: 'HTTP 200 with an error body',
    op: 'generate',
    respond: ({ key }) => [
      { headers: JSON_HEADERS, body: { error: { message: `Invalid token ${key}`, type: 'new_api_error', param: '', code: 'invalid_api_key' } } },
    ],
    expect: { error: { class: APIStatusError, message: /Invalid token/, check: (e) => expect(e.code).toBe('invalid_api_key') } },
  },
  {
    id: 'HTTP 200 with a nordlys error object',
    group: 'HTTP 200 with an error body',
    op: 'generate',
    respond: ({ key }) => [{ headers: JSON_HEADERS, body: { error: { message: `upstream provider error (${key})`, request_id: 'req_abc123' } } }],
    expect: { error: { class: APIStatusError, message: /upstream provider error/, check: (e) => expect(e.requestId).toBe('req_abc123') } },
  },
  {
    id: 'HTTP 200 with a nordlys error string',
    group: 'HTTP 200 with an error body',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: { error: 'Authentication required' } }],
    expect: { error: { class: APIStatusError, message: /Authentication required/ } },
  },
  {
    id: 'HTTP 200 with {success: false}',
    group: 'HTTP 200 with an error body',
    op: 'generate',
    respond: ({ key }) => [{ headers: JSON_HEADERS, body: { success: false, message: `insufficient balance on ${key}` } }],
    expect: { error: { class: APIStatusError, message: /insufficient balance/ } },
  },
  {
    id: 'envelope code 500',
    group: 'apimart envelope code other than 200',
    op: 'generate',
    respond: ({ key }) => [{ headers: JSON_HEADERS, body: { code: 500, msg: `upstream error for ${key}`, data: null } }],
    expect: { error: { class: InternalServerError, message: /upstream error/, status: 500 } },
  },
  {
    id: 'envelope code "429" as a string',
    group: 'apimart envelope code other than 200',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: { code: '429', msg: 'Too many requests, please retry later', data: null } }],
    expect: { error: { class: RateLimitError, message: /Too many requests/, status: 429 } },
  },
  {
    id: 'envelope code 401 with message',
    group: 'apimart envelope code other than 200',
    op: 'generate',
    respond: ({ key }) => [{ headers: JSON_HEADERS, body: { code: 401, message: `Unauthorized: invalid API key ${key}`, data: null } }],
    expect: { error: { class: AuthenticationError, message: /Unauthorized/, status: 401 } },
  },
  {
    id: 'envelope code 200 with data null',
    group: 'apimart envelope code other than 200',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: { code: 200, data: null } }],
    expect: { error: { class: MalformedResponseError, message: NO_ANSWER } },
  },
  {
    id: 'envelope code 200 wrapping an answer (usage outside data)',
    group: 'apimart envelope code other than 200',
    op: 'generate',
    providers: ['apimart'],
    respond: () => {
      const { usageMetadata, ...data } = OK_BODY
      return [{ headers: JSON_HEADERS, body: { code: 200, data, usageMetadata } }]
    },
    expect: {
      value: (value: GenerateContentResponse) => {
        okText('Hello there.')(value)
        expect(value.usageMetadata?.totalTokenCount).toBe(8)
      },
    },
  },
  {
    id: 'JSON null',
    group: 'not an answer',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: 'null' }],
    expect: { error: { class: [ResponseValidationError, MalformedResponseError], message: /validation|neither|null/i } },
  },
  {
    id: 'JSON string',
    group: 'not an answer',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: '"ok"' }],
    expect: { error: { class: [ResponseValidationError, MalformedResponseError], message: /validation|neither|string/i } },
  },
  {
    id: 'empty JSON array',
    group: 'not an answer',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: '[]' }],
    expect: { error: { class: [ResponseValidationError, MalformedResponseError], message: /validation|neither|array/i } },
  },
  {
    id: 'empty JSON object',
    group: 'not an answer',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: '{}' }],
    expect: { error: { class: MalformedResponseError, message: NO_ANSWER } },
  },
  {
    id: 'empty candidates array without promptFeedback',
    group: 'not an answer',
    op: 'generate',
    respond: () => [{ headers: JSON_HEADERS, body: { candidates: [], usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 } } }],
    expect: { error: { class: MalformedResponseError, message: /candidates/i } },
  },
  {
    id: 'body claims gzip but is plain JSON',
    group: 'wrong content encoding',
    op: 'generate',
    respond: () => [{ headers: { ...JSON_HEADERS, 'content-encoding': 'gzip' }, body: OK_JSON }],
    // Nothing was lost on the way: the body cannot be decoded. "connection lost" would send the caller looking at the network.
    expect: { error: { class: MalformedResponseError, message: /decod|gzip|encoding|incorrect header/i } },
  },
  {
    id: '400 Google error with details',
    group: 'error statuses',
    op: 'generate',
    respond: ({ key }) => [
      {
        status: 400,
        headers: JSON_HEADERS,
        body: {
          error: {
            code: 400,
            message: `API key not valid: ${key}`,
            status: 'INVALID_ARGUMENT',
            details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', metadata: { key } }],
          },
        },
      },
    ],
    // A bad key is the same class on every provider (issue #9); Google's 400 and status stay on it.
    expect: { error: { class: AuthenticationError, message: /API key not valid/, status: 400, check: (e) => expect(e.code).toBe('INVALID_ARGUMENT') } },
  },
  {
    id: '400 Google error with other details',
    group: 'error statuses',
    op: 'generate',
    respond: () => [
      {
        status: 400,
        headers: JSON_HEADERS,
        body: {
          error: {
            code: 400,
            message: 'Invalid value at contents[0].role',
            status: 'INVALID_ARGUMENT',
            details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'contents[0].role', description: 'Invalid value' }] }],
          },
        },
      },
    ],
    expect: {
      error: { class: BadRequestError, message: /Invalid value at contents\[0\]\.role/, status: 400, check: (e) => expect(e.code).toBe('INVALID_ARGUMENT') },
    },
  },
  {
    id: '401 nordlys bare string error',
    group: 'error statuses',
    op: 'generate',
    respond: () => [{ status: 401, headers: JSON_HEADERS, body: { error: 'Authentication required' } }],
    expect: { error: { class: AuthenticationError, message: /Authentication required/, status: 401 } },
  },
  {
    id: '404 Google HTML page',
    group: 'error statuses',
    op: 'generate',
    respond: () => [
      {
        status: 404,
        headers: { 'content-type': 'text/html; charset=UTF-8' },
        body: '<!DOCTYPE html>\n<html lang=en>\n<title>Error 404 (Not Found)!!1</title>\n<p><b>404.</b> That’s an error.',
      },
    ],
    expect: { error: { class: NotFoundError, message: /Not Found/, status: 404 } },
  },
  {
    id: '418 plain text',
    group: 'error statuses',
    op: 'generate',
    respond: ({ key }) => [{ status: 418, headers: { 'content-type': 'text/plain' }, body: `I'm a teapot; also, your key is ${key}\nsecond line` }],
    expect: { error: { class: APIStatusError, message: /teapot/, status: 418 } },
  },
]

// ---------------------------------------------------------------------------------------------
// Streams (streamGenerateContent)

const googleError = (key: string) => ({ error: { code: 503, message: `The model is overloaded (${key}).`, status: 'UNAVAILABLE' } })

const streams: HostileCase[] = [
  {
    id: 'stream with comments, blank lines, retry lines, CRLF and [DONE]',
    group: 'streams with garbage lines',
    op: 'stream',
    respond: () => [
      {
        headers: SSE_HEADERS,
        chunks: [
          ': PING\r\n\r\n',
          'retry: 3000\r\n\r\n',
          ...sse([chunk('one '), chunk('two ')], '\r\n'),
          '\r\n\r\n: keep-alive\r\n',
          ...sse([chunk('three', true)], '\r\n'),
          'data: [DONE]\r\n\r\n',
        ],
      },
    ],
    expect: { value: streamTexts(['one ', 'two ', 'three']) },
  },
  {
    id: 'stream with non-SSE garbage lines between events',
    group: 'streams with garbage lines',
    op: 'stream',
    respond: () => [{ headers: SSE_HEADERS, chunks: [...sse([chunk('one ')]), 'garbage without a field\n\n', '%%%%\n<br>\n\n', ...sse([chunk('two', true)])] }],
    expect: { value: streamTexts(['one ', 'two']) },
  },
  {
    id: 'stream event whose data is not JSON',
    group: 'streams with garbage lines',
    op: 'stream',
    respond: ({ key }) => [{ headers: SSE_HEADERS, chunks: [...sse([chunk('one ')]), `data: {not json ${key}}\n\n`, ...sse([chunk('two', true)])] }],
    expect: { error: { class: MalformedResponseError, message: /not JSON/i, chunksBefore: 1 } },
  },
  {
    id: 'error event first (Google shape)',
    group: 'error event first, last, in the middle',
    op: 'stream',
    respond: ({ key }) => [{ headers: SSE_HEADERS, chunks: sse([googleError(key), chunk('one '), chunk('two', true)]) }],
    expect: { error: { class: StreamError, message: /overloaded/, status: 503, chunksBefore: 0 } },
  },
  {
    id: 'error event in the middle (OpenAI shape)',
    group: 'error event first, last, in the middle',
    op: 'stream',
    respond: ({ key }) => [
      {
        headers: SSE_HEADERS,
        chunks: sse([chunk('one '), { error: { message: `upstream died (${key})`, type: 'upstream_error', param: '', code: 502 } }, chunk('two', true)]),
      },
    ],
    expect: { error: { class: StreamError, message: /upstream died/, status: 502, chunksBefore: 1 } },
  },
  {
    id: 'error event last (string error)',
    group: 'error event first, last, in the middle',
    op: 'stream',
    respond: ({ key }) => [{ headers: SSE_HEADERS, chunks: sse([chunk('one '), chunk('two '), { error: `stream aborted upstream ${key}` }]) }],
    expect: { error: { class: StreamError, message: /stream aborted upstream/, chunksBefore: 2 } },
  },
  {
    id: 'error event after the final chunk',
    group: 'error event first, last, in the middle',
    op: 'stream',
    respond: ({ key }) => [{ headers: SSE_HEADERS, chunks: sse([chunk('one '), chunk('two', true), googleError(key)]) }],
    expect: { either: { value: streamTexts(['one ', 'two']), error: { class: StreamError, message: /overloaded/, chunksBefore: 2 } } },
  },
  {
    id: 'error as bare pretty JSON mid-stream (Google)',
    group: 'error event first, last, in the middle',
    op: 'stream',
    respond: ({ key }) => [{ headers: SSE_HEADERS, chunks: [...sse([chunk('one ')], '\r\n'), `${JSON.stringify(googleError(key), null, 2)}\n`] }],
    expect: { error: { class: StreamError, message: /overloaded/, chunksBefore: 1 } },
  },
  {
    id: 'error event typed `event: error`',
    group: 'error event first, last, in the middle',
    op: 'stream',
    respond: ({ key }) => [
      {
        headers: SSE_HEADERS,
        chunks: [...sse([chunk('one ')]), `event: error\ndata: ${JSON.stringify({ error: { message: `quota gone ${key}`, code: 429 } })}\n\n`],
      },
    ],
    expect: { error: { class: StreamError, message: /quota gone/, status: 429, chunksBefore: 1 } },
  },
  {
    id: 'envelope error event mid-stream',
    group: 'error event first, last, in the middle',
    op: 'stream',
    respond: ({ key }) => [{ headers: SSE_HEADERS, chunks: sse([chunk('one '), { code: 500, msg: `upstream error ${key}`, data: null }]) }],
    expect: { error: { class: StreamError, message: /upstream error/, status: 500, chunksBefore: 1 } },
  },
  {
    id: 'stream cut mid-event, clean end',
    group: 'stream cut mid-event',
    op: 'stream',
    respond: () => [{ headers: SSE_HEADERS, chunks: [...sse([chunk('one ')]), 'data: {"candidates": [{"content": {"parts": [{"te'] }],
    expect: { error: { class: [MalformedResponseError, IncompleteStreamError], message: /not JSON|final chunk|cut off/i, chunksBefore: 1 } },
  },
  {
    id: 'stream cut mid-event by a reset',
    group: 'stream cut mid-event',
    op: 'stream',
    respond: () => [
      {
        headers: SSE_HEADERS,
        chunks: [...sse([chunk('one '), chunk('two ')]), 'data: {"candidates": [{"content": {"parts": [{"te', 'xt": "never"}]}}]}\n\n'],
        reset: 'mid-body',
      },
    ],
    expect: { error: { class: ConnectionError, message: /connection/i, chunksBefore: 2 } },
  },
  {
    id: 'stream that never sends its final chunk',
    group: 'stream without its final chunk',
    op: 'stream',
    respond: () => [{ headers: SSE_HEADERS, chunks: sse([chunk('one '), chunk('two ')]) }],
    expect: { error: { class: IncompleteStreamError, message: /final chunk|cut off/i, chunksBefore: 2 } },
  },
  {
    id: 'stream that ends with [DONE] but no final chunk',
    group: 'stream without its final chunk',
    op: 'stream',
    respond: () => [{ headers: SSE_HEADERS, chunks: [...sse([chunk('one ')]), 'data: [DONE]\n\n'] }],
    expect: { error: { class: IncompleteStreamError, message: /final chunk|cut off/i, chunksBefore: 1 } },
  },
  {
    id: 'stream that stalls after one chunk',
    group: 'stream that stalls',
    op: 'stream',
    client: { timeoutMs: 300 },
    respond: () => [{ headers: SSE_HEADERS, chunks: sse([chunk('one ')]), stall: true }],
    expect: { error: { class: TimeoutError, message: /stall|no data|timed out|within/i, chunksBefore: 1 } },
  },
  {
    id: 'stream that stalls before any byte',
    group: 'stream that stalls',
    op: 'stream',
    client: { timeoutMs: 300 },
    respond: () => [{ headers: SSE_HEADERS, stall: true }],
    expect: { error: { class: TimeoutError, message: /stall|no data|timed out|within/i, chunksBefore: 0 } },
  },
  {
    id: 'stream labelled JSON that stalls',
    group: 'stream that stalls',
    op: 'stream',
    client: { timeoutMs: 300 },
    respond: () => [{ headers: JSON_HEADERS, body: `[${JSON.stringify(chunk('one '))}`, stall: true }],
    expect: { error: { class: TimeoutError, message: /stall|no data|timed out|within/i } },
  },
  {
    id: 'empty event stream',
    group: 'empty body',
    op: 'stream',
    respond: () => [{ headers: SSE_HEADERS, body: '' }],
    expect: { error: { class: IncompleteStreamError, message: /0 chunk|final chunk/i, chunksBefore: 0 } },
  },
  {
    id: 'stream answered with status 204',
    group: 'empty body',
    op: 'stream',
    respond: () => [{ status: 204 }],
    expect: { error: { class: [MalformedResponseError, IncompleteStreamError], message: /event stream|empty|0 chunk/i, chunksBefore: 0 } },
  },
  {
    id: 'stream answered with an HTML page (200)',
    group: 'HTML error page',
    op: 'stream',
    respond: () => [{ headers: { 'content-type': 'text/html' }, body: html('Attention Required! | Cloudflare') }],
    expect: { error: { class: [MalformedResponseError, IncompleteStreamError], message: /HTML/i, chunksBefore: 0 } },
  },
  {
    id: 'stream answered with an HTML page (502)',
    group: 'HTML error page',
    op: 'stream',
    respond: () => [{ status: 502, headers: { 'content-type': 'text/html' }, body: html('502 Bad Gateway') }],
    expect: { error: { class: InternalServerError, message: /502 Bad Gateway/, status: 502 } },
  },
  {
    id: 'stream answered with a JSON error body (200)',
    group: 'HTTP 200 with an error body',
    op: 'stream',
    respond: ({ key }) => [{ headers: JSON_HEADERS, body: googleError(key) }],
    expect: { error: { class: InternalServerError, message: /overloaded/, status: 503 } },
  },
  {
    id: 'stream answered as a JSON array (no alt=sse)',
    group: 'wrong content type',
    op: 'stream',
    respond: () => [{ headers: JSON_HEADERS, body: JSON.stringify([chunk('one '), chunk('two', true)]) }],
    expect: { value: streamTexts(['one ', 'two']) },
  },
  {
    id: 'event stream without a content type',
    group: 'missing content type',
    op: 'stream',
    respond: () => [{ chunks: sse([chunk('one '), chunk('two', true)]) }],
    expect: { value: streamTexts(['one ', 'two']) },
  },
  {
    id: 'huge stream event (8 MB)',
    group: 'huge body',
    op: 'stream',
    respond: () => [{ headers: SSE_HEADERS, chunks: sse([chunk('a'), chunk('b'.repeat(8 * MB), true)]) }],
    expect: {
      value: (chunks: GenerateContentResponse[]) => {
        expect(chunks.map((c) => textOf(c).length)).toEqual([1, 8 * MB])
      },
    },
  },
  {
    id: '100,000 nested arrays as a stream event',
    group: 'deep nesting',
    op: 'stream',
    respond: () => [{ headers: SSE_HEADERS, chunks: [...sse([chunk('one ')]), `data: ${deepArray()}\n\n`, ...sse([chunk('two', true)])] }],
    expect: { error: { class: [ResponseValidationError, MalformedResponseError], message: /validation|must be object|unexpected/i, chunksBefore: 1 } },
  },
  {
    id: '__proto__ and constructor keys in stream events',
    group: '__proto__ and constructor keys',
    op: 'stream',
    respond: () => [
      {
        headers: SSE_HEADERS,
        chunks: [
          `data: {"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, ${JSON.stringify(chunk('one ')).slice(1)}\n\n`,
          `data: {"__proto__": {"polluted": "yes"}, ${JSON.stringify(chunk('two', true)).slice(1)}\n\n`,
        ],
      },
    ],
    expect: { value: streamTexts(['one ', 'two']) },
  },
  {
    id: 'UTF-8 characters split across writes',
    group: 'streams with garbage lines',
    op: 'stream',
    respond: () => {
      const bytes = Buffer.from(sse([chunk('héllo 👋 '), chunk('世界', true)]).join(''))
      const pieces: Uint8Array[] = []
      for (let i = 0; i < bytes.length; i += 3) pieces.push(bytes.subarray(i, i + 3))
      return [{ headers: SSE_HEADERS, chunks: pieces }]
    },
    expect: { value: streamTexts(['héllo 👋 ', '世界']) },
  },
]

// ---------------------------------------------------------------------------------------------
// Model listing (the providers that have it)

/** The providers with a model list (their registry entry has listModels). */
const LISTING: readonly Provider[] = PROVIDERS.filter((p) => (registry[p].operations as readonly string[]).includes('listModels'))
/** Of those, the ones whose list is new-api's OpenAI-style one. */
const OPENAI_LISTING: readonly Provider[] = LISTING.filter((p) => NEWAPI_RELAYS.includes(p))

const page = (names: string[], next?: string) => ({
  models: names.map((n) => ({ name: `models/${n}`, version: '001', displayName: n })),
  ...(next && { nextPageToken: next }),
})

const lists: HostileCase[] = [
  {
    id: 'model list that repeats its nextPageToken forever',
    group: 'listModels pagination loop',
    op: 'listModels',
    providers: ['google'],
    // A client that follows the token blindly asks again and again; ten identical pages are queued to see it.
    respond: () => Array.from({ length: 10 }, () => ({ headers: JSON_HEADERS, body: page(['gemini-2.5-flash'], 'same-token') })),
    expect: { error: { class: MalformedResponseError, message: /page ?token|repeat|loop/i } },
    requests: 2,
  },
  {
    id: 'model list that is not JSON',
    group: 'invalid JSON',
    op: 'listModels',
    providers: LISTING,
    respond: () => [{ headers: JSON_HEADERS, body: '{"models": [' }],
    expect: { error: { class: MalformedResponseError, message: NOT_JSON } },
  },
  {
    id: 'OpenAI-style model list whose data is an object',
    group: 'not an answer',
    op: 'listModels',
    providers: OPENAI_LISTING,
    respond: () => [{ headers: JSON_HEADERS, body: { object: 'list', data: { id: 'gemini-2.5-flash' } } }],
    expect: { error: { class: [ResponseValidationError, MalformedResponseError], message: /validation|data|array/i } },
  },
]

export const HOSTILE_CASES: readonly HostileCase[] = [...unary, ...streams, ...lists]

export function providersOf(c: HostileCase): readonly Provider[] {
  return c.providers ?? PROVIDERS
}
