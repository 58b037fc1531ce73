import type { BenchResult } from '../bench/result-schema.js';
import { fmtInt, fmtPct } from './bottleneck.js';
import type { ProjectOutcome } from './project-service.js';

/**
 * `archcompare project` output for people (text, or Markdown for a PR or a wiki) and machines (json).
 * Every figure says where it came from: the projected result file, the parameter table with each
 * parameter's origin, the cost engine's price snapshot.
 */
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);
const share = (n: number, of: number) => (of > 0 ? fmtPct(n / of) : '0%');
const hours = (s: number) => (s >= 86400 * 2 ? `${(s / 86400).toFixed(1)} days` : `${(s / 3600).toFixed(1)} h`);

interface PhaseRow {
  phase: string;
  rate: string;
  cells: Record<string, { p50: string; p95: string; p99: string; failed: string; throttled: string; cold: string; capacity: string }>;
}

/** Capacity over a phase from the timeline: instances in service (traditional), concurrent executions summed over functions (serverless). */
function capacityRange(result: BenchResult, fromIso: string, toIso: string): string {
  const metric = result.model === 'traditional' ? 'GroupInServiceInstances' : 'ConcurrentExecutions';
  const byTime = new Map<string, number>();
  for (const d of result.scalingTimeline.datapoints) {
    if (d.metric !== metric || d.timestamp < fromIso || d.timestamp >= toIso || (result.model === 'serverless' && Object.keys(d.dimensions).length > 0)) continue;
    byTime.set(d.timestamp, (byTime.get(d.timestamp) ?? 0) + d.value);
  }
  if (byTime.size === 0) return '–';
  const values = [...byTime.values()];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const unit = result.model === 'traditional' ? ' inst' : ' conc';
  return lo === hi || Math.round(lo) === Math.round(hi) ? `${fmtInt(hi)}${unit}` : `${fmtInt(lo)}–${fmtInt(hi)}${unit}`;
}

function phaseRows(o: ProjectOutcome, maxRows = 40): PhaseRow[] {
  const first = o.models[0]?.result;
  if (!first) return [];
  const phases = first.phases.filter((p) => !p.warmup);
  // A month has 200 phases: show the busiest ones and the totals rather than every night.
  const chosen = phases.length <= maxRows ? phases : [...phases].sort((a, b) => b.totals.requests / b.durationS - a.totals.requests / a.durationS).slice(0, maxRows).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return chosen.map((ph) => ({
    phase: ph.name,
    rate: typeof ph.targetRate === 'number' ? fmtInt(ph.targetRate) : ph.targetRate === 'max' ? 'max' : `${fmtInt(ph.targetRate.from)}→${fmtInt(ph.targetRate.to)}`,
    cells: Object.fromEntries(
      o.models.map((m) => {
        const p = m.result.phases.find((x) => x.name === ph.name)!;
        const t = p.totals;
        return [
          m.model,
          {
            p50: ms(t.latencyMs.p50),
            p95: ms(t.latencyMs.p95),
            p99: ms(t.latencyMs.p99),
            failed: share(t.errors, t.requests),
            throttled: share(t.throttled, t.requests),
            cold: fmtInt(t.coldStarts.count),
            capacity: capacityRange(m.result, p.startedAt, p.endedAt),
          },
        ];
      }),
    ),
  }));
}

/** The verdict at the projected scale: which model serves the peak, then which costs less. */
export function verdict(o: Pick<ProjectOutcome, 'models' | 'peakRps'>): string {
  // Costs become numbers only to rank the two; the figures printed are the engine's decimal strings.
  const peak = o.models.map((m) => {
    const busiest = [...m.result.phases].filter((p) => !p.warmup).sort((a, b) => b.totals.requests / b.durationS - a.totals.requests / a.durationS)[0]!;
    const t = busiest.totals;
    return { model: m.model, phase: busiest.name, lost: t.requests > 0 ? (t.errors + t.throttled) / t.requests : 0, p95: t.latencyMs.p95, cost: m.monthlyCost ? Number(m.monthlyCost.usd) : undefined, binding: m.result.projection?.bottlenecks.find((b) => b.binding) };
  });
  if (peak.length < 2) return '';
  const [a, b] = [...peak].sort((x, y) => x.lost - y.lost);
  const both = peak.every((p) => p.lost > 0.05);
  const lines: string[] = [];
  if (both)
    lines.push(
      `At ${fmtInt(o.peakRps)} req/s neither configuration holds: ${peak.map((p) => `${p.model} loses ${fmtPct(p.lost)} of ${p.phase} requests (${p.binding ? p.binding.resource : 'no single limit'})`).join('; ')}. Project with --raise-limits to see both sized for the peak.`,
    );
  else if (a!.lost + 0.01 < b!.lost) lines.push(`At ${fmtInt(o.peakRps)} req/s ${a!.model} serves the peak (${fmtPct(a!.lost)} lost, p95 ${ms(a!.p95)}); ${b!.model} loses ${fmtPct(b!.lost)}${b!.binding ? ` at ${b!.binding.resource}` : ''}.`);
  else lines.push(`At ${fmtInt(o.peakRps)} req/s both serve the peak (${peak.map((p) => `${p.model} p95 ${ms(p.p95)}, ${fmtPct(p.lost)} lost`).join('; ')}).`);
  // The worst phase elsewhere (a surge the scaling cannot follow) matters as much as the peak.
  for (const m of o.models) {
    const worst = m.result.phases.filter((p) => !p.warmup).map((p) => ({ name: p.name, lost: p.totals.requests > 0 ? (p.totals.errors + p.totals.throttled) / p.totals.requests : 0 })).sort((x, y) => y.lost - x.lost)[0];
    const atPeak = peak.find((p) => p.model === m.model)!;
    if (worst && worst.name !== atPeak.phase && worst.lost > 0.01 && worst.lost > atPeak.lost) lines.push(`${m.model} loses ${fmtPct(worst.lost)} of ${worst.name} requests while capacity catches up.`);
  }
  if (peak.every((p) => p.cost !== undefined)) {
    const [cheap, dear] = [...peak].sort((x, y) => x.cost! - y.cost!);
    const usd = (model: string) => o.models.find((m) => m.model === model)!.monthlyCost!.usd;
    lines.push(`Monthly cost of this usage: ${cheap!.model} $${usd(cheap!.model)} vs ${dear!.model} $${usd(dear!.model)} (the cost engine over the projected usage).`);
  }
  return lines.join(' ');
}

function table(header: string[], rows: string[][], markdown: boolean): string[] {
  if (markdown) return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export function renderProjection(o: ProjectOutcome, format: 'text' | 'md'): string {
  const md = format === 'md';
  const h = (title: string) => (md ? `\n## ${title}\n` : `\n${title}\n${'-'.repeat(title.length)}`);
  const out: string[] = [];
  out.push(md ? `# Projection: ${o.profile} (${o.scenario})` : `archcompare project: ${o.profile} (${o.scenario})`);
  if (o.scenario !== 'as configured') out.push('Every limit the configured stacks reached at the peak was raised to the value its bottleneck names (overrides in the parameter list).');
  out.push(`${hours(o.durationS)} at up to ${fmtInt(o.peakRps)} req/s, both models simulated (figures are PROJECTED, not measured; seed ${o.models[0]?.result.projection?.seed ?? '?'}, ${Math.round(o.simulationMs)} ms).`);
  out.push(`Calibration: ${o.calibration}.`);
  const rows = phaseRows(o);
  const models = o.models.map((m) => m.model);
  out.push(h('Latency and losses per phase (answered requests; failed = 5xx and timeouts, throttled = 429)'));
  const header = ['phase', 'req/s', ...models.flatMap((m) => [`${m} p95`, 'p99', 'failed', 'throttled', 'cold', 'capacity'])];
  out.push(...table(header, rows.map((r) => [r.phase, r.rate, ...models.flatMap((m) => [r.cells[m]!.p95, r.cells[m]!.p99, r.cells[m]!.failed, r.cells[m]!.throttled, r.cells[m]!.cold, r.cells[m]!.capacity])]), md));
  if (o.models[0] && rows.length < o.models[0].result.phases.length) out.push(`(the ${rows.length} busiest of ${o.models[0].result.phases.length} phases; --format json has all)`);
  out.push(h('Totals'));
  out.push(
    ...table(
      ['model', 'requests', 'p50', 'p95', 'p99', 'failed', 'throttled', 'cold starts'],
      o.models.map((m) => {
        const t = m.result.totals;
        return [m.model, fmtInt(t.requests), ms(t.latencyMs.p50), ms(t.latencyMs.p95), ms(t.latencyMs.p99), `${fmtInt(t.errors)} (${share(t.errors, t.requests)})`, `${fmtInt(t.throttled)} (${share(t.throttled, t.requests)})`, fmtInt(t.coldStarts.count)];
      }),
      md,
    ),
  );
  out.push(h('Bottlenecks (binding first: what saturates, at which rate, what removes it)'));
  for (const m of o.models) {
    out.push(md ? `\n**${m.model}**\n` : `${m.model}:`);
    for (const b of m.result.projection?.bottlenecks ?? [])
      out.push(`${md ? '- ' : '  '}${b.binding ? '▶ ' : ''}${b.resource} (${b.limit}): saturates at ~${fmtInt(b.saturatesAtRps)} req/s; ${b.effect}. Fix: ${b.fix}.`);
  }
  if (o.models.some((m) => m.monthlyCost)) {
    out.push(h('Monthly cost of the projected usage (cost engine, decimal)'));
    for (const m of o.models)
      if (m.monthlyCost) out.push(`${md ? '- ' : '  '}${m.model}: $${m.monthlyCost.usd}/month at this profile's average rate; the profile's ${hours(o.durationS)} alone: $${m.monthlyCost.windowUsd}. Source: ${m.monthlyCost.source}`);
  }
  out.push(h('Verdict at the projected scale'));
  out.push(verdict(o));
  out.push(h('Parameters (value and origin: config, published by AWS, modelled with its source, measured, calibrated, override)'));
  if (md) out.push(...table(['parameter', 'value', 'unit', 'origin'], o.parameters.map((p) => [p.name, p.value, p.unit, p.source]), md));
  else for (const p of o.parameters) out.push(`  ${p.name} = ${p.value} (${p.unit})\n      ${p.source}`);
  out.push(h('Results'));
  for (const m of o.models) out.push(`${md ? '- ' : '  '}${m.model}: ${m.file} (bench result shape, marked projected)`);
  for (const w of o.warnings) out.push(`Warning: ${w}`);
  return `${out.join('\n')}\n`;
}

/** The machine-readable outcome: the summary, the parameters and the result files (the full results are in them). */
export function projectionJson(o: ProjectOutcome): unknown {
  return {
    kind: 'archcompare.projection',
    version: 1,
    runId: o.runId,
    scenario: o.scenario,
    profile: o.profile,
    peakRps: o.peakRps,
    durationS: o.durationS,
    calibration: o.calibration,
    verdict: verdict(o),
    parameters: o.parameters,
    models: o.models.map((m) => ({
      model: m.model,
      file: m.file,
      totals: m.result.totals,
      phases: m.result.phases.map((p) => ({ name: p.name, targetRate: p.targetRate, durationS: p.durationS, totals: { ...p.totals, latencyHistogram: undefined } })),
      bottlenecks: m.result.projection?.bottlenecks,
      monthlyCost: m.monthlyCost,
    })),
    warnings: o.warnings,
  };
}
