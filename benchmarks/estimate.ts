/**
 * Cost engine benchmark. Prints:
 *  1. the estimate of both stacks + a 200-point cost curve + the break-even search, after load
 *     (stacks read, prices loaded): first run in a fresh process, then the median of 10 more;
 *     budget 100 ms;
 *  2. the whole `archcompare estimate` command (a new node process, wall clock), from the built
 *     CLI (dist/, `npm run build` first): with the stacks given as Terraform JSON, and with its own
 *     synthesis (second run, synth cache warm); budget 1.5 s.
 * Run: npx tsx benchmarks/estimate.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEstimate } from '../src/cost/estimate.js';
import { readTerraformFile } from '../src/cost/stack-source.js';
import { loadPriceBook } from '../src/pricing/snapshot-store.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixture = (m: string) => path.join(root, 'test/cost/fixtures', `${m}.cdk.tf.json`);

const { book } = loadPriceBook('us-east-1', { maxAgeDays: 100_000 });
const stacks = ['traditional', 'serverless'].map((name) => ({ name, source: fixture(name), doc: readTerraformFile(fixture(name)) }));
const once = () => {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const result = runEstimate({ stacks, book, usage: { kind: 'modelled' }, freeTier: false });
  const wall = performance.now() - t0;
  const { user, system } = process.cpuUsage(cpu);
  return { wall, cpu: (user + system) / 1000, result };
};
const first = once();
const runs = Array.from({ length: 10 }, once).map((r) => r.wall).sort((a, b) => a - b);
const median = (runs[4]! + runs[5]!) / 2;
console.log(`engine: both stacks + ${first.result.curveRequests!.length}-point curve + break-even (${first.result.breakEven!.length} crossing(s), first at ${first.result.breakEven![0]?.requestsPerMonth ?? '-'} requests/month)`);
console.log(`  first run ${first.wall.toFixed(1)} ms wall (${first.cpu.toFixed(1)} ms CPU); warm median ${median.toFixed(1)} ms, min ${runs[0]!.toFixed(1)} ms — budget 100 ms`);

const cli = path.join(root, 'bin/run.js');
if (!existsSync(path.join(root, 'dist/commands/estimate.js'))) {
  console.log('command: skipped — dist/ is not built (run `npm run build` first)');
} else {
  const time = (args: string[], cwd = root) => {
    const t0 = performance.now();
    execFileSync(process.execPath, [cli, 'estimate', ...args], { cwd, stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, ARCHCOMPARE_MAX_PRICE_AGE_DAYS: '100000' } });
    return performance.now() - t0;
  };
  const tfJson = ['--terraform-json', `traditional=${fixture('traditional')}`, '--terraform-json', `serverless=${fixture('serverless')}`];
  const table = [time(tfJson), time(tfJson), time(tfJson)].sort((a, b) => a - b)[1]!;
  const json = [time([...tfJson, '--format', 'json']), time([...tfJson, '--format', 'json'])].sort((a, b) => a - b)[0]!;
  console.log(`command (stacks as Terraform JSON): table ${table.toFixed(0)} ms, json ${json.toFixed(0)} ms wall — budget 1,500 ms`);
  // In a terminal the table is drawn by Ink; `script` gives the command a pseudo-terminal.
  if (existsSync('/usr/bin/script')) {
    const args = tfJson.map((a) => `'${a}'`).join(' ');
    const tty = () => {
      const t0 = performance.now();
      execFileSync('/usr/bin/script', ['-qc', `stty cols 140 rows 40; ${process.execPath} ${cli} estimate ${args}`, '/dev/null'], { cwd: root, stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, ARCHCOMPARE_MAX_PRICE_AGE_DAYS: '100000' } });
      return performance.now() - t0;
    };
    console.log(`command in a terminal (Ink): ${[tty(), tty()].sort((a, b) => a - b)[0]!.toFixed(0)} ms wall — budget 1,500 ms`);
  }
  try {
    // A fresh working directory has no .archcompare/synth cache: the first run synthesizes.
    const fresh = mkdtempSync(path.join(tmpdir(), 'archcompare-bench-'));
    const cold = time([], fresh);
    const warm = time([], fresh);
    rmSync(fresh, { recursive: true, force: true });
    console.log(`command (synthesizing both stacks): first ${cold.toFixed(0)} ms (cdktf synth), then ${warm.toFixed(0)} ms with the synth cache — budget 1,500 ms`);
  } catch (err) {
    console.log(`command (synthesizing): failed — ${(err as Error).message.split('\n')[0]}`);
  }
}
