import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, mmc, responseQuantileMmc, waitQuantileMs } from '../../src/projection/erlang-c.js';
import { simulateRequests } from '../../src/projection/request-simulation.js';

/**
 * Against theory: one service centre of c servers, Poisson arrivals, exponential service, no scaling.
 * The per-request simulation's waiting-time figures must match Erlang C within sampling error.
 *
 * Tolerance: 4 standard errors, estimated by batch means (20 consecutive batches of the run after a
 * warm-up; waits of neighbouring requests are correlated, so the per-request variance would understate
 * the error, while batch figures are nearly independent). For a figure whose batch means are normal,
 * |error| > 4 SE happens about once in 1,500 (t with 19 degrees of freedom); the seed is fixed, so the
 * test is deterministic, and the standard errors are themselves checked to be small (the test can fail).
 */
const BATCHES = 20;

function batchStats(values: number[][]): { mean: number; se: number } {
  const m = values.map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const mean = m.reduce((a, b) => a + b, 0) / m.length;
  const sd = Math.sqrt(m.reduce((a, b) => a + (b - mean) ** 2, 0) / (m.length - 1));
  return { mean, se: sd / Math.sqrt(m.length) };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

describe('Erlang C closed form', () => {
  it('matches known values', () => {
    // c = 1: M/M/1, P(wait) = ρ.
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    // Erlang B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2; Erlang C(2, 1) = 2B / (2 − a(1 − B)) = 1/3.
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 12);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // Table value: c = 10, a = 8 Erlangs → C ≈ 0.4092.
    expect(erlangC(10, 8)).toBeCloseTo(0.4092, 3);
    expect(mmc(1, 2, 2)).toBeUndefined();
  });
});

describe.each([
  { servers: 1, serviceMs: 10, rho: 0.7 },
  { servers: 4, serviceMs: 10, rho: 0.8 },
  { servers: 16, serviceMs: 5, rho: 0.9 },
])('per-request simulation against M/M/$servers at ρ = $rho', ({ servers, serviceMs, rho }) => {
  const lambda = (rho * servers) / serviceMs;
  const warmup = 20_000;
  const perBatch = 20_000;
  const total = warmup + BATCHES * perBatch;
  const waits = new Float64Array(total);
  const responses = new Float64Array(total);
  let n = 0;
  simulateRequests({
    servers,
    service: { family: 'exponential', meanMs: serviceMs },
    segments: [{ durationMs: (total * 1.02) / lambda, ratePerMs: lambda }],
    seed: 7,
    onRequest: (_s, _t, wait, response) => {
      if (n < total) {
        waits[n] = wait;
        responses[n] = response;
      }
      n++;
    },
  });
  const theory = mmc(lambda, serviceMs, servers)!;
  const batches = Array.from({ length: BATCHES }, (_, b) => [warmup + b * perBatch, warmup + (b + 1) * perBatch] as const);

  it('has enough requests', () => expect(n).toBeGreaterThanOrEqual(total));

  it('waits with probability C', () => {
    const { mean, se } = batchStats(batches.map(([a, b]) => [Array.from(waits.subarray(a, b)).filter((w) => w > 0).length / (b - a)]));
    expect(se).toBeLessThan(0.05 * theory.pWait);
    expect(Math.abs(mean - theory.pWait)).toBeLessThan(4 * se);
  });

  it.each([0.9, 0.95, 0.99])('waiting-time p%s matches Erlang C', (p) => {
    const { mean, se } = batchStats(batches.map(([a, b]) => [percentile(waits.slice(a, b).sort(), p)]));
    const expected = waitQuantileMs(theory, p);
    expect(se).toBeLessThan(0.1 * expected);
    expect(Math.abs(mean - expected)).toBeLessThan(4 * se);
  });

  it.each([0.5, 0.95, 0.99])('response-time p%s matches the closed-form M/M/c sojourn', (p) => {
    const { mean, se } = batchStats(batches.map(([a, b]) => [percentile(responses.slice(a, b).sort(), p)]));
    const expected = responseQuantileMmc(theory, serviceMs, p);
    expect(Math.abs(mean - expected)).toBeLessThan(4 * se);
  });
});
