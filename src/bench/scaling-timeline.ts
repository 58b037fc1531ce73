import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MetricDatapoint, ScalingTimeline } from './result-schema.js';

/**
 * Reads the target's CloudWatch-shaped per-minute datapoints (the local target writes one JSON object per
 * line to <metricsDir>/metrics.jsonl in PutMetricData's MetricDatum shape: Namespace, MetricName,
 * Dimensions [{Name, Value}], Timestamp, Unit, StatisticValues {SampleCount, Sum, Minimum, Maximum}, or a
 * plain Value). Tolerant on purpose: unreadable files and lines are skipped and counted in the note.
 */

/** Gauges whose per-minute Maximum is the capacity; every other metric is a count (Sum). */
const GAUGES = new Set([
  'GroupInServiceInstances',
  'GroupDesiredCapacity',
  'GroupTotalInstances',
  'GroupPendingInstances',
  'HealthyHostCount',
  'UnHealthyHostCount',
  'ConcurrentExecutions',
  'ProvisionedConcurrentExecutions',
  'CPUUtilization',
  'DatabaseConnections',
]);
/** Levels whose per-minute Average is the figure (the local machine's CPU over the period). */
const AVERAGES = new Set(['MachineCPUUtilization']);
const MAX_DATAPOINTS = 20_000;

export function datapointFromRecord(raw: unknown): MetricDatapoint | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const metric = r.MetricName ?? r.metricName ?? r.metric;
  const timestamp = r.Timestamp ?? r.timestamp;
  if (typeof metric !== 'string' || (typeof timestamp !== 'string' && typeof timestamp !== 'number')) return undefined;
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return undefined;
  const stats = (r.StatisticValues ?? r.statisticValues) as Record<string, unknown> | undefined;
  const gauge = GAUGES.has(metric);
  let value: unknown;
  let statistic: string;
  if (stats && typeof stats === 'object' && AVERAGES.has(metric)) {
    statistic = 'Average';
    value = typeof stats.Sum === 'number' && typeof stats.SampleCount === 'number' && stats.SampleCount > 0 ? stats.Sum / stats.SampleCount : undefined;
  } else if (stats && typeof stats === 'object') {
    statistic = gauge ? 'Maximum' : 'Sum';
    value = stats[statistic];
  } else {
    statistic = 'Value';
    value = r.Value ?? r.value;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const dims: Record<string, string> = {};
  const rawDims = r.Dimensions ?? r.dimensions;
  if (Array.isArray(rawDims)) {
    for (const d of rawDims as Record<string, unknown>[]) if (typeof d?.Name === 'string') dims[d.Name] = String(d.Value ?? '');
  } else if (rawDims && typeof rawDims === 'object') {
    for (const [k, v] of Object.entries(rawDims)) dims[k] = String(v);
  }
  const namespace = r.Namespace ?? r.namespace;
  const unit = r.Unit ?? r.unit;
  return {
    timestamp: date.toISOString(),
    namespace: typeof namespace === 'string' ? namespace : undefined,
    metric,
    dimensions: dims,
    value,
    statistic,
    unit: typeof unit === 'string' ? unit : undefined,
  };
}

/** Datapoints from JSON-lines text or a JSON array / {datapoints|metrics: [...]}. */
export function parseMetricsText(text: string): { datapoints: MetricDatapoint[]; skipped: number } {
  const datapoints: MetricDatapoint[] = [];
  let skipped = 0;
  const trimmed = text.trim();
  let records: unknown[];
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !trimmed.includes('\n'))) {
    try {
      const json = JSON.parse(trimmed) as unknown;
      records = Array.isArray(json) ? json : ((json as Record<string, unknown>).datapoints ?? (json as Record<string, unknown>).metrics ?? [json]) as unknown[];
    } catch {
      records = [];
      skipped += 1;
    }
  } else {
    records = [];
    for (const line of trimmed.split('\n')) {
      if (!line.trim()) continue;
      try {
        records.push(JSON.parse(line));
      } catch {
        skipped += 1;
      }
    }
  }
  for (const rec of Array.isArray(records) ? records : []) {
    const dp = datapointFromRecord(rec);
    if (dp) datapoints.push(dp);
    else skipped += 1;
  }
  return { datapoints, skipped };
}

/** Datapoints from the metrics directory within [from - 1 min, to + 1 min]. */
export async function readScalingTimeline(metricsDir: string | undefined, from: Date, to: Date): Promise<ScalingTimeline> {
  if (!metricsDir) return { source: 'none', note: 'the target has no metrics directory (an external URL)', datapoints: [] };
  let files: string[];
  try {
    files = (await readdir(metricsDir)).filter((f) => f.endsWith('.jsonl') || f.endsWith('.json')).sort();
  } catch {
    return { source: 'none', note: `no metrics found in ${metricsDir}`, datapoints: [] };
  }
  const lo = from.getTime() - 60_000;
  const hi = to.getTime() + 60_000;
  const datapoints: MetricDatapoint[] = [];
  let skipped = 0;
  for (const f of files) {
    let text: string;
    try {
      text = await readFile(path.join(metricsDir, f), 'utf8');
    } catch {
      skipped += 1;
      continue;
    }
    const parsed = parseMetricsText(text);
    skipped += parsed.skipped;
    for (const dp of parsed.datapoints) {
      const t = Date.parse(dp.timestamp);
      if (t >= lo && t <= hi && datapoints.length < MAX_DATAPOINTS) datapoints.push(dp);
    }
  }
  datapoints.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.metric.localeCompare(b.metric));
  const notes = [skipped ? `${skipped} unreadable records skipped` : '', datapoints.length === 0 ? 'no datapoints in the run window' : ''].filter(Boolean);
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
