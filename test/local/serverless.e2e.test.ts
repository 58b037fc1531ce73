import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_FUNCTIONS } from '../../src/architecture/system.js';
import { formatLocalStatus, injectLocalFault } from '../../src/local/index.js';
import { runBench } from '../../src/bench/harness.js';
import { parseProfile } from '../../src/bench/profiles.js';
import { waitFor } from '../../src/local/processes.js';
import { readRecordedMetrics } from '../support/metrics.js';
import { client, deployFromStack, destroyLocal, expectNothingLeft, footprint, localStatus, shopJourney } from './support.js';

describe('serverless model deployed locally', () => {
  let d: Awaited<ReturnType<typeof deployFromStack>>;
  const coldHeaders: string[] = [];

  beforeAll(async () => {
    d = await deployFromStack('serverless', { serverless: { reservedConcurrency: 4 } });
  });
  afterAll(async () => {
    if (d) await destroyLocal(d.rec);
    if (d) await rm(d.root, { recursive: true, force: true });
  });

  it('is configured from the stack and serves the shop journey through the API-gateway front', async () => {
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(d.progress.join('\n')).toMatch(/seeded 60 products/);
    const health = await client(d.url)('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.headers.get('x-archcompare-cold-start')).toBe('true');
    coldHeaders.push('true');
    await shopJourney(d.url);
    expect((await client(d.url)('GET', '/no-such-route')).body).toEqual({ message: 'Not Found' });
  });

  it('starts more environments under concurrency, throttles above reserved concurrency, and counts cold starts exactly', async () => {
    const before = await localStatus(d.rec);
    const catalogEnvsBefore = before.environments!.filter((e) => e.function === 'catalog').length;
    const call = client(d.url);
    const burst = await Promise.all(Array.from({ length: 10 }, () => call('GET', '/products?pageSize=50')));
    const ok = burst.filter((r) => r.status === 200);
    // A Lambda throttle reaches the client as API Gateway's 500 (services-apigateway-errors.html).
    const throttled = burst.filter((r) => r.status === 500);
    expect(ok.length + throttled.length).toBe(10);
    expect(ok.length).toBeGreaterThanOrEqual(4);
    const after = await localStatus(d.rec);
    const catalogEnvs = after.environments!.filter((e) => e.function === 'catalog').length;
    expect(catalogEnvs).toBeGreaterThan(catalogEnvsBefore);
    expect(catalogEnvs).toBeLessThanOrEqual(4);
    // cold starts seen by clients on this burst = new environments the runtime started
    const coldSeen = ok.filter((r) => r.headers.get('x-archcompare-cold-start') === 'true').length;
    expect(coldSeen).toBe((after.coldStarts!.catalog ?? 0) - (before.coldStarts!.catalog ?? 0));
    // warm reuse: sequential requests start nothing new
    for (let i = 0; i < 5; i++) expect((await call('GET', '/products?pageSize=5')).headers.get('x-archcompare-cold-start')).toBe('false');
    const final = await localStatus(d.rec);
    expect(final.coldStarts!.catalog).toBe(after.coldStarts!.catalog);
    const lines = formatLocalStatus(final).join('\n');
    expect(lines).toMatch(/serverless: running at http/);
    expect(lines).toMatch(new RegExp(`cold starts: .*catalog ${final.coldStarts!.catalog}`));
    expect(lines).toMatch(/environments: .*catalog \d+ \(\d+ busy, \d+ idle\)/);
  });

  it('the bench harness counts exactly the cold starts the runtime started', async () => {
    // Let every environment of the API's functions be reclaimed (10 modelled minutes idle = 10 s at time
    // scale 60), so the run below must start new ones. The scheduled sweeper's runs keep its own warm.
    const http = new Set<string>(HTTP_FUNCTIONS.map((f) => f.id));
    await waitFor(async () => (await localStatus(d.rec)).environments!.filter((e) => http.has(e.function)).length === 0, 20_000, 'environments were never reclaimed');
    // HTTP-invoked functions only: the queue consumer's cold starts never reach a client.
    const httpColdStarts = async () => Object.entries((await localStatus(d.rec)).coldStarts ?? {}).reduce((sum, [fn, n]) => (fn === 'orders-consumer' ? sum : sum + n), 0);
    let before = 0;
    const profile = parseProfile(
      { name: 'cold', description: 'd', mix: { browse: 2, viewProduct: 1, search: 1, addToCart: 1 }, thinkTime: { min: '0s', max: '0s' }, warmup: { duration: '1s', rate: 5 }, phases: [{ name: 'burst', duration: 2, rate: 40 }] },
      'inline',
    );
    const r = await runBench({
      target: { model: 'serverless', kind: 'url', url: d.url },
      profile,
      profileFile: 'inline',
      timeScale: 1,
      runId: 'cold-count',
      invariants: [],
      beforePhases: async () => {
        before = await httpColdStarts();
      },
    });
    const started = (await httpColdStarts()) - before;
    expect(started).toBeGreaterThan(0);
    expect(r.phases.reduce((sum, p) => sum + p.totals.coldStarts.count, 0)).toBe(started);
  });

  it('ships a paid order through the orders queue and the consumer function (event source mapping)', async () => {
    const { token, orderId } = await shopJourney(d.url);
    const call = client(d.url);
    let status = '';
    for (let i = 0; i < 40 && status !== 'shipped'; i++) {
      status = (await call('GET', `/orders/${orderId}`, undefined, token)).body.order.status;
      if (status !== 'shipped') await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe('shipped');
    const st = await localStatus(d.rec);
    expect(st.coldStarts!['orders-consumer']).toBeGreaterThanOrEqual(1);
  });

  it('ships a paid order whose queue send failed through the scheduled shipment sweeper, once', async () => {
    // The stack's rule, time-scaled: rate(1 minute) is a run a second at time scale 60.
    expect(d.progress.join('\n')).toMatch(/scheduled rule \S+-shipment-sweeper: shipment-sweeper rate\(1 minute\) \(every 1000 ms here\)/);
    await injectLocalFault(d.rec, 'orders-queue-outage');
    let placed: { token: string; orderId: string };
    try {
      placed = await shopJourney(d.url);
    } finally {
      await injectLocalFault(d.rec, 'orders-queue-restored');
    }
    const call = client(d.url);
    let status = '';
    for (let i = 0; i < 60 && status !== 'shipped'; i++) {
      status = (await call('GET', `/orders/${placed.orderId}`, undefined, placed.token)).body.order.status;
      if (status !== 'shipped') await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe('shipped');
    // No message ever reached the queue: the sweeper shipped it, and named it once in its log.
    const sweeperLog = await readFile(path.join(d.local.logsDir, 'lambda-shipment-sweeper.log'), 'utf8');
    expect(sweeperLog.split(placed.orderId).length - 1).toBe(1);
    const orders = await readFile(path.join(d.local.logsDir, 'lambda-orders.log'), 'utf8');
    expect(orders).toMatch(new RegExp(`could not enqueue order-placed for ${placed.orderId}`));
    // A run that fails (a timeout on a loaded machine) is made good by the next one, as on AWS.
    const schedules = (await localStatus(d.rec)).snapshot!.schedules as Array<{ fn: string; runs: number; failures: number }>;
    expect(schedules).toEqual([expect.objectContaining({ fn: 'shipment-sweeper' })]);
    expect(schedules[0]!.runs - schedules[0]!.failures).toBeGreaterThanOrEqual(1);
    expect(formatLocalStatus(await localStatus(d.rec)).join('\n')).toMatch(/schedule \S+-shipment-sweeper: shipment-sweeper rate\(1 minute\), \d+ run\(s\)/);
  });

  it('writes Lambda, API Gateway and DynamoDB metrics in CloudWatch shape', async () => {
    // one modelled minute is one real second at time scale 60
    await new Promise((r) => setTimeout(r, 1300));
    const data = await readRecordedMetrics(d.local.metricsDir);
    const names = new Set(data.map((x) => `${x.Namespace}/${x.MetricName}`));
    for (const n of ['AWS/ApiGateway/Count', 'AWS/ApiGateway/Latency', 'AWS/Lambda/Invocations', 'AWS/Lambda/Duration', 'AWS/Lambda/ConcurrentExecutions', 'LambdaInsights/init_duration', 'AWS/DynamoDB/ConsumedReadCapacityUnits', 'AWS/DynamoDB/ConsumedWriteCapacityUnits', 'AWS/SQS/NumberOfMessagesSent', 'AWS/SQS/NumberOfMessagesDeleted', 'archcompare/Local/MachineCPUUtilization'])
      expect(names, n).toContain(n);
    expect(data.every((x) => x.TimeScale === 60 && x.Period === 60 && x.Source === 'local')).toBe(true);
  });

  it('destroy stops every process and frees every port and directory', async () => {
    const fp = await footprint(d.stateDir);
    expect(fp.pids.length).toBeGreaterThanOrEqual(5);
    await destroyLocal(d.rec);
    await expectNothingLeft(fp);
    expect((await localStatus(d.rec)).state).toBe('stopped');
    await destroyLocal(d.rec); // idempotent
  });
});
