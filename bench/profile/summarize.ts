/**
 * Summarises a V8 .cpuprofile: self time by function (name, file:line) and by origin (our src, generated
 * validators, openapi-fetch, undici/node internals...). Usage: npx tsx bench/profile/summarize.ts <file|dir> [top]
 * (for a directory, the largest .cpuprofile: the main thread's).
 */
import fs from 'node:fs'
import path from 'node:path'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

const [arg = '/tmp/prof', topArg = '30'] = process.argv.slice(2)
let file = arg
if (fs.statSync(arg).isDirectory()) {
  const files = fs
    .readdirSync(arg)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(arg, f))
  file = files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0]!
}
const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
const byId = new Map(p.nodes.map((n) => [n.id, n]))
const self = new Map<number, number>()
p.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0))
})
const total = [...self.values()].reduce((a, b) => a + b, 0)

const short = (url: string): string =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/work\/main\//, '')
    .replace(/^.*node_modules\//, '')
function origin(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native / V8 builtins)'
  if (url.startsWith('node:')) return /undici|fetch|web\/|streams/.test(url) ? 'node: undici fetch + web streams' : 'node: other internals'
  const u = short(url)
  if (u.startsWith('src/')) return `ours: ${u.split('?')[0]}`
  if (u.startsWith('generated/')) return 'ours: generated validators'
  if (u.startsWith('bench/')) return 'bench harness'
  return `dep: ${u.split('/')[0]!.startsWith('@') ? u.split('/').slice(0, 2).join('/') : u.split('/')[0]}`
}

const fn = new Map<string, number>()
const org = new Map<string, number>()
for (const [id, t] of self) {
  const n = byId.get(id)!
  const cf = n.callFrame
  const key = `${cf.functionName || '(anonymous)'}  ${cf.url ? `${short(cf.url).split('?')[0]}:${cf.lineNumber + 1}` : ''}`
  fn.set(key, (fn.get(key) ?? 0) + t)
  const o = origin(cf.url, cf.functionName)
  org.set(o, (org.get(o) ?? 0) + t)
}
// Inclusive time: a sample counts for every distinct function on its stack.
const parent = new Map<number, number>()
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const keyOf = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'}  ${n.callFrame.url ? `${short(n.callFrame.url).split('?')[0]}:${n.callFrame.lineNumber + 1}` : ''}`
const incl = new Map<string, number>()
for (const [id, t] of self) {
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = keyOf(byId.get(cur)!)
    if (seen.has(k)) continue
    seen.add(k)
    incl.set(k, (incl.get(k) ?? 0) + t)
  }
}
const pattern = process.env.MATCH ? new RegExp(process.env.MATCH) : undefined
const calls = Number(process.env.CALLS ?? 0)
const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`
console.log(`${path.basename(file)}: ${(total / 1000).toFixed(0)} ms sampled\n\nself time by origin:`)
for (const [k, t] of [...org].sort((a, b) => b[1] - a[1])) console.log(`${pct(t)}  ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}`)
console.log(`\ntop ${topArg} functions by self time:`)
for (const [k, t] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) console.log(`${pct(t)}  ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}`)
console.log(`\ntop ${topArg} functions by inclusive time${pattern ? ` matching ${pattern}` : ''}${calls ? ` (µs per call over ${calls} calls)` : ''}:`)
for (const [k, t] of [...incl]
  .filter(([k]) => !k.startsWith('(') && (!pattern || pattern.test(k)))
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(topArg))) {
  console.log(`${pct(t)}  ${(t / 1000).toFixed(0).padStart(6)} ms${calls ? `  ${(t / calls).toFixed(2).padStart(7)} µs/call` : ''}  ${k}`)
}
