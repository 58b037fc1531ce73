import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { describeZodIssue } from '../errors.js';

/**
 * The metrics contract: one JSON line per datapoint in <metricsDir>/metrics.jsonl, shaped like
 * CloudWatch's PutMetricData MetricDatum (Namespace, MetricName, Dimensions, Timestamp, Unit,
 * StatisticValues) plus ExtendedStatistics percentiles, one datapoint per metric per period. The
 * local target writes it (MetricsRecorder); an AWS reader fills the same shape from CloudWatch, so
 * readers never care where the numbers came from. One parser (parseMetricsFile) serves production
 * and tests.
 */

export const METRICS_FILE = 'metrics.jsonl';

/**
 * How a metric's period is summed up into one figure:
 * - gauge: a level sampled during the period (instances, environments, connections) → Maximum;
 * - count: events or units in the period (requests, messages, capacity units, bytes) → Sum;
 * - timing: a duration per event, with percentiles where recorded → Sum (total time, what Lambda bills);
 * - average: a level whose mean over the period is the figure (the machine's CPU) → Sum / SampleCount.
 */
export type MetricKind = 'gauge' | 'count' | 'timing' | 'average';
export const PERIOD_STATISTICS = ['Maximum', 'Sum', 'Average'] as const;
export type PeriodStatistic = (typeof PERIOD_STATISTICS)[number];
export const PERIOD_STATISTIC: Record<MetricKind, PeriodStatistic> = { gauge: 'Maximum', count: 'Sum', timing: 'Sum', average: 'Average' };

/** Where the contract keeps what Lambda's REPORT log lines say (not a CloudWatch namespace: read from the logs). */
export const LAMBDA_REPORT_NAMESPACE = 'archcompare/LambdaReport';

/** Every metric the targets write, by CloudWatch namespace; anything else does not validate. */
export const METRICS = {
  'AWS/ApiGateway': { Count: 'count', '4xx': 'count', '5xx': 'count', Latency: 'timing', IntegrationLatency: 'timing' },
  'AWS/ApplicationELB': {
    RequestCount: 'count',
    HTTPCode_ELB_5XX_Count: 'count',
    HTTPCode_ELB_502_Count: 'count',
    HTTPCode_ELB_503_Count: 'count',
    HTTPCode_ELB_504_Count: 'count',
    HTTPCode_Target_2XX_Count: 'count',
    HTTPCode_Target_3XX_Count: 'count',
    HTTPCode_Target_4XX_Count: 'count',
    HTTPCode_Target_5XX_Count: 'count',
    NewConnectionCount: 'count',
    // AWS: "the most useful statistic is Sum" (connections active in the minute), the LCU active-connections dimension.
    ActiveConnectionCount: 'count',
    ProcessedBytes: 'count',
    RuleEvaluations: 'count',
    TargetResponseTime: 'timing',
    HealthyHostCount: 'gauge',
    UnHealthyHostCount: 'gauge',
  },
  'AWS/AutoScaling': { GroupDesiredCapacity: 'gauge', GroupInServiceInstances: 'gauge', GroupPendingInstances: 'gauge', GroupTotalInstances: 'gauge' },
  'AWS/EC2': { CPUUtilization: 'gauge', CPUCreditBalance: 'gauge' },
  /**
   * CPUUtilization is the share of the DB instance's vCPUs busy (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html),
   * a level whose period mean is the figure; locally the PostgreSQL process tree's CPU time, sampled each second.
   */
  'AWS/RDS': { CPUUtilization: 'average', DatabaseConnections: 'gauge' },
  'AWS/Lambda': { Invocations: 'count', Errors: 'count', Throttles: 'count', Duration: 'timing', ConcurrentExecutions: 'gauge', ProvisionedConcurrentExecutions: 'gauge' },
  LambdaInsights: { init_duration: 'timing' },
  /**
   * Lambda's own REPORT log lines (one per invocation, read with Logs Insights), per function and
   * minute: what the platform counted and billed, beside what the load generator saw.
   */
  [LAMBDA_REPORT_NAMESPACE]: { Invocations: 'count', ColdStarts: 'count', InitDuration: 'timing', BilledDuration: 'timing', MaxMemoryUsed: 'gauge' },
  'AWS/DynamoDB': { ConsumedReadCapacityUnits: 'count', ConsumedWriteCapacityUnits: 'count', ReadThrottleEvents: 'count', WriteThrottleEvents: 'count' },
  'AWS/SQS': { NumberOfMessagesSent: 'count', NumberOfMessagesReceived: 'count', NumberOfMessagesDeleted: 'count', ApproximateAgeOfOldestMessage: 'gauge' },
  /**
   * What only the local target measures: its own waits and delays, the load balancer's added latency, the
   * shared machine's CPU, and each instance's real process CPU (ProcessCPUUtilization per InstanceId: the
   * server process tree's CPU time as a percent of the instance type's vCPUs; AWS/EC2 CPUUtilization stays
   * the modelled slot occupancy the local Auto Scaling acts on).
   */
  'archcompare/Local': {
    LocalEnvironmentWaits: 'count',
    LocalInitSlotSwitches: 'count',
    LocalInitSlotWaits: 'count',
    ColdStartProvisioningDelay: 'timing',
    ColdStartTotal: 'timing',
    LoadBalancerLatency: 'timing',
    MachineCPUUtilization: 'average',
    ProcessCPUUtilization: 'average',
  },
} as const satisfies Record<string, Record<string, MetricKind>>;

export type MetricNamespace = keyof typeof METRICS;
/** The metric names of one namespace (of all, without a type argument). */
export type MetricName<N extends MetricNamespace = MetricNamespace> = N extends MetricNamespace ? keyof (typeof METRICS)[N] & string : never;

/** The kind of a metric of the contract; undefined for anything else. */
export function metricKind(namespace: string, name: string): MetricKind | undefined {
  const names: Record<string, MetricKind> | undefined = Object.hasOwn(METRICS, namespace) ? METRICS[namespace as MetricNamespace] : undefined;
  return names && Object.hasOwn(names, name) ? names[name] : undefined;
}

/** The percentiles a timing metric's datapoint carries (ExtendedStatistics p50 …), recorded locally or read from CloudWatch. */
export const RECORDED_PERCENTILES = [50, 90, 95, 99] as const;

export const METRIC_UNITS = ['Count', 'Milliseconds', 'Seconds', 'Percent', 'None', 'Bytes', 'Megabytes'] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];
/** Who measured a datapoint: the local target's runtime, or CloudWatch for a deployment on AWS. */
export const METRIC_SOURCES = ['local', 'aws'] as const;
export type MetricSource = (typeof METRIC_SOURCES)[number];

export const MetricDatumSchema = z
  .object({
    Namespace: z.string(),
    MetricName: z.string(),
    Dimensions: z.array(z.object({ Name: z.string(), Value: z.string() }).strict()),
    /** Start of the period, ISO-8601 UTC. */
    Timestamp: z.iso.datetime(),
    /** Modelled period in seconds (60), and the wall-clock seconds it took under the time scale. */
    Period: z.number().positive(),
    RealPeriodSeconds: z.number().nonnegative(),
    Unit: z.enum(METRIC_UNITS),
    /** A period without samples has no datapoint, so SampleCount is never 0. */
    StatisticValues: z.object({ SampleCount: z.number().positive(), Sum: z.number(), Minimum: z.number(), Maximum: z.number() }).strict(),
    /** Percentiles of the period, e.g. {"p50": 12.3, "p99": 80.1}, for metrics recorded with a histogram. */
    ExtendedStatistics: z.record(z.string().regex(/^p\d+(\.\d+)?$/), z.number()).optional(),
    Source: z.enum(METRIC_SOURCES),
    TimeScale: z.number().positive(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (metricKind(d.Namespace, d.MetricName) === undefined) ctx.addIssue({ code: 'custom', path: ['MetricName'], message: `${d.Namespace} ${d.MetricName} is not a metric of the contract` });
  });
export type MetricDatum = z.infer<typeof MetricDatumSchema>;

/** The one figure of a datapoint's period, by its metric's kind. */
export function periodFigure(datum: MetricDatum): { statistic: PeriodStatistic; value: number } {
  const statistic = PERIOD_STATISTIC[metricKind(datum.Namespace, datum.MetricName)!];
  const s = datum.StatisticValues;
  return { statistic, value: statistic === 'Average' ? s.Sum / s.SampleCount : s[statistic] };
}

export interface UnreadableLine {
  line: number;
  reason: string;
}

export interface MetricsFile {
  file: string;
  data: MetricDatum[];
  /** Lines that are not JSON or not a MetricDatum: skipped, and said (unreadableNote), never silently. */
  unreadable: UnreadableLine[];
}

/** The one parser of the metrics file: every line either validates or is reported by its number. */
export function parseMetricsFile(text: string, file: string): MetricsFile {
  const data: MetricDatum[] = [];
  const unreadable: UnreadableLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      unreadable.push({ line: i + 1, reason: 'not JSON' });
      return;
    }
    const parsed = MetricDatumSchema.safeParse(json);
    if (parsed.success) data.push(parsed.data);
    else {
      const { field, message } = describeZodIssue(parsed.error);
      unreadable.push({ line: i + 1, reason: `${field}: ${message}` });
    }
  });
  return { file, data, unreadable };
}

/** "2 unreadable lines skipped (first: /x/metrics.jsonl line 3: Timestamp: …)", or undefined when every line was read. */
export function unreadableNote(metrics: MetricsFile): string | undefined {
  const first = metrics.unreadable[0];
  if (!first) return undefined;
  const n = metrics.unreadable.length;
  return `${n} unreadable ${n === 1 ? 'line' : 'lines'} skipped (first: ${metrics.file} line ${first.line}: ${first.reason})`;
}

/** The metrics file of a metrics directory; undefined when there is none (nothing recorded yet, or no such directory). */
export async function readMetricsFile(metricsDir: string): Promise<MetricsFile | undefined> {
  const file = path.join(metricsDir, METRICS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  return parseMetricsFile(text, file);
}

/**
 * Where a metrics reading came from: the local target's metrics files, or CloudWatch (GetMetricData
 * and Lambda's REPORT lines through Logs Insights) for a deployment on AWS. 'not-read' is a target
 * whose metrics exist but were not read (its figures must be labelled modelled); 'none' is nothing
 * found to read; 'projected' is a timeline `archcompare project` simulated (src/projection/), never
 * measured. The bench result records this value (result-schema.ts derives its enum from this list).
 */
export const METRICS_SOURCES = ['local-metrics', 'cloudwatch', 'not-read', 'none', 'projected'] as const;
export type MetricsSource = (typeof METRICS_SOURCES)[number];
