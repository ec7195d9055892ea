/**
 * The site's navigation bar, the same on every page (index, provider pages, quirks, fields index, API
 * reference): links to each provider page and to the pages that span them, among them the index of
 * fields and errors, so that a field or an error class can be found from anywhere.
 */
import { escapeHtml } from '../provider-table.ts'

/** The fields and errors index, relative to the docs folder. */
export const FIELDS_PAGE = 'fields.html'

/** A link of the bar; `href` is relative to the docs folder. */
export interface NavLink {
  href: string
  label: string
}

/** The bar's links. */
export function navLinks(providers: readonly string[], quirksPage: string, apiIndex: string): NavLink[] {
  return [
    { href: 'index.html', label: 'Overview' },
    ...providers.map((p) => ({ href: `${p}.html`, label: p })),
    { href: quirksPage, label: 'Quirks' },
    { href: FIELDS_PAGE, label: 'Fields and errors' },
    { href: apiIndex, label: 'API reference' },
  ]
}

/** Height of the bar; Redoc pages reserve exactly this much (see {@link REDOC_NAV_CSS}). */
export const NAV_HEIGHT_PX = 36

/** Inline styles: the bar goes into pages whose stylesheets are not ours (Redoc's, TypeDoc's). One line, scrolling sideways on narrow screens. */
const BAR_STYLE = `box-sizing:border-box;height:${NAV_HEIGHT_PX}px;display:flex;gap:1.1rem;align-items:center;padding:0 1rem;overflow-x:auto;white-space:nowrap;font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#1f2a44`
const LINK_STYLE = 'color:#e8edf7;text-decoration:none'

/**
 * The bar's styles as a stylesheet, for pages that load one of ours (the API reference's `customCss`): there the bar
 * carries no inline styles, which on 150 pages came to 150 KB.
 */
export const NAV_STYLESHEET = `nav.site-nav { ${BAR_STYLE} }
nav.site-nav a { ${LINK_STYLE} }
nav.site-nav a[aria-current="page"] { font-weight: 700 }
`

/**
 * The bar for a page `depth` folders below the docs folder (0 for docs/x.html, 2 for docs/api/classes/x.html).
 * `current` (a link's href) is marked for screen readers and shown bold. `styled: false` leaves the styles to
 * {@link NAV_STYLESHEET}.
 */
export function renderNavBar(links: NavLink[], depth: number, current?: string, { styled = true } = {}): string {
  const up = '../'.repeat(depth)
  const items = links.map((l) => {
    const here = l.href === current
    const style = styled ? ` style="${LINK_STYLE}${here ? ';font-weight:700' : ''}"` : ''
    return `<a href="${escapeHtml(up + l.href)}"${style}${here ? ' aria-current="page"' : ''}>${escapeHtml(l.label)}</a>`
  })
  return `<nav class="site-nav" aria-label="Site"${styled ? ` style="${BAR_STYLE}"` : ''}>${items.join('')}</nav>`
}

/**
 * On a Redoc page the bar is fixed at the top and Redoc is told it has a navbar of that height: its
 * sidebar is sticky at `--navbar-stack-height` and anchors scroll to below `--navbar-offset`. Redoc sets
 * both to 0 in an inline style, which only an `!important` rule outranks.
 */
export const REDOC_NAV_CSS = `<style>
nav.site-nav { position: fixed; top: 0; left: 0; right: 0; z-index: 1000; }
body { padding-top: ${NAV_HEIGHT_PX}px !important; }
#redoc > div[style] { --navbar-height: ${NAV_HEIGHT_PX}px !important; --navbar-stack-height: ${NAV_HEIGHT_PX}px !important; }
</style>`

/** Puts the bar right after `<body>` (and `headExtra` at the end of `<head>`); fails if the page has not one of each. */
export function insertNavBar(html: string, bar: string, headExtra = ''): string {
  for (const tag of [/<body\b[^>]*>/g, /<\/head>/g]) {
    const n = (html.match(tag) ?? []).length
    if (n !== 1) throw new Error(`expected one ${tag.source} tag, found ${n}`)
  }
  return html.replace('</head>', `${headExtra}</head>`).replace(/<body\b[^>]*>/, (tag) => `${tag}\n${bar}`)
}
