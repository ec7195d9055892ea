// Bun: its fetch gives up after 300 s without a byte from the server (a socket idle timer), whatever the caller's
// signal says; a generation can think longer than that before its first byte. `timeout: false` (Bun's own option,
// https://bun.sh/docs/api/fetch) turns that timer off, so the client's timeoutMs is the only limit.

/** @type {import('./fetch.d.ts').defaultFetch} */
export function defaultFetch(input, init) {
  return globalThis.fetch(input, /** @type {RequestInit} */ ({ ...init, timeout: false }))
}
