import { describe, expect, it } from 'vitest'
import { diffSpecs, type OpenAPIDoc } from '../../scripts/spec-diff/diff.ts'
import { verdict } from '../../scripts/spec-diff/report.ts'
import { baseDoc, diffEdit, pairs, type Editable } from './helpers.ts'

const REQ = '/components/schemas/Req'
const RES = '/components/schemas/Res'

describe('request schemas (what the client sends)', () => {
  it('property removed → breaking', () => {
    const changes = diffEdit((d) => delete d.components.schemas.Req.properties.mode)
    expect(changes).toEqual([{ severity: 'breaking', pointer: `${REQ}/properties/mode`, message: 'request property removed: Req.mode' }])
  })

  it('optional property added → non-breaking; required property added → breaking', () => {
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.properties.color = { type: 'string' })))).toEqual([
      ['non-breaking', 'request property added: Req.color'],
    ])
    const changes = diffEdit((d) => {
      d.components.schemas.Req.properties.color = { type: 'string' }
      d.components.schemas.Req.required.push('color')
    })
    expect(changes).toEqual([{ severity: 'breaking', pointer: `${REQ}/properties/color`, message: 'request required property added: Req.color' }])
  })

  it('added to required → breaking; removed from required → non-breaking', () => {
    expect(pairs(diffEdit((d) => d.components.schemas.Req.required.push('mode')))).toEqual([['breaking', 'request property became required: Req.mode']])
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.required = [])))).toEqual([['non-breaking', 'request property no longer required: Req.name']])
  })

  it('type narrowed or changed → breaking; widened → non-breaking', () => {
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.properties.size.type = 'integer')))).toEqual([
      ['breaking', 'request type narrowed (integer|null → integer): Req.size'],
    ])
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.properties.name.type = 'integer')))).toEqual([
      ['breaking', 'request type changed (string → integer): Req.name'],
    ])
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.properties.size.type = ['number', 'null'])))).toEqual([
      ['non-breaking', 'request type widened (integer|null → number|null): Req.size'],
    ])
  })

  it('enum value removed → breaking; added → non-breaking', () => {
    const removed = diffEdit((d) => (d.components.schemas.Req.properties.mode.enum = ['fast']))
    expect(removed).toEqual([{ severity: 'breaking', pointer: `${REQ}/properties/mode/enum`, message: 'request enum value "slow" removed: Req.mode' }])
    expect(pairs(diffEdit((d) => d.components.schemas.Req.properties.mode.enum.push('auto')))).toEqual([
      ['non-breaking', 'request enum value "auto" added: Req.mode'],
    ])
  })

  it('constraints tightened → breaking; loosened → non-breaking', () => {
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.properties.name.maxLength = 5)))).toEqual([
      ['breaking', 'request maxLength tightened (10 → 5): Req.name'],
    ])
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.properties.name.maxLength = 50)))).toEqual([
      ['non-breaking', 'request maxLength loosened (10 → 50): Req.name'],
    ])
    expect(pairs(diffEdit((d) => delete d.components.schemas.Req.properties.name.maxLength))).toEqual([
      ['non-breaking', 'request maxLength loosened (10 → none): Req.name'],
    ])
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.properties.tags.minItems = 2)))).toEqual([
      ['breaking', 'request minItems tightened (1 → 2): Req.tags'],
    ])
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.properties.name.pattern = '^[a-z]+$')))).toEqual([
      ['breaking', 'request pattern tightened (none → "^[a-z]+$"): Req.name'],
    ])
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.properties.size.minimum = 0)))).toEqual([
      ['non-breaking', 'request minimum loosened (1 → 0): Req.size'],
    ])
  })

  it('items are compared as nested schemas', () => {
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.properties.tags.items.type = 'integer')))).toEqual([
      ['breaking', 'request type changed (string → integer): Req.tags[]'],
    ])
  })

  it('additionalProperties closed → breaking; opened → non-breaking', () => {
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.additionalProperties = false)))).toEqual([
      ['breaking', 'request additional properties no longer allowed: Req'],
    ])
    const opened = diffEdit(
      (d) => (d.components.schemas.Req.additionalProperties = true),
      (d) => (d.components.schemas.Req.additionalProperties = false),
    )
    expect(pairs(opened)).toEqual([['non-breaking', 'request additional properties now allowed: Req']])
  })

  it('a changed default changes behaviour for callers that omit the field', () => {
    expect(pairs(diffEdit((d) => (d.components.schemas.Req.properties.mode.default = 'fast')))).toEqual([
      ['non-breaking', 'request default added ("fast"): Req.mode'],
    ])
    const changed = diffEdit(
      (d) => (d.components.schemas.Req.properties.mode.default = 'slow'),
      (d) => (d.components.schemas.Req.properties.mode.default = 'fast'),
    )
    expect(pairs(changed)).toEqual([['breaking', 'request default changed ("fast" → "slow"): Req.mode (callers omitting it get different behaviour)']])
  })
})

describe('response schemas (what the client receives)', () => {
  it('property removed → breaking; added → non-breaking', () => {
    expect(diffEdit((d) => delete d.components.schemas.Res.properties.count)).toEqual([
      { severity: 'breaking', pointer: `${RES}/properties/count`, message: 'response property removed: Res.count' },
    ])
    expect(pairs(diffEdit((d) => (d.components.schemas.Res.properties.extra = { type: 'string' })))).toEqual([
      ['non-breaking', 'response property added: Res.extra'],
    ])
  })

  it('type changed or widened → breaking; narrowed → non-breaking', () => {
    expect(pairs(diffEdit((d) => (d.components.schemas.Res.properties.count.type = 'string')))).toEqual([
      ['breaking', 'response type changed (integer → string): Res.count'],
    ])
    expect(pairs(diffEdit((d) => (d.components.schemas.Res.properties.count.type = ['integer', 'null'])))).toEqual([
      ['breaking', 'response type widened (integer → integer|null): Res.count'],
    ])
    const narrowed = diffEdit(
      (d) => (d.components.schemas.Res.properties.count.type = 'integer'),
      (d) => (d.components.schemas.Res.properties.count.type = 'number'),
    )
    expect(pairs(narrowed)).toEqual([['non-breaking', 'response type narrowed (number → integer): Res.count']])
  })

  it('enum value added → non-breaking, flagged for strict-enum consumers; removed → non-breaking', () => {
    const added = diffEdit((d) => d.components.schemas.Res.properties.status.enum.push('pending'))
    expect(added).toEqual([
      {
        severity: 'non-breaking',
        pointer: `${RES}/properties/status/enum`,
        message: 'response enum value "pending" added: Res.status (strict-enum consumers may reject it)',
      },
    ])
    expect(pairs(diffEdit((d) => (d.components.schemas.Res.properties.status.enum = ['ok'])))).toEqual([
      ['non-breaking', 'response enum value "failed" removed: Res.status'],
    ])
  })

  it('required added → non-breaking; required removed → breaking', () => {
    expect(pairs(diffEdit((d) => d.components.schemas.Res.required.push('status')))).toEqual([
      ['non-breaking', 'response property became required: Res.status'],
    ])
    expect(pairs(diffEdit((d) => (d.components.schemas.Res.required = [])))).toEqual([
      ['breaking', 'response property no longer required: Res.id (callers relied on it being present)'],
    ])
  })

  it('guarantees weakened → breaking (format removed, maxLength loosened)', () => {
    expect(pairs(diffEdit((d) => delete d.components.schemas.Res.properties.createdAt.format))).toEqual([
      ['breaking', 'response format loosened ("date-time" → none): Res.createdAt'],
    ])
    expect(pairs(diffEdit((d) => (d.components.schemas.Res.properties.id.maxLength = 64)))).toEqual([
      ['non-breaking', 'response maxLength tightened (none → 64): Res.id'],
    ])
  })
})

describe('schemas used from both sides', () => {
  it('a property removed from a shared schema is breaking for requests and responses', () => {
    expect(diffEdit((d) => delete d.components.schemas.Shared.properties.note)).toEqual([
      { severity: 'breaking', pointer: '/components/schemas/Shared/properties/note', message: 'request property removed: Shared.note' },
      { severity: 'breaking', pointer: '/components/schemas/Shared/properties/note', message: 'response property removed: Shared.note' },
    ])
  })

  it('each side keeps its own severity', () => {
    expect(pairs(diffEdit((d) => (d.components.schemas.Shared.properties.kind.enum = ['a'])))).toEqual([
      ['breaking', 'request enum value "b" removed: Shared.kind'],
      ['non-breaking', 'response enum value "b" removed: Shared.kind'],
    ])
  })

  it('a schema reachable only through anyOf members and nested refs is still found', () => {
    const changes = diffEdit(
      (d) => (d.components.schemas.Deep.properties.v.type = 'integer'),
      (d) => {
        d.components.schemas.Deep = { type: 'object', properties: { v: { type: 'string' } } }
        d.components.schemas.Res.properties.output.anyOf.push({ type: 'array', items: { $ref: '#/components/schemas/Deep' } })
      },
    )
    expect(pairs(changes)).toEqual([['breaking', 'response type changed (string → integer): Deep.v']])
  })

  it('read-only properties are judged as responses only', () => {
    const changes = diffEdit(
      (d) => delete d.components.schemas.Shared.properties.id,
      (d) => (d.components.schemas.Shared.properties.id = { type: 'string', readOnly: true }),
    )
    expect(pairs(changes)).toEqual([['breaking', 'response property removed: Shared.id']])
  })
})

describe('composition', () => {
  it('response alternative added → breaking; request alternative added → non-breaking', () => {
    expect(diffEdit((d) => d.components.schemas.Res.properties.output.anyOf.push({ type: 'integer' }))).toEqual([
      {
        severity: 'breaking',
        pointer: `${RES}/properties/output/anyOf/2`,
        message: 'response alternative #2 (integer) added to anyOf: Res.output (callers handling every case must handle it)',
      },
    ])
    expect(pairs(diffEdit((d) => d.components.schemas.Req.properties.input.anyOf.push({ type: 'integer' })))).toEqual([
      ['non-breaking', 'request alternative #2 (integer) added to anyOf: Req.input'],
    ])
  })

  it('alternative removed: breaking in requests, non-breaking in responses', () => {
    expect(pairs(diffEdit((d) => d.components.schemas.Req.properties.input.anyOf.pop()))).toEqual([
      ['breaking', 'request alternative Shared removed from anyOf: Req.input'],
    ])
    expect(pairs(diffEdit((d) => d.components.schemas.Res.properties.output.anyOf.pop()))).toEqual([
      ['non-breaking', 'response alternative Shared removed from anyOf: Res.output'],
    ])
  })

  it('a plain schema turned into anyOf of itself and more is an added alternative', () => {
    const wrap = (d: Editable, schema: string): void => {
      d.components.schemas[schema].properties.shared = { anyOf: [{ $ref: '#/components/schemas/Shared' }, { type: 'string' }] }
    }
    expect(pairs(diffEdit((d) => wrap(d, 'Res')))).toEqual([
      ['breaking', 'response alternative #1 (string) added to anyOf: Res.shared (callers handling every case must handle it)'],
    ])
    expect(pairs(diffEdit((d) => wrap(d, 'Req')))).toEqual([['non-breaking', 'request alternative #1 (string) added to anyOf: Req.shared']])
  })

  it('members are matched by content, not position', () => {
    expect(diffEdit((d) => d.components.schemas.Res.properties.output.anyOf.reverse())).toEqual([])
  })

  it('changed inline members are compared structurally', () => {
    const changes = diffEdit(
      (d) => (d.components.schemas.Res.properties.output.anyOf[1].properties.more = { type: 'string' }),
      (d) => (d.components.schemas.Res.properties.output.anyOf[1] = { type: 'object', properties: { a: { type: 'string' } } }),
    )
    expect(pairs(changes)).toEqual([['non-breaking', 'response property added: Res.output<anyOf[1]>.more']])
  })

  it('allOf member added → breaking for requests, non-breaking for responses', () => {
    const add = (d: Editable, schema: string): void => {
      d.components.schemas[schema].properties.shared = { allOf: [{ $ref: '#/components/schemas/Shared' }, { required: ['note'] }] }
    }
    const prep = (d: Editable, schema: string): void => {
      d.components.schemas[schema].properties.shared = { allOf: [{ $ref: '#/components/schemas/Shared' }] }
    }
    expect(
      pairs(
        diffEdit(
          (d) => add(d, 'Req'),
          (d) => prep(d, 'Req'),
        ),
      ),
    ).toEqual([['breaking', 'request composition changed (allOf member #1 added): Req.shared']])
    expect(
      pairs(
        diffEdit(
          (d) => add(d, 'Res'),
          (d) => prep(d, 'Res'),
        ),
      ),
    ).toEqual([['non-breaking', 'response composition changed (allOf member #1 added): Res.shared']])
  })

  it('composition it cannot follow is reported as breaking', () => {
    expect(pairs(diffEdit((d) => (d.components.schemas.Res.properties.id.not = { const: '' })))).toEqual([
      ['breaking', 'response composition changed (not added): Res.id'],
    ])
    const oneOf = diffEdit((d) => {
      const s = d.components.schemas.Req.properties.input
      s.oneOf = s.anyOf
      delete s.anyOf
    })
    expect(pairs(oneOf)).toEqual([
      ['breaking', 'request composition changed (anyOf removed): Req.input'],
      ['breaking', 'request composition changed (oneOf added): Req.input'],
    ])
    const discriminator = diffEdit((d) => (d.components.schemas.Res.discriminator = { propertyName: 'status' }))
    expect(pairs(discriminator)).toEqual([['breaking', 'response composition changed (discriminator added): Res']])
  })
})

describe('references and cycles', () => {
  const tree = (d: Editable): void => {
    d.components.schemas.Tree = {
      type: 'object',
      properties: { label: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Tree' } } },
    }
    d.components.schemas.Forest = {
      type: 'object',
      properties: { first: { $ref: '#/components/schemas/Tree' }, next: { $ref: '#/components/schemas/Forest' } },
    }
    d.components.schemas.Res.properties.tree = { $ref: '#/components/schemas/Forest' }
  }

  it('self-referencing schemas are compared once', () => {
    const changes = diffEdit((d) => delete d.components.schemas.Tree.properties.label, tree)
    expect(pairs(changes)).toEqual([['breaking', 'response property removed: Tree.label']])
  })

  it('a reference retargeted between cyclic schemas compares their structure and terminates', () => {
    const changes = diffEdit((d) => {
      d.components.schemas.Tree2 = structuredClone(d.components.schemas.Tree)
      d.components.schemas.Tree2.properties.children.items.$ref = '#/components/schemas/Tree2'
      d.components.schemas.Tree2.properties.size = { type: 'integer' }
      d.components.schemas.Forest.properties.first.$ref = '#/components/schemas/Tree2'
    }, tree)
    expect(pairs(changes)).toEqual([
      ['non-breaking', 'component schema added: Tree2'],
      ['non-breaking', 'response property added: Forest.first.size'],
      ['docs', 'schema reference changed (Tree → Tree2): Forest.first'],
      ['docs', 'schema reference changed (Tree → Tree2): Forest.first.children[]'],
    ])
    expect(changes.find((c) => c.message.includes('Forest.first.size'))?.pointer).toBe('/components/schemas/Tree2/properties/size')
  })

  it('inline ↔ $ref with the same content is no change', () => {
    const changes = diffEdit((d) => (d.components.schemas.Res.properties.shared = structuredClone(d.components.schemas.Shared)))
    expect(changes).toEqual([])
  })

  it('$ref siblings (description) are documentation', () => {
    const changes = diffEdit((d) => (d.components.schemas.Res.properties.shared.description = 'The shared part.'))
    expect(changes).toEqual([{ severity: 'docs', pointer: `${RES}/properties/shared/description`, message: 'description added: Res.shared' }])
  })
})

describe('component schemas are public types', () => {
  it('removing a referenced schema is breaking', () => {
    const changes = diffEdit((d) => {
      delete d.components.schemas.Error
      d.components.responses.Error.content['application/json'].schema = { type: 'object', properties: { message: { type: 'string' } } }
    })
    expect(pairs(changes)).toEqual([['breaking', 'component schema removed: Error']])
  })

  it('removing an unreferenced schema is breaking too (it is exported)', () => {
    expect(diffEdit((d) => delete d.components.schemas.Orphan)).toEqual([
      {
        severity: 'breaking',
        pointer: '/components/schemas/Orphan',
        message: 'component schema removed: Orphan (unreferenced, but exported as a public type)',
      },
    ])
  })

  it('adding a schema is non-breaking', () => {
    expect(pairs(diffEdit((d) => (d.components.schemas.New = { type: 'string' })))).toEqual([['non-breaking', 'component schema added: New']])
  })

  it('changes inside an unreferenced schema take the worse of request and response', () => {
    const changes = diffEdit((d) => {
      d.components.schemas.Orphan.properties.y = { type: 'string', enum: ['p'] }
      d.components.schemas.Orphan.required = ['y']
    })
    expect(pairs(changes)).toEqual([['breaking', 'unreferenced required property added: Orphan.y']])
    expect(pairs(diffEdit((d) => (d.components.schemas.Orphan.properties.z = { type: 'string' })))).toEqual([
      ['non-breaking', 'unreferenced property added: Orphan.z'],
    ])
  })
})

describe('documentation-only changes', () => {
  it('description, title, example and x- extensions are docs → patch', () => {
    const changes = diffEdit((d) => {
      const s = d.components.schemas.Res
      s.description = 'A created item.'
      s.title = 'Result'
      s.properties.id.examples = ['it_1']
      s.properties.id['x-origin'] = 'recordings'
      d.components.schemas.Req.properties.name.description = 'Shown in lists.'
    })
    expect(pairs(changes)).toEqual([
      ['docs', 'description changed: Req.name'],
      ['docs', 'description added: Res'],
      ['docs', 'examples added: Res.id'],
      ['docs', 'x-origin added: Res.id'],
      ['docs', 'title added: Res'],
    ])
    expect(verdict(changes)).toBe('patch')
  })

  it('deprecation is non-breaking (semver: minor)', () => {
    expect(pairs(diffEdit((d) => (d.components.schemas.Res.properties.count.deprecated = true)))).toEqual([['non-breaking', 'deprecated: Res.count']])
  })
})

describe('OpenAPI 3.1 shapes', () => {
  it('boolean schemas, additionalProperties: true, type arrays and const do not crash', () => {
    const changes = diffEdit(
      (d) => {
        const p = d.components.schemas.Res.properties
        p.anything = false
        p.never = true
        p.map.additionalProperties = { type: 'string' }
        p.kind = { const: 'item' }
        p.nullable = { type: ['string', 'integer', 'null'] }
      },
      (d) => {
        const p = d.components.schemas.Res.properties
        p.anything = true
        p.never = false
        p.map = { type: 'object', additionalProperties: true }
        p.kind = { const: 'thing' }
        p.nullable = { type: ['string', 'null'] }
      },
    )
    expect(pairs(changes)).toEqual([
      ['breaking', 'response no longer rejects every value: Res.never'],
      ['breaking', 'response type widened (string|null → integer|string|null): Res.nullable'],
      ['non-breaking', 'response now rejects every value: Res.anything'],
      ['non-breaking', 'response enum value "item" added: Res.kind (strict-enum consumers may reject it)'],
      ['non-breaking', 'response enum value "thing" removed: Res.kind'],
      ['non-breaking', 'response type narrowed (any → string): Res.map.*'],
    ])
  })

  it('tolerates odd but valid documents', () => {
    const weird: OpenAPIDoc = {
      openapi: '3.1.0',
      info: { title: 'x', version: '1' },
      jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
      webhooks: {},
      components: {
        schemas: {
          B: true,
          N: false,
          T: { type: 'array', prefixItems: [{ type: 'string' }], items: false, $defs: { d: { type: 'string' } } },
          R: { $ref: '#/components/schemas/T/$defs/d' },
          E: { $ref: 'https://example.com/external.json' },
          P: { type: 'object', patternProperties: { '^x-': { type: 'string' } }, unevaluatedProperties: false },
        },
        pathItems: { P: { get: { responses: { default: { description: 'x' } } } } },
      },
      paths: { '/p': { $ref: '#/components/pathItems/P' } },
    }
    expect(diffSpecs(weird, structuredClone(weird))).toEqual([])
    const after = structuredClone(weird) as Editable
    after.components.schemas.B = false
    after.components.schemas.T.prefixItems.push({ type: 'integer' })
    after.components.schemas.T.$defs.d.type = 'integer'
    after.components.schemas.E.$ref = 'https://example.com/other.json'
    after.components.schemas.P.patternProperties['^x-'].type = 'integer'
    after.components.pathItems.P.get.responses.default.description = 'y'
    expect(pairs(diffSpecs(weird, after))).toEqual([
      ['breaking', 'unreferenced now rejects every value: B'],
      ['breaking', 'unreferenced reference changed (https://example.com/external.json → https://example.com/other.json): E'],
      ['breaking', 'unreferenced keyword patternProperties changed: P'],
      ['breaking', 'unreferenced type changed (string → integer): T.$defs.d'],
      ['breaking', 'unreferenced composition changed (prefixItems changed): T'],
      ['docs', 'description changed: response default of GET /p'],
    ])
  })
})

describe('determinism', () => {
  it('returns the same order regardless of key order in the input', () => {
    const before = baseDoc()
    const after = structuredClone(before) as Editable
    delete after.components.schemas.Res.properties.count
    after.components.schemas.Req.properties.mode.enum = ['fast']
    after.info.description = 'Changed.'
    after.paths['/new'] = { get: { responses: { '200': { description: 'ok' } } } }
    const reversed = (x: unknown): unknown =>
      Array.isArray(x)
        ? x.map(reversed)
        : x && typeof x === 'object'
          ? Object.fromEntries(
              Object.entries(x)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : x
    const first = diffSpecs(before, after)
    expect(diffSpecs(reversed(before) as OpenAPIDoc, reversed(after) as OpenAPIDoc)).toEqual(first)
    expect(first.map((c) => c.severity)).toEqual(['breaking', 'breaking', 'non-breaking', 'docs'])
  })
})
