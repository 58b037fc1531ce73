import type { BenchResult } from '../bench/result-schema.js';
import { verdict } from '../projection/render.js';
import type { ProjectionSection, ReportModel } from './model.js';

/**
 * The report's projection section (pure): the latest `archcompare project` results beside the bench
 * runs' measured figures — projected p95 and losses at the peak, the worst phase, the bottlenecks with
 * the quota or size that removes each, the monthly cost of the projected usage, and where the
 * parameters came from. Built only when both projected results are there.
 */
export interface ProjectedInputs {
  results: Record<ReportModel, { result: BenchResult; file: string }>;
}

const pct = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 10000) / 100 : 0);

function busiest(result: BenchResult) {
  return [...result.phases].filter((p) => !p.warmup).sort((a, b) => b.totals.requests / Math.max(1e-9, b.durationS) - a.totals.requests / Math.max(1e-9, a.durationS))[0]!;
}

export function projectionSection(projected: ProjectedInputs, measured?: Record<ReportModel, { result: BenchResult; file: string }>): ProjectionSection {
  const models = (['traditional', 'serverless'] as const).map((m) => ({ model: m, ...projected.results[m] }));
  const first = models[0]!.result;
  const marker = first.projection!;
  const peakRps = Math.max(...models.map((m) => m.result.projection?.peak.rps ?? 0));
  const section = (m: (typeof models)[number]): ProjectionSection['traditional'] => {
    const r = m.result;
    const peak = busiest(r);
    const lost = (t: BenchResult['totals']) => pct(t.errors + t.throttled, t.requests);
    const worst = r.phases.filter((p) => !p.warmup).map((p) => ({ name: p.name, lostPct: lost(p.totals) })).sort((a, b) => b.lostPct - a.lostPct)[0]!;
    const run = measured?.[m.model]?.result;
    const measuredSeconds = run ? run.phases.filter((p) => !p.warmup).reduce((s, p) => s + p.durationS, 0) : 0;
    return {
      file: m.file,
      measuredP95Ms: run ? run.totals.latencyMs.p95 : null,
      measuredLostPct: run ? lost(run.totals) : null,
      measuredRps: run && measuredSeconds > 0 ? Math.round((run.totals.requests / measuredSeconds) * 10) / 10 : null,
      peakPhase: peak.name,
      projectedP95Ms: peak.totals.latencyMs.p95,
      projectedLostPct: lost(peak.totals),
      worstPhase: worst,
      monthlyCostUsd: r.projection?.monthlyCost?.usd ?? null,
      monthlyCostSource: r.projection?.monthlyCost?.source ?? null,
      bottlenecks: (r.projection?.bottlenecks ?? []).map(({ resource, limit, saturatesAtRps, effect, fix, binding }) => ({ resource, limit, saturatesAtRps, effect, fix, binding })),
    };
  };
  const origins: Record<string, number> = {};
  for (const p of marker.parameters) origins[p.origin] = (origins[p.origin] ?? 0) + 1;
  return {
    profile: first.profile.name,
    scenario: marker.scenario ?? 'as configured',
    peakRps,
    durationS: first.durationS,
    calibration: marker.calibration,
    method: marker.method,
    traditional: section(models[0]!),
    serverless: section(models[1]!),
    verdict: verdict({ peakRps, models: models.map((m) => ({ model: m.model, result: m.result, file: m.file, ...(m.result.projection?.monthlyCost ? { monthlyCost: m.result.projection.monthlyCost } : {}) })) }),
    origins,
  };
}

const ms = (v: number | null) => (v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);
const share = (v: number | null) => (v === null ? '–' : `${v}%`);
const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** The section as rows every renderer lays out: measured beside projected, then the bottlenecks. */
export function projectionRows(p: ProjectionSection): { title: string; header: string[]; rows: string[][]; bottlenecks: Array<{ model: ReportModel; text: string; binding: boolean }>; notes: string[] } {
  const row = (label: string, f: (m: ProjectionSection['traditional']) => string) => [label, f(p.traditional), f(p.serverless)];
  return {
    title: `Projected at scale: ${p.profile} (${p.scenario}), up to ${int(p.peakRps)} req/s`,
    header: ['', 'traditional', 'serverless'],
    rows: [
      row('measured: p95 (bench run)', (m) => ms(m.measuredP95Ms)),
      row('measured: lost (5xx, timeouts, 429)', (m) => share(m.measuredLostPct)),
      row('measured: rate', (m) => (m.measuredRps === null ? '–' : `${m.measuredRps} req/s`)),
      row('projected: p95 at the peak', (m) => `${ms(m.projectedP95Ms)} (${m.peakPhase})`),
      row('projected: lost at the peak', (m) => share(m.projectedLostPct)),
      row('projected: worst phase', (m) => `${m.worstPhase.name} ${share(m.worstPhase.lostPct)}`),
      row('projected: monthly cost', (m) => (m.monthlyCostUsd === null ? 'not priced' : `$${m.monthlyCostUsd}`)),
    ],
    bottlenecks: (['traditional', 'serverless'] as const).flatMap((model) =>
      p[model].bottlenecks.map((b) => ({ model, binding: b.binding, text: `${b.resource} (${b.limit}) saturates at ~${int(b.saturatesAtRps)} req/s: ${b.effect}. Fix: ${b.fix}` })),
    ),
    notes: [
      `verdict at this scale: ${p.verdict}`,
      `calibration: ${p.calibration}`,
      `parameters: ${Object.entries(p.origins).map(([k, n]) => `${n} ${k}`).join(', ')} (each with its source in ${p.traditional.file})`,
      `projected, not measured: ${p.method}`,
      ...(['traditional', 'serverless'] as const).flatMap((m) => (p[m].monthlyCostSource ? [`monthly cost (${m}): ${p[m].monthlyCostSource}`] : [])),
    ],
  };
}
