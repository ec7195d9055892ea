/**
 * Whether an error that fetch threw is local (the request was never sent because of the caller's own code or
 * settings) rather than a network failure. The fetch standard makes every network failure a TypeError (`fetch
 * failed`, `Failed to fetch`, `NetworkError when attempting to fetch resource.`, `Load failed`); Node, Bun and Deno add
 * a system code or say what failed on the wire. A TypeError about a header, a URL or a method is the request itself;
 * any other error from a custom fetch that names nothing of the network is that fetch's own.
 */
const NETWORK_WORDS =
  /fetch failed|failed to fetch|networkerror|load failed|network|connect|socket|reset|refused|closed|terminated|timed? ?out|unreachable|dns|getaddrinfo|tls|ssl|certificate|eof|error sending request|broken pipe/i
const REQUEST_WORDS =
  /header|invalid url|url is invalid|failed to parse url|invalid method|method .* (is|cannot)|cannot have body|duplex|requestinit|forbidden/i

/** Codes that say the request itself was refused before sending (undici's argument checks, Node's). */
const LOCAL_CODES = /^(UND_ERR_INVALID_ARG|UND_ERR_NOT_SUPPORTED|ERR_INVALID_[A-Z_]+)$/

/** The string `code`s down the cause chain: system codes (ECONNRESET, UND_ERR_SOCKET, ConnectionRefused...) or argument checks. */
function codes(error: unknown): string[] {
  const found: string[] = []
  for (let e: any = error, depth = 0; e && typeof e === 'object' && depth < 6; e = e.cause, depth++)
    if (typeof e.code === 'string' && e.code !== '') found.push(e.code)
  return found
}

export function isLocalFetchFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true
  const { name, message } = error as { name?: unknown; message?: unknown }
  // Aborts are judged by who aborted (the caller's signal, or the client's timer) before this is asked.
  if (name === 'AbortError' || name === 'TimeoutError') return false
  const found = codes(error)
  if (found.some((code) => LOCAL_CODES.test(code))) return true
  if (found.length > 0) return false
  const text = typeof message === 'string' ? message : ''
  if (NETWORK_WORDS.test(text)) return false
  if (name === 'TypeError') return REQUEST_WORDS.test(text)
  return true
}
