import { GetQueryResultsCommand, StartQueryCommand, type CloudWatchLogsClient, type ResultField } from '@aws-sdk/client-cloudwatch-logs';
import { LAMBDA_REPORT_NAMESPACE, RECORDED_PERCENTILES, type MetricDatum, type MetricName } from '../../architecture/metrics.js';
import type { ServerlessMonitoredResources } from '../../architecture/monitored-resources.js';
import type { TimeWindow } from '../port.js';
import { alignedWindow, PERIOD_SECONDS } from './metric-queries.js';

/**
 * Lambda's own account of each invocation: the REPORT line it writes to the function's log group,
 * read with CloudWatch Logs Insights (StartQuery, then GetQueryResults until Complete) and turned
 * into the contract's archcompare/LambdaReport datapoints per function and minute.
 *
 * Fields: Logs Insights discovers @type, @billedDuration, @maxMemoryUsed and @initDuration in a text
 * REPORT line (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html;
 * @maxMemoryUsed in bytes, as AWS's sample queries divide it by 1000 twice:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-examples.html). The stacks log in
 * JSON, where the same report is a `platform.report` event with record.metrics.billedDurationMs,
 * maxMemoryUsedMB and initDurationMs (https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html#ReportMetrics);
 * the query reads either. Init Duration is present only on an environment's first invocation: a cold start.
 */

const pct = (field: string) => RECORDED_PERCENTILES.map((p) => `pct(${field}, ${p}) as ${field}P${p}`).join(', ');

/** The Logs Insights query: REPORT lines summed up per `groupBy` (e.g. `bin(1m), @log`), or over everything. */
export function reportQuery(groupBy?: string): string {
  return [
    'filter @type = "REPORT" or type = "platform.report"',
    'fields coalesce(@initDuration, record.metrics.initDurationMs) as init, coalesce(@billedDuration, record.metrics.billedDurationMs) as billed, coalesce(@maxMemoryUsed / 1000 / 1000, record.metrics.maxMemoryUsedMB) as memory',
    `stats count(*) as invocations, count(init) as coldStarts, sum(init) as initSum, min(init) as initMin, max(init) as initMax, ${pct('init')}, sum(billed) as billedSum, min(billed) as billedMin, max(billed) as billedMax, sum(memory) as memorySum, min(memory) as memoryMin, max(memory) as memoryMax${groupBy ? ` by ${groupBy}` : ''}`,
  ].join(' | ');
}

export const PER_MINUTE_GROUPING = 'bin(1m), @log';
const MINUTE_FIELD = 'bin(1m)';

export type ReportRow = Record<string, string>;

/** "2024-05-01 12:03:00.000" (Logs Insights' UTC timestamp) → epoch ms. */
function insightsTime(value: string): number {
  return Date.parse(`${value.replace(' ', 'T')}${/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? '' : 'Z'}`);
}

const numberOf = (row: ReportRow, field: string) => {
  const v = row[field];
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/** A period's statistics for one metric; undefined when the period had no samples. */
function datum(metric: MetricName<typeof LAMBDA_REPORT_NAMESPACE>, unit: MetricDatum['Unit'], dimensions: MetricDatum['Dimensions'], timestamp: number, period: number, count: number, sum: number, min: number, max: number, percentiles?: Record<string, number>): MetricDatum | undefined {
  if (!(count > 0)) return undefined;
  return {
    Namespace: LAMBDA_REPORT_NAMESPACE,
    MetricName: metric,
    Dimensions: dimensions,
    Timestamp: new Date(timestamp).toISOString(),
    Period: period,
    RealPeriodSeconds: period,
    Unit: unit,
    StatisticValues: { SampleCount: count, Sum: sum, Minimum: min, Maximum: max },
    ...(percentiles && Object.keys(percentiles).length ? { ExtendedStatistics: percentiles } : {}),
    Source: 'aws',
    TimeScale: 1,
  };
}

/** One row of the query (a function's minute, or the whole window) as contract datapoints. */
export function reportDatums(row: ReportRow, dimensions: MetricDatum['Dimensions'], timestamp: number, period: number): MetricDatum[] {
  const n = (f: string) => numberOf(row, f) ?? 0;
  const invocations = n('invocations');
  const cold = n('coldStarts');
  const initPercentiles = Object.fromEntries(RECORDED_PERCENTILES.map((p) => [`p${p}`, numberOf(row, `initP${p}`)]).filter((e): e is [string, number] => e[1] !== undefined));
  return [
    datum('Invocations', 'Count', dimensions, timestamp, period, invocations, invocations, 1, 1),
    datum('ColdStarts', 'Count', dimensions, timestamp, period, cold, cold, 1, 1),
    datum('InitDuration', 'Milliseconds', dimensions, timestamp, period, cold, n('initSum'), n('initMin'), n('initMax'), initPercentiles),
    datum('BilledDuration', 'Milliseconds', dimensions, timestamp, period, invocations, n('billedSum'), n('billedMin'), n('billedMax')),
    datum('MaxMemoryUsed', 'Megabytes', dimensions, timestamp, period, invocations, n('memorySum'), n('memoryMin'), n('memoryMax')),
  ].filter((d): d is MetricDatum => d !== undefined);
}

/** The per-minute rows as datapoints, each under its function's name (the @log field is "<account>:<log group>"). */
export function minuteDatums(rows: ReportRow[], resources: ServerlessMonitoredResources): MetricDatum[] {
  const byGroup = new Map(Object.values(resources.functions).map((f) => [f.LogGroup, f.FunctionName]));
  return rows.flatMap((row) => {
    const group = (row['@log'] ?? '').replace(/^\d+:/, '');
    const fn = byGroup.get(group);
    const t = insightsTime(row[MINUTE_FIELD] ?? '');
    return fn && Number.isFinite(t) ? reportDatums(row, [{ Name: 'FunctionName', Value: fn }], t, PERIOD_SECONDS) : [];
  });
}

const rowOf = (fields: ResultField[]): ReportRow => Object.fromEntries(fields.filter((f) => f.field !== undefined).map((f) => [f.field!, f.value ?? '']));

export interface InsightsWait {
  /** Longest wait for a query to finish (default 60 s). */
  maxWaitMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

export interface InsightsAnswer {
  rows: ReportRow[];
  /** Whether Logs Insights finished the query ('Complete'); otherwise the rows are what it had. */
  complete: boolean;
  status: string;
  calls: number;
}

/** Runs one Logs Insights query over log groups and a time range, polling its results until Complete (bounded). */
export async function runInsightsQuery(client: CloudWatchLogsClient, logGroupNames: string[], window: { start: Date; end: Date }, queryString: string, wait: InsightsWait = {}): Promise<InsightsAnswer> {
  const started = await client.send(
    new StartQueryCommand({ logGroupNames, startTime: Math.floor(window.start.getTime() / 1000), endTime: Math.ceil(window.end.getTime() / 1000), queryString, limit: 10_000 }),
  );
  let calls = 1;
  const deadline = Date.now() + (wait.maxWaitMs ?? 60_000);
  for (;;) {
    const answer = await client.send(new GetQueryResultsCommand({ queryId: started.queryId }));
    calls += 1;
    const status = answer.status ?? 'Unknown';
    const rows = (answer.results ?? []).map(rowOf);
    if (status === 'Complete' || status === 'Failed' || status === 'Cancelled' || status === 'Timeout' || Date.now() >= deadline || wait.signal?.aborted) return { rows, complete: status === 'Complete', status, calls };
    await new Promise((r) => setTimeout(r, wait.pollMs ?? 1000));
  }
}

export interface LambdaReportsReading {
  minutes: MetricDatum[];
  /** The whole window over every function: the platform's cold starts and init-duration percentiles. */
  window: MetricDatum[];
  complete: boolean;
  calls: number;
  note?: string;
}

/** Both queries (per function and minute; the whole window) run at once. */
export async function readLambdaReports(client: CloudWatchLogsClient, resources: ServerlessMonitoredResources, runWindow: TimeWindow, wait: InsightsWait = {}): Promise<LambdaReportsReading> {
  const aligned = alignedWindow(runWindow);
  const groups = Object.values(resources.functions).map((f) => f.LogGroup);
  const [perMinute, overall] = await Promise.all([runInsightsQuery(client, groups, aligned, reportQuery(PER_MINUTE_GROUPING), wait), runInsightsQuery(client, groups, aligned, reportQuery(), wait)]);
  const windowSeconds = (aligned.end.getTime() - aligned.start.getTime()) / 1000;
  const complete = perMinute.complete && overall.complete;
  return {
    minutes: minuteDatums(perMinute.rows, resources),
    window: overall.rows[0] ? reportDatums(overall.rows[0], [], aligned.start.getTime(), windowSeconds) : [],
    complete,
    calls: perMinute.calls + overall.calls,
    ...(complete ? {} : { note: `Logs Insights ended with ${perMinute.status}/${overall.status}: REPORT figures are partial` }),
  };
}
