import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseLocalNodeRuntime, hostArchitecture, installedNodeRuntime, integrityOf, localNodeRuntime } from '../../src/build/node-runtime.js';
import { NODE_MAJOR } from '../../src/config/stack-config.js';
import { AutoScalingGroup } from '../../src/local/auto-scaling.js';
import { resolveFidelity } from '../../src/local/fidelity.js';
import { LambdaRuntime } from '../../src/local/lambda-runtime.js';
import { LoadBalancer } from '../../src/local/load-balancer.js';
import { MetricsRecorder } from '../../src/local/metrics.js';
import { freePort, waitFor } from '../../src/local/processes.js';
import type { TraditionalTopology } from '../../src/local/topology.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const SERVER = path.join(here, 'fixtures/app-server.mjs');
const HANDLER = path.join(here, 'fixtures/lambda-handler/index.mjs');
const nodeMajor = (version: string) => Number(version.replace(/^v/, '').split('.')[0]);

describe('the Node.js runtime pin', () => {
  it('checks a tarball with the integrity npm itself computes (npm pack of a local folder, no registry)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ac-integrity-'));
    try {
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'integrity-probe', version: '1.0.0' }));
      await writeFile(path.join(dir, 'index.js'), 'module.exports = 1;\n');
      const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: dir }).toString()) as Array<{ filename: string; integrity: string }>;
      expect(await integrityOf(path.join(dir, packed!.filename))).toBe(packed!.integrity);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the Node.js the local target runs', () => {
  it('is the Node.js major AWS runs, installed by the build on a Linux x64 or arm64 machine', () => {
    if (!hostArchitecture()) return;
    expect(installedNodeRuntime(), '`npm run build` installs this machine\'s Node.js for the local target').toBeDefined();
    const local = localNodeRuntime();
    expect(nodeMajor(local.version)).toBe(NODE_MAJOR);
    expect(local.notice).toMatch(new RegExp(`^local instances and Lambda workers run Node\\.js v${NODE_MAJOR}\\.\\d+\\.\\d+ \\(node-linux-(x64|arm64)\\), the major AWS runs$`));
  });

  it('falls back to this Node.js without the package, saying in one line which major runs here and which on AWS', () => {
    const fallback = chooseLocalNodeRuntime(undefined);
    expect(fallback.execPath).toBe(process.execPath);
    expect(fallback.version).toBe(process.version);
    if (nodeMajor(process.version) !== NODE_MAJOR) expect(fallback.notice).toMatch(new RegExp(`^the local target runs Node\\.js ${process.version.replace(/\./g, '\\.')} while AWS runs ${NODE_MAJOR}: `));
    expect(fallback.notice).not.toContain('\n');
  });
});

describe('local Auto Scaling group instances (real processes)', () => {
  let dir: string;
  let metrics: MetricsRecorder;
  let lb: LoadBalancer;
  let asg: AutoScalingGroup;
  const topology: TraditionalTopology = {
    model: 'traditional',
    name: 't',
    instanceType: 't3.small',
    vcpus: 2,
    minSize: 1,
    maxSize: 1,
    desiredCapacity: 1,
    targetCpuPercent: 50,
    instanceWarmupSeconds: 0,
    healthCheckGracePeriodSeconds: 60,
    healthCheck: { path: '/health', intervalSeconds: 1, timeoutSeconds: 1, healthyThreshold: 2, unhealthyThreshold: 2 },
    deregistrationDelaySeconds: 0,
    db: { instanceClass: 'db.t4g.micro', engineVersion: '16', database: 'shop', username: 'shop_admin', maxConnections: 10 },
    loadBalancerName: 't-alb',
    autoScalingGroupName: 't-asg',
    dbInstanceIdentifier: 't-db',
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ac-node-runtime-'));
    metrics = new MetricsRecorder(dir, 60, 1);
    await metrics.start();
    lb = new LoadBalancer({ port: await freePort(), name: 't', healthCheck: topology.healthCheck, healthIntervalMs: 100, healthTimeoutMs: 500, deregistrationDelayMs: 0, idleTimeoutMs: 5000, metrics });
    await lb.start();
    asg = new AutoScalingGroup(topology, lb, { fidelity: resolveFidelity({}), timeScale: 1, metrics, serverEntry: SERVER, nodeExecPath: localNodeRuntime().execPath, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, logsDir: dir });
    asg.start();
  });
  afterAll(async () => {
    await asg?.stop();
    await lb?.stop();
    await metrics?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('run on the local Node.js runtime: the instance reports its process.version', async () => {
    await waitFor(() => lb.healthy().length === 1, 20_000, 'the instance never turned healthy');
    const body = (await (await fetch(`${lb.url}/work`)).json()) as { node: string; pid: number };
    expect(body.node).toBe(localNodeRuntime().version);
    if (hostArchitecture()) expect(nodeMajor(body.node)).toBe(NODE_MAJOR);
    expect(body.pid).toBe(asg.snapshot()[0]!.pid);
  });
});

describe('local Lambda workers (real processes)', () => {
  it('run on the local Node.js runtime, with the execution environment of that major', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ac-node-worker-'));
    const metrics = new MetricsRecorder(dir, 60, 1);
    await metrics.start();
    const node = localNodeRuntime();
    const fn = { id: 'catalog', functionName: 't-catalog', memoryMb: 256, timeoutSeconds: 5, architecture: 'x86_64', provisionedConcurrency: 0, environment: {}, bundle: HANDLER, env: {} } as const;
    const runtime = new LambdaRuntime([fn], { fidelity: resolveFidelity({ coldStartProvisioningMs: [{ maxMemoryMb: 10240, ms: 10 }] }), timeScale: 1, metrics, logsDir: dir, node });
    runtime.start();
    try {
      const outcome = await runtime.invoke('catalog', { rawPath: '/node', queryStringParameters: {} });
      if (outcome.kind !== 'ok') throw new Error(JSON.stringify(outcome));
      const body = JSON.parse((outcome.result as { body: string }).body) as { node: string; executionEnv: string };
      expect(body.node).toBe(node.version);
      expect(body.executionEnv).toBe(`AWS_Lambda_nodejs${nodeMajor(node.version)}.x`);
      if (hostArchitecture()) expect(nodeMajor(body.node)).toBe(NODE_MAJOR);
    } finally {
      await runtime.stop(2000);
      await metrics.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
