import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { phaseResult, type PhasesRun } from './assemble-result.js';
import { type GeneratorPool, startDistributedPhase, workersFor } from './generator-pool.js';
import type { BenchProgress } from './harness.js';
import { type CatalogKnowledge, type RunLedger, VirtualUser } from './journeys.js';
import { type PhaseRunOutcome, startPhase } from './phase-runner.js';
import type { Profile } from './profile-schema.js';
import { PhaseRecorder, SecondSeries } from './recorder.js';
import type { PhaseResult } from './result-schema.js';
import { type PlannedPhase, rateAt, requestTimeoutS, thinkTimeBounds, totalDurationS } from './schedule.js';
import { decodeHistogram, type GeneratorSample, type Histogram, newHistogram, percentileMs } from './statistics.js';

/**
 * The middle step of a bench run: the planned phases one after the other against a prepared target,
 * each on this thread or on generator worker threads, with a progress tick every second.
 */

export interface ExecutePhasesOptions {
  url: string;
  runId: string;
  profile: Profile;
  phases: PlannedPhase[];
  random: () => number;
  catalog: CatalogKnowledge;
  ledger: RunLedger;
  /** Accounts registered while preparing: virtual user i logs in as seeded[i] when there is one. */
  seeded: { email: string; password: string }[];
  /** Worker threads, already starting; closed once the phases are over. */
  generators: GeneratorPool;
  /** Forced generator threads per phase (see workersFor). */
  workers?: number;
  signal?: AbortSignal;
  /** Latest capacity figure for the live view (polled every 5 s while a phase runs). */
  capacity?: () => Promise<number | null>;
  emit: (p: Omit<BenchProgress, 'model' | 'phaseCount'>) => void;
  /** The progress fields between phases. */
  idle: Omit<BenchProgress, 'model' | 'phaseCount' | 'stage'>;
}

/** One phase on this thread (one generator) or on worker threads: the same surface for the phase loop. */
interface PhaseRun {
  /** The phase's t=0 on this thread's performance.now() clock. */
  startMs: number;
  /** Closes the second: the generator's load (CPU as a fraction of a core; the busiest worker's event-loop utilisation). */
  sample(): Promise<GeneratorSample>;
  /** Running figures for the live view. */
  live: { latency: Histogram; errors: number; throttled: number; coldStarts: number };
  done: Promise<{ outcome: PhaseRunOutcome; recorder: PhaseRecorder }>;
}

/** What every phase of a run shares: the target, the virtual users, the per-second series, the generator threads. */
interface RunState {
  url: string;
  runId: string;
  random: () => number;
  catalog: CatalogKnowledge;
  ledger: RunLedger;
  generators: GeneratorPool;
  signal?: AbortSignal;
  /** Virtual user i, created on first use (logged in as the i-th seeded account when there is one). */
  pool: { get(index: number): VirtualUser };
  /** The users so far, by index: workers hand theirs back at the end of a phase. */
  vus: VirtualUser[];
  series: SecondSeries;
  loopDelay: IntervalHistogram;
  thinkTime: { minS: number; maxS: number };
  timeoutS: number;
}

/** A phase on this thread: one generator, its CPU and event-loop delay sampled here. */
function runInThread(state: RunState, phase: PlannedPhase): PhaseRun {
  const recorder = new PhaseRecorder();
  const running = startPhase({
    url: state.url,
    phase,
    pool: state.pool,
    thinkTime: state.thinkTime,
    timeoutS: state.timeoutS,
    random: state.random,
    signal: state.signal,
    hooks: {
      sent: () => state.series.sent(),
      completed: (o) => {
        recorder.record(o);
        state.series.completed(o);
      },
      journey: (name, event) => recorder.journey(name, event),
    },
  });
  let cpuMark = process.cpuUsage();
  let wallMark = performance.now();
  state.loopDelay.reset();
  return {
    startMs: performance.now() - running.elapsedS() * 1000,
    async sample() {
      const now = performance.now();
      const cpu = process.cpuUsage(cpuMark);
      const wallMicros = (now - wallMark) * 1000;
      cpuMark = process.cpuUsage();
      wallMark = now;
      const p99 = state.loopDelay.percentile(99) / 1e6;
      state.loopDelay.reset();
      return { cpu: wallMicros > 0 ? (cpu.user + cpu.system) / wallMicros : 0, loopDelayP99Ms: Number.isFinite(p99) ? p99 : 0 };
    },
    get live() {
      return recorder.totals;
    },
    done: running.done.then((outcome) => ({ outcome, recorder })),
  };
}

/** A phase on `workers` generator threads, each taking every N-th slot and a share of the virtual users. */
async function runOnWorkers(state: RunState, phase: PlannedPhase, workers: number): Promise<PhaseRun> {
  const live = { latency: newHistogram(), errors: 0, throttled: 0, coldStarts: 0 };
  const users = Array.from({ length: phase.virtualUsers }, (_, i) => state.pool.get(i).state());
  const distributed = await startDistributedPhase({
    pool: state.generators,
    workers,
    runId: state.runId,
    url: state.url,
    phase,
    users,
    catalog: state.catalog.snapshot(),
    thinkTime: state.thinkTime,
    timeoutS: state.timeoutS,
    seeds: Array.from({ length: workers }, () => Math.floor(state.random() * 2 ** 32)),
    signal: state.signal,
    onSecond: (bucket) => {
      state.series.absorb(bucket);
      live.errors += bucket.errors;
      live.throttled += bucket.throttled;
      live.coldStarts += bucket.coldStarts;
      live.latency.add(decodeHistogram(bucket.latency));
    },
  });
  return {
    startMs: distributed.startMs,
    sample: () => distributed.second(),
    live,
    done: distributed.done.then((r) => {
      // The users carry on in the next phase from where the workers left them.
      for (const user of r.users) state.vus[user.index] = VirtualUser.restore(user, { runId: state.runId, random: state.random, catalog: state.catalog, ledger: state.ledger });
      for (const l of r.ledgers) state.ledger.absorb(l);
      for (const c of r.catalogs) state.catalog.absorb(c);
      return { outcome: r.outcome, recorder: r.recorder };
    }),
  };
}

/** Runs every planned phase (until interrupted); the run's end time is taken when the last one is over. */
export async function executePhases(opts: ExecutePhasesOptions): Promise<PhasesRun & { lastCapacity: number | null }> {
  const { phases, random, catalog, ledger, emit, idle } = opts;
  const runDurationS = totalDurationS(phases);

  const vus: VirtualUser[] = [];
  const pool = {
    get: (index: number): VirtualUser => {
      while (vus.length <= index) {
        const i = vus.length;
        const vu = new VirtualUser({ index: i, runId: opts.runId, random, catalog, ledger, seededAccount: opts.seeded[i] });
        ledger.accounts.set(vu.email, vu.password);
        vus.push(vu);
      }
      return vus[index]!;
    },
  };

  const startedAt = new Date();
  const runStartMs = Date.now();
  const series = new SecondSeries();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const state: RunState = {
    url: opts.url,
    runId: opts.runId,
    random,
    catalog,
    ledger,
    generators: opts.generators,
    signal: opts.signal,
    pool,
    vus,
    series,
    loopDelay,
    thinkTime: thinkTimeBounds(opts.profile),
    timeoutS: requestTimeoutS(opts.profile),
  };
  const results: PhaseResult[] = [];
  const recorders: PhaseRecorder[] = [];
  const allSamples: GeneratorSample[] = [];
  let partialReason: string | undefined;
  let capacity: number | null = null;
  let elapsedBeforePhase = 0;

  let maxWorkers = 1;
  try {
    for (const [index, phase] of phases.entries()) {
      if (opts.signal?.aborted) break;
      const workers = workersFor(phase, opts.workers);
      maxWorkers = Math.max(maxWorkers, workers);
      const run = workers === 1 ? runInThread(state, phase) : await runOnWorkers(state, phase, workers);
      const samples: GeneratorSample[] = [];
      let lastPoint = { completedRps: 0 };
      const phaseElapsedS = () => (performance.now() - run.startMs) / 1000;
      const targetRps = () => rateAt(phase.rate, Math.max(0, phaseElapsedS()), phase.durationS);
      const progress = (stage: BenchProgress['stage']) =>
        emit({
          stage,
          phase: phase.name,
          phaseIndex: index,
          warmup: phase.warmup,
          phaseElapsedS: Math.min(Math.max(0, phaseElapsedS()), phase.durationS),
          phaseDurationS: phase.durationS,
          runElapsedS: (Date.now() - runStartMs) / 1000,
          runRemainingS: Math.max(0, runDurationS - elapsedBeforePhase - Math.max(0, phaseElapsedS())),
          targetRps: targetRps(),
          currentRps: lastPoint.completedRps,
          p95Ms: percentileMs(run.live.latency, 95),
          errors: run.live.errors,
          throttled: run.live.throttled,
          coldStarts: run.live.coldStarts,
          capacity,
        });
      let phaseOver = false;
      let ticking = false;
      const ticker = setInterval(() => {
        if (ticking) return; // a slow flush from the workers: skip a beat rather than pile up
        ticking = true;
        run
          .sample()
          .then((sample) => {
            if (phaseOver) return;
            samples.push(sample);
            lastPoint = series.roll(phase.name, targetRps(), sample.cpu);
            progress('phase');
          })
          .catch(() => undefined)
          .finally(() => (ticking = false));
      }, 1000);
      const capacityPoll = opts.capacity
        ? setInterval(() => {
            opts.capacity!().then((c) => (capacity = c), () => undefined);
          }, 5000)
        : undefined;
      progress('phase');
      let finished: { outcome: PhaseRunOutcome; recorder: PhaseRecorder };
      try {
        finished = await run.done;
      } finally {
        phaseOver = true;
        clearInterval(ticker);
        if (capacityPoll) clearInterval(capacityPoll);
      }
      const { outcome, recorder } = finished;
      if (outcome.interrupted) partialReason = `interrupted during phase "${phase.name}"`;
      const result = phaseResult(phase, outcome, recorder, samples, outcome.interrupted, workers);
      results.push(result);
      allSamples.push(...samples);
      if (!phase.warmup) recorders.push(recorder);
      elapsedBeforePhase += phase.durationS;
      emit({ ...idle, stage: 'phase', phase: phase.name, phaseIndex: index, warmup: phase.warmup, runElapsedS: (Date.now() - runStartMs) / 1000, runRemainingS: Math.max(0, runDurationS - elapsedBeforePhase), capacity, finishedPhase: result });
      if (outcome.interrupted) break;
    }
  } finally {
    await opts.generators.close();
  }
  // The last phase's final tick can land after its end (workers answer a tick asynchronously):
  // close the open second so its requests and cold starts are in the series, as in the phase totals.
  const lastPhase = phases[results.length - 1];
  if (lastPhase && series.pending()) series.roll(lastPhase.name, rateAt(lastPhase.rate, lastPhase.durationS, lastPhase.durationS), allSamples.at(-1)?.cpu ?? 0);
  loopDelay.disable();
  if (opts.signal?.aborted && !partialReason) partialReason = 'interrupted before the first phase';
  return {
    startedAt,
    endedAt: new Date(),
    planned: phases,
    phases: results,
    measured: recorders,
    samples: allSamples,
    series: series.points,
    maxWorkers,
    partialReason,
    lastCapacity: capacity,
  };
}
