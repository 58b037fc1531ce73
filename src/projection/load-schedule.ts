import { durationSeconds, type Profile } from '../bench/profile-schema.js';
import { UserError } from '../errors.js';

/**
 * A profile as the projection runs it: its phases in modelled time (the profile's timeScale is for
 * local runs and is ignored here), cut into steps with the mean target rate of each step.
 *
 * Steps are adaptive: the fine step (10 s, the Lambda scaling window) for the first 10 minutes of every
 * phase, where the load has just changed and capacity reacts, and for phases whose rate moves more than
 * 2% per coarse step; the coarse step (60 s, the CloudWatch period target tracking reads) elsewhere.
 * A month is then ~55,000 steps instead of 260,000; test/projection/models.test.ts bounds the difference.
 */
export const FINE_TRANSIENT_SECONDS = 600;
const COARSE_RELATIVE_CHANGE = 0.02;
export interface ProjectionPhase {
  name: string;
  description?: string;
  warmup: boolean;
  startS: number;
  durationS: number;
  targetRate: number | { from: number; to: number };
  /** Requests per request kind (journey step) the phase sent, when it replays a saved run (--validate): its own mix. */
  routeRequests?: Partial<Record<string, number>>;
}

export interface ProjectionStep {
  phase: number;
  startS: number;
  dtS: number;
  /** Mean target rate over the step, requests/s. */
  rps: number;
}

export interface LoadSchedule {
  phases: ProjectionPhase[];
  steps: ProjectionStep[];
  durationS: number;
  peakRps: number;
}

export function loadSchedule(profile: Profile, stepS: number, coarseStepS = stepS): LoadSchedule {
  const phases: ProjectionPhase[] = [];
  let t = 0;
  const add = (name: string, durationS: number, rate: Profile['phases'][number]['rate'], warmup: boolean, description?: string) => {
    if (rate === 'max') throw new UserError(`profile ${profile.name}: phase ${name} has rate "max" (a closed loop)`, 'give the phase a rate in requests/s: the projection models an open arrival process');
    phases.push({ name, warmup, startS: t, durationS, targetRate: rate, ...(description ? { description } : {}) });
    t += durationS;
  };
  if (profile.warmup) add('warmup', durationSeconds(profile.warmup.duration), profile.warmup.rate, true);
  for (const p of profile.phases) add(p.name, durationSeconds(p.duration), p.rate, false, p.description);
  const steps: ProjectionStep[] = [];
  let peakRps = 0;
  const rateAt = (phase: ProjectionPhase, fraction: number) =>
    typeof phase.targetRate === 'number' ? phase.targetRate : phase.targetRate.from + (phase.targetRate.to - phase.targetRate.from) * fraction;
  const cut = (phase: ProjectionPhase, index: number, fromS: number, toS: number, step: number) => {
    const n = Math.max(1, Math.round((toS - fromS) / step));
    const dt = (toS - fromS) / n;
    for (let k = 0; k < n; k++) {
      const rps = rateAt(phase, (fromS + (k + 0.5) * dt) / phase.durationS);
      peakRps = Math.max(peakRps, rps);
      steps.push({ phase: index, startS: phase.startS + fromS + k * dt, dtS: dt, rps });
    }
  };
  phases.forEach((phase, index) => {
    const from = typeof phase.targetRate === 'number' ? phase.targetRate : phase.targetRate.from;
    const to = typeof phase.targetRate === 'number' ? phase.targetRate : phase.targetRate.to;
    const changePerCoarseStep = (Math.abs(to - from) / phase.durationS) * coarseStepS / Math.max(1e-9, Math.min(from, to));
    const fineUntil = changePerCoarseStep > COARSE_RELATIVE_CHANGE || coarseStepS <= stepS ? phase.durationS : Math.min(phase.durationS, FINE_TRANSIENT_SECONDS);
    cut(phase, index, 0, fineUntil, stepS);
    if (fineUntil < phase.durationS) cut(phase, index, fineUntil, phase.durationS, coarseStepS);
  });
  return { phases, steps, durationS: t, peakRps };
}
