import type { JourneyName } from './profile-schema.js';
import type { RequestStats, SeriesPoint } from './result-schema.js';
import {
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  mergeHistograms,
  percentileMs,
  MicrosRecorder,
  ratePerSecond,
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
  private readonly latencyRecorder = new MicrosRecorder();
  private readonly correctedRecorder = new MicrosRecorder();
  private readonly initRecorder = new MicrosRecorder();

  /** Service latency of the responses (µs). */
  get latency(): Histogram {
    return this.latencyRecorder.histogram;
  }

  /** Latency from the scheduled slot (µs). */
  get corrected(): Histogram {
    return this.correctedRecorder.histogram;
  }

  /** Init durations of cold starts (µs). */
  get initMicros(): Histogram {
    return this.initRecorder.histogram;
  }

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
      this.latencyRecorder.record(o.latencyMicros);
      this.correctedRecorder.record(o.correctedLatencyMicros);
    }
    if (o.coldStart) {
      this.coldStarts += 1;
      if (o.initMs !== undefined && Number.isFinite(o.initMs)) this.initRecorder.record(o.initMs * 1000);
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

  /** Plain data (histograms encoded), to send across threads; `fromData` + `add` merge it exactly. */
  toData(): AccumulatorData {
    return {
      requests: this.requests,
      responses: this.responses,
      connectionErrors: this.connectionErrors,
      timeouts: this.timeouts,
      serverErrors: this.serverErrors,
      clientErrors: this.clientErrors,
      throttled: this.throttled,
      coldStarts: this.coldStarts,
      statusCounts: [...this.statusCounts],
      latency: encodeHistogram(this.latency),
      corrected: encodeHistogram(this.corrected),
      initMicros: encodeHistogram(this.initMicros),
    };
  }

  static fromData(d: AccumulatorData): StatsAccumulator {
    const acc = new StatsAccumulator();
    acc.requests = d.requests;
    acc.responses = d.responses;
    acc.connectionErrors = d.connectionErrors;
    acc.timeouts = d.timeouts;
    acc.serverErrors = d.serverErrors;
    acc.clientErrors = d.clientErrors;
    acc.throttled = d.throttled;
    acc.coldStarts = d.coldStarts;
    for (const [k, v] of d.statusCounts) acc.statusCounts.set(k, v);
    acc.latency.add(decodeHistogram(d.latency));
    acc.corrected.add(decodeHistogram(d.corrected));
    acc.initMicros.add(decodeHistogram(d.initMicros));
    return acc;
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

export interface AccumulatorData {
  requests: number;
  responses: number;
  connectionErrors: number;
  timeouts: number;
  serverErrors: number;
  clientErrors: number;
  throttled: number;
  coldStarts: number;
  statusCounts: [number, number][];
  latency: string;
  corrected: string;
  initMicros: string;
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
    if (step === undefined) {
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
    if (event === 'started') c.started += 1;
    else if (event === 'completed') c.completed += 1;
    else c.failed += 1;
  }

  /** Adds another recorder's counts and histograms (exact: histogram buckets add). */
  add(other: PhaseRecorder): void {
    this.totals.add(other.totals);
    for (const [key, acc] of other.steps) {
      let step = this.steps.get(key);
      if (!step) {
        step = new StatsAccumulator();
        this.steps.set(key, step);
      }
      step.add(acc);
    }
    for (const [name, c] of other.journeys) {
      const m = this.journeys.get(name) ?? { started: 0, completed: 0, failed: 0 };
      m.started += c.started;
      m.completed += c.completed;
      m.failed += c.failed;
      this.journeys.set(name, m);
    }
  }

  toData(): PhaseRecorderData {
    return { totals: this.totals.toData(), steps: [...this.steps].map(([k, acc]) => [k, acc.toData()]), journeys: [...this.journeys].map(([k, c]) => [k, { ...c }]) };
  }

  static fromData(d: PhaseRecorderData): PhaseRecorder {
    const r = new PhaseRecorder();
    r.totals.add(StatsAccumulator.fromData(d.totals));
    for (const [k, acc] of d.steps) r.steps.set(k, StatsAccumulator.fromData(acc));
    for (const [k, c] of d.journeys) r.journeys.set(k, { ...c });
    return r;
  }
}

export interface PhaseRecorderData {
  totals: AccumulatorData;
  steps: [string, AccumulatorData][];
  journeys: [JourneyName, JourneyCounter][];
}

/** Merges per-phase recorders into run totals (measured phases only). */
export function mergePhaseRecorders(recorders: PhaseRecorder[]): PhaseRecorder {
  const merged = new PhaseRecorder();
  for (const r of recorders) merged.add(r);
  return merged;
}

/** One second of requests (or the part of it one generator worker saw). */
export class SecondBucket {
  sent = 0;
  completed = 0;
  errors = 0;
  throttled = 0;
  coldStarts = 0;
  private readonly latencyRecorder = new MicrosRecorder();

  get latency(): Histogram {
    return this.latencyRecorder.histogram;
  }

  complete(o: RequestOutcome): void {
    this.completed += 1;
    if (o.failure !== undefined || o.status >= 500) this.errors += 1;
    if (o.status === 429) this.throttled += 1;
    if (o.coldStart) this.coldStarts += 1;
    if (o.failure === undefined) this.latencyRecorder.record(o.latencyMicros);
  }

  toData(): SecondBucketData {
    return { sent: this.sent, completed: this.completed, errors: this.errors, throttled: this.throttled, coldStarts: this.coldStarts, latency: encodeHistogram(this.latency) };
  }

  /** Adds a worker's part of the second. */
  absorb(d: SecondBucketData): void {
    this.sent += d.sent;
    this.completed += d.completed;
    this.errors += d.errors;
    this.throttled += d.throttled;
    this.coldStarts += d.coldStarts;
    this.latency.add(decodeHistogram(d.latency));
  }
}

export interface SecondBucketData {
  sent: number;
  completed: number;
  errors: number;
  throttled: number;
  coldStarts: number;
  latency: string;
}

/** One-second buckets of the run for the time series and the live view; the harness rolls them each second. */
export class SecondSeries {
  private current = new SecondBucket();
  readonly points: SeriesPoint[] = [];

  sent(): void {
    this.current.sent += 1;
  }

  completed(o: RequestOutcome): void {
    this.current.complete(o);
  }

  /** Adds a generator worker's part of the current second. */
  absorb(d: SecondBucketData): void {
    this.current.absorb(d);
  }

  /** Whether the open second holds anything (what arrived after the last tick of the run). */
  pending(): boolean {
    const b = this.current;
    return b.sent + b.completed + b.errors + b.throttled + b.coldStarts > 0;
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
      p95Ms: percentileMs(b.latency, 95),
      errors: b.errors,
      throttled: b.throttled,
      coldStarts: b.coldStarts,
      generatorCpu: Math.round(generatorCpu * 1000) / 1000,
    };
    this.points.push(point);
    this.current = new SecondBucket();
    return point;
  }
}

export { mergeHistograms };
