// `archcompare report` from saved results: wall time of the built CLI (requirement: under 1 s) and the
// size of the HTML export (requirement: under 1 MB). Uses the report test fixtures (both models, one
// spike profile) in a scratch state root; the first run synthesizes the stacks into the cache, as
// the first report after a deploy would find them already synthesized. Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verdict } from './support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(root, 'test/report/fixtures');
const cwd = mkdtempSync(path.join(tmpdir(), 'archcompare-bench-report-'));
const run = path.join(cwd, '.archcompare/results/20251120T100000Z-a1b2');
mkdirSync(run, { recursive: true });
for (const m of ['traditional', 'serverless']) copyFileSync(path.join(fixtures, `${m}.json`), path.join(run, `${m}.json`));
const env = { ...process.env, NODE_ENV: 'production', NO_COLOR: '1' };

function timed(args: string[]): { ms: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(root, 'bin/run.js'), ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`archcompare ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return { ms };
}

try {
  timed(['report', '--format', 'json', '--output', 'warm.json']); // synthesizes into .archcompare/synth
  const results: Record<string, number[]> = {};
  const runs = 7;
  for (const format of ['text', 'json', 'md', 'html']) {
    results[format] = [];
    for (let i = 0; i < runs; i++) results[format]!.push(timed(['report', '--format', format, '--output', `report.${format}`]).ms);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine inflates wall times)`);
  let ok = true;
  for (const [format, times] of Object.entries(results)) {
    const med = median(times);
    const best = Math.min(...times);
    const pass = med < 1000;
    ok &&= pass;
    console.log(`archcompare report --format ${format.padEnd(4)}: median ${med.toFixed(0)} ms, best ${best.toFixed(0)} ms of ${runs} (must be < 1000 ms) ${verdict(pass)}`);
  }
  const htmlBytes = statSync(path.join(cwd, 'report.html')).size;
  const htmlOk = htmlBytes < 1024 * 1024;
  ok &&= htmlOk;
  console.log(`HTML export: ${(htmlBytes / 1024).toFixed(1)} KB (must be < 1024 KB) ${verdict(htmlOk)}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(cwd, { recursive: true, force: true });
}
