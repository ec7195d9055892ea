import { readdirSync, readFileSync, statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RECORDING_NAMES, withLocalGateway } from '../../src/local-gateway/index.ts'
import { authHeaders, CONTENTS, generatePath, get, post, recordedModel, sseEvents } from './helpers.ts'

const DIR = new URL('../../src/local-gateway/recordings/', import.meta.url)
/** The shared fixtures sit beside the project root (see shared/README.md). */
const SHARED = new URL('../../../shared/fixtures/real/', import.meta.url)
const files = readdirSync(DIR).filter((f) => f !== 'README.md')
const readme = readFileSync(new URL('README.md', DIR), 'utf8')

/** Where a file of that name lives under shared/fixtures/real/. */
function sharedCopy(name: string): Buffer | undefined {
  for (const folder of readdirSync(SHARED)) {
    const candidate = new URL(`${folder}/${name}`, SHARED)
    try {
      return readFileSync(candidate)
    } catch {
      // not in this folder
    }
  }
  return undefined
}

describe('shipped recordings', () => {
  it('are exactly the advertised set', () => {
    expect(files.map((f) => f.replace(/\.(json|txt)$/, '')).sort()).toEqual([...RECORDING_NAMES].sort())
  })

  it.each(files)('%s is byte-identical to shared/fixtures/real and listed in the README', (name) => {
    const shipped = readFileSync(new URL(name, DIR))
    const original = sharedCopy(name)
    expect(original, `no ${name} under shared/fixtures/real`).toBeDefined()
    expect(shipped.equals(original!)).toBe(true)
    expect(readme).toContain(`\`${name}\``)
  })

  it('stay under 100 KB in total', () => {
    const total = files.reduce((sum, f) => sum + statSync(new URL(f, DIR)).size, 0)
    expect(total).toBeLessThan(100 * 1024)
  })
})

describe('x-local-gateway-recording', () => {
  it.each(['unary-success-thinking-function-call-thought-summary-signature', 'unary-success-citations', 'unary-failure-only-prompt-feedback'])(
    'google serves %s verbatim for generateContent (asked for the model that made it)',
    async (name) => {
      await withLocalGateway({ provider: 'google' }, async (gw) => {
        const text = readFileSync(new URL(`${name}.json`, DIR), 'utf8')
        const res = await post(gw, generatePath(recordedModel(text)), { contents: CONTENTS }, { ...authHeaders('google'), 'x-local-gateway-recording': name })
        expect(res.status).toBe(200)
        expect(await res.text()).toBe(text)
      })
    },
  )

  it('accepts the name with its extension', async () => {
    await withLocalGateway({ provider: 'nordlys' }, async (gw) => {
      const res = await post(
        gw,
        generatePath(),
        { contents: CONTENTS },
        { ...authHeaders('nordlys'), 'x-local-gateway-recording': 'unary-success-citations.json' },
      )
      expect(await res.json()).toHaveProperty('candidates.0.citationMetadata')
    })
  })

  it('serves the ListModels recording verbatim on request', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await get(gw, '/v1beta/models', { ...authHeaders('google'), 'x-local-gateway-recording': 'Models_REST.cell7' })
      const body = (await res.json()) as { models: unknown[]; nextPageToken: string }
      expect(body.models).toHaveLength(50)
      expect(body.nextPageToken).toEqual(expect.any(String))
    })
  })

  it('counts tokens from the js-genai recording', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await post(gw, '/v1beta/models/gemini-2.5-flash:countTokens', { contents: CONTENTS })
      expect(await res.text()).toBe(readFileSync(new URL('Client_Tests_countTokens_ML_Dev_should_count_tokens_with_specified_parameters.0.json', DIR), 'utf8'))
    })
  })

  it('a blocked-prompt stream is a single event without candidates', async () => {
    await withLocalGateway({ provider: 'infinityblue' }, async (gw) => {
      const res = await post(
        gw,
        generatePath('gemini-2.5-flash', true),
        { contents: CONTENTS },
        { ...authHeaders('infinityblue'), 'x-local-gateway-recording': 'streaming-failure-prompt-blocked-safety' },
      )
      const events = sseEvents(await res.text())
      expect(events).toHaveLength(1)
      expect(events[0]).not.toHaveProperty('candidates')
      expect(events[0]).toHaveProperty('promptFeedback.blockReason', 'SAFETY')
    })
  })

  it.each([
    ['an unknown name', generatePath(), 'no-such-thing', 'unknown recording "no-such-thing"'],
    ['a stream recording on a unary call', generatePath(), 'streaming-success-basic-reply-short', 'cannot answer generate'],
    ['a ListModels recording on generateContent', generatePath(), 'Models_REST.cell7', 'cannot answer generate'],
  ])('answers %s with a clear 400 from the mock itself', async (_name, path, recording, message) => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await post(gw, path, { contents: CONTENTS }, { ...authHeaders('google'), 'x-local-gateway-recording': recording })
      expect(res.status).toBe(400)
      expect(res.headers.get('x-local-gateway-error')).toBe('true')
      expect(await res.text()).toContain(message)
    })
  })
})
