import { GetMetricDataCommand, paginateGetMetricData, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { MonitoredResources } from '../../architecture/monitored-resources.js';
import type { TimeWindow } from '../port.js';
import { alignedWindow, batches, collectResults, frontDoorSeries, PERIOD_SECONDS, type MetricsPlan, type ResultValues } from './metric-queries.js';

/**
 * The GetMetricData side of the aws target: the plan's queries in calls of at most 500, each call
 * followed through its pages (NextToken) by the SDK's paginator, the pages merged per query id.
 */

export interface MetricDataRead {
  values: ResultValues;
  /** GetMetricData requests made (pages included). */
  calls: number;
}

export async function readMetricData(client: CloudWatchClient, plan: MetricsPlan): Promise<MetricDataRead> {
  const values: ResultValues = new Map();
  let calls = 0;
  for (const batch of batches(plan.queries)) {
    const pages = paginateGetMetricData({ client }, { MetricDataQueries: batch.map((q) => q.query), StartTime: plan.start, EndTime: plan.end, ScanBy: 'TimestampAscending' });
    for await (const page of pages) {
      calls += 1;
      collectResults(values, page.MetricDataResults);
    }
  }
  return { values, calls };
}

export interface PublicationWait {
  /** Longest wait for CloudWatch's delay (default 5 minutes). */
  maxWaitMs?: number;
  /** Between polls (default 15 s: CloudWatch publishes by the minute). */
  pollMs?: number;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface PublicationOutcome {
  /** Whether the window's last minute had the front door's datapoint when the wait ended. */
  published: boolean;
  lastMinute: Date;
  waitedMs: number;
  calls: number;
}

const hhmm = (d: Date) => d.toISOString().slice(11, 16);
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * CloudWatch publishes a minute's datapoints a little after the minute ends. Waits, polling one
 * query (the front door's request count of the last minute), until that minute is there, at most
 * maxWaitMs, saying what it waits for every poll.
 */
export async function awaitPublication(client: CloudWatchClient, resources: MonitoredResources, window: TimeWindow, wait: PublicationWait): Promise<PublicationOutcome> {
  const { end } = alignedWindow(window);
  const lastMinute = new Date(end.getTime() - PERIOD_SECONDS * 1000);
  const series = frontDoorSeries(resources);
  const maxWaitMs = wait.maxWaitMs ?? 300_000;
  const pollMs = wait.pollMs ?? 15_000;
  const started = Date.now();
  let calls = 0;
  for (;;) {
    calls += 1;
    const answer = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: [{ Id: 'frontdoor', MetricStat: { Metric: { Namespace: series.namespace, MetricName: series.metric, Dimensions: series.dimensions }, Period: PERIOD_SECONDS, Stat: 'Sum' } }],
        StartTime: lastMinute,
        EndTime: end,
      }),
    );
    const published = (answer.MetricDataResults?.[0]?.Timestamps ?? []).some((t) => new Date(t).getTime() === lastMinute.getTime());
    const waitedMs = Date.now() - started;
    if (published || waitedMs >= maxWaitMs || wait.signal?.aborted) return { published, lastMinute, waitedMs, calls };
    wait.onProgress?.(`waiting for CloudWatch to publish ${hhmm(lastMinute)} UTC, the run's last minute (${Math.round(waitedMs / 1000)} s of at most ${Math.round(maxWaitMs / 1000)} s)`);
    await sleep(Math.min(pollMs, maxWaitMs - waitedMs), wait.signal);
  }
}
