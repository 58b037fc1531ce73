import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResult, resultPath } from '../../src/bench/result-store.js';
import { ReportSchema } from '../../src/report/model.js';
import { readRegistry } from '../../src/state/registry.js';
import { runCli, startCli } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

/** A short shop profile: 40 s phases at time scale 20 are 2 s each on the wall clock. */
const SHORT_PROFILE = `name: short
description: a short check of the whole pipeline
timeScale: 20
mix: { browse: 40, search: 10, viewProduct: 30, addToCart: 10, checkout: 10 }
warmup: { duration: 20s, rate: 3 }
seed: { users: 5 }
phases:
  - { name: baseline, duration: 40s, rate: 5 }
  - { name: surge, duration: 40s, rate: 15 }
`;

function leftoverProcesses(dir: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((l) => l.includes(dir) && !l.includes('ps -eo'));
}

function workspace(): { cwd: string; profile: string } {
  const cwd = tempDir('archcompare-compare-');
  const profile = path.join(cwd, 'short.yaml');
  writeFileSync(profile, SHORT_PROFILE);
  return { cwd, profile };
}

describe('compare on the local target', () => {
  it('deploys both, benches both, reports, and leaves nothing running', async () => {
    const { cwd, profile } = workspace();
    const r = await runCli(['compare', '--profile', profile, '--format', 'json', '--output', 'report.json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✔ deploy traditional\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stderr).toMatch(/✔ bench serverless/);
    expect(r.stderr).toMatch(/✔ destroy\s+nothing left of traditional, serverless/);
    expect(r.stdout).toMatch(/report \(json\) written to report\.json/);

    const report = ReportSchema.parse(JSON.parse(readFileSync(path.join(cwd, 'report.json'), 'utf8')));
    expect(JSON.stringify(report)).toContain('short');
    expect(await readRegistry(path.join(cwd, '.archcompare'))).toEqual([]);
    expect(leftoverProcesses(cwd)).toEqual([]);
    // No application invariant failed on either real deployment (a short run may place no order: skipped).
    for (const model of ['traditional', 'serverless'] as const) {
      const result = await readResult(resultPath(path.join(cwd, '.archcompare', 'results'), report.provenance.runIds[model]!, model));
      expect(result.invariants.filter((i) => i.status === 'fail'), model).toEqual([]);
    }

    // One model again: reported against the other model's newest saved result.
    const again = await runCli(['compare', '--profile', profile, '--models', 'traditional', '--format', 'json', '--output', 'again.json'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    const second = ReportSchema.parse(JSON.parse(readFileSync(path.join(cwd, 'again.json'), 'utf8')));
    expect(second.provenance.runIds.serverless).toBe(report.provenance.runIds.serverless);
    expect(second.provenance.runIds.traditional).not.toBe(report.provenance.runIds.traditional);
    expect(leftoverProcesses(cwd)).toEqual([]);
  }, 600_000);

  it('tears everything down when interrupted during the bench', async () => {
    const { cwd, profile } = workspace();
    const run = startCli(['compare', '--profile', profile, '--format', 'md'], { cwd });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('compare never reached the bench')), 300_000);
      let seen = '';
      run.child.stderr?.on('data', (d: Buffer) => {
        seen += d.toString();
        if (/… bench traditional/.test(seen)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    run.child.kill('SIGINT');
    const r = await run.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted: stopping, then destroying what was deployed/);
    expect(r.stderr).toMatch(/✔ destroy\s+nothing left of/);
    expect(await readRegistry(path.join(cwd, '.archcompare'))).toEqual([]);
    expect(leftoverProcesses(cwd)).toEqual([]);
  }, 600_000);
});
