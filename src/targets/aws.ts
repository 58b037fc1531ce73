import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { MONITORED_RESOURCES_OUTPUT, monitoredResourcesOf, type MonitoredResources } from '../architecture/monitored-resources.js';
import type { MetricDatapoint } from '../bench/result-schema.js';
import { timelineDatapoint } from '../bench/scaling-timeline.js';
import { awsClientConfig, checkEndpointAnswers, type AwsConnection } from '../deploy/aws-connection.js';
import { deployToAws, destroyOnAws } from '../deploy/aws-deploy.js';
import type { DeploymentRecord } from '../state/registry.js';
import { readLambdaReports, type LambdaReportsReading } from './cloudwatch/lambda-reports.js';
import { metricDatums, planMetricQueries } from './cloudwatch/metric-queries.js';
import { awaitPublication, readMetricData, type PublicationOutcome } from './cloudwatch/read-metrics.js';
import { recordedEndpoints, type LogsReading, type MetricsReading, type MetricsReadOptions, type Target, type TimeWindow } from './port.js';

/**
 * The aws adapter: terraform of the synthesized stack (src/deploy/aws-deploy.ts), and after a run
 * the window read back from CloudWatch into the metrics contract: GetMetricData for every series
 * of the deployment's monitored resources, and on serverless Lambda's REPORT lines through Logs
 * Insights. A final read first waits, bounded, for CloudWatch's publication delay, and a window
 * read before CloudWatch had all of it is labelled partial.
 */

/** How long the final read waits and how often it looks; tests shorten them. */
export interface CloudWatchTiming {
  /** Longest wait for the run's last minute to be published (CloudWatch's delay is typically 1–3 minutes). */
  publicationMaxWaitMs: number;
  publicationPollMs: number;
  /** Longest wait for a Logs Insights query, and its poll interval. */
  insightsMaxWaitMs: number;
  insightsPollMs: number;
  /** The live view's reads are reused this long: CloudWatch changes by the minute. */
  liveCacheMs: number;
}

export const DEFAULT_CLOUDWATCH_TIMING: CloudWatchTiming = { publicationMaxWaitMs: 300_000, publicationPollMs: 15_000, insightsMaxWaitMs: 60_000, insightsPollMs: 1_000, liveCacheMs: 60_000 };

const connectionOf = (record: DeploymentRecord): AwsConnection => ({ region: record.region, profile: record.awsProfile, endpointUrl: record.endpointUrl });
const noResources = `not read: the deployment records no ${MONITORED_RESOURCES_OUTPUT} output (deployed by an older archcompare); redeploy it to read CloudWatch`;
const byTime = (a: MetricDatapoint, b: MetricDatapoint) => a.timestamp.localeCompare(b.timestamp) || a.metric.localeCompare(b.metric);
const oneLine = (err: unknown) => `${(err as Error).name ?? 'Error'}: ${((err as Error).message ?? String(err)).split('\n')[0]}`;

async function readReports(record: DeploymentRecord, resources: MonitoredResources, window: TimeWindow, timing: CloudWatchTiming, signal?: AbortSignal): Promise<LambdaReportsReading | { error: string }> {
  if (resources.model !== 'serverless') return { error: 'the traditional model writes no Lambda REPORT lines' };
  try {
    const logs = new CloudWatchLogsClient(awsClientConfig(connectionOf(record)));
    return await readLambdaReports(logs, resources, window, { maxWaitMs: timing.insightsMaxWaitMs, pollMs: timing.insightsPollMs, signal });
  } catch (err) {
    return { error: `Lambda REPORT lines not read (Logs Insights: ${oneLine(err)})` };
  }
}

function partialNote(p: PublicationOutcome): string {
  return `partial: CloudWatch had not published ${p.lastMinute.toISOString().slice(11, 16)} UTC, the run's last minute, after ${Math.round(p.waitedMs / 1000)} s`;
}

export function awsTargetWith(timing: CloudWatchTiming = DEFAULT_CLOUDWATCH_TIMING): Target {
  const live = new Map<string, { at: number; reading: MetricsReading }>();

  async function metrics(record: DeploymentRecord, window: TimeWindow, options: MetricsReadOptions = {}): Promise<MetricsReading> {
    const resources = monitoredResourcesOf(record.outputs);
    if (!resources) return { source: 'not-read', note: noResources, datapoints: [] };
    const final = options.final;
    const cached = live.get(record.runId);
    if (!final && cached && Date.now() - cached.at < timing.liveCacheMs) return cached.reading;
    const cloudwatch = new CloudWatchClient(awsClientConfig(connectionOf(record)));
    const publication = final
      ? await awaitPublication(cloudwatch, resources, window, { maxWaitMs: timing.publicationMaxWaitMs, pollMs: timing.publicationPollMs, onProgress: final.onProgress, signal: final.signal })
      : undefined;
    final?.onProgress?.('reading CloudWatch metrics' + (resources.model === 'serverless' ? ' and Lambda REPORT lines' : ''));
    const plan = planMetricQueries(resources, window);
    const [data, reports] = await Promise.all([readMetricData(cloudwatch, plan), final ? readReports(record, resources, window, timing, final.signal) : undefined]);
    const datums = metricDatums(plan, data.values);
    const fromReports = reports && 'minutes' in reports ? reports : undefined;
    const datapoints = [...datums.minutes, ...(fromReports?.minutes ?? [])].map(timelineDatapoint).sort(byTime);
    const windowStatistics = [...datums.window, ...(fromReports?.window ?? [])].map(timelineDatapoint);
    const partial = publication !== undefined && (!publication.published || (fromReports !== undefined && !fromReports.complete));
    const notes = [
      publication && !publication.published ? partialNote(publication) : undefined,
      reports && 'error' in reports && resources.model === 'serverless' ? reports.error : undefined,
      fromReports?.note,
      datapoints.length === 0 ? 'CloudWatch has no datapoints for the window' : undefined,
    ].filter(Boolean);
    const reading: MetricsReading = {
      source: 'cloudwatch',
      ...(notes.length ? { note: notes.join('; ') } : {}),
      ...(final ? { partial } : {}),
      datapoints,
      ...(windowStatistics.length ? { windowStatistics } : {}),
    };
    if (!final) live.set(record.runId, { at: Date.now(), reading });
    return reading;
  }

  async function logs(record: DeploymentRecord, window: TimeWindow): Promise<LogsReading> {
    const resources = monitoredResourcesOf(record.outputs);
    if (!resources) return { source: 'not-read', note: noResources };
    const reports = await readReports(record, resources, window, timing);
    if ('error' in reports) return { source: resources.model === 'serverless' ? 'not-read' : 'none', note: reports.error };
    return { source: 'cloudwatch-logs', datapoints: reports.minutes.map(timelineDatapoint).sort(byTime), windowStatistics: reports.window.map(timelineDatapoint), complete: reports.complete, ...(reports.note ? { note: reports.note } : {}) };
  }

  return {
    name: 'aws',
    async deploy(req) {
      if (req.endpointUrl) await checkEndpointAnswers(req.endpointUrl);
      return deployToAws(req);
    },
    destroy(record, { progress, root }) {
      return destroyOnAws({ record, progress, root });
    },
    // Nothing live is queried: the registry record (terraform outputs) is all status shows.
    async status() {
      return undefined;
    },
    endpoints: recordedEndpoints,
    metrics,
    logs,
  };
}

export const awsTarget: Target = awsTargetWith();
