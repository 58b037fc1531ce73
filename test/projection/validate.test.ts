import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchResultSchema, type BenchResult } from '../../src/bench/result-schema.js';
import { decodeHistogram, encodeHistogram, newHistogram } from '../../src/bench/statistics.js';
import { StackConfigSchema } from '../../src/config/stack-config.js';
import { calibrateFromRuns } from '../../src/projection/calibrate.js';
import { modelledParameters } from '../../src/projection/parameters.js';
import { projectedResult } from '../../src/projection/projected-result.js';
import { simulateModels } from '../../src/projection/simulate.js';
import { asRun, atTimeScale, quantileRankInterval, renderValidation, scheduleOfRun, validateAgainstRuns } from '../../src/projection/validate.js';

const fixtures = path.resolve('test/report/fixtures');
const read = (model: string): BenchResult => BenchResultSchema.parse(JSON.parse(readFileSync(path.join(fixtures, `${model}.json`), 'utf8')));
const runs = ['traditional', 'serverless'].map((m) => ({ result: read(m), file: `${m}.json` }));
const base = modelledParameters({ ...StackConfigSchema.parse({}), runId: 'projected' }, { value: 10, unit: 's', origin: { kind: 'config', source: 'test' } });
const { parameters } = calibrateFromRuns(base, runs);

/** What the projection itself predicts for a run, dressed as a measured local run of it. */
function predictedRun(of: BenchResult): BenchResult {
  const model = of.model as 'traditional' | 'serverless';
  const p = asRun(parameters, of.timeScale);
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
    // The histogram too (the measured p95's confidence interval is read from it): every request 3x + 30 ms.
    const h = decodeHistogram(peak.totals.latencyHistogram);
    const slower = newHistogram();
    for (let i = 0; i < 1000; i++) slower.recordValueWithCount(Math.round(h.getValueAtPercentile((i + 0.5) / 10) * 3 + 30_000), Math.max(1, Math.round(h.totalCount / 1000)));
    peak.totals.latencyHistogram = encodeHistogram(slower);
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

  it('bounds a measured p95 by the order statistics the binomial allows (distribution-free 95% interval)', () => {
    // Independent figures, from exact sums with Python's math.comb: for n = 100, P(Bin ≤ 89) = 0.0115 ≤ 2.5% and
    // P(Bin ≥ 100) = 0.0059, so [X(90), X(100)]; for n = 66, [X(59), X(66)]; for n = 20, [X(17), X(20)] (the
    // maximum, though P(Bin ≥ 20) = 0.36: few requests cannot bound a p95 from above).
    expect(quantileRankInterval(100, 0.95)).toEqual([90, 100]);
    expect(quantileRankInterval(66, 0.95)).toEqual([59, 66]);
    expect(quantileRankInterval(20, 0.95)).toEqual([17, 20]);
    const [l, u] = quantileRankInterval(10_000, 0.95);
    expect(l / 10_000).toBeGreaterThan(0.945);
    expect(u / 10_000).toBeLessThan(0.955);
  });

  it('passes against a real spike run made on a quiet machine, judging every phase the machine did not bound', () => {
    const quiet = (m: string) => BenchResultSchema.parse(JSON.parse(readFileSync(path.resolve('test/projection/fixtures/quiet-spike', `${m}.json`), 'utf8')));
    const saved = [quiet('traditional'), quiet('serverless')];
    // As --validate calibrates: the instances' time is the local slot occupancy the replay models.
    const { parameters: calibrated } = calibrateFromRuns(base, saved.map((result, i) => ({ result, file: `quiet-${i}.json` })), { replayLocal: true });
    const v = validateAgainstRuns(calibrated, saved, 1);
    expect(v.passed, renderValidation(v, 'quiet-spike')).toBe(true);
    // Every traditional phase is judged (the machine was quiet); serverless phases whose cold starts queued for
    // this machine's one Init slot are shown, not judged.
    expect(v.checks.filter((c) => c.model === 'traditional' && !c.machineBound)).toHaveLength(5);
    expect(v.checks.filter((c) => !c.machineBound).length).toBeGreaterThanOrEqual(7);
    // The surge: a fifth of its requests were logins (new sessions), and the projection replays that mix.
    const surge = v.checks.find((c) => c.model === 'traditional' && c.phase === 'surge')!;
    expect(surge.projectedP95Ms).toBeGreaterThan(60);
  });
});
