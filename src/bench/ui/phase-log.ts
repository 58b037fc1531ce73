import type { BenchProgress } from '../harness.js';
import type { BenchResult, PhaseResult } from '../result-schema.js';

const rateText = (r: PhaseResult['targetRate']): string => (r === 'max' ? 'max' : typeof r === 'number' ? `${r}` : `${r.from}->${r.to}`);

/** One plain line per finished phase (CI logs, and the history above the live view). */
export function formatPhaseLine(model: string, phase: PhaseResult): string {
  const t = phase.totals;
  const s = phase.schedule;
  const parts = [
    `[${model}] phase ${phase.name}${phase.warmup ? ' (warm-up, not measured)' : ''}${phase.partial ? ' (interrupted)' : ''}`,
    `${phase.durationS.toFixed(1)}s`,
    `${t.requests} req`,
    `${t.throughputRps.toFixed(1)} req/s (target ${rateText(phase.targetRate)})`,
    `p50 ${t.latencyMs.p50.toFixed(1)} ms`,
    `p95 ${t.latencyMs.p95.toFixed(1)} ms`,
    `p99 ${t.latencyMs.p99.toFixed(1)} ms`,
    `errors ${t.errors}`,
    `429s ${t.throttled}`,
    `cold starts ${t.coldStarts.count}`,
  ];
  if (s.late || s.dropped) parts.push(`late ${s.late} dropped ${s.dropped}`);
  if ((phase.generator.workers ?? 1) > 1) parts.push(`${phase.generator.workers} generator workers`);
  if (phase.generator.saturated) parts.push('GENERATOR SATURATED');
  return parts.join(' · ');
}

export function formatStageLine(p: BenchProgress): string | undefined {
  if (p.stage === 'setup') return p.note ? `[${p.model}] ${p.note}` : `[${p.model}] preparing: health check, catalog, seed users`;
  if (p.stage === 'invariants') return `[${p.model}] checking invariants`;
  if (p.stage === 'metrics' && p.note) return `[${p.model}] ${p.note}`;
  return undefined;
}

/** The closing summary of one model's result. */
export function formatResultSummary(file: string, r: BenchResult): string[] {
  const lines = [
    `${r.model}${r.partial ? ' (PARTIAL: ' + (r.partialReason ?? '') + ')' : ''}: ${r.totals.requests} requests, ${r.totals.throughputRps.toFixed(1)} req/s, p95 ${r.totals.latencyMs.p95.toFixed(1)} ms, p99 ${r.totals.latencyMs.p99.toFixed(1)} ms, errors ${r.totals.errors}, 429s ${r.totals.throttled}, cold starts ${r.totals.coldStarts.count}`,
  ];
  if (r.invariants.length) lines.push(`  invariants: ${r.invariants.map((i) => `${i.id} ${i.status.toUpperCase()}`).join(', ')}`);
  const tl = r.scalingTimeline;
  if (tl.source === 'cloudwatch') lines.push(`  CloudWatch: ${tl.datapoints.length} datapoints${tl.partial ? ' (PARTIAL)' : ''}${tl.note ? `: ${tl.note}` : ''}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  lines.push(`  saved ${file}`);
  return lines;
}
