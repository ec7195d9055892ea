/**
 * An environment variable, where the runtime has one and lets us read it (Node, Bun; Deno with --allow-env, else
 * nothing: Deno throws NotCapable; browsers and workers have none).
 * @module
 * @internal
 */
export function envValue(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    return env?.[name] || undefined
  } catch {
    return undefined
  }
}
