import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoadBalancer } from '../../src/local/load-balancer.js';
import { MetricsRecorder } from '../../src/local/metrics.js';
import { freePort, sleep, waitFor } from '../../src/local/processes.js';
import { readRecordedMetrics } from '../support/metrics.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const SERVER = path.join(here, 'fixtures/app-server.mjs');

async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = fork(SERVER, [], { env: { PORT: String(port) }, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  await new Promise((r) => child.once('message', r));
  return { child, port };
}

describe('load balancer (real app processes, real HTTP)', () => {
  let dir: string;
  let metrics: MetricsRecorder;
  let lb: LoadBalancer;
  let servers: Array<{ child: ChildProcess; port: number }>;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ac-lb-'));
    metrics = new MetricsRecorder(dir, 60, 1);
    lb = new LoadBalancer({
      port: await freePort(),
      name: 'test',
      healthCheck: { path: '/health', intervalSeconds: 1, timeoutSeconds: 1, healthyThreshold: 2, unhealthyThreshold: 2 },
      healthIntervalMs: 100,
      healthTimeoutMs: 200,
      deregistrationDelayMs: 2000,
      idleTimeoutMs: 5000,
      metrics,
    });
    await lb.start();
    servers = [await startServer(), await startServer()];
  });
  afterEach(async () => {
    await lb.stop();
    for (const s of servers) s.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  const get = async (p: string, init?: RequestInit) => {
    const res = await fetch(`${lb.url}${p}`, init);
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as { pid: number; echo?: string }) : undefined };
  };

  it('answers 503 with no healthy target, and serves once health checks pass', async () => {
    expect((await get('/x')).status).toBe(503);
    lb.register('a', servers[0]!.port, 2);
    expect(lb.healthy()).toHaveLength(0); // needs two passes
    await waitFor(() => lb.healthy().length === 1, 3000, 'target never healthy');
    const r = await get('/x', { method: 'POST', body: 'hello' });
    expect(r).toMatchObject({ status: 200, body: { pid: servers[0]!.child.pid, echo: 'hello' } });
  });

  it('forwards headers as ALB does: X-Forwarded-* added, hop-by-hop dropped, repeated response headers kept', async () => {
    lb.register('a', servers[0]!.port, 2);
    await waitFor(() => lb.healthy().length === 1, 3000, 'target never healthy');
    const res = await fetch(`${lb.url}/headers`, { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-trace': 'abc', 'proxy-authorization': 'secret' } });
    const { headers } = (await res.json()) as { headers: Record<string, string> };
    expect(headers).toMatchObject({ 'x-forwarded-for': '203.0.113.7, 127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-port': new URL(lb.url).port, 'x-trace': 'abc' });
    expect(headers['proxy-authorization']).toBeUndefined();
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
  });

  it('frees the target as soon as the client goes away mid-response', async () => {
    lb.register('a', servers[0]!.port, 2);
    await waitFor(() => lb.healthy().length === 1, 3000, 'target never healthy');
    const abort = new AbortController();
    const res = await fetch(`${lb.url}/stream?ms=5000`, { signal: abort.signal });
    const reader = res.body!.getReader();
    await reader.read(); // the first chunk came through the proxy
    expect(lb.target('a')!.outstanding).toBe(1);
    abort.abort();
    await waitFor(() => lb.target('a')!.outstanding === 0, 2000, 'the target stayed busy for a client that left');
    expect((await get('/work?ms=1')).status).toBe(200);
  });

  it('routes to the target with the fewest outstanding requests', async () => {
    lb.register('a', servers[0]!.port, 4);
    lb.register('b', servers[1]!.port, 4);
    await waitFor(() => lb.healthy().length === 2, 3000, 'targets never healthy');
    const long = get('/work?ms=800');
    await sleep(100);
    const busyPid = lb.target('a')!.outstanding === 1 ? servers[0]!.child.pid : servers[1]!.child.pid;
    for (let i = 0; i < 3; i++) expect((await get('/work?ms=1')).body!.pid).not.toBe(busyPid);
    expect((await long).status).toBe(200);
  });

  it('limits each target to its vCPU slots, queueing the rest, and reports slot occupancy as CPU', async () => {
    lb.register('a', servers[0]!.port, 1);
    await waitFor(() => lb.healthy().length === 1, 3000, 'target never healthy');
    lb.takeCpuUtilization('a', 1);
    const started = performance.now();
    await Promise.all([get('/work?ms=300'), get('/work?ms=300')]);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(580);
    const cpu = lb.takeCpuUtilization('a', elapsed)!;
    expect(cpu).toBeGreaterThan(85);
  });

  it('takes an unhealthy target out of rotation after the threshold, and routes around a dead one', async () => {
    lb.register('a', servers[0]!.port, 4);
    lb.register('b', servers[1]!.port, 4);
    await waitFor(() => lb.healthy().length === 2, 3000, 'targets never healthy');
    await fetch(`http://127.0.0.1:${servers[0]!.port}/admin/unhealthy`, { method: 'POST' });
    await waitFor(() => lb.target('a')!.health.state === 'unhealthy', 3000, 'never marked unhealthy');
    for (let i = 0; i < 4; i++) expect((await get('/x')).body!.pid).toBe(servers[1]!.child.pid);
    // now kill b: requests refused by a dead process are retried elsewhere or answered 503, never hang
    servers[1]!.child.kill('SIGKILL');
    await sleep(50);
    expect((await get('/x')).status).toBe(503);
  });

  it('retries a request refused by a dead target on a healthy one before health checks notice', async () => {
    lb.register('a', servers[0]!.port, 4);
    lb.register('b', servers[1]!.port, 4);
    await waitFor(() => lb.healthy().length === 2, 3000, 'targets never healthy');
    servers[0]!.child.kill('SIGKILL');
    await sleep(50);
    const results = await Promise.all(Array.from({ length: 10 }, () => get('/x')));
    expect(results.every((r) => r.status === 200 && r.body!.pid === servers[1]!.child.pid)).toBe(true);
  });

  it('drains a deregistered target: in-flight requests finish, new ones go elsewhere', async () => {
    lb.register('a', servers[0]!.port, 4);
    await waitFor(() => lb.healthy().length === 1, 3000, 'target never healthy');
    const inFlight = get('/work?ms=500');
    await sleep(100);
    lb.register('b', servers[1]!.port, 4);
    await waitFor(() => lb.healthy().length === 2, 3000, 'b never healthy');
    const draining = lb.deregister('a');
    expect((await get('/x')).body!.pid).toBe(servers[1]!.child.pid);
    expect((await inFlight).status).toBe(200);
    await draining;
    expect(lb.target('a')).toBeUndefined();
  });

  it('records ALB metrics in CloudWatch shape', async () => {
    lb.register('a', servers[0]!.port, 4);
    await get('/x'); // 503: nothing healthy yet
    await waitFor(() => lb.healthy().length === 1, 3000, 'target never healthy');
    for (let i = 0; i < 5; i++) await get('/x');
    await metrics.flush();
    const data = await readRecordedMetrics(dir);
    const one = (name: string) => data.find((d) => d.Namespace === 'AWS/ApplicationELB' && d.MetricName === name);
    expect(one('RequestCount')?.StatisticValues.Sum).toBe(6);
    expect(one('HTTPCode_Target_2XX_Count')?.StatisticValues.Sum).toBe(5);
    expect(one('HTTPCode_ELB_503_Count')?.StatisticValues.Sum).toBe(1);
    expect(one('TargetResponseTime')).toMatchObject({ Unit: 'Seconds', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/test/local' }] });
    expect(one('TargetResponseTime')!.ExtendedStatistics!.p50).toBeLessThan(0.5);
    expect(one('ProcessedBytes')!.StatisticValues.Sum).toBeGreaterThan(6 * 100);
    expect(one('NewConnectionCount')!.StatisticValues.Sum).toBeGreaterThanOrEqual(1);
  });
});
