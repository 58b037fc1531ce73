import type { Model } from '../config/stack-config.js';
import { SAMPLES_PER_STEP } from './fluid-centre.js';
import type { LoadSchedule } from './load-schedule.js';
import type { ProjectionParameters } from './parameters.js';
import { ProjectionRecorder } from './recorder.js';
import { projectServerless } from './serverless.js';
import { projectTraditional, type ModelProjection } from './traditional.js';

/** The aggregate method, as results and the report state it. */
export const AGGREGATE_METHOD =
  'aggregate (fluid) simulation in steps: per step M/G/c steady state (Erlang C with the Allen–Cunneen correction) below capacity, a fluid backlog above it, ' +
  `latency percentiles from ${SAMPLES_PER_STEP} stratified samples per step weighted by the step's requests; it agrees with the per-request simulation within 10% ` +
  '(or two mean service times) on p50/p95/p99 per phase and 2% on counts (test/projection/fluid-centre.test.ts), and that simulation with Erlang C within sampling error (test/projection/erlang-c.test.ts)';

export interface ModelRun {
  model: Model;
  recorder: ProjectionRecorder;
  outcome: ModelProjection;
}

/** CloudWatch-like resolution: finer periods for short profiles, coarser for a month (keeps results small). */
export function timelinePeriodSeconds(durationS: number): number {
  return durationS <= 6 * 3600 ? 60 : durationS <= 4 * 86400 ? 300 : 3600;
}

export function simulateModels(
  models: readonly Model[],
  parameters: ProjectionParameters,
  schedule: LoadSchedule,
  options: { seed: number; startedAtMs: number; namePrefix: string; samplesPerStep?: number; periodSeconds?: number },
): ModelRun[] {
  const period = options.periodSeconds ?? timelinePeriodSeconds(schedule.durationS);
  const samples = options.samplesPerStep ?? SAMPLES_PER_STEP;
  return models.map((model) => {
    const recorder = new ProjectionRecorder(schedule, period, period, options.startedAtMs);
    const outcome =
      model === 'traditional'
        ? projectTraditional(parameters, schedule, recorder, options.seed, samples, `${options.namePrefix}-asg`)
        : projectServerless(parameters, schedule, recorder, options.seed + 1, samples, options.namePrefix);
    return { model, recorder, outcome };
  });
}
