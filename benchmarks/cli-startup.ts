// `archcompare --help` wall time against a bare oclif CLI's on the same machine, in the same run.
// Requirement (issue 2): ratio under 1.5 — cdktf and the provider bindings must load lazily.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { medianWallMs, verdict } from './support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NODE_ENV: 'production' };
const bare = medianWallMs(process.execPath, [path.join(root, 'benchmarks/fixtures/bare-oclif/bin/run.js'), '--help'], 9, env);
const ours = medianWallMs(process.execPath, [path.join(root, 'bin/run.js'), '--help'], 9, env);
const ratio = ours / bare;
console.log(`archcompare --help: ${ours.toFixed(0)} ms (median of 9)`);
console.log(`bare oclif --help:  ${bare.toFixed(0)} ms (median of 9)`);
console.log(`ratio: ${ratio.toFixed(2)} (must be < 1.5) ${verdict(ratio < 1.5)}`);
process.exitCode = ratio < 1.5 ? 0 : 1;
