/**
 * `docs/fields.html`, the index of fields and errors: every property of every schema in the providers'
 * bundles (`Schema.property`, linked to that schema on each provider page that has it) and every error
 * class the package exports (linked to its page in the API reference). Linked from every page's nav bar,
 * so a field or an error can be found from anywhere; a filter box narrows the lists as you type.
 */
import { escapeHtml, type OpenAPIDoc, type SchemaLike } from '../provider-table.ts'
import { CSS } from './style.ts'

/** Name of the Redoc section that lists the schemas (`schemaDefinitionsTagName`); its slug starts their anchors. */
export const SCHEMAS_SECTION = 'Schemas'

/** The anchor Redoc gives a schema in its schemas section: `#/schemas/<name, lower-cased>`. */
export function schemaAnchor(schema: string): string {
  return `#/${SCHEMAS_SECTION.toLowerCase()}/${schema.toLowerCase()}`
}

/** An error class's page in the API reference. */
export interface ErrorClassPage {
  name: string
  /** Relative to the docs folder, e.g. `api/classes/gemini-gateways.RateLimitError.html`. */
  url: string
  summary: string
}

/** One schema field and the providers whose bundles have it. */
export interface FieldEntry {
  schema: string
  property: string
  description: string
  providers: string[]
}

/** A schema's own properties, including those of inline `allOf` members (a `$ref` member is its own schema). */
function ownProperties(schema: SchemaLike): [string, SchemaLike][] {
  return [...Object.entries(schema.properties ?? {}), ...(schema.allOf ?? []).filter((m) => !m.$ref).flatMap(ownProperties)]
}

/** Every `Schema.property` of every bundle, sorted by schema then property. */
export function collectFields(providers: readonly string[], bundles: Record<string, OpenAPIDoc>): FieldEntry[] {
  const byKey = new Map<string, FieldEntry>()
  for (const p of providers) {
    for (const [schema, def] of Object.entries(bundles[p]?.components?.schemas ?? {})) {
      for (const [property, prop] of ownProperties(def)) {
        const key = `${schema}.${property}`
        const entry = byKey.get(key) ?? { schema, property, description: '', providers: [] }
        if (!entry.description && typeof prop.description === 'string') entry.description = prop.description
        entry.providers.push(p)
        byKey.set(key, entry)
      }
    }
  }
  return [...byKey.values()].sort((a, b) => a.schema.localeCompare(b.schema) || a.property.localeCompare(b.property))
}

/** The first sentence of a description, Markdown backticks kept as code. */
function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const end = flat.search(/\.(\s|$)/)
  return end === -1 ? flat : flat.slice(0, end + 1)
}

const withCode = (text: string): string => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')

/**
 * Links each field's providers to the schema on their pages, then filters the rows of both tables by the text
 * typed: plain script, no dependencies, works from file://. A field row names its providers (`every provider`, or a
 * list) and carries its schema's anchor; the links are made here rather than written out, which on nine provider
 * pages a field would have cost 650 bytes a row.
 */
const filterScript = (providers: readonly string[]): string => `
const every = ${JSON.stringify(providers)};
for (const cell of document.querySelectorAll('td[data-anchor]')) {
  const names = cell.textContent === 'every provider' ? every : cell.textContent.split(', ');
  cell.replaceChildren(...names.flatMap((p, i) => {
    const a = document.createElement('a');
    a.href = p + '.html' + cell.dataset.anchor;
    a.textContent = p;
    return i === 0 ? [a] : [' · ', a];
  }));
}
const input = document.getElementById('filter');
const rows = [...document.querySelectorAll('tr[data-key]')];
const count = document.getElementById('count');
function apply() {
  const q = input.value.trim().toLowerCase();
  let shown = 0;
  for (const r of rows) { const hit = !q || r.dataset.key.includes(q); r.hidden = !hit; if (hit) shown++; }
  count.textContent = q ? shown + ' of ' + rows.length + ' entries match' : rows.length + ' entries';
}
input.addEventListener('input', apply);
if (location.hash.startsWith('#q=')) input.value = decodeURIComponent(location.hash.slice(3));
apply();
`

/** The page; `nav` is the site's bar for a page in the docs folder. */
export function renderFieldsPage(fields: FieldEntry[], errors: ErrorClassPage[], nav: string, providers: readonly string[]): string {
  const errorRows = errors.map(
    (e) =>
      `<tr data-key="${escapeHtml(e.name.toLowerCase())}" id="error-${escapeHtml(e.name)}"><th scope="row"><a href="${escapeHtml(e.url)}"><code>${escapeHtml(e.name)}</code></a></th><td>${withCode(firstSentence(e.summary))}</td></tr>`,
  )
  const fieldRows = fields.map((f) => {
    const name = `${f.schema}.${f.property}`
    const where = f.providers.length === providers.length ? 'every provider' : f.providers.join(', ')
    return `<tr data-key="${escapeHtml(name.toLowerCase())}" id="field-${escapeHtml(name)}"><th scope="row"><code>${escapeHtml(f.schema)}.<strong>${escapeHtml(f.property)}</strong></code></th><td>${withCode(firstSentence(f.description))}</td><td data-anchor="${escapeHtml(schemaAnchor(f.schema))}">${escapeHtml(where)}</td></tr>`
  })
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Index of fields and errors</title>
<style>${CSS}
input#filter { font: inherit; padding: .35rem .55rem; width: min(30rem, 100%); border: 1px solid var(--line); border-radius: .3rem; background: var(--bg); color: var(--fg); }
table.index { border-collapse: collapse; width: 100%; } table.index th, table.index td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
table.index th { font-weight: normal; white-space: nowrap; }
</style>
</head>
<body>
${nav}
<h1>Index of fields and errors</h1>
<p class="lead">Every field of every schema in every provider's bundle, linked to that schema on each provider's page, and every error class the client throws, linked to the API reference.</p>
<p><label>Filter: <input id="filter" type="search" placeholder="e.g. maxOutputTokens or RateLimit" autocomplete="off"></label> <span id="count" class="op-id"></span></p>
<h2 id="errors">Error classes</h2>
<table class="index errors">
<tbody>
${errorRows.join('\n')}
</tbody>
</table>
<h2 id="fields">Schema fields</h2>
<table class="index fields">
<thead><tr><th scope="col">Field</th><th scope="col">What it is</th><th scope="col">On the pages of</th></tr></thead>
<tbody>
${fieldRows.join('\n')}
</tbody>
</table>
<script>${filterScript(providers)}</script>
</body>
</html>
`
}
