/** The names the package entry exports at run time, for the source (exports.test.ts) and the packed copy (consumer.test.ts). */
import { providers } from '../../generated/registry.ts'
import { pascal } from '../../scripts/lib/registry-emit.ts'

/**
 * The package entry's run-time names; a new one is added here on purpose. Each registered provider brings its
 * `create<Name>Client` (generated/clients.ts), so those follow the registry.
 */
export const ENTRY_VALUES = [
  'APIStatusError',
  'AllProvidersFailedError',
  'AuthenticationError',
  'BadRequestError',
  'CallerError',
  'ConfigurationError',
  'ConflictError',
  'ConnectionError',
  'ContinuationError',
  'GeminiGatewayError',
  'IncompleteStreamError',
  'InternalServerError',
  'MalformedResponseError',
  'ModelUnavailableError',
  'NotFoundError',
  'PermissionDeniedError',
  'RateLimitError',
  'RequestValidationError',
  'ResponseValidationError',
  'StreamError',
  'TimeoutError',
  'UnprocessableEntityError',
  'UserAbortError',
  'createClient',
  'createFailoverClient',
  'functionCalls',
  'isFailoverError',
  'isFinalChunk',
  'mergeChunks',
  'providers',
  'text',
  'thoughts',
  ...providers.map((p) => `create${pascal(p)}Client`),
]

/** Helpers the entry used to publish through `export *`: internal now (src/core/internal). */
export const INTERNAL_HELPERS = [
  'findBodyError',
  'getHeader',
  'isPresent',
  'isRecord',
  'own',
  'oneLine',
  'withProvider',
  'raiseHint',
  'loadErrorBodies',
  'MAX_RAW_BODY_LENGTH',
  'MAX_MESSAGE_LENGTH',
]
