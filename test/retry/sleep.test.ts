import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { sleep } from '../../src/core/retry.ts'

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('resolves after the delay and leaves no timer', async () => {
    let done = false
    const promise = sleep(1000).then(() => {
      done = true
    })
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(999)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await promise
    expect(done).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects with the signal reason on abort and clears its timer', async () => {
    const controller = new AbortController()
    const promise = sleep(60_000, controller.signal)
    expect(vi.getTimerCount()).toBe(1)
    const reason = new Error('caller gave up')
    controller.abort(reason)
    await expect(promise).rejects.toBe(reason)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects with the default AbortError reason', async () => {
    const controller = new AbortController()
    const promise = sleep(5000, controller.signal)
    controller.abort()
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects at once, without a timer, when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort('already')
    const promise = sleep(5000, controller.signal)
    expect(vi.getTimerCount()).toBe(0)
    await expect(promise).rejects.toBe('already')
  })

  it('removes its abort listener once the delay has passed', async () => {
    const controller = new AbortController()
    const add = vi.spyOn(controller.signal, 'addEventListener')
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    const promise = sleep(100, controller.signal)
    await vi.advanceTimersByTimeAsync(100)
    await expect(promise).resolves.toBeUndefined()
    expect(add).toHaveBeenCalledTimes(1)
    expect(remove).toHaveBeenCalledTimes(1)
    expect(remove.mock.calls[0]?.[1]).toBe(add.mock.calls[0]?.[1])
    // A later abort has nothing to act on.
    controller.abort()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('treats negative and NaN delays as zero', async () => {
    const a = sleep(-5)
    const b = sleep(Number.NaN)
    await vi.advanceTimersByTimeAsync(0)
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined])
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('sleep with real timers', () => {
  it('really waits and really stops on abort', async () => {
    const started = Date.now()
    await sleep(20)
    expect(Date.now() - started).toBeGreaterThanOrEqual(15)
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('stop')), 10)
    await expect(sleep(10_000, controller.signal)).rejects.toThrow('stop')
    expect(Date.now() - started).toBeLessThan(5000)
  })
})
