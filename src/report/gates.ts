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
    errors: report.scaling[m].errorRatePct,
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

const unitOf = (c: Pick<GateCheck, 'metric'>) => GATE_METRICS[c.metric].unit;

/** "serverless: p95>300ms failed (312.4 ms, --fail-if)" — one line per check, for stderr and the text report. */
export function gateLines(report: Report): string[] {
  if (!report.gates) return [];
  return report.gates.checks.map((c) => `${c.failed ? 'FAIL' : 'pass'} ${c.model}: ${c.expression} (${c.actual === null ? 'no figure' : `${c.actual} ${unitOf(c)}`}, from ${c.source})`);
}

/** The Markdown table of the gates: one row per threshold, one column per model. */
export function gatesMarkdownRows(report: Report): string[][] {
  if (!report.gates) return [];
  const byExpression = new Map<string, GateCheck[]>();
  for (const c of report.gates.checks) byExpression.set(`${c.source} ${c.expression}`, [...(byExpression.get(`${c.source} ${c.expression}`) ?? []), c]);
  return [...byExpression.values()].map((checks) => [
    `\`${checks[0]!.expression}\``,
    checks[0]!.source,
    ...MODELS.map((m) => {
      const c = checks.find((x) => x.model === m);
      return c ? `${c.failed ? '❌ fails' : '✅ passes'} (${c.actual === null ? 'no figure' : `${c.actual} ${unitOf(c)}`})` : '–';
    }),
  ]);
}
