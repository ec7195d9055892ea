import { describe, expect, it } from 'vitest'
import { errorFromResponse } from '../../src/core/internal/error-bodies.ts'
import { MAX_RETRY_AFTER_MS, retryDelayFromBody, retryDelayMs } from '../../src/core/retry.ts'
import { DEFAULT_MAX_RETRIES } from '../../src/core/transport.ts'

const NOW = Date.UTC(2025, 9, 21, 7, 28, 0) // Tue, 21 Oct 2025 07:28:00 GMT
const noJitter = { now: NOW, random: () => 0 }

describe('DEFAULT_MAX_RETRIES', () => {
  it('is 2', () => {
    expect(DEFAULT_MAX_RETRIES).toBe(2)
  })
})

describe('retryDelayMs: server-given delays', () => {
  it('retry-after-ms wins', () => {
    expect(retryDelayMs(1, { 'retry-after-ms': '1500', 'retry-after': '9' }, noJitter)).toBe(1500)
    expect(retryDelayMs(3, { 'Retry-After-Ms': '0' }, noJitter)).toBe(0)
    expect(retryDelayMs(1, { 'retry-after-ms': '250.5' }, noJitter)).toBe(250.5)
  })

  it('Retry-After in seconds', () => {
    expect(retryDelayMs(1, { 'retry-after': '3' }, noJitter)).toBe(3000)
    expect(retryDelayMs(1, { 'Retry-After': '0' }, noJitter)).toBe(0)
    expect(retryDelayMs(1, { 'retry-after': '60' }, noJitter)).toBe(60_000)
    expect(retryDelayMs(1, { 'retry-after': ' 1.5 ' }, noJitter)).toBe(1500)
  })

  it('Retry-After as an HTTP date', () => {
    expect(retryDelayMs(1, { 'retry-after': 'Tue, 21 Oct 2025 07:28:30 GMT' }, noJitter)).toBe(30_000)
    expect(retryDelayMs(1, { 'retry-after': 'Tue, 21 Oct 2025 07:28:00 GMT' }, noJitter)).toBe(0)
  })

  it('reads a Headers object case-insensitively', () => {
    expect(retryDelayMs(1, new Headers({ 'Retry-After': '2' }), noJitter)).toBe(2000)
    expect(retryDelayMs(1, new Headers({ 'retry-after-ms': '10' }), noJitter)).toBe(10)
  })

  it('ignores values above 60 s and falls back to the next source', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(60_000)
    expect(retryDelayMs(1, { 'retry-after-ms': '60001', 'retry-after': '2' }, noJitter)).toBe(2000)
    expect(retryDelayMs(1, { 'retry-after': '61' }, noJitter)).toBe(500)
    expect(retryDelayMs(1, { 'retry-after': '3600' }, noJitter)).toBe(500)
    expect(retryDelayMs(2, { 'retry-after': 'Tue, 21 Oct 2025 08:28:00 GMT' }, noJitter)).toBe(1000)
  })

  it('ignores negative values and dates in the past', () => {
    expect(retryDelayMs(1, { 'retry-after-ms': '-5' }, noJitter)).toBe(500)
    expect(retryDelayMs(1, { 'retry-after': '-1' }, noJitter)).toBe(500)
    expect(retryDelayMs(1, { 'retry-after': 'Tue, 21 Oct 2025 07:27:00 GMT' }, noJitter)).toBe(500)
  })

  it('ignores junk', () => {
    for (const value of ['', 'soon', '1e3', '0x10', '5s', 'NaN', 'Infinity', '--1', '12:00']) {
      expect(retryDelayMs(1, { 'retry-after': value, 'retry-after-ms': value }, noJitter)).toBe(500)
    }
  })

  it('uses RetryInfo from the body after the headers', () => {
    const details = [
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34.4s' },
    ]
    expect(retryDelayMs(1, undefined, { ...noJitter, details })).toBe(34_400)
    expect(retryDelayMs(1, {}, { ...noJitter, details })).toBe(34_400)
    expect(retryDelayMs(1, { 'retry-after': '2' }, { ...noJitter, details })).toBe(2000)
    expect(retryDelayMs(1, { 'retry-after': '600' }, { ...noJitter, details })).toBe(34_400)
    const tooLong = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3600s' }]
    expect(retryDelayMs(1, undefined, { ...noJitter, details: tooLong })).toBe(500)
  })

  it('works end to end from a Google 429 error', () => {
    const bodyText = JSON.stringify({
      error: {
        code: 429,
        message: 'quota',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }],
      },
    })
    const err = errorFromResponse({ status: 429, bodyText, headers: new Headers({ 'content-type': 'application/json' }) })
    expect(retryDelayMs(1, err.headers, { ...noJitter, details: err.details })).toBe(7000)
  })
})

describe('retryDelayFromBody', () => {
  it.each([
    ['34.4s', 34_400],
    ['1s', 1000],
    ['0s', 0],
    ['0.5s', 500],
    ['3600s', 3_600_000],
  ])('retryDelay %s', (retryDelay, ms) => {
    expect(retryDelayFromBody([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }])).toBe(ms)
  })

  it('the {seconds, nanos} form', () => {
    expect(retryDelayFromBody([{ '@type': 'google.rpc.RetryInfo', retryDelay: { seconds: '2', nanos: 500_000_000 } }])).toBe(2500)
  })

  it.each([
    ['not an array', { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }],
    ['no RetryInfo', [{ '@type': 'type.googleapis.com/google.rpc.Help' }]],
    ['bad duration', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34.4' }]],
    ['negative', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '-1s' }]],
    ['minutes', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1m' }]],
    ['empty object', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: {} }]],
    ['null item', [null, 1, 'x']],
    ['undefined', undefined],
  ])('%s → undefined', (_, details) => {
    expect(retryDelayFromBody(details)).toBeUndefined()
  })
})

describe('retryDelayMs: backoff', () => {
  it('doubles from 0.5 s up to 8 s without jitter', () => {
    const delays = [1, 2, 3, 4, 5, 6, 10, 50].map((attempt) => retryDelayMs(attempt, undefined, noJitter))
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000, 8000])
  })

  it('jitter takes off at most 25 %', () => {
    expect(retryDelayMs(1, undefined, { random: () => 0.999999 })).toBeCloseTo(375, 0)
    expect(retryDelayMs(1, undefined, { random: () => 0.5 })).toBe(437.5)
    expect(retryDelayMs(5, undefined, { random: () => 1 })).toBe(6000)
  })

  it('stays within bounds with the real Math.random', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const base = Math.min(500 * 2 ** (attempt - 1), 8000)
      for (let i = 0; i < 200; i++) {
        const delay = retryDelayMs(attempt, undefined)
        expect(delay).toBeGreaterThan(base * 0.75 - 1e-9)
        expect(delay).toBeLessThanOrEqual(base)
      }
    }
  })

  it('a broken random source or attempt number cannot produce a bad delay', () => {
    expect(retryDelayMs(1, undefined, { random: () => Number.NaN })).toBe(500)
    expect(retryDelayMs(1, undefined, { random: () => 7 })).toBe(375)
    expect(retryDelayMs(1, undefined, { random: () => -3 })).toBe(500)
    expect(retryDelayMs(0, undefined, noJitter)).toBe(500)
    expect(retryDelayMs(Number.NaN, undefined, noJitter)).toBe(500)
    expect(retryDelayMs(2.7, undefined, noJitter)).toBe(1000)
  })
})
