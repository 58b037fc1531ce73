// Runs every benchmark script in turn and prints its figures; exits non-zero if any target is missed.
// Usage: npm run bench [-- name ...]   (names: cli-startup synth generator-ceiling app-bench cloudwatch-read …)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const skip = new Set(['run.ts', 'support.ts']);
const all = readdirSync(dir).filter((f) => f.endsWith('.ts') && !skip.has(f) && !f.endsWith('.d.ts')).sort();
const wanted = process.argv.slice(2);
const selected = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all;
const failed: string[] = [];
for (const file of selected) {
  console.log(`\n== ${file.replace(/\.ts$/, '')} ==`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file)], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  if (r.status !== 0) failed.push(file);
}
console.log(`\nbenchmarks: ${selected.length - failed.length} met their targets, ${failed.length} missed${failed.length ? `: ${failed.join(', ')}` : ''}`);
process.exitCode = failed.length ? 1 : 0;
