import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { siblingScript } from '../processes.js';
import type { CatalogSnapshot, LedgerSnapshot, VirtualUserState } from './journeys.js';
import type { PhaseRunOutcome } from './phase-runner.js';
import { PhaseRecorder, type PhaseRecorderData, type SecondBucketData } from './recorder.js';
import { peakRate, type PlannedPhase, type ScheduleShare } from './schedule.js';
import type { GeneratorSample } from './statistics.js';

/**
 * Generator workers: a phase whose target rate is more than one event loop can drive runs on N
 * worker_threads (generator-worker.ts), each with its own autocannon instance, its own virtual users
 * (a contiguous share) and every N-th slot of the arrival schedule, so together they keep the whole
 * open-model schedule. Each records into its own full HDR histograms; the parent merges them exactly
 * (bucket counts add), so percentiles come from the merged histograms, never from averaged percentiles.
 */

/**
 * Requests/s one generator thread is planned for. Measured ceiling (benchmarks/generator-ceiling.ts, one
 * thread, trivial server, no think time): ~35-40k req/s on a 2-core VM. Real journeys cost more per
 * request (JSON catalog pages, tokens, timers for paced slots), so a worker is planned at a quarter of
 * that, leaving headroom for its own latency measurements; above it the phase gets another worker.
 */
export const WORKER_CEILING_RPS = 10_000;

/** Threads the generator may use: one core is left to the parent and the target (at least one worker). */
export function maxGeneratorWorkers(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/**
 * Generator threads for a phase: enough that none is planned above WORKER_CEILING_RPS, at most
 * maxGeneratorWorkers() and one per virtual user. "max" (a closed loop) runs on one generator. `forced`
 * (tests, benchmarks) sets the count, still at most one per virtual user.
 */
export function workersFor(phase: PlannedPhase, forced?: number): number {
  if (forced !== undefined) return Math.max(1, Math.min(Math.floor(forced), phase.virtualUsers));
  if (phase.rate === 'max') return 1;
  const wanted = Math.ceil(peakRate(phase.rate) / WORKER_CEILING_RPS);
  return Math.max(1, Math.min(wanted, maxGeneratorWorkers(), phase.virtualUsers));
}

/** What a worker runs: its share of one phase. Plain data (structured clone). */
export interface PhaseAssignment {
  runId: string;
  url: string;
  phase: PlannedPhase;
  share: ScheduleShare;
  users: VirtualUserState[];
  catalog: CatalogSnapshot;
  thinkTime: { minS: number; maxS: number };
  timeoutS: number;
  seed: number;
  /** The phase's t=0 as performance.timeOrigin + performance.now() (the same instant on every thread). */
  startEpochMs: number;
}

export type WorkerRequest = { type: 'phase'; assignment: PhaseAssignment } | { type: 'flush'; seq: number } | { type: 'abort' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'second'; seq: number; bucket: SecondBucketData; load: GeneratorSample }
  | {
      type: 'done';
      outcome: PhaseRunOutcome;
      recorder: PhaseRecorderData;
      users: VirtualUserState[];
      ledger: LedgerSnapshot;
      catalog: CatalogSnapshot;
      /** The part of the last second not yet flushed. */
      tail: SecondBucketData;
    }
  | { type: 'error'; message: string };

/**
 * Starts generator-worker next to this module: the built JS (dist/) directly; the TypeScript source (tsx,
 * vitest) through tsx's tsImport, because on Node 20 the `--import tsx` that siblingScript gives child
 * processes installs no hooks in a worker thread.
 */
function spawnGeneratorWorker(): Worker {
  const { script, execArgv } = siblingScript(import.meta.url, 'generator-worker');
  if (execArgv.length === 0) return new Worker(script);
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(pathToFileURL(script).href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(boot, { eval: true });
}

class PoolWorker {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  onReply: ((reply: WorkerReply) => void) | undefined;
  onExit: ((err: Error) => void) | undefined;
  exited = false;

  constructor() {
    this.worker = spawnGeneratorWorker();
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`generator worker exited with code ${code} before it was ready`)));
      this.onReply = (r) => {
        if (r.type === 'ready') resolve();
      };
    });
    this.ready.catch(() => undefined);
    this.worker.on('message', (r: WorkerReply) => this.onReply?.(r));
    this.worker.on('error', (err) => this.onExit?.(err));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.onExit?.(new Error(`generator worker exited (code ${code})`));
    });
  }

  post(msg: WorkerRequest): void {
    this.worker.postMessage(msg);
  }
}

/** Worker threads kept for a whole run (started once, reused by every multi-worker phase). */
export class GeneratorPool {
  private readonly workers: PoolWorker[] = [];

  async take(n: number): Promise<PoolWorker[]> {
    for (let i = this.workers.length - 1; i >= 0; i--) if (this.workers[i]!.exited) this.workers.splice(i, 1);
    while (this.workers.length < n) this.workers.push(new PoolWorker());
    const taken = this.workers.slice(0, n);
    await Promise.all(taken.map((w) => w.ready));
    return taken;
  }

  async close(): Promise<void> {
    const all = this.workers.splice(0);
    for (const w of all) {
      w.onExit = undefined;
      w.onReply = undefined;
    }
    await Promise.all(all.map((w) => w.worker.terminate()));
  }
}

export interface DistributedPhaseOptions {
  pool: GeneratorPool;
  workers: number;
  runId: string;
  url: string;
  phase: PlannedPhase;
  /** The phase's virtual users (index 0 .. virtualUsers-1), as state. */
  users: VirtualUserState[];
  catalog: CatalogSnapshot;
  thinkTime: { minS: number; maxS: number };
  timeoutS: number;
  /** One seed per worker (journey choices, think times). */
  seeds: number[];
  signal?: AbortSignal;
  /** A worker's part of a second (series and live view), as it arrives. */
  onSecond(bucket: SecondBucketData): void;
}

export interface DistributedPhaseResult {
  outcome: PhaseRunOutcome;
  recorder: PhaseRecorder;
  users: VirtualUserState[];
  ledgers: LedgerSnapshot[];
  catalogs: CatalogSnapshot[];
}

export interface DistributedPhase {
  /** The phase's t=0 on this thread's performance.now() clock. */
  startMs: number;
  /** Asks every worker for its part of the second that just ended; the busiest worker's load. */
  second(): Promise<GeneratorSample>;
  done: Promise<DistributedPhaseResult>;
}

/** Lead time between handing out the phase and its t=0, so every worker starts the schedule together. */
const START_LEAD_MS = 100;
/** How long a second's flush waits for slow workers (their part then lands in the next second). */
const FLUSH_WAIT_MS = 300;

/** Merges the workers' schedule outcomes: counts add, times span all of them. */
export function mergeOutcomes(outcomes: PhaseRunOutcome[]): PhaseRunOutcome {
  const sum = (f: (o: PhaseRunOutcome) => number) => outcomes.reduce((s, o) => s + f(o), 0);
  return {
    startedAt: new Date(Math.min(...outcomes.map((o) => o.startedAt.getTime()))),
    endedAt: new Date(Math.max(...outcomes.map((o) => o.endedAt.getTime()))),
    durationS: Math.max(...outcomes.map((o) => o.durationS)),
    scheduled: outcomes.some((o) => o.scheduled === null) ? null : sum((o) => o.scheduled ?? 0),
    sent: sum((o) => o.sent),
    late: sum((o) => o.late),
    dropped: sum((o) => o.dropped),
    inFlightAtEnd: sum((o) => o.inFlightAtEnd),
    maxLatenessMs: Math.max(...outcomes.map((o) => o.maxLatenessMs)),
    interrupted: outcomes.some((o) => o.interrupted),
  };
}

/** Runs one phase on `workers` generator threads; resolves with the exactly merged figures. */
export async function startDistributedPhase(opts: DistributedPhaseOptions): Promise<DistributedPhase> {
  const workers = await opts.pool.take(opts.workers);
  const n = workers.length;
  const startMs = performance.now() + START_LEAD_MS;
  const startEpochMs = performance.timeOrigin + startMs;
  let seq = 0;
  const loads = new Map<number, GeneratorSample[]>();
  const flushWaiters = new Map<number, () => void>();

  const results: Extract<WorkerReply, { type: 'done' }>[] = new Array(n);
  let remaining = n;
  let settle!: { resolve: () => void; reject: (err: Error) => void };
  const allDone = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  let offset = 0;
  workers.forEach((w, i) => {
    const count = Math.floor(opts.users.length / n) + (i < opts.users.length % n ? 1 : 0);
    const users = opts.users.slice(offset, offset + count);
    offset += count;
    w.onExit = (err) => settle.reject(err);
    w.onReply = (r) => {
      switch (r.type) {
        case 'second': {
          opts.onSecond(r.bucket);
          const got = loads.get(r.seq);
          if (got) {
            got.push(r.load);
            if (got.length === n) flushWaiters.get(r.seq)?.();
          }
          break;
        }
        case 'done':
          opts.onSecond(r.tail);
          results[i] = r;
          if (--remaining === 0) settle.resolve();
          break;
        case 'error':
          settle.reject(new Error(`generator worker ${i + 1}/${n} failed: ${r.message}`));
          break;
        case 'ready':
          break;
      }
    };
    w.post({
      type: 'phase',
      assignment: {
        runId: opts.runId,
        url: opts.url,
        phase: opts.phase,
        share: { index: i, of: n },
        users,
        catalog: opts.catalog,
        thinkTime: opts.thinkTime,
        timeoutS: opts.timeoutS,
        seed: opts.seeds[i] ?? i + 1,
        startEpochMs,
      },
    });
  });
  const onAbort = () => {
    for (const w of workers) w.post({ type: 'abort' });
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();

  const done = allDone
    .then((): DistributedPhaseResult => {
      const recorder = new PhaseRecorder();
      for (const r of results) recorder.add(PhaseRecorder.fromData(r.recorder));
      return {
        outcome: mergeOutcomes(results.map((r) => r.outcome)),
        recorder,
        users: results.flatMap((r) => r.users),
        ledgers: results.map((r) => r.ledger),
        catalogs: results.map((r) => r.catalog),
      };
    })
    .finally(() => {
      opts.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) {
        w.onReply = undefined;
        w.onExit = undefined;
      }
    });

  return {
    startMs,
    async second(): Promise<GeneratorSample> {
      const s = ++seq;
      const got: GeneratorSample[] = [];
      loads.set(s, got);
      const all = new Promise<void>((resolve) => flushWaiters.set(s, resolve));
      for (const w of workers) w.post({ type: 'flush', seq: s });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_WAIT_MS)))]);
      clearTimeout(timer);
      loads.delete(s);
      flushWaiters.delete(s);
      return {
        cpu: got.reduce((m, l) => Math.max(m, l.cpu), 0),
        loopDelayP99Ms: got.reduce((m, l) => Math.max(m, l.loopDelayP99Ms), 0),
      };
    },
    done,
  };
}
