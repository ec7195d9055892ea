/**
 * What the client checks around a call: the request read the way Google reads proto JSON (normalize.ts) and
 * refused before sending when Google or the gateway would reject or drop it, and each answer against the
 * provider's generated validators. Checks that pass cost no promise: the hot path stays synchronous.
 */
import type { Dialect, Issue } from './dialect.ts'
import { RequestValidationError, ResponseValidationError } from './errors.ts'
import type { NameTable } from './normalize.ts'
import type { CallOptions, GenerateContentParams } from './types.ts'
import { issuesOf, onDemand, type RequestValidation, type ResponseValidation } from './validate.ts'

export interface Checks {
  /** The canonical body (proto-JSON spellings read), then the dialect's wire form unless `mapToWire` is false. */
  wireRequest(
    params: { model: string },
    bodyName: string,
    secrets: readonly string[],
    mapToWire?: boolean,
  ): Promise<{ model: string; body: Record<string, unknown> }>
  /** `undefined` when the body may be sent; else a promise that rejects with a RequestValidationError. */
  request(operationId: string, body: Record<string, unknown>, call: CallOptions, secrets: readonly string[]): Promise<void> | undefined
  /** `undefined` when the answer passes; else a promise that rejects with a ResponseValidationError. */
  response(name: string, body: unknown, response: Response, secrets: readonly string[]): Promise<void> | undefined
}

/**
 * Whether `value` may hold something proto JSON reading would change (normalize.ts): a snake_case name, a `null`, or a
 * Schema `type` not in upper case. Looks at every key and value, free-form ones too, so it errs toward normalising; a
 * walk, no copy.
 */
export function mayNeedNormalizing(value: unknown, depth = 0): boolean {
  if (value === null) return true
  if (typeof value !== 'object') return false
  if (depth > 64) return true
  if (Array.isArray(value)) {
    for (const item of value) if (mayNeedNormalizing(item, depth + 1)) return true
    return false
  }
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key]
    if (key.includes('_') || (key === 'type' && typeof v === 'string' && v !== v.toUpperCase()) || mayNeedNormalizing(v, depth + 1)) return true
  }
  return false
}

/** Model ids are written bare in paths; callers may pass Google's `models/` form. */
export function bareModel(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model
}

export function createChecks(
  dialect: Dialect,
  options: { requestValidation?: RequestValidation | undefined; responseValidation?: ResponseValidation | undefined },
): Checks {
  const provider = dialect.name
  const validation = options.responseValidation ?? 'tolerant'
  // The request names and checks load with the first request; strict response checks only for clients that ask for them.
  let normalizer: Promise<[NameTable, typeof import('./normalize.ts')]> | undefined
  const requestSet = onDemand(dialect.validators.request)
  const strictSet = onDemand(dialect.validators.responseStrict)

  async function wireRequest(
    params: { model: string },
    bodyName: string,
    secrets: readonly string[],
    mapToWire = true,
  ): Promise<{ model: string; body: Record<string, unknown> }> {
    const { model, ...rest } = params
    if (typeof model !== 'string' || !model)
      throw new RequestValidationError([{ path: '/model', message: 'must be a non-empty string' }], { provider, secrets })
    // The common body, camelCase without nulls, is canonical already: the name table loads only for one that is not.
    let canonical = rest as Omit<GenerateContentParams, 'model'>
    if (mayNeedNormalizing(rest)) {
      normalizer ??= Promise.all([dialect.validators.names(), import('./normalize.ts')])
      const [names, { normalizeRequest }] = await normalizer
      canonical = normalizeRequest(names, bodyName, rest) as Omit<GenerateContentParams, 'model'>
    }
    return { model: bareModel(model), body: mapToWire && dialect.toWire ? dialect.toWire(canonical) : canonical }
  }

  function request(
    operationId: string,
    body: Record<string, unknown>,
    call: CallOptions,
    secrets: readonly string[],
    refused?: readonly Issue[],
  ): Promise<void> | undefined {
    if ((call.requestValidation ?? options.requestValidation ?? 'strict') === 'off') return undefined
    if (refused?.length) return Promise.reject(new RequestValidationError([...refused], { provider, secrets }))
    const unplaced = dialect.unplaced?.filter((key) => body[key] !== undefined)
    if (unplaced?.length) {
      const issues = unplaced.map((key) => ({
        path: '',
        message: `"${key}": ${provider} has no place for this field and would drop it; leave it out, or send this request through another provider`,
      }))
      return Promise.reject(new RequestValidationError(issues, { provider, secrets }))
    }
    // What the gateway would lose of this body (newapi's quirks: the fields its spec says it drops, and more).
    const lost = refused ?? dialect.refuse?.(body, operationId, dialect)
    if (lost && 'then' in lost) return lost.then((issues) => request(operationId, body, call, secrets, issues))
    if (lost?.length) return Promise.reject(new RequestValidationError(lost, { provider, secrets }))
    const name = `${operationId}Request`
    const set = requestSet.current()
    if (!set) return requestSet.ready().then(() => request(operationId, body, call, secrets, []))
    if (set.checks[name]?.(body)) return undefined
    return issuesOf(set, name, body).then((issues) => {
      if (issues.length) throw new RequestValidationError(issues, { provider, secrets })
    })
  }

  function response(name: string, body: unknown, answer: Response, secrets: readonly string[]): Promise<void> | undefined {
    if (validation === 'off') return undefined
    const set = validation === 'strict' ? strictSet.current() : dialect.validators.response
    if (!set) return strictSet.ready().then(() => response(name, body, answer, secrets))
    if (set.checks[name]?.(body)) return undefined
    return issuesOf(set, name, body).then((issues) => {
      if (issues.length) throw new ResponseValidationError(issues, body, { provider, status: answer.status, headers: answer.headers, secrets })
    })
  }

  return { wireRequest, request, response }
}
