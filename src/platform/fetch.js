// The fetch the client sends with when the caller passes none, outside Node and Bun (browsers, Deno, edge
// runtimes): the global one, looked up at each call so a fetch installed later (a mock, instrumentation) is used.
// Plain JavaScript: package.json "imports" (#fetch) points here from the sources and from the packed package alike.

/** @type {import('./fetch.d.ts').defaultFetch} */
export function defaultFetch(input, init) {
  return globalThis.fetch(input, init)
}
