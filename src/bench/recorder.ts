import type { JourneyName } from './profile-schema.js';
import type { RequestStats, SeriesPoint } from './result-schema.js';
import {
  encodeHistogram,
  type Histogram,
  mergeHistograms,
  newHistogram,
  ratePerSecond,
  recordMicros,
  summarizeMicros,
} from './statistics.js';

/** What happened to one request, as the virtual user saw it. */
export interface RequestOutcome {
  stepKey: string;
  /** HTTP status, or 0 for a connection error / timeout. */
  status: number;
  failure?: 'connection' | 'timeout';
  latencyMicros: number;
  correctedLatencyMicros: number;
  coldStart: boolean;
  initMs?: number;
}

/** Accumulates one set of requests into histograms and counters. */
export class StatsAccumulator {
  requests = 0;
  responses = 0;
  connectionErrors = 0;
  timeouts = 0;
  serverErrors = 0;
  clientErrors = 0;
  throttled = 0;
  coldStarts = 0;
  readonly statusCounts = new Map<number, number>();
  readonly latency: Histogram = newHistogram();
  readonly corrected: Histogram = newHistogram();
  readonly initMicros: Histogram = newHistogram();

  record(o: RequestOutcome): void {
    this.requests += 1;
    if (o.failure === 'connection') this.connectionErrors += 1;
    else if (o.failure === 'timeout') this.timeouts += 1;
    else {
      this.responses += 1;
      this.statusCounts.set(o.status, (this.statusCounts.get(o.status) ?? 0) + 1);
      if (o.status === 429) this.throttled += 1;
      else if (o.status >= 500) this.serverErrors += 1;
      else if (o.status >= 400) this.clientErrors += 1;
      recordMicros(this.latency, o.latencyMicros);
      recordMicros(this.corrected, o.correctedLatencyMicros);
    }
    if (o.coldStart) {
      this.coldStarts += 1;
      if (o.initMs !== undefined && Number.isFinite(o.initMs)) recordMicros(this.initMicros, o.initMs * 1000);
    }
  }

  get errors(): number {
    return this.connectionErrors + this.timeouts + this.serverErrors;
  }

  /** Adds another accumulator's counts and histograms (exact merge). */
  add(other: StatsAccumulator): void {
    this.requests += other.requests;
    this.responses += other.responses;
    this.connectionErrors += other.connectionErrors;
    this.timeouts += other.timeouts;
    this.serverErrors += other.serverErrors;
    this.clientErrors += other.clientErrors;
    this.throttled += other.throttled;
    this.coldStarts += other.coldStarts;
    for (const [k, v] of other.statusCounts) this.statusCounts.set(k, (this.statusCounts.get(k) ?? 0) + v);
    this.latency.add(other.latency);
    this.corrected.add(other.corrected);
    this.initMicros.add(other.initMicros);
  }

  toStats(durationS: number): RequestStats {
    return {
      requests: this.requests,
      responses: this.responses,
      throughputRps: ratePerSecond(this.responses, durationS),
      latencyMs: summarizeMicros(this.latency),
      correctedLatencyMs: summarizeMicros(this.corrected),
      latencyHistogram: encodeHistogram(this.latency),
      statusCounts: Object.fromEntries([...this.statusCounts.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
      errors: this.errors,
      connectionErrors: this.connectionErrors,
      timeouts: this.timeouts,
      serverErrors: this.serverErrors,
      clientErrors: this.clientErrors,
      throttled: this.throttled,
      coldStarts: { count: this.coldStarts, initMs: summarizeMicros(this.initMicros) },
    };
  }
}

export interface JourneyCounter {
  started: number;
  completed: number;
  failed: number;
}

/** Everything measured in one phase: totals, per journey step, per journey. */
export class PhaseRecorder {
  readonly totals = new StatsAccumulator();
  readonly steps = new Map<string, StatsAccumulator>();
  readonly journeys = new Map<JourneyName, JourneyCounter>();

  record(o: RequestOutcome): void {
    this.totals.record(o);
    let step = this.steps.get(o.stepKey);
    if (!step) {
      step = new StatsAccumulator();
      this.steps.set(o.stepKey, step);
    }
    step.record(o);
  }

  journey(name: JourneyName, event: 'started' | 'completed' | 'failed'): void {
    let c = this.journeys.get(name);
    if (!c) {
      c = { started: 0, completed: 0, failed: 0 };
      this.journeys.set(name, c);
    }
    c[event] += 1;
  }
}

/** Merges per-phase recorders into run totals (measured phases only). */
export function mergePhaseRecorders(recorders: PhaseRecorder[]): PhaseRecorder {
  const merged = new PhaseRecorder();
  for (const r of recorders) {
    merged.totals.add(r.totals);
    for (const [key, acc] of r.steps) {
      let step = merged.steps.get(key);
      if (!step) {
        step = new StatsAccumulator();
        merged.steps.set(key, step);
      }
      step.add(acc);
    }
    for (const [name, c] of r.journeys) {
      const m = merged.journeys.get(name) ?? { started: 0, completed: 0, failed: 0 };
      m.started += c.started;
      m.completed += c.completed;
      m.failed += c.failed;
      merged.journeys.set(name, m);
    }
  }
  return merged;
}

/** One-second buckets of the run for the time series and the live view; the harness rolls them each second. */
export class SecondSeries {
  private current = SecondSeries.empty();
  readonly points: SeriesPoint[] = [];

  private static empty() {
    return { sent: 0, completed: 0, errors: 0, throttled: 0, coldStarts: 0, latency: newHistogram() };
  }

  sent(): void {
    this.current.sent += 1;
  }

  completed(o: RequestOutcome): void {
    const b = this.current;
    b.completed += 1;
    if (o.failure || o.status >= 500) b.errors += 1;
    if (o.status === 429) b.throttled += 1;
    if (o.coldStart) b.coldStarts += 1;
    if (!o.failure) recordMicros(b.latency, o.latencyMicros);
  }

  /** Closes the second that just ended and returns its point. */
  roll(phase: string, targetRps: number, generatorCpu: number): SeriesPoint {
    const b = this.current;
    const point: SeriesPoint = {
      t: this.points.length,
      phase,
      targetRps: Number.isFinite(targetRps) ? Math.round(targetRps * 100) / 100 : 0,
      sentRps: b.sent,
      completedRps: b.completed,
      p95Ms: summarizeMicros(b.latency).p95,
      errors: b.errors,
      throttled: b.throttled,
      coldStarts: b.coldStarts,
      generatorCpu: Math.round(generatorCpu * 1000) / 1000,
    };
    this.points.push(point);
    this.current = SecondSeries.empty();
    return point;
  }
}

export { mergeHistograms };
