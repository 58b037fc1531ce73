import { expect } from 'vitest';
import { readMetricsFile, type MetricDatum } from '../../src/architecture/metrics.js';

/** What a metrics directory holds, read by the production parser; any line that does not validate fails the test. */
export async function readRecordedMetrics(metricsDir: string): Promise<MetricDatum[]> {
  const metrics = await readMetricsFile(metricsDir);
  if (!metrics) return [];
  expect(metrics.unreadable, metrics.file).toEqual([]);
  return metrics.data;
}
