// Every recorded body in shared/fixtures/real: error bodies must map to the right class, and no
// success body may be mistaken for an error.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  type APIStatusError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  StreamError,
} from '../../src/core/errors.ts'
import { errorFromResponse, errorInBody, streamErrorFromEvent } from '../../src/core/internal/error-bodies.ts'
import { retryDelayFromBody } from '../../src/core/retry.ts'

const ROOT = new URL('../../../shared/fixtures/real/', import.meta.url)

function listFiles(dir: URL): URL[] {
  return readdirSync(dir).flatMap((name) => {
    const url = new URL(name, dir)
    return statSync(url).isDirectory() ? listFiles(new URL(`${name}/`, dir)) : [url]
  })
}

const relative = (url: URL): string => fileURLToPath(url).slice(fileURLToPath(ROOT).length)
const read = (url: URL): string => readFileSync(url, 'utf8')

interface GoogleError {
  code: number
  message: string
  status: string
  details?: unknown[]
}

/** The `error` member of a body or of the first array element that has one. */
function googleErrorOf(value: unknown): GoogleError | undefined {
  const items = Array.isArray(value) ? value : [value]
  for (const item of items) {
    if (typeof item === 'object' && item !== null && 'error' in item) return (item as { error: GoogleError }).error
  }
  return undefined
}

/** A fixture's JSON values: the whole file if it is JSON, else its SSE/bare-JSON blocks. */
function jsonValues(text: string): Array<{ raw: string; value: unknown }> {
  try {
    return [{ raw: text, value: JSON.parse(text) as unknown }]
  } catch {
    return text
      .split(/\r?\n\r?\n/)
      .map((block) => block.trim())
      .filter((block) => block !== '')
      .map((block) => block.replace(/^data: ?/, ''))
      .map((raw) => ({ raw, value: JSON.parse(raw) as unknown }))
  }
}

const files = listFiles(ROOT).filter((url) => /\.(json|txt)$/.test(url.pathname))
const errorFiles = files
  .filter((url) => read(url).trimStart().startsWith('{') || read(url).trimStart().startsWith('['))
  .filter((url) => {
    try {
      return googleErrorOf(JSON.parse(read(url))) !== undefined
    } catch {
      return false
    }
  })
const successFiles = files.filter((url) => !errorFiles.includes(url) && !/midstream-error/.test(url.pathname))

describe('fixture inventory', () => {
  it('finds the recorded error bodies and many success bodies', () => {
    expect(errorFiles.map(relative).sort()).toEqual([
      'firebase-vertexai-sdk-test-data/streaming-failure-image-rejected.txt',
      'firebase-vertexai-sdk-test-data/unary-failure-api-key.json',
      'firebase-vertexai-sdk-test-data/unary-failure-generativelanguage-api-not-enabled.json',
      'firebase-vertexai-sdk-test-data/unary-failure-unknown-model.json',
      'github-issues/gemini-cli-4597.error-503-UNAVAILABLE-overloaded.min.json',
      'github-issues/gke-labs-gemini-for-kubernetes-development-1215.error-429-RESOURCE_EXHAUSTED.json',
      'github-issues/lightpanda-browser-2915.error-503-UNAVAILABLE-high-demand.json',
      'github-issues/publicaffairs-openai-gemini-15.error-500-INTERNAL.json',
      'js-genai/Chats_Tests_sendMessage_Send_message_stream_with_error.0.sse-segments.json',
    ])
    expect(successFiles.length).toBeGreaterThan(90)
  })
})

describe.each(errorFiles.map((url) => [relative(url), url] as const))('error fixture %s', (_, url) => {
  const bodyText = read(url)
  const expected = googleErrorOf(JSON.parse(bodyText)) as GoogleError
  const err = errorFromResponse({ status: expected.code, bodyText, provider: 'google' })

  it('maps to the subclass for its status (a bad key: AuthenticationError, as on every provider)', () => {
    const badKey = (expected.details ?? []).some((d) => (d as { reason?: unknown }).reason === 'API_KEY_INVALID')
    const Class = badKey
      ? AuthenticationError
      : { 400: BadRequestError, 403: PermissionDeniedError, 404: NotFoundError, 429: RateLimitError, 500: InternalServerError, 503: InternalServerError }[
          expected.code
        ]
    expect(Class).toBeDefined()
    expect(err).toBeInstanceOf(Class as typeof APIStatusError)
    expect(err.status).toBe(expected.code)
  })

  it('keeps code, message, details and the raw body', () => {
    expect(err.code).toBe(expected.status)
    expect(err.message).toBe(`google: ${expected.code} ${expected.status}: ${expected.message.trim()}`)
    expect(err.details).toEqual(expected.details)
    expect(err.rawBody).toBe(bodyText)
    expect(err.requestId).toBeUndefined()
  })

  it('is also found when a relay sends it with HTTP 200', () => {
    const inBody = errorInBody(JSON.parse(bodyText), { status: 200, bodyText, provider: 'anyfast' })
    expect(inBody).toBeInstanceOf(err.constructor as typeof APIStatusError)
    expect(inBody?.status).toBe(expected.code)
    expect(inBody?.code).toBe(expected.status)
    expect(inBody?.message).toBe(`anyfast: ${expected.code} ${expected.status} (HTTP 200): ${expected.message.trim()}`)
  })
})

describe('specific fixtures', () => {
  it('the API-key error keeps its ErrorInfo reason in details', () => {
    const bodyText = read(new URL('firebase-vertexai-sdk-test-data/unary-failure-api-key.json', ROOT))
    const err = errorFromResponse({ status: 400, bodyText })
    expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'API_KEY_INVALID' })]))
  })

  it('the 429 fixture has no RetryInfo, so no body delay', () => {
    const bodyText = read(new URL('github-issues/gke-labs-gemini-for-kubernetes-development-1215.error-429-RESOURCE_EXHAUSTED.json', ROOT))
    const err = errorFromResponse({ status: 429, bodyText })
    expect(retryDelayFromBody(err.details)).toBeUndefined()
  })

  it.each(['unary-failure-only-prompt-feedback.json', 'unary-failure-finish-reason-safety.json', 'unary-failure-with-message-no-content.json'])(
    '%s is a valid response (a block is not a transport error)',
    (name) => {
      const bodyText = read(new URL(`firebase-vertexai-sdk-test-data/${name}`, ROOT))
      expect(errorInBody(JSON.parse(bodyText), { status: 200, bodyText })).toBeUndefined()
    },
  )

  it('the mid-stream 503 (bare JSON after two data: events) is a StreamError', () => {
    const text = read(new URL('github-issues/omniroute-4177.sse-midstream-error-503.TRANSCRIBED.txt', ROOT))
    const values = jsonValues(text)
    expect(values).toHaveLength(3)
    expect(streamErrorFromEvent(values[0]?.value)).toBeUndefined()
    expect(streamErrorFromEvent(values[1]?.value)).toBeUndefined()
    const last = values[2] as { raw: string; value: unknown }
    const err = streamErrorFromEvent(last.value, { provider: 'google', rawText: last.raw })
    expect(err).toBeInstanceOf(StreamError)
    expect(err?.status).toBe(503)
    expect(err?.code).toBe('UNAVAILABLE')
    expect(err?.rawBody).toBe(last.raw)
    expect(err?.message).toBe(
      'google: stream error 503 UNAVAILABLE: This model is currently experiencing high demand. Spikes in demand are usually temporary. Please try again later.',
    )
  })
})

describe.each(successFiles.map((url) => [relative(url), url] as const))('success fixture %s', (_, url) => {
  it('is not an error', () => {
    const values = jsonValues(read(url))
    expect(values.length).toBeGreaterThan(0)
    for (const { raw, value } of values) {
      expect(errorInBody(value, { status: 200, bodyText: raw })).toBeUndefined()
      expect(streamErrorFromEvent(value)).toBeUndefined()
      // And each element of a recorded array of chunks.
      if (Array.isArray(value)) for (const item of value) expect(errorInBody(item, { status: 200 })).toBeUndefined()
    }
  })
})
