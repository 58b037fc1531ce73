import { LOCAL_PARAMETERS } from '../architecture/modelled-parameters.js';
import type { BenchResult } from '../bench/result-schema.js';
import { decodeHistogram } from '../bench/statistics.js';
import type { Model } from '../config/stack-config.js';
import { fmtInt } from './bottleneck.js';
import { machineLimitedPhases } from '../cost/usage-from-results.js';
import type { LoadSchedule, ProjectionPhase, ProjectionStep } from './load-schedule.js';
import type { Param, ProjectionParameters } from './parameters.js';
import { phaseRouteRequests } from './route-mix.js';
import { simulateModels, type ModelRun } from './simulate.js';

/**
 * Validation against the real thing: the projection, calibrated from a saved local run, simulates that
 * run at its own scale (its phases as they ran, in wall time: the local target divides its modelled
 * delays — launch, warm-up, metric period, cooldown, idle reclaim, scaling window — by the run's time
 * scale, so the simulation does too) and predicts each phase's p95 and the capacity the run reached.
 *
 * Tolerances: p95 within 35% or 25 ms, whichever is larger (the local p95 includes the load balancer's
 * and the generator's own time, which the projection does not model), of the measured p95's 95%
 * confidence interval: a phase of 66 requests has only 3 above its p95, so its p95 could have been any
 * of the order statistics the binomial distribution allows (distribution-free, from the phase's
 * histogram); with thousands of requests the interval is a point or two of percentile wide. Capacity
 * per phase (most instances in service, most concurrent executions, in the metric periods that overlap
 * the phase: the simulation's periods are aligned with the run's) within 1 instance, or 35% or 3
 * executions.
 */
export const P95_TOLERANCE = { relative: 0.35, absoluteMs: 25 };
export const CAPACITY_TOLERANCE = { instances: 1, relative: 0.35, executions: 3 };

export interface PhaseCheck {
  model: Model;
  phase: string;
  /** The machine's CPU averaged ≥ 85% in the phase, or its cold starts queued for this machine's Init slots: its local p95 measures this machine, so it is shown, not judged. */
  machineBound: boolean;
  measuredP95Ms: number;
  /** Requests measured in the phase (the p95's sample). */
  requests: number;
  /** The measured p95's 95% confidence interval (order statistics of the phase's requests). */
  measuredP95IntervalMs: [number, number];
  projectedP95Ms: number;
  p95Ok: boolean;
  measuredCapacity: number | null;
  projectedCapacity: number;
  capacityUnit: string;
  capacityOk: boolean;
  /** The capacity's metric periods reach into a phase the machine bound: shown, not judged. */
  capacityMachineBound: boolean;
}

export interface Validation {
  checks: PhaseCheck[];
  passed: boolean;
}

/** The run's phases as they ran (wall seconds), cut into steps of `stepS`. */
export function scheduleOfRun(result: BenchResult, stepS: number, originMs?: number): LoadSchedule {
  const start = originMs ?? Date.parse(result.phases[0]?.startedAt ?? result.startedAt);
  const phases: ProjectionPhase[] = result.phases.map((p) => ({
    name: p.name,
    warmup: p.warmup,
    startS: (Date.parse(p.startedAt) - start) / 1000,
    durationS: p.durationS,
    targetRate: p.targetRate === 'max' ? p.totals.throughputRps : p.targetRate,
    // What the generator sent in the phase: a surge of new sessions is a surge of logins.
    routeRequests: phaseRouteRequests(p),
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

/**
 * The parameters as a local run ran: its time scale, this machine's own speed (no conversion to an
 * instance type's), and no CPU credits (the local target has none).
 */
export function asRun(p: ProjectionParameters, timeScale: number): ProjectionParameters {
  return {
    ...atTimeScale(p, timeScale),
    instanceSpeedRatio: { ...p.instanceSpeedRatio, value: 1 },
    cpuBaselinePerVcpu: { ...p.cpuBaselinePerVcpu, value: null },
  };
}

/** A metric's datapoints; for Lambda concurrency the account-level series (no dimension) when there is one, else the per-function ones. */
function accountLevel(datapoints: BenchResult['scalingTimeline']['datapoints'], metric: string) {
  const all = datapoints.filter((d) => d.metric === metric);
  const account = all.filter((d) => Object.keys(d.dimensions).length === 0);
  return metric === 'ConcurrentExecutions' && account.length ? account : all;
}

/** Most capacity in the metric periods overlapping [from, to): a period's gauge is its maximum, which may fall anywhere in it. */
function capacityIn(datapoints: BenchResult['scalingTimeline']['datapoints'], model: Model, fromMs: number, toMs: number, periodMs: number): number | null {
  const metric = model === 'traditional' ? 'GroupInServiceInstances' : 'ConcurrentExecutions';
  const byTime = new Map<string, number>();
  for (const d of accountLevel(datapoints, metric)) {
    const t = Date.parse(d.timestamp);
    if (t < toMs && t + periodMs > fromMs) byTime.set(d.timestamp, (byTime.get(d.timestamp) ?? 0) + d.value);
  }
  return byTime.size ? Math.max(...byTime.values()) : null;
}

/** The run's metric period boundary at or before its first phase: the simulation's periods start there, as the run's did. */
function periodOrigin(result: BenchResult, periodMs: number): number {
  const start = Date.parse(result.phases[0]?.startedAt ?? result.startedAt);
  const any = result.scalingTimeline.datapoints[0];
  if (!any) return start;
  const offset = (((start - Date.parse(any.timestamp)) % periodMs) + periodMs) % periodMs;
  return start - offset;
}

/** Binomial CDF P(X ≤ k) for X ~ Bin(n, q), summed in log space (n up to millions stays exact enough). */
function binomialCdf(k: number, n: number, q: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let logPmf = n * Math.log(1 - q); // P(X = 0)
  let cdf = Math.exp(logPmf);
  for (let i = 1; i <= k; i++) {
    logPmf += Math.log((n - i + 1) / i) + Math.log(q / (1 - q));
    cdf += Math.exp(logPmf);
  }
  return Math.min(1, cdf);
}

/**
 * The ranks (1-based) of the order statistics bounding the q-quantile of n samples with ≥ 95% confidence:
 * [X(l), X(u)] with l the largest rank whose P(Bin(n, q) < l) ≤ 2.5%, u the smallest with P(Bin(n, q) < u) ≥ 97.5%.
 */
export function quantileRankInterval(n: number, q: number): [number, number] {
  let l = 1;
  while (l < n && binomialCdf(l, n, q) <= 0.025) l++;
  let u = l;
  while (u < n && binomialCdf(u - 1, n, q) < 0.975) u++;
  return [l, u];
}

function p95Interval(phase: BenchResult['phases'][number]): [number, number] {
  const h = decodeHistogram(phase.totals.latencyHistogram);
  const n = h.totalCount;
  if (n === 0) return [phase.totals.latencyMs.p95, phase.totals.latencyMs.p95];
  const [l, u] = quantileRankInterval(n, 0.95);
  const at = (rank: number) => h.getValueAtPercentile((100 * rank) / n) / 1000;
  return [Math.min(at(l), phase.totals.latencyMs.p95), Math.max(at(u), phase.totals.latencyMs.p95)];
}

/** Simulates each saved run at its own scale with the parameters calibrated from it, and compares. */
export function validateAgainstRuns(parameters: ProjectionParameters, runs: BenchResult[], seed: number): Validation {
  const checks: PhaseCheck[] = [];
  for (const result of runs) {
    const model = result.model;
    if (model === 'external') continue;
    const shortest = Math.min(...result.phases.map((p) => p.durationS).filter((d) => d > 0));
    const p = asRun(parameters, result.timeScale);
    const periodMs = p.metricPeriodSeconds.value * 1000;
    const originMs = periodOrigin(result, periodMs);
    const schedule = scheduleOfRun(result, Math.max(0.25, Math.min(1, shortest / 4)), originMs);
    // The run's metrics period (the local target's, scaled), aligned with the run's: the simulated timeline uses the same.
    const [run] = simulateModels([model], p, schedule, { seed, startedAtMs: originMs, namePrefix: 'validate', periodSeconds: p.metricPeriodSeconds.value });
    const projectedTimeline = run!.recorder.timeline();
    const machineBound = machineLimitedPhases(result);
    // A metric period that reaches into a phase the machine bound carries that phase's gauge maximum.
    const boundSpans = result.phases.filter((ph) => machineBound.has(ph.name)).map((ph) => [Date.parse(ph.startedAt), Date.parse(ph.endedAt)] as const);
    const touchesBound = (from: number, to: number) => {
      const first = originMs + Math.floor((from - originMs) / periodMs) * periodMs;
      const last = originMs + Math.ceil((to - originMs) / periodMs) * periodMs;
      return boundSpans.some(([a, b]) => a < last && b > first);
    };
    result.phases.forEach((ph, i) => {
      if (ph.warmup || ph.totals.latencyMs.count === 0) return;
      const projected = run!.recorder.phases[i]!.latency.percentileMs(95);
      const measured = ph.totals.latencyMs.p95;
      const [low, high] = p95Interval(ph);
      const from = Date.parse(ph.startedAt);
      const to = Date.parse(ph.endedAt);
      const capMeasured = capacityIn(result.scalingTimeline.datapoints, model, from, to, periodMs);
      const capProjected = capacityIn(projectedTimeline, model, from, to, periodMs) ?? 0;
      const capacityOk =
        capMeasured === null ||
        (result.model === 'traditional'
          ? Math.abs(capProjected - capMeasured) <= CAPACITY_TOLERANCE.instances
          : Math.abs(capProjected - capMeasured) <= Math.max(CAPACITY_TOLERANCE.relative * capMeasured, CAPACITY_TOLERANCE.executions));
      const slack = (x: number) => Math.max(P95_TOLERANCE.relative * x, P95_TOLERANCE.absoluteMs);
      checks.push({
        model,
        phase: ph.name,
        machineBound: machineBound.has(ph.name),
        capacityMachineBound: machineBound.has(ph.name) || touchesBound(from, to),
        measuredP95Ms: measured,
        requests: ph.totals.latencyMs.count,
        measuredP95IntervalMs: [low, high],
        projectedP95Ms: Math.round(projected * 1000) / 1000,
        p95Ok: projected >= low - slack(low) && projected <= high + slack(high),
        measuredCapacity: capMeasured,
        projectedCapacity: Math.round(capProjected * 10) / 10,
        capacityUnit: result.model === 'traditional' ? 'instances in service' : 'concurrent executions',
        capacityOk,
      });
    });
  }
  const judged = checks.filter((c) => !c.machineBound);
  return { checks, passed: judged.length > 0 && judged.every((c) => c.p95Ok && (c.capacityOk || c.capacityMachineBound)) };
}

export function renderValidation(v: Validation, runLabel: string): string {
  const lines = [
    `archcompare project --validate ${runLabel}: the projection, calibrated from the run, simulating it at its own scale`,
    `tolerances: p95 within ${P95_TOLERANCE.relative * 100}% or ${P95_TOLERANCE.absoluteMs} ms of the measured p95's 95% confidence interval (order statistics: wide for a phase of few requests); capacity within ${CAPACITY_TOLERANCE.instances} instance, or ${CAPACITY_TOLERANCE.relative * 100}% or ${CAPACITY_TOLERANCE.executions} executions`,
    '',
  ];
  const header = ['model', 'phase', 'requests', 'measured p95 [95% CI]', 'projected p95', '', 'measured capacity', 'projected', ''];
  const rows = v.checks.map((c) => [
    c.model,
    c.phase,
    fmtInt(c.requests),
    `${c.measuredP95Ms.toFixed(1)} ms [${c.measuredP95IntervalMs[0].toFixed(1)}–${c.measuredP95IntervalMs[1].toFixed(1)}]`,
    `${c.projectedP95Ms.toFixed(1)} ms`,
    c.machineBound ? (c.p95Ok ? 'ok*' : 'off*') : c.p95Ok ? 'ok' : 'OFF',
    c.measuredCapacity === null ? '–' : `${fmtInt(c.measuredCapacity)} ${c.capacityUnit}`,
    `${c.projectedCapacity}`,
    c.capacityMachineBound ? (c.capacityOk ? 'ok*' : 'off*') : c.capacityOk ? 'ok' : 'OFF',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) lines.push(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  const judged = v.checks.filter((c) => !c.machineBound);
  const bound = v.checks.length - judged.length;
  if (bound || v.checks.some((c) => c.capacityMachineBound)) lines.push('', `* not judged: ${bound} phase(s) during which this machine's CPU averaged ≥ 85% or cold starts queued for its Init slots (their local latency then measures the machine, not the model), and capacities whose metric periods reach into such a phase`);
  lines.push(
    '',
    judged.length === 0
      ? 'FAIL: no phase to judge (every phase was machine-bound: run the bench on a quieter machine or at a lower rate)'
      : v.passed
        ? `PASS: all ${judged.length} judged phase checks within tolerance`
        : `FAIL: ${judged.filter((c) => !c.p95Ok || !(c.capacityOk || c.capacityMachineBound)).length} of ${judged.length} judged phase checks outside tolerance`,
  );
  return `${lines.join('\n')}\n`;
}
