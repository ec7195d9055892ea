/**
 * Turns the validator's raw errors into issues a user acts on: the path, the field and the nearest known
 * name (`unknown field "txt" (did you mean "text"?)`), the allowed values of an enum, the type found.
 */
import type { ValidationIssue } from './errors.ts'
import { editDistance } from './edit-distance.ts'
import { snakeCase } from './normalize.ts'

/** What TypeBox's `Errors` reports (the fields used here). */
export interface RawError {
  keyword: string
  schemaPath: string
  instancePath: string
  params: Record<string, any>
  message?: string
}

type Schema = Record<string, any>

/** Enum values listed in a message before it says "..." (HarmCategory has 13). */
const MAX_VALUES = 12

/** The schema a `schemaPath` points at, following `$ref`s by name through the validation context. */
function schemaAt(context: Record<string, Schema>, root: string, schemaPath: string): Schema | undefined {
  const deref = (s: Schema | undefined): Schema | undefined => {
    for (let i = 0; s && typeof s.$ref === 'string' && i < 20; i++) s = context[s.$ref]
    return s
  }
  let node = deref(context[root])
  for (const step of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = deref(node?.[step.replace(/~1/g, '/').replace(/~0/g, '~')])
  }
  return node
}

function valueAt(value: unknown, pointer: string): unknown {
  let v: any = value
  for (const step of pointer.split('/').slice(1)) v = v?.[step.replace(/~1/g, '/').replace(/~0/g, '~')]
  return v
}

/** The hint after `unknown field "x"`: the same field under two spellings, a near name, or the list. */
function unknownField(key: string, known: string[]): string {
  const twin = known.find((k) => snakeCase(k) === key)
  if (twin) return `"${key}" repeats "${twin}" (the same field, spelled twice)`
  const fold = (s: string) => s.toLowerCase().replace(/_/g, '')
  let best: string | undefined
  let bestScore = Infinity
  for (const k of known) {
    const d = editDistance(fold(key), fold(k))
    if (d < bestScore) [best, bestScore] = [k, d]
  }
  if (best !== undefined && bestScore <= Math.max(2, Math.floor(key.length / 3))) return `unknown field "${key}" (did you mean "${best}"?)`
  if (known.length === 0) return `unknown field "${key}": this object takes no fields`
  if (known.length <= MAX_VALUES) return `unknown field "${key}"; known fields: ${known.join(', ')}`
  return `unknown field "${key}"`
}

function enumValues(allowed: unknown[], got: unknown): string {
  const values = allowed.filter((v) => !(typeof v === 'string' && v.endsWith('_UNSPECIFIED')) && v !== 'unspecified')
  const listed = values.length > MAX_VALUES ? `${values.slice(0, MAX_VALUES).join(', ')}, ...` : values.join(', ')
  const near = typeof got === 'string' ? allowed.find((v) => typeof v === 'string' && v.toLowerCase() === got.toLowerCase()) : undefined
  return `${JSON.stringify(got)} is not one of ${listed}${near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`
}

const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v)

/** One issue a path (the first, most specific reason), unknown fields named on their parent object. */
export function explain(errors: readonly RawError[], context: Record<string, Schema>, root: string, value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  const seen = new Set<string>()
  const push = (path: string, message: string): void => {
    if (seen.has(`${path}\n${message}`)) return
    seen.add(`${path}\n${message}`)
    issues.push({ path, message })
  }
  const unknownPaths = new Set(
    errors
      .filter((e) => e.keyword === 'additionalProperties')
      .flatMap((e) => (e.params.additionalProperties ?? []).map((k: string) => `${e.instancePath}/${k}`)),
  )
  // Alternatives that only name keys (Schema: `type` or `anyOf`): one issue naming them all, on the object.
  const alternatives = new Map<string, string[]>()
  for (const e of errors) {
    if (e.keyword === 'required' && /\/anyOf\/\d+$/.test(e.schemaPath))
      alternatives.set(e.instancePath, [...(alternatives.get(e.instancePath) ?? []), ...(e.params.requiredProperties ?? [])])
  }
  const explained = new Set<string>()
  for (const e of errors) {
    if (explained.has(e.instancePath) && e.keyword !== 'additionalProperties') continue
    switch (e.keyword) {
      case 'additionalProperties': {
        const known = Object.keys(schemaAt(context, root, e.schemaPath)?.properties ?? {})
        for (const key of e.params.additionalProperties ?? []) push(e.instancePath, unknownField(String(key), known))
        break
      }
      case 'boolean': {
        // `additionalProperties: false` failing on one key: said once, on its object, by the error above.
        if (unknownPaths.has(e.instancePath)) continue
        const parent = e.instancePath.slice(0, e.instancePath.lastIndexOf('/'))
        const key = e.instancePath.slice(parent.length + 1)
        const owner = schemaAt(context, root, e.schemaPath.replace(/\/additionalProperties$/, ''))
        push(parent, unknownField(key, Object.keys(owner?.properties ?? {})))
        break
      }
      case 'enum':
        push(e.instancePath, enumValues(e.params.allowedValues ?? [], valueAt(value, e.instancePath)))
        break
      case 'required': {
        const oneOf = alternatives.get(e.instancePath)
        const missing: string[] = oneOf ?? e.params.requiredProperties ?? []
        push(
          e.instancePath,
          oneOf
            ? `needs one of the fields ${missing.map((k) => `"${k}"`).join(', ')}`
            : `missing field${missing.length > 1 ? 's' : ''} ${missing.map((k) => `"${k}"`).join(', ')}`,
        )
        break
      }
      case 'type':
        push(e.instancePath, `${e.message ?? `must be ${e.params.type}`}, not ${jsonType(valueAt(value, e.instancePath))}`)
        break
      default:
        push(e.instancePath, e.message ?? e.keyword)
    }
    explained.add(e.instancePath)
  }
  return issues
}
