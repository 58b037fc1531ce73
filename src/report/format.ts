import type { Percentiles, Report, ReportModel, ServerLatency } from './model.js';

/** Number formatting shared by every renderer, so the terminal, Markdown and HTML say the same thing. */
const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const money = (value: string) => USD.format(Number(value));

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

export function pct(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return '–';
  return `${Number(value.toFixed(digits))}%`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** 325M, 4.3B, 10K: traffic as people say it. */
export function requests(n: number): string {
  for (const [div, suffix] of [[1e9, 'B'], [1e6, 'M'], [1e3, 'K']] as const) {
    if (n >= div) {
      const v = n / div;
      return `${v >= 100 ? Math.round(v) : Number(v.toFixed(1))}${suffix}`;
    }
  }
  return String(Math.round(n));
}

export function triple(p: Percentiles | null): string {
  if (!p || p.requests === 0) return '–'; // no request, no latency (a run that sent no traffic)
  const f = (v: number) => (v >= 100 ? String(Math.round(v)) : v.toFixed(1));
  return `${f(p.p50)} / ${f(p.p95)} / ${f(p.p99)}${p.corrected ? '*' : ''}`;
}

export function figure(value: number | null, unit: string): string {
  if (value === null) return '–';
  if (unit === 'USD/month') return `${USD.format(value)}/mo`;
  if (unit === 'ms') return ms(value);
  if (unit === 'hours/month') return `${value} h/mo`;
  if (unit.startsWith('%')) return pct(value);
  return `${value} ${unit}`;
}

export function winnerText(winner: ReportModel | 'tie', marginPct: number | null): string {
  return winner === 'tie' ? 'tie' : `${winner}${marginPct !== null ? ` (−${Math.round(marginPct)}%)` : ''}`;
}

export function breakEvenText(report: Report): string {
  const be = report.cost.breakEven;
  if (!be.length) return 'no crossing between 100K and 10B requests/month';
  return be.map((b) => `${requests(b.requestsPerMonth)} requests/month (~${b.averageRps} req/s): ${b.cheaperAbove} cheaper above (${money(b.traditionalMonthly)} vs ${money(b.serverlessMonthly)})${b.atInstanceStep ? ', at an instance step' : ''}`).join('; ');
}

export function scalingText(report: Report, model: ReportModel): string {
  const s = report.scaling[model];
  if (s.peak === null) return `no capacity datapoints (${s.timelineSource})`;
  const reaction = s.reactionModelledS === null ? 'no scale-out during the run' : `peak reached ${s.reactionModelledS} s (modelled) after demand rose`;
  return `${s.start} → ${s.peak} ${s.capacityUnit}; ${reaction}`;
}

/** "12.0 / 41.0 / 88.0" from the target's own percentiles, "partial" when its read was. */
export function serverTriple(s: ServerLatency | null): string {
  if (!s) return '–';
  const f = (v: number | null) => (v === null ? '–' : v >= 100 ? String(Math.round(v)) : v.toFixed(1));
  return `${f(s.p50)} / ${f(s.p95)} / ${f(s.p99)}${s.partial ? ' (partial)' : ''}`;
}

/** The latency table's server-side row (label, traditional, serverless), when a model has one: beside the client's. */
export function serverLatencyRow(report: Report): string[] | undefined {
  const s = report.latency.serverSide;
  if (!s.traditional && !s.serverless) return undefined;
  return ['server-side, every minute of the run (ALB target response time / API Gateway latency)', serverTriple(s.traditional), serverTriple(s.serverless)];
}

/** The cold-start table's rows (label, traditional, serverless): the same in Markdown, HTML and the terminal. */
export function coldStartRows(report: Report): string[][] {
  const cs = report.coldStarts;
  const effect = (m: ReportModel) => (cs[m].p95EffectMs === null ? '–' : `+${ms(cs[m].p95EffectMs)}`);
  const platform = (m: ReportModel) => {
    const p = cs[m].platform;
    return p ? `${count(p.count)} (headers: ${count(p.headerCount)}) · init ${ms(p.initP50Ms)} / ${ms(p.initP95Ms)}` : '–';
  };
  return [
    ['count (share of requests)', `${count(cs.traditional.count)} (${pct(cs.traditional.sharePct, 3)})`, `${count(cs.serverless.count)} (${pct(cs.serverless.sharePct, 3)})`],
    ['init p50 / p95', `${ms(cs.traditional.initP50Ms)} / ${ms(cs.traditional.initP95Ms)}`, `${ms(cs.serverless.initP50Ms)} / ${ms(cs.serverless.initP95Ms)}`],
    ['effect on per-second p95', effect('traditional'), effect('serverless')],
    ['in warm-up (excluded)', count(cs.traditional.warmupCount), count(cs.serverless.warmupCount)],
    ...(cs.traditional.platform || cs.serverless.platform ? [["counted by Lambda's REPORT lines, whole run", platform('traditional'), platform('serverless')]] : []),
  ];
}

/** The scaling-and-errors table's rows: the same in Markdown and HTML. */
export function scalingRows(report: Report): string[][] {
  const s = report.scaling;
  return [
    ['capacity', scalingText(report, 'traditional'), scalingText(report, 'serverless')],
    ['429 throttled', count(s.traditional.throttled), count(s.serverless.throttled)],
    ['5xx', count(s.traditional.serverErrors), count(s.serverless.serverErrors)],
    ['connection errors + timeouts', count(s.traditional.connectionErrors), count(s.serverless.connectionErrors)],
    ['failed requests', pct(s.traditional.errorRatePct), pct(s.serverless.errorRatePct)],
  ];
}

/** What the costs were priced with: "measured usage", "modelled usage", or which model had which. */
export function pricedUsageText(report: Report): string {
  const t = report.cost.traditional.usageBasis;
  const s = report.cost.serverless.usageBasis;
  return t === s ? `${t} usage` : `usage measured for ${t === 'measured' ? 'traditional' : 'serverless'}, modelled for ${t === 'measured' ? 'serverless' : 'traditional'}`;
}

/** The figures the runs measured: scaling only where the run read capacity datapoints. */
export function measuredFiguresText(report: Report): string {
  const capacity = (['traditional', 'serverless'] as const).every((m) => report.scaling[m].capacity.length > 0);
  return `latency, cold starts, errors${capacity ? ', scaling' : ''}`;
}
