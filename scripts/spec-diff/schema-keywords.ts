/** Which JSON Schema keywords hold subschemas and which are only documentation; shared by the usage walk and the schema diff. */
import { asArr, isObj, type Obj } from './json.ts'

/** This project's extension: the schema of each SSE event's `data` in a `text/event-stream` response. */
export const SSE_DATA = 'x-sse-data'

// Keywords that hold subschemas; everything else is data or a constraint.
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems']
const SCHEMA_ONES = [
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
  'additionalItems',
  SSE_DATA,
]

/** Extensions are documentation, except the one that carries a schema. */
const isDocExtension = (k: string): boolean => k.startsWith('x-') && k !== SSE_DATA
/** A predicate for "documentation only": the given keys and the extensions. */
export const isDocOrExt =
  (...keys: string[]) =>
  (k: string): boolean =>
    keys.includes(k) || isDocExtension(k)
export const isSchemaDocKey = isDocOrExt('description', 'title', 'example', 'examples', '$comment', 'externalDocs')

/** Calls `fn` on every direct subschema. */
export function forEachSubschema(s: unknown, fn: (sub: unknown) => void): void {
  if (!isObj(s)) return
  for (const k of SCHEMA_MAPS) if (isObj(s[k])) Object.values(s[k]).forEach(fn)
  for (const k of SCHEMA_LISTS) asArr(s[k])?.forEach(fn)
  for (const k of SCHEMA_ONES) {
    const v = s[k]
    if (Array.isArray(v)) v.forEach(fn)
    else if (v !== undefined) fn(v)
  }
}

/** Schema without documentation keywords, for "did anything but the docs change" checks. */
export function canonSchema(s: unknown): unknown {
  if (!isObj(s)) return s
  const out: Obj = {}
  for (const [k, v] of Object.entries(s)) {
    if (isSchemaDocKey(k)) continue
    if (SCHEMA_MAPS.includes(k) && isObj(v)) out[k] = Object.fromEntries(Object.entries(v).map(([n, x]) => [n, canonSchema(x)]))
    else if ((SCHEMA_LISTS.includes(k) || SCHEMA_ONES.includes(k)) && Array.isArray(v)) out[k] = v.map(canonSchema)
    else if (SCHEMA_ONES.includes(k)) out[k] = canonSchema(v)
    else out[k] = v
  }
  return out
}
