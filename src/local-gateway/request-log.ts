/**
 * The gateway's record of what it received (`gateway.requests`), keys redacted, and the debug headers that echo
 * what the dialect read of a body.
 * @internal
 */
import type { IncomingMessage } from 'node:http'
import type { BodyReading } from './dialect.ts'
import type { RecordedRequest } from './types.ts'

/** Headers that carry keys or tokens (`authorization`, `x-goog-api-key`, `x-api-key`, `cf-aig-authorization`…): never kept in `requests`. */
const isSecretHeader = (name: string): boolean => name === 'authorization' || name === 'cookie' || /(^|-)(key|token|secret|authorization)$/.test(name)
const REDACTED = '[REDACTED]'
/** Largest `x-local-gateway-effective-config` value sent; bigger ones are left out (clients cap header sizes). */
const MAX_ECHO = 8192

/** The whole request body as UTF-8 text. */
export function readRequestBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** The log entry of one request: key-bearing headers and `?key=` replaced by `[REDACTED]`, a JSON body parsed. */
export function recordRequest(req: IncomingMessage, method: string, path: string, query: URLSearchParams, rawBody: string): RecordedRequest {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    headers[name] = isSecretHeader(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : value
  }
  const q: Record<string, string> = {}
  for (const [name, value] of query) q[name] = name === 'key' ? REDACTED : value
  let body: unknown
  if (rawBody !== '') {
    try {
      body = JSON.parse(rawBody)
    } catch {
      body = rawBody
    }
  }
  return { method, path, query: q, headers, body }
}

/** Debug headers: what the dialect read (`x-local-gateway-effective-config`) and what it silently dropped (`x-local-gateway-ignored-keys`). */
export function echoHeaders(reading: BodyReading): Record<string, string> {
  const ascii = (s: string) => s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  const out: Record<string, string> = {}
  const effective = ascii(JSON.stringify(reading.effective))
  if (effective.length <= MAX_ECHO) out['x-local-gateway-effective-config'] = effective
  if (reading.ignoredKeys.length > 0) out['x-local-gateway-ignored-keys'] = ascii(reading.ignoredKeys.join(','))
  return out
}
