import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { UserError } from '../errors.js';
import { retry, TRY_AGAIN } from '../retry.js';
import { checkInvariants, defaultInvariants, type Invariant, type InvariantContext } from './invariants.js';
import { GeneratorPool, startDistributedPhase, workersFor } from './generator-pool.js';
import { CatalogKnowledge, RunLedger, VirtualUser } from './journeys.js';
import { type PhaseRunOutcome, startPhase } from './phase-runner.js';
import type { Profile } from './profile-schema.js';
import { mergePhaseRecorders, PhaseRecorder, SecondSeries } from './recorder.js';
import {
  type BenchModel,
  type BenchResult,
  BenchResultSchema,
  type InvariantOutcome,
  type PhaseResult,
  RESULT_SCHEMA_VERSION,
  type ScalingTimeline,
} from './result-schema.js';
import { readScalingTimeline } from './scaling-timeline.js';
import { planPhases, type PlannedPhase, rateAt, requestTimeoutS, seededRandom, thinkTimeBounds, totalDurationS } from './schedule.js';
import { closedLoopDistorted, decodeHistogram, type GeneratorSample, generatorSaturation, type Histogram, newHistogram, percentileMs } from './statistics.js';

/** What is being benched: a deployed model (local or AWS) or any URL. */
export interface BenchTarget {
  model: BenchModel;
  kind: 'local' | 'aws' | 'url';
  url: string;
  region?: string;
  deploymentRunId?: string;
  /** Where the target writes its CloudWatch-shaped metrics (local target), if anywhere. */
  metricsDir?: string;
}

export interface BenchProgress {
  model: BenchModel;
  stage: 'setup' | 'phase' | 'invariants' | 'done';
  phase?: string;
  phaseIndex: number;
  phaseCount: number;
  warmup: boolean;
  phaseElapsedS: number;
  phaseDurationS: number;
  runElapsedS: number;
  runRemainingS: number;
  targetRps: number;
  currentRps: number;
  p95Ms: number;
  errors: number;
  throttled: number;
  coldStarts: number;
  /** Instances in service / concurrent environments from the target's metrics, when known. */
  capacity: number | null;
  /** Set when a phase just ended. */
  finishedPhase?: PhaseResult;
}

export interface RunBenchOptions {
  target: BenchTarget;
  profile: Profile;
  profileFile: string;
  timeScale: number;
  runId: string;
  signal?: AbortSignal;
  onProgress?: (p: BenchProgress) => void;
  invariants?: Invariant[];
  /** PRNG seed for journey choices and think times (default: derived from the run id). */
  seed?: number;
  /** Latest capacity figure for the live view (polled every few seconds). */
  capacity?: () => Promise<number | null>;
  /**
   * Generator worker threads per phase. Default: as many as the phase's target rate needs (see
   * workersFor in generator-pool.ts; one for "max"). A number forces that many for every phase.
   */
  workers?: number;
  warnings?: string[];
  /** Awaited once the target is prepared, before the first phase (e.g. to read the target's own counters). */
  beforePhases?: () => Promise<void>;
}

function hashSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

async function httpJson(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(baseUrl.replace(/\/+$/, '') + path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/** Checks the target answers, registers the seed accounts and learns the catalog (not measured). */
async function prepare(target: BenchTarget, profile: Profile, runId: string, catalog: CatalogKnowledge, ledger: RunLedger, warnings: string[]) {
  try {
    const health = await httpJson(target.url, 'GET', '/health', { timeoutMs: 5000 });
    if (health.status >= 500) warnings.push(`GET /health answered ${health.status} before the run`);
  } catch (err) {
    throw new UserError(
      `${target.model}: the target at ${target.url} does not answer (${(err as Error).message})`,
      target.kind === 'url' ? 'check --url' : `deploy it again ('archcompare deploy --model ${target.model}') or check 'archcompare status'`,
    );
  }
  let products: number | null = null;
  for (let page = 1; page <= 5; page++) {
    try {
      const res = await httpJson(target.url, 'GET', `/products?page=${page}&pageSize=100`);
      if (res.status !== 200) break;
      const body = res.body as { items?: unknown; total?: unknown };
      catalog.learn(body.items);
      if (typeof body.total === 'number') products = body.total;
      if (!Array.isArray(body.items) || body.items.length < 100) break;
    } catch {
      break;
    }
  }
  const wantProducts = profile.seed?.products;
  if (wantProducts !== undefined && (products ?? catalog.productIds.length) < wantProducts) {
    warnings.push(`the profile expects at least ${wantProducts} products; the catalog has ${products ?? catalog.productIds.length}`);
  }
  if (catalog.productIds.length === 0) warnings.push('GET /products returned no products: product journeys will end early');
  const seeded: { email: string; password: string }[] = [];
  const wanted = profile.seed?.users ?? 0;
  const queue = Array.from({ length: wanted }, (_, i) => i);
  const password = `Seed-${runId}-pw`;
  await Promise.all(
    Array.from({ length: Math.min(8, wanted) }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const email = `seed${i}-${runId}@bench.archcompare.test`.toLowerCase();
        try {
          const res = await httpJson(target.url, 'POST', '/users/register', { body: { email, password, name: `Seed user ${i}` } });
          if (res.status === 201 || res.status === 200 || res.status === 409) {
            seeded[i] = { email, password };
            ledger.accounts.set(email, password);
          }
        } catch {
          /* counted below */
        }
      }
    }),
  );
  const registered = seeded.filter(Boolean);
  if (registered.length < wanted) warnings.push(`registered ${registered.length} of ${wanted} seed users`);
  return { products, seeded: registered };
}

function invariantContext(baseUrl: string, ledger: RunLedger): InvariantContext {
  const tokens = new Map<string, string>();
  return {
    baseUrl,
    ledger,
    sampleLimit: 50,
    request: (method, path, opts) => httpJson(baseUrl, method, path, opts),
    async tokenFor(email) {
      const cached = tokens.get(email);
      if (cached) return cached;
      const password = ledger.accounts.get(email);
      if (!password) return undefined;
      // Throttled (429) or failing (5xx) logins are retried; any other refusal is the answer.
      return retry(
        `login of ${email}`,
        { attempts: 5, firstDelayMs: 250, maxDelayMs: 4000 },
        async () => {
          const res = await httpJson(baseUrl, 'POST', '/users/login', { body: { email, password } });
          const token = (res.body as { token?: unknown } | undefined)?.token;
          if (res.status === 200 && typeof token === 'string') {
            tokens.set(email, token);
            return token;
          }
          return res.status === 429 || res.status >= 500 ? TRY_AGAIN : undefined;
        },
        { onExhausted: () => undefined },
      );
    },
  };
}

function phaseResult(phase: PlannedPhase, outcome: PhaseRunOutcome, recorder: PhaseRecorder, samples: GeneratorSample[], partial: boolean, workers: number): PhaseResult {
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

/** Runs a profile against one target and returns the validated result document (not yet written). */
export async function runBench(opts: RunBenchOptions): Promise<BenchResult> {
  const { target, profile } = opts;
  const warnings = [...(opts.warnings ?? [])];
  const random = seededRandom(opts.seed ?? hashSeed(opts.runId + target.model));
  const catalog = new CatalogKnowledge();
  const ledger = new RunLedger();
  const phases = planPhases(profile, opts.timeScale);
  const runDurationS = totalDurationS(phases);
  const emit = (p: Omit<BenchProgress, 'model' | 'phaseCount'>) => opts.onProgress?.({ model: target.model, phaseCount: phases.length, ...p });
  const idle = { phaseIndex: 0, warmup: false, phaseElapsedS: 0, phaseDurationS: 0, runElapsedS: 0, runRemainingS: runDurationS, targetRps: 0, currentRps: 0, p95Ms: 0, errors: 0, throttled: 0, coldStarts: 0, capacity: null };

  emit({ stage: 'setup', ...idle });
  // Generator worker threads start (a second or two from TypeScript sources) while the target is prepared.
  const generators = new GeneratorPool();
  const workersNeeded = Math.max(...phases.map((p) => workersFor(p, opts.workers)));
  if (workersNeeded > 1) generators.take(workersNeeded).catch(() => undefined);
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(target, profile, opts.runId, catalog, ledger, warnings);
  } catch (err) {
    await generators.close();
    throw err;
  }
  const { products, seeded } = prepared;
  await opts.beforePhases?.();

  const vus: VirtualUser[] = [];
  const pool = {
    get: (index: number): VirtualUser => {
      while (vus.length <= index) {
        const i = vus.length;
        const vu = new VirtualUser({ index: i, runId: opts.runId, random, catalog, ledger, seededAccount: seeded[i] });
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
  const thinkTime = thinkTimeBounds(profile);
  const timeoutS = requestTimeoutS(profile);
  const results: PhaseResult[] = [];
  const recorders: PhaseRecorder[] = [];
  const allSamples: GeneratorSample[] = [];
  let partialReason: string | undefined;
  let capacity: number | null = null;
  let elapsedBeforePhase = 0;

  const runInThread = (phase: PlannedPhase): PhaseRun => {
    const recorder = new PhaseRecorder();
    const running = startPhase({
      url: target.url,
      phase,
      pool,
      thinkTime,
      timeoutS,
      random,
      signal: opts.signal,
      hooks: {
        sent: () => series.sent(),
        completed: (o) => {
          recorder.record(o);
          series.completed(o);
        },
        journey: (name, event) => recorder.journey(name, event),
      },
    });
    let cpuMark = process.cpuUsage();
    let wallMark = performance.now();
    loopDelay.reset();
    return {
      startMs: performance.now() - running.elapsedS() * 1000,
      async sample() {
        const now = performance.now();
        const cpu = process.cpuUsage(cpuMark);
        const wallMicros = (now - wallMark) * 1000;
        cpuMark = process.cpuUsage();
        wallMark = now;
        const p99 = loopDelay.percentile(99) / 1e6;
        loopDelay.reset();
        return { cpu: wallMicros > 0 ? (cpu.user + cpu.system) / wallMicros : 0, loopDelayP99Ms: Number.isFinite(p99) ? p99 : 0 };
      },
      get live() {
        return recorder.totals;
      },
      done: running.done.then((outcome) => ({ outcome, recorder })),
    };
  };

  const runOnWorkers = async (phase: PlannedPhase, workers: number): Promise<PhaseRun> => {
    const live = { latency: newHistogram(), errors: 0, throttled: 0, coldStarts: 0 };
    const users = Array.from({ length: phase.virtualUsers }, (_, i) => pool.get(i).state());
    const distributed = await startDistributedPhase({
      pool: generators,
      workers,
      runId: opts.runId,
      url: target.url,
      phase,
      users,
      catalog: catalog.snapshot(),
      thinkTime,
      timeoutS,
      seeds: Array.from({ length: workers }, () => Math.floor(random() * 2 ** 32)),
      signal: opts.signal,
      onSecond: (bucket) => {
        series.absorb(bucket);
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
        for (const state of r.users) vus[state.index] = VirtualUser.restore(state, { runId: opts.runId, random, catalog, ledger });
        for (const l of r.ledgers) ledger.absorb(l);
        for (const c of r.catalogs) catalog.absorb(c);
        return { outcome: r.outcome, recorder: r.recorder };
      }),
    };
  };

  let maxWorkers = 1;
  try {
    for (const [index, phase] of phases.entries()) {
      if (opts.signal?.aborted) break;
      const workers = workersFor(phase, opts.workers);
      maxWorkers = Math.max(maxWorkers, workers);
      const run = workers === 1 ? runInThread(phase) : await runOnWorkers(phase, workers);
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
    await generators.close();
  }
  // The last phase's final tick can land after its end (workers answer a tick asynchronously):
  // close the open second so its requests and cold starts are in the series, as in the phase totals.
  const lastPhase = phases[results.length - 1];
  if (lastPhase && series.pending()) series.roll(lastPhase.name, rateAt(lastPhase.rate, lastPhase.durationS, lastPhase.durationS), allSamples.at(-1)?.cpu ?? 0);
  loopDelay.disable();
  if (opts.signal?.aborted && !partialReason) partialReason = 'interrupted before the first phase';
  const partial = partialReason !== undefined || results.filter((r) => !r.warmup).length < phases.filter((p) => !p.warmup).length;
  const endedAt = new Date();

  let invariants: InvariantOutcome[];
  if (partial) {
    invariants = (opts.invariants ?? defaultInvariants).map((inv) => ({ id: inv.id, description: inv.description, status: 'skipped' as const, checked: 0, violations: [], detail: 'the run was interrupted' }));
  } else {
    emit({ ...idle, stage: 'invariants', runElapsedS: (Date.now() - runStartMs) / 1000, runRemainingS: 0, capacity });
    invariants = await checkInvariants(opts.invariants ?? defaultInvariants, invariantContext(target.url, ledger));
  }

  let scalingTimeline: ScalingTimeline;
  try {
    scalingTimeline = await readScalingTimeline(target.metricsDir, startedAt, endedAt);
  } catch (err) {
    scalingTimeline = { source: 'none', note: `metrics unreadable: ${(err as Error).message}`, datapoints: [] };
  }
  if (target.kind === 'aws' && scalingTimeline.source === 'none') scalingTimeline.note = 'CloudWatch metrics are not read by bench (see the report)';

  const merged = mergePhaseRecorders(recorders);
  const measuredS = results.filter((r) => !r.warmup).reduce((s, r) => s + r.durationS, 0);
  const saturation = generatorSaturation(allSamples);
  if (saturation.saturated) warnings.push(`the load generator saturated for ${saturation.saturatedSeconds} s (peak CPU ${Math.round(saturation.peakCpu * 100)}% of a core): latencies include its own queueing`);
  for (const r of results) {
    if (r.schedule.closedLoopDistorted) warnings.push(`phase ${r.name}: ${r.schedule.late} late and ${r.schedule.dropped} dropped of ${r.schedule.scheduled} scheduled requests (all virtual users busy): read correctedLatencyMs`);
  }

  const doc: BenchResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    kind: 'archcompare.bench-result',
    runId: opts.runId,
    model: target.model,
    target: { kind: target.kind, url: target.url, region: target.region, deploymentRunId: target.deploymentRunId },
    profile: { name: profile.name, description: profile.description, file: opts.profileFile, definition: profile },
    timeScale: opts.timeScale,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationS: Math.round(((endedAt.getTime() - startedAt.getTime()) / 1000) * 1000) / 1000,
    partial,
    partialReason: partial ? (partialReason ?? 'not every phase ran') : undefined,
    generator: { ...saturation, saturated: saturation.saturated, workers: maxWorkers, node: process.version, cpus: os.cpus().length },
    totals: merged.totals.toStats(measuredS),
    steps: Object.fromEntries([...merged.steps.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, acc]) => [k, acc.toStats(measuredS)])),
    journeys: Object.fromEntries(merged.journeys.entries()),
    phases: results,
    series: series.points,
    scalingTimeline,
    invariants,
    catalog: { products },
    warnings,
  };
  emit({ ...idle, stage: 'done', runElapsedS: (Date.now() - runStartMs) / 1000, runRemainingS: 0, capacity });
  return BenchResultSchema.parse(doc);
}
