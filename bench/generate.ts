/**
 * Section 6: `npm run generate` for every provider, timed as `npx tsx scripts/generate.ts` (writes nothing
 * when generated/ is up to date, the normal case) and with `--check`. To never write into generated/ while
 * others may be editing spec/, each generate run only happens right after a --check run that passed; when
 * generated/ is out of date the generate runs are skipped and reported as such.
 */
import { spawnSync } from 'node:child_process'
import { fmt, fmtSpread, log, now, quantile, root, summarize, type SectionResult } from './lib.ts'

export const TARGET_MS = 10_000

function timed(args: string[]): { ms: number; ok: boolean; out: string } {
  const t0 = now()
  const r = spawnSync('npx', ['tsx', 'scripts/generate.ts', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } })
  return {
    ms: now() - t0,
    ok: r.status === 0,
    out:
      `${r.stdout}${r.stderr}`
        .trim()
        .split('\n')
        .filter((l) => !/npm warn/i.test(l))
        .slice(-1)[0] ?? '',
  }
}

export async function runGenerate(opts: { runs?: number } = {}): Promise<SectionResult> {
  const runs = opts.runs ?? Number(process.env.BENCH_GENERATE_RUNS ?? 3)
  const check: number[] = []
  const gen: number[] = []
  let skipped = 0
  let lastCheck = ''
  for (let i = 0; i < runs; i++) {
    log(`generate: run ${i + 1}/${runs} (--check, then generate)`)
    const c = timed(['--check'])
    check.push(c.ms)
    lastCheck = c.out
    if (!c.ok) {
      skipped++
      continue
    }
    const g = timed([])
    if (!g.ok) throw new Error(`generate failed: ${g.out}`)
    gen.push(g.ms)
  }
  const rows = [
    ['npx tsx scripts/generate.ts (up to date: writes nothing)', gen.length ? fmtSpread(summarize(gen), 0) : 'skipped', String(gen.length)],
    ['npx tsx scripts/generate.ts --check', fmtSpread(summarize(check), 0), String(check.length)],
  ]
  const g = gen.length ? quantile(gen, 0.5) : NaN
  const c = quantile(check, 0.5)
  return {
    name: 'generate',
    title: '6. npm run generate (every provider)',
    tables: [{ headers: ['command', 'wall ms median (p25–p75)', 'runs'], rows }],
    targets: [
      {
        label: '6. generate ≤ 10 s',
        met: gen.length > 0 && g <= TARGET_MS,
        detail: gen.length ? `${fmt(g / 1000, 2)} s (median of ${gen.length})` : `not run: --check failed (${lastCheck})`,
      },
      { label: '6. generate --check ≤ 10 s', met: c <= TARGET_MS, detail: `${fmt(c / 1000, 2)} s (median of ${check.length})` },
    ],
    notes: [
      `Wall time including npx and tsx start-up. Runs alternate --check and generate; generate only runs after a passing --check, so it never rewrites generated/${skipped ? ` (${skipped} run(s) skipped: generated/ was out of date: ${lastCheck})` : ''}. Last --check said: "${lastCheck}".`,
    ],
  }
}
