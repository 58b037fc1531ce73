import { LOCAL_PARAMETERS } from '../architecture/modelled-parameters.js';
import type { BenchResult } from '../bench/result-schema.js';
import type { Model } from '../config/stack-config.js';
import { fmtInt } from './bottleneck.js';
import { machineBoundPhases } from '../report/build.js';
import type { LoadSchedule, ProjectionPhase, ProjectionStep } from './load-schedule.js';
import type { Param, ProjectionParameters } from './parameters.js';
import { simulateModels, type ModelRun } from './simulate.js';

/**
 * Validation against the real thing: the projection, calibrated from a saved local run, simulates that
 * run at its own scale (its phases as they ran, in wall time: the local target divides its modelled
 * delays — launch, warm-up, metric period, cooldown, idle reclaim, scaling window — by the run's time
 * scale, so the simulation does too) and predicts each phase's p95 and the capacity the run reached.
 *
 * Tolerances: p95 within 35% or 25 ms, whichever is larger (the local p95 includes the load balancer's
 * and the generator's own time, which the projection does not model, and a phase of a few hundred
 * requests has a p95 with ~10% sampling error); capacity per phase (most instances in service, most
 * concurrent executions) within 1 instance, or 35% or 3 executions.
 */
export const P95_TOLERANCE = { relative: 0.35, absoluteMs: 25 };
export const CAPACITY_TOLERANCE = { instances: 1, relative: 0.35, executions: 3 };

export interface PhaseCheck {
  model: Model;
  phase: string;
  /** The machine's CPU averaged ≥ 85% in the phase: its local p95 measures this machine, so it is shown, not judged. */
  machineBound: boolean;
  measuredP95Ms: number;
  projectedP95Ms: number;
  p95Ok: boolean;
  measuredCapacity: number | null;
  projectedCapacity: number;
  capacityUnit: string;
  capacityOk: boolean;
}

export interface Validation {
  checks: PhaseCheck[];
  passed: boolean;
}

/** The run's phases as they ran (wall seconds), cut into steps of `stepS`. */
export function scheduleOfRun(result: BenchResult, stepS: number): LoadSchedule {
  const start = Date.parse(result.phases[0]?.startedAt ?? result.startedAt);
  const phases: ProjectionPhase[] = result.phases.map((p) => ({
    name: p.name,
    warmup: p.warmup,
    startS: (Date.parse(p.startedAt) - start) / 1000,
    durationS: p.durationS,
    targetRate: p.targetRate === 'max' ? p.totals.throughputRps : p.targetRate,
  }));
  const steps: ProjectionStep[] = [];
  let peakRps = 0;
  phases.forEach((ph, index) => {
    const n = Math.max(1, Math.round(ph.durationS / stepS));
    const dt = ph.durationS / n;
    for (let k = 0; k < n; k++) {
      const f = (k + 0.5) / n;
      const rps = typeof ph.targetRate === 'number' ? ph.targetRate : ph.targetRate.from + (ph.targetRate.to - ph.targetRate.from) * f;
      peakRps = Math.max(peakRps, rps);
      steps.push({ phase: index, startS: ph.startS + k * dt, dtS: dt, rps });
    }
  });
  const last = phases[phases.length - 1];
  return { phases, steps, durationS: last ? last.startS + last.durationS : 0, peakRps };
}

/** The local target's time-scaled delays, divided by the run's time scale. */
export function atTimeScale(p: ProjectionParameters, timeScale: number): ProjectionParameters {
  const out = { ...p } as unknown as Record<string, Param<unknown>>;
  for (const [name, param] of Object.entries(out)) {
    const id = param.origin.kind === 'modelled' ? param.origin.id : undefined;
    const scaled = (id?.startsWith('local.') && LOCAL_PARAMETERS[id.slice('local.'.length)]?.scaled) || name === 'instanceWarmupSeconds';
    if (scaled && typeof param.value === 'number') out[name] = { ...param, value: param.value / timeScale };
  }
  return out as unknown as ProjectionParameters;
}

/** A metric's datapoints; for Lambda concurrency the account-level series (no dimension) when there is one, else the per-function ones. */
function accountLevel(datapoints: BenchResult['scalingTimeline']['datapoints'], metric: string) {
  const all = datapoints.filter((d) => d.metric === metric);
  const account = all.filter((d) => Object.keys(d.dimensions).length === 0);
  return metric === 'ConcurrentExecutions' && account.length ? account : all;
}

function measuredCapacity(result: BenchResult, from: string, to: string): number | null {
  const metric = result.model === 'traditional' ? 'GroupInServiceInstances' : 'ConcurrentExecutions';
  const byTime = new Map<string, number>();
  for (const d of accountLevel(result.scalingTimeline.datapoints, metric)) if (d.timestamp >= from && d.timestamp < to) byTime.set(d.timestamp, (byTime.get(d.timestamp) ?? 0) + d.value);
  return byTime.size ? Math.max(...byTime.values()) : null;
}

function projectedCapacity(run: ModelRun, phase: number): number {
  const metric = run.model === 'traditional' ? 'GroupInServiceInstances' : 'ConcurrentExecutions';
  const ph = run.recorder.schedule.phases[phase]!;
  const from = new Date(run.recorder.startedAtMs + ph.startS * 1000).toISOString();
  const to = new Date(run.recorder.startedAtMs + (ph.startS + ph.durationS) * 1000).toISOString();
  const byTime = new Map<string, number>();
  for (const d of accountLevel(run.recorder.timeline(), metric)) if (d.timestamp >= from && d.timestamp < to) byTime.set(d.timestamp, (byTime.get(d.timestamp) ?? 0) + d.value);
  return byTime.size ? Math.max(...byTime.values()) : 0;
}

/** Simulates each saved run at its own scale with the parameters calibrated from it, and compares. */
export function validateAgainstRuns(parameters: ProjectionParameters, runs: BenchResult[], seed: number): Validation {
  const checks: PhaseCheck[] = [];
  for (const result of runs) {
    const model = result.model;
    if (model === 'external') continue;
    const shortest = Math.min(...result.phases.map((p) => p.durationS).filter((d) => d > 0));
    const schedule = scheduleOfRun(result, Math.max(0.25, Math.min(1, shortest / 4)));
    const p = atTimeScale(parameters, result.timeScale);
    // The run's metrics period (the local target's, scaled): the simulated timeline uses the same.
    const [run] = simulateModels([model], p, schedule, { seed, startedAtMs: 0, namePrefix: 'validate', periodSeconds: p.metricPeriodSeconds.value });
    const machineBound = new Set(machineBoundPhases(result));
    result.phases.forEach((ph, i) => {
      if (ph.warmup || ph.totals.latencyMs.count === 0) return;
      const projected = run!.recorder.phases[i]!.latency.percentileMs(95);
      const measured = ph.totals.latencyMs.p95;
      const capMeasured = measuredCapacity(result, ph.startedAt, ph.endedAt);
      const capProjected = projectedCapacity(run!, i);
      const capacityOk =
        capMeasured === null ||
        (result.model === 'traditional'
          ? Math.abs(capProjected - capMeasured) <= CAPACITY_TOLERANCE.instances
          : Math.abs(capProjected - capMeasured) <= Math.max(CAPACITY_TOLERANCE.relative * capMeasured, CAPACITY_TOLERANCE.executions));
      checks.push({
        model,
        phase: ph.name,
        machineBound: machineBound.has(ph.name),
        measuredP95Ms: measured,
        projectedP95Ms: Math.round(projected * 1000) / 1000,
        p95Ok: Math.abs(projected - measured) <= Math.max(P95_TOLERANCE.relative * measured, P95_TOLERANCE.absoluteMs),
        measuredCapacity: capMeasured,
        projectedCapacity: Math.round(capProjected * 10) / 10,
        capacityUnit: result.model === 'traditional' ? 'instances in service' : 'concurrent executions',
        capacityOk,
      });
    });
  }
  const judged = checks.filter((c) => !c.machineBound);
  return { checks, passed: judged.length > 0 && judged.every((c) => c.p95Ok && c.capacityOk) };
}

export function renderValidation(v: Validation, runLabel: string): string {
  const lines = [
    `archcompare project --validate ${runLabel}: the projection, calibrated from the run, simulating it at its own scale`,
    `tolerances: p95 within ${P95_TOLERANCE.relative * 100}% or ${P95_TOLERANCE.absoluteMs} ms; capacity within ${CAPACITY_TOLERANCE.instances} instance, or ${CAPACITY_TOLERANCE.relative * 100}% or ${CAPACITY_TOLERANCE.executions} executions`,
    '',
  ];
  const header = ['model', 'phase', 'measured p95', 'projected p95', '', 'measured capacity', 'projected', ''];
  const rows = v.checks.map((c) => [
    c.model,
    c.phase,
    `${c.measuredP95Ms.toFixed(1)} ms`,
    `${c.projectedP95Ms.toFixed(1)} ms`,
    c.machineBound ? (c.p95Ok ? 'ok*' : 'off*') : c.p95Ok ? 'ok' : 'OFF',
    c.measuredCapacity === null ? '–' : `${fmtInt(c.measuredCapacity)} ${c.capacityUnit}`,
    `${c.projectedCapacity}`,
    c.machineBound ? (c.capacityOk ? 'ok*' : 'off*') : c.capacityOk ? 'ok' : 'OFF',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) lines.push(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  const judged = v.checks.filter((c) => !c.machineBound);
  const bound = v.checks.length - judged.length;
  if (bound) lines.push('', `* not judged: ${bound} phase(s) during which this machine's CPU averaged ≥ 85% (its local latency then measures the machine, not the model)`);
  lines.push(
    '',
    judged.length === 0
      ? 'FAIL: no phase to judge (every phase was machine-bound: run the bench on a quieter machine or at a lower rate)'
      : v.passed
        ? `PASS: all ${judged.length} judged phase checks within tolerance`
        : `FAIL: ${judged.filter((c) => !c.p95Ok || !c.capacityOk).length} of ${judged.length} judged phase checks outside tolerance`,
  );
  return `${lines.join('\n')}\n`;
}
