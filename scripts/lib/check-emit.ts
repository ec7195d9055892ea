/**
 * Emits the precompiled checks as plain JavaScript at generate time (no code is built at run time, so they
 * run under a strict Content-Security-Policy). The code walks each object's own keys once (`for…in` and a
 * `switch`), so an object that sets 2 of 16 properties costs 2 checks, not 16 lookups. The semantics are
 * TypeBox's: test/spec/checks-agree.test.ts runs TypeBox's compiler beside these checks on every recording
 * and on generated inputs, and TypeBox's interpreter explains a failure at run time.
 */
import type { JsonSchema } from './json-schema.ts'

const SET_THRESHOLD = 6

export function emitChecks(context: Record<string, JsonSchema>, exported: string[]): string {
  const named = new Map<string, string>()
  const fns: string[] = []
  const sets: string[] = []
  let anon = 0

  /** The function that checks `name` from the context, emitted once. */
  const fnForName = (name: string): string => {
    let fn = named.get(name)
    if (fn) return fn
    fn = `$${name}`
    named.set(name, fn)
    const schema = context[name]
    if (!schema) throw new Error(`no schema named ${name}`)
    fns.push(`function ${fn}(v) { ${body(schema)} }`)
    return fn
  }
  /** A function for an inline schema (an object, or array items) that needs one. */
  const fnFor = (node: JsonSchema): string => {
    if (node.$ref) return fnForName(node.$ref)
    const fn = `_${anon++}`
    fns.push(`function ${fn}(v) { ${body(node)} }`)
    return fn
  }
  const typesOf = (node: JsonSchema): string[] => (Array.isArray(node.type) ? node.type : node.type ? [node.type] : node.properties ? ['object'] : [])

  /** A boolean expression that is true when `x` matches `node`. */
  const expr = (node: JsonSchema, x: string): string => {
    if (node.$ref) return `${fnForName(node.$ref)}(${x})`
    const parts: string[] = []
    if (node.anyOf) parts.push(`(${node.anyOf.map((m: JsonSchema) => expr(m, x)).join(' || ')})`)
    // A bare `required` (an alternative of an object's anyOf): those keys are present.
    if (Array.isArray(node.required) && !node.properties && !node.type)
      parts.push(`(${node.required.map((k: string) => `${x}[${JSON.stringify(k)}] !== undefined`).join(' && ')})`)
    if (Array.isArray(node.enum)) {
      if (node.enum.length > SET_THRESHOLD) {
        const set = `E${sets.length}`
        sets.push(`const ${set} = new Set(${JSON.stringify(node.enum)})`)
        parts.push(`${set}.has(${x})`)
      } else {
        parts.push(`(${node.enum.map((e: unknown) => `${x} === ${JSON.stringify(e)}`).join(' || ')})`)
      }
    }
    // An enum already pins the type.
    const types = Array.isArray(node.enum) ? [] : typesOf(node)
    if (types.length) parts.push(`(${types.map((t) => typeExpr(t, node, x)).join(' || ')})`)
    return parts.length ? parts.join(' && ') : 'true'
  }

  const typeExpr = (type: string, node: JsonSchema, x: string): string => {
    switch (type) {
      case 'string':
        return [`isString(${x})`, ...bounds(node, `${x}.length`, 'minLength', 'maxLength')].join(' && ')
      case 'integer':
        return [`Number.isInteger(${x})`, ...bounds(node, x, 'minimum', 'maximum')].join(' && ')
      case 'number':
        return [`Number.isFinite(${x})`, ...bounds(node, x, 'minimum', 'maximum')].join(' && ')
      case 'boolean':
        return `isBoolean(${x})`
      case 'null':
        return `${x} === null`
      case 'array': {
        const items = node.items && Object.keys(node.items).length ? `, ${fnFor(node.items)}` : ''
        return [`Array.isArray(${x})`, ...bounds(node, `${x}.length`, 'minItems', 'maxItems'), ...(items ? [`all(${x}${items})`] : [])].join(' && ')
      }
      case 'object':
        return isPlainObject(node) ? `isObject(${x})` : `${fnFor(node)}(${x})`
      default:
        throw new Error(`unsupported type ${type}`)
    }
  }
  const bounds = (node: JsonSchema, value: string, min: string, max: string): string[] => [
    ...(node[min] !== undefined ? [`${value} >= ${node[min]}`] : []),
    ...(node[max] !== undefined ? [`${value} <= ${node[max]}`] : []),
  ]
  const isPlainObject = (node: JsonSchema): boolean =>
    !node.properties && (node.additionalProperties === undefined || node.additionalProperties === true || Object.keys(node.additionalProperties).length === 0)

  /** The statements of a function checking `v` against `node`. */
  const body = (node: JsonSchema): string => {
    const types = typesOf(node)
    // An object with properties may add alternatives (`anyOf` of `required`s); checked after its fields.
    if (types.length !== 1 || types[0] !== 'object' || (node.anyOf && !node.properties) || node.enum) return `return ${expr(node, 'v')}`
    const props: Record<string, JsonSchema> = node.properties ?? {}
    const extra = node.additionalProperties
    // Keys with the same check share one case body (smaller code; gzip likes it too).
    const byTest = new Map<string, string[]>()
    for (const [k, s] of Object.entries(props)) {
      const test = expr(s, 'x')
      byTest.set(test, [...(byTest.get(test) ?? []), k])
    }
    const cases = [...byTest].map(([test, keys]) => {
      const labels = keys.map((k) => `case ${JSON.stringify(k)}:`).join(' ')
      return test === 'true' ? `${labels} break` : `${labels} if (!(${test})) return false; break`
    })
    const fallback =
      extra === false
        ? 'default: return false'
        : extra && typeof extra === 'object' && Object.keys(extra).length
          ? `default: if (!(${expr(extra, 'x')})) return false`
          : ''
    const loop =
      cases.length || fallback
        ? `for (const k in v) { const x = v[k]; if (x === undefined) continue; switch (k) { ${[...cases, fallback].filter(Boolean).join('; ')} } }`
        : ''
    const required = (node.required ?? []).map((k: string) => `if (v[${JSON.stringify(k)}] === undefined) return false`)
    const alternatives = node.anyOf ? [`if (!(${node.anyOf.map((m: JsonSchema) => expr(m, 'v')).join(' || ')})) return false`] : []
    return ['if (!isObject(v)) return false', loop, ...required, ...alternatives, 'return true'].filter(Boolean).join('; ')
  }

  const exports = [...exported].sort().map((name) => `export { ${fnForName(name)} as ${name} }`)
  return [
    'const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v)',
    'const isString = (v) => typeof v === "string"',
    'const isBoolean = (v) => typeof v === "boolean"',
    'const all = (a, f) => { for (let i = 0; i < a.length; i++) if (!f(a[i])) return false; return true }',
    ...sets,
    ...fns,
    ...exports,
    '',
  ].join('\n')
}
