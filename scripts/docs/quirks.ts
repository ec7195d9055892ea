/**
 * `docs/quirks.html`: every gateway's quirks, read from its stack of overlays (each action's description and
 * target; a reseller's relay's actions first, marked as the relay's), grouped by what they change, each group
 * with what the client does about it (data in ./quirk-groups.ts).
 */
import { escapeHtml, stackActions, type OverlayStack, type ProviderSummary } from '../provider-table.ts'
import { classifyAction, QUIRK_GROUP_IDS, QUIRK_GROUPS, type QuirkGroupId } from './quirk-groups.ts'
import { CSS } from './style.ts'

/** File name of the page, relative to the docs folder. */
export const QUIRKS_PAGE = 'quirks.html'

/** One overlay action that says why it exists. */
export interface GroupedQuirk {
  target: string
  kind: 'update' | 'remove'
  description: string
  /** Every group the action touches; it is listed under the first. */
  groups: QuirkGroupId[]
  /** The overlay the action is in (`x-gateway.name`): the gateway's own, or its relay's. */
  from: string
}

/** A gateway's quirks, by group in display order; groups without quirks are left out. */
export interface GatewayQuirks {
  provider: string
  groups: { id: QuirkGroupId; quirks: GroupedQuirk[] }[]
}

/** Groups the described actions of a gateway's overlay stack (undescribed ones have no quirk to show), in stack order. */
export function groupQuirks(provider: string, stack: OverlayStack): GatewayQuirks {
  const quirks = stackActions(stack).map(
    (a): GroupedQuirk => ({
      target: a.target,
      kind: a.remove ? 'remove' : 'update',
      description: a.description,
      groups: classifyAction(a),
      from: a.from,
    }),
  )
  return {
    provider,
    groups: QUIRK_GROUP_IDS.map((id) => ({ id, quirks: quirks.filter((q) => q.groups[0] === id) })).filter((g) => g.quirks.length > 0),
  }
}

/** Escapes text and renders its Markdown code spans, as the overlay descriptions use them. */
export function inlineCode(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')
}

/** The group's sentence for this provider, placeholders filled. */
export function clientSentence(id: QuirkGroupId, summary: ProviderSummary): string {
  const group = QUIRK_GROUPS[id]
  const template = group.byProvider?.[summary.provider] ?? group.variants?.find((v) => v.when(summary))?.text ?? group.client
  const values: Record<string, string> = {
    provider: summary.provider,
    auth: summary.auth.map((a) => a.label).join(' or ') || 'no auth',
    baseUrl: summary.baseUrl,
  }
  return template.replace(/\{(provider|auth|baseUrl)\}/g, (_, key: string) => values[key] ?? '')
}

/** Anchor of a gateway's group on the quirks page. */
export const groupAnchor = (provider: string, id: QuirkGroupId): string => `${provider}-${id}`

function renderGateway(summary: ProviderSummary, quirks: GatewayQuirks): string {
  const p = escapeHtml(summary.provider)
  const groups = quirks.groups.map(({ id, quirks: list }) => {
    const items = list.map((q) => {
      const also = q.groups.slice(1).map((g) => ` <span class="tag">also ${escapeHtml(QUIRK_GROUPS[g].title.toLowerCase())}</span>`)
      const via = q.from === summary.gateway ? '' : ` <span class="tag relay">from <a href="#${escapeHtml(q.from)}">${escapeHtml(q.from)}</a></span>`
      return `<li>${inlineCode(q.description)}${also.join('')}${via} <span class="target">${q.kind} <code>${escapeHtml(q.target)}</code></span></li>`
    })
    return (
      `<section class="group" id="${escapeHtml(groupAnchor(summary.provider, id))}">\n<h3>${escapeHtml(QUIRK_GROUPS[id].title)}</h3>\n` +
      `<p class="client"><strong>What the client does:</strong> ${inlineCode(clientSentence(id, summary))}</p>\n` +
      `<ol class="quirks">\n${items.join('\n')}\n</ol>\n</section>`
    )
  })
  const relay = summary.relay ? ` · runs <a href="#${escapeHtml(summary.relay)}">${escapeHtml(summary.relay)}</a>, whose overlay applies first` : ''
  return (
    `<section class="gateway" id="${p}">\n<h2>${p} <span class="op-id">${escapeHtml(summary.title)}</span></h2>\n` +
    `<p><a href="${p}.html">${p}’s OpenAPI reference</a> · base URL <code>${escapeHtml(summary.baseUrl)}</code>${relay}</p>\n` +
    `${groups.join('\n')}\n</section>`
  )
}

/**
 * Renders `docs/quirks.html` for every gateway (summaries whose `gateway` is set). Self-contained, no scripts,
 * no timestamps.
 */
export function renderQuirksPage(summaries: ProviderSummary[], overlays: Record<string, OverlayStack | undefined>): string {
  const gateways = summaries.filter((s) => s.gateway !== null)
  const sections = gateways.map((s) => {
    const stack = overlays[s.provider]
    if (!stack?.length) throw new Error(`${s.provider} is a gateway but has no overlay`)
    return renderGateway(s, groupQuirks(s.provider, stack))
  })
  const toc = gateways.map((s) => `<li><a href="#${escapeHtml(s.provider)}">${escapeHtml(s.provider)}</a></li>`).join('\n')
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gateway quirks: how each gateway differs from Google, and what the client does</title>
<style>${CSS}</style>
</head>
<body>
<p><a href="index.html">← All providers</a></p>
<h1>Gateway quirks</h1>
<p class="lead">Each gateway’s differences from Google’s dialect, read from its overlays (<code>spec/overlays/&lt;gateway&gt;.yaml</code>, after its relay’s when it runs one): every action, the reason it gives and the part of the spec it changes, grouped by what it changes, with what the client does about it.</p>
<nav><ul>
${toc}
</ul></nav>
${sections.join('\n')}
</body>
</html>
`
}
