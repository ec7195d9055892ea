/**
 * A loop of one contender's calls against the bench server, for `node --cpu-prof`:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile/loop.ts <unary|stream|burst> <ours|off|raw|openapi-fetch> [count]
 * then `npx tsx bench/profile/summarize.ts /tmp/prof` (the main thread's profile is the largest file).
 */
import { createParser } from 'eventsource-parser'
import createFetchClient from 'openapi-fetch'
import type { paths } from '../../generated/google/types.ts'
import { createClient } from '../../src/index.ts'
import { log, now, startServer } from '../lib.ts'
import { unaryBody } from '../request.ts'
import { buildStream } from '../stream.ts'

const [kind = 'unary', who = 'ours', countArg] = process.argv.slice(2)
const count = Number(countArg ?? (kind === 'unary' ? 20000 : 300))
const server = await startServer({ unary: unaryBody(), streamEvents: buildStream() })
const base = kind === 'burst' ? `${server.url}/burst` : kind === 'spaced' ? `${server.url}/spaced` : server.url
const MODEL = 'gemini-2.0-flash'
const body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }
const ours = createClient({ provider: 'google', apiKey: 'k', baseUrl: base, responseValidation: who === 'off' ? 'off' : 'tolerant' })
const plain = createFetchClient<paths>({ baseUrl: base, headers: { 'x-goog-api-key': 'k' } })
const init = () => ({ method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' }, body: JSON.stringify(body) })

async function one(): Promise<void> {
  if (kind === 'unary') {
    if (who === 'raw') {
      const res = await fetch(`${base}/v1beta/models/${MODEL}:generateContent`, init())
      JSON.parse(await res.text())
    } else if (who === 'openapi-fetch') {
      await plain.POST('/v1beta/models/{model}:generateContent', { params: { path: { model: MODEL } }, body })
    } else {
      await ours.generateContent({ model: MODEL, ...body })
    }
    return
  }
  if (who === 'raw') {
    const res = await fetch(`${base}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, init())
    const parser = createParser({
      onEvent: (e) => {
        JSON.parse(e.data)
      },
    })
    const reader = res.body!.getReader()
    const dec = new TextDecoder()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parser.feed(dec.decode(value, { stream: true }))
    }
  } else {
    for await (const _ of ours.streamGenerateContent({ model: MODEL, ...body })) {
      /* consume */
    }
  }
}

for (let i = 0; i < Math.min(200, count / 10); i++) await one() // warm-up
const t0 = now()
for (let i = 0; i < count; i++) await one()
log(`${kind} ${who}: ${count} calls, ${(((now() - t0) * 1000) / count).toFixed(1)} µs each`)
await server.close()
