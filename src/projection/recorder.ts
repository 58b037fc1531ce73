import { metricKind, PERIOD_STATISTIC, type MetricNamespace } from '../architecture/metrics.js';
import type { MetricDatapoint } from '../bench/result-schema.js';
import { LatencyAccumulator } from './latency-accumulator.js';
import type { LoadSchedule, ProjectionStep } from './load-schedule.js';

/**
 * What a projection run adds up, step by step, in the bench result's terms: per phase the request
 * outcomes and latency, a series of coarse intervals, and CloudWatch-shaped datapoints per period
 * (gauges by Maximum, counts by Sum, as the metrics contract says).
 */
export interface StepOutcome {
  arrivals: number;
  ok: number;
  /** 429: API Gateway throttles (a Lambda throttle reaches the client as a 500). */
  throttled: number;
  /** 5xx answered by the platform or the app (no healthy target, DB connections exhausted, DynamoDB throttling after retries). */
  serverErrors: number;
  /** No answer within the request timeout. */
  timeouts: number;
  coldStarts: number;
}

export interface PhaseTally extends StepOutcome {
  latency: LatencyAccumulator;
  initMs: LatencyAccumulator;
  statusCounts: Record<string, number>;
  inFlightAtEnd: number;
  /** Σ rps·latency, for Little's-law concurrency. */
  peakConcurrency: number;
}

export interface SeriesInterval {
  t: number;
  phase: number;
  targetRps: number;
  arrivals: number;
  completed: number;
  errors: number;
  throttled: number;
  coldStarts: number;
  /** p95 (ms) of the interval's answered requests, set when the interval closes. */
  p95Ms: number;
  seconds: number;
}

/** Coarse log bins (2^(1/64), 1.1%) for the per-interval p95 of the series: cheap to clear and scan. */
const SERIES_BINS_PER_OCTAVE = 64;
const SERIES_OCTAVES = 42;

class IntervalPercentile {
  private readonly weights = new Float64Array(SERIES_BINS_PER_OCTAVE * SERIES_OCTAVES);
  private total = 0;
  add(ms: number, weight: number): void {
    const us = ms * 1000;
    const i = us <= 1 ? 0 : Math.min(this.weights.length - 1, Math.floor(Math.log2(us) * SERIES_BINS_PER_OCTAVE));
    this.weights[i]! += weight;
    this.total += weight;
  }
  /** The percentile (ms), then clears for the next interval. */
  take(p: number): number {
    let result = 0;
    if (this.total > 0) {
      const target = (p / 100) * this.total;
      let acc = 0;
      for (let i = 0; i < this.weights.length; i++) {
        acc += this.weights[i]!;
        if (acc >= target && this.weights[i]! > 0) {
          result = 2 ** ((i + 0.5) / SERIES_BINS_PER_OCTAVE) / 1000;
          break;
        }
      }
    }
    this.weights.fill(0);
    this.total = 0;
    return result;
  }
}

export class ProjectionRecorder {
  readonly phases: PhaseTally[];
  readonly series: SeriesInterval[] = [];
  private readonly intervalP95 = new IntervalPercentile();
  private readonly datapoints: MetricDatapoint[] = [];

  constructor(
    readonly schedule: LoadSchedule,
    readonly seriesSeconds: number,
    readonly periodSeconds: number,
    readonly startedAtMs: number,
  ) {
    this.phases = schedule.phases.map(() => ({
      arrivals: 0,
      ok: 0,
      throttled: 0,
      serverErrors: 0,
      timeouts: 0,
      coldStarts: 0,
      latency: new LatencyAccumulator(),
      initMs: new LatencyAccumulator(),
      statusCounts: {},
      inFlightAtEnd: 0,
      peakConcurrency: 0,
    }));
  }

  private interval(step: ProjectionStep): SeriesInterval {
    const t = Math.floor(step.startS / this.seriesSeconds) * this.seriesSeconds;
    let last = this.series[this.series.length - 1];
    if (!last || last.t !== t || last.phase !== step.phase) {
      if (last) last.p95Ms = this.intervalP95.take(95);
      last = { t, phase: step.phase, targetRps: 0, arrivals: 0, completed: 0, errors: 0, throttled: 0, coldStarts: 0, p95Ms: 0, seconds: 0 };
      this.series.push(last);
    }
    return last;
  }

  /** Adds a step's outcome; `status` names the HTTP statuses of the failures (503, 504 …). */
  step(step: ProjectionStep, o: StepOutcome, status: { serverError: string; timeout?: string }, inFlight: number): void {
    const p = this.phases[step.phase]!;
    p.arrivals += o.arrivals;
    p.ok += o.ok;
    p.throttled += o.throttled;
    p.serverErrors += o.serverErrors;
    p.timeouts += o.timeouts;
    p.coldStarts += o.coldStarts;
    p.inFlightAtEnd = inFlight;
    const count = (code: string, n: number) => {
      if (n > 0) p.statusCounts[code] = (p.statusCounts[code] ?? 0) + n;
    };
    count('200', o.ok);
    count('429', o.throttled);
    count(status.serverError, o.serverErrors);
    if (status.timeout) count(status.timeout, o.timeouts);
    const s = this.interval(step);
    s.targetRps += step.rps * step.dtS;
    s.seconds += step.dtS;
    s.arrivals += o.arrivals;
    s.completed += o.ok + o.serverErrors + o.throttled;
    s.errors += o.serverErrors + o.timeouts;
    s.throttled += o.throttled;
    s.coldStarts += o.coldStarts;
  }

  /** A sampled latency standing for `weight` answered requests of the step. */
  latency(step: ProjectionStep, ms: number, weight: number): void {
    this.phases[step.phase]!.latency.add(ms, weight);
    this.intervalP95.add(ms, weight);
  }

  initDuration(step: ProjectionStep, ms: number, weight: number): void {
    this.phases[step.phase]!.initMs.add(ms, weight);
  }

  concurrency(step: ProjectionStep, inFlight: number): void {
    const p = this.phases[step.phase]!;
    p.peakConcurrency = Math.max(p.peakConcurrency, inFlight);
  }

  /**
   * A series of one metric of the contract (namespace, name, dimensions): each value at model time tS
   * is folded into its period by the metric's statistic (gauges Maximum, counts Sum).
   */
  metricSeries(namespace: MetricNamespace, name: string, dimensions: Record<string, string>, unit: MetricDatapoint['unit']): (tS: number, value: number) => void {
    const kind = metricKind(namespace, name);
    if (!kind) throw new Error(`${namespace} ${name} is not in the metrics contract`);
    const statistic = PERIOD_STATISTIC[kind];
    const maximum = statistic === 'Maximum';
    let current: MetricDatapoint | undefined;
    let currentPeriod = -1;
    return (tS, value) => {
      const period = Math.floor(tS / this.periodSeconds);
      if (period !== currentPeriod || !current) {
        currentPeriod = period;
        current = { timestamp: new Date(this.startedAtMs + period * this.periodSeconds * 1000).toISOString(), namespace, metric: name, dimensions, value, statistic, ...(unit ? { unit } : {}) };
        this.datapoints.push(current);
        return;
      }
      current.value = maximum ? Math.max(current.value, value) : current.value + value;
    };
  }

  /** The series, its last interval closed. */
  closedSeries(): SeriesInterval[] {
    const last = this.series[this.series.length - 1];
    if (last && last.p95Ms === 0) last.p95Ms = this.intervalP95.take(95);
    return this.series;
  }

  timeline(): MetricDatapoint[] {
    // Zero sums say nothing the absence of a datapoint does not (and a month of them is megabytes).
    return this.datapoints
      .filter((d) => !(d.statistic === 'Sum' && d.value === 0))
      .map((d) => ({ ...d, value: Math.round(d.value * 1000) / 1000 }))
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  }
}
