/**
 * The module that reads error bodies in every gateway's shape is only needed once something failed, so the
 * client and the stream reader load it then. Kept apart from error-bodies.ts's own imports (the error classes),
 * so that no module it imports reaches back to it.
 * @module
 * @internal
 */

export type ErrorBodies = typeof import('./error-bodies.ts')
export const loadErrorBodies = (): Promise<ErrorBodies> => import('./error-bodies.ts')
