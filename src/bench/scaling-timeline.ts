import { METRICS_FILE, periodFigure, readMetricsFile, unreadableNote, type MetricDatum } from '../architecture/metrics.js';
import type { MetricDatapoint, ScalingTimeline } from './result-schema.js';

/**
 * The run's scaling timeline from the target's metrics file (the contract of src/architecture/metrics.ts):
 * each datapoint reduced to its period's figure (a gauge's Maximum, a count's Sum, an average's mean).
 * Lines that do not validate are skipped and counted in the note, so one torn line does not lose a run.
 */

const MAX_DATAPOINTS = 20_000;

export function timelineDatapoint(datum: MetricDatum): MetricDatapoint {
  const { statistic, value } = periodFigure(datum);
  return {
    timestamp: new Date(datum.Timestamp).toISOString(),
    namespace: datum.Namespace,
    metric: datum.MetricName,
    dimensions: Object.fromEntries(datum.Dimensions.map((d) => [d.Name, d.Value])),
    value,
    statistic,
    unit: datum.Unit,
    sampleCount: datum.StatisticValues.SampleCount,
    ...(datum.ExtendedStatistics ? { percentiles: datum.ExtendedStatistics } : {}),
  };
}

/** Datapoints from the metrics directory within [from - 1 min, to + 1 min]. */
export async function readScalingTimeline(metricsDir: string | undefined, from: Date, to: Date): Promise<ScalingTimeline> {
  if (!metricsDir) return { source: 'none', note: 'the target has no metrics directory (an external URL)', datapoints: [] };
  const metrics = await readMetricsFile(metricsDir);
  if (!metrics) return { source: 'none', note: `no ${METRICS_FILE} in ${metricsDir}`, datapoints: [] };
  const lo = from.getTime() - 60_000;
  const hi = to.getTime() + 60_000;
  const datapoints: MetricDatapoint[] = [];
  for (const datum of metrics.data) {
    const t = Date.parse(datum.Timestamp);
    if (t >= lo && t <= hi && datapoints.length < MAX_DATAPOINTS) datapoints.push(timelineDatapoint(datum));
  }
  datapoints.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.metric.localeCompare(b.metric));
  const notes = [unreadableNote(metrics), datapoints.length === 0 ? 'no datapoints in the run window' : undefined].filter(Boolean);
  return { source: 'local-metrics', note: notes.length ? notes.join('; ') : undefined, datapoints };
}

/** The latest capacity figure (instances in service, or concurrent environments), for the live view. */
export function latestCapacity(datapoints: MetricDatapoint[]): { metric: string; value: number } | null {
  for (let i = datapoints.length - 1; i >= 0; i--) {
    const dp = datapoints[i]!;
    if (dp.metric === 'GroupInServiceInstances' || dp.metric === 'ConcurrentExecutions') return { metric: dp.metric, value: dp.value };
  }
  return null;
}
