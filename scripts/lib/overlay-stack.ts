/**
 * Each provider's overlays as redocly.yaml stacks them (`apis.<provider>.overlays`): a reseller's overlay applies
 * after its relay's (infinityblue: newapi.yaml, then infinityblue.yaml); google, the canonical spec, has none.
 * Whatever reads overlays per provider (docs, tests) reads this, so a new stack needs no list written by hand.
 */
import fs from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'

/** Repository root. */
const ROOT = path.resolve(import.meta.dirname, '../..')

/** Every provider in redocly.yaml's order, with its overlay files (paths relative to `root`), bottom of the stack first. */
export function overlayStacks(root = ROOT): Record<string, string[]> {
  const config = YAML.parse(fs.readFileSync(path.join(root, 'redocly.yaml'), 'utf8')) as { apis: Record<string, { overlays?: string[] }> }
  return Object.fromEntries(Object.entries(config.apis).map(([name, api]) => [name, api.overlays ?? []]))
}

/** One provider's overlay files, bottom of the stack first; throws for a provider redocly.yaml does not list. */
export function overlayStack(provider: string, root = ROOT): string[] {
  const stack = overlayStacks(root)[provider]
  if (!stack) throw new Error(`redocly.yaml lists no api named ${provider}`)
  return stack
}
