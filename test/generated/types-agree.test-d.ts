// The TypeBox schemas' static types and the openapi-typescript types describe the same values: each is
// assignable to the other, for every component schema of every provider.
import type { Static, TSchema } from 'typebox'
import { describe, expectTypeOf, it } from 'vitest'
import type { Provider } from '../../generated/registry.ts'
import type * as AnyfastSchemas from '../../generated/anyfast/schemas.ts'
import type { components as Anyfast } from '../../generated/anyfast/types.ts'
import type * as ApimartSchemas from '../../generated/apimart/schemas.ts'
import type { components as Apimart } from '../../generated/apimart/types.ts'
import type * as GoogleSchemas from '../../generated/google/schemas.ts'
import type { components as Google } from '../../generated/google/types.ts'
import type * as InfinityblueSchemas from '../../generated/infinityblue/schemas.ts'
import type { components as Infinityblue } from '../../generated/infinityblue/types.ts'
import type * as NewapiSchemas from '../../generated/newapi/schemas.ts'
import type { components as Newapi } from '../../generated/newapi/types.ts'
import type * as NordlysSchemas from '../../generated/nordlys/schemas.ts'
import type { components as Nordlys } from '../../generated/nordlys/types.ts'

type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
/** The names whose two types disagree, or that one side lacks; `never` when all agree. */
type Mismatches<Module, Schemas> = {
  [K in keyof Schemas]: K extends keyof Module ? (Module[K] extends TSchema ? (Agree<Static<Module[K]>, Schemas[K]> extends true ? never : K) : K) : K
}[keyof Schemas]

/** Each provider's mismatches (type imports need a static path, so each provider is named once here). */
interface ByProvider {
  google: Mismatches<typeof GoogleSchemas, Google['schemas']>
  newapi: Mismatches<typeof NewapiSchemas, Newapi['schemas']>
  infinityblue: Mismatches<typeof InfinityblueSchemas, Infinityblue['schemas']>
  anyfast: Mismatches<typeof AnyfastSchemas, Anyfast['schemas']>
  apimart: Mismatches<typeof ApimartSchemas, Apimart['schemas']>
  nordlys: Mismatches<typeof NordlysSchemas, Nordlys['schemas']>
}

describe('TypeBox static types agree with openapi-typescript types', () => {
  it('covers every provider of the registry', () => expectTypeOf<keyof ByProvider>().toEqualTypeOf<Provider>())
  it('google', () => expectTypeOf<ByProvider['google']>().toEqualTypeOf<never>())
  it('newapi', () => expectTypeOf<ByProvider['newapi']>().toEqualTypeOf<never>())
  it('infinityblue', () => expectTypeOf<ByProvider['infinityblue']>().toEqualTypeOf<never>())
  it('anyfast', () => expectTypeOf<ByProvider['anyfast']>().toEqualTypeOf<never>())
  it('apimart', () => expectTypeOf<ByProvider['apimart']>().toEqualTypeOf<never>())
  it('nordlys', () => expectTypeOf<ByProvider['nordlys']>().toEqualTypeOf<never>())
})
