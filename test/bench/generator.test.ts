import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { maxGeneratorWorkers, mergeOutcomes, WORKER_CEILING_RPS, workersFor } from '../../src/bench/generator-pool.js';
import { PhaseRecorder, type RequestOutcome } from '../../src/bench/recorder.js';
import { ArrivalSchedule, type PlannedPhase, seededRandom } from '../../src/bench/schedule.js';
import { decodeHistogram, encodeHistogram, MicrosRecorder, newHistogram, recordMicros, summarizeMicros } from '../../src/bench/statistics.js';

const outcome = (stepKey: string, ms: number, status = 200): RequestOutcome => ({ stepKey, status, latencyMicros: ms * 1000, correctedLatencyMicros: ms * 1000, coldStart: false });

describe('generator workers', () => {
  it('merges the workers’ recorders exactly: percentiles of the merged histograms, not averaged', () => {
    const a = new PhaseRecorder();
    const b = new PhaseRecorder();
    for (let i = 0; i < 90; i++) a.record(outcome('browse.list', 10));
    for (let i = 0; i < 10; i++) a.record(outcome('browse.list', 100, 503));
    for (let i = 0; i < 100; i++) b.record(outcome('search.search', 30));
    a.journey('browse', 'started');
    b.journey('browse', 'started');
    b.journey('browse', 'completed');
    // As between threads: plain data (encoded histograms) out, decoded and added in the parent.
    const merged = new PhaseRecorder();
    for (const r of [a, b]) merged.add(PhaseRecorder.fromData(structuredClone(r.toData())));
    const stats = merged.totals.toStats(1);
    expect(stats.requests).toBe(200);
    expect(stats.statusCounts).toEqual({ '200': 190, '503': 10 });
    expect(stats.serverErrors).toBe(10);
    // Sorted: 90 x 10 ms, 100 x 30 ms, 10 x 100 ms. Averaging the workers' p95s (100 and 30) would give 65.
    expect(stats.latencyMs.p50).toBeCloseTo(30, 1);
    expect(stats.latencyMs.p95).toBeCloseTo(30, 1);
    expect(stats.latencyMs.p99).toBeCloseTo(100, 0);
    expect(stats.latencyMs.min).toBeCloseTo(10, 1);
    expect(stats.latencyMs.max).toBeCloseTo(100, 0);
    expect(merged.steps.get('browse.list')!.requests).toBe(100);
    expect(merged.steps.get('search.search')!.toStats(1).latencyMs.p50).toBeCloseTo(30, 1);
    expect(merged.journeys.get('browse')).toEqual({ started: 2, completed: 1, failed: 0 });
  });

  it('merges the workers’ schedule outcomes: counts add, times span them', () => {
    const base = { durationS: 2, scheduled: 50, sent: 50, late: 1, dropped: 0, inFlightAtEnd: 0, maxLatenessMs: 12, interrupted: false };
    const m = mergeOutcomes([
      { ...base, startedAt: new Date(1000), endedAt: new Date(3000) },
      { ...base, scheduled: 49, sent: 48, dropped: 1, maxLatenessMs: 30, startedAt: new Date(1002), endedAt: new Date(3100) },
    ]);
    expect(m).toMatchObject({ scheduled: 99, sent: 98, late: 2, dropped: 1, maxLatenessMs: 30, interrupted: false });
    expect(m.startedAt.getTime()).toBe(1000);
    expect(m.endedAt.getTime()).toBe(3100);
  });

  it('shares of the arrival schedule together are the whole schedule', () => {
    const rate = { from: 10, to: 50 };
    const claimAll = (s: ArrivalSchedule) => {
      const slots: number[] = [];
      for (let t = s.claim(0); t !== null; t = s.claim(0)) slots.push(t);
      return slots;
    };
    const whole = claimAll(new ArrivalSchedule(rate, 3));
    const shares = [0, 1, 2].map((index) => new ArrivalSchedule(rate, 3, { index, of: 3 }));
    const parts = shares.map(claimAll);
    expect(shares.reduce((s, x) => s + (x.total ?? 0), 0)).toBe(whole.length);
    expect(parts.flat().sort((x, y) => x - y)).toEqual(whole);
  });

  it('uses workers only when the target rate needs them', () => {
    const phase = (rate: PlannedPhase['rate'], virtualUsers = 256): PlannedPhase => ({ name: 'p', durationS: 1, modelledDurationS: 1, rate, mix: { browse: 1 }, warmup: false, virtualUsers, scheduledRequests: null });
    expect(workersFor(phase(100))).toBe(1);
    expect(workersFor(phase('max'))).toBe(1);
    expect(workersFor(phase(WORKER_CEILING_RPS * 100))).toBe(maxGeneratorWorkers());
    expect(maxGeneratorWorkers()).toBe(Math.max(1, os.availableParallelism() - 1));
    expect(workersFor(phase(100), 3)).toBe(3);
    expect(workersFor(phase(100, 2), 3)).toBe(2);
  });
});

describe('integer recording path', () => {
  it('gives exactly the histogram that recording every value one by one gives', () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? random() * 3000 : i % 3 === 1 ? 0.2 + random() * 2e5 : random() ** 4 * 3e9));
    values.push(0, 0.4, 2047, 2048, 2049, 4095.6, 2 ** 31 + 5);
    const fast = new MicrosRecorder();
    const direct = newHistogram();
    for (const v of values) {
      fast.record(v);
      recordMicros(direct, v);
    }
    // Read half-way (as the live view does each second), then record more: still exact.
    expect(fast.histogram.totalCount).toBe(values.length);
    for (const v of values.slice(0, 5000)) {
      fast.record(v);
      recordMicros(direct, v);
    }
    const h = fast.histogram;
    expect(h.totalCount).toBe(direct.totalCount);
    expect(h.minNonZeroValue).toBe(direct.minNonZeroValue);
    expect(h.maxValue).toBe(direct.maxValue);
    expect(summarizeMicros(h)).toEqual(summarizeMicros(direct));
    for (const p of [1, 10, 50, 90, 99, 99.9, 99.99]) expect(h.getValueAtPercentile(p)).toBe(direct.getValueAtPercentile(p));
    expect(decodeHistogram(encodeHistogram(h)).getValueAtPercentile(95)).toBe(direct.getValueAtPercentile(95));
  });
});
