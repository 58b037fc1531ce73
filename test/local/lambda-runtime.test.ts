import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localNodeRuntime } from '../../src/build/node-runtime.js';
import { ApiGatewayFront } from '../../src/local/apigw.js';
import { resolveFidelity, type FidelityValues } from '../../src/local/fidelity.js';
import { LambdaRuntime, type LocalFunction } from '../../src/local/lambda-runtime.js';
import { MetricsRecorder } from '../../src/local/metrics.js';
import { freePort, pidAlive, sleep } from '../../src/local/processes.js';
import { LocalQueue } from '../../src/local/sqs.js';
import { parseRouteKey, type ServerlessTopology } from '../../src/local/topology.js';
import { readRecordedMetrics } from '../support/metrics.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const bundle = path.join(here, 'fixtures/lambda-handler/index.mjs');

function fn(id: LocalFunction['id'], extra: Partial<LocalFunction> = {}): LocalFunction {
  return { id, functionName: `t-${id}`, memoryMb: 256, timeoutSeconds: 5, architecture: 'arm64', provisionedConcurrency: 0, environment: {}, bundle, env: {}, ...extra };
}

interface RuntimeRig {
  dir: string;
  fidelity: FidelityValues;
  metrics: MetricsRecorder;
  runtime: LambdaRuntime;
}

/** A started runtime over `functions` in a scratch directory; stopped and removed however `body` ends. */
async function withRuntime(prefix: string, functions: LocalFunction[], overrides: Partial<FidelityValues>, body: (rig: RuntimeRig) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const fidelity = resolveFidelity(overrides);
  const metrics = new MetricsRecorder(dir, 60, 1);
  await metrics.start();
  const runtime = new LambdaRuntime(functions, { fidelity, timeScale: 1, metrics, logsDir: dir, node: localNodeRuntime() });
  runtime.start();
  try {
    await body({ dir, fidelity, metrics, runtime });
  } finally {
    await runtime.stop(2000);
    await metrics.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function topology(throttle = { rateLimit: 10_000, burstLimit: 10_000 }): ServerlessTopology {
  return {
    model: 'serverless',
    name: 't',
    apiName: 't-api',
    stageName: '$default',
    throttle,
    functions: [],
    routes: [parseRouteKey('ANY /catalog/{proxy+}', 'catalog'), parseRouteKey('ANY /users/{proxy+}', 'users'), parseRouteKey('ANY /cart/{proxy+}', 'cart')],
    tables: [],
    queues: { orders: 'o', ordersDlq: 'd', maxReceiveCount: 5, consumerBatchSize: 10, visibilityTimeoutSeconds: 30 },
  };
}

describe('Lambda runtime behind the API-gateway front (real worker processes)', () => {
  let dir: string;
  let metrics: MetricsRecorder;
  let runtime: LambdaRuntime;
  let api: ApiGatewayFront;
  // Init slots out of the way: these cases check AWS's semantics (the machine's limits are tested below).
  const fidelity = resolveFidelity({ environmentIdleReclaimSeconds: 3, coldStartProvisioningMs: [{ maxMemoryMb: 10240, ms: 40 }], localMaxConcurrentInits: 8 });

  const get = async (p: string) => {
    const res = await fetch(`${api.url}${p}`);
    return { status: res.status, cold: res.headers.get('x-archcompare-cold-start'), body: (await res.json()) as { pid: number; served: number; message?: string; memory?: string } };
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ac-lambda-'));
    metrics = new MetricsRecorder(dir, 60, 1);
    await metrics.start();
    runtime = new LambdaRuntime([fn('catalog', { reservedConcurrency: 3 }), fn('users', { timeoutSeconds: 1 }), fn('cart')], { fidelity, timeScale: 1, metrics, logsDir: dir, node: localNodeRuntime() });
    runtime.start();
    api = new ApiGatewayFront(topology(), runtime, { port: await freePort(), fidelity, metrics });
    await api.start();
  });
  afterAll(async () => {
    await api?.stop();
    await runtime?.stop(2000);
    await rm(dir, { recursive: true, force: true });
  });

  it('cold-starts one environment, then reuses it warm', async () => {
    const first = await get('/catalog/a');
    expect(first).toMatchObject({ status: 200, cold: 'true', body: { served: 1, memory: '256' } });
    const second = await get('/catalog/b');
    const third = await get('/catalog/c');
    expect([second.cold, third.cold]).toEqual(['false', 'false']);
    expect(new Set([first.body.pid, second.body.pid, third.body.pid]).size).toBe(1);
    expect(runtime.coldStarts.get('catalog')).toBe(1);
  });

  it('starts more environments under concurrency and throttles above reserved concurrency (API Gateway answers 500)', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => get('/catalog/x?sleep=600')));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    // AWS: "If the Lambda API rejects the invocation request, API Gateway returns a 500 error code".
    expect(results.filter((r) => r.status === 500).map((r) => r.body.message)).toEqual(['Internal Server Error', 'Internal Server Error']);
    expect(new Set(results.filter((r) => r.status === 200).map((r) => r.body.pid)).size).toBe(3);
    // one warm environment existed, so exactly two new cold starts
    expect(runtime.coldStarts.get('catalog')).toBe(3);
    expect(runtime.snapshot().filter((e) => e.function === 'catalog')).toHaveLength(3);
  });

  it('reuses warm environments afterwards: no further cold starts', async () => {
    for (let i = 0; i < 5; i++) expect((await get('/catalog/warm')).cold).toBe('false');
    expect(runtime.coldStarts.get('catalog')).toBe(3);
  });

  it('answers an error when the worker dies mid-request, and the next request succeeds on a new environment', async () => {
    const pending = get('/cart/slow?sleep=3000');
    let victim: number | undefined;
    for (let i = 0; i < 100 && !victim; i++) {
      await sleep(50);
      victim = runtime.snapshot().find((e) => e.function === 'cart' && e.state === 'busy')?.pid;
    }
    expect(victim).toBeDefined();
    process.kill(victim!, 'SIGKILL');
    const failed = await pending;
    expect(failed.status).toBe(500);
    expect(failed.body.message).toBe('Internal Server Error');
    const next = await get('/cart/again');
    expect(next).toMatchObject({ status: 200, cold: 'true' });
    expect(next.body.pid).not.toBe(victim);
  });

  it('kills an environment that exceeds the function timeout', async () => {
    const warm = await get('/users/warm');
    const timedOut = await get('/users/slow?sleep=1500');
    expect(timedOut.status).toBe(500);
    await sleep(100);
    expect(pidAlive(warm.body.pid)).toBe(false);
  });

  it('reclaims idle environments after the modelled idle time', async () => {
    await get('/catalog/r');
    const pids = runtime.snapshot().filter((e) => e.function === 'catalog').map((e) => e.pid!);
    expect(pids.length).toBeGreaterThan(0);
    await sleep(4300); // idle 3 s + up to one sweep interval (750 ms)
    expect(runtime.snapshot().filter((e) => e.function === 'catalog')).toHaveLength(0);
    for (const pid of pids) expect(pidAlive(pid)).toBe(false);
    expect((await get('/catalog/after')).cold).toBe('true');
  });

  it('writes CloudWatch-shaped Lambda and API Gateway metrics', async () => {
    await metrics.flush();
    const data = await readRecordedMetrics(dir);
    const sum = (ns: string, name: string, dim?: string) =>
      data.filter((d) => d.Namespace === ns && d.MetricName === name && (!dim || d.Dimensions.some((x) => x.Value === dim))).reduce((s, d) => s + d.StatisticValues.Sum, 0);
    expect(sum('AWS/Lambda', 'Throttles', 't-catalog')).toBe(2);
    expect(sum('AWS/Lambda', 'Invocations', 't-catalog')).toBe(3 + 3 + 5 + 2);
    expect(data.find((d) => d.Namespace === 'LambdaInsights' && d.MetricName === 'init_duration')?.StatisticValues.SampleCount).toBeGreaterThanOrEqual(4);
    // The two Lambda throttles are API Gateway 5xx (500), beside the two function errors; nothing is a 4xx.
    expect(sum('AWS/ApiGateway', '4xx')).toBe(0);
    expect(sum('AWS/ApiGateway', '5xx')).toBe(4);
    const duration = data.find((d) => d.MetricName === 'Duration' && d.Dimensions[0]?.Value === 't-catalog');
    expect(duration?.ExtendedStatistics?.p95).toBeGreaterThan(500);
  });
});

describe("this machine's limits: init slots and the environment ceiling", () => {
  const sumOf = (data: Awaited<ReturnType<typeof readRecordedMetrics>>, name: string) => data.filter((d) => d.MetricName === name).reduce((s, d) => s + d.StatisticValues.Sum, 0);

  it('runs one Init at a time and lets a waiting invocation take an environment that turns idle', async () => {
    const overrides = { localMaxConcurrentInits: 1, coldStartProvisioningMs: [{ maxMemoryMb: 10240, ms: 0 }] };
    await withRuntime('ac-slots-', [fn('catalog', { env: { INIT_DELAY_MS: '400' } })], overrides, async ({ dir, metrics, runtime }) => {
      let maxInitializing = 0;
      const sampler = setInterval(() => {
        maxInitializing = Math.max(maxInitializing, runtime.snapshot().filter((e) => e.state === 'initializing').length);
      }, 5);
      try {
        const outcomes = await Promise.all(Array.from({ length: 6 }, () => runtime.invoke('catalog', { rawPath: '/x', queryStringParameters: { sleep: '20' } })));
        expect(outcomes.map((o) => o.kind)).toEqual(Array(6).fill('ok'));
        expect(maxInitializing).toBe(1);
        // Six invocations, but Inits queue behind one slot while a 20 ms invocation frees its environment.
        const cold = runtime.coldStarts.get('catalog')!;
        expect(cold).toBeGreaterThanOrEqual(1);
        expect(cold).toBeLessThan(6);
        expect(outcomes.filter((o) => o.kind === 'ok' && o.coldStart)).toHaveLength(cold);
        expect(runtime.snapshot()).toHaveLength(cold);
        await metrics.flush();
        const data = await readRecordedMetrics(dir);
        expect(sumOf(data, 'LocalInitSlotWaits')).toBe(5);
        expect(sumOf(data, 'LocalInitSlotSwitches')).toBe(6 - cold);
      } finally {
        clearInterval(sampler);
      }
    });
  });

  it('at the environment ceiling, waits for its own environment rather than evicting; a function with none evicts an idle one', async () => {
    const overrides = { localMaxEnvironments: 2, localMaxConcurrentInits: 4, coldStartProvisioningMs: [{ maxMemoryMb: 10240, ms: 0 }] };
    await withRuntime('ac-ceiling-', [fn('catalog'), fn('users'), fn('cart')], overrides, async ({ dir, metrics, runtime }) => {
      const call = async (id: 'catalog' | 'users' | 'cart', sleepMs = 0) => {
        const o = await runtime.invoke(id, { rawPath: '/x', queryStringParameters: sleepMs ? { sleep: String(sleepMs) } : {} });
        if (o.kind !== 'ok') throw new Error(JSON.stringify(o));
        return (JSON.parse((o.result as { body: string }).body) as { pid: number }).pid;
      };
      const usersPid = await call('users');
      const catalogPid = await call('catalog');
      // catalog busy for 400 ms; a second catalog invocation waits for it instead of evicting users' idle environment
      const [first, second] = await Promise.all([call('catalog', 400), (async () => (await sleep(50), call('catalog')))()]);
      expect([first, second]).toEqual([catalogPid, catalogPid]);
      expect(runtime.coldStarts.get('catalog')).toBe(1);
      expect(pidAlive(usersPid)).toBe(true);
      // cart has no environment: it takes the least recently used idle one (users')
      await call('cart');
      await sleep(100);
      expect(pidAlive(usersPid)).toBe(false);
      expect(runtime.snapshot().map((e) => e.function).sort()).toEqual(['cart', 'catalog']);
      await metrics.flush();
      expect(sumOf(await readRecordedMetrics(dir), 'LocalEnvironmentWaits')).toBeGreaterThanOrEqual(1);
    });
  });
});

describe('API-gateway throttling', () => {
  it('answers 429 beyond the burst, at the stage rate', async () => {
    await withRuntime('ac-throttle-', [fn('catalog')], {}, async ({ fidelity, metrics, runtime }) => {
      const api = new ApiGatewayFront(topology({ rateLimit: 0.01, burstLimit: 4 }), runtime, { port: await freePort(), fidelity, metrics });
      await api.start();
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) statuses.push((await fetch(`${api.url}/catalog/t`)).status);
        expect(statuses.filter((s) => s === 200)).toHaveLength(4);
        expect(statuses.filter((s) => s === 429)).toHaveLength(4);
        expect((await fetch(`${api.url}/unknown`)).status).toBe(429); // throttling precedes routing
      } finally {
        await api.stop();
      }
    });
  });
});

describe('CPU share by memory size', () => {
  it('stretches the CPU time an invocation used to the vCPU share of its memory size', async () => {
    await withRuntime('ac-cpu-', [fn('catalog', { memoryMb: 442 }), fn('users', { memoryMb: 1769 })], {}, async ({ runtime }) => {
      const spin = async (id: 'catalog' | 'users') => {
        await runtime.invoke(id, { rawPath: '/warm' });
        const o = await runtime.invoke(id, { rawPath: '/spin', queryStringParameters: { spin: '40' } });
        if (o.kind !== 'ok') throw new Error(JSON.stringify(o));
        return o.durationMs;
      };
      const full = await spin('users'); // one full vCPU: no stretch
      const quarter = await spin('catalog'); // 442 MB = a quarter of a vCPU: about 4x
      expect(full).toBeLessThan(120);
      expect(quarter).toBeGreaterThan(150);
      expect(quarter / full).toBeGreaterThan(2.5);
    });
  });
});

describe('provisioned concurrency and the orders queue', () => {
  it('serves from provisioned environments without a cold start on the request path and keeps them past idle reclaim', async () => {
    await withRuntime('ac-prov-', [fn('catalog', { provisionedConcurrency: 2 })], { environmentIdleReclaimSeconds: 0.3 }, async ({ runtime }) => {
      expect(await runtime.prewarm()).toBe(2);
      await sleep(600);
      expect(runtime.snapshot().filter((e) => e.provisioned)).toHaveLength(2);
      const o = await runtime.invoke('catalog', { rawPath: '/x' });
      expect(o.kind).toBe('ok');
      expect(runtime.coldStarts.get('catalog') ?? 0).toBe(0);
    });
  });

  it('delivers queue messages in batches, keeps reported failures, and moves them to the DLQ after maxReceiveCount', async () => {
    await withRuntime('ac-sqs-', [fn('orders-consumer')], {}, async ({ metrics, runtime }) => {
      const queue = new LocalQueue({ name: 'q', dlqName: 'q-dlq', maxReceiveCount: 2, batchSize: 10, visibilityTimeoutMs: 150, pollIntervalMs: 20 }, { port: await freePort(), region: 'us-east-1', metrics, runtime });
      await queue.start();
      try {
        const send = async (body: string) => {
          const res = await fetch(queue.endpoint, { method: 'POST', headers: { 'x-amz-target': 'AmazonSQS.SendMessage', 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify({ QueueUrl: queue.url(), MessageBody: body }) });
          return (await res.json()) as { MessageId: string; MD5OfMessageBody: string };
        };
        const ok = await send('ok');
        expect(ok.MD5OfMessageBody).toBe('444bcb3a3fcf8389296c49467f27e1d6');
        await send('fail');
        await waitForDepth(() => queue.depth('q-dlq').visible === 1);
        expect(queue.depth()).toEqual({ visible: 0, inFlight: 0 });
      } finally {
        await queue.stop();
      }
    });
  });
});

async function waitForDepth(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await sleep(50);
  expect(check()).toBe(true);
}
