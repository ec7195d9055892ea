// The TypeBox schemas' static types and the openapi-typescript types describe the same values: each is
// assignable to the other, for every component schema of every provider of the registry.
import type { Static, TSchema } from 'typebox'
import { describe, expectTypeOf, it } from 'vitest'
import type { Provider } from '../../generated/registry.ts'
import type { SchemaTypes } from '../../generated/schema-types.ts'

type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
/** The names whose two types disagree, or that one side lacks; `never` when all agree. */
type Mismatches<Module, Schemas> = {
  [K in keyof Schemas]: K extends keyof Module ? (Module[K] extends TSchema ? (Agree<Static<Module[K]>, Schemas[K]> extends true ? never : K) : K) : K
}[keyof Schemas]

/** Each provider's mismatches, as `provider:Name` (generated/schema-types.ts names every provider's modules). */
type ByProvider = { [P in Provider]: Mismatches<SchemaTypes[P]['schemas'], SchemaTypes[P]['components']['schemas']> }
type Named = { [P in Provider]: ByProvider[P] extends string ? `${P}:${ByProvider[P]}` : never }[Provider]

describe('TypeBox static types agree with openapi-typescript types', () => {
  it('covers every provider of the registry', () => expectTypeOf<keyof SchemaTypes>().toEqualTypeOf<Provider>())
  it('every provider: no schema whose two types disagree', () => expectTypeOf<Named>().toEqualTypeOf<never>())
})
