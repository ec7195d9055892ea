/**
 * gemini-gateways: one typed client for Google's Gemini generateContent API and the gateways that resell it.
 * `createClient({ provider })` picks a dialect; `gemini-gateways/<provider>` imports one provider alone.
 */
import { factories } from '../generated/client-factories.ts'
import type { ProviderClients, ProviderOptions } from '../generated/clients.ts'
import { providers, type Provider } from '../generated/registry.ts'
import type { ClientOptions } from './core/client.ts'
import { ConfigurationError } from './core/errors.ts'

export { providers, type Provider }

/** A client for `provider`, typed with that provider's operations, models and options. */
export function createClient<P extends Provider>(options: ClientOptions & ProviderOptions[P] & { provider: P }): ProviderClients[P] {
  const { provider, ...rest } = options
  const factory = factories[provider] as ((options: ClientOptions & ProviderOptions[P]) => ProviderClients[P]) | undefined
  if (!factory) throw new ConfigurationError(`unknown provider ${String(provider)}; expected one of ${providers.join(', ')}`)
  return factory(rest)
}

// The error classes (README, "Errors") and the types their constructors and toJSON take; the helpers that
// build them stay in core/internal.
export {
  APIStatusError,
  AuthenticationError,
  BadRequestError,
  CallerError,
  ConfigurationError,
  ConflictError,
  ConnectionError,
  ContinuationError,
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
export type { APIStatusErrorOptions, GeminiGatewayErrorJSON, GeminiGatewayErrorOptions, PartialAnswer, ProviderName, ValidationIssue } from './core/errors.ts'
export type { HopInfo, HttpInfo, WithHttp } from './core/http-info.ts'
export type { ApiVersion, ClientOptions, GatewayClient, ProviderClient } from './core/client.ts'
export type * from './core/types.ts'
export { functionCalls, mergeChunks, text, thoughts } from './core/response.ts'
export { isFinalChunk } from './core/answer.ts'
// Each provider's `create<Name>Client` and `<Name>Client`, from the generated registry.
export * from '../generated/clients.ts'
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
