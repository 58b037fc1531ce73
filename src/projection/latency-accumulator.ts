import { encodeHistogram, newHistogram, summarizeMicros, type LatencySummary } from '../bench/statistics.js';

/**
 * Latencies with fractional weights: the aggregate model stands one sampled latency for many
 * requests (served / samples per step). Weights go to log-spaced bins of 2^(1/512) (0.14%, finer than
 * the bench's 3-significant-digit HDR histograms); at the end each bin becomes an integer count in an
 * HDR histogram of the bench's layout (largest-remainder rounding keeps the total exact), so a
 * projected result carries the same latencyHistogram and percentiles as a measured one.
 */
const BINS_PER_OCTAVE = 512;
const OCTAVES = 42; // 1 µs .. 2^42 µs (~51 days)

export class LatencyAccumulator {
  private readonly weights = new Float64Array(BINS_PER_OCTAVE * OCTAVES);
  private total = 0;

  /** Records `weight` requests of latency `ms`. */
  add(ms: number, weight: number): void {
    if (!(weight > 0)) return;
    const us = ms * 1000;
    const i = us <= 1 ? 0 : Math.min(this.weights.length - 1, Math.floor(Math.log2(us) * BINS_PER_OCTAVE));
    this.weights[i]! += weight;
    this.total += weight;
  }

  merge(other: LatencyAccumulator): void {
    for (let i = 0; i < this.weights.length; i++) this.weights[i]! += other.weights[i]!;
    this.total += other.total;
  }

  get weight(): number {
    return this.total;
  }

  /** The latency (ms) at percentile p (0–100), from the bins directly. */
  percentileMs(p: number): number {
    if (this.total <= 0) return 0;
    const target = (p / 100) * this.total;
    let acc = 0;
    for (let i = 0; i < this.weights.length; i++) {
      acc += this.weights[i]!;
      if (acc >= target && this.weights[i]! > 0) return binValueUs(i) / 1000;
    }
    return 0;
  }

  /** An HDR histogram of `count` requests (microseconds) with this shape. */
  histogram(count: number): ReturnType<typeof newHistogram> {
    const h = newHistogram();
    if (this.total <= 0 || count <= 0) return h;
    const scale = count / this.total;
    let cumulative = 0;
    let recorded = 0;
    for (let i = 0; i < this.weights.length; i++) {
      const w = this.weights[i]!;
      if (w <= 0) continue;
      cumulative += w * scale;
      const upTo = Math.round(cumulative);
      const n = upTo - recorded;
      if (n > 0) h.recordValueWithCount(Math.max(1, Math.round(binValueUs(i))), n);
      recorded = upTo;
    }
    return h;
  }

  summary(count: number): { summary: LatencySummary; encoded: string } {
    const h = this.histogram(count);
    return { summary: summarizeMicros(h), encoded: encodeHistogram(h) };
  }
}

/** The geometric middle of a bin, in µs. */
function binValueUs(i: number): number {
  return 2 ** ((i + 0.5) / BINS_PER_OCTAVE);
}
