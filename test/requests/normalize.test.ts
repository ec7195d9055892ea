// The request normaliser with the table generated from the spec: proto-JSON spellings in, canonical out.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as names from '../../generated/google/validators/request-names.ts'
import { fieldNames, normalizeRequest, snakeCase } from '../../src/core/normalize.ts'

const normalize = (body: unknown) => normalizeRequest(names, 'generateContentRequest', body) as Record<string, any>
const user = (...parts: unknown[]) => [{ role: 'user', parts }]

describe('normalizeRequest: snake_case names', () => {
  it('reads snake_case names at every depth, under their camelCase names', () => {
    const out = normalize({
      contents: [
        {
          role: 'model',
          parts: [{ function_call: { name: 'f', args: {} }, thought_signature: 'c2ln' }, { inline_data: { mime_type: 'image/png', data: 'AA==' } }],
        },
      ],
      system_instruction: { parts: [{ text: 'Be brief.' }] },
      generation_config: { response_mime_type: 'application/json', max_output_tokens: 5, thinking_config: { thinking_budget: 0, include_thoughts: true } },
      safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      tools: [
        { function_declarations: [{ name: 'g', parameters_json_schema: { type: 'object' } }] },
        { file_search: { file_search_store_names: ['fileSearchStores/x'] } },
      ],
      tool_config: { function_calling_config: { mode: 'ANY', allowed_function_names: ['g'] } },
    })
    expect(out).toEqual({
      contents: [
        {
          role: 'model',
          parts: [{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'c2ln' }, { inlineData: { mimeType: 'image/png', data: 'AA==' } }],
        },
      ],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { responseMimeType: 'application/json', maxOutputTokens: 5, thinkingConfig: { thinkingBudget: 0, includeThoughts: true } },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      tools: [
        { functionDeclarations: [{ name: 'g', parametersJsonSchema: { type: 'object' } }] },
        { fileSearch: { fileSearchStoreNames: ['fileSearchStores/x'] } },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['g'] } },
    })
  })

  it('keeps the order of the fields and leaves camelCase bodies equal', () => {
    const body = { contents: user({ text: 'hi' }), generationConfig: { temperature: 0.2, topP: 0.9 } }
    expect(normalize(body)).toEqual(body)
    expect(Object.keys(normalize({ tools: [], contents: [], generation_config: {} }))).toEqual(['tools', 'contents', 'generationConfig'])
  })

  it('never changes its input', () => {
    const body = { contents: user({ text: 'hi' }), generation_config: { top_k: 3, temperature: null } }
    const copy = structuredClone(body)
    normalize(body)
    expect(body).toEqual(copy)
  })

  it('leaves unknown names as written, for validation to name', () => {
    expect(normalize({ contents: user({ txt: 'hi' }), generation_config: { temprature: 1 } })).toEqual({
      contents: user({ txt: 'hi' }),
      generationConfig: { temprature: 1 },
    })
  })

  it('with both spellings, keeps the canonical value and leaves the other for validation to report', () => {
    expect(normalize({ contents: [], generationConfig: { responseMimeType: 'a', response_mime_type: 'b' } }).generationConfig).toEqual({
      responseMimeType: 'a',
      response_mime_type: 'b',
    })
  })

  it('reads countTokens bodies too, down into the nested generateContentRequest', () => {
    const out = normalizeRequest(names, 'countTokensRequest', {
      generate_content_request: { model: 'models/m', contents: user({ file_data: { file_uri: 'u', mime_type: 'video/mp4' } }) },
    })
    expect(out).toEqual({ generateContentRequest: { model: 'models/m', contents: user({ fileData: { fileUri: 'u', mimeType: 'video/mp4' } }) } })
  })
})

describe('normalizeRequest: free-form values are data', () => {
  it('keeps the keys inside args, function results, JSON Schemas, enum values, examples and defaults', () => {
    const args = { user_id: 7, nested_value: { snake_key: null, type: 'object' } }
    const result = { return_value: null, tool_type: 'x' }
    const jsonSchema = { type: 'object', properties: { first_name: { type: 'string', description: null } }, additionalProperties: false }
    const out = normalize({
      contents: [
        { role: 'model', parts: [{ function_call: { name: 'f', args } }] },
        { role: 'user', parts: [{ function_response: { name: 'f', response: result } }] },
      ],
      generation_config: { response_json_schema: jsonSchema },
      tools: [
        {
          function_declarations: [
            { name: 'f', parameters: { type: 'object', enum: ['snake_case', 'lower'], example: { some_key: null }, default: { a_b: 1 } } },
          ],
        },
      ],
    })
    expect(out.contents[0].parts[0].functionCall.args).toEqual(args)
    expect(out.contents[1].parts[0].functionResponse.response).toEqual(result)
    expect(out.generationConfig.responseJsonSchema).toEqual(jsonSchema)
    expect(out.tools[0].functionDeclarations[0].parameters).toEqual({
      type: 'OBJECT',
      enum: ['snake_case', 'lower'],
      example: { some_key: null },
      default: { a_b: 1 },
    })
  })

  it("keeps a Schema's property names (user data) while reading the schemas under them", () => {
    const out = normalize({
      contents: [],
      generation_config: {
        response_schema: {
          type: 'object',
          properties: { first_name: { type: 'string', description: null }, pet_type: { type: 'array', items: { type: 'integer' } } },
          property_ordering: ['first_name', 'pet_type'],
        },
      },
    })
    expect(out.generationConfig.responseSchema).toEqual({
      type: 'OBJECT',
      properties: { first_name: { type: 'STRING' }, pet_type: { type: 'ARRAY', items: { type: 'INTEGER' } } },
      propertyOrdering: ['first_name', 'pet_type'],
    })
  })
})

describe('normalizeRequest: null', () => {
  it('drops null message fields at any depth, as proto JSON reads them', () => {
    const out = normalize({
      contents: [{ role: 'user', parts: [{ text: 'hi', thought: null }] }],
      systemInstruction: null,
      generationConfig: { temperature: null, thinkingConfig: null },
      tools: [{ functionDeclarations: [{ name: 'f', description: null, parameters: { type: 'object', properties: {}, nullable: null } }] }],
    })
    expect(out).toEqual({
      contents: user({ text: 'hi' }),
      generationConfig: {},
      tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: {} } }] }],
    })
  })

  it('keeps null where any JSON value goes (a Schema example or default) and inside free-form values', () => {
    const out = normalize({
      contents: [],
      tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: { default: null }, parameters: { type: 'string', default: null, example: null } }] }],
    })
    expect(out.tools[0].functionDeclarations[0]).toEqual({
      name: 'f',
      parametersJsonSchema: { default: null },
      parameters: { type: 'STRING', default: null, example: null },
    })
  })
})

describe('normalizeRequest: Schema type names', () => {
  it('upper-cases type in parameters, response, responseSchema and every nested Schema (properties, items, anyOf)', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'String' }, b: { any_of: [{ type: 'integer' }, { type: 'null' }] }, c: { type: 'array', items: { type: 'number' } } },
    }
    const upper = {
      type: 'OBJECT',
      properties: { a: { type: 'STRING' }, b: { anyOf: [{ type: 'INTEGER' }, { type: 'NULL' }] }, c: { type: 'ARRAY', items: { type: 'NUMBER' } } },
    }
    const out = normalize({
      contents: [],
      generationConfig: { responseSchema: schema },
      tools: [{ functionDeclarations: [{ name: 'f', parameters: schema, response: { type: 'boolean' } }] }],
    })
    expect(out.generationConfig.responseSchema).toEqual(upper)
    expect(out.tools[0].functionDeclarations[0]).toEqual({ name: 'f', parameters: upper, response: { type: 'BOOLEAN' } })
  })

  it('leaves JSON Schemas (parametersJsonSchema, responseJsonSchema) as written', () => {
    const jsonSchema = { type: 'object', properties: { a: { type: ['string', 'null'] } } }
    const out = normalize({
      contents: [],
      generationConfig: { responseJsonSchema: jsonSchema },
      tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: jsonSchema }] }],
    })
    expect(out.generationConfig.responseJsonSchema).toEqual(jsonSchema)
    expect(out.tools[0].functionDeclarations[0].parametersJsonSchema).toEqual(jsonSchema)
  })
})

describe('the name table is derived from the spec', () => {
  const spec = JSON.parse(readFileSync(new URL('../../generated/google/openapi.json', import.meta.url), 'utf8'))
  const schemas = spec.components.schemas as Record<string, { properties?: Record<string, unknown> }>

  it.each(['GenerateContentRequest', 'GenerationConfig', 'ThinkingConfig', 'Part', 'FunctionDeclaration', 'Tool', 'FileSearch', 'Schema', 'SafetySetting'])(
    '%s: the table lists exactly its spec properties',
    (message) => {
      expect(fieldNames(names, message)?.sort()).toEqual(Object.keys(schemas[message]!.properties!).sort())
    },
  )

  it('says in its first line that it is generated, and from what', () => {
    const first = readFileSync(new URL('../../generated/google/validators/request-names.ts', import.meta.url), 'utf8').split('\n')[0]
    expect(first).toMatch(/^\/\/ Generated by scripts\/generate\.ts from spec\/openapi\.yaml \(bundle sha256:[0-9a-f]{16}\)\. Do not edit/)
  })

  it('snake_case is the proto field name camelCase was made from', () => {
    expect(['responseMimeType', 'parametersJsonSchema', 'fileSearchStoreNames', 'text'].map(snakeCase)).toEqual([
      'response_mime_type',
      'parameters_json_schema',
      'file_search_store_names',
      'text',
    ])
  })
})
