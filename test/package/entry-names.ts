/** The names the package entry exports at run time, for the source (exports.test.ts) and the packed copy (consumer.test.ts). */

/** The package entry's run-time names; a new one is added here on purpose. */
export const ENTRY_VALUES = [
  'APIStatusError', 'AllProvidersFailedError', 'AuthenticationError', 'BadRequestError', 'ConfigurationError', 'ConflictError',
  'ConnectionError', 'GeminiGatewayError', 'IncompleteStreamError', 'InternalServerError', 'MalformedResponseError',
  'ModelUnavailableError', 'NotFoundError', 'PermissionDeniedError', 'RateLimitError', 'RequestValidationError',
  'ResponseValidationError', 'StreamError', 'TimeoutError', 'UnprocessableEntityError', 'UserAbortError',
  'createAnyfastClient', 'createApimartClient', 'createClient', 'createFailoverClient', 'createGoogleClient',
  'createInfinityblueClient', 'createNordlysClient', 'functionCalls', 'isFailoverError', 'isFinalChunk', 'mergeChunks',
  'providers', 'text', 'thoughts',
]

/** Helpers the entry used to publish through `export *`: internal now (src/core/internal). */
export const INTERNAL_HELPERS = [
  'findBodyError', 'getHeader', 'isPresent', 'isRecord', 'own', 'oneLine', 'withProvider', 'raiseHint', 'loadErrorBodies',
  'MAX_RAW_BODY_LENGTH', 'MAX_MESSAGE_LENGTH',
]
