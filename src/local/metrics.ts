import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { METRICS_FILE, RECORDED_PERCENTILES as PERCENTILES, type MetricDatum, type MetricName, type MetricNamespace, type MetricUnit } from '../architecture/metrics.js';

/**
 * The local runtime's writer of the metrics contract (src/architecture/metrics.ts): it aggregates
 * samples per series and appends one MetricDatum line per series per (modelled) period.
 */

interface Series {
  namespace: string;
  name: string;
  dimensions: Array<{ Name: string; Value: string }>;
  unit: MetricUnit;
  count: number;
  sum: number;
  min: number;
  max: number;
  histogram?: hdr.Histogram;
}

export class MetricsRecorder {
  private series = new Map<string, Series>();
  private periodStart = Date.now();
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly modelledPeriodSeconds: number,
    private readonly timeScale: number,
  ) {}

  get realPeriodMs(): number {
    return (this.modelledPeriodSeconds * 1000) / this.timeScale;
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.periodStart = Date.now();
    this.timer = setInterval(() => void this.flush(), this.realPeriodMs);
    this.timer.unref();
  }

  /** Adds one sample; `percentiles` keeps a histogram (values in ms, microsecond resolution). */
  record<N extends MetricNamespace>(namespace: N, name: MetricName<N>, dims: Record<string, string>, value: number, unit: MetricUnit, percentiles = false): void {
    this.handle(namespace, name, dims, unit, percentiles)(value);
  }

  /** A recorder bound to one series, for hot paths (no key building per sample). */
  handle<N extends MetricNamespace>(namespace: N, name: MetricName<N>, dims: Record<string, string>, unit: MetricUnit, percentiles = false): (value: number) => void {
    const s = this.seriesFor(namespace, name, dims, unit, percentiles);
    return (value: number) => {
      s.count += 1;
      s.sum += value;
      if (value < s.min) s.min = value;
      if (value > s.max) s.max = value;
      // Histogram in microseconds whatever the unit, so sub-millisecond latencies keep their resolution.
      s.histogram?.recordValue(Math.max(1, Math.round(value * histogramScale(s.unit))));
    };
  }

  private seriesFor(namespace: string, name: string, dims: Record<string, string>, unit: MetricUnit, percentiles: boolean): Series {
    const key = `${namespace}|${name}|${JSON.stringify(dims)}`;
    let s = this.series.get(key);
    if (!s) {
      s = {
        namespace,
        name,
        dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
        unit,
        count: 0,
        sum: 0,
        min: Infinity,
        max: -Infinity,
        histogram: percentiles ? hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 }) : undefined,
      };
      this.series.set(key, s);
    }
    return s;
  }

  /** Writes the finished period's datapoints and starts a new period. */
  flush(): Promise<void> {
    const now = Date.now();
    const lines: string[] = [];
    const timestamp = new Date(this.periodStart).toISOString();
    for (const s of this.series.values()) {
      if (s.count === 0) continue;
      const datum: MetricDatum = {
        Namespace: s.namespace,
        MetricName: s.name,
        Dimensions: s.dimensions,
        Timestamp: timestamp,
        Period: this.modelledPeriodSeconds,
        RealPeriodSeconds: Math.round(now - this.periodStart) / 1000,
        Unit: s.unit,
        StatisticValues: { SampleCount: s.count, Sum: round(s.sum), Minimum: round(s.min), Maximum: round(s.max) },
        ExtendedStatistics: s.histogram
          ? Object.fromEntries(PERCENTILES.map((p) => [`p${p}`, s.histogram!.getValueAtPercentile(p) / histogramScale(s.unit)]))
          : undefined,
        Source: 'local',
        TimeScale: this.timeScale,
      };
      lines.push(JSON.stringify(datum));
      s.count = 0;
      s.sum = 0;
      s.min = Infinity;
      s.max = -Infinity;
      s.histogram?.reset();
    }
    this.periodStart = now;
    if (lines.length === 0) return this.writing;
    const file = path.join(this.dir, METRICS_FILE);
    this.writing = this.writing.then(() => appendFile(file, `${lines.join('\n')}\n`)).catch(() => undefined);
    return this.writing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}

function histogramScale(unit: MetricUnit): number {
  return unit === 'Seconds' ? 1e6 : 1e3;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
