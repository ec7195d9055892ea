/**
 * Reads a request the way Google's endpoint reads proto JSON, so the client never refuses what Google accepts:
 * - every field may be spelled snake_case (`response_mime_type`) as well as camelCase, at any depth;
 * - `null` for a field means absent (except where any JSON value goes: `example`, `default`);
 * - Schema `type` names may be in any case (`"object"`).
 * The result is the canonical camelCase body the gateways decode (they drop names they do not know).
 * Free-form values (`args`, `response` of a function, JSON Schemas, Schema `properties` keys, `enum`,
 * `example`, `default`) are data and pass untouched. The names come from the spec: see scripts/lib/names-emit.ts.
 * Unknown names are left in place so validation reports them.
 */

/** The generated table (generated/<provider>/validators/request-names.ts: the canonical request's, the same for every provider). */
export interface NameTable {
  roots: Record<string, string>
  messages: Record<string, string>
}

type Field = { name: string; kind: 'value' | 'any' } | { name: string; kind: 'message' | 'map'; type: string } | { name: string; kind: 'upper' }
/** One message's fields under every spelling a caller may use. */
type Message = Map<string, Field>

/** `responseMimeType` → `response_mime_type`: the proto field name its JSON name was made from. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}

const compiled = new WeakMap<NameTable, Map<string, Message>>()

function compile(table: NameTable): Map<string, Message> {
  let messages = compiled.get(table)
  if (messages) return messages
  messages = new Map()
  for (const [type, spec] of Object.entries(table.messages)) {
    const fields: Message = new Map()
    for (const entry of spec.split(' ').filter(Boolean)) {
      const [name = '', kind] = entry.split(':')
      const field: Field =
        kind === undefined
          ? { name, kind: 'value' }
          : kind === '^'
            ? { name, kind: 'upper' }
            : kind === '*'
              ? { name, kind: 'any' }
              : kind.startsWith('{')
                ? { name, kind: 'map', type: kind.slice(1) }
                : { name, kind: 'message', type: kind }
      fields.set(name, field)
      if (!fields.has(snakeCase(name))) fields.set(snakeCase(name), field)
    }
    messages.set(type, fields)
  }
  compiled.set(table, messages)
  return messages
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The known field names of a message (canonical spelling), for did-you-mean hints; undefined for an unknown message. */
export function fieldNames(table: NameTable, type: string): string[] | undefined {
  const fields = compile(table).get(type)
  return fields && [...new Set([...fields.values()].map((f) => f.name))]
}

/**
 * The canonical form of `body` read as the request body `bodyName` (e.g. `generateContentRequest`). Never
 * changes its input. A body the table has no message for is returned as it is.
 */
export function normalizeRequest(table: NameTable, bodyName: string, body: unknown): unknown {
  const root = table.roots[bodyName]
  if (!root) return body
  const messages = compile(table)

  const message = (value: unknown, type: string): unknown => {
    const fields = messages.get(type)
    if (!fields || !isPlainObject(value)) return value // wrong shapes are validation's to report
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value)) {
      const field = fields.get(key)
      // Unknown names stay as written, for validation to name (or, with validation off, to go out as given).
      if (!field) {
        out[key] = v
        continue
      }
      // proto JSON: null is the field's default, i.e. absent; where any JSON value goes, null is a value.
      if (v === null && field.kind !== 'any') continue
      // Both spellings at once: the canonical one wins, the other stays so validation reports the clash.
      if (key !== field.name && value[field.name] !== undefined && value[field.name] !== null) {
        out[key] = v
        continue
      }
      out[field.name] = Array.isArray(v) ? v.map((item) => convert(item, field)) : convert(v, field)
    }
    return out
  }

  const convert = (v: unknown, field: Field): unknown => {
    switch (field.kind) {
      case 'value':
      case 'any':
        return v
      case 'upper':
        return typeof v === 'string' ? v.toUpperCase() : v
      case 'message':
        return message(v, field.type)
      case 'map':
        // The keys are user data (a schema's property names); only the values are messages.
        return isPlainObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, message(x, field.type)])) : v
    }
  }

  return message(body, root)
}
