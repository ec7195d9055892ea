/**
 * Client options a provider's spec defines beyond every client's: server URL variables (`x-client-option` on
 * `servers[0].variables`: cloudflare's `accountId`, `gatewayId`) and credential headers (`x-client-option` on a
 * security scheme: cloudflare's `gatewayToken` in `cf-aig-authorization`). A provider whose spec has them gets this
 * from its (generated) client file, so that the others never load it.
 */
import { ConfigurationError } from './errors.ts'
import type { GeneratedMeta, Quirks } from './dialect.ts'
import { envValue } from './internal/env.ts'

/** The `configure` quirk of a provider whose spec defines its own options. */
export function specOptions({ provider, defaultBaseUrl, keyOptional, credentials = [], urlOptions = [] }: GeneratedMeta): Pick<Quirks, 'configure'> {
  return {
    configure(options) {
      // A provider option's value: what the caller passed, else its environment variable.
      const value = (option: string, env?: string) => (options[option] as string | undefined)?.trim() || (env && envValue(env)?.trim()) || undefined
      const fail = (message: string): never => {
        throw new ConfigurationError(`${provider}: ${message}`, { provider })
      }
      // Credential headers: cloudflare's `cf-aig-authorization: Bearer <gatewayToken>`; enough alone where the spec says so.
      const headers: Record<string, string> = {}
      for (const c of credentials) {
        const v = value(c.option, c.env)
        if (v) headers[c.header] = c.prefix + v
      }
      // Server variables: filled from the options when the base URL has them; both ways at once, or neither, is an error.
      let baseUrl = options.baseUrl ?? defaultBaseUrl
      const holes = urlOptions.filter((u) => baseUrl.includes(`{${u.variable}}`))
      const ids = (list: typeof urlOptions) => list.map((u) => u.option).join(' and ')
      if (holes.length === 0 && urlOptions.some((u) => value(u.option))) fail(`pass ${ids(urlOptions)} or a baseUrl that holds them, not both`)
      const missing = holes.filter((u) => !value(u.option))
      if (missing.length > 0)
        fail(
          `no ${missing.map((u) => u.variable.replace('_', ' ')).join(' and ')}: pass ${ids(missing)}, or a baseUrl that holds them, such as ${defaultBaseUrl.replace(/\{(\w+)\}/g, '<$1>')}`,
        )
      for (const u of holes) baseUrl = baseUrl.replaceAll(`{${u.variable}}`, encodeURIComponent(value(u.option)!))
      return {
        baseUrl,
        headers,
        keyless: !!keyOptional && credentials.every((c) => c.header in headers),
        alternative: keyOptional && `${credentials.map((c) => `${c.option} (or ${c.env})`).join(' and ')} alone`,
      }
    },
  }
}
