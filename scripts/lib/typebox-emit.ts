/**
 * Turns the bundled component schemas into TypeBox builder code (`Type.Object(...)`), so that callers get
 * runtime schema values whose `Static` types match the openapi-typescript types.
 */
import { flattenAllOf, refName, type JsonSchema } from './json-schema.ts'

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/
const key = (k: string) => (IDENT.test(k) ? k : JSON.stringify(k))

function typeOf(schema: JsonSchema, schemas: Record<string, JsonSchema>): string {
  const ref = refName(schema.$ref)
  if (ref !== undefined) return `Type.Ref(${JSON.stringify(ref)})`
  if (schema.allOf) return typeOf(flattenAllOf(schema, schemas), schemas)
  const union = schema.anyOf ?? schema.oneOf
  if (union) return `Type.Union([${union.map((s: JsonSchema) => typeOf(s, schemas)).join(', ')}])`
  if (Array.isArray(schema.enum)) return `Type.Union([${schema.enum.map((v: unknown) => `Type.Literal(${JSON.stringify(v)})`).join(', ')}])`
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []
  if (types.length === 0) return 'Type.Unknown()'
  const one = types.map((t) => single(t, schema, schemas))
  return one.length === 1 ? one[0]! : `Type.Union([${one.join(', ')}])`
}

function single(type: string, schema: JsonSchema, schemas: Record<string, JsonSchema>): string {
  switch (type) {
    case 'string':
      return 'Type.String()'
    case 'integer':
      return 'Type.Integer()'
    case 'number':
      return 'Type.Number()'
    case 'boolean':
      return 'Type.Boolean()'
    case 'null':
      return 'Type.Null()'
    case 'array':
      return `Type.Array(${schema.items ? typeOf(schema.items, schemas) : 'Type.Unknown()'}${schema.minItems ? `, { minItems: ${schema.minItems} }` : ''})`
    case 'object':
      return object(schema, schemas)
    default:
      throw new Error(`unsupported type ${type}`)
  }
}

function object(schema: JsonSchema, schemas: Record<string, JsonSchema>): string {
  const props = schema.properties ?? {}
  const names = Object.keys(props)
  const extra = schema.additionalProperties
  if (names.length === 0 && extra !== undefined && extra !== false) {
    return `Type.Record(Type.String(), ${extra === true ? 'Type.Unknown()' : typeOf(extra, schemas)})`
  }
  // openapi-typescript types a property-less object as Record<string, never>; match it.
  if (names.length === 0) return 'Type.Record(Type.String(), Type.Never())'
  const required = new Set<string>(schema.required ?? [])
  const body = names.map((n) => {
    const t = typeOf(props[n], schemas)
    return `${key(n)}: ${required.has(n) ? t : `Type.Optional(${t})`}`
  })
  return `Type.Object({ ${body.join(', ')} })`
}

/** TypeBox source for every named schema: one `Defs` map plus one `Type.Cyclic` export and type per name. */
export function emitTypeBox(schemas: Record<string, JsonSchema>, header: string): string {
  const names = Object.keys(schemas).sort()
  const lines = [
    header,
    `import { Type, type Static } from 'typebox'`,
    '',
    '/** Every component schema of this provider, referring to each other by name. */',
    'export const Defs = {',
    ...names.map((n) => `  ${key(n)}: ${typeOf(schemas[n]!, schemas)},`),
    '}',
    '',
  ]
  for (const n of names) {
    lines.push(`export const ${n} = Type.Cyclic(Defs, ${JSON.stringify(n)})`)
    lines.push(`export type ${n} = Static<typeof ${n}>`)
  }
  return `${lines.join('\n')}\n`
}
