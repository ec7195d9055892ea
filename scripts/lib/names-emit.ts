/**
 * The request messages' field names as one compact table, so the client can read every proto-JSON spelling
 * of a field (`response_mime_type` for `responseMimeType`) at any depth without loading the schemas.
 *
 * One entry a message: its fields separated by spaces, each `name` (a value passed as it is: scalars, enums,
 * objects of user data), `name:*` (any JSON value, where `null` is data, as for google.protobuf.Value),
 * `name:Message` (a message, or a list of them), `name:{Message` (a map whose values are messages; the keys
 * are user data) or `name:^` (an enum of upper-case names, sent upper-cased: Schema `type`).
 * Inline object schemas become messages named `Parent.field`.
 */
import { flattenAllOf, refName, type JsonSchema } from './json-schema.ts'

/** An enum the client accepts in any case: all its values are upper-case identifiers (Google's `Type`). */
function isCaseFreeEnum(schema: JsonSchema): boolean {
  const values = schema.enum
  return Array.isArray(values) && values.includes('OBJECT') && values.includes('STRING') && values.every((v) => typeof v === 'string' && v === v.toUpperCase())
}

/** The request message table, from every component the request bodies reach. */
export function requestNameTable(schemas: Record<string, JsonSchema>, names: string[]): Record<string, string> {
  const table: Record<string, string> = {}
  const isMessage = (s: JsonSchema | undefined): boolean => !!s && !!flattenAllOf(s, schemas).properties
  const fieldKind = (schema: JsonSchema, owner: string): string => {
    const s = flattenAllOf(schema, schemas)
    const ref = refName(s.$ref)
    if (ref !== undefined) return isMessage(schemas[ref]) ? `:${ref}` : isCaseFreeEnum(schemas[ref] ?? {}) ? ':^' : ''
    if (s.items) return fieldKind(s.items, owner)
    if (s.properties) {
      add(owner, s)
      return `:${owner}`
    }
    const values = s.additionalProperties
    if (values && typeof values === 'object') {
      const kind = fieldKind(values, `${owner}.*`)
      return kind.startsWith(':') && kind !== ':^' ? `:{${kind.slice(1)}` : ''
    }
    if (isCaseFreeEnum(s)) return ':^'
    // No type at all: any JSON value (`example`, `default`, `parametersJsonSchema`).
    return s.type === undefined && s.enum === undefined && s.const === undefined && s.anyOf === undefined ? ':*' : ''
  }
  const add = (name: string, schema: JsonSchema): void => {
    if (name in table) return
    table[name] = '' // placeholder: recursive messages
    const props = flattenAllOf(schema, schemas).properties as Record<string, JsonSchema>
    table[name] = Object.entries(props)
      .map(([field, s]) => `${field}${fieldKind(s, `${name}.${field}`)}`)
      .join(' ')
  }
  for (const n of names) if (isMessage(schemas[n])) add(n, schemas[n]!)
  return Object.fromEntries(
    Object.keys(table)
      .sort()
      .map((k) => [k, table[k]!]),
  )
}

/** The module: the table, and which message each request body is. */
export function emitRequestNames(schemas: Record<string, JsonSchema>, names: string[], bodies: Record<string, JsonSchema>, header: string): string {
  const table = requestNameTable(schemas, names)
  const roots = Object.fromEntries(
    Object.entries(bodies).flatMap(([body, s]) => {
      const ref = refName(s.$ref)
      return ref && ref in table ? [[body, ref]] : []
    }),
  )
  return [
    header,
    '/** Request message fields for src/core/normalize.ts; the format is described in scripts/lib/names-emit.ts. */',
    `export const roots: Record<string, string> = ${JSON.stringify(roots)}`,
    `export const messages: Record<string, string> = ${JSON.stringify(table, null, 0)}`,
    '',
  ].join('\n')
}
