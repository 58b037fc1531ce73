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

/** Largest value (µs, ~35 min) the integer path takes; larger ones go to the histogram directly. */
const FAST_MAX = 0x7fffffff;

/** The value at the bottom of an HDR counts index (newHistogram()'s layout: 2048 sub-buckets, unit 1). */
function valueAtIndex(index: number): number {
  let bucket = (index >> 10) - 1;
  let sub = (index & 1023) + 1024;
  if (bucket < 0) {
    sub -= 1024;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

/**
 * Records microsecond values for a newHistogram() histogram through a cheap integer path: a count per
 * HDR counts index (computed with clz32 instead of the library's log2/pow, ~10x faster) in a typed
 * array, added to the histogram whenever it is read. Exact: the histogram ends up with the same
 * counts, and with the exact minimum and maximum, as if every value had been recorded one by one.
 */
export class MicrosRecorder {
  private counts: Uint32Array | undefined;
  private lowIndex = Number.MAX_SAFE_INTEGER;
  private highIndex = -1;
  private min = Number.MAX_SAFE_INTEGER;
  private max = 0;
  private readonly target: Histogram = newHistogram();

  record(micros: number): void {
    const v = micros < 1 ? 1 : Math.round(micros);
    if (v > FAST_MAX) {
      this.target.recordValue(v);
      return;
    }
    const bucket = 21 - Math.clz32(v | 2047);
    const index = ((bucket + 1) << 10) + (v >>> bucket) - 1024;
    let counts = this.counts;
    if (counts === undefined || index >= counts.length) counts = this.grow(index);
    counts[index]! += 1;
    if (index < this.lowIndex) this.lowIndex = index;
    if (index > this.highIndex) this.highIndex = index;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  private grow(index: number): Uint32Array {
    let size = this.counts?.length ?? 4096;
    while (size <= index) size *= 2;
    const counts = new Uint32Array(size);
    if (this.counts) counts.set(this.counts);
    return (this.counts = counts);
  }

  /** The full histogram of everything recorded. */
  get histogram(): Histogram {
    const counts = this.counts;
    if (counts !== undefined && this.highIndex >= 0) {
      const h = this.target;
      const minIndex = this.countsIndexOf(this.min);
      const maxIndex = this.countsIndexOf(this.max);
      for (let i = this.lowIndex; i <= this.highIndex; i++) {
        let n = counts[i]!;
        if (n === 0) continue;
        if (i === minIndex) {
          h.recordValue(this.min);
          n -= 1;
        }
        if (i === maxIndex && n > 0) {
          h.recordValue(this.max);
          n -= 1;
        }
        if (n > 0) h.recordValueWithCount(valueAtIndex(i), n);
      }
      // Drop the array: an accumulator read only at the end of its phase should not keep ~100 kB.
      this.counts = undefined;
      this.lowIndex = Number.MAX_SAFE_INTEGER;
      this.highIndex = -1;
      this.min = Number.MAX_SAFE_INTEGER;
      this.max = 0;
    }
    return this.target;
  }

  private countsIndexOf(v: number): number {
    const bucket = 21 - Math.clz32(v | 2047);
    return ((bucket + 1) << 10) + (v >>> bucket) - 1024;
  }
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

/** One percentile in ms (3 decimals) - for the live view and the series, cheaper than a full summary. */
export function percentileMs(histogram: Histogram, percentile: number): number {
  return histogram.totalCount === 0 ? 0 : round3(histogram.getValueAtPercentile(percentile) / 1000);
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
