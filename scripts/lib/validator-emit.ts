/**
 * The validation schemas behind the precompiled checks (emitted by check-emit.ts at generate time; no code
 * is built at run time, so they run under a strict Content-Security-Policy and on edge runtimes).
 *
 * Three variants, each with one check function per schema:
 * - request: strict; objects reject unknown keys and enums are closed (be strict in what you send).
 * - response: tolerant; unknown keys pass and string enums accept values no spec lists yet.
 * - responseStrict: unknown keys pass, enums are closed (reports values the spec does not know).
 */
import { emitChecks } from './check-emit.ts'
import { flattenAllOf, refName, type JsonSchema } from './json-schema.ts'

export type Variant = 'request' | 'response' | 'responseStrict'

const KEEP = new Set([
  'type',
  'properties',
  'required',
  'items',
  'enum',
  'anyOf',
  'oneOf',
  'additionalProperties',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'const',
  '$ref',
])

/** The schema as the validator sees it: annotations dropped, refs by bare name, the variant's rules applied. */
export function validationSchema(schema: JsonSchema, schemas: Record<string, JsonSchema>, variant: Variant): JsonSchema {
  const s = flattenAllOf(schema, schemas)
  const out: JsonSchema = {}
  for (const [k, v] of Object.entries(s)) {
    if (!KEEP.has(k)) continue
    if (k === '$ref') out.$ref = refName(v) ?? v
    else if (k === 'properties')
      out.properties = Object.fromEntries(Object.entries(v as JsonSchema).map(([p, ps]) => [p, validationSchema(ps, schemas, variant)]))
    else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) out[k] = validationSchema(v, schemas, variant)
    else if (k === 'anyOf' || k === 'oneOf') out.anyOf = (v as JsonSchema[]).map((m) => validationSchema(m, schemas, variant))
    else if (k === 'enum' && variant === 'response' && (s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string')))) continue
    else out[k] = v
  }
  if (variant === 'request' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false
  // `x-requires-one-of: [a, b]`: at least one of those keys is present (Schema: `type` or `anyOf`).
  const oneOf = s['x-requires-one-of']
  if (Array.isArray(oneOf) && !out.anyOf) out.anyOf = oneOf.map((k: string) => ({ required: [k] }))
  return out
}

/** An ES module exporting one precompiled check per name, plus the schema context for error reporting. */
export function emitValidators(
  schemas: Record<string, JsonSchema>,
  names: string[],
  extra: Record<string, JsonSchema>,
  variant: Variant,
  header: string,
): { code: string; context: string } {
  const all = { ...schemas, ...extra }
  const context: Record<string, JsonSchema> = {}
  for (const n of Object.keys(all).sort()) context[n] = validationSchema(all[n]!, all, variant)
  const exported = [...names, ...Object.keys(extra)]
  const code = [
    header,
    '// @ts-nocheck: plain checks emitted by scripts/lib/check-emit.ts; the typed surface is in index.ts.',
    emitChecks(context, exported),
  ].join('\n')
  const ctx = [
    header,
    `/** The ${variant} validation schemas, for reporting where a value fails (only loaded on failure). */`,
    `export default ${JSON.stringify(context)}`,
    '',
  ].join('\n')
  return { code, context: ctx }
}
