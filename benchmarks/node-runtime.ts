/**
 * Does running the local target on Node.js 22 (the major AWS runs) cost more than it gives? Measures,
 * for this process's Node.js and for the Node.js 22 binary the build installs (src/build/node-runtime.ts):
 *  - a Lambda worker's cold start: process spawn → Init of the real catalog bundle → first response,
 *    through the local target's own worker (dist/src/local/lambda-worker.js);
 *  - a server instance's cold start: process spawn → /health answering 200, the real server bundle over
 *    a real PostgreSQL (its migrations already applied, as for every instance after the first);
 * and the disk the Node.js 22 runtime adds. Run: `npx tsx benchmarks/node-runtime.ts [--runs 5]`.
 * Target: Node.js 22 starts no slower than 1.25 × this Node's time + 25 ms (median of each).
 */
import { fork, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACTS_DIR, PACKAGE_ROOT } from '../src/build/artifacts.js';
import { hostArchitecture, installNodeRuntime } from '../src/build/node-runtime.js';
import { unpackLambda, unpackServer } from '../src/local/code.js';
import { startTestPostgres } from '../test/app/harness/postgres.js';
import { apiGatewayV2Event, stopProcess } from '../test/app/harness/runtimes.js';
import { verdict } from './support.js';

const argAt = process.argv.indexOf('--runs');
const RUNS = argAt >= 0 ? Number(process.argv[argAt + 1]) : 5;
const WORKER = path.join(PACKAGE_ROOT, 'dist', 'src', 'local', 'lambda-worker.js');
const JWT_SECRET = 'benchmark-secret-0123456789abcdef-xyz';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const bytesUnder = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? bytesUnder(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size), 0);

/** Spawn → ready (Init done) → first invocation answered, through the local target's worker protocol. */
async function lambdaColdStartMs(execPath: string, bundle: string): Promise<number> {
  const t0 = performance.now();
  const child = fork(WORKER, [bundle], {
    execPath,
    // Not this process's flags (`npm run bench` runs it under --import tsx, which the bundle's folder cannot resolve).
    execArgv: [],
    cwd: path.dirname(bundle),
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', TABLE_PRODUCTS: 'products', JWT_SECRET, AWS_LAMBDA_FUNCTION_NAME: 'bench-catalog' },
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    serialization: 'json',
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('message', (m: { type: string; result?: { statusCode: number } }) => {
        if (m.type === 'ready') child.send({ type: 'invoke', id: 'bench', event: apiGatewayV2Event('GET', '/health', '', {}), deadline: Date.now() + 10_000 });
        else if (m.type === 'result' && m.result?.statusCode === 200) resolve(performance.now() - t0);
        else reject(new Error(`worker answered ${JSON.stringify(m)}`));
      });
      child.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
    });
  } finally {
    child.kill('SIGKILL');
  }
}

/** Spawn → GET /health answers 200, polling every 5 ms as a fast load balancer would. */
async function serverColdStartMs(execPath: string, entry: string, env: Record<string, string>): Promise<number> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const t0 = performance.now();
  const child = spawn(execPath, [entry], { cwd: path.dirname(path.dirname(entry)), env: { PATH: process.env.PATH, ...env, JWT_SECRET, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'ignore' });
  try {
    for (const until = t0 + 30_000; performance.now() < until; ) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
      if (ok) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('server never answered /health within 30 s');
  } finally {
    await stopProcess(child);
  }
}

const arch = hostArchitecture();
if (!arch) {
  console.log(`no Node.js package for ${process.platform}-${process.arch}: nothing to compare`);
  process.exit(0);
}
const node22 = await installNodeRuntime(arch, (line) => console.log(line));
const binaries = [
  { label: `this Node.js ${process.version}`, execPath: process.execPath },
  { label: `Node.js ${node22.version} (${node22.packageName})`, execPath: node22.binary },
];
const work = await mkdtemp(path.join(os.tmpdir(), 'archcompare-node-bench-'));
const db = await startTestPostgres();
try {
  const bundle = await unpackLambda(ARTIFACTS_DIR, 'catalog', path.join(work, 'catalog'));
  const entry = await unpackServer(ARTIFACTS_DIR, path.join(work, 'server'));
  await serverColdStartMs(process.execPath, entry, db.env); // applies the migrations once
  const figures: Record<string, { lambda: number; server: number }> = {};
  // Interleaved, so a burst of load on this shared machine hits both binaries alike.
  const samples = new Map(binaries.map((b) => [b.label, { lambda: [] as number[], server: [] as number[] }]));
  for (let i = 0; i < RUNS; i++) {
    for (const b of binaries) {
      samples.get(b.label)!.lambda.push(await lambdaColdStartMs(b.execPath, bundle));
      samples.get(b.label)!.server.push(await serverColdStartMs(b.execPath, entry, db.env));
    }
  }
  for (const b of binaries) {
    const s = samples.get(b.label)!;
    figures[b.label] = { lambda: median(s.lambda), server: median(s.server) };
    console.log(`${b.label.padEnd(40)} Lambda worker spawn → first response: median ${median(s.lambda).toFixed(0)} ms (${s.lambda.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`${''.padEnd(40)} server instance spawn → healthy:      median ${median(s.server).toFixed(0)} ms (${s.server.map((x) => x.toFixed(0)).join(', ')})`);
  }
  const installed = bytesUnder(path.dirname(path.dirname(node22.binary)));
  console.log(`Node.js ${node22.version} runtime on disk: ${(installed / 2 ** 20).toFixed(1)} MiB (${path.relative(PACKAGE_ROOT, path.dirname(path.dirname(node22.binary)))})`);
  const [base, next] = binaries.map((b) => figures[b.label]!);
  const ok = (k: 'lambda' | 'server') => next![k] <= 1.25 * base![k] + 25;
  console.log(`Node.js 22 cold starts within 1.25 × + 25 ms of this Node's: Lambda ${verdict(ok('lambda'))}, server ${verdict(ok('server'))}`);
  process.exitCode = ok('lambda') && ok('server') ? 0 : 1;
} finally {
  await db.stop();
  await rm(work, { recursive: true, force: true });
}
