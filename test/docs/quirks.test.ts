import { beforeAll, describe, expect, it } from 'vitest'
import { externalResources, loadSpecs, PROVIDERS } from '../../scripts/docs.ts'
import { classifyAction, QUIRK_GROUP_IDS, QUIRK_GROUPS, schemaGroup } from '../../scripts/docs/quirk-groups.ts'
import { clientSentence, groupAnchor, groupQuirks, inlineCode, renderQuirksPage } from '../../scripts/docs/quirks.ts'
import { describeProviders, escapeHtml, type OverlayDoc, type OverlayStack, type ProviderSummary } from '../../scripts/provider-table.ts'
import { familyOf, type Provider } from '../support/registry.ts'

let overlays: Record<string, OverlayStack>
let summaries: ProviderSummary[]
let html: string
const GATEWAYS = PROVIDERS.filter((p) => p !== 'google')
/** The dialects that pass Google's API on, its catalogue with it. */
const PASS_THROUGH = new Set(['vertex', 'cloudflare', 'litellm'])

beforeAll(async () => {
  const specs = await loadSpecs()
  overlays = specs.overlays
  summaries = describeProviders(specs.bundles, specs.overlays)
  html = renderQuirksPage(summaries, overlays)
})

/** A provider's overlay stack (its relay's first), as redocly.yaml applies it. */
const overlayOf = (p: string): OverlayStack => {
  const o = overlays[p]
  if (!o?.length) throw new Error(`no overlay for ${p}`)
  return o
}
/** Every action of a provider's stack, in the order it applies. */
const actionsOf = (p: string) => overlayOf(p).flatMap((o) => o.actions)
const summaryOf = (p: string): ProviderSummary => {
  const s = summaries.find((x) => x.provider === p)
  if (!s) throw new Error(`no summary for ${p}`)
  return s
}

describe('classifyAction', () => {
  it.each([
    ['$.info', undefined, ['docs']],
    ["$.tags[?@.name == 'Tokens']", undefined, ['docs']],
    ['$.servers', undefined, ['host']],
    ['$', { servers: [] }, ['host']],
    ['$', { security: [] }, ['auth']],
    ['$.security', undefined, ['auth']],
    ['$.components.securitySchemes.googApiKey', undefined, ['auth']],
    ['$.components.parameters.Model', {}, ['models']],
    ["$.paths['/v1beta/models']", undefined, ['paths']],
    ['$.paths', { '/v1/models': {} }, ['paths']],
    ['$.components.requestBodies.GenerateContent', undefined, ['body']],
    ['$.components.schemas.GenerateContentRequest', {}, ['body']],
    ['$.components.schemas.GenerateContentResponse.properties', {}, ['envelope']],
    ['$.components.responses.Error', undefined, ['errors']],
    ['$.components.schemas', { ApimartEnvelope: {}, ApimartErrorEnvelope: {}, OpenAIErrorResponse: {} }, ['envelope', 'errors']],
    ['$.components.schemas', { OpenAIModelList: {}, OpenAIErrorResponse: {} }, ['models', 'errors']],
    ['$.components.schemas', { Widget: {} }, ['other']],
    ['$.webhooks', {}, ['other']],
  ] as const)('%s %j → %j', (target, update, groups) => {
    expect(classifyAction({ target, update })).toEqual(groups)
  })

  it('sorts component schemas by name, errors before envelopes', () => {
    expect(schemaGroup('ApimartErrorEnvelope')).toBe('errors')
    expect(schemaGroup('NordlysGenerationConfig')).toBe('body')
    expect(schemaGroup('GenerateContentResponse')).toBe('envelope')
  })
})

describe('the real overlays', () => {
  it('sorts every described action of the stack into a named group (none left in "other"), in stack order', () => {
    for (const p of GATEWAYS) {
      const grouped = groupQuirks(p, overlayOf(p))
      expect(grouped.groups.map((g) => g.id)).not.toContain('other')
      const listed = grouped.groups.flatMap((g) => g.quirks)
      expect(listed).toHaveLength(summaryOf(p).quirks.length)
      // Within a group, overlay order is kept.
      for (const g of grouped.groups) {
        const order = g.quirks.map((q) => actionsOf(p).findIndex((a) => a.target === q.target && a.description?.trim() === q.description))
        expect(order).toEqual([...order].sort((a, b) => a - b))
      }
    }
  })

  it('has auth, host, paths and errors quirks for every gateway (models for those with a catalogue of their own); the envelope for apimart; the body for nordlys', () => {
    for (const p of GATEWAYS) {
      const ids = groupQuirks(p, overlayOf(p)).groups.map((g) => g.id)
      expect(ids, p).toEqual(expect.arrayContaining(['auth', 'host', 'paths', 'errors']))
      // Vertex AI, Cloudflare and LiteLLM pass Google's own models through: nothing of theirs to say about models.
      if (!PASS_THROUGH.has(familyOf(p as Provider))) expect(ids, p).toContain('models')
    }
    const apimart = groupQuirks('apimart', overlayOf('apimart'))
    expect(apimart.groups.find((g) => g.id === 'envelope')?.quirks[0]).toMatchObject({ target: '$.components.schemas', groups: ['envelope', 'errors'] })
    expect(
      groupQuirks('nordlys', overlayOf('nordlys'))
        .groups.find((g) => g.id === 'body')
        ?.quirks.map((q) => q.target),
    ).toContain('$.components.requestBodies.GenerateContent')
  })

  it('has a client sentence for every group, placeholders filled, gateway-specific where the client differs', () => {
    for (const id of QUIRK_GROUP_IDS) expect(QUIRK_GROUPS[id].client.length).toBeGreaterThan(20)
    for (const p of GATEWAYS) {
      for (const id of QUIRK_GROUP_IDS) expect(clientSentence(id, summaryOf(p))).not.toMatch(/\{(provider|auth|baseUrl)\}/)
    }
    expect(clientSentence('auth', summaryOf('nordlys'))).toContain('(X-API-Key)')
    expect(clientSentence('auth', summaryOf('apimart'))).toContain('(Authorization: Bearer)')
    expect(clientSentence('host', summaryOf('nordlys'))).toContain('`https://api.nordlyslabs.com`')
    expect(clientSentence('envelope', summaryOf('apimart'))).toMatch(/unwraps/)
    expect(clientSentence('body', summaryOf('nordlys'))).toMatch(/generation_config/)
    // new-api's model list, on the relay and on the reseller that keeps it; anyfast removes it.
    expect(clientSentence('paths', summaryOf('newapi'))).toContain('`GET /v1/models`')
    expect(clientSentence('paths', summaryOf('newapi'))).toContain('the newapi client type')
    expect(clientSentence('paths', summaryOf('infinityblue'))).toContain('the infinityblue client type')
    expect(clientSentence('paths', summaryOf('anyfast'))).not.toContain('/v1/models')
    expect(clientSentence('body', summaryOf('anyfast'))).toMatch(/RequestValidationError/)
  })
})

describe('renderQuirksPage', () => {
  it('shows every gateway, with every described action: its reason, kind and target', () => {
    for (const p of GATEWAYS) {
      expect(html).toContain(`<section class="gateway" id="${p}">`)
      expect(html).toContain(`<a href="${p}.html">`)
      for (const a of actionsOf(p)) {
        if (!a.description?.trim()) continue
        expect(html).toContain(inlineCode(a.description.trim()))
        expect(html).toContain(`${a.remove ? 'remove' : 'update'} <code>${escapeHtml(a.target)}</code>`)
      }
      for (const g of groupQuirks(p, overlayOf(p)).groups) {
        expect(html).toContain(`id="${groupAnchor(p, g.id)}"`)
        expect(html).toContain(inlineCode(clientSentence(g.id, summaryOf(p))))
      }
    }
    expect(html).not.toContain('id="google"')
    expect(html).toContain('<a href="index.html">')
  })

  it("marks a reseller's relay actions as the relay's, linked to its section, and names the relay it runs", () => {
    const section = (p: string) => html.slice(html.indexOf(`<section class="gateway" id="${p}">`)).split('</section>\n</section>')[0]!
    for (const p of GATEWAYS.filter((g) => familyOf(g as Provider) === 'newapi' && g !== 'newapi')) {
      expect(section(p)).toContain('runs <a href="#newapi">newapi</a>, whose overlay applies first')
      expect(section(p)).toContain('<span class="tag relay">from <a href="#newapi">newapi</a></span>')
    }
    // The relay's own section and the gateways without one carry no such mark.
    for (const p of ['newapi', 'apimart', 'nordlys']) expect(section(p)).not.toContain('class="tag relay"')
  })

  it('is self-contained and escapes what it shows', () => {
    expect(externalResources(html)).toEqual([])
    expect(html).not.toMatch(/<script|<link|<img/)
    const evil: OverlayDoc = {
      overlay: '1.0.0',
      info: { title: 'x', version: '1' },
      actions: [{ target: "$.paths['<img src=x>']", description: 'Uses `<b>` & "quotes".', remove: true }],
    }
    const summary = { ...summaryOf('anyfast'), provider: 'evil', gateway: 'evil' }
    const page = renderQuirksPage([summary], { evil: [evil] })
    expect(page).not.toContain('<img src=x>')
    expect(page).toContain('<code>&#60;b&#62;</code> &#38; &#34;quotes&#34;.')
  })

  it('fails for a gateway without an overlay', () => {
    expect(() => renderQuirksPage([summaryOf('anyfast')], {})).toThrow(/no overlay/)
  })
})
