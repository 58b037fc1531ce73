/**
 * Reading an AWS run back: the full metric set of both stacks (every catalogue series of their
 * monitored resources, with percentiles and the window-wide latency statistics) and Lambda's REPORT
 * lines, for a 10-minute window, through the aws target against a local server replaying
 * CloudWatch's GetMetricData and Logs Insights (test/support/cloudwatch-replay.ts). CloudWatch's
 * publication delay is not waited for (everything is published): the figure is the read itself.
 * Prints the API calls (target: at most 4 GetMetricData calls, publication checks included) and the wall time
 * (target: under 3 s), median of 3.
 * Run: npx tsx benchmarks/cloudwatch-read.ts
 */
import { awsTargetWith, DEFAULT_CLOUDWATCH_TIMING } from '../src/targets/aws.js';
import { planMetricQueries } from '../src/targets/cloudwatch/metric-queries.js';
import { awsRecord, monitoredResources, replayData } from '../test/support/cloudwatch-fixtures.js';
import { startCloudWatchReplay } from '../test/support/cloudwatch-replay.js';

const MINUTES = 10;
const MAX_DATA_CALLS = 4;
const BUDGET_MS = 3000;

const start = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
const window = { from: new Date(start + 1000), to: new Date(start + MINUTES * 60_000 - 1000) };
const models = ['traditional', 'serverless'] as const;
const resources = Object.fromEntries(models.map((m) => [m, monitoredResources(m)])) as Record<(typeof models)[number], ReturnType<typeof monitoredResources>>;
const data = replayData(Object.values(resources), start, MINUTES);
const replay = await startCloudWatchReplay({ ...data, runningPolls: 1 });
// Logs Insights polled every 100 ms here (1 s in production): the poll interval is not the reader's cost.
const aws = awsTargetWith({ ...DEFAULT_CLOUDWATCH_TIMING, insightsPollMs: 100 });

const queries = models.map((m) => planMetricQueries(resources[m], window).queries.length);
console.log(`window: ${MINUTES} min; queries: traditional ${queries[0]}, serverless ${queries[1]}; ${data.series.length} series, ${data.reports.length} REPORT lines replayed`);

const runs: Array<{ ms: number; dataCalls: number; publicationCalls: number; insightsCalls: number; datapoints: number }> = [];
for (let i = 0; i < 3; i++) {
  const before = replay.calls.length;
  const beforeMetric = replay.metricRequests.length;
  const t0 = performance.now();
  const readings = await Promise.all(models.map((m) => aws.metrics(awsRecord(m, replay.url, resources[m]), window, { final: {} })));
  const ms = performance.now() - t0;
  const metricRequests = replay.metricRequests.slice(beforeMetric);
  // The publication check asks one query for one minute; the reads ask the plan's.
  const publicationCalls = metricRequests.filter((r) => r.MetricDataQueries.length === 1).length;
  const calls = replay.calls.slice(before);
  runs.push({
    ms,
    dataCalls: metricRequests.length - publicationCalls,
    publicationCalls,
    insightsCalls: calls.filter((c) => c === 'StartQuery' || c === 'GetQueryResults').length,
    datapoints: readings.reduce((s, r) => s + r.datapoints.length + (r.windowStatistics?.length ?? 0), 0),
  });
  for (const r of readings) if (r.source !== 'cloudwatch' || r.partial) throw new Error(`unexpected reading: ${r.source} ${r.note ?? ''}`);
}
await replay.stop();

const median = [...runs].sort((a, b) => a.ms - b.ms)[1]!;
console.log(
  `read both stacks: ${median.dataCalls + median.publicationCalls} GetMetricData calls (${median.dataCalls} reading data, ${median.publicationCalls} publication checks), ${median.insightsCalls} Logs Insights calls, ${median.datapoints} datapoints`,
);
console.log(`  wall ${median.ms.toFixed(0)} ms (median of 3: ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms) — budget ${BUDGET_MS} ms, at most ${MAX_DATA_CALLS} GetMetricData calls`);
const pass = median.dataCalls + median.publicationCalls <= MAX_DATA_CALLS && median.ms < BUDGET_MS;
console.log(pass ? 'PASS' : 'FAIL');
process.exitCode = pass ? 0 : 1;
