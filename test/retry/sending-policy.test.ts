// The sending policy on its own: which failures are sent again, which fail over, and why (the client tests show the
// same decisions on real loopback servers).
import { describe, expect, it } from 'vitest'
import {
  CallerError,
  ConfigurationError,
  type ConnectionError,
  IncompleteStreamError,
  MalformedResponseError,
  ModelUnavailableError,
  RequestValidationError,
  StreamError,
  TimeoutError,
  UserAbortError,
} from '../../src/core/errors.ts'
import { errorFromResponse, errorInBody, transportError } from '../../src/core/internal/error-bodies.ts'
import { judge } from '../../src/core/sending-policy.ts'

const status = (s: number) => errorFromResponse({ status: s, bodyText: '' })
/** As the client builds them: from what fetch threw (undici puts the system code in `cause.code`). */
const lost = (code: string | undefined, phase: 'response' | 'body' = 'response') =>
  transportError({
    provider: 'google',
    baseUrl: 'https://gateway.example',
    secrets: [],
    phase,
    attempts: 1,
    cause: new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code }) }),
  })

describe('shown not to have run: sent again, generations too, and failed over', () => {
  it.each([429, 503])('%i', (s) => {
    for (const op of ['generation', 'quick'] as const) expect(judge(status(s), op)).toMatchObject({ kind: 'not-run', retry: true, failover: true })
  })
  it('408 and 409 are sent again to the same provider, but do not fail over', () => {
    for (const s of [408, 409]) expect(judge(status(s), 'generation')).toMatchObject({ kind: 'not-run', retry: true, failover: false })
  })
  it('a connection never made (refused, DNS, TLS)', () => {
    for (const code of [
      'ECONNREFUSED',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EHOSTUNREACH',
      'UND_ERR_CONNECT_TIMEOUT',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'ERR_SSL_WRONG_VERSION_NUMBER',
    ]) {
      const error = lost(code)
      expect((error as ConnectionError).connected, code).toBe(false)
      expect(judge(error, 'generation'), code).toMatchObject({ kind: 'not-run', retry: true, failover: true })
    }
  })
  it('a relay without a channel for the model: not asked again, but another provider may have one', () => {
    for (const s of [503, 500, 429])
      expect(judge(new ModelUnavailableError('x', { status: s }), 'generation')).toMatchObject({ kind: 'not-run', retry: false, failover: true })
  })
  it('a 200 whose body is a 429 is judged as the 429 it claims', () => {
    const disguised = errorInBody({ error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } }, { status: 200 })
    expect(judge(disguised, 'generation')).toMatchObject({ kind: 'not-run', retry: true })
  })
})

describe('may have run: a generation is not sent again unless the caller allows duplicates; a quick call is', () => {
  const cases: Array<[string, unknown]> = [
    ['500', status(500)],
    ['502', status(502)],
    ['504', status(504)],
    ['a 200 whose body claims a 500', errorInBody({ error: { code: 500, message: 'internal', status: 'INTERNAL' } }, { status: 200 })],
    ['a timeout', new TimeoutError('x')],
    ['a reset', lost('ECONNRESET')],
    ['a close', lost('UND_ERR_SOCKET')],
    ['no code (a browser)', lost(undefined)],
    ['a reset while reading the body', lost('ECONNRESET', 'body')],
    ['a stream that ended before its first chunk', new IncompleteStreamError('x')],
  ]
  it.each(cases)('%s', (_, error) => {
    expect(judge(error, 'generation')).toMatchObject({ kind: 'may-have-run', retry: false, failover: false })
    expect(judge(error, 'generation', { allowDuplicateGenerations: true })).toMatchObject({ kind: 'may-have-run', retry: true, failover: true })
    expect(judge(error, 'quick')).toMatchObject({ retry: true })
  })
})

describe("the caller's own, and answers: never sent again, never failed over", () => {
  const cases: Array<[string, unknown]> = [
    ['a middleware that threw', new CallerError('x')],
    ['an abort', new UserAbortError()],
    ['a refused request', new RequestValidationError([])],
    ['a bad setup', new ConfigurationError('x')],
    ['400', status(400)],
    ['401', status(401)],
    ['404', status(404)],
    ['a malformed body', new MalformedResponseError('x')],
    ['a stream error 400', new StreamError('x', { status: 400 })],
    ['a foreign error', new Error('x')],
    ['not an error', 'x'],
  ]
  it.each(cases)('%s', (_, error) => {
    for (const op of ['generation', 'quick'] as const) {
      for (const allowDuplicateGenerations of [false, true])
        expect(judge(error, op, { allowDuplicateGenerations })).toMatchObject({ retry: false, failover: false })
    }
  })
  it('says why, in words', () => {
    expect(judge(new CallerError('x'), 'generation').kind).toBe('caller')
    expect(judge(status(502), 'generation').why).toMatch(/may|after/)
  })
})
