import { describe, expect, it } from 'vitest'
import { verdict } from '../../scripts/spec-diff/report.ts'
import { diffEdit, pairs, type Editable } from './helpers.ts'

const OP = '/paths/~1items~1{id}/post'
const op = (d: Editable): Editable => d.paths['/items/{id}'].post

describe('paths and operations', () => {
  it('path removed → breaking; added → non-breaking', () => {
    expect(diffEdit((d) => delete d.paths['/health'])).toEqual([{ severity: 'breaking', pointer: '/paths/~1health', message: 'path removed: /health' }])
    expect(diffEdit((d) => (d.paths['/stats'] = { get: { responses: { '200': { description: 'ok' } } } }))).toEqual([
      { severity: 'non-breaking', pointer: '/paths/~1stats', message: 'path added: /stats' },
    ])
  })

  it('operation removed → breaking; added → non-breaking', () => {
    const changes = diffEdit((d) => {
      d.paths['/items/{id}'].put = d.paths['/items/{id}'].post
      delete d.paths['/items/{id}'].post
    })
    expect(changes).toEqual([
      { severity: 'breaking', pointer: OP, message: 'operation removed: POST /items/{id}' },
      { severity: 'non-breaking', pointer: '/paths/~1items~1{id}/put', message: 'operation added: PUT /items/{id}' },
    ])
  })

  it('operationId changes rename generated methods → breaking', () => {
    expect(pairs(diffEdit((d) => (op(d).operationId = 'makeItem')))).toEqual([
      ['breaking', 'operationId changed ("createItem" → "makeItem"): POST /items/{id}'],
    ])
  })

  it('summary, tags and info changes are docs; deprecation is non-breaking', () => {
    const changes = diffEdit((d) => {
      op(d).summary = 'Make an item'
      op(d).tags = ['Items']
      d.info.version = '1.1.0'
    })
    expect(pairs(changes)).toEqual([
      ['docs', 'info.version changed ("1.0.0" → "1.1.0")'],
      ['docs', 'summary changed: POST /items/{id}'],
      ['docs', 'tags added: POST /items/{id}'],
    ])
    expect(pairs(diffEdit((d) => (op(d).deprecated = true)))).toEqual([['non-breaking', 'deprecated: POST /items/{id}']])
  })
})

describe('parameters', () => {
  it('removing an optional parameter is breaking too', () => {
    expect(diffEdit((d) => op(d).parameters.splice(1, 1))).toEqual([
      { severity: 'breaking', pointer: `${OP}/parameters/1`, message: 'parameter removed: query parameter verbose of POST /items/{id}' },
    ])
  })

  it('removing a required parameter is breaking', () => {
    const changes = diffEdit((d) => (op(d).parameters[0] = { name: 'id', in: 'query', schema: { type: 'string' } }))
    expect(pairs(changes)).toEqual([
      ['breaking', 'parameter removed: path parameter id of POST /items/{id}'],
      ['non-breaking', 'optional parameter added: query parameter id of POST /items/{id}'],
    ])
  })

  it('new required parameter → breaking; new optional → non-breaking', () => {
    expect(pairs(diffEdit((d) => op(d).parameters.push({ name: 'page', in: 'query', required: true, schema: { type: 'integer' } })))).toEqual([
      ['breaking', 'required parameter added: query parameter page of POST /items/{id}'],
    ])
    expect(pairs(diffEdit((d) => op(d).parameters.push({ name: 'page', in: 'query', schema: { type: 'integer' } })))).toEqual([
      ['non-breaking', 'optional parameter added: query parameter page of POST /items/{id}'],
    ])
  })

  it('optional → required is breaking; required → optional is not', () => {
    expect(pairs(diffEdit((d) => (op(d).parameters[1].required = true)))).toEqual([
      ['breaking', 'parameter became required: query parameter verbose of POST /items/{id}'],
    ])
    const relaxed = diffEdit(
      (d) => (op(d).parameters[1].required = false),
      (d) => (op(d).parameters[1].required = true),
    )
    expect(pairs(relaxed)).toEqual([['non-breaking', 'parameter no longer required: query parameter verbose of POST /items/{id}']])
  })

  it('parameter schemas follow the request rules', () => {
    expect(diffEdit((d) => (op(d).parameters[1].schema.type = 'string'))).toEqual([
      {
        severity: 'breaking',
        pointer: `${OP}/parameters/1/schema/type`,
        message: 'request type changed (boolean → string): query parameter verbose of POST /items/{id}',
      },
    ])
    // Trace is a shared component parameter: compared once, where it is defined.
    expect(diffEdit((d) => (d.components.parameters.Trace.schema.enum = ['on']))).toEqual([
      {
        severity: 'breaking',
        pointer: '/components/parameters/Trace/schema/enum',
        message: 'request enum value "off" removed: header parameter trace (parameters.Trace)',
      },
    ])
    expect(pairs(diffEdit((d) => d.components.parameters.Trace.schema.enum.push('debug')))).toEqual([
      ['non-breaking', 'request enum value "debug" added: header parameter trace (parameters.Trace)'],
    ])
  })

  it('header names match case-insensitively; path-level parameters apply to each operation', () => {
    const renamed = diffEdit(
      (d) => (op(d).parameters[3].name = 'X-Tenant'),
      (d) => op(d).parameters.push({ name: 'x-tenant', in: 'header', schema: { type: 'string' } }),
    )
    expect(renamed).toEqual([])
    const pathLevel = diffEdit(
      (d) => (d.paths['/items/{id}'].parameters[0].schema.type = 'integer'),
      (d) => (d.paths['/items/{id}'].parameters = [op(d).parameters.shift()]),
    )
    expect(pairs(pathLevel)).toEqual([['breaking', 'request type changed (string → integer): path parameter id of POST /items/{id}']])
  })

  it('serialization changes are breaking, spelling out the default is not', () => {
    expect(diffEdit((d) => Object.assign(op(d).parameters[1], { style: 'form', explode: true }))).toEqual([])
    expect(pairs(diffEdit((d) => (op(d).parameters[1].explode = false)))).toEqual([
      ['breaking', 'parameter serialization changed: query parameter verbose of POST /items/{id}'],
    ])
  })
})

describe('request bodies and responses', () => {
  it('request body required/removed/added', () => {
    expect(pairs(diffEdit((d) => (op(d).requestBody.required = false)))).toEqual([['non-breaking', 'request body no longer required: POST /items/{id}']])
    expect(pairs(diffEdit((d) => delete op(d).requestBody))).toEqual([['breaking', 'request body removed: POST /items/{id}']])
    const added = diffEdit((d) => (d.paths['/health'].get.requestBody = { required: true, content: { 'application/json': { schema: { type: 'object' } } } }))
    expect(pairs(added)).toEqual([['breaking', 'required request body added: GET /health']])
  })

  it('a new success status is breaking for exhaustive callers; a new error status is not', () => {
    expect(pairs(diffEdit((d) => (op(d).responses['201'] = { description: 'Accepted.' })))).toEqual([
      ['breaking', 'success response 201 added: POST /items/{id} (callers handling every success status must handle it)'],
    ])
    expect(pairs(diffEdit((d) => (op(d).responses['404'] = { description: 'Missing.' })))).toEqual([['non-breaking', 'response 404 added: POST /items/{id}']])
    expect(pairs(diffEdit((d) => delete op(d).responses['200']))).toEqual([['breaking', 'response 200 removed: POST /items/{id}']])
    expect(pairs(diffEdit((d) => delete op(d).responses['400']))).toEqual([['non-breaking', 'response 400 removed: POST /items/{id}']])
  })

  it('media types and response headers', () => {
    const xml = diffEdit((d) => {
      const content = op(d).responses['200'].content
      content['application/xml'] = content['application/json']
      delete content['application/json']
    })
    expect(pairs(xml)).toEqual([
      ['breaking', 'media type application/json removed: response 200 of POST /items/{id}'],
      ['non-breaking', 'media type application/xml added: response 200 of POST /items/{id}'],
    ])
    expect(pairs(diffEdit((d) => delete op(d).responses['200'].headers))).toEqual([
      ['breaking', 'header X-Request-Id removed: response 200 of POST /items/{id}'],
    ])
    expect(pairs(diffEdit((d) => (op(d).responses['200'].headers['X-Request-Id'].schema.type = 'integer')))).toEqual([
      ['breaking', 'response type changed (string → integer): header X-Request-Id of response 200 of POST /items/{id}'],
    ])
  })

  it('shared component responses are compared once with response rules', () => {
    const changes = diffEdit((d) => (d.components.schemas.Error.properties.message.type = ['string', 'null']))
    expect(changes).toEqual([
      {
        severity: 'breaking',
        pointer: '/components/schemas/Error/properties/message/type',
        message: 'response type widened (string → string|null): Error.message',
      },
    ])
    expect(pairs(diffEdit((d) => (d.components.responses.Error.description = 'Any failure.')))).toEqual([['docs', 'description changed: response Error']])
  })

  it('examples are docs', () => {
    const changes = diffEdit((d) => (op(d).responses['200'].content['application/json'].example = { id: 'x' }))
    expect(changes).toEqual([
      {
        severity: 'docs',
        pointer: `${OP}/responses/200/content/application~1json/example`,
        message: 'example added: response 200 of POST /items/{id} (application/json)',
      },
    ])
  })
})

describe('security and servers', () => {
  it('security scheme header name, type or HTTP scheme changed → breaking', () => {
    expect(diffEdit((d) => (d.components.securitySchemes.apiKey.name = 'x-key'))).toEqual([
      {
        severity: 'breaking',
        pointer: '/components/securitySchemes/apiKey/name',
        message: 'header name changed ("x-api-key" → "x-key"): security scheme apiKey',
      },
    ])
    expect(pairs(diffEdit((d) => (d.components.securitySchemes.apiKey = { type: 'http', scheme: 'bearer', description: 'Key.' })))).toEqual([
      ['breaking', 'type changed ("apiKey" → "http"): security scheme apiKey'],
    ])
    expect(pairs(diffEdit((d) => (d.components.securitySchemes.bearer.scheme = 'basic')))).toEqual([
      ['breaking', 'HTTP scheme changed ("bearer" → "basic"): security scheme bearer'],
    ])
    expect(pairs(diffEdit((d) => delete d.components.securitySchemes.bearer))).toEqual([['breaking', 'security scheme removed: bearer']])
  })

  it('case-only changes that HTTP ignores are not breaking; descriptions are docs', () => {
    expect(diffEdit((d) => (d.components.securitySchemes.bearer.scheme = 'Bearer'))).toEqual([])
    expect(pairs(diffEdit((d) => (d.components.securitySchemes.apiKey.name = 'X-API-Key')))).toEqual([
      ['docs', 'header name case changed (x-api-key → X-API-Key): security scheme apiKey'],
    ])
    expect(pairs(diffEdit((d) => (d.components.securitySchemes.apiKey.description = 'Your key.')))).toEqual([
      ['docs', 'description changed: security scheme apiKey'],
    ])
  })

  it('security requirements: replaced or tightened → breaking; alternative added → non-breaking', () => {
    expect(pairs(diffEdit((d) => (d.security = [{ bearer: [] }])))).toEqual([['breaking', 'security requirements changed (apiKey → bearer): document']])
    expect(pairs(diffEdit((d) => (d.security = [{ apiKey: [], bearer: [] }])))).toEqual([
      ['breaking', 'security requirements changed (apiKey → apiKey + bearer): document'],
    ])
    expect(pairs(diffEdit((d) => d.security.push({ bearer: [] })))).toEqual([
      ['non-breaking', 'security requirements relaxed (apiKey → apiKey | bearer): document'],
    ])
    expect(pairs(diffEdit((d) => (op(d).security = [{ bearer: [] }])))).toEqual([
      ['breaking', 'security requirements changed (apiKey → bearer): POST /items/{id}'],
    ])
  })

  it('server URL changed → breaking; server added → non-breaking; description → docs', () => {
    expect(diffEdit((d) => (d.servers[0].url = 'https://api2.example.com'))).toEqual([
      { severity: 'breaking', pointer: '/servers', message: 'server URL changed (https://api.example.com → https://api2.example.com): document' },
    ])
    expect(pairs(diffEdit((d) => d.servers.push({ url: 'https://eu.example.com' })))).toEqual([
      ['non-breaking', 'server added (https://eu.example.com): document'],
    ])
    expect(pairs(diffEdit((d) => (d.servers[0].description = 'Live')))).toEqual([['docs', 'server description changed (https://api.example.com): document']])
    expect(pairs(diffEdit((d) => (op(d).servers = [{ url: 'https://upload.example.com' }])))).toEqual([
      ['breaking', 'server URL changed (https://api.example.com → https://upload.example.com): POST /items/{id}'],
    ])
  })
})

describe('server-initiated requests swap directions', () => {
  const hook = (d: Editable): void => {
    d.webhooks = {
      itemChanged: {
        post: {
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Event' } } } },
          responses: { '200': { description: 'Ack.' } },
        },
      },
    }
    d.components.schemas.Event = { type: 'object', properties: { kind: { type: 'string', enum: ['created'] } } }
  }

  it('a webhook payload is received by the client, so it follows the response rules', () => {
    const changes = diffEdit((d) => d.components.schemas.Event.properties.kind.enum.push('deleted'), hook)
    expect(pairs(changes)).toEqual([['non-breaking', 'response enum value "deleted" added: Event.kind (strict-enum consumers may reject it)']])
    expect(pairs(diffEdit((d) => delete d.webhooks.itemChanged, hook))).toEqual([['breaking', 'webhook removed: webhook itemChanged']])
  })

  it('a callback payload too, and a new required callback parameter is not breaking for the client', () => {
    const cb = (d: Editable): void => {
      op(d).callbacks = {
        done: {
          '{$request.body#/callbackUrl}': {
            post: {
              requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { ok: { type: 'boolean' } } } } } },
              responses: { '204': { description: 'Ack.' } },
            },
          },
        },
      }
    }
    const changes = diffEdit((d) => {
      const post = op(d).callbacks.done['{$request.body#/callbackUrl}'].post
      delete post.requestBody.content['application/json'].schema.properties.ok
      post.parameters = [{ name: 'sig', in: 'header', required: true, schema: { type: 'string' } }]
    }, cb)
    expect(pairs(changes)).toEqual([
      ['breaking', 'response property removed: request body of POST callback done {$request.body#/callbackUrl} of POST /items/{id} (application/json).ok'],
      ['non-breaking', 'required parameter added: header parameter sig of POST callback done {$request.body#/callbackUrl} of POST /items/{id}'],
    ])
  })
})

describe('components and the document', () => {
  it('x-generated is ignored everywhere', () => {
    const changes = diffEdit(
      (d) => {
        d['x-generated'] = 'Generated (bundle sha256:bbbb)'
        d.components.schemas.Res['x-generated'] = 'also ignored'
      },
      (d) => (d['x-generated'] = 'Generated (bundle sha256:aaaa)'),
    )
    expect(changes).toEqual([])
    expect(verdict(changes)).toBe('none')
  })

  it('other x- extensions are docs', () => {
    expect(pairs(diffEdit((d) => (d.components.parameters.Trace['x-documented-models'] = ['a'])))).toEqual([
      ['docs', 'x-documented-models added: header parameter trace (parameters.Trace)'],
    ])
  })

  it('an unknown top-level field is treated as breaking (conservative)', () => {
    expect(pairs(diffEdit((d) => (d.jsonSchemaDialect = 'https://spec.openapis.org/oas/3.1/dialect/base')))).toEqual([['breaking', 'jsonSchemaDialect added']])
  })
})
