import { z } from 'zod';
import { METRIC_UNITS, METRICS_SOURCES, PERIOD_STATISTICS } from '../architecture/metrics.js';
import { JourneyNameSchema, ProfileSchema, RateSchema } from './profile-schema.js';

/**
 * The bench result document: one per run and model, at .archcompare/results/<run-id>/<model>.json.
 * Consumed by the cost engine (requests, durations, scaling timeline) and the report (latency per phase,
 * cold starts, throttles, invariants). Versioned: readers check `schemaVersion`.
 *
 * Units: latencies in milliseconds with microsecond precision (3 decimals), computed from full HDR
 * histograms; rates in requests per second of wall-clock time; times ISO-8601 UTC.
 */
export const RESULT_SCHEMA_VERSION = 1 as const;

export const LatencySummarySchema = z
  .object({
    count: z.number().int().nonnegative(),
    min: z.number().nonnegative(),
    mean: z.number().nonnegative(),
    p50: z.number().nonnegative(),
    p90: z.number().nonnegative(),
    p95: z.number().nonnegative(),
    p99: z.number().nonnegative(),
    max: z.number().nonnegative(),
  })
  .describe('Percentiles in ms from a full histogram (not averaged across anything).');

export const RequestStatsSchema = z
  .object({
    /** Requests that finished: a response, a connection error or a timeout. */
    requests: z.number().int().nonnegative(),
    responses: z.number().int().nonnegative(),
    /** Responses per second over the phase's wall-clock duration. */
    throughputRps: z.number().nonnegative(),
    /** Service time: from the request's write to its complete response (responses of every status). */
    latencyMs: LatencySummarySchema,
    /** From the request's scheduled (intended) time: adds the wait for a free virtual user (coordinated omission corrected). */
    correctedLatencyMs: LatencySummarySchema,
    /** HdrHistogram V2 compressed base64 of latencyMs in microseconds, so consumers can merge exactly. */
    latencyHistogram: z.string(),
    /** Count per HTTP status code, e.g. {"200": 812, "429": 3}. */
    statusCounts: z.record(z.string(), z.number().int().nonnegative()),
    /** connectionErrors + timeouts + serverErrors (5xx). 429 and other 4xx are counted apart. */
    errors: z.number().int().nonnegative(),
    connectionErrors: z.number().int().nonnegative(),
    timeouts: z.number().int().nonnegative(),
    serverErrors: z.number().int().nonnegative(),
    /** 4xx other than 429. */
    clientErrors: z.number().int().nonnegative(),
    /** 429 Too Many Requests (API Gateway throttles, the login rate limit; a Lambda concurrency throttle is a 500 through API Gateway). */
    throttled: z.number().int().nonnegative(),
    /** Responses carrying `x-archcompare-cold-start: true`, with the `x-archcompare-init-ms` distribution. */
    coldStarts: z.object({ count: z.number().int().nonnegative(), initMs: LatencySummarySchema }),
  })
  .describe('Counters and latency of a set of requests (a phase, a journey step, the whole run).');
export type RequestStats = z.infer<typeof RequestStatsSchema>;

export const JourneyCountsSchema = z.object({
  started: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  /** Ended by a non-2xx answer, an error, or the step limit. */
  failed: z.number().int().nonnegative(),
});

export const ScheduleOutcomeSchema = z
  .object({
    /** Arrivals the open-model schedule asked for; null for rate "max" (closed loop). */
    scheduled: z.number().int().nonnegative().nullable(),
    sent: z.number().int().nonnegative(),
    /** Sent more than 10 ms after their slot because every virtual user was busy or thinking. */
    late: z.number().int().nonnegative(),
    /** Slots more than 2 s overdue when a virtual user got to them: never sent. */
    dropped: z.number().int().nonnegative(),
    /** Requests still unanswered when the phase's grace period ended. */
    inFlightAtEnd: z.number().int().nonnegative(),
    maxLatenessMs: z.number().nonnegative(),
    /** True when late + dropped > 1% of scheduled (and >= 3): read correctedLatencyMs, not latencyMs. */
    closedLoopDistorted: z.boolean(),
  })
  .describe('How well the generator kept the open-model schedule.');

export const GeneratorHealthSchema = z.object({
  saturated: z.boolean(),
  saturatedSeconds: z.number().int().nonnegative(),
  /** Peak per-second CPU of a generator thread, as a fraction of one core (with workers: the busiest worker's event-loop utilisation). */
  peakCpu: z.number().nonnegative(),
  peakLoopDelayMs: z.number().nonnegative(),
  /** Generator threads that ran the phase (worker_threads when more than one; absent in older results). */
  workers: z.number().int().positive().optional(),
});

export const PhaseResultSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  /** The warm-up phase: kept for its cold starts, excluded from run totals and steps. */
  warmup: z.boolean(),
  startedAt: z.string(),
  endedAt: z.string(),
  /** Wall-clock seconds the phase ran; modelledDurationS = the profile's duration (durationS x timeScale when complete). */
  durationS: z.number().nonnegative(),
  modelledDurationS: z.number().nonnegative(),
  targetRate: RateSchema,
  virtualUsers: z.number().int().positive(),
  schedule: ScheduleOutcomeSchema,
  totals: RequestStatsSchema,
  /** Keyed "<journey>.<step>", e.g. "checkout.pay". */
  steps: z.record(z.string(), RequestStatsSchema),
  journeys: z.partialRecord(JourneyNameSchema, JourneyCountsSchema),
  generator: GeneratorHealthSchema,
  /** True when the run was interrupted during this phase. */
  partial: z.boolean(),
});
export type PhaseResult = z.infer<typeof PhaseResultSchema>;

export const SeriesPointSchema = z
  .object({
    /** Whole seconds since the run started (wall clock). */
    t: z.number().int().nonnegative(),
    phase: z.string(),
    targetRps: z.number().nonnegative(),
    sentRps: z.number().int().nonnegative(),
    completedRps: z.number().int().nonnegative(),
    p95Ms: z.number().nonnegative(),
    errors: z.number().int().nonnegative(),
    throttled: z.number().int().nonnegative(),
    coldStarts: z.number().int().nonnegative(),
    generatorCpu: z.number().nonnegative(),
  })
  .describe('One second of the run.');
export type SeriesPoint = z.infer<typeof SeriesPointSchema>;

/** One period's figure of a metric of the contract (src/architecture/metrics.ts), as bench keeps it. */
export const MetricDatapointSchema = z.object({
  timestamp: z.string(),
  namespace: z.string().optional(),
  metric: z.string(),
  dimensions: z.record(z.string(), z.string()),
  value: z.number(),
  statistic: z.enum(PERIOD_STATISTICS).optional(),
  unit: z.enum(METRIC_UNITS).optional(),
  /** Samples in the period (requests for a latency metric), when the target reported them. */
  sampleCount: z.number().nonnegative().optional(),
  /** The period's percentiles ({"p95": 41.2}), for metrics read or recorded with them. */
  percentiles: z.record(z.string(), z.number()).optional(),
});
export type MetricDatapoint = z.infer<typeof MetricDatapointSchema>;

export const ScalingTimelineSchema = z
  .object({
    /**
     * Where the datapoints came from: the local target's metrics files; CloudWatch (a deployment on AWS);
     * 'not-read' (metrics exist but were not read, so every server-side figure is modelled); or nothing found.
     */
    source: z.enum(METRICS_SOURCES),
    note: z.string().optional(),
    /**
     * True when the target had not published every minute of the window when it was read (CloudWatch's
     * delay outlasted the wait): the figures cover part of the run.
     */
    partial: z.boolean().optional(),
    /** Capacity datapoints (instances in service, concurrent executions, throttles …) within the run window. */
    datapoints: z.array(MetricDatapointSchema),
    /**
     * One datapoint per series over the whole window (timestamp = its start): percentiles that
     * per-minute datapoints cannot be combined into (server-side latency, Lambda init durations).
     */
    windowStatistics: z.array(MetricDatapointSchema).optional(),
  })
  .describe('Scaling over the run, from the target metrics (per-minute, CloudWatch-shaped).');
export type ScalingTimeline = z.infer<typeof ScalingTimelineSchema>;

export const InvariantOutcomeSchema = z.object({
  id: z.string(),
  description: z.string(),
  status: z.enum(['pass', 'fail', 'skipped']),
  checked: z.number().int().nonnegative(),
  /** At most 10 examples. */
  violations: z.array(z.string()),
  detail: z.string().optional(),
});
export type InvariantOutcome = z.infer<typeof InvariantOutcomeSchema>;

/**
 * Present on a result `archcompare project` simulated instead of measured: every figure in it is
 * projected (a model calibrated from runs, at a scale no run reached), and this says how and from what.
 */
export const ProjectionMarkerSchema = z
  .object({
    projected: z.literal(true),
    /** How the figures were computed, with the aggregation's stated error. */
    method: z.string(),
    seed: z.number().int(),
    stepSeconds: z.number().positive(),
    samplesPerStep: z.number().int().positive(),
    /** What calibrated the model: the runs read, or that none was and modelled defaults were used. */
    calibration: z.string(),
    /** Every parameter with its origin (measured, calibrated, config, modelled, override) and source. */
    parameters: z.array(z.object({ name: z.string(), value: z.string(), unit: z.string(), origin: z.enum(['measured', 'calibrated', 'config', 'published', 'modelled', 'override']), source: z.string() })),
    /** The limits the model reaches at the projected load; `binding` marks the first. */
    bottlenecks: z.array(
      z.object({
        resource: z.string(),
        limit: z.string(),
        saturatesAtRps: z.number().nonnegative(),
        effect: z.string(),
        fix: z.string(),
        parameter: z.string(),
        binding: z.boolean(),
        /** Parameter values that remove the limit at this peak (what `project --raise-limits` applies). */
        raise: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
      }),
    ),
    peak: z.object({ rps: z.number().nonnegative(), capacity: z.number().nonnegative(), capacityUnit: z.string() }),
    /** 'as configured', or 'limits raised' (project --raise-limits). */
    scenario: z.string().optional(),
    /** The cost engine's price of this projected usage (decimal USD strings), when it was priced. */
    monthlyCost: z.object({ usd: z.string(), windowUsd: z.string(), source: z.string() }).optional(),
  })
  .describe('How a projected result was computed.');
export type ProjectionMarker = z.infer<typeof ProjectionMarkerSchema>;

export const ModelSchema = z.enum(['traditional', 'serverless', 'external']);
export type BenchModel = z.infer<typeof ModelSchema>;

export const BenchResultSchema = z
  .object({
    schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
    kind: z.literal('archcompare.bench-result'),
    runId: z.string(),
    /** "external" when benched by --url without --model. */
    model: ModelSchema,
    target: z.object({
      kind: z.enum(['local', 'aws', 'url']),
      url: z.string(),
      region: z.string().optional(),
      deploymentRunId: z.string().optional(),
    }),
    profile: z.object({ name: z.string(), description: z.string(), file: z.string(), definition: ProfileSchema }),
    /** Modelled durations were divided by this (1 = real time). */
    timeScale: z.number().positive(),
    startedAt: z.string(),
    endedAt: z.string(),
    durationS: z.number().nonnegative(),
    /** Interrupted (Ctrl-C) or failed before the last phase: the figures cover what ran. */
    partial: z.boolean(),
    partialReason: z.string().optional(),
    generator: GeneratorHealthSchema.extend({
      /** The most generator threads any phase used. */
      workers: z.number().int().positive(),
      node: z.string(),
      cpus: z.number().int().positive(),
    }),
    /** All measured phases together (warm-up excluded). */
    totals: RequestStatsSchema,
    steps: z.record(z.string(), RequestStatsSchema),
    journeys: z.partialRecord(JourneyNameSchema, JourneyCountsSchema),
    phases: z.array(PhaseResultSchema),
    series: z.array(SeriesPointSchema),
    scalingTimeline: ScalingTimelineSchema,
    invariants: z.array(InvariantOutcomeSchema),
    catalog: z.object({ products: z.number().int().nonnegative().nullable() }),
    warnings: z.array(z.string()),
    /** Only on results of `archcompare project`: the figures are projected, not measured. */
    projection: ProjectionMarkerSchema.optional(),
  })
  .describe('archcompare bench result, one run of one model.');
export type BenchResult = z.infer<typeof BenchResultSchema>;
