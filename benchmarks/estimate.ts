/**
 * Cost engine benchmark. Prints, each with PASS/FAIL against its budget:
 *  1. the size of every committed pricing snapshot (budget 2 MB per region);
 *  2. loading the largest snapshot (read, JSON parse, schema validation, price book) and estimating both
 *     stacks with a 200-point cost curve and the break-even search: first run in this process, then the
 *     median of 10 more (warm); budget 100 ms warm for load + estimate;
 *  3. the whole `archcompare estimate` command (a new node process, wall clock), from the built CLI
 *     (dist/, `npm run build` first): stacks given as Terraform JSON, table and json; in a terminal
 *     (Ink); and with its own synthesis (second run, synth cache warm); budget 1.5 s.
 * Run: npx tsx benchmarks/estimate.ts   (or npm run bench -- estimate)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTerraformFile } from '../src/architecture/terraform-document.js';
import { runEstimate } from '../src/cost/estimate.js';
import { availableSnapshotRegions, defaultPricingCacheDir, loadPriceBook, snapshotPath } from '../src/pricing/snapshot-store.js';
import { verdict } from './support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixture = (m: string) => path.join(root, 'test/cost/fixtures', `${m}.cdk.tf.json`);
const misses: string[] = [];
const check = (what: string, ok: boolean) => {
  if (!ok) misses.push(what);
  return verdict(ok);
};

// 1. Snapshot sizes.
const cache = defaultPricingCacheDir();
const sizes = availableSnapshotRegions(cache).map((region) => ({ region, bytes: statSync(snapshotPath(cache, region)).size }));
const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
for (const { region, bytes } of sizes) console.log(`snapshot ${region}: ${(bytes / 1024).toFixed(0)} KB — budget 2,048 KB per region: ${check(`snapshot ${region} size`, bytes < 2 * 1024 * 1024)}`);

// 2. Load the largest snapshot and estimate both stacks with the curve.
const stacks = ['traditional', 'serverless'].map((name) => ({ name, source: fixture(name), doc: readTerraformFile(fixture(name)) }));
const once = () => {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const { book } = loadPriceBook(largest.region, { maxAgeDays: 100_000 });
  const t1 = performance.now();
  const result = runEstimate({ stacks, book, usage: { kind: 'modelled' }, freeTier: false });
  const t2 = performance.now();
  const used = process.cpuUsage(cpu);
  return { load: t1 - t0, estimate: t2 - t1, total: t2 - t0, cpu: (used.user + used.system) / 1000, result, products: book.products().length };
};
const first = once();
const runs = Array.from({ length: 10 }, once).sort((a, b) => a.total - b.total);
const median = runs[5]!;
console.log(`engine: ${largest.region} snapshot (${first.products} products) + both stacks + ${first.result.curveRequests!.length}-point curve + break-even (${first.result.breakEven!.length} crossing(s))`);
console.log(`  first run: load ${first.load.toFixed(1)} ms + estimate ${first.estimate.toFixed(1)} ms`);
// CPU time is printed beside wall time: on a shared machine (see the load average) wall time includes waiting for a core.
console.log(
  `  warm median: load ${median.load.toFixed(1)} ms + estimate ${median.estimate.toFixed(1)} ms = ${median.total.toFixed(1)} ms wall, ${median.cpu.toFixed(1)} ms CPU (min ${runs[0]!.total.toFixed(1)} ms wall; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores) — budget 100 ms: ${check('engine warm', median.total < 100)}`,
);

// 3. The command.
const cli = path.join(root, 'bin/run.js');
if (!existsSync(path.join(root, 'dist/commands/estimate.js'))) {
  console.log('command: skipped — dist/ is not built (run `npm run build` first)');
  misses.push('command (not built)');
} else {
  const env = { ...process.env, ARCHCOMPARE_MAX_PRICE_AGE_DAYS: '100000' };
  const time = (args: string[], cwd = root) => {
    const t0 = performance.now();
    execFileSync(process.execPath, [cli, 'estimate', ...args], { cwd, stdio: ['ignore', 'ignore', 'ignore'], env });
    return performance.now() - t0;
  };
  const tfJson = ['--terraform-json', `traditional=${fixture('traditional')}`, '--terraform-json', `serverless=${fixture('serverless')}`, '--region', largest.region];
  const table = [time(tfJson), time(tfJson), time(tfJson)].sort((a, b) => a - b)[1]!;
  const json = [time([...tfJson, '--format', 'json']), time([...tfJson, '--format', 'json'])].sort((a, b) => a - b)[0]!;
  console.log(`command (stacks as Terraform JSON, ${largest.region}): table ${table.toFixed(0)} ms, json ${json.toFixed(0)} ms wall — budget 1,500 ms: ${check('command', Math.max(table, json) < 1500)}`);
  // In a terminal the table is drawn by Ink; `script` gives the command a pseudo-terminal.
  if (existsSync('/usr/bin/script')) {
    const args = tfJson.map((a) => `'${a}'`).join(' ');
    const tty = () => {
      const t0 = performance.now();
      execFileSync('/usr/bin/script', ['-qc', `stty cols 140 rows 40; ${process.execPath} ${cli} estimate ${args}`, '/dev/null'], { cwd: root, stdio: ['ignore', 'ignore', 'ignore'], env });
      return performance.now() - t0;
    };
    const ink = [tty(), tty()].sort((a, b) => a - b)[0]!;
    console.log(`command in a terminal (Ink): ${ink.toFixed(0)} ms wall — budget 1,500 ms: ${check('command (Ink)', ink < 1500)}`);
  }
  try {
    // A fresh working directory has no .archcompare/synth cache: the first run synthesizes.
    const fresh = mkdtempSync(path.join(tmpdir(), 'archcompare-bench-'));
    const cold = time([], fresh);
    const warm = time([], fresh);
    rmSync(fresh, { recursive: true, force: true });
    console.log(`command (synthesizing both stacks): first ${cold.toFixed(0)} ms (cdktf synth, not budgeted), then ${warm.toFixed(0)} ms with the synth cache — budget 1,500 ms: ${check('command (synth cache)', warm < 1500)}`);
  } catch (err) {
    console.log(`command (synthesizing): failed — ${(err as Error).message.split('\n')[0]}`);
  }
}
console.log(misses.length ? `estimate: missed ${misses.join(', ')}` : 'estimate: every budget met');
process.exitCode = misses.length ? 1 : 0;
