// Long decode in every dialect, against the local gateway answering in hops (finishReason CONTINUATION and a
// continuationToken): continued into one answer where the dialect carries the token, a ContinuationError with the
// partial answer where it cannot (new-api and nordlys drop the token, so the next hop would start over).
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ContinuationError, InternalServerError, mergeChunks, text, type Provider } from '../../src/index.ts'
import { startLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { caught, clientFor, CONTENTS, drain, drainFailing, MODEL, PROVIDERS } from './helpers.ts'
import { familyOf } from '../support/registry.ts'

/** The long recorded answer the gateway splits into hops, read here on its own: its text parts joined. */
const LONG = readFileSync(new URL('../../src/local-gateway/recordings/streaming-success-basic-reply-long.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('data: '))
  .map(
    (line) =>
      JSON.parse(line.slice(6))
        .candidates?.[0]?.content?.parts?.map((p: { text?: string }) => p.text ?? '')
        .join('') ?? '',
  )
  .join('')

/** The dialects whose wire carries `continuationToken` to the model: new-api and its resellers, and nordlys, drop it (see ../shared/providers.md). */
const CARRIES = (p: Provider) => !['newapi', 'nordlys'].includes(familyOf(p))

const hops = (n: number) => ({ headers: { 'x-local-gateway-hops': String(n) } })
const request = { model: MODEL, contents: CONTENTS }

describe.each(PROVIDERS)('%s', (provider) => {
  let gw: LocalGateway
  beforeAll(async () => {
    gw = await startLocalGateway({ provider, apiKey: 'gk-test-7f3a9c1e5b' })
  })
  afterAll(() => gw.close())
  beforeEach(() => {
    gw.requests.length = 0
  })
  const tokenSent = (i: number) => (gw.requests[i]!.body as Record<string, unknown>).continuationToken

  if (CARRIES(provider)) {
    it('generateContent: the hops are one answer; the hops and their usage can be seen', async () => {
      const res = await clientFor(provider, gw).generateContent(request, hops(3))
      expect(text(res)).toBe(LONG)
      const candidate = res.candidates![0]!
      expect(candidate.finishReason).toBe('STOP')
      expect(candidate.continuationToken).toBeUndefined()
      expect(gw.requests).toHaveLength(3)
      expect(tokenSent(0)).toBeUndefined()
      expect(typeof tokenSent(1)).toBe('string')
      expect(tokenSent(2)).not.toBe(tokenSent(1))
      expect(res.http.hops).toHaveLength(3)
      expect(res.http.hops.map((h) => h.status)).toEqual([200, 200, 200])
      // Google's rules for hops: counts summed, the first hop's prompt kept apart.
      const hopPrompt = 10
      expect(res.usageMetadata!.promptTokenCount).toBe(3 * hopPrompt)
      expect(res.usageMetadata!.initialPromptTokenCount).toBe(hopPrompt)
      expect(res.usageMetadata!.totalTokenCount).toBe(res.usageMetadata!.promptTokenCount! + res.usageMetadata!.candidatesTokenCount!)
    })

    it('streamGenerateContent: one stream across hops; CONTINUATION is not its end', async () => {
      const chunks = await drain(clientFor(provider, gw).streamGenerateContent(request, hops(2)))
      expect(text(mergeChunks(chunks))).toBe(LONG)
      expect(chunks.filter((c) => c.candidates?.[0]?.finishReason !== undefined).map((c) => c.candidates![0]!.finishReason)).toEqual(['STOP'])
      expect(chunks.some((c) => c.candidates?.[0]?.continuationToken !== undefined)).toBe(false)
      expect(gw.requests).toHaveLength(2)
      expect(typeof tokenSent(1)).toBe('string')
      const last = chunks[chunks.length - 1]!
      expect(last.http.hops).toHaveLength(2)
      expect(chunks[0]!.http.hops).toHaveLength(1)
      // The last chunk's usage counts both hops: mergeChunks's usage is the whole answer's.
      const merged = mergeChunks(chunks)
      expect(merged.usageMetadata!.initialPromptTokenCount).toBe(10)
      expect(merged.usageMetadata!.promptTokenCount).toBe(20)
    })

    it('a hop that fails loses nothing: the error carries the answer so far and the token; a 500 is not sent again', async () => {
      const client = clientFor(provider, gw, { maxRetries: 2 })
      // The first answer arrives, then the next request (hop 2) gets a 500.
      client.use({ onResponse: () => void (gw.requests.length === 1 && gw.fail('server-error')) })
      const error = await caught(client.generateContent(request, hops(2)))
      expect(error).toBeInstanceOf(InternalServerError)
      expect(gw.requests).toHaveLength(2)
      expect(error.partial!.hops).toBe(1)
      expect(text(error.partial!.response)).toBe(LONG.slice(0, text(error.partial!.response).length))
      expect(text(error.partial!.response).length).toBeGreaterThan(0)
      expect(error.partial!.continuationToken).toBe(tokenSent(1))
      // The caller can go on from there with a new call.
      const rest = await clientFor(provider, gw).generateContent({ ...request, continuationToken: error.partial!.continuationToken! }, hops(2))
      expect(text(error.partial!.response) + text(rest)).toBe(LONG)
    })

    it('a stream hop that fails: the error carries every chunk so far, merged', async () => {
      const client = clientFor(provider, gw)
      client.use({ onResponse: () => void (gw.requests.length === 1 && gw.fail('overloaded')) })
      const { chunks, error } = await drainFailing(client.streamGenerateContent(request, hops(2)))
      expect(error.status).toBe(503)
      expect(text(error.partial!.response)).toBe(text(mergeChunks(chunks)))
      expect(error.partial!.continuationToken).toBe(tokenSent(1))
    })

    it('maxContinuations bounds the hops: a ContinuationError with what arrived', async () => {
      const error = await caught(clientFor(provider, gw, { maxContinuations: 1 }).generateContent(request, hops(4)))
      expect(error).toBeInstanceOf(ContinuationError)
      expect(error.message).toContain('maxContinuations')
      expect(gw.requests).toHaveLength(2)
      expect(error.partial!.hops).toBe(2)
      expect(LONG.startsWith(text(error.partial!.response))).toBe(true)
    })
  } else {
    it('generateContent: a ContinuationError that says why, with the partial answer; nothing sent again', async () => {
      const error = await caught(clientFor(provider, gw).generateContent(request, hops(2)))
      expect(error).toBeInstanceOf(ContinuationError)
      expect(error.message).toContain('has no place for continuationToken')
      expect(gw.requests).toHaveLength(1)
      const partial = error.partial!
      expect(partial.hops).toBe(1)
      expect(text(partial.response).length).toBeGreaterThan(0)
      expect(LONG.startsWith(text(partial.response))).toBe(true)
      expect(typeof partial.continuationToken).toBe('string')
    })

    it('streamGenerateContent: the hop streams, then a ContinuationError with the partial answer', async () => {
      const { chunks, error } = await drainFailing(clientFor(provider, gw).streamGenerateContent(request, hops(2)))
      expect(error).toBeInstanceOf(ContinuationError)
      expect(chunks.length).toBeGreaterThan(0)
      expect(text(error.partial!.response)).toBe(text(mergeChunks(chunks)))
      expect(gw.requests).toHaveLength(1)
    })

    it('the gateway itself drops the token: a request that carries one anyway (validation off) starts the answer over', async () => {
      const first = await caught(clientFor(provider, gw).generateContent(request, hops(2)))
      const token = first.partial!.continuationToken!
      const res = await clientFor(provider, gw, { automaticContinuation: false }).generateContent(
        { ...request, continuationToken: token },
        { ...hops(2), requestValidation: 'off' },
      )
      expect(text(res)).toBe(text(first.partial!.response))
      expect(gw.requests.at(-1)!.ignoredKeys).toContain('continuationToken')
    })
  }

  it('automaticContinuation: false returns each hop untouched', async () => {
    const client = clientFor(provider, gw, { automaticContinuation: false })
    const res = await client.generateContent(request, hops(2))
    expect(res.candidates![0]!.finishReason).toBe('CONTINUATION')
    expect(typeof res.candidates![0]!.continuationToken).toBe('string')
    expect(res.http.hops).toHaveLength(1)
    const chunks = await drain(client.streamGenerateContent(request, hops(2)))
    expect(chunks.at(-1)!.candidates![0]!.finishReason).toBe('CONTINUATION')
    expect(gw.requests).toHaveLength(2)
  })

  it('an answer in one piece takes one hop', async () => {
    const res = await clientFor(provider, gw).generateContent(request)
    expect(res.http.hops).toHaveLength(1)
    expect(res.http.attempts).toBe(1)
    expect(gw.requests).toHaveLength(1)
  })
})
