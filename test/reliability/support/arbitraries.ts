// fast-check arbitraries built from the generated OpenAPI documents: walks a component schema ($ref, type, enum,
// format, properties, required, items, additionalProperties, allOf) into an arbitrary of valid values, with bounded
// depth so that recursive schemas (Schema.items, Schema.properties, Schema.anyOf) stay small.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'

type JsonSchema = Record<string, any>

export interface OpenApiDoc {
  components: { schemas: Record<string, JsonSchema> }
}

export function loadSpec(provider: string): OpenApiDoc {
  const path = fileURLToPath(new URL(`../../../generated/${provider}/openapi.json`, import.meta.url))
  return JSON.parse(readFileSync(path, 'utf8')) as OpenApiDoc
}

export interface WalkOptions {
  /** Object/array nesting beyond which optional members are left out and arrays are as short as allowed. */
  maxDepth: number
  /** Longest generated array. */
  maxItems: number
  /** Property names never generated, per schema name (e.g. `GenerateContentRequest: ['model']`). */
  omit?: Record<string, readonly string[]>
  /** Per schema name: properties that must be present whenever the object is (e.g. non-empty `contents`). */
  require?: Record<string, readonly string[]>
  /** Arbitraries used instead of walking, per schema name. */
  override?: Record<string, fc.Arbitrary<unknown>>
}

/** Text with the characters that break naive code: quotes, backslashes, newlines, emoji, CJK, lone high code points. */
export const text = (maxLength = 12): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '"', '\\', '\n', '\r\n', 'data: x', '[DONE]', '👋🏽', '世界', '__proto__', 'constructor', '\u2028') },
  )

const base64 = fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('base64'))
const duration = fc
  .tuple(fc.nat({ max: 100_000 }), fc.option(fc.nat({ max: 999_999_999 }), { nil: undefined }))
  .map(([s, ns]) => (ns === undefined ? `${s}s` : `${s}.${String(ns).padStart(9, '0')}s`))
const dateTime = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString())
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })
const int64 = fc.oneof(fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String))
const finite = fc.double({ noNaN: true, noDefaultInfinity: true })
const json = fc.jsonValue({ maxDepth: 2 })

/** An arbitrary of values valid against `#/components/schemas/<name>` of `doc`. */
export function arbitraryOf(doc: OpenApiDoc, name: string, options: WalkOptions): fc.Arbitrary<unknown> {
  const cache = new Map<string, fc.Arbitrary<unknown>>()

  function ref(refName: string, depth: number): fc.Arbitrary<unknown> {
    const override = options.override?.[refName]
    if (override) return override
    const key = `${refName}@${Math.min(depth, options.maxDepth + 1)}`
    const hit = cache.get(key)
    if (hit) return hit
    const schema = doc.components.schemas[refName]
    if (!schema) throw new Error(`no schema ${refName}`)
    // Recursion is bounded by depth: a schema at depth d refers to others at d + 1 only.
    const made = walk(schema, depth, refName)
    cache.set(key, made)
    return made
  }

  function walk(schema: JsonSchema, depth: number, schemaName?: string): fc.Arbitrary<unknown> {
    if (typeof schema.$ref === 'string') return ref(schema.$ref.split('/').pop()!, depth)
    if (Array.isArray(schema.allOf)) return allOf(schema.allOf, depth, schemaName)
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]))
    const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : schema.properties ? ['object'] : []
    if (types.length === 0) return json
    if (types.length > 1) return fc.oneof(...types.map((t) => walk({ ...schema, type: t }, depth, schemaName)))
    switch (types[0]) {
      case 'null':
        return fc.constant(null)
      case 'boolean':
        return fc.boolean()
      case 'integer':
        return schema.format === 'int64' ? fc.maxSafeInteger() : int32
      case 'number':
        return finite
      case 'string':
        switch (schema.format) {
          case 'byte':
            return base64
          case 'duration':
            return duration
          case 'date-time':
            return dateTime
          case 'int64':
            return int64.map(String)
          default:
            return text()
        }
      case 'array': {
        const min = typeof schema.minItems === 'number' ? schema.minItems : 0
        const max = depth >= options.maxDepth ? min : Math.max(min, options.maxItems)
        return fc.array(walk(schema.items ?? {}, depth + 1), { minLength: min, maxLength: max })
      }
      case 'object':
        return object(schema, depth, schemaName)
      default:
        throw new Error(`unhandled type ${String(types[0])}`)
    }
  }

  function object(schema: JsonSchema, depth: number, schemaName?: string): fc.Arbitrary<unknown> {
    const omit = new Set(schemaName ? (options.omit?.[schemaName] ?? []) : [])
    const properties: Record<string, JsonSchema> = schema.properties ?? {}
    const names = Object.keys(properties).filter((n) => !omit.has(n))
    const required = new Set<string>([...(schema.required ?? []), ...(schemaName ? (options.require?.[schemaName] ?? []) : [])])
    // `x-requires-one-of` (Schema: `type` or `anyOf`): always generating the first one keeps every value valid.
    const oneOf = schema['x-requires-one-of']
    if (Array.isArray(oneOf) && typeof oneOf[0] === 'string' && !oneOf.some((k) => required.has(k))) required.add(oneOf[0])
    if (names.length === 0) {
      const extra = schema.additionalProperties
      if (extra === undefined || extra === false || depth >= options.maxDepth) return fc.constant({})
      const values = extra === true ? json : walk(extra, depth + 1)
      return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), values, { maxKeys: 2, noNullPrototype: true })
    }
    const shallow = depth >= options.maxDepth
    const model: Record<string, fc.Arbitrary<unknown>> = {}
    for (const n of names) {
      if (shallow && !required.has(n)) continue
      model[n] = walk(properties[n]!, depth + 1)
    }
    return fc.record(model, { requiredKeys: names.filter((n) => required.has(n) && n in model), noNullPrototype: true })
  }

  function allOf(parts: JsonSchema[], depth: number, schemaName?: string): fc.Arbitrary<unknown> {
    // Merge the object members of every part (what the nordlys config schema does: GenerationConfig plus SDK fields).
    const merged: JsonSchema = { type: 'object', properties: {}, required: [] }
    for (const part of parts) {
      const resolved = typeof part.$ref === 'string' ? doc.components.schemas[part.$ref.split('/').pop()!]! : part
      Object.assign(merged.properties, resolved.properties ?? {})
      merged.required.push(...(resolved.required ?? []))
    }
    return object(merged, depth, schemaName)
  }

  return ref(name, 0)
}

/** Drops `undefined`-valued keys, recursively (fc.record never makes them, but a mapping may). */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value))
      if (v !== undefined) Object.defineProperty(out, k, { value: withoutUndefined(v), enumerable: true, writable: true, configurable: true })
    return out as T
  }
  return value
}
