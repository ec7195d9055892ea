/** The stylesheet every hand-rendered docs page (index, quirks) inlines: self-contained, light and dark. */
export const CSS = `
:root { color-scheme: light dark; --fg: #1d1f23; --bg: #fff; --muted: #5d636e; --line: #d8dbe0; --accent: #0b57d0; --tag: #f3e8c6; --panel: #f5f7fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --bg: #15171a; --muted: #9aa1ab; --line: #33373d; --accent: #8ab4f8; --tag: #4a3f1c; --panel: #1e2125; } }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; padding: 1.5rem; max-width: 80rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.25rem; margin-top: 2rem; } h3 { font-size: 1.05rem; margin-bottom: .25rem; }
body > nav.site-nav:first-child { margin: -1.5rem -1.5rem 1rem; }
a { color: var(--accent); } p.lead { color: var(--muted); margin-top: 0; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
nav ul { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; padding: 0; list-style: none; }
.scroll { overflow-x: auto; }
table.compare { border-collapse: collapse; width: 100%; min-width: 60rem; table-layout: fixed; }
table.compare thead th:first-child { width: 11rem; }
table.compare code { overflow-wrap: anywhere; }
table.compare th, table.compare td { border: 1px solid var(--line); padding: .4rem .55rem; vertical-align: top; text-align: left; }
table.compare thead th { position: sticky; top: 0; background: var(--bg); }
table.compare tbody th { white-space: nowrap; }
table.compare ul { margin: 0; padding-left: 1rem; }
table.wire pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; font: 12px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
table.compare.counts { min-width: 0; width: auto; table-layout: auto; }
table.compare.counts thead th:first-child { width: auto; }
table.counts td { text-align: center; min-width: 4.5rem; }
.op-id, .none, .target { color: var(--muted); }
.tag { display: inline-block; padding: 0 .35rem; border-radius: .25rem; font-size: 12px; background: var(--tag); }
ol.quirks li { margin-bottom: .35rem; } .target { font-size: 12px; }
section.gateway { border-top: 1px solid var(--line); margin-top: 2rem; }
section.group { margin-left: .25rem; }
p.client { background: var(--panel); border-left: 3px solid var(--accent); padding: .4rem .7rem; margin: .35rem 0 .5rem; }
p.client strong { font-weight: 600; }
`
