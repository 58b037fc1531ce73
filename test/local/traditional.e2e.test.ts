import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocalStatus, injectLocalFault } from '../../src/local/index.js';
import { sleep, waitFor } from '../../src/local/processes.js';
import { readRecordedMetrics } from '../support/metrics.js';
import { client, deployFromStack, destroyLocal, expectNothingLeft, footprint, localStatus, shopJourney } from './support.js';

/** A closed-loop load of `concurrency` clients for `ms` (bounded in time); returns status counts. */
async function sustain(url: string, concurrency: number, ms: number, p = '/products?pageSize=20'): Promise<Record<number, number>> {
  const until = Date.now() + ms;
  const counts: Record<number, number> = {};
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const res = await fetch(url + p).catch(() => undefined);
        const s = res?.status ?? 0;
        await res?.arrayBuffer();
        counts[s] = (counts[s] ?? 0) + 1;
      }
    }),
  );
  return counts;
}

describe('traditional model deployed locally', () => {
  let d: Awaited<ReturnType<typeof deployFromStack>>;
  /** When the scale-out test's sustained load ran (epoch ms), for the CPU metrics' test. */
  let loadWindow: { from: number; to: number } | undefined;

  beforeAll(async () => {
    // t3.micro: 2 vCPU slots per instance; time scale 60: a modelled minute per second.
    d = await deployFromStack('traditional', {
      traditional: { instanceType: 't3.micro', minInstances: 1, desiredInstances: 2, maxInstances: 3, targetCpuPercent: 50, instanceWarmupSeconds: 60, healthCheckIntervalSeconds: 5 },
    });
  });
  afterAll(async () => {
    if (d) await destroyLocal(d.rec);
    if (d) await rm(d.root, { recursive: true, force: true });
  });

  it('serves the shop journey through the load balancer, from the stack’s sizes', async () => {
    const st = await localStatus(d.rec);
    expect(st.state).toBe('running');
    expect(st.instances).toHaveLength(2);
    expect(st.snapshot).toMatchObject({ minSize: 1, maxSize: 3, db: { maxConnections: 112, source: 'embedded' } });
    expect(formatLocalStatus(st).join('\n')).toMatch(/instances: \d in service, desired 2 \(min 1, max 3\)/);
    // The instances run the major AWS runs (the build installed its binary for this machine).
    expect(formatLocalStatus(st).join('\n')).toMatch(/\n  node: local instances and Lambda workers run Node\.js v22\.\d+\.\d+ \(node-linux-(x64|arm64)\), the major AWS runs\n/);
    await shopJourney(d.url);
  });

  it('routes around a killed instance under load, replaces it, and loses no accepted order', async () => {
    const call = client(d.url);
    const { token } = await shopJourney(d.url);
    const page = await call('GET', '/products?pageSize=20');
    // The product with the most stock: every iteration orders one unit, and running out would be a 409
    // that says nothing about the killed instance.
    const product = page.body.items.reduce((a: { stock: number }, b: { stock: number }) => (b.stock > a.stock ? b : a));
    const iterations = Math.min(product.stock - 1, 150);
    await waitFor(async () => ((await localStatus(d.rec)).instances ?? []).filter((i) => i.health === 'healthy').length === 2, 20_000, 'two healthy instances');
    const victim = (await localStatus(d.rec)).instances!.find((i) => i.health === 'healthy')!;
    const accepted: string[] = [];
    const failures: number[] = [];
    const until = Date.now() + 10_000;
    let killed = false;
    for (let i = 0; i < iterations && Date.now() < until; i++) {
      if (i === Math.floor(iterations / 4)) {
        process.kill(victim.pid!, 'SIGKILL');
        killed = true;
      }
      await call('POST', '/cart/items', { productId: product.id, quantity: 1 }, token);
      const order = await call('POST', '/orders', undefined, token);
      if (order.status === 201) accepted.push(order.body.order.id);
      else failures.push(order.status);
    }
    expect(killed).toBe(true);
    expect(accepted.length).toBeGreaterThan(5);
    // at most the requests in flight on the killed process fail; the rest are routed around it
    expect(failures.length, `order statuses other than 201: ${failures.join(', ')}`).toBeLessThanOrEqual(2);
    for (const id of accepted) expect((await call('GET', `/orders/${id}`, undefined, token)).status).toBe(200);
    // the unhealthy instance is replaced (after health checks and the modelled launch delay)
    await waitFor(
      async () => {
        const insts = (await localStatus(d.rec)).instances ?? [];
        return !insts.some((i) => i.id === victim.id) && insts.filter((i) => i.health === 'healthy').length >= 2;
      },
      20_000,
      'the killed instance was never replaced',
    );
    expect((await localStatus(d.rec)).activities!.some((a) => a.reason.includes(victim.id))).toBe(true);
  });

  it('recovers from a database restart', async () => {
    const before = await client(d.url)('GET', '/products?pageSize=3');
    expect(before.status).toBe(200);
    await injectLocalFault(d.rec, 'db-restart');
    let ok = false;
    for (let i = 0; i < 20 && !ok; i++) {
      ok = (await client(d.url)('GET', '/products?pageSize=3')).status === 200;
      if (!ok) await sleep(250);
    }
    expect(ok).toBe(true);
    await shopJourney(d.url);
    expect(((await localStatus(d.rec)).snapshot as { db: { restarts: number } }).db.restarts).toBe(1);
  });

  it('scales out under sustained load above capacity (after the modelled delays) and back in', async () => {
    const start = (await localStatus(d.rec)).desiredCapacity!;
    const from = Date.now();
    const load = sustain(d.url, 8, 14_000);
    await waitFor(async () => (await localStatus(d.rec)).desiredCapacity! > start || start === 3, 14_000, 'never scaled out');
    await waitFor(async () => ((await localStatus(d.rec)).instances ?? []).filter((i) => i.state === 'in-service').length === 3, 14_000, 'new instances never in service');
    const counts = await load;
    loadWindow = { from, to: Date.now() };
    expect(counts[200]).toBeGreaterThan(100);
    expect(Object.keys(counts).filter((s) => s !== '200')).toEqual([]);
    // no load: 15 low periods (15 s here), then scale in to min
    await waitFor(async () => (await localStatus(d.rec)).desiredCapacity === 1, 40_000, 'never scaled in', 500);
    await waitFor(async () => ((await localStatus(d.rec)).instances ?? []).length === 1, 15_000, 'instances never terminated', 250);
    const acts = (await localStatus(d.rec)).activities!.map((a) => `${a.from}->${a.to}`);
    expect(acts.some((a) => Number(a.split('->')[1]) > Number(a.split('->')[0]))).toBe(true);
    expect(acts.at(-1)!.endsWith('->1')).toBe(true);
  }, 120_000);

  it('writes ALB, Auto Scaling, EC2 and RDS metrics in CloudWatch shape', async () => {
    await sleep(1200);
    const data = await readRecordedMetrics(d.local.metricsDir);
    const names = new Set(data.map((x) => `${x.Namespace}/${x.MetricName}`));
    for (const n of ['AWS/ApplicationELB/RequestCount', 'AWS/ApplicationELB/TargetResponseTime', 'AWS/ApplicationELB/HTTPCode_Target_2XX_Count', 'AWS/AutoScaling/GroupInServiceInstances', 'AWS/EC2/CPUUtilization', 'AWS/RDS/DatabaseConnections'])
      expect(names, n).toContain(n);
    const inService = data.filter((x) => x.MetricName === 'GroupInServiceInstances').map((x) => x.StatisticValues.Maximum);
    expect(Math.max(...inService)).toBe(3);
  });

  it('publishes the real CPU of the PostgreSQL server and of each instance, and both move with load', async () => {
    const data = await readRecordedMetrics(d.local.metricsDir);
    const instanceIds = new Set(data.filter((x) => x.MetricName === 'CPUUtilization' && x.Namespace === 'AWS/EC2').flatMap((x) => x.Dimensions.filter((dim) => dim.Name === 'InstanceId').map((dim) => dim.Value)));
    const dbCpu = data.filter((x) => x.Namespace === 'AWS/RDS' && x.MetricName === 'CPUUtilization');
    const processCpu = data.filter((x) => x.Namespace === 'archcompare/Local' && x.MetricName === 'ProcessCPUUtilization');
    // The DB instance's dimensions are those of its DatabaseConnections datapoints.
    const dbDimensions = data.find((x) => x.MetricName === 'DatabaseConnections')!.Dimensions;
    expect(dbDimensions.map((dim) => dim.Name)).toEqual(['DBInstanceIdentifier']);
    expect(dbCpu.length).toBeGreaterThan(0);
    expect(dbCpu.every((x) => x.Unit === 'Percent' && JSON.stringify(x.Dimensions) === JSON.stringify(dbDimensions))).toBe(true);
    expect(processCpu.length).toBeGreaterThan(0);
    expect(processCpu.every((x) => x.Unit === 'Percent' && instanceIds.has(x.Dimensions.find((dim) => dim.Name === 'InstanceId')?.Value ?? ''))).toBe(true);
    // Per period, the DB's share and the instances' summed shares: under the sustained load, and once it
    // had ended (the scale-in wait that followed it was idle).
    const { from, to } = loadWindow!;
    const perPeriod = (series: typeof data) => {
      const sums = new Map<string, number>();
      for (const x of series) sums.set(x.Timestamp, (sums.get(x.Timestamp) ?? 0) + x.StatisticValues.Sum / x.StatisticValues.SampleCount);
      const mean = (keep: (t: number) => boolean) => {
        const v = [...sums].filter(([ts]) => keep(Date.parse(ts))).map(([, value]) => value);
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
      };
      return { loaded: mean((t) => t >= from + 2000 && t < to - 1000), idle: mean((t) => t >= to + 3000) };
    };
    const db = perPeriod(dbCpu);
    const instances = perPeriod(processCpu);
    expect(db.loaded, `RDS CPUUtilization ${JSON.stringify(db)}`).toBeGreaterThan(Math.max(1, 3 * db.idle));
    expect(instances.loaded, `ProcessCPUUtilization ${JSON.stringify(instances)}`).toBeGreaterThan(Math.max(2, 3 * instances.idle));
  });

  it('destroy stops every process and frees every port and directory', async () => {
    const fp = await footprint(d.stateDir);
    await destroyLocal(d.rec);
    await expectNothingLeft(fp);
  });
});
