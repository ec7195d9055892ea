import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { startLocalGateway, withLocalGateway, type LocalGateway } from '../../src/local-gateway/index.ts'
import { CONTENTS, generatePath, post, readChunks } from './helpers.ts'

/** Resolves with the socket error code of a fresh TCP connection to the gateway's port. */
function connectError(gw: LocalGateway): Promise<string> {
  const { port, hostname } = new URL(gw.url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
  })
}

describe('enqueue', () => {
  it('serves scripted responses first in first out, then the default again', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      gw.enqueue({ status: 201, body: 'first', headers: { 'X-Tag': 'a' } }, { status: 418, body: { second: true } })
      const a = await post(gw, generatePath())
      expect([a.status, a.headers.get('x-tag'), await a.text()]).toEqual([201, 'a', 'first'])
      const b = await post(gw, generatePath())
      expect(b.status).toBe(418)
      expect(b.headers.get('content-type')).toBe('application/json')
      expect(await b.json()).toEqual({ second: true })
      const c = await post(gw, generatePath())
      expect(c.status).toBe(200)
      expect(await c.json()).toHaveProperty('candidates')
    })
  })

  it('serves scripted responses before routing and auth', async () => {
    await withLocalGateway({ provider: 'nordlys' }, async (gw) => {
      gw.enqueue({ body: 'anything' })
      const res = await fetch(`${gw.url}/not/a/route`)
      expect([res.status, await res.text()]).toEqual([200, 'anything'])
    })
  })

  it('shares one queue with fail()', async () => {
    await withLocalGateway({ provider: 'anyfast' }, async (gw) => {
      gw.fail('overloaded', 2)
      gw.enqueue({ status: 299 })
      gw.fail('rate-limit')
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) {
        const res = await post(gw, generatePath())
        statuses.push(res.status)
        await res.text()
      }
      expect(statuses).toEqual([503, 503, 299, 429, 200])
    })
  })

  it('lets x-local-gateway-scenario win without consuming the queue', async () => {
    await withLocalGateway({ provider: 'apimart' }, async (gw) => {
      gw.enqueue({ status: 202 })
      const forced = await post(gw, generatePath(), undefined, { authorization: 'Bearer local-gateway-key', 'x-local-gateway-scenario': 'server-error' })
      expect(forced.status).toBe(500)
      expect((await post(gw, generatePath())).status).toBe(202)
    })
  })

  it('rejects an unknown x-local-gateway-scenario clearly', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      const res = await post(gw, generatePath(), undefined, { 'x-goog-api-key': 'local-gateway-key', 'x-local-gateway-scenario': 'meteor' })
      expect(res.status).toBe(400)
      expect(res.headers.get('x-local-gateway-error')).toBe('true')
      expect(await res.text()).toContain('unknown x-local-gateway-scenario "meteor"')
    })
  })

  it('writes chunks one by one with chunkDelayMs between them', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      gw.enqueue({
        headers: { 'content-type': 'text/event-stream' },
        chunks: ['data: 1\n\n', 'data: 2\n\n', new TextEncoder().encode('data: 3\n\n')],
        chunkDelayMs: 50,
      })
      const started = Date.now()
      const chunks = await readChunks(await post(gw, generatePath()))
      expect(chunks).toEqual(['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n'])
      expect(Date.now() - started).toBeGreaterThanOrEqual(95)
    })
  })

  it('reset before-headers: fetch itself fails', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      gw.enqueue({ reset: 'before-headers' })
      await expect(post(gw, generatePath())).rejects.toThrow(TypeError)
    })
  })

  it('reset after-headers: the status arrives, the body fails', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      gw.enqueue({ status: 200, headers: { 'content-type': 'text/event-stream' }, reset: 'after-headers' })
      const res = await post(gw, generatePath())
      expect(res.status).toBe(200)
      await expect(res.text()).rejects.toThrow()
    })
  })

  it('reset mid-body: part of the body arrives, then the read fails', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      gw.enqueue({ chunks: ['data: {"a":1}\n\n', 'data: {"a":2}\n\n', 'data: {"a":3}\n\n', 'data: {"a":4}\n\n'], reset: 'mid-body' })
      const res = await post(gw, generatePath())
      const reader = res.body!.getReader()
      const received: string[] = []
      const failure = await (async () => {
        for (;;) {
          try {
            const { done, value } = await reader.read()
            if (done) return undefined
            received.push(new TextDecoder().decode(value))
          } catch (err) {
            return err
          }
        }
      })()
      expect(failure).toBeInstanceOf(Error)
      expect(received.join('')).toBe('data: {"a":1}\n\ndata: {"a":2}\n\n')
    })
  })

  it('reset mid-body on a single body sends about half of it', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      gw.enqueue({ body: 'x'.repeat(1000), headers: { 'content-length': '1000' }, reset: 'mid-body' })
      const res = await post(gw, generatePath())
      await expect(res.text()).rejects.toThrow()
    })
  })

  it('stall: body written, never finished', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      gw.enqueue({ chunks: ['data: {}\n\n'], stall: true })
      const res = await post(gw, generatePath(), undefined, undefined, { signal: AbortSignal.timeout(300) })
      const reader = res.body!.getReader()
      expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: {}\n\n')
      await expect(reader.read()).rejects.toMatchObject({ name: 'TimeoutError' })
    })
  })
})

describe('requests log', () => {
  it('records method, path, query, lower-cased headers and parsed body in order', async () => {
    await withLocalGateway({ provider: 'google' }, async (gw) => {
      await (
        await post(gw, `${generatePath('gemini-2.5-flash', true)}`, { contents: CONTENTS }, { 'x-goog-api-key': 'local-gateway-key', 'X-Trace': 't1' })
      ).text()
      await (await fetch(`${gw.url}/v1beta/models?pageSize=2`, { headers: { 'x-goog-api-key': 'local-gateway-key' } })).text()
      await (await post(gw, generatePath(), 'not json')).text()
      expect(gw.requests).toHaveLength(3)
      expect(gw.requests[0]).toMatchObject({
        method: 'POST',
        path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
        query: { alt: 'sse' },
        headers: { 'x-trace': 't1', 'x-goog-api-key': '[REDACTED]' },
        body: { contents: CONTENTS },
      })
      expect(gw.requests[1]).toMatchObject({ method: 'GET', path: '/v1beta/models', query: { pageSize: '2' }, body: undefined })
      expect(gw.requests[2]?.body).toBe('not json')
    })
  })
})

describe('options', () => {
  it('latencyMs delays the response', async () => {
    await withLocalGateway({ provider: 'google', latencyMs: 120 }, async (gw) => {
      const started = Date.now()
      await (await post(gw, generatePath())).text()
      expect(Date.now() - started).toBeGreaterThanOrEqual(115)
    })
  })

  it('binds 127.0.0.1 on an ephemeral port by default and reports a URL without trailing slash', async () => {
    await withLocalGateway({ provider: 'infinityblue' }, async (gw) => {
      expect(gw.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(gw.provider).toBe('infinityblue')
    })
  })

  it('rejects an unknown provider', async () => {
    await expect(startLocalGateway({ provider: 'openai' as never })).rejects.toThrow(/unknown provider/)
  })
})

describe('close', () => {
  it('stops listening and refuses new connections', async () => {
    const gw = await startLocalGateway({ provider: 'google' })
    await (await post(gw, generatePath())).text()
    expect(gw.server.listening).toBe(true)
    await gw.close()
    expect(gw.server.listening).toBe(false)
    expect(await connectError(gw)).toBe('ECONNREFUSED')
    await gw.close() // twice is fine
  })

  it('destroys open sockets: stalled and streaming requests do not keep it alive', async () => {
    const gw = await startLocalGateway({ provider: 'anyfast', chunkDelayMs: 10_000 })
    gw.fail('stall')
    const stalled = await post(gw, generatePath())
    const slow = await post(gw, generatePath('gemini-2.5-flash', true))
    const bodies = [stalled.text(), slow.text()].map((p) =>
      p.then(
        () => 'finished',
        () => 'failed',
      ),
    )
    const started = Date.now()
    await gw.close()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(await Promise.all(bodies)).toEqual(['failed', 'failed'])
    expect(await new Promise((r) => gw.server.getConnections((_e, n) => r(n)))).toBe(0)
  })

  it('withLocalGateway closes even when the callback throws', async () => {
    let seen: LocalGateway | undefined
    await expect(
      withLocalGateway({ provider: 'nordlys' }, async (gw) => {
        seen = gw
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(seen?.server.listening).toBe(false)
  })

  it('withLocalGateway returns the callback value', async () => {
    expect(await withLocalGateway({ provider: 'apimart' }, async (gw) => gw.url.startsWith('http://'))).toBe(true)
  })
})
