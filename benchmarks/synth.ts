// Synth time and peak memory of each stack, each in a fresh process (as `archcompare synth` runs).
// Target (issue 2): under 5 s per stack here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verdict } from './support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const script = `
  const t0 = performance.now();
  const { synthesizeStack } = await import(${JSON.stringify(path.join(root, 'dist/stacks/synth.js'))});
  const { loadStackConfig } = await import(${JSON.stringify(path.join(root, 'dist/src/config/load-config.js'))});
  await synthesizeStack(process.argv[1], await loadStackConfig(undefined, { runId: 'ac-bench' }), process.argv[2]);
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
`;
let ok = true;
for (const model of ['traditional', 'serverless']) {
  const runs = [0, 1, 2].map(() => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'archcompare-synth-bench-'));
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, model, out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const inner = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; maxRssMb: number };
    return { wallMs: Number(process.hrtime.bigint() - t0) / 1e6, ...inner };
  });
  runs.sort((a, b) => a.wallMs - b.wallMs);
  const median = runs[1]!;
  ok &&= median.wallMs < 5000;
  console.log(
    `synth ${model.padEnd(11)}: ${median.wallMs.toFixed(0)} ms wall (process start to exit), ${median.ms.toFixed(0)} ms in synth, peak RSS ${median.maxRssMb.toFixed(0)} MiB (median of 3) ${verdict(median.wallMs < 5000)}`,
  );
}
process.exitCode = ok ? 0 : 1;
