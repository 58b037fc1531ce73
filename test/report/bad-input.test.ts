import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkComparable } from '../../src/report/build.js';
import { loadEffortWeights, loadResults } from '../../src/report/inputs.js';
import { UserError } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { FIXTURES, fixtureInputs } from './support/inputs.js';
import { tempDir } from '../support/temp-dir.js';

const dirs: string[] = [];
function stateRoot(models: Array<'traditional' | 'serverless'>, edit?: (model: string, json: Record<string, unknown>) => void): string {
  const cwd = tempDir('archcompare-report-');
  dirs.push(cwd);
  const run = path.join(cwd, '.archcompare', 'results', '20251120T100000Z-a1b2');
  mkdirSync(run, { recursive: true });
  for (const m of models) {
    const json = JSON.parse(readFileSync(path.join(FIXTURES, `${m}.json`), 'utf8')) as Record<string, unknown>;
    edit?.(m, json);
    writeFileSync(path.join(run, `${m}.json`), JSON.stringify(json));
  }
  return cwd;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function userError(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('bad input: a clear message saying what to run', () => {
  it('no results yet', async () => {
    const cwd = tempDir('archcompare-report-empty-');
    dirs.push(cwd);
    const err = await userError(loadResults({ root: path.join(cwd, '.archcompare') }));
    expect(err.oneLine).toMatch(/^no bench results yet for traditional or serverless in .*\. Fix: run `archcompare compare --profile spike`/);
    expect(err.oneLine).not.toContain('\n');
  });

  it('results from only one model', async () => {
    const cwd = stateRoot(['traditional']);
    const err = await userError(loadResults({ root: path.join(cwd, '.archcompare') }));
    expect(err.oneLine).toContain('only traditional has results');
    expect(err.oneLine).toContain('`archcompare deploy --model serverless` then `archcompare bench --profile spike-short`');
  });

  it('results with mismatched profiles', async () => {
    const cwd = stateRoot(['traditional', 'serverless'], (m, json) => {
      if (m === 'serverless') (json.profile as { name: string }).name = 'steady';
    });
    const err = await userError(loadResults({ root: path.join(cwd, '.archcompare') }).then(checkComparable));
    expect(err.oneLine).toMatch(/different profiles: traditional 'spike-short' \(run .*\), serverless 'steady'.*Fix: bench both models with one profile: `archcompare compare --profile steady`/);
  });

  it('same profile name, different definition or time scale', () => {
    const inputs = fixtureInputs();
    const other = structuredClone(inputs.results.serverless.result);
    other.profile.definition.phases[0]!.rate = 30;
    expect(() => checkComparable({ ...inputs.results, serverless: { ...inputs.results.serverless, result: other } })).toThrow(/different versions of profile 'spike-short'/);
    const scaled = { ...inputs.results.serverless.result, timeScale: 1 };
    expect(() => checkComparable({ ...inputs.results, serverless: { ...inputs.results.serverless, result: scaled } })).toThrow(/different time scales/);
  });

  it('an unknown run id names the runs there are', async () => {
    const cwd = stateRoot(['traditional', 'serverless']);
    const err = await userError(loadResults({ root: path.join(cwd, '.archcompare'), runId: 'nope' }));
    expect(err.oneLine).toContain('--run nope: no such run');
    expect(err.oneLine).toContain('20251120T100000Z-a1b2');
  });

  it('a bad effort-weights override names the field', () => {
    const cwd = tempDir('archcompare-weights-');
    dirs.push(cwd);
    const file = path.join(cwd, 'w.yml');
    writeFileSync(file, 'items:\n  database:\n    pointsPerUnit: -1\n');
    expect(() => loadEffortWeights(file)).toThrow(/items\.database\.pointsPerUnit: must be ≥ 0/);
    writeFileSync(file, 'hoursPerPoint: 1\nitems:\n  databse: { pointsPerUnit: 1 }\n');
    expect(() => loadEffortWeights(file)).toThrow(/databse/);
  });
});

describe('archcompare report (the built CLI)', () => {
  it('no results: one line on stderr and a non-zero exit', async () => {
    const cwd = tempDir('archcompare-report-cli-');
    dirs.push(cwd);
    const r = await runCli(['report'], { cwd });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: no bench results yet .*archcompare compare --profile spike/);
  });

  it('piped: the Markdown text, no ANSI; --output writes the format asked for', async () => {
    const cwd = stateRoot(['traditional', 'serverless']);
    const r = await runCli(['report'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("## archcompare: serverless wins for 'spike-short'");
    expect(r.stdout).not.toMatch(/\u001b\[/);
    const text = await runCli(['report', '--format', 'ink', '--output', 'report.txt'], { cwd });
    expect(text.code).toBe(0);
    expect(text.stderr).toMatch(/^Wrote report\.txt \(text, [\d.]+ KB\)/);
    const written = readFileSync(path.join(cwd, 'report.txt'), 'utf8');
    expect(written).toContain('VERDICT');
    expect(written).not.toMatch(/\u001b\[/);
  }, 60_000);
});
