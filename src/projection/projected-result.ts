import { RESULT_SCHEMA_VERSION, type BenchResult, type PhaseResult, type ProjectionMarker, type RequestStats, type SeriesPoint } from '../bench/result-schema.js';
import type { Profile } from '../bench/profile-schema.js';
import type { Model } from '../config/stack-config.js';
import { LatencyAccumulator } from './latency-accumulator.js';
import type { PhaseTally, ProjectionRecorder } from './recorder.js';

/**
 * A projection run in the bench result's shape (src/bench/result-schema.ts), so the cost engine and the
 * report read it as they read a measured run; `projection` marks it projected and says how.
 * Latency percentiles are of the answered 2xx requests (throttled and failed requests are counted
 * apart); counts are rounded to whole requests.
 */
const int = (n: number): number => Math.max(0, Math.round(n));

function requestStats(tallies: PhaseTally[], durationS: number): RequestStats {
  const latency = new LatencyAccumulator();
  const init = new LatencyAccumulator();
  const statusCounts: Record<string, number> = {};
  let arrivals = 0;
  let ok = 0;
  let throttled = 0;
  let serverErrors = 0;
  let timeouts = 0;
  let coldStarts = 0;
  for (const t of tallies) {
    latency.merge(t.latency);
    init.merge(t.initMs);
    arrivals += t.arrivals;
    ok += t.ok;
    throttled += t.throttled;
    serverErrors += t.serverErrors;
    timeouts += t.timeouts;
    coldStarts += t.coldStarts;
    for (const [code, n] of Object.entries(t.statusCounts)) statusCounts[code] = (statusCounts[code] ?? 0) + n;
  }
  const answered = latency.summary(int(ok));
  const initSummary = init.summary(int(coldStarts));
  const responses = int(ok) + int(throttled) + int(serverErrors);
  return {
    requests: int(arrivals),
    responses,
    throughputRps: durationS > 0 ? Math.round((responses / durationS) * 100) / 100 : 0,
    latencyMs: answered.summary,
    correctedLatencyMs: answered.summary,
    latencyHistogram: answered.encoded,
    statusCounts: Object.fromEntries(Object.entries(statusCounts).map(([k, v]) => [k, int(v)]).filter(([, v]) => (v as number) > 0)),
    errors: int(serverErrors) + int(timeouts),
    connectionErrors: 0,
    timeouts: int(timeouts),
    serverErrors: int(serverErrors),
    clientErrors: 0,
    throttled: int(throttled),
    coldStarts: { count: int(coldStarts), initMs: initSummary.summary },
  };
}

const NO_GENERATOR = { saturated: false, saturatedSeconds: 0, peakCpu: 0, peakLoopDelayMs: 0 };

export interface ProjectedResultInput {
  runId: string;
  model: Model;
  profile: Profile;
  profileFile: string;
  region: string;
  recorder: ProjectionRecorder;
  marker: ProjectionMarker;
  startedAtMs: number;
  node: string;
  warnings: string[];
}

export function projectedResult(input: ProjectedResultInput): BenchResult {
  const { recorder, startedAtMs } = input;
  const schedule = recorder.schedule;
  const iso = (s: number) => new Date(startedAtMs + s * 1000).toISOString();
  const phases: PhaseResult[] = schedule.phases.map((ph, i) => {
    const tally = recorder.phases[i]!;
    const totals = requestStats([tally], ph.durationS);
    return {
      name: ph.name,
      ...(ph.description ? { description: ph.description } : {}),
      warmup: ph.warmup,
      startedAt: iso(ph.startS),
      endedAt: iso(ph.startS + ph.durationS),
      durationS: ph.durationS,
      modelledDurationS: ph.durationS,
      targetRate: ph.targetRate,
      // Little's law: requests in flight at the phase's busiest step stand in for virtual users.
      virtualUsers: Math.max(1, Math.ceil(tally.peakConcurrency)),
      schedule: { scheduled: totals.requests, sent: totals.requests, late: 0, dropped: 0, inFlightAtEnd: int(tally.inFlightAtEnd), maxLatenessMs: 0, closedLoopDistorted: false },
      totals,
      steps: {},
      journeys: {},
      generator: NO_GENERATOR,
      partial: false,
    };
  });
  const measured = schedule.phases.map((ph, i) => ({ ph, tally: recorder.phases[i]! })).filter(({ ph }) => !ph.warmup);
  const measuredSeconds = measured.reduce((s, m) => s + m.ph.durationS, 0);
  const series: SeriesPoint[] = recorder.closedSeries().map((s) => ({
    t: int(s.t),
    phase: schedule.phases[s.phase]!.name,
    targetRps: Math.round((s.targetRps / Math.max(1e-9, s.seconds)) * 100) / 100,
    sentRps: int(s.arrivals / s.seconds),
    completedRps: int(s.completed / s.seconds),
    p95Ms: Math.round(s.p95Ms * 1000) / 1000,
    errors: int(s.errors),
    throttled: int(s.throttled),
    coldStarts: int(s.coldStarts),
    generatorCpu: 0,
  }));
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    kind: 'archcompare.bench-result',
    runId: input.runId,
    model: input.model,
    target: { kind: 'aws', url: `projected://${input.profile.name}`, region: input.region },
    profile: { name: input.profile.name, description: input.profile.description, file: input.profileFile, definition: input.profile },
    timeScale: 1,
    startedAt: iso(0),
    endedAt: iso(schedule.durationS),
    durationS: schedule.durationS,
    partial: false,
    generator: { ...NO_GENERATOR, workers: 1, node: input.node, cpus: 1 },
    totals: requestStats(
      measured.map((m) => m.tally),
      measuredSeconds,
    ),
    steps: {},
    journeys: {},
    phases,
    series,
    scalingTimeline: {
      source: 'projected',
      note: `simulated by archcompare project (${recorder.periodSeconds} s periods), not measured`,
      datapoints: recorder.timeline(),
    },
    invariants: [],
    catalog: { products: null },
    warnings: input.warnings,
    projection: input.marker,
  };
}
