import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBench, type BenchTarget } from '../../src/bench/harness.js';
import { defaultInvariants } from '../../src/bench/invariants.js';
import { parseProfile } from '../../src/bench/profiles.js';
import { readResult, writeResult } from '../../src/bench/result-store.js';
import { decodeHistogram, summarizeMicros } from '../../src/bench/statistics.js';
import type { DeploymentRecord } from '../../src/state/registry.js';
import { targetOf } from '../../src/targets/adapters.js';
import { startKnownServer, type KnownServer } from './known-server.js';
import { tempDir } from '../support/temp-dir.js';

let server: KnownServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const target = (url: string, extra: Partial<BenchTarget> = {}): BenchTarget => ({ model: 'external', kind: 'url', url, ...extra });
const READ_ONLY = { browse: 2, search: 1, viewProduct: 2 };
/** 2 s at 40 req/s, then 2 s at 120 req/s: 80 + 240 scheduled requests. */
const lowThenHigh = (name: string, description: string) =>
  parseProfile(
    {
      name,
      description,
      mix: READ_ONLY,
      thinkTime: { min: '5ms', max: '20ms' },
      phases: [
        { name: 'low', duration: 2, rate: 40 },
        { name: 'high', duration: 2, rate: 120 },
      ],
    },
    'inline',
  );

/**
 * lowThenHigh against a server with a fixed 20 ms delay: every scheduled request sent and answered
 * (setup adds exactly 2: health + one catalog page), the high phase near 120 req/s, and latency never
 * below the delay and above it only by loopback + scheduling jitter (p95 within `p95JitterMs`; the 2-core
 * machine is shared with other suites).
 */
function expectLowThenHighAt20Ms(r: Awaited<ReturnType<typeof runBench>>, serverRequests: number, p95JitterMs: number): void {
  const [low, high] = r.phases;
  expect(low!.schedule).toMatchObject({ scheduled: 80, sent: 80, dropped: 0, inFlightAtEnd: 0 });
  expect(high!.schedule).toMatchObject({ scheduled: 240, sent: 240, dropped: 0, inFlightAtEnd: 0 });
  expect(r.totals.requests).toBe(320);
  expect(serverRequests).toBe(2 + 320);
  expect(r.totals.statusCounts).toEqual({ '200': 320 });
  expect(high!.totals.throughputRps).toBeGreaterThan(110);
  expect(high!.totals.throughputRps).toBeLessThan(130);
  for (const phase of [low!, high!]) {
    expect(phase.totals.latencyMs.min).toBeGreaterThanOrEqual(19.9);
    expect(phase.totals.latencyMs.p50).toBeGreaterThanOrEqual(20);
    expect(phase.totals.latencyMs.p50).toBeLessThan(20 + 15);
    expect(phase.totals.latencyMs.p95).toBeGreaterThanOrEqual(20);
    expect(phase.totals.latencyMs.p95).toBeLessThan(20 + p95JitterMs);
  }
}

/** Checkouts completed, a declined payment paid on its retry, and every application invariant holds. */
function expectCheckoutsPaidAndInvariantsPass(r: Awaited<ReturnType<typeof runBench>>): void {
  expect(r.steps['checkout.pay-retry']!.statusCounts['200']).toBeGreaterThan(0);
  expect(r.journeys.checkout!.completed).toBeGreaterThan(0);
  expect(r.invariants.map((i) => [i.id, i.status])).toEqual([
    ['orders-accepted-equal-stored', 'pass'],
    ['no-double-charge', 'pass'],
    ['paid-orders-not-pending', 'pass'],
  ]);
}

describe('bench harness against a known server', () => {
  it('counts, per-phase splits and percentiles match a server with a fixed 20 ms delay', async () => {
    server = await startKnownServer({ delayMs: 20 });
    const profile = lowThenHigh('known', 'two phases');
    const r = await runBench({ target: target(server.url), profile, profileFile: 'inline', timeScale: 1, runId: 'known', invariants: [] });
    const [low, high] = r.phases;
    expectLowThenHighAt20Ms(r, server.counts.requests, 50);
    expect(low!.totals.requests).toBe(80);
    expect(high!.totals.requests).toBe(240);
    for (const phase of [low!, high!]) expect(phase.totals.latencyMs.p95).toBeLessThanOrEqual(phase.totals.latencyMs.p99);
    // Per journey step totals add up to the phase totals.
    const stepSum = Object.values(high!.steps).reduce((s, x) => s + x.requests, 0);
    expect(stepSum).toBe(240);
    expect(Object.keys(r.steps).every((k) => /^(browse|search|viewProduct)\./.test(k))).toBe(true);
    expect(r.series.length).toBeGreaterThanOrEqual(3);
    expect(r.series.reduce((s, p) => s + p.completedRps, 0)).toBeGreaterThanOrEqual(300);
    expect(r.partial).toBe(false);
    expect(r.generator.saturated).toBe(false);
  });

  it('a phase on two generator workers: exact merged counts, percentiles from the merged histograms', async () => {
    server = await startKnownServer({ delayMs: 20 });
    const profile = lowThenHigh('workers', 'two phases on two worker threads');
    const r = await runBench({ target: target(server.url), profile, profileFile: 'inline', timeScale: 1, runId: 'workers', invariants: [], workers: 2 });
    expect(r.generator.workers).toBe(2);
    const [low, high] = r.phases;
    expect(low!.generator.workers).toBe(2);
    expect(high!.generator.workers).toBe(2);
    // The two workers' halves of the schedule add up to the whole of it, exactly. Two generator threads
    // and this server's thread share 2 cores with other suites: a wider p95 jitter allowance.
    expectLowThenHighAt20Ms(r, server.counts.requests, 80);
    for (const phase of [low!, high!]) {
      // The summary is the merged full histogram's: the encoded histogram holds every response and gives the same percentiles.
      const merged = decodeHistogram(phase.totals.latencyHistogram);
      expect(merged.totalCount).toBe(phase.totals.responses);
      expect(summarizeMicros(merged)).toMatchObject({ p50: phase.totals.latencyMs.p50, p95: phase.totals.latencyMs.p95, p99: phase.totals.latencyMs.p99, max: phase.totals.latencyMs.max });
      expect(Object.values(phase.steps).reduce((s, x) => s + x.requests, 0)).toBe(phase.totals.requests);
      const journeys = Object.values(phase.journeys);
      expect(journeys.reduce((s, j) => s + j.started, 0)).toBeGreaterThan(0);
    }
    // Every worker's seconds reach the series, the run's last partial second included.
    expect(r.series.reduce((s, p) => s + p.completedRps, 0)).toBeGreaterThanOrEqual(300);
    expect(r.partial).toBe(false);
  });

  it('checkout journeys keep their users, carts and orders across worker threads; invariants pass', async () => {
    server = await startKnownServer({ flakyPayments: true });
    const profile = parseProfile(
      { name: 'shop', description: 'd', mix: { checkout: 3, login: 1 }, seed: { users: 3 }, phases: [{ name: 'a', duration: 2, rate: 60 }, { name: 'b', duration: 2, rate: 60 }] },
      'inline',
    );
    const r = await runBench({ target: target(server.url), profile, profileFile: 'inline', timeScale: 1, runId: 'shopw', workers: 2 });
    expect(r.generator.workers).toBe(2);
    expectCheckoutsPaidAndInvariantsPass(r);
  });

  it('cold starts and init durations match the runtime’s own count; warm-up is excluded', async () => {
    server = await startKnownServer({ coldStartEvery: 7, initMs: 123.5 });
    const profile = parseProfile(
      { name: 'cold', description: 'd', mix: READ_ONLY, warmup: { duration: 1, rate: 10 }, phases: [{ name: 'm', duration: 2, rate: 60 }] },
      'inline',
    );
    const r = await runBench({ target: target(server.url), profile, profileFile: 'inline', timeScale: 1, runId: 'cold', invariants: [] });
    const warm = r.phases.find((p) => p.warmup)!;
    const measured = r.phases.find((p) => !p.warmup)!;
    // The server's first request (the setup's health check) was a cold start; every other one reached a phase.
    expect(warm.totals.coldStarts.count + measured.totals.coldStarts.count).toBe(server.counts.coldStarts - 1);
    expect(r.totals.coldStarts.count).toBe(measured.totals.coldStarts.count);
    expect(r.totals.requests).toBe(measured.totals.requests);
    expect(r.totals.coldStarts.initMs.p50).toBeCloseTo(123.5, 0);
    expect(r.series.reduce((s, p) => s + p.coldStarts, 0)).toBe(server.counts.coldStarts - 1);
  });

  it('counts 429 throttles exactly', async () => {
    server = await startKnownServer({ throttleEvery: 5 });
    const profile = parseProfile({ name: 't', description: 'd', mix: READ_ONLY, phases: [{ name: 'm', duration: 2, rate: 50 }] }, 'inline');
    const r = await runBench({ target: target(server.url), profile, profileFile: 'inline', timeScale: 1, runId: 'thr', invariants: [] });
    expect(r.totals.throttled).toBe(server.counts.throttled);
    expect(r.totals.statusCounts['429']).toBe(server.counts.throttled);
    expect(r.totals.errors).toBe(0);
  });

  it('runs the checkout journey with JWTs, carts and idempotent payment retries; invariants pass', async () => {
    server = await startKnownServer({ flakyPayments: true });
    const profile = parseProfile(
      { name: 'shop', description: 'd', mix: { checkout: 3, login: 1 }, seed: { users: 3 }, phases: [{ name: 'm', duration: 3, rate: 60 }] },
      'inline',
    );
    const r = await runBench({ target: target(server.url), profile, profileFile: 'inline', timeScale: 1, runId: 'shop' });
    expect(Object.keys(r.steps)).toEqual(expect.arrayContaining(['checkout.register', 'checkout.add', 'checkout.order', 'checkout.pay', 'checkout.pay-retry', 'checkout.status']));
    expect(r.steps['checkout.pay']!.statusCounts['503']).toBeGreaterThan(0);
    expectCheckoutsPaidAndInvariantsPass(r);
  });

  it('a double charge fails the invariant', async () => {
    server = await startKnownServer({ flakyPayments: true, doubleCharge: true });
    const profile = parseProfile({ name: 'shop', description: 'd', mix: { checkout: 1 }, phases: [{ name: 'm', duration: 2, rate: 40 }] }, 'inline');
    const r = await runBench({ target: target(server.url), profile, profileFile: 'inline', timeScale: 1, runId: 'dbl', invariants: defaultInvariants });
    const inv = r.invariants.find((i) => i.id === 'no-double-charge')!;
    expect(inv.status).toBe('fail');
    expect(inv.violations[0]).toMatch(/charged by 2 payments/);
  });

  it('an approved payment whose order stays pending fails the invariant', async () => {
    server = await startKnownServer({ paidStaysPending: true });
    const profile = parseProfile({ name: 'shop', description: 'd', mix: { checkout: 1 }, phases: [{ name: 'm', duration: 2, rate: 40 }] }, 'inline');
    const r = await runBench({ target: target(server.url), profile, profileFile: 'inline', timeScale: 1, runId: 'pending', invariants: defaultInvariants });
    const inv = r.invariants.find((i) => i.id === 'paid-orders-not-pending')!;
    expect(inv.status).toBe('fail');
    expect(inv.violations[0]).toMatch(/was paid but is still pending/);
  });

  it('under overload the closed loop is reported: late/dropped counts and corrected latency', async () => {
    server = await startKnownServer({ delayMs: 200 });
    const profile = parseProfile(
      { name: 'over', description: 'd', mix: READ_ONLY, virtualUsers: { max: 4 }, phases: [{ name: 'm', duration: 2, rate: 50 }] },
      'inline',
    );
    const r = await runBench({ target: target(server.url), profile, profileFile: 'inline', timeScale: 1, runId: 'over', invariants: [] });
    const m = r.phases[0]!;
    expect(m.schedule.late + m.schedule.dropped).toBeGreaterThan(10);
    expect(m.schedule.closedLoopDistorted).toBe(true);
    expect(m.totals.correctedLatencyMs.p95).toBeGreaterThan(m.totals.latencyMs.p95 + 100);
    expect(r.warnings.join(' ')).toMatch(/correctedLatencyMs/);
  });

  it('an interrupt stops cleanly and keeps a partial result that round-trips through the store', async () => {
    server = await startKnownServer({ delayMs: 5 });
    const profile = parseProfile(
      { name: 'long', description: 'd', mix: READ_ONLY, phases: [{ name: 'first', duration: 10, rate: 30 }, { name: 'second', duration: 10, rate: 30 }] },
      'inline',
    );
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 1500);
    const t0 = Date.now();
    const r = await runBench({ target: target(server.url), profile, profileFile: 'inline', timeScale: 1, runId: 'partial', signal: abort.signal });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.partial).toBe(true);
    expect(r.partialReason).toMatch(/first/);
    expect(r.phases.map((p) => [p.name, p.partial])).toEqual([['first', true]]);
    expect(r.totals.requests).toBeGreaterThan(20);
    expect(r.totals.requests).toBeLessThan(100);
    expect(r.invariants.every((i) => i.status === 'skipped')).toBe(true);
    const dir = tempDir('ac-results-');
    const file = await writeResult(r, dir);
    expect(file).toBe(path.join(dir, 'partial', 'external.json'));
    expect((await readResult(file)).partial).toBe(true);
  });

  it('reads the scaling timeline from the local target’s CloudWatch-shaped metrics, through the Target port', async () => {
    server = await startKnownServer();
    const metricsDir = tempDir('ac-metrics-');
    await mkdir(metricsDir, { recursive: true });
    const now = new Date().toISOString();
    const datum = (namespace: string, name: string, max: number, sum: number) =>
      JSON.stringify({ Namespace: namespace, MetricName: name, Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'app' }], Timestamp: now, Period: 60, RealPeriodSeconds: 6, Unit: 'Count', StatisticValues: { SampleCount: 6, Sum: sum, Minimum: 1, Maximum: max }, Source: 'local', TimeScale: 10 });
    await writeFile(path.join(metricsDir, 'metrics.jsonl'), `${datum('AWS/AutoScaling', 'GroupInServiceInstances', 3, 12)}\nnot json\n${datum('AWS/ApplicationELB', 'RequestCount', 99, 1200)}\n`);
    const profile = parseProfile({ name: 's', description: 'd', mix: READ_ONLY, phases: [{ name: 'm', duration: 1, rate: 10 }] }, 'inline');
    const deployment: DeploymentRecord = { model: 'traditional', target: 'local', runId: 'dep1', status: 'deployed', createdAt: now, updatedAt: now, outputs: {}, stateDir: tempDir('ac-state-'), local: { supervisorPid: 1, metricsDir, timeScale: 1 } };
    const local = await targetOf(deployment);
    const r = await runBench({ target: target(server.url, { kind: 'local', metrics: (w) => local.metrics(deployment, w) }), profile, profileFile: 'inline', timeScale: 1, runId: 'scale', invariants: [] });
    expect(r.scalingTimeline.source).toBe('local-metrics');
    expect(r.scalingTimeline.datapoints.map((d) => [d.metric, d.value, d.statistic])).toEqual([
      ['GroupInServiceInstances', 3, 'Maximum'],
      ['RequestCount', 1200, 'Sum'],
    ]);
    expect(r.scalingTimeline.note).toMatch(/1 unreadable/);
  });

  it('an unreachable target is one clear error', async () => {
    const profile = parseProfile({ name: 's', description: 'd', mix: READ_ONLY, phases: [{ name: 'm', duration: 1, rate: 10 }] }, 'inline');
    await expect(runBench({ target: target('http://127.0.0.1:9'), profile, profileFile: 'inline', timeScale: 1, runId: 'x' })).rejects.toThrow(/does not answer/);
  });
});
