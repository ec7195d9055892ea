/**
 * The canonical spec covers Google's own API description: every schema reachable from the generateContent,
 * countTokens and models.list bodies (and Status, the error payload) is in generated/google/openapi.json with
 * every field and every enum value Google lists.
 */
import { describe, expect, it } from 'vitest'
import { ROOT, SHARED, readJSON } from './helpers.ts'

interface DiscoveryNode {
  $ref?: string
  type?: string
  enum?: string[]
  items?: DiscoveryNode
  additionalProperties?: DiscoveryNode
  properties?: Record<string, DiscoveryNode>
}
interface OpenAPINode {
  $ref?: string
  enum?: unknown[]
  items?: OpenAPINode
  additionalProperties?: OpenAPINode | boolean
  properties?: Record<string, OpenAPINode>
  allOf?: OpenAPINode[]
  anyOf?: OpenAPINode[]
  oneOf?: OpenAPINode[]
}

const ROOTS = ['GenerateContentRequest', 'GenerateContentResponse', 'CountTokensRequest', 'CountTokensResponse', 'ListModelsResponse', 'Model', 'Status']
/** Fields the canonical spec leaves out on purpose. */
const DROPPED = new Set(['GenerationConfig._responseJsonSchema'])

const discovery = readJSON<{ schemas: Record<string, DiscoveryNode> }>(new URL('reference/generativelanguage-v1beta.discovery.json', SHARED))
const openapi = readJSON<{ components: { schemas: Record<string, OpenAPINode> } }>(new URL('generated/google/openapi.json', ROOT))
const components = openapi.components.schemas

/** Every schema name reachable from the roots through `$ref`, `items`, `additionalProperties` and `properties`. */
function reachable(roots: string[]): string[] {
  const seen = new Set<string>()
  const visit = (node: DiscoveryNode | undefined): void => {
    if (!node) return
    if (node.$ref && !seen.has(node.$ref)) {
      seen.add(node.$ref)
      const target = discovery.schemas[node.$ref]
      if (!target) throw new Error(`discovery has no schema ${node.$ref}`)
      visit(target)
    }
    visit(node.items)
    visit(node.additionalProperties)
    for (const p of Object.values(node.properties ?? {})) visit(p)
  }
  for (const r of roots) visit({ $ref: r })
  return [...seen].sort()
}

/** An OpenAPI node with `$ref`s and single-branch wrappers followed. */
function resolve(node: OpenAPINode | undefined, depth = 0): OpenAPINode | undefined {
  if (!node || depth > 20) return node
  if (node.$ref) return resolve(components[node.$ref.replace('#/components/schemas/', '')], depth + 1)
  return node
}

/** All enum values an OpenAPI node allows, through `$ref`, `allOf`, `anyOf` and `oneOf`. */
function enumValues(node: OpenAPINode | undefined): Set<unknown> {
  const n = resolve(node)
  const out = new Set<unknown>(n?.enum ?? [])
  for (const branch of [...(n?.allOf ?? []), ...(n?.anyOf ?? []), ...(n?.oneOf ?? [])]) for (const v of enumValues(branch)) out.add(v)
  return out
}

/** The `items` of an array node, through `$ref` and wrappers. */
function itemsOf(node: OpenAPINode | undefined): OpenAPINode | undefined {
  const n = resolve(node)
  return n?.items ?? [...(n?.allOf ?? []), ...(n?.anyOf ?? []), ...(n?.oneOf ?? [])].map(itemsOf).find(Boolean)
}

/** The properties of an object node, through `$ref` and wrappers. */
function propertiesOf(node: OpenAPINode | undefined): Record<string, OpenAPINode> {
  const n = resolve(node)
  return Object.assign({}, ...[...(n?.allOf ?? []), ...(n?.anyOf ?? []), ...(n?.oneOf ?? [])].map(propertiesOf), n?.properties ?? {})
}

interface Gap {
  where: string
  missing: string
}

/** Compares one discovery node with the spec's node at the same place; counts what it checked. */
function compare(where: string, d: DiscoveryNode, o: OpenAPINode | undefined, gaps: Gap[], counts: { fields: number; enumValues: number }): void {
  if (d.enum) {
    const allowed = enumValues(o)
    for (const v of d.enum) {
      counts.enumValues++
      if (!allowed.has(v)) gaps.push({ where, missing: `enum value ${v}` })
    }
  }
  if (d.items) compare(`${where}[]`, d.items, itemsOf(o), gaps, counts)
  if (d.properties) {
    const props = propertiesOf(o)
    for (const [name, p] of Object.entries(d.properties)) {
      if (DROPPED.has(`${where}.${name}`)) continue
      counts.fields++
      if (!(name in props)) gaps.push({ where, missing: `field ${name}` })
      else compare(`${where}.${name}`, p, props[name], gaps, counts)
    }
  }
}

describe("coverage of Google's API description", () => {
  const names = reachable(ROOTS)

  it('the deliberately dropped field is in the description (so the exception is not stale)', () => {
    expect(discovery.schemas.GenerationConfig?.properties?._responseJsonSchema).toBeDefined()
    expect(names).toContain('GenerationConfig')
  })

  it('walks a substantial part of the description', () => {
    for (const r of ROOTS) expect(names).toContain(r)
    expect(names).toEqual(expect.arrayContaining(['Content', 'Part', 'Candidate', 'UsageMetadata', 'SafetySetting', 'Tool', 'Schema']))
  })

  it('every reachable schema, field and enum value is in generated/google/openapi.json', () => {
    const gaps: Gap[] = []
    const counts = { fields: 0, enumValues: 0 }
    for (const name of names) {
      if (!(name in components)) {
        gaps.push({ where: name, missing: 'schema' })
        continue
      }
      compare(name, discovery.schemas[name]!, { $ref: `#/components/schemas/${name}` }, gaps, counts)
    }
    console.log(`coverage of Google's description: ${names.length} schemas, ${counts.fields} fields, ${counts.enumValues} enum values covered`)
    expect(gaps).toEqual([])
    expect(counts.fields).toBeGreaterThan(names.length)
    expect(counts.enumValues).toBeGreaterThan(0)
  })

  it('would notice a missing field or enum value (the comparison is not vacuous)', () => {
    const gaps: Gap[] = []
    const counts = { fields: 0, enumValues: 0 }
    const d: DiscoveryNode = {
      properties: { a: { type: 'string', enum: ['X', 'Y'] }, b: { type: 'array', items: { type: 'string', enum: ['Z'] } }, c: { type: 'string' } },
    }
    const o: OpenAPINode = { properties: { a: { enum: ['X'] }, b: { items: { enum: [] } } } }
    compare('T', d, o, gaps, counts)
    expect(gaps).toEqual([
      { where: 'T.a', missing: 'enum value Y' },
      { where: 'T.b[]', missing: 'enum value Z' },
      { where: 'T', missing: 'field c' },
    ])
    expect(counts).toEqual({ fields: 3, enumValues: 3 })
  })
})
