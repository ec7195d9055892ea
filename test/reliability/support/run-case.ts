// Runs one hostile case against one provider over real loopback HTTP and checks what it ended in.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'vitest'
import { GeminiGatewayError, type ClientOptions, type GenerateContentResponse, type Provider } from '../../../src/index.ts'
import { startLocalGateway } from '../../../src/local-gateway/index.ts'
import type { CaseContext, ExpectedError, HostileCase } from './cases.ts'
import { clientFor, guard, outcome, params, preview, typedError, type Outcome } from './helpers.ts'

export interface CaseRun {
  result: Outcome<unknown>
  /** Chunks a stream yielded (before its failure, if any). */
  chunks: GenerateContentResponse[]
  /** Requests the server received. */
  requests: number
  /** Every URL the client fetched. */
  urls: string[]
  /** Every header the client sent, per request (names lowercased). */
  sentHeaders: Array<Record<string, string>>
}

/** The most models a listModels case collects before giving up on the client. */
const LIST_CAP = 50
/** A case that has not settled after this long hangs. */
const HANG_MS = 15_000
/** Cases with a short client timeout must settle soon after it. */
const HANG_MS_SHORT = 1_500

export async function runCase(c: HostileCase, provider: Provider, key: string, extra: Partial<ClientOptions> = {}): Promise<CaseRun> {
  const ctx: CaseContext = { provider, key }
  let baseUrl: string
  let requests: () => number
  let close: () => Promise<void>
  if (c.raw) {
    const server: Server = createServer(c.raw(ctx))
    let count = 0
    server.on('request', () => count++)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    requests = () => count
    close = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  } else {
    const gw = await startLocalGateway({ provider, apiKey: key })
    gw.enqueue(...c.respond(ctx))
    baseUrl = gw.url
    requests = () => gw.requests.length
    close = () => gw.close()
  }
  const urls: string[] = []
  const sentHeaders: Array<Record<string, string>> = []
  const fetch = ((input: Request | string | URL, init?: RequestInit) => {
    // Observe without changing what is sent: the client may pass a Request, or a URL and its init.
    urls.push(input instanceof Request ? input.url : String(input))
    const headers: Record<string, string> = {}
    new Headers(input instanceof Request ? input.headers : init?.headers).forEach((value, name) => {
      headers[name] = value
    })
    if (input instanceof Request && init?.headers) {
      new Headers(init.headers).forEach((value, name) => {
        headers[name] = value
      })
    }
    sentHeaders.push(headers)
    return globalThis.fetch(input, init)
  }) as typeof globalThis.fetch
  const client = clientFor(provider, baseUrl, { apiKey: key, fetch, ...c.client, ...extra })
  let chunks: GenerateContentResponse[] = []
  let result: Outcome<unknown>
  const label = `${provider} ${c.op} "${c.id}"`
  const hangMs = c.client?.timeoutMs !== undefined && c.client.timeoutMs < 1_000 ? HANG_MS_SHORT : HANG_MS
  const started = performance.now()
  // A hang is an outcome too: it is reported as the error, after the gateway is closed below.
  const hung = (error: unknown): Outcome<never> => ({ ok: false, error, ms: performance.now() - started })
  try {
    if (c.op === 'generate') {
      result = await guard(
        outcome(() => client.generateContent(params())),
        hangMs,
        label,
      ).catch(hung)
    } else if (c.op === 'stream') {
      const streamed: GenerateContentResponse[] = []
      chunks = streamed
      result = await guard(
        outcome(async () => {
          for await (const chunk of client.streamGenerateContent(params())) streamed.push(chunk)
          return streamed
        }),
        hangMs,
        label,
      ).catch(hung)
    } else {
      result = await guard(
        outcome(async () => {
          const models: unknown[] = []
          for await (const model of client.listModels!()) {
            models.push(model)
            if (models.length >= LIST_CAP) break
          }
          return models
        }),
        hangMs,
        label,
      ).catch(hung)
    }
  } finally {
    // Read the count before closing: close() may not be reached by a request still in flight.
    const seen = requests()
    await close()
    requests = () => seen
  }
  return { result, chunks, requests: requests(), urls, sentHeaders }
}

/** Asserts that the run ended the way the case says, and in a way that names what went wrong. */
export function verifyCase(c: HostileCase, run: CaseRun, provider: Provider, key: string): void {
  const ctx: CaseContext = { provider, key }
  const label = `${provider} ${c.op} "${c.id}" (server saw ${run.requests} request(s))`
  const exp = c.expect
  if ('value' in exp) {
    if (!run.result.ok) {
      const e = run.result.error as Error
      throw new Error(`${label}: expected the right value, got ${e?.name}: ${e?.message}`)
    }
    exp.value(run.result.value, ctx)
  } else if ('error' in exp) {
    verifyError(exp.error, run, provider, label)
  } else if (run.result.ok) {
    exp.either.value(run.result.value, ctx)
  } else {
    verifyError(exp.either.error, run, provider, label)
  }
  if (run.result.ok && c.op === 'generate') {
    // No empty success: a value must carry an answer or a prompt verdict.
    const value = run.result.value as GenerateContentResponse
    expect((value.candidates?.length ?? 0) > 0 || value.promptFeedback !== undefined, `${label}: empty success ${preview(value)}`).toBe(true)
  }
  expect(run.requests, `${label}: requests the server saw`).toBe(c.requests ?? 1)
}

function verifyError(expected: ExpectedError, run: CaseRun, provider: Provider, label: string): void {
  const error = typedError(run.result, label)
  const classes = Array.isArray(expected.class) ? expected.class : [expected.class]
  expect(
    classes.some((cls) => error instanceof cls),
    `${label}: expected ${classes.map((c) => c.name).join(' or ')}, got ${error.name}: ${error.message}`,
  ).toBe(true)
  expect(error, label).toBeInstanceOf(GeminiGatewayError)
  expect(error.message, `${label}: the message must say what went wrong`).toMatch(expected.message)
  expect(error.message.startsWith(`${provider}: `), `${label}: message names the provider: ${error.message}`).toBe(true)
  expect(error.provider, label).toBe(provider)
  if (expected.status !== undefined) expect(error.status, `${label}: status`).toBe(expected.status)
  if (expected.chunksBefore !== undefined) expect(run.chunks.length, `${label}: chunks yielded before the error`).toBe(expected.chunksBefore)
  expected.check?.(error)
}

/** True when anything has been written onto Object.prototype. */
export function prototypePolluted(): boolean {
  const probe = {} as Record<string, unknown>
  return (
    probe.polluted !== undefined ||
    Object.hasOwn(Object.prototype, 'polluted') ||
    Object.hasOwn(Object.prototype, 'a') ||
    ({} as { a?: unknown }).a !== undefined
  )
}
