import { describe, expect, it } from 'vitest';
import { assembleResult, isPartial, phaseResult, type PhasesRun, type ResultInputs } from '../../src/bench/assemble-result.js';
import type { PhaseRunOutcome } from '../../src/bench/phase-runner.js';
import { parseProfile } from '../../src/bench/profiles.js';
import { PhaseRecorder, type RequestOutcome } from '../../src/bench/recorder.js';
import { planPhases } from '../../src/bench/schedule.js';

/** The assembly of a bench result from what a run produced: no server, no clock. */

const profile = parseProfile(
  {
    name: 'assembly',
    description: 'warm-up then two measured phases',
    mix: { browse: 1 },
    warmup: { duration: 2, rate: 10 },
    phases: [
      { name: 'low', duration: 10, rate: 10 },
      { name: 'high', duration: 10, rate: 20 },
    ],
  },
  'inline',
);
const planned = planPhases(profile, 1);
const T0 = Date.parse('2026-01-01T00:00:00Z');

const request = (stepKey: string, status: number, latencyMs: number): RequestOutcome => ({ stepKey, status, latencyMicros: latencyMs * 1000, correctedLatencyMicros: latencyMs * 1000, coldStart: false });

function recorderOf(requests: RequestOutcome[]): PhaseRecorder {
  const recorder = new PhaseRecorder();
  for (const r of requests) recorder.record(r);
  return recorder;
}

function outcome(startS: number, durationS: number, over: Partial<PhaseRunOutcome> = {}): PhaseRunOutcome {
  return { startedAt: new Date(T0 + startS * 1000), endedAt: new Date(T0 + (startS + durationS) * 1000), durationS, scheduled: durationS * 10, sent: durationS * 10, late: 0, dropped: 0, inFlightAtEnd: 0, maxLatenessMs: 0, interrupted: false, ...over };
}

/** Runs the planned phases in order with the given recorders; `ran` of them ran. */
function runOf(recorders: PhaseRecorder[], ran = recorders.length, over: Partial<PhasesRun> = {}, outcomes: Partial<PhaseRunOutcome>[] = []): PhasesRun {
  let t = 0;
  const phases = planned.slice(0, ran).map((phase, i) => {
    const result = phaseResult(phase, outcome(t, phase.durationS, outcomes[i]), recorders[i]!, [], false, 1);
    t += phase.durationS;
    return result;
  });
  return {
    startedAt: new Date(T0),
    endedAt: new Date(T0 + t * 1000),
    planned,
    phases,
    measured: recorders.slice(0, ran).filter((_, i) => !planned[i]!.warmup),
    samples: [],
    series: [],
    maxWorkers: 1,
    ...over,
  };
}

function inputs(run: PhasesRun, over: Partial<ResultInputs> = {}): ResultInputs {
  return {
    runId: 'r1',
    target: { model: 'serverless', kind: 'aws', url: 'https://api.example', region: 'us-east-1', deploymentRunId: 'dep1' },
    profile,
    profileFile: 'inline',
    timeScale: 1,
    run,
    products: 42,
    invariants: [],
    scalingTimeline: { source: 'not-read', note: 'not read: CloudWatch is not read yet', datapoints: [] },
    warnings: ['from the caller'],
    generatorHost: { node: 'v20.0.0', cpus: 2 },
    ...over,
  };
}

describe('assembling a bench result', () => {
  it('totals and steps cover the measured phases only, over their seconds', () => {
    const warmup = recorderOf([request('browse.list', 200, 900), request('browse.list', 500, 900)]);
    const low = recorderOf([request('browse.list', 200, 10), request('browse.view', 404, 30)]);
    const high = recorderOf([request('browse.list', 200, 20), request('browse.list', 429, 5), request('browse.list', 200, 20)]);
    const r = assembleResult(inputs(runOf([warmup, low, high])));
    expect(r.partial).toBe(false);
    expect(r.phases.map((p) => [p.name, p.warmup, p.totals.requests])).toEqual([
      ['warmup', true, 2],
      ['low', false, 2],
      ['high', false, 3],
    ]);
    expect(r.totals.requests).toBe(5);
    expect(r.totals.serverErrors).toBe(0);
    expect(r.totals.throttled).toBe(1);
    expect(r.totals.clientErrors).toBe(1);
    expect(r.totals.throughputRps).toBeCloseTo(5 / 20, 6);
    // The warm-up's 900 ms answers are not in the run's latency.
    expect(r.totals.latencyMs.max).toBeLessThan(100);
    expect(Object.keys(r.steps)).toEqual(['browse.list', 'browse.view']);
    expect(r.steps['browse.list']!.requests).toBe(4);
    expect(r.durationS).toBe(22);
    expect(r.target).toEqual({ kind: 'aws', url: 'https://api.example', region: 'us-east-1', deploymentRunId: 'dep1' });
    expect(r.generator).toMatchObject({ workers: 1, node: 'v20.0.0', cpus: 2, saturated: false });
    expect(r.catalog).toEqual({ products: 42 });
    expect(r.scalingTimeline.source).toBe('not-read');
  });

  it('a run whose measured phases did not all run is partial, with the reason it gives or a default', () => {
    const recorders = [recorderOf([]), recorderOf([request('browse.list', 200, 10)]), recorderOf([])];
    const short = runOf(recorders, 2);
    expect(isPartial(short)).toBe(true);
    expect(assembleResult(inputs(short))).toMatchObject({ partial: true, partialReason: 'not every phase ran' });
    const interrupted = runOf(recorders, 3, { partialReason: 'interrupted during phase "high"' });
    expect(assembleResult(inputs(interrupted))).toMatchObject({ partial: true, partialReason: 'interrupted during phase "high"' });
    expect(isPartial(runOf(recorders, 3))).toBe(false);
  });

  it('adds the generator’s caveats after the caller’s warnings, without changing them', () => {
    const recorders = [recorderOf([]), recorderOf([]), recorderOf([])];
    const saturatedSecond = { cpu: 0.99, loopDelayP99Ms: 1 };
    const run = runOf(recorders, 3, { samples: [saturatedSecond, saturatedSecond, { cpu: 0.2, loopDelayP99Ms: 1 }] }, [{}, { scheduled: 100, late: 30, dropped: 5 }]);
    const callerWarnings = ['from the caller'];
    const r = assembleResult(inputs(run, { warnings: callerWarnings }));
    expect(r.warnings).toEqual([
      'from the caller',
      'the load generator saturated for 2 s (peak CPU 99% of a core): latencies include its own queueing',
      'phase low: 30 late and 5 dropped of 100 scheduled requests (all virtual users busy): read correctedLatencyMs',
    ]);
    expect(callerWarnings).toEqual(['from the caller']);
  });

  it('rejects what the result schema does not allow (a metrics source no target produces)', () => {
    const run = runOf([recorderOf([]), recorderOf([]), recorderOf([])]);
    const bogus = { source: 'prometheus', datapoints: [] } as unknown as ResultInputs['scalingTimeline'];
    expect(() => assembleResult(inputs(run, { scalingTimeline: bogus }))).toThrow(/source/);
  });
});
