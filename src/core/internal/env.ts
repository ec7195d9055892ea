/**
 * An environment variable, where the runtime has one (Node, Bun, Deno with --allow-env; not browsers or workers).
 * @module
 * @internal
 */
export function envValue(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  return env?.[name] || undefined
}
