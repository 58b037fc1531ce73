/**
 * Generator ceiling: the bench harness's maximum request rate against a trivial local HTTP server,
 * versus wrk (Debian package) and plain autocannon against the same server in the same run. Target:
 * harness >= 0.8 x wrk with one autocannon worker. The tools run in interleaved rounds and each keeps its
 * best run (on a shared machine the least disturbed one).
 * Run: npx tsx benchmarks/generator-ceiling.ts [seconds] [connections] [rounds]
 */
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import os from 'node:os';
import autocannon from 'autocannon';
import { runBench } from '../src/bench/harness.js';
import { parseProfile } from '../src/bench/profiles.js';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 50);
const rounds = Number(process.argv[4] ?? 5);

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ status: 'ok', items: [], page: 1, pageSize: 20, total: 0 });
const s = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-archcompare-cold-start': 'false', 'x-archcompare-init-ms': '0' });
    res.end(body);
  });
});
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`;

async function startServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  process.once('exit', () => child.kill()); // also when a run crashes the process
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function wrkRate(url: string): Promise<number | null> {
  try {
    const { stdout } = await execa('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, `${url}/products`]);
    const m = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
    return m ? Number(m[1]) : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

interface HarnessRun {
  rps: number;
  p95: number;
  saturated: boolean;
  cpu: number;
  workers: number;
}

async function harnessRate(url: string, durationS = seconds): Promise<HarnessRun> {
  const profile = parseProfile(
    {
      name: 'ceiling',
      description: 'closed loop, as fast as it goes',
      mix: { browse: 1 },
      virtualUsers: { max: connections, min: connections },
      phases: [{ name: 'max', duration: durationS, rate: 'max' }],
    },
    'generator-ceiling',
  );
  const r = await runBench({ target: { model: 'external', kind: 'url', url }, profile, profileFile: 'inline', timeScale: 1, runId: 'ceiling', invariants: [] });
  return { rps: r.totals.throughputRps, p95: r.totals.latencyMs.p95, saturated: r.generator.saturated, cpu: r.generator.peakCpu, workers: r.generator.workers };
}

async function plainAutocannonRate(url: string): Promise<number> {
  const result = await autocannon({ url: `${url}/products`, connections, duration: seconds });
  return result.requests.average;
}

const server = await startServer();
try {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  // Warm the server's JIT so the order of measurements does not favour the later ones.
  await plainAutocannonRate(server.url);
  await harnessRate(server.url, 2); // the harness's own JIT warm-up (wrk is native code)
  const wrks: (number | null)[] = [];
  const harnessRuns: HarnessRun[] = [];
  const plains: number[] = [];
  for (let round = 0; round < rounds; round++) {
    wrks.push(await wrkRate(server.url));
    harnessRuns.push(await harnessRate(server.url));
    plains.push(await plainAutocannonRate(server.url));
  }
  const wrkBest = wrks.some((w) => w === null) ? null : Math.max(...(wrks as number[]));
  const harness = harnessRuns.reduce((a, b) => (b.rps > a.rps ? b : a));
  const plain = Math.max(...plains);
  console.log(`generator ceiling, ${seconds}s per tool, ${connections} connections, trivial node:http server in its own process, best of ${rounds} interleaved rounds`);
  console.log(`  load average before           ${load} (${os.availableParallelism()} CPUs)`);
  console.log(`  wrk -t1                        ${wrkBest === null ? 'not installed (apt-get install -y wrk)' : `${wrkBest.toFixed(0)} req/s`}`);
  console.log(`  autocannon (plain, 1 worker)   ${plain.toFixed(0)} req/s`);
  console.log(
    `  archcompare harness            ${harness.rps.toFixed(0)} req/s on ${harness.workers} worker${harness.workers === 1 ? '' : 's'} (journeys + HDR per request; p95 ${harness.p95} ms; peak generator CPU ${(harness.cpu * 100).toFixed(0)}%${harness.saturated ? ', saturated' : ''})`,
  );
  const ratio = wrkBest === null ? null : harness.rps / wrkBest;
  const wrkText = wrkBest === null ? 'n/a' : `${wrkBest.toFixed(0)} req/s`;
  const verdict = ratio === null ? '' : ` (target >= 0.80: ${ratio >= 0.8 ? 'PASS' : 'FAIL'})`;
  console.log(
    `harness ${harness.rps.toFixed(0)} req/s | wrk ${wrkText} | harness/wrk ${ratio === null ? 'n/a' : ratio.toFixed(2)}${verdict} | plain autocannon ${plain.toFixed(0)} req/s (harness/autocannon ${(harness.rps / plain).toFixed(2)}) | workers ${harness.workers}`,
  );
  if (ratio !== null) {
    process.exitCode = ratio >= 0.8 ? 0 : 1;
  } else if (process.env.CI === 'true') {
    console.error('wrk is required in CI');
    process.exitCode = 1;
  }
} finally {
  server.stop();
}
