import type { PhaseRunOutcome } from './phase-runner.js';
import type { Profile } from './profile-schema.js';
import { mergePhaseRecorders, type PhaseRecorder } from './recorder.js';
import {
  type BenchModel,
  type BenchResult,
  BenchResultSchema,
  type InvariantOutcome,
  type PhaseResult,
  RESULT_SCHEMA_VERSION,
  type ScalingTimeline,
  type SeriesPoint,
} from './result-schema.js';
import type { PlannedPhase } from './schedule.js';
import { closedLoopDistorted, type GeneratorSample, generatorSaturation } from './statistics.js';

/**
 * The last step of a bench run: what the phases, the invariant checks and the target's metrics
 * produced, put together as the validated result document. Pure: no clock, no I/O.
 */

/** What executing the phases produced. */
export interface PhasesRun {
  startedAt: Date;
  endedAt: Date;
  /** Every phase the profile plans (warm-up included), run or not. */
  planned: PlannedPhase[];
  /** The phases that ran, in order. */
  phases: PhaseResult[];
  /** The recorders of the measured (non-warm-up) phases that ran. */
  measured: PhaseRecorder[];
  /** Every per-second generator sample of the run. */
  samples: GeneratorSample[];
  series: SeriesPoint[];
  /** The most generator threads any phase used. */
  maxWorkers: number;
  /** Set when the run was interrupted. */
  partialReason?: string;
}

export interface ResultInputs {
  runId: string;
  target: { model: BenchModel; kind: 'local' | 'aws' | 'url'; url: string; region?: string; deploymentRunId?: string };
  profile: Profile;
  profileFile: string;
  timeScale: number;
  run: PhasesRun;
  /** The catalog size the target reported while being prepared. */
  products: number | null;
  invariants: InvariantOutcome[];
  scalingTimeline: ScalingTimeline;
  /** Warnings so far (the caller's and the preparation's); the generator's own are added here. */
  warnings: string[];
  generatorHost: { node: string; cpus: number };
}

/** Interrupted, or a measured phase never ran. */
export function isPartial(run: Pick<PhasesRun, 'partialReason' | 'phases' | 'planned'>): boolean {
  return run.partialReason !== undefined || run.phases.filter((r) => !r.warmup).length < run.planned.filter((p) => !p.warmup).length;
}

/** One phase's result from what its run and recorder saw. */
export function phaseResult(phase: PlannedPhase, outcome: PhaseRunOutcome, recorder: PhaseRecorder, samples: GeneratorSample[], partial: boolean, workers: number): PhaseResult {
  const durationS = outcome.durationS;
  const sat = generatorSaturation(samples);
  return {
    name: phase.name,
    description: phase.description,
    warmup: phase.warmup,
    startedAt: outcome.startedAt.toISOString(),
    endedAt: outcome.endedAt.toISOString(),
    durationS: Math.round(durationS * 1000) / 1000,
    modelledDurationS: phase.modelledDurationS,
    targetRate: phase.rate,
    virtualUsers: phase.virtualUsers,
    schedule: {
      scheduled: outcome.scheduled,
      sent: outcome.sent,
      late: outcome.late,
      dropped: outcome.dropped,
      inFlightAtEnd: outcome.inFlightAtEnd,
      maxLatenessMs: outcome.maxLatenessMs,
      closedLoopDistorted: closedLoopDistorted(outcome.scheduled, outcome.late, outcome.dropped),
    },
    totals: recorder.totals.toStats(durationS),
    steps: Object.fromEntries([...recorder.steps.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, acc]) => [k, acc.toStats(durationS)])),
    journeys: Object.fromEntries(recorder.journeys.entries()),
    generator: { saturated: sat.saturated, saturatedSeconds: sat.saturatedSeconds, peakCpu: sat.peakCpu, peakLoopDelayMs: sat.peakLoopDelayMs, workers },
    partial,
  };
}

/** The generator's own caveats: saturation, and phases whose schedule it could not keep. */
function generatorWarnings(run: PhasesRun): string[] {
  const warnings: string[] = [];
  const saturation = generatorSaturation(run.samples);
  if (saturation.saturated) warnings.push(`the load generator saturated for ${saturation.saturatedSeconds} s (peak CPU ${Math.round(saturation.peakCpu * 100)}% of a core): latencies include its own queueing`);
  for (const r of run.phases) {
    if (r.schedule.closedLoopDistorted) warnings.push(`phase ${r.name}: ${r.schedule.late} late and ${r.schedule.dropped} dropped of ${r.schedule.scheduled} scheduled requests (all virtual users busy): read correctedLatencyMs`);
  }
  return warnings;
}

/** The result document of one run (validated against the schema). */
export function assembleResult(inputs: ResultInputs): BenchResult {
  const { run, target, profile } = inputs;
  const partial = isPartial(run);
  const merged = mergePhaseRecorders(run.measured);
  const measuredS = run.phases.filter((r) => !r.warmup).reduce((s, r) => s + r.durationS, 0);
  const saturation = generatorSaturation(run.samples);
  const doc: BenchResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    kind: 'archcompare.bench-result',
    runId: inputs.runId,
    model: target.model,
    target: { kind: target.kind, url: target.url, region: target.region, deploymentRunId: target.deploymentRunId },
    profile: { name: profile.name, description: profile.description, file: inputs.profileFile, definition: profile },
    timeScale: inputs.timeScale,
    startedAt: run.startedAt.toISOString(),
    endedAt: run.endedAt.toISOString(),
    durationS: Math.round(((run.endedAt.getTime() - run.startedAt.getTime()) / 1000) * 1000) / 1000,
    partial,
    partialReason: partial ? (run.partialReason ?? 'not every phase ran') : undefined,
    generator: { ...saturation, workers: run.maxWorkers, ...inputs.generatorHost },
    totals: merged.totals.toStats(measuredS),
    steps: Object.fromEntries([...merged.steps.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, acc]) => [k, acc.toStats(measuredS)])),
    journeys: Object.fromEntries(merged.journeys.entries()),
    phases: run.phases,
    series: run.series,
    scalingTimeline: inputs.scalingTimeline,
    invariants: inputs.invariants,
    catalog: { products: inputs.products },
    warnings: [...inputs.warnings, ...generatorWarnings(run)],
  };
  return BenchResultSchema.parse(doc);
}
