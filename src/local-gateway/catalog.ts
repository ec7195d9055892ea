/**
 * Model names the fake gateways know. Google's list is synthetic (the shipped ListModels recording is from 2024
 * and full of internal names); its entries copy the field set of real `Model` objects.
 * @internal
 */

/** anyfast's documented model enum (seed 001); also the fake Google catalogue. */
export const ANYFAST_MODELS = [
  'gemini-3.1-pro-preview',
  'gemini-3.1-flash-image-preview',
  'gemini-3.1-flash-lite-preview',
  'gemini-3-pro-preview',
  'gemini-3-pro-image-preview',
  'gemini-3-flash-preview',
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-2.0-flash',
] as const

/** infinityblue's documented models (seed 000). */
export const INFINITYBLUE_MODELS = ['gemini-3.1-pro-preview', 'gemini-2.5-pro', 'gemini-2.5-flash'] as const

/**
 * What the newapi dialect serves: a new-api install serves the models of its channels; these are infinityblue's
 * (an instance of it) plus gemini-2.5-flash-lite.
 */
export const NEWAPI_MODELS: readonly string[] = [...INFINITYBLUE_MODELS, 'gemini-2.5-flash-lite']

/** apimart's documented models (seed 002; `-thinking` is its suffix for a thinking budget). */
export const APIMART_MODELS = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.5-flash-lite', 'gemini-2.5-pro-thinking'] as const

/** Models the fake Google serves: the ids of {@link GOOGLE_CATALOG}. nordlys routes to Google, so it serves these too. */
export const GOOGLE_MODELS: readonly string[] = ANYFAST_MODELS

function displayName(id: string): string {
  return id
    .replace(/^gemini-/, 'Gemini ')
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ')
}

/** A Google `Model` object for an id. */
export function googleModel(id: string): Record<string, unknown> {
  const thinking = !id.startsWith('gemini-2.0') && !id.includes('image')
  return {
    name: `models/${id}`,
    version: id.includes('preview') ? id : '001',
    displayName: displayName(id),
    description: `${displayName(id)} (served by the local gateway)`,
    inputTokenLimit: id.includes('image') ? 65536 : 1048576,
    outputTokenLimit: id.startsWith('gemini-2.0') ? 8192 : 65536,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    ...(thinking ? { thinking: true } : {}),
  }
}

/** The fake Google catalogue, in list order. */
export const GOOGLE_CATALOG: readonly Record<string, unknown>[] = GOOGLE_MODELS.map(googleModel)
