import { z } from 'zod';
import { Decimal } from '../pricing/money.js';

/**
 * Gates a pipeline can rely on, k6-style: a threshold such as `p95>300ms`, `cost>500/mo` or
 * `errors>0.1%` names the condition that FAILS the run. The same zod schema reads them from a load
 * profile (`thresholds:`) and from `--fail-if`; one pure function evaluates them per model. A failed
 * gate exits with EXIT_CODES.thresholdFailed (src/errors.ts), distinct from errors.
 */

export const GATE_METRICS = {
  p50: { unit: 'ms', what: 'p50 latency of all measured phases (client side)' },
  p95: { unit: 'ms', what: 'p95 latency of all measured phases (client side)' },
  p99: { unit: 'ms', what: 'p99 latency of all measured phases (client side)' },
  errors: { unit: '%', what: 'share of requests that failed (5xx, 429, connection errors, timeouts)' },
  cost: { unit: 'USD/month', what: 'monthly cost at the measured traffic (list prices)' },
} as const;
export type GateMetric = keyof typeof GATE_METRICS;
export type GateOperator = '>' | '>=' | '<' | '<=';

export interface Threshold {
  /** As written, e.g. "p95>300ms". */
  expression: string;
  metric: GateMetric;
  operator: GateOperator;
  /** In the metric's unit (ms, %, USD/month), as a decimal string. */
  limit: string;
}

const PATTERN = /^\s*(p50|p95|p99|errors|cost)\s*(>=|<=|>|<)\s*\$?\s*(\d+(?:\.\d+)?)\s*(ms|s|%|\/mo|\/month|usd\/mo|usd\/month)?\s*$/i;
const UNITS: Record<GateMetric, Record<string, number>> = {
  p50: { '': 1, ms: 1, s: 1000 },
  p95: { '': 1, ms: 1, s: 1000 },
  p99: { '': 1, ms: 1, s: 1000 },
  errors: { '': 1, '%': 1 },
  cost: { '': 1, '/mo': 1, '/month': 1, 'usd/mo': 1, 'usd/month': 1 },
};
const EXAMPLES = 'e.g. "p95>300ms", "p99>1s", "errors>0.1%", "cost>500/mo"';

/** Parses one threshold; the error says what is wrong with it. */
export function parseThreshold(text: string): Threshold | { error: string } {
  const m = PATTERN.exec(text);
  if (!m) return { error: `"${text}" is not a threshold: write <metric><operator><value>, metric one of ${Object.keys(GATE_METRICS).join(', ')} (${EXAMPLES})` };
  const metric = m[1]!.toLowerCase() as GateMetric;
  const unit = (m[4] ?? '').toLowerCase();
  const factor = UNITS[metric][unit];
  if (factor === undefined) return { error: `"${text}": ${metric} is in ${GATE_METRICS[metric].unit}, not ${unit}` };
  return { expression: text.trim(), metric, operator: m[2] as GateOperator, limit: new Decimal(m[3]!).mul(factor).toString() };
}

/**
 * One threshold, as a profile's `thresholds:` entry and as a --fail-if value: checked, kept as written
 * (a profile is stored in every bench result and read back through this schema), parsed by thresholdOf.
 */
export const ThresholdSchema = z
  .string()
  .superRefine((text, ctx) => {
    const parsed = parseThreshold(text);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
  })
  .describe(`A condition that fails the run, k6-style: ${EXAMPLES}. Metrics: ${Object.entries(GATE_METRICS).map(([k, v]) => `${k} (${v.unit})`).join(', ')}.`);

/** A threshold the schema already accepted. */
export function thresholdOf(text: string): Threshold {
  const parsed = parseThreshold(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
}

export interface GateCheck {
  expression: string;
  /** Where the threshold was set: the load profile, or --fail-if. */
  source: 'profile' | '--fail-if';
  model: string;
  metric: GateMetric;
  /** The model's figure in the metric's unit; null when the run has none (then the gate fails: nothing proves it holds). */
  actual: string | null;
  failed: boolean;
}

const holds = (actual: Decimal, op: GateOperator, limit: Decimal) => (op === '>' ? actual.gt(limit) : op === '>=' ? actual.gte(limit) : op === '<' ? actual.lt(limit) : actual.lte(limit));

/**
 * Every threshold against every model's figures. A threshold fails a model when its condition is
 * true for that model's figure (or the figure is missing).
 */
export function evaluateGates(thresholds: ReadonlyArray<{ threshold: Threshold; source: GateCheck['source'] }>, figures: Readonly<Record<string, Readonly<Record<GateMetric, number | string | null>>>>): GateCheck[] {
  const checks: GateCheck[] = [];
  for (const { threshold, source } of thresholds) {
    for (const [model, values] of Object.entries(figures)) {
      const value = values[threshold.metric];
      const actual = value === null || value === undefined ? null : new Decimal(value);
      checks.push({
        expression: threshold.expression,
        source,
        model,
        metric: threshold.metric,
        actual: actual ? actual.toString() : null,
        failed: actual === null || holds(actual, threshold.operator, new Decimal(threshold.limit)),
      });
    }
  }
  return checks;
}
