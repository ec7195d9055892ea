/**
 * gemini-gateways: one typed client for Google's Gemini generateContent API and the gateways that resell it.
 * `createClient({ provider })` picks a dialect; `gemini-gateways/<provider>` imports one provider alone.
 */
import type { ClientOptions } from './core/client.ts'
import { ConfigurationError } from './core/errors.ts'
import { createAnyfastClient, type AnyfastClient } from './providers/anyfast.ts'
import { createApimartClient, type ApimartClient } from './providers/apimart.ts'
import { createGoogleClient, type GoogleClient } from './providers/google.ts'
import { createInfinityblueClient, type InfinityblueClient } from './providers/infinityblue.ts'
import { createNordlysClient, type NordlysClient } from './providers/nordlys.ts'

export interface ProviderClients {
  google: GoogleClient
  infinityblue: InfinityblueClient
  anyfast: AnyfastClient
  apimart: ApimartClient
  nordlys: NordlysClient
}
export type Provider = keyof ProviderClients
export const providers = ['google', 'infinityblue', 'anyfast', 'apimart', 'nordlys'] as const satisfies readonly Provider[]

const factories: { [P in Provider]: (options: ClientOptions) => ProviderClients[P] } = {
  google: createGoogleClient,
  infinityblue: createInfinityblueClient,
  anyfast: createAnyfastClient,
  apimart: createApimartClient,
  nordlys: createNordlysClient,
}

/** A client for `provider`, typed with that provider's operations, models and options. */
export function createClient<P extends Provider>(options: ClientOptions & { provider: P }): ProviderClients[P] {
  const { provider, ...rest } = options
  const factory = factories[provider]
  if (!factory) throw new ConfigurationError(`unknown provider ${String(provider)}; expected one of ${providers.join(', ')}`)
  return factory(rest)
}

// The error classes (README, "Errors") and the types their constructors and toJSON take; the helpers that
// build them stay in core/internal.
export {
  APIStatusError,
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  ConflictError,
  ConnectionError,
  GeminiGatewayError,
  IncompleteStreamError,
  InternalServerError,
  MalformedResponseError,
  ModelUnavailableError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestValidationError,
  ResponseValidationError,
  StreamError,
  TimeoutError,
  UnprocessableEntityError,
  UserAbortError,
} from './core/errors.ts'
export type { APIStatusErrorOptions, GeminiGatewayErrorJSON, GeminiGatewayErrorOptions, ProviderName, ValidationIssue } from './core/errors.ts'
export type { ClientOptions, GatewayClient } from './core/client.ts'
export type * from './core/types.ts'
export { functionCalls, mergeChunks, text, thoughts } from './core/response.ts'
export { isFinalChunk } from './core/answer.ts'
export { createAnyfastClient, createApimartClient, createGoogleClient, createInfinityblueClient, createNordlysClient }
export type { AnyfastClient, ApimartClient, GoogleClient, InfinityblueClient, NordlysClient }
export type { NordlysRouting } from './providers/nordlys.ts'
export { AllProvidersFailedError, createFailoverClient, isFailoverError } from './failover.ts'
export type {
  FailoverAttempt,
  FailoverClient,
  FailoverMemberClient,
  FailoverMemberConfig,
  FailoverOptions,
  FailoverReport,
  FailoverResponse,
} from './failover.ts'
