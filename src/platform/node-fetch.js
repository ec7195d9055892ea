// Node: its built-in fetch (undici inside Node) stops waiting after 300 s for the response headers and after 300 s
// between body bytes, whatever the caller's signal says; a unary generation's headers come only once the whole
// answer is ready, which can take longer. So requests go through the undici package's own fetch and an Agent with
// those two limits off: the client's timeoutMs is the only limit. Connect timeout, keep-alive and pooling stay
// undici's defaults; one Agent per process, made on the first request (undici loads then, not at import).
// The package's fetch and Agent go together: mixing its Agent with Node's bundled fetch crosses undici versions.

/** undici's own waits off: headersTimeout and bodyTimeout 0 mean none. */
export const AGENT_OPTIONS = Object.freeze({ headersTimeout: 0, bodyTimeout: 0 })

// A fetch installed over the built-in one after this module loaded (MSW, a test stub, instrumentation) is used as
// it is: it is what the application chose to send through.
const builtin = globalThis.fetch

/** @type {Promise<{ fetch: typeof import('undici').fetch, dispatcher: import('undici').Agent } | undefined> | undefined} */
let loading

/** undici and the Agent; undefined if undici cannot load (a bundle that left it out), then the built-in fetch is used. */
function load() {
  loading ??= import('undici').then(
    ({ fetch, Agent }) => ({ fetch, dispatcher: new Agent(AGENT_OPTIONS) }),
    () => undefined,
  )
  return loading
}

/** The Agent requests go through (for tests). */
export async function nodeDispatcher() {
  return (await load())?.dispatcher
}

/** @type {import('./fetch.d.ts').defaultFetch} */
export async function defaultFetch(input, init) {
  const current = globalThis.fetch
  const undici = current === builtin ? await load() : undefined
  if (!undici) return current(input, init)
  if (typeof input === 'string' || input instanceof URL) return undici.fetch(input, { ...init, dispatcher: undici.dispatcher })
  // A Request of the runtime's own classes (the `raw` client's): undici's fetch takes only its own, so send its parts.
  return undici.fetch(input.url, { ...(await partsOf(input)), ...init, dispatcher: undici.dispatcher })
}

/** What a Request holds, as fetch init. The body is read whole: a streamed upload would go out chunked. */
async function partsOf(/** @type {Request} */ request) {
  return {
    method: request.method,
    headers: [...request.headers],
    body: request.body === null ? undefined : await request.arrayBuffer(),
    signal: request.signal,
    redirect: request.redirect,
    keepalive: request.keepalive,
  }
}
