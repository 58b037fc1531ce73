import * as hdr from 'hdr-histogram-js';

/**
 * Statistics from full HDR histograms (microsecond values), never averages of percentiles.
 * Pure functions over histograms and samples; the recorder feeds them.
 */

export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  // Auto-resizing 3-significant-digit histogram: 0.1% value resolution from 1 µs up.
  return hdr.build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 3 });
}

export function recordMicros(histogram: Histogram, micros: number): void {
  histogram.recordValue(Math.max(1, Math.round(micros)));
}

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Percentiles in milliseconds (3 decimals = microseconds) from a microsecond histogram. */
export function summarizeMicros(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
  const ms = (us: number): number => round3(us / 1000);
  return {
    count,
    min: ms(histogram.minNonZeroValue),
    mean: ms(histogram.mean),
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
  };
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/** Merges histograms exactly (bucket counts add), e.g. across phases or generator workers. */
export function mergeHistograms(histograms: Histogram[]): Histogram {
  const merged = newHistogram();
  for (const h of histograms) merged.add(h);
  return merged;
}

export function ratePerSecond(count: number, seconds: number): number {
  return seconds > 0 ? Math.round((count / seconds) * 100) / 100 : 0;
}

export interface GeneratorSample {
  /** CPU time the generator process used in the second, as a fraction of one core. */
  cpu: number;
  /** Event-loop delay p99 in ms during the second. */
  loopDelayP99Ms: number;
}

export const SATURATION_CPU = 0.9;
export const SATURATION_LOOP_DELAY_MS = 50;

/**
 * The generator is saturated when, for at least 10% of the seconds (and at least 2 of them), its single
 * event loop ran at >= 90% of a core or lagged by >= 50 ms: then its own queueing is in the latencies.
 */
export function generatorSaturation(samples: GeneratorSample[]): { saturated: boolean; saturatedSeconds: number; peakCpu: number; peakLoopDelayMs: number } {
  const hot = samples.filter((s) => s.cpu >= SATURATION_CPU || s.loopDelayP99Ms >= SATURATION_LOOP_DELAY_MS).length;
  return {
    saturated: hot >= 2 && hot >= 0.1 * samples.length,
    saturatedSeconds: hot,
    peakCpu: round3(samples.reduce((m, s) => Math.max(m, s.cpu), 0)),
    peakLoopDelayMs: round3(samples.reduce((m, s) => Math.max(m, s.loopDelayP99Ms), 0)),
  };
}

/**
 * Whether the closed loop of connections distorted the open-model schedule: more than 1% of the scheduled
 * arrivals (and at least 3) were sent late or dropped because every virtual user was busy (coordinated omission).
 */
export function closedLoopDistorted(scheduled: number | null, late: number, dropped: number): boolean {
  if (scheduled === null || scheduled === 0) return false;
  return late + dropped >= 3 && (late + dropped) / scheduled > 0.01;
}
