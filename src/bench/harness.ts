import os from 'node:os';
import { UserError } from '../errors.js';
import { retry, TRY_AGAIN } from '../retry.js';
import type { MetricsReading, MetricsReadOptions, TimeWindow } from '../targets/port.js';
import { assembleResult, isPartial } from './assemble-result.js';
import { executePhases } from './execute-phases.js';
import { checkInvariants, defaultInvariants, type Invariant, type InvariantContext } from './invariants.js';
import { GeneratorPool, workersFor } from './generator-pool.js';
import { CatalogKnowledge, RunLedger } from './journeys.js';
import type { Profile } from './profile-schema.js';
import type { BenchModel, BenchResult, InvariantOutcome, PhaseResult, ScalingTimeline } from './result-schema.js';
import { planPhases, seededRandom, totalDurationS } from './schedule.js';

/** What is being benched: a deployed model (local or AWS) or any URL. */
export interface BenchTarget {
  model: BenchModel;
  kind: 'local' | 'aws' | 'url';
  url: string;
  region?: string;
  deploymentRunId?: string;
  /**
   * aws: the AWS API emulator the deployment was made on (--endpoint-url). An emulator may not serve
   * the app (moto does not): if the front door does not answer, no traffic is sent (see runBench).
   */
  emulator?: string;
  /** The target's CloudWatch-shaped metrics of a window, through the Target port; absent for a bare URL. */
  metrics?: (window: TimeWindow, options?: MetricsReadOptions) => Promise<MetricsReading>;
}

export interface BenchProgress {
  model: BenchModel;
  /** 'metrics': reading the target's metrics of the run (on AWS: waiting for CloudWatch first). */
  stage: 'setup' | 'phase' | 'invariants' | 'metrics' | 'done';
  /** What the stage is doing right now, when it says (the wait for CloudWatch's delay). */
  note?: string;
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

/** The target's front door did not answer its health check. */
class FrontDoorSilent extends UserError {
  constructor(
    /** What the health check got instead of an answer (the fetch error). */
    readonly failure: string,
    problem: string,
    fix: string,
  ) {
    super(problem, fix);
  }
}

/** The first step of a run: checks the target answers, registers the seed accounts and learns the catalog (not measured). */
async function prepareTarget(target: BenchTarget, profile: Profile, runId: string, catalog: CatalogKnowledge, ledger: RunLedger, warnings: string[]) {
  try {
    const health = await httpJson(target.url, 'GET', '/health', { timeoutMs: 5000 });
    // On an emulator, only the app itself counts as an answer (a real AWS host may answer 403 to a made-up API id).
    if (target.emulator && health.status !== 200) throw new Error(`GET /health answered ${health.status}`);
    if (health.status >= 500) warnings.push(`GET /health answered ${health.status} before the run`);
  } catch (err) {
    throw new FrontDoorSilent(
      (err as Error).message,
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

/** What the target's metrics say about the run window; a bare URL has none to read. */
async function scalingTimeline(target: BenchTarget, window: TimeWindow, final: NonNullable<MetricsReadOptions['final']>): Promise<ScalingTimeline> {
  if (!target.metrics) return { source: 'none', note: 'an external URL: bench reads no target metrics for it; figures are client-side only', datapoints: [] };
  try {
    return await target.metrics(window, { final });
  } catch (err) {
    return { source: 'none', note: `metrics unreadable: ${(err as Error).message}`, datapoints: [] };
  }
}

/**
 * The one line a run on an emulator that does not serve the app says: nothing is measured on the
 * client side, and only the target's metrics of the (empty) window are read.
 */
export function noTrafficReason(target: Pick<BenchTarget, 'model' | 'url' | 'emulator'>, cause: string): string {
  return `NO TRAFFIC SENT to ${target.model}: its front door ${target.url} does not answer (${cause}); it was deployed on the AWS emulator at ${target.emulator}, which does not serve the app. No latency, errors or cold starts were measured; CloudWatch is still read for the window`;
}

/** The run's identity as the result records it. */
function whatRan(opts: RunBenchOptions) {
  return { runId: opts.runId, target: opts.target, profile: opts.profile, profileFile: opts.profileFile, timeScale: opts.timeScale };
}

/** Every invariant marked skipped, saying why (a run that sent nothing, or was interrupted, proves none). */
function skippedInvariants(opts: RunBenchOptions, detail: string) {
  return (opts.invariants ?? defaultInvariants).map((inv) => ({ id: inv.id, description: inv.description, status: 'skipped' as const, checked: 0, violations: [], detail }));
}

/**
 * A run that sent nothing: every phase planned, none run, invariants skipped, the target's metrics
 * of the window still read. Partial, with the reason, so no report reads it as a measurement.
 */
async function runWithoutTraffic(opts: RunBenchOptions, reason: string, emit: (p: Omit<BenchProgress, 'model' | 'phaseCount'>) => void, idle: Omit<BenchProgress, 'model' | 'phaseCount' | 'stage'>): Promise<BenchResult> {
  const { target, profile } = opts;
  const startedAt = new Date();
  emit({ ...idle, stage: 'setup', note: reason });
  const endedAt = new Date();
  const result = assembleResult({
    ...whatRan(opts),
    run: { startedAt, endedAt, planned: planPhases(profile, opts.timeScale), phases: [], measured: [], samples: [], series: [], maxWorkers: 1, partialReason: reason },
    products: null,
    invariants: skippedInvariants(opts, 'no traffic was sent'),
    scalingTimeline: await scalingTimeline(target, { from: startedAt, to: endedAt }, { onProgress: (note) => emit({ ...idle, stage: 'metrics', note }), signal: opts.signal }),
    // The reason is the partial reason, which every report repeats: not a second time as a warning.
    warnings: [...(opts.warnings ?? [])],
    generatorHost: { node: process.version, cpus: os.cpus().length },
  });
  emit({ ...idle, stage: 'done' });
  return result;
}

/**
 * Runs a profile against one target and returns the validated result document (not yet written):
 * prepare the target, execute the phases, check the invariants and read the target's metrics, assemble.
 */
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
  let prepared: Awaited<ReturnType<typeof prepareTarget>>;
  try {
    prepared = await prepareTarget(target, profile, opts.runId, catalog, ledger, warnings);
    await opts.beforePhases?.();
  } catch (err) {
    await generators.close();
    // On an emulator a silent front door is expected (moto serves the AWS APIs, not the app): say so, measure nothing.
    if (target.emulator && err instanceof FrontDoorSilent) return runWithoutTraffic(opts, noTrafficReason(target, err.failure), emit, idle);
    throw err;
  }

  const run = await executePhases({
    url: target.url,
    runId: opts.runId,
    profile,
    phases,
    random,
    catalog,
    ledger,
    seeded: prepared.seeded,
    generators,
    workers: opts.workers,
    signal: opts.signal,
    capacity: opts.capacity,
    emit,
    idle,
  });
  const runElapsedS = () => (Date.now() - run.startedAt.getTime()) / 1000;

  let invariants: InvariantOutcome[];
  if (isPartial(run)) {
    invariants = skippedInvariants(opts, 'the run was interrupted');
  } else {
    emit({ ...idle, stage: 'invariants', runElapsedS: runElapsedS(), runRemainingS: 0, capacity: run.lastCapacity });
    invariants = await checkInvariants(opts.invariants ?? defaultInvariants, invariantContext(target.url, ledger));
  }

  const result = assembleResult({
    ...whatRan(opts),
    run,
    products: prepared.products,
    invariants,
    scalingTimeline: await scalingTimeline(
      target,
      { from: run.startedAt, to: run.endedAt },
      { onProgress: (note) => emit({ ...idle, stage: 'metrics', note, runElapsedS: runElapsedS(), runRemainingS: 0, capacity: run.lastCapacity }), signal: opts.signal },
    ),
    warnings,
    generatorHost: { node: process.version, cpus: os.cpus().length },
  });
  emit({ ...idle, stage: 'done', runElapsedS: runElapsedS(), runRemainingS: 0, capacity: run.lastCapacity });
  return result;
}
