import { breakEvenText, count, figure, measuredFiguresText, money, ms, pct, pricedUsageText, requests, scalingText, serverTriple, triple, winnerText } from '../format.js';
import { gateRows, gatesTitle, markedOutcome } from '../gates.js';
import { projectionRows } from '../projection.js';
import type { Report, ReportModel } from '../model.js';
import { bar, sparkline } from './charts.js';

/**
 * The terminal layout of the report as data: the blocks, top to bottom, with their text already
 * laid out in columns. Both terminal renderers draw exactly these blocks: the Ink component
 * (ReportView) and the plain-string renderer (render/text.ts, which needs no React or layout
 * engine and so starts fast). No Ink or React here.
 */
export type Tone = 'cyan' | 'blue' | 'magenta' | 'yellow' | 'red' | 'green';

/** A run of text, in its own colour when `tone` is set (a terminal with colours only). */
export interface Span {
  text: string;
  tone?: Tone;
}

export interface Block {
  /** `line`: at the left edge; `heading`: a blank line above it; `prose`: indented 2 columns, wrapped within them. */
  kind: 'line' | 'heading' | 'prose';
  /** Drawn one after the other; a block wider than the layout wraps at word boundaries. */
  spans: Span[];
  /** The block's style (with colours only). */
  tone?: Tone;
  bold?: boolean;
  dim?: boolean;
}

const MODELS: readonly ReportModel[] = ['traditional', 'serverless'];

/** A cell of `width` columns, the last one always a gap (clipped text ends in …). */
function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const room = width - 1;
  const clipped = text.length > room ? `${text.slice(0, Math.max(0, room - 1))}…` : text;
  return `${align === 'right' ? clipped.padStart(room) : clipped.padEnd(room)} `;
}

/** Per-minute capacity datapoints as a step function over the run's seconds, to line up with demand. */
function onSeconds(points: ReadonlyArray<{ t: number; value: number }>, seconds: readonly number[]): Array<number | null> {
  let i = -1;
  return seconds.map((t) => {
    while (i + 1 < points.length && points[i + 1]!.t <= t) i++;
    return i >= 0 ? points[i]!.value : null;
  });
}

const SHORT_LABEL: Record<string, string> = { cost: 'Monthly AWS cost', latency: 'p95 latency', reliability: 'Failed requests', effort: 'Ops effort' };

export interface Layout {
  width: number;
  label: number;
  value: number;
  extra: number;
}

/** Column widths for a terminal of `width` columns, clamped to 80–100. */
export function layout(width: number): Layout {
  const w = Math.max(80, Math.min(100, Math.floor(width)));
  const label = w >= 100 ? 26 : 20;
  const extra = w >= 100 ? 22 : 18;
  return { width: w, label, extra, value: Math.floor((w - 2 - label - extra) / 2) };
}

const toneOf = (m: ReportModel | 'tie'): Tone | undefined => (m === 'tie' ? undefined : m === 'traditional' ? 'blue' : 'magenta');

/** The report's terminal blocks for `width` columns (clamped to 80–100). */
export function reportBlocks(report: Report, width: number): Block[] {
  const L = layout(width);
  const blocks: Block[] = [];
  const text = (t: string, tone?: Tone): Span => (tone ? { text: t, tone } : { text: t });
  const line = (t: string, style: Omit<Block, 'kind' | 'spans'> = {}) => blocks.push({ kind: 'line', spans: [text(t)], ...style });
  const dim = (t: string) => line(t, { dim: true });
  const heading = (t: string) => blocks.push({ kind: 'heading', spans: [text(t)], bold: true, tone: 'cyan' });
  const prose = (t: string, tone?: Tone) => blocks.push({ kind: 'prose', spans: [text(t)], tone });
  /** A label and a sparkline in the model's colour. */
  const spark = (label: string, chart: string, tone?: Tone) => blocks.push({ kind: 'line', spans: [text(`  ${fit(label, L.label)}`), text(chart, tone)] });

  const cells = (label: string, a: string, b: string) => `  ${fit(label, L.label)}${fit(a, L.value)}${fit(b, L.value)}`;
  const row = (label: string, a: string, b: string, extra = '') => `  ${fit(label, L.label)}${fit(a, L.value)}${fit(b, L.value)}${fit(extra, L.extra)}`.trimEnd();
  const v = report.verdict;
  const sparkWidth = L.width - 2 - L.label - 16;

  const costMax = (level: Report['cost']['levels'][number]) => Math.max(Number(level.traditional), Number(level.serverless));
  const moneyBar = (value: string, max: number) => {
    const t = money(value);
    return `${t} ${bar(Number(value), max, Math.max(1, L.value - t.length - 2))}`;
  };

  const p95Max = Math.max(0, ...MODELS.flatMap((m) => report.latency.p95Series[m].filter((x): x is number => x !== null)));
  const coldMax = Math.max(0, ...MODELS.flatMap((m) => report.coldStarts.series[m].filter((x): x is number => x !== null)));

  line(`archcompare report · profile ${report.profile.name} · ${report.provenance.target} target · time scale ${report.provenance.timeScale}`, { bold: true });
  dim(report.profile.description);

  heading('VERDICT');
  line(v.headline, { bold: true, tone: toneOf(v.winner) });
  dim(row('criterion', 'traditional', 'serverless', 'better'));
  for (const cr of v.criteria) {
    const figures = cells(SHORT_LABEL[cr.id] ?? cr.label, figure(cr.traditional.value, cr.traditional.unit), figure(cr.serverless.value, cr.serverless.unit));
    blocks.push({ kind: 'line', spans: [text(figures), text(winnerText(cr.winner, cr.marginPct), toneOf(cr.winner))] });
  }
  prose(`Flip: ${v.flip}`);
  for (const r of v.reasons.slice(4)) prose(`• ${r}`);

  heading(`COST · USD/month · ${report.cost.region} · prices as of ${report.cost.pricing.pricesAsOf}${report.cost.freeTier ? ' · free tier applied' : ''}`);
  dim(row('traffic (requests/month)', 'traditional', 'serverless', 'cheaper'));
  for (const level of report.cost.levels) {
    line(row(`${level.label} ${requests(level.requestsPerMonth)} (${level.averageRps} r/s)`, moneyBar(level.traditional, costMax(level)), moneyBar(level.serverless, costMax(level)), level.cheaper));
  }
  prose(`Break-even: ${breakEvenText(report)}`);
  const perMillion = (m: ReportModel) => (report.cost[m].costPerMillionRequests ? money(report.cost[m].costPerMillionRequests!) : '–');
  prose(`Per 1M requests: traditional ${perMillion('traditional')}, serverless ${perMillion('serverless')}; ASG sized at ${report.cost.capacityModel.value} req/s per instance (${report.cost.capacityModel.basis})`);
  for (const m of MODELS) {
    line(`  Top components · ${m}`, { tone: toneOf(m) });
    for (const comp of report.cost[m].topComponents.slice(0, 4)) line(`    ${fit(`${comp.resource} · ${comp.component}`, L.width - 16)}${fit(money(comp.monthlyCost), 12, 'right')}`);
  }

  heading('LATENCY · ms p50 / p95 / p99 · ▶ = spike');
  dim(row('phase (target rate)', 'traditional', 'serverless'));
  for (const p of report.latency.phases) {
    line(row(`${p.highlighted ? '▶' : ' '}${p.name} (${p.targetRate})`, triple(p.traditional), triple(p.serverless)), p.highlighted ? { tone: 'yellow' } : {});
  }
  line(row(' all measured phases', triple(report.latency.overall.traditional), triple(report.latency.overall.serverless)));
  const serverSide = report.latency.serverSide;
  if (serverSide.traditional || serverSide.serverless) line(row(' server-side (whole run)', serverTriple(serverSide.traditional), serverTriple(serverSide.serverless)));
  dim(`  p95 per second, scale 0–${ms(p95Max)}, ${report.latency.p95Series.t.length} s (wall)`);
  for (const m of MODELS) spark(m, sparkline(report.latency.p95Series[m], sparkWidth, p95Max), toneOf(m));

  if (report.gates) {
    heading(gatesTitle(report.gates).toUpperCase());
    dim(row('fails when', 'traditional', 'serverless', 'set by'));
    for (const g of gateRows(report)) {
      const outcome = (m: ReportModel) => text(fit(markedOutcome(g.checks[m], { failed: '✗', passed: '✓' }), L.value), g.checks[m] ? (g.checks[m]!.failed ? 'red' : 'green') : undefined);
      blocks.push({ kind: 'line', spans: [text(`  ${fit(g.expression, L.label)}`), outcome('traditional'), outcome('serverless'), text(g.source)] });
    }
  }

  const cs = report.coldStarts;
  const effect = (m: ReportModel) => (cs[m].p95EffectMs === null ? '–' : `+${ms(cs[m].p95EffectMs)}`);
  heading('COLD STARTS');
  dim(row('', 'traditional', 'serverless'));
  line(row('count (share)', `${count(cs.traditional.count)} (${pct(cs.traditional.sharePct, 3)})`, `${count(cs.serverless.count)} (${pct(cs.serverless.sharePct, 3)})`));
  line(row('init p50 / p95', `${ms(cs.traditional.initP50Ms)} / ${ms(cs.traditional.initP95Ms)}`, `${ms(cs.serverless.initP50Ms)} / ${ms(cs.serverless.initP95Ms)}`));
  line(row('effect on p95 per second', effect('traditional'), effect('serverless')));
  line(row('in warm-up (excluded)', count(cs.traditional.warmupCount), count(cs.serverless.warmupCount)));
  const platform = (m: ReportModel) => (cs[m].platform ? `${count(cs[m].platform!.count)} (headers ${count(cs[m].platform!.headerCount)})` : '–');
  if (cs.traditional.platform || cs.serverless.platform) line(row("by Lambda's REPORT lines", platform('traditional'), platform('serverless')));
  dim(`  cold starts per second, scale 0–${coldMax}`);
  for (const m of MODELS) spark(m, sparkline(cs.series[m], sparkWidth, coldMax), toneOf(m));

  const sc = report.scaling;
  heading('SCALING AND ERRORS');
  dim(`  demand (target req/s) and capacity (${sc.traditional.capacityUnit} / ${sc.serverless.capacityUnit}) over time`);
  line(`  ${fit('demand', L.label)}${sparkline(sc.demand.rps, sparkWidth)}`);
  for (const m of MODELS) spark(m, sparkline(onSeconds(sc[m].capacity, sc.demand.t), sparkWidth), toneOf(m));
  for (const m of MODELS) prose(`${m}: ${scalingText(report, m)}`);
  const errors = (m: ReportModel) => `${count(sc[m].throttled)} / ${count(sc[m].serverErrors)} / ${count(sc[m].connectionErrors)}`;
  line(row('429 / 5xx / conn+timeouts', errors('traditional'), errors('serverless')));
  line(row('failed requests', pct(sc.traditional.errorRatePct), pct(sc.serverless.errorRatePct)));

  const effort = report.effort;
  heading(`OPERATIONAL EFFORT · modelled, weights ${effort.weightsSource}`);
  dim(row('item (points)', 'traditional', 'serverless'));
  for (const id of new Set(MODELS.flatMap((m) => effort[m].items.map((i) => i.id)))) {
    const item = (m: ReportModel) => effort[m].items.find((i) => i.id === id);
    const label = (item('traditional') ?? item('serverless'))!.label;
    const cell = (m: ReportModel) => {
      const i = item(m);
      return i ? `${i.count} → ${i.hoursPerMonth} h` : '–';
    };
    line(row(label.split(' (')[0]!, cell('traditional'), cell('serverless')));
  }
  line(row('total hours/month (score)', `${effort.traditional.hoursPerMonth} h (${effort.traditional.score})`, `${effort.serverless.hoursPerMonth} h (${effort.serverless.score})`), { bold: true });
  prose(`evidence: resource addresses per item in --format json|md|html; ${effort.hoursPerPoint} h per point`);

  const pv = report.provenance;
  heading('DATA PROVENANCE');
  prose(pv.label);
  prose(`measured: ${measuredFiguresText(report)}: ${pv.results.traditional}, ${pv.results.serverless}`);
  prose(`priced: costs = ${report.cost.pricing.snapshot} × ${pricedUsageText(report)} (top lines name their Price List entry)`);
  prose(`modelled: ${pv.modelledParameters.map((p) => `${p.id} = ${p.value}`).join('; ')}`);
  for (const m of MODELS) for (const u of report.cost[m].modelledUsage) prose(`modelled usage (${m}): ${u}`);
  for (const w of pv.warnings) prose(`warning: ${w}`, 'yellow');
  if (report.projection) {
    const pr = projectionRows(report.projection);
    heading(pr.title.toUpperCase());
    dim(row(pr.header[0]!, pr.header[1]!, pr.header[2]!));
    for (const r of pr.rows) line(row(r[0]!, r[1]!, r[2]!));
    for (const b of pr.bottlenecks) prose(`${b.model}${b.binding ? ' ▶' : ''}: ${b.text}`, b.binding ? 'yellow' : undefined);
    for (const n of pr.notes) prose(n);
  }
  return blocks;
}
