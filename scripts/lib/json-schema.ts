/** Small helpers over the bundled OpenAPI documents' JSON Schemas, shared by the emitters. */

export type JsonSchema = Record<string, any>
export interface OpenAPIDoc {
  paths?: Record<string, Record<string, any>>
  components?: { schemas?: Record<string, JsonSchema>; [k: string]: any }
  [k: string]: any
}

const REF = '#/components/schemas/'

/** The component name a `$ref` points at, or undefined for other refs. */
export function refName(ref: unknown): string | undefined {
  return typeof ref === 'string' && ref.startsWith(REF) ? ref.slice(REF.length) : undefined
}

/** Resolves `{$ref: '#/components/...'}` one level (request bodies, responses, parameters). */
export function deref<T = any>(doc: OpenAPIDoc, node: any): T {
  let n = node
  for (let i = 0; n && typeof n.$ref === 'string' && i < 10; i++) {
    n = n.$ref
      .slice(2)
      .split('/')
      .reduce((o: any, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc)
  }
  return n
}

/** Every component schema name reachable from `roots`, in a stable (sorted) order. */
export function reachable(schemas: Record<string, JsonSchema>, roots: JsonSchema[]): string[] {
  const seen = new Set<string>()
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit)
      return
    }
    if (!node || typeof node !== 'object') return
    const name = refName((node as JsonSchema).$ref)
    if (name !== undefined) {
      if (seen.has(name)) return
      seen.add(name)
      visit(schemas[name])
    }
    for (const [k, v] of Object.entries(node)) if (k !== '$ref' && !k.startsWith('x-')) visit(v)
  }
  roots.forEach(visit)
  return [...seen].sort()
}

/** Folds `allOf` of object schemas into one object schema, so emitters see plain objects. */
export function flattenAllOf(schema: JsonSchema, schemas: Record<string, JsonSchema>): JsonSchema {
  if (!Array.isArray(schema.allOf)) return schema
  const { allOf, ...rest } = schema
  const merged: JsonSchema = { ...rest, type: 'object', properties: {} }
  const required = new Set<string>(rest.required ?? [])
  for (const part of allOf) {
    const p = flattenAllOf(part.$ref ? schemas[refName(part.$ref)!]! : part, schemas)
    Object.assign(merged.properties, p.properties)
    for (const r of p.required ?? []) required.add(r)
    if (p.additionalProperties !== undefined) merged.additionalProperties = p.additionalProperties
  }
  if (required.size) merged.required = [...required]
  return merged
}

/** The JSON bodies of every operation, named `<operationId>Request` and `<operationId>Response<status>`. */
export function operationBodies(doc: OpenAPIDoc): { name: string; schema: JsonSchema; direction: 'request' | 'response' }[] {
  const out: { name: string; schema: JsonSchema; direction: 'request' | 'response' }[] = []
  for (const item of Object.values(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      const id: string = op.operationId
      const body = deref(doc, op.requestBody)?.content?.['application/json']?.schema
      if (body) out.push({ name: `${id}Request`, schema: body, direction: 'request' })
      for (const [status, res] of Object.entries(op.responses ?? {})) {
        const schema = deref(doc, res)?.content?.['application/json']?.schema
        if (schema) out.push({ name: `${id}Response${status}`, schema, direction: 'response' })
      }
    }
  }
  return out
}
