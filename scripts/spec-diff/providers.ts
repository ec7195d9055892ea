/** The providers, in report order. Read from the project's provider registry, so a new provider needs no edit here. */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'

/** The package root: the folder holding redocly.yaml and generated/. */
export const PACKAGE_ROOT = resolve(import.meta.dirname, '..', '..')

/** The `apis` keys of redocly.yaml: one bundle per provider, google first. */
export function readProviders(root: string = PACKAGE_ROOT): string[] {
  return Object.keys((parse(readFileSync(join(root, 'redocly.yaml'), 'utf8')) as { apis?: object }).apis ?? {})
}

export const PROVIDERS: readonly string[] = readProviders()
