import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { METRICS, metricKind, RECORDED_PERCENTILES, type MetricDatum, type MetricNamespace, type MetricUnit } from '../../architecture/metrics.js';
import type { MonitoredResources } from '../../architecture/monitored-resources.js';
import type { TimeWindow } from '../port.js';

/**
 * What the aws target asks CloudWatch for, and how the answers become the metrics contract
 * (src/architecture/metrics.ts). Pure: no clients, no clock.
 *
 * The series are the catalogue's metrics of each AWS namespace, with the dimensions a deployment's
 * monitored resources give them (src/architecture/monitored-resources.ts); the statistics are what a
 * MetricDatum holds (SampleCount, Sum, Minimum, Maximum, and percentiles for timings).
 */

export const PERIOD_SECONDS = 60;
/** GetMetricData takes at most 500 queries a call (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html). */
export const MAX_QUERIES_PER_CALL = 500;

const BASIC_STATISTICS = ['SampleCount', 'Sum', 'Minimum', 'Maximum'] as const;
const PERCENTILE_STATISTICS = RECORDED_PERCENTILES.map((p) => `p${p}`);

export interface MetricSeries {
  namespace: MetricNamespace;
  metric: string;
  dimensions: Array<{ Name: string; Value: string }>;
  unit: MetricUnit;
}

const dims = (d: Record<string, string>) => Object.entries(d).map(([Name, Value]) => ({ Name, Value }));

/**
 * Units CloudWatch reports these metrics in (GetMetricData returns bare numbers): ALB target response
 * time in seconds (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html),
 * API Gateway and Lambda durations in milliseconds (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html), SQS message age in seconds.
 */
function unitOf(namespace: MetricNamespace, metric: string): MetricUnit {
  if (metric === 'CPUUtilization') return 'Percent';
  if (metric === 'ProcessedBytes') return 'Bytes';
  if (metric === 'ApproximateAgeOfOldestMessage') return 'Seconds';
  if (metricKind(namespace, metric) === 'timing') return namespace === 'AWS/ApplicationELB' ? 'Seconds' : 'Milliseconds';
  return 'Count';
}

const metricsOf = (namespace: MetricNamespace) => Object.keys(METRICS[namespace]);

function seriesOf(namespace: MetricNamespace, dimensionSets: Array<Record<string, string>>, dimensionsFor?: (metric: string, d: Record<string, string>) => Record<string, string>): MetricSeries[] {
  return dimensionSets.flatMap((d) => metricsOf(namespace).map((metric) => ({ namespace, metric, dimensions: dims(dimensionsFor ? dimensionsFor(metric, d) : d), unit: unitOf(namespace, metric) })));
}

/** Every series CloudWatch publishes for a deployment that the contract's catalogue names. */
export function metricSeriesOf(resources: MonitoredResources): MetricSeries[] {
  if (resources.model === 'traditional') {
    const lb = { LoadBalancer: resources.LoadBalancer };
    const asg = { AutoScalingGroupName: resources.AutoScalingGroupName };
    return [
      // Host counts exist per target group only; every other ALB metric per load balancer.
      ...seriesOf('AWS/ApplicationELB', [lb], (metric, d) => (/HostCount$/.test(metric) ? { ...d, TargetGroup: resources.TargetGroup } : d)),
      ...seriesOf('AWS/AutoScaling', [asg]),
      ...seriesOf('AWS/EC2', [asg]),
      ...seriesOf('AWS/RDS', [{ DBInstanceIdentifier: resources.DBInstanceIdentifier }]),
    ];
  }
  const functions = Object.values(resources.functions).map((f) => ({ FunctionName: f.FunctionName }));
  const queues = Object.values(resources.queues).flatMap((q) => [{ QueueName: q.QueueName }, { QueueName: q.DeadLetterQueueName }]);
  return [
    ...seriesOf('AWS/ApiGateway', [{ ApiId: resources.ApiId }]),
    ...seriesOf('AWS/Lambda', functions),
    ...seriesOf('AWS/DynamoDB', Object.values(resources.tables).map((TableName) => ({ TableName }))),
    ...seriesOf('AWS/SQS', queues),
  ];
}

/** The series whose per-minute datapoints say the front door's traffic of a minute is published: requests at the ALB or the API. */
export function frontDoorSeries(resources: MonitoredResources): MetricSeries {
  return resources.model === 'traditional'
    ? { namespace: 'AWS/ApplicationELB', metric: 'RequestCount', dimensions: dims({ LoadBalancer: resources.LoadBalancer }), unit: 'Count' }
    : { namespace: 'AWS/ApiGateway', metric: 'Count', dimensions: dims({ ApiId: resources.ApiId }), unit: 'Count' };
}

/** The series whose percentiles over the whole window the report sets beside the client's: the front door's latency. */
export function serverLatencySeries(resources: MonitoredResources): MetricSeries[] {
  const all = metricSeriesOf(resources);
  return resources.model === 'traditional'
    ? all.filter((s) => s.namespace === 'AWS/ApplicationELB' && s.metric === 'TargetResponseTime')
    : all.filter((s) => (s.namespace === 'AWS/ApiGateway' && (s.metric === 'Latency' || s.metric === 'IntegrationLatency')) || (s.namespace === 'AWS/Lambda' && s.metric === 'Duration'));
}

/** The window on CloudWatch's minute grid: the run's first minute to the end of its last (whole periods). */
export function alignedWindow(window: TimeWindow): { start: Date; end: Date; periods: number } {
  const period = PERIOD_SECONDS * 1000;
  const start = Math.floor(window.from.getTime() / period) * period;
  const end = Math.max(start + period, Math.ceil(window.to.getTime() / period) * period);
  return { start: new Date(start), end: new Date(end), periods: (end - start) / period };
}

/** One statistic of one series, at one period; the query id says which (q<series>_<statistic index>). */
export interface PlannedQuery {
  query: MetricDataQuery;
  series: number;
  statistic: string;
  /** 'minute': the timeline; 'window': one figure over the whole window. */
  span: 'minute' | 'window';
}

export interface MetricsPlan {
  series: MetricSeries[];
  windowSeries: MetricSeries[];
  queries: PlannedQuery[];
  start: Date;
  end: Date;
}

function statisticsOf(s: MetricSeries): string[] {
  return metricKind(s.namespace, s.metric) === 'timing' ? [...BASIC_STATISTICS, ...PERCENTILE_STATISTICS] : [...BASIC_STATISTICS];
}

/**
 * The GetMetricData queries for a window: every series at 60-second periods with the statistics
 * a MetricDatum holds, plus the window-wide percentiles of the server-side latency series.
 */
export function planMetricQueries(resources: MonitoredResources, window: TimeWindow): MetricsPlan {
  const { start, end } = alignedWindow(window);
  const series = metricSeriesOf(resources);
  const windowSeries = serverLatencySeries(resources);
  const windowPeriod = (end.getTime() - start.getTime()) / 1000;
  const queries: PlannedQuery[] = [];
  const add = (list: MetricSeries[], span: PlannedQuery['span'], period: number, stats: (s: MetricSeries) => string[]) =>
    list.forEach((s, i) =>
      stats(s).forEach((statistic, k) =>
        queries.push({
          series: i,
          statistic,
          span,
          query: { Id: `${span === 'minute' ? 'm' : 'w'}${i}_${k}`, MetricStat: { Metric: { Namespace: s.namespace, MetricName: s.metric, Dimensions: s.dimensions }, Period: period, Stat: statistic }, ReturnData: true },
        }),
      ),
    );
  add(series, 'minute', PERIOD_SECONDS, statisticsOf);
  add(windowSeries, 'window', windowPeriod, (s) => ['SampleCount', ...(metricKind(s.namespace, s.metric) === 'timing' ? PERCENTILE_STATISTICS : [])]);
  return { series, windowSeries, queries, start, end };
}

/** Queries in calls of at most MAX_QUERIES_PER_CALL. */
export function batches<T>(items: T[], size = MAX_QUERIES_PER_CALL): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A result's datapoints by period start (ms), merged across the pages of a paginated answer. */
export type ResultValues = Map<string, Map<number, number>>;

export function collectResults(into: ResultValues, results: MetricDataResult[] | undefined): ResultValues {
  for (const r of results ?? []) {
    if (!r.Id) continue;
    const byTime = into.get(r.Id) ?? new Map<number, number>();
    (r.Timestamps ?? []).forEach((t, i) => {
      const v = r.Values?.[i];
      if (v !== undefined && Number.isFinite(v)) byTime.set(new Date(t).getTime(), v);
    });
    into.set(r.Id, byTime);
  }
  return into;
}

function datumsOf(plan: MetricsPlan, values: ResultValues, span: PlannedQuery['span'], period: number): MetricDatum[] {
  const list = span === 'minute' ? plan.series : plan.windowSeries;
  const bySeries = new Map<number, Map<string, Map<number, number>>>();
  for (const q of plan.queries.filter((x) => x.span === span)) {
    const stats = bySeries.get(q.series) ?? new Map<string, Map<number, number>>();
    stats.set(q.statistic, values.get(q.query.Id!) ?? new Map());
    bySeries.set(q.series, stats);
  }
  const out: MetricDatum[] = [];
  for (const [i, stats] of bySeries) {
    const s = list[i]!;
    const counts = stats.get('SampleCount') ?? new Map<number, number>();
    for (const [t, sampleCount] of [...counts].sort((a, b) => a[0] - b[0])) {
      // A period without samples is no datapoint (the contract's SampleCount is never 0).
      if (!(sampleCount > 0)) continue;
      const at = (stat: string) => stats.get(stat)?.get(t);
      const percentiles = Object.fromEntries(PERCENTILE_STATISTICS.map((p) => [p, at(p)]).filter((e): e is [string, number] => e[1] !== undefined));
      const sum = at('Sum');
      out.push({
        Namespace: s.namespace,
        MetricName: s.metric,
        Dimensions: s.dimensions,
        Timestamp: new Date(t).toISOString(),
        Period: period,
        RealPeriodSeconds: period,
        Unit: s.unit,
        StatisticValues: { SampleCount: sampleCount, Sum: sum ?? 0, Minimum: at('Minimum') ?? percentiles.p50 ?? 0, Maximum: at('Maximum') ?? percentiles.p99 ?? 0 },
        ...(Object.keys(percentiles).length ? { ExtendedStatistics: percentiles } : {}),
        Source: 'aws',
        TimeScale: 1,
      });
    }
  }
  return out;
}

/** The answers as contract datapoints: per-minute ones, and one per window series over the whole window. */
export function metricDatums(plan: MetricsPlan, values: ResultValues): { minutes: MetricDatum[]; window: MetricDatum[] } {
  return { minutes: datumsOf(plan, values, 'minute', PERIOD_SECONDS), window: datumsOf(plan, values, 'window', (plan.end.getTime() - plan.start.getTime()) / 1000) };
}

/** The minutes of the aligned window the series has no datapoint for (CloudWatch has not published them yet, or there was no traffic). */
export function missingMinutes(start: Date, end: Date, published: Iterable<number>): Date[] {
  const have = new Set(published);
  const out: Date[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += PERIOD_SECONDS * 1000) if (!have.has(t)) out.push(new Date(t));
  return out;
}
