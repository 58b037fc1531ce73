import { describe, expect, it } from 'vitest';
import { LatencyAccumulator } from '../../src/projection/latency-accumulator.js';
import { runFluidCentre } from '../../src/projection/fluid-centre.js';
import { simulateRequests } from '../../src/projection/request-simulation.js';
import type { ServiceTime } from '../../src/projection/service-time.js';

/**
 * The aggregate model used at scale must agree with the per-request simulation wherever both can run:
 * the same centre, the same segments of load (below capacity, near it, over it, and the recovery),
 * compared per segment. Tolerances: p50/p95/p99 within 10% (or 2 service means, for near-zero waits)
 * and served/abandoned counts within 2% of the arrivals. The per-request figures carry ~1–3% sampling
 * error at these sizes; the rest is the aggregate model's own error (steady state assumed within a step,
 * a fluid queue above capacity), which these tolerances bound.
 */
const REPLICATIONS = 8;

interface Case {
  name: string;
  servers: number;
  service: ServiceTime;
  segments: Array<{ name: string; seconds: number; rho: number }>;
  timeoutMs?: number;
}

const CASES: Case[] = [
  {
    name: 'exponential service, surge over capacity and back',
    servers: 8,
    service: { family: 'exponential', meanMs: 10 },
    segments: [
      { name: 'baseline', seconds: 120, rho: 0.5 },
      { name: 'busy', seconds: 120, rho: 0.85 },
      { name: 'overload', seconds: 30, rho: 1.2 },
      { name: 'recovery', seconds: 120, rho: 0.5 },
    ],
  },
  {
    name: 'lognormal service (cv 1.5), with a timeout that sheds an overload',
    servers: 4,
    service: { family: 'lognormal', meanMs: 20, cv: 1.5 },
    segments: [
      { name: 'baseline', seconds: 120, rho: 0.6 },
      { name: 'overload', seconds: 60, rho: 1.5 },
      { name: 'recovery', seconds: 120, rho: 0.6 },
    ],
    timeoutMs: 5000,
  },
];

describe.each(CASES)('aggregate model against the per-request simulation: $name', (c) => {
  const meanMs = c.service.family === 'exponential' || c.service.family === 'lognormal' ? c.service.meanMs : 0;
  const segments = c.segments.map((s) => ({ durationMs: s.seconds * 1000, ratePerMs: (s.rho * c.servers) / meanMs }));
  // Above capacity one run is one path of a random walk (its backlog's spread is tens of percent of a
  // segment's wait): average the percentiles of independent replications, as the aggregate is a mean path.
  const runs = Array.from({ length: REPLICATIONS }, (_, r) => {
    const perRequest = segments.map(() => ({ arrivals: 0, abandoned: 0, latency: [] as number[] }));
    simulateRequests({
      servers: c.servers,
      service: c.service,
      segments,
      seed: 11 + r,
      ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}),
      onRequest: (s, _t, _w, response, abandoned) => {
        perRequest[s]!.arrivals++;
        if (abandoned) perRequest[s]!.abandoned++;
        else perRequest[s]!.latency.push(response);
      },
    });
    return perRequest.map((seg) => {
      const sorted = Float64Array.from(seg.latency).sort();
      const at = (p: number) => sorted[Math.floor((p / 100) * sorted.length)]!;
      return { arrivals: seg.arrivals, abandoned: seg.abandoned, p50: at(50), p95: at(95), p99: at(99) };
    });
  });
  const mean = (i: number, key: 'arrivals' | 'abandoned' | 'p50' | 'p95' | 'p99') => runs.reduce((s, r) => s + r[i]![key], 0) / runs.length;
  const aggregate = runFluidCentre({ servers: c.servers, service: c.service, segments, stepMs: 1000, seed: 11, ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}) });

  it.each(c.segments.map((s, i) => ({ ...s, i })))('$name: p50/p95/p99 and counts agree', ({ i }) => {
    const agg = aggregate[i]!;
    for (const p of [50, 95, 99] as const) {
      const expected = mean(i, `p${p}`);
      const got = agg.latency.percentileMs(p);
      expect(Math.abs(got - expected), `p${p}: per-request ${expected.toFixed(1)} ms, aggregate ${got.toFixed(1)} ms`).toBeLessThanOrEqual(Math.max(0.1 * expected, 2 * meanMs));
    }
    expect(Math.abs(agg.arrivals - mean(i, 'arrivals'))).toBeLessThan(0.02 * mean(i, 'arrivals'));
    expect(Math.abs(agg.abandoned - mean(i, 'abandoned'))).toBeLessThan(0.02 * mean(i, 'arrivals'));
  });

  it('the accumulator keeps the total weight', () => {
    const all = new LatencyAccumulator();
    for (const a of aggregate) all.merge(a.latency);
    expect(all.weight).toBeCloseTo(aggregate.reduce((s, a) => s + a.admitted, 0), 3);
  });
});
