import type { Percentiles, Report, ReportModel } from './model.js';

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
  if (!p) return '–';
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

export const MODEL_LABEL: Record<ReportModel, string> = { traditional: 'traditional', serverless: 'serverless' };

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
