import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchResultSchema, type BenchResult } from '../../src/bench/result-schema.js';
import { StackConfigSchema } from '../../src/config/stack-config.js';
import { calibrateFromRuns } from '../../src/projection/calibrate.js';
import { modelledParameters } from '../../src/projection/parameters.js';
import { projectedResult } from '../../src/projection/projected-result.js';
import { simulateModels } from '../../src/projection/simulate.js';
import { atTimeScale, renderValidation, scheduleOfRun, validateAgainstRuns } from '../../src/projection/validate.js';

const fixtures = path.resolve('test/report/fixtures');
const read = (model: string): BenchResult => BenchResultSchema.parse(JSON.parse(readFileSync(path.join(fixtures, `${model}.json`), 'utf8')));
const runs = ['traditional', 'serverless'].map((m) => ({ result: read(m), file: `${m}.json` }));
const base = modelledParameters({ ...StackConfigSchema.parse({}), runId: 'projected' }, { value: 10, unit: 's', origin: { kind: 'config', source: 'test' } });
const { parameters } = calibrateFromRuns(base, runs);

/** What the projection itself predicts for a run, dressed as a measured local run of it. */
function predictedRun(of: BenchResult): BenchResult {
  const model = of.model as 'traditional' | 'serverless';
  const p = atTimeScale(parameters, of.timeScale);
  const shortest = Math.min(...of.phases.map((ph) => ph.durationS));
  const [run] = simulateModels([model], p, scheduleOfRun(of, Math.max(0.25, Math.min(1, shortest / 4))), { seed: 1, startedAtMs: 0, namePrefix: 'validate', periodSeconds: p.metricPeriodSeconds.value });
  const result = projectedResult({ runId: 'r', model, profile: of.profile.definition, profileFile: 'x', region: 'us-east-1', recorder: run!.recorder, startedAtMs: 0, node: 'v20', warnings: [], marker: undefined as never });
  const { projection: _, ...measured } = result;
  return { ...measured, target: { kind: 'local', url: 'http://127.0.0.1:1' }, timeScale: of.timeScale };
}

describe('--validate: the projection against a saved local run at its own scale', () => {
  it('divides the local target’s time-scaled delays by the run’s time scale, and nothing else', () => {
    const p = atTimeScale(parameters, 10);
    expect(p.launchDelaySeconds.value).toBe(parameters.launchDelaySeconds.value / 10);
    expect(p.metricPeriodSeconds.value).toBe(parameters.metricPeriodSeconds.value / 10);
    expect(p.instanceWarmupSeconds.value).toBe(parameters.instanceWarmupSeconds.value / 10);
    expect(p.scaleOutEvaluationPeriods.value).toBe(parameters.scaleOutEvaluationPeriods.value);
    expect(p.accountConcurrencyLimit.value).toBe(parameters.accountConcurrencyLimit.value);
  });

  it('passes against a run that behaved as the model says, and fails when a phase’s p95 was three times as long', () => {
    const faithful = runs.map((r) => predictedRun(r.result));
    const ok = validateAgainstRuns(parameters, faithful, 1);
    expect(ok.checks.length).toBe(2 * 5);
    expect(ok.passed, renderValidation(ok, 'faithful')).toBe(true);
    const slow = structuredClone(faithful);
    const peak = slow[0]!.phases.find((p) => p.name === 'peak')!;
    peak.totals.latencyMs.p95 = peak.totals.latencyMs.p95 * 3 + 30;
    const off = validateAgainstRuns(parameters, slow, 1);
    expect(off.passed).toBe(false);
    expect(off.checks.filter((c) => !c.p95Ok).map((c) => `${c.model} ${c.phase}`)).toEqual(['traditional peak']);
  });

  it('compares every measured phase of the saved runs, with their capacity', () => {
    const v = validateAgainstRuns(parameters, runs.map((r) => r.result), 1);
    expect(v.checks.map((c) => c.phase)).toEqual(['baseline', 'surge', 'peak', 'cool-down', 'recovery', 'baseline', 'surge', 'peak', 'cool-down', 'recovery']);
    expect(v.checks.find((c) => c.model === 'traditional' && c.phase === 'recovery')!.measuredCapacity).toBe(4);
    expect(renderValidation(v, 'fixtures')).toMatch(/tolerances: p95 within 35% or 25 ms/);
  });
});
