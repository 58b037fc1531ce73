import { createServer, type Server } from 'node:http';
import { freePort } from '../../src/local/processes.js';

/**
 * A stand-in for the two CloudWatch APIs moto does not implement (percentile statistics, Logs
 * Insights), on 127.0.0.1, answering in the wire shape the SDK v3 clients speak:
 * - CloudWatch GetMetricData over AWS JSON 1.0 (X-Amz-Target GraniteServiceVersion20100801.GetMetricData;
 *   @aws-sdk/client-cloudwatch 3.11xx uses AwsJson1_0Protocol, query-compatible): timestamps in epoch
 *   seconds, results paginated by datapoints with NextToken and StatusCode PartialData
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html);
 * - CloudWatch Logs StartQuery / GetQueryResults over AWS JSON 1.1 (X-Amz-Target Logs_20140328.*):
 *   results as [[{field, value}]] with status Running, then Complete
 *   (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetQueryResults.html).
 * The data are raw samples the test gives; every statistic is computed from them per requested
 * period, as CloudWatch would, and nothing after `publishedUntil` is answered (CloudWatch's delay).
 */

export interface ReplaySeries {
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
  /** Raw samples with their times (epoch ms). */
  samples: Array<{ t: number; value: number }>;
}

/** One Lambda REPORT line: what Logs Insights reads from it. */
export interface ReplayReport {
  logGroup: string;
  t: number;
  billedMs: number;
  maxMemoryMb: number;
  initMs?: number;
}

export interface ReplayOptions {
  series: ReplaySeries[];
  reports?: ReplayReport[];
  /** Datapoints per GetMetricData page (CloudWatch: 100,800). */
  pageSize?: number;
  /** Samples at or after this time (epoch ms) are not yet published; a function of now lets it advance. */
  publishedUntil?: () => number;
  /** GetQueryResults answers Running this many times before Complete. */
  runningPolls?: number;
  account?: string;
}

export interface ReplayServer {
  url: string;
  /** Every request's X-Amz-Target operation, in order. */
  calls: string[];
  /** The GetMetricData request bodies, in order. */
  metricRequests: Array<{ MetricDataQueries: Array<{ Id: string }>; NextToken?: string }>;
  stop(): Promise<void>;
}

interface Query {
  Id: string;
  MetricStat: { Metric: { Namespace: string; MetricName: string; Dimensions?: Array<{ Name: string; Value: string }> }; Period: number; Stat: string };
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

function statistic(values: number[], stat: string): number {
  if (stat === 'SampleCount') return values.length;
  if (stat === 'Sum') return values.reduce((a, b) => a + b, 0);
  if (stat === 'Minimum') return Math.min(...values);
  if (stat === 'Maximum') return Math.max(...values);
  if (stat === 'Average') return values.reduce((a, b) => a + b, 0) / values.length;
  const m = /^p(\d+(\.\d+)?)$/.exec(stat);
  if (m) return percentile(values, Number(m[1]));
  throw new Error(`replay: statistic ${stat} not supported`);
}

const sameDimensions = (a: Record<string, string>, b: Array<{ Name: string; Value: string }> = []) =>
  Object.keys(a).length === b.length && b.every((d) => a[d.Name] === d.Value);

/** Logs Insights' aggregate fields for a set of REPORT lines (the names reportQuery gives them). */
function reportRow(lines: ReplayReport[]): Record<string, string> {
  const init = lines.flatMap((l) => (l.initMs === undefined ? [] : [l.initMs]));
  const billed = lines.map((l) => l.billedMs);
  const memory = lines.map((l) => l.maxMemoryMb);
  const row: Record<string, string> = { invocations: String(lines.length), coldStarts: String(init.length), billedSum: String(statistic(billed, 'Sum')), billedMin: String(Math.min(...billed)), billedMax: String(Math.max(...billed)), memorySum: String(statistic(memory, 'Sum')), memoryMin: String(Math.min(...memory)), memoryMax: String(Math.max(...memory)) };
  if (init.length) {
    Object.assign(row, { initSum: String(statistic(init, 'Sum')), initMin: String(Math.min(...init)), initMax: String(Math.max(...init)) });
    for (const p of [50, 90, 95, 99]) row[`initP${p}`] = String(percentile(init, p));
  }
  return row;
}

const insightsTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export async function startCloudWatchReplay(options: ReplayOptions): Promise<ReplayServer> {
  const pageSize = options.pageSize ?? 100_800;
  const publishedUntil = options.publishedUntil ?? (() => Infinity);
  const account = options.account ?? '123456789012';
  const calls: string[] = [];
  const metricRequests: ReplayServer['metricRequests'] = [];
  const queries = new Map<string, { body: { logGroupNames: string[]; startTime: number; endTime: number; queryString: string }; polls: number }>();
  let nextQuery = 0;

  function getMetricData(body: { MetricDataQueries: Query[]; StartTime: number; EndTime: number; NextToken?: string }) {
    const start = body.StartTime * 1000;
    const end = body.EndTime * 1000;
    const until = publishedUntil();
    // Every (query, period) datapoint in order; a page is a slice of them.
    const all: Array<{ id: string; t: number; v: number }> = [];
    for (const q of body.MetricDataQueries) {
      const m = q.MetricStat.Metric;
      const series = options.series.find((s) => s.namespace === m.Namespace && s.metric === m.MetricName && sameDimensions(s.dimensions, m.Dimensions));
      const period = q.MetricStat.Period * 1000;
      for (let t = start; t < end; t += period) {
        const values = (series?.samples ?? []).filter((x) => x.t >= t && x.t < t + period && x.t < until).map((x) => x.value);
        if (values.length) all.push({ id: q.Id, t, v: statistic(values, q.MetricStat.Stat) });
      }
    }
    const offset = body.NextToken ? Number(body.NextToken) : 0;
    const page = all.slice(offset, offset + pageSize);
    const more = offset + pageSize < all.length;
    const continues = new Set(more ? all.slice(offset + pageSize).map((d) => d.id) : []);
    return {
      MetricDataResults: body.MetricDataQueries.map((q) => {
        const points = page.filter((d) => d.id === q.Id);
        return { Id: q.Id, Label: `${q.MetricStat.Metric.MetricName} ${q.MetricStat.Stat}`, Timestamps: points.map((d) => d.t / 1000), Values: points.map((d) => d.v), StatusCode: continues.has(q.Id) ? 'PartialData' : 'Complete' };
      }),
      ...(more ? { NextToken: String(offset + pageSize) } : {}),
      Messages: [],
    };
  }

  function getQueryResults(queryId: string) {
    const q = queries.get(queryId);
    if (!q) return { status: 'Failed', results: [] };
    q.polls += 1;
    if (q.polls <= (options.runningPolls ?? 1)) return { status: 'Running', results: [], statistics: { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 } };
    const { startTime, endTime, logGroupNames, queryString } = q.body;
    const until = publishedUntil();
    const lines = (options.reports ?? []).filter((r) => logGroupNames.includes(r.logGroup) && r.t >= startTime * 1000 && r.t <= endTime * 1000 && r.t < until);
    const groups = new Map<string, ReplayReport[]>();
    const perMinute = /by bin\(1m\), @log\s*$/.test(queryString);
    for (const l of lines) {
      const key = perMinute ? `${Math.floor(l.t / 60_000) * 60_000}|${l.logGroup}` : 'all';
      groups.set(key, [...(groups.get(key) ?? []), l]);
    }
    const results = [...groups].map(([key, group]) => {
      const [minute, logGroup] = key.split('|');
      const keys = perMinute ? { 'bin(1m)': insightsTime(Number(minute)), '@log': `${account}:${logGroup}` } : {};
      return Object.entries({ ...keys, ...reportRow(group) }).map(([field, value]) => ({ field, value }));
    });
    return { status: 'Complete', results, statistics: { recordsMatched: lines.length, recordsScanned: lines.length, bytesScanned: lines.length * 300 } };
  }

  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.split('.').pop() ?? '';
      calls.push(operation);
      const body = text ? JSON.parse(text) : {};
      let answer: unknown;
      let contentType = 'application/x-amz-json-1.1';
      if (target === 'GraniteServiceVersion20100801.GetMetricData') {
        metricRequests.push(body);
        answer = getMetricData(body);
        contentType = 'application/x-amz-json-1.0';
      } else if (target === 'Logs_20140328.StartQuery') {
        const queryId = `q-${++nextQuery}`;
        queries.set(queryId, { body, polls: 0 });
        answer = { queryId };
      } else if (target === 'Logs_20140328.GetQueryResults') {
        answer = getQueryResults(body.queryId);
      } else {
        res.writeHead(400, { 'content-type': contentType });
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `replay: ${target} not served` }));
        return;
      }
      res.writeHead(200, { 'content-type': contentType });
      res.end(JSON.stringify(answer));
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, calls, metricRequests, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
