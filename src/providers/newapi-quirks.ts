/**
 * What a new-api relay does differently from Google, shared by newapi.ts and the resellers that run the relay
 * (infinityblue, anyfast, and any reseller whose overlay says `x-gateway.relay: newapi`: its generated client
 * imports `newapiQuirks`). A module of its own, without a provider's generated data, so that a reseller's bundle
 * does not carry newapi's validators too. The fields the relay drops are in its spec (`x-gateway-drops`).
 */
import type { Issue, Quirks } from '../core/dialect.ts'
import type { Model } from '../core/types.ts'

const bareId = (id: string) => id.replace(/^models\//, '')

/** Whether a Content holds a part with non-empty text. */
function hasText(content: unknown): boolean {
  const parts = (content as { parts?: unknown })?.parts
  return Array.isArray(parts) && parts.some((p) => typeof (p as { text?: unknown })?.text === 'string' && (p as { text: string }).text !== '')
}

/**
 * new-api removes a system instruction none of whose parts has text (relay/gemini_handler.go, at 9f8a4ec05): one
 * made of images or files alone would never reach the model.
 */
function textless(body: Record<string, unknown>): Issue[] {
  const system = body.systemInstruction
  if (system === undefined || hasText(system)) return []
  return [
    {
      path: '/systemInstruction',
      message:
        'new-api removes a system instruction without a text part, so the model would never see it; add a text part to it, or send this request through another provider',
    },
  ]
}

/** What finds the fields a relay's spec says it drops (x-gateway-drops), per dialect, loaded with its first request. */
const finders = new WeakMap<object, (body: Record<string, unknown>, operationId: string) => Issue[]>()

export const newapiQuirks: Quirks = {
  /** The fields new-api drops (its spec's x-gateway-drops) and a text-less system instruction: refused before sending. */
  refuse(body, operationId, dialect) {
    const find = finders.get(dialect)
    if (find !== undefined) return [...find(body, operationId), ...textless(body)]
    return Promise.all([import('../core/drops.ts'), dialect.loadDrops!()]).then(([{ lostFields }, drops]) => {
      finders.set(dialect, (b, op) => lostFields(dialect, drops, op, b))
      return newapiQuirks.refuse!(body, operationId, dialect)
    })
  },
  /** `{data: [{id}]}` (OpenAI's model list) → Google-style models, so that `listModels` looks the same on every provider. */
  modelsFromWire(body: unknown): { models: Model[] } {
    const data = (body as { data?: { id?: unknown }[] })?.data ?? []
    return {
      models: data.filter((m) => typeof m?.id === 'string').map((m) => ({ name: `models/${bareId(m.id as string)}`, baseModelId: bareId(m.id as string) })),
    }
  },
}
