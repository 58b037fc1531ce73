import { z } from 'zod';

/**
 * The report model: everything a renderer shows, already computed. Renderers (Ink, text, JSON,
 * Markdown, HTML) only lay it out. Every figure says where it came from (`basis` + `source`):
 * measured (a bench result file and the field), priced (prices x measured usage, the price entry),
 * or modelled (a named parameter and its source) — the product's "nothing is faked" rule.
 * Money is a decimal string in USD (never a float); latencies in ms; times in wall seconds since
 * the run started (modelled seconds = wall x timeScale).
 */
export const REPORT_SCHEMA_VERSION = 1 as const;

export const ReportModelSchema = z.enum(['traditional', 'serverless']);
export type ReportModel = z.infer<typeof ReportModelSchema>;

export const BasisSchema = z.enum(['measured', 'priced', 'modelled']);
export type Basis = z.infer<typeof BasisSchema>;

const money = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string');

export const FigureSchema = z
  .object({
    value: z.number().nullable(),
    unit: z.string(),
    basis: BasisSchema,
    /** One hop to the origin: "results/<run>/serverless.json totals.latencyMs.p95", "pricing-cache/... (2025-…)". */
    source: z.string(),
  })
  .describe('One number with its unit and provenance.');
export type Figure = z.infer<typeof FigureSchema>;

export const CriterionSchema = z.object({
  id: z.enum(['cost', 'latency', 'reliability', 'effort']),
  label: z.string(),
  traditional: FigureSchema,
  serverless: FigureSchema,
  winner: z.union([ReportModelSchema, z.literal('tie')]),
  /** How much better the winner is, in % of the loser's figure (null on a tie). */
  marginPct: z.number().nullable(),
  reason: z.string(),
});
export type Criterion = z.infer<typeof CriterionSchema>;

export const VerdictSchema = z.object({
  winner: z.union([ReportModelSchema, z.literal('tie')]),
  headline: z.string(),
  /** The rule that turned the criteria into a winner, stated so a reader can check it. */
  rule: z.string(),
  criteria: z.array(CriterionSchema),
  /** Under what traffic the cost ranking flips (from the break-even search), or why it does not. */
  flip: z.string(),
  reasons: z.array(z.string()),
});

export const CostComponentSchema = z.object({
  resource: z.string(),
  component: z.string(),
  unit: z.string(),
  monthlyQuantity: money,
  unitPrice: money,
  monthlyCost: money,
  /** The Price List entry: usage type and effective date. */
  price: z.string(),
});
export type CostComponent = z.infer<typeof CostComponentSchema>;

export const ModelCostSchema = z.object({
  totalMonthly: money,
  costPerMillionRequests: money.nullable(),
  topComponents: z.array(CostComponentSchema),
  usageSource: z.string(),
  /** Whether the priced resource usage (Lambda invocations, instances) was measured by the run or modelled for want of metrics. */
  usageBasis: z.enum(['measured', 'modelled']),
  /** Parts of the usage that were not measured and came from named modelled parameters. */
  modelledUsage: z.array(z.string()),
});

export const CostLevelSchema = z.object({
  label: z.string(),
  requestsPerMonth: z.number().nonnegative(),
  averageRps: z.number().nonnegative(),
  traditional: money,
  serverless: money,
  cheaper: z.union([ReportModelSchema, z.literal('tie')]),
});
export type CostLevel = z.infer<typeof CostLevelSchema>;

export const BreakEvenSchema = z.object({
  requestsPerMonth: z.number().nonnegative(),
  averageRps: z.number().nonnegative(),
  cheaperAbove: ReportModelSchema,
  atInstanceStep: z.boolean(),
  traditionalMonthly: money,
  serverlessMonthly: money,
});
export type BreakEven = z.infer<typeof BreakEvenSchema>;

export const CostSectionSchema = z.object({
  currency: z.literal('USD'),
  region: z.string(),
  pricing: z.object({ snapshot: z.string(), pricesAsOf: z.string(), ageDays: z.number() }),
  freeTier: z.boolean(),
  /** The measured request rate both models are priced at (the mean of the two runs' rates). */
  measuredRequestsPerMonth: FigureSchema,
  levels: z.array(CostLevelSchema),
  traditional: ModelCostSchema,
  serverless: ModelCostSchema,
  curve: z.object({ requestsPerMonth: z.array(z.number()), traditional: z.array(money), serverless: z.array(money) }),
  breakEven: z.array(BreakEvenSchema),
  capacityModel: FigureSchema,
  notes: z.array(z.string()),
});

export const PercentilesSchema = z.object({
  requests: z.number().int().nonnegative(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  /** True when the generator fell behind its schedule and the figures are the coordinated-omission corrected ones. */
  corrected: z.boolean(),
});
export type Percentiles = z.infer<typeof PercentilesSchema>;

export const LatencyPhaseSchema = z.object({
  name: z.string(),
  targetRate: z.string(),
  /** The spike: the phase at the highest target rate and the ramp into it. */
  highlighted: z.boolean(),
  fromS: z.number(),
  toS: z.number(),
  traditional: PercentilesSchema.nullable(),
  serverless: PercentilesSchema.nullable(),
});
export type LatencyPhase = z.infer<typeof LatencyPhaseSchema>;

export const TimeSeriesSchema = z.object({
  /** Wall seconds since the run started. */
  t: z.array(z.number()),
  traditional: z.array(z.number().nullable()),
  serverless: z.array(z.number().nullable()),
});
export type TimeSeries = z.infer<typeof TimeSeriesSchema>;

/** The front door's own latency (ALB target response time, API Gateway latency) over the run, as the target measured it. */
export const ServerLatencySchema = z.object({
  /** "AWS/ApplicationELB TargetResponseTime", "AWS/ApiGateway Latency". */
  metric: z.string(),
  requests: z.number().nonnegative().nullable(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  /** Over every minute of the run (warm-up included): the target reports whole minutes. */
  partial: z.boolean(),
  source: z.string(),
});
export type ServerLatency = z.infer<typeof ServerLatencySchema>;

export const LatencySectionSchema = z.object({
  overall: z.object({ traditional: PercentilesSchema, serverless: PercentilesSchema }),
  /** Server-side percentiles beside the client's, where the target's metrics have them (AWS: CloudWatch); null elsewhere. */
  serverSide: z.object({ traditional: ServerLatencySchema.nullable(), serverless: ServerLatencySchema.nullable() }),
  phases: z.array(LatencyPhaseSchema),
  /** p95 of each second (ms), per model. */
  p95Series: TimeSeriesSchema,
  source: z.string(),
});

export const ColdStartModelSchema = z.object({
  count: z.number().int().nonnegative(),
  sharePct: z.number().nonnegative(),
  initP50Ms: z.number().nullable(),
  initP95Ms: z.number().nullable(),
  /** Median per-second p95 in seconds with a cold start minus seconds without (ms); null when one side is empty. */
  p95EffectMs: z.number().nullable(),
  warmupCount: z.number().int().nonnegative(),
  /**
   * Cold starts as the platform counted them (Lambda's REPORT lines with an Init Duration) over the
   * whole run, beside the response headers' count of the same span (measured + warm-up); null where
   * the run read no REPORT lines.
   */
  platform: z
    .object({ count: z.number().nonnegative(), headerCount: z.number().int().nonnegative(), initP50Ms: z.number().nullable(), initP95Ms: z.number().nullable(), source: z.string() })
    .nullable(),
});

export const ColdStartSectionSchema = z.object({
  traditional: ColdStartModelSchema,
  serverless: ColdStartModelSchema,
  series: TimeSeriesSchema,
  source: z.string(),
});

export const ScalingModelSchema = z.object({
  capacityMetric: z.string(),
  capacityUnit: z.string(),
  /** Capacity datapoints: t in wall seconds since the run started. */
  capacity: z.array(z.object({ t: z.number(), value: z.number() })),
  start: z.number().nullable(),
  peak: z.number().nullable(),
  /** Seconds (modelled) from the first rise of demand to the capacity peak; null without a rise or datapoints. */
  reactionModelledS: z.number().nullable(),
  throttled: z.number().int().nonnegative(),
  serverErrors: z.number().int().nonnegative(),
  connectionErrors: z.number().int().nonnegative(),
  errorRatePct: z.number().nonnegative(),
  timelineSource: z.string(),
});

export const ScalingSectionSchema = z.object({
  traditional: ScalingModelSchema,
  serverless: ScalingModelSchema,
  /** Target request rate per second of the run (the demand). */
  demand: z.object({ t: z.array(z.number()), rps: z.array(z.number()) }),
});

export const EffortItemSchema = z.object({
  id: z.string(),
  label: z.string(),
  count: z.number().int().nonnegative(),
  points: z.number().nonnegative(),
  hoursPerMonth: z.number().nonnegative(),
  /** Resource addresses behind the item. */
  evidence: z.array(z.string()),
});
export type EffortItem = z.infer<typeof EffortItemSchema>;

export const EffortModelSchema = z.object({
  score: z.number().nonnegative(),
  hoursPerMonth: z.number().nonnegative(),
  /** Hours x the modelled hourly rate: what the effort costs a month. */
  monthlyCost: money,
  resources: z.number().int().nonnegative(),
  items: z.array(EffortItemSchema),
  stackSource: z.string(),
});
export type EffortModel = z.infer<typeof EffortModelSchema>;

export const EffortSectionSchema = z.object({
  weightsSource: z.string(),
  hoursPerPoint: z.number().positive(),
  engineerHourlyRateUsd: z.number().nonnegative(),
  traditional: EffortModelSchema,
  serverless: EffortModelSchema,
});

/** A modelled parameter behind the figures: a registry id (cost.*, local.*) or an effort weight, with its public source. */
export const ModelledParameterSchema = z.object({ id: z.string(), value: z.string(), description: z.string(), source: z.string() });
export type ModelledParameterEntry = z.infer<typeof ModelledParameterSchema>;

export const ProvenanceSchema = z.object({
  target: z.enum(['local', 'aws', 'url']),
  /** Local figures are labelled local: the machine is not AWS. */
  label: z.string(),
  timeScale: z.number().positive(),
  results: z.object({ traditional: z.string(), serverless: z.string() }),
  runIds: z.object({ traditional: z.string(), serverless: z.string() }),
  measuredWindowS: z.object({ traditional: z.number(), serverless: z.number() }),
  modelledParameters: z.array(ModelledParameterSchema),
  warnings: z.array(z.string()),
});

export const GateCheckSchema = z.object({
  expression: z.string(),
  source: z.enum(['profile', '--fail-if']),
  model: ReportModelSchema,
  metric: z.enum(['p50', 'p95', 'p99', 'errors', 'cost']),
  /** The model's figure in the metric's unit (ms, %, USD/month); null when the run has none. */
  actual: z.string().nullable(),
  failed: z.boolean(),
});

/** The thresholds of the profile and --fail-if, checked per model (src/gates/thresholds.ts); present when any was set. */
export const GatesSectionSchema = z.object({ checks: z.array(GateCheckSchema), failed: z.boolean() });

/** One model at the projected scale (archcompare project), beside what its bench run measured. */
export const ProjectedModelSchema = z.object({
  /** The projected result file (bench result shape, marked projected). */
  file: z.string(),
  /** What the bench run measured: p95 and failed+throttled share over its measured phases (null without a run). */
  measuredP95Ms: z.number().nullable(),
  measuredLostPct: z.number().nullable(),
  measuredRps: z.number().nullable(),
  /** At the profile's busiest phase. */
  peakPhase: z.string(),
  projectedP95Ms: z.number(),
  projectedLostPct: z.number(),
  /** The phase that lost the largest share (a surge the scaling cannot follow). */
  worstPhase: z.object({ name: z.string(), lostPct: z.number() }),
  monthlyCostUsd: money.nullable(),
  monthlyCostSource: z.string().nullable(),
  bottlenecks: z.array(z.object({ resource: z.string(), limit: z.string(), saturatesAtRps: z.number(), effect: z.string(), fix: z.string(), binding: z.boolean() })),
});

export const ProjectionSectionSchema = z.object({
  profile: z.string(),
  scenario: z.string(),
  peakRps: z.number(),
  durationS: z.number(),
  calibration: z.string(),
  method: z.string(),
  traditional: ProjectedModelSchema,
  serverless: ProjectedModelSchema,
  verdict: z.string(),
  /** How many parameters were measured, calibrated, config, published, modelled or overridden. */
  origins: z.record(z.string(), z.number()),
});
export type ProjectionSection = z.infer<typeof ProjectionSectionSchema>;

export const ReportSchema = z
  .object({
    kind: z.literal('archcompare.report'),
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    generatedAt: z.string(),
    profile: z.object({ name: z.string(), description: z.string() }),
    verdict: VerdictSchema,
    cost: CostSectionSchema,
    latency: LatencySectionSchema,
    coldStarts: ColdStartSectionSchema,
    scaling: ScalingSectionSchema,
    effort: EffortSectionSchema,
    provenance: ProvenanceSchema,
    gates: GatesSectionSchema.optional(),
    /** The same two models projected to internet scale (archcompare project), when a projection was saved. */
    projection: ProjectionSectionSchema.optional(),
  })
  .describe('archcompare report: the two models side by side for one workload.');
export type Report = z.infer<typeof ReportSchema>;

/** JSON Schema of the report (for CI consumers). */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ReportSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
