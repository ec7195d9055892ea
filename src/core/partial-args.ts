/**
 * Streamed function-call arguments (`toolConfig.functionCallingConfig.streamFunctionCallArguments`, Vertex AI
 * and nordlys): a call arrives as several `functionCall` pieces; each piece may carry the name, the id,
 * `partialArgs` (one value per RFC 9535 JSON path) and `willContinue` (more pieces of this call follow). This
 * module rebuilds a complete call's `args` from those pieces.
 */
import { GeminiGatewayError } from './errors.ts'
import type { FunctionCall } from './types.ts'

type PartialArg = NonNullable<FunctionCall['partialArgs']>[number]
type Segment = string | number

/** True for a functionCall that is a piece of a streamed call rather than a whole call. */
export function isCallPiece(call: FunctionCall): boolean {
  return call.partialArgs !== undefined || call.willContinue !== undefined || (call.name === undefined && call.args === undefined)
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/

/** The segments of a normalized JSON path (`$.a.b[0]['c d']`); throws on anything else. */
export function parseJsonPath(path: string): Segment[] {
  const bad = (): never => {
    throw new GeminiGatewayError(`functionCall.partialArgs: unsupported jsonPath ${JSON.stringify(path)} (expected e.g. $.location or $.items[0].name)`)
  }
  if (!path.startsWith('$')) bad()
  const out: Segment[] = []
  let i = 1
  while (i < path.length) {
    const rest = path.slice(i)
    if (rest.startsWith('.')) {
      const m = NAME.exec(rest.slice(1)) ?? bad()
      out.push(m[0])
      i += 1 + m[0].length
      continue
    }
    const index = /^\[(\d+)\]/.exec(rest)
    if (index) {
      out.push(Number(index[1]))
      i += index[0].length
      continue
    }
    const quoted = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(rest) ?? bad()
    out.push((quoted[1] ?? quoted[2]!).replace(/\\(.)/g, '$1'))
    i += quoted[0].length
  }
  // A `__proto__` key would reach Object.prototype through a plain object.
  if (out.includes('__proto__')) bad()
  return out
}

/** The value one PartialArg carries (`nullValue` stands for JSON null); undefined when it carries none. */
function argValue(arg: PartialArg): unknown {
  if (arg.stringValue !== undefined) return arg.stringValue
  if (arg.numberValue !== undefined) return arg.numberValue
  if (arg.boolValue !== undefined) return arg.boolValue
  if (arg.nullValue !== undefined) return null
  return undefined
}

type Container = Record<string, unknown> | unknown[]

/** Sets `value` at `path` inside `root`, making objects and arrays on the way; `append` joins strings. */
function put(root: Record<string, unknown>, path: Segment[], value: unknown, append: boolean): void {
  if (path.length === 0) throw new GeminiGatewayError('functionCall.partialArgs: jsonPath "$" names the whole argument object, not one argument')
  let node: Container = root
  for (let k = 0; k < path.length - 1; k++) {
    const key = path[k]!
    const next = (node as Record<Segment, unknown>)[key]
    if (next === null || typeof next !== 'object') (node as Record<Segment, unknown>)[key] = typeof path[k + 1] === 'number' ? [] : {}
    node = (node as Record<Segment, unknown>)[key] as Container
  }
  const last = path[path.length - 1]!
  const target = node as Record<Segment, unknown>
  const before = target[last]
  target[last] = append && typeof before === 'string' && typeof value === 'string' ? before + value : value
}

/** Accumulates the pieces of one streamed call. */
export class CallAssembler {
  private readonly args: Record<string, unknown> = {}
  /** Paths whose last fragment said `willContinue`: the next string fragment for them is appended. */
  private readonly continuing = new Set<string>()
  private name: string | undefined
  private id: string | undefined
  private sawArgs = false
  /** True while the last piece said more pieces follow. */
  open = true

  /** Adds one piece (in stream order). */
  add(piece: FunctionCall): void {
    this.name ??= piece.name
    this.id ??= piece.id
    if (piece.args) {
      Object.assign(this.args, structuredClone(piece.args))
      this.sawArgs = true
    }
    for (const arg of piece.partialArgs ?? []) {
      if (typeof arg.jsonPath !== 'string') throw new GeminiGatewayError('functionCall.partialArgs: a fragment has no jsonPath')
      const path = parseJsonPath(arg.jsonPath)
      // Keyed by segments, so `$.a` and `$['a']` are the same argument.
      const key = JSON.stringify(path)
      const value = argValue(arg)
      this.sawArgs = true
      if (value !== undefined) put(this.args, path, value, this.continuing.has(key))
      if (arg.willContinue) this.continuing.add(key)
      else this.continuing.delete(key)
    }
    this.open = piece.willContinue === true
  }

  /** The call so far: id, name and args; `willContinue: true` stays only if the stream ended mid-call. */
  call(): FunctionCall {
    const out: FunctionCall = {}
    if (this.id !== undefined) out.id = this.id
    if (this.name !== undefined) out.name = this.name
    if (this.sawArgs) out.args = structuredClone(this.args)
    if (this.open) out.willContinue = true
    return out
  }
}
