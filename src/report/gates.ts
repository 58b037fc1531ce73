import { evaluateGates, GATE_METRICS, type GateCheck, type GateMetric, type Threshold } from '../gates/thresholds.js';
import type { Report, ReportModel } from './model.js';

/**
 * The report's gates: the thresholds of the load profile and of --fail-if, checked against each
 * model's figures in the report (client-side latency of all measured phases, failed-request share,
 * monthly cost at the measured traffic). Pure.
 */

const MODELS: readonly ReportModel[] = ['traditional', 'serverless'];

export function gateFigures(report: Report): Record<ReportModel, Record<GateMetric, number | string | null>> {
  const of = (m: ReportModel) => ({
    p50: report.latency.overall[m].requests ? report.latency.overall[m].p50 : null,
    p95: report.latency.overall[m].requests ? report.latency.overall[m].p95 : null,
    p99: report.latency.overall[m].requests ? report.latency.overall[m].p99 : null,
    errors: report.latency.overall[m].requests ? report.scaling[m].errorRatePct : null,
    cost: report.cost[m].totalMonthly,
  });
  return { traditional: of('traditional'), serverless: of('serverless') };
}

/** The report with its gates section; unchanged when no threshold was set. */
export function applyGates(report: Report, profileThresholds: readonly Threshold[], failIf: readonly Threshold[]): Report {
  const thresholds = [...profileThresholds.map((threshold) => ({ threshold, source: 'profile' as const })), ...failIf.map((threshold) => ({ threshold, source: '--fail-if' as const }))];
  if (thresholds.length === 0) return report;
  const checks = evaluateGates(thresholds, gateFigures(report)).map((c) => ({ ...c, model: c.model as ReportModel }));
  return { ...report, gates: { checks, failed: checks.some((c) => c.failed) } };
}

/** A check's figure, exactly as compared, in its metric's unit: "312.4 ms", "0.2%", "$181.20/mo", or "no figure" when the run has none. */
export function gateFigure(c: Pick<GateCheck, 'metric' | 'actual'>): string {
  if (c.actual === null) return 'no figure';
  const unit = GATE_METRICS[c.metric].unit;
  return unit === 'USD/month' ? `$${c.actual}/mo` : unit === '%' ? `${c.actual}%` : `${c.actual} ${unit}`;
}

/**
 * A model's cell in the gates section of every format: its mark and figure ("❌ fails 312.4 ms",
 * "✓ 0.2%"); "–" when the model has no check. Each format picks marks that fit its room.
 */
export function markedOutcome(check: GateCheck | undefined, marks: { failed: string; passed: string }): string {
  return check ? `${check.failed ? marks.failed : marks.passed} ${gateFigure(check)}` : '–';
}

/** The gates section's title: "Gates: failed" / "Gates: passed". */
export function gatesTitle(gates: NonNullable<Report['gates']>): string {
  return `Gates: ${gates.failed ? 'failed' : 'passed'}`;
}

/** One threshold of the gates section, with its check for each model (absent when the model was not compared). */
export interface GateRow {
  expression: string;
  source: GateCheck['source'];
  checks: Record<ReportModel, GateCheck | undefined>;
}

/** The gates section as rows (one per threshold, in the order they were set); empty without gates. */
export function gateRows(report: Report): GateRow[] {
  if (!report.gates) return [];
  const rows = new Map<string, GateRow>();
  for (const c of report.gates.checks) {
    const key = `${c.source} ${c.expression}`;
    const row = rows.get(key) ?? { expression: c.expression, source: c.source, checks: { traditional: undefined, serverless: undefined } };
    row.checks[c.model] = c;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** "FAIL serverless: p95>300ms (312.4 ms, from --fail-if)": one line per check, for stderr. */
export function gateLines(report: Report): string[] {
  if (!report.gates) return [];
  return report.gates.checks.map((c) => `${c.failed ? 'FAIL' : 'pass'} ${c.model}: ${c.expression} (${gateFigure(c)}, from ${c.source})`);
}

/** The Markdown table's rows: one per threshold, one column per model. */
export function gatesMarkdownRows(report: Report): string[][] {
  return gateRows(report).map((row) => [`\`${row.expression}\``, row.source, ...MODELS.map((m) => markedOutcome(row.checks[m], { failed: '❌ fails', passed: '✅ passes' }))]);
}
