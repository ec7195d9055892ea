import type { Severity, SpecChange } from '../../scripts/spec-diff/changes.ts'
import { diffSpecs, type OpenAPIDoc } from '../../scripts/spec-diff/diff.ts'

/**
 * A small document: `Req` is only sent, `Res` only received, `Shared` both, `Orphan` nowhere.
 * POST /items/{id} takes path `id`, optional query `verbose`, a required JSON body and returns 200/400.
 */
const BASE = {
  openapi: '3.1.0',
  info: { title: 'Items', version: '1.0.0', description: 'Test API.' },
  servers: [{ url: 'https://api.example.com', description: 'Production' }],
  security: [{ apiKey: [] }],
  paths: {
    '/items/{id}': {
      post: {
        operationId: 'createItem',
        summary: 'Create an item',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'verbose', in: 'query', schema: { type: 'boolean' } },
          { $ref: '#/components/parameters/Trace' },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Req' } } },
        },
        responses: {
          '200': {
            description: 'Created.',
            headers: { 'X-Request-Id': { schema: { type: 'string' } } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Res' } } },
          },
          '400': { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/health': {
      get: { operationId: 'health', responses: { '204': { description: 'Up.' } } },
    },
  },
  components: {
    securitySchemes: {
      apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'Key.' },
      bearer: { type: 'http', scheme: 'bearer' },
    },
    parameters: {
      Trace: { name: 'trace', in: 'header', schema: { type: 'string', enum: ['on', 'off'] } },
    },
    responses: {
      Error: {
        description: 'Failure.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
    schemas: {
      Req: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', maxLength: 10, description: 'Display name.' },
          mode: { type: 'string', enum: ['fast', 'slow'] },
          size: { type: ['integer', 'null'], minimum: 1 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
          shared: { $ref: '#/components/schemas/Shared' },
          input: { anyOf: [{ type: 'string' }, { $ref: '#/components/schemas/Shared' }] },
        },
      },
      Res: {
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'string' },
          status: { type: 'string', enum: ['ok', 'failed'] },
          count: { type: 'integer' },
          createdAt: { type: 'string', format: 'date-time' },
          shared: { $ref: '#/components/schemas/Shared' },
          output: { anyOf: [{ type: 'string' }, { $ref: '#/components/schemas/Shared' }] },
        },
      },
      Shared: {
        type: 'object',
        properties: {
          note: { type: 'string' },
          kind: { type: 'string', enum: ['a', 'b'] },
        },
      },
      Error: {
        type: 'object',
        properties: { message: { type: 'string' } },
      },
      Orphan: {
        type: 'object',
        properties: { x: { type: 'string' } },
      },
    },
  },
}

/** A fresh copy of the base document. */
export function baseDoc(): OpenAPIDoc {
  return structuredClone(BASE)
}

/** Tests poke arbitrary places in the document; typing every path would only restate OpenAPI. */
export type Editable = any

/** Diffs the base document against a copy changed by `edit` (optionally starting from `prepare`d base). */
export function diffEdit(edit: (doc: Editable) => void, prepare?: (doc: Editable) => void): SpecChange[] {
  const before: Editable = baseDoc()
  prepare?.(before)
  const after: Editable = structuredClone(before)
  edit(after)
  return diffSpecs(before, after)
}

/** `[severity, message]` pairs, for compact exact assertions. */
export function pairs(changes: SpecChange[]): [Severity, string][] {
  return changes.map((c) => [c.severity, c.message])
}
