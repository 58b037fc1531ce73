import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { coldStartProvisioningMs, localInitSlots, realMs, type FidelityValues } from './fidelity.js';
import type { MetricsRecorder } from './metrics.js';
import { createTokenBucket, takeToken, type TokenBucket } from './policies.js';
import type { LocalNodeRuntime } from '../build/node-runtime.js';
import { siblingScript } from '../processes.js';
import { sleep, stopChild } from './processes.js';
import type { FunctionSpec, LambdaFunctionId } from './topology.js';

/**
 * The Lambda runtime of the local serverless model: one worker process per execution environment.
 * An invocation takes the most recently used idle environment of its function or starts a new one
 * (a real cold start: modelled provisioning delay + process start + module load + init), within the
 * function's reserved concurrency or the account pool (else throttled) and the modelled scaling rate.
 * Idle environments are reclaimed after the modelled idle time; a function's timeout kills its
 * environment, as Lambda does.
 */

export interface LocalFunction extends FunctionSpec {
  bundle: string;
  env: Record<string, string>;
}

/** provisioning = the modelled platform delay; awaiting-init = waiting for one of this machine's init slots. */
export type EnvironmentState = 'provisioning' | 'awaiting-init' | 'initializing' | 'idle' | 'busy';

interface Pending {
  id: string;
  resolve: (o: InvokeOutcome) => void;
  timer: NodeJS.Timeout;
  started: number;
}

interface Environment {
  id: string;
  fn: LocalFunction;
  state: EnvironmentState;
  child?: ChildProcess;
  createdAt: number;
  lastUsedAt: number;
  invocations: number;
  /** The worker's peak resident memory so far (Lambda's "Max Memory Used"). */
  maxMemoryMb: number;
  initMs?: number;
  bootMs?: number;
  provisioningMs: number;
  pending?: Pending;
  dead: boolean;
  /** Provisioned concurrency: initialised at deploy, never reclaimed for idleness. */
  provisioned: boolean;
}

export type InvokeOutcome =
  | { kind: 'ok'; result: unknown; durationMs: number; coldStart: boolean; initMs?: number; environmentId: string }
  | { kind: 'throttled'; reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded' | 'RateExceeded' }
  | { kind: 'error'; errorType: string; errorMessage: string; durationMs: number; coldStart: boolean; environmentId?: string };

export interface EnvironmentSnapshot {
  id: string;
  function: LambdaFunctionId;
  pid?: number;
  state: EnvironmentState;
  provisioned: boolean;
  invocations: number;
  initMs?: number;
  ageMs: number;
  idleMs: number;
}

const WORKER = siblingScript(import.meta.url, 'lambda-worker');

export class LambdaRuntime {
  private envs: Environment[] = [];
  private buckets = new Map<LambdaFunctionId, TokenBucket>();
  /** Invocations waiting for an environment to change state (idle, exited, initialised). */
  private waiters: Array<() => void> = [];
  private readonly maxConcurrentInits: number;
  private sweeper?: NodeJS.Timeout;
  private logs = new Map<LambdaFunctionId, WriteStream>();
  private stopping = false;
  readonly coldStarts = new Map<LambdaFunctionId, number>();
  private handles = new Map<LambdaFunctionId, Record<'invocations' | 'duration' | 'errors' | 'throttles' | 'concurrency' | 'accountConcurrency', (v: number) => void>>();

  constructor(
    private readonly functions: readonly LocalFunction[],
    private readonly opts: { fidelity: FidelityValues; timeScale: number; metrics: MetricsRecorder; logsDir: string; node: LocalNodeRuntime },
  ) {
    this.maxConcurrentInits = localInitSlots(opts.fidelity.localMaxConcurrentInits);
  }

  start(): void {
    const f = this.opts.fidelity;
    const window = realMs(f.scalingRateWindowSeconds, this.opts.timeScale);
    for (const fn of this.functions) {
      this.buckets.set(fn.id, createTokenBucket((f.scalingRateEnvironments / window) * 1000, f.scalingRateEnvironments, Date.now()));
      const log = createWriteStream(path.join(this.opts.logsDir, `lambda-${fn.id}.log`), { flags: 'a' });
      log.setMaxListeners(0); // every environment of the function pipes its stdout and stderr into it
      this.logs.set(fn.id, log);
      const m = this.opts.metrics;
      const dims = { FunctionName: fn.functionName };
      this.handles.set(fn.id, {
        invocations: m.handle('AWS/Lambda', 'Invocations', dims, 'Count'),
        duration: m.handle('AWS/Lambda', 'Duration', dims, 'Milliseconds', true),
        errors: m.handle('AWS/Lambda', 'Errors', dims, 'Count'),
        throttles: m.handle('AWS/Lambda', 'Throttles', dims, 'Count'),
        concurrency: m.handle('AWS/Lambda', 'ConcurrentExecutions', dims, 'Count'),
        accountConcurrency: m.handle('AWS/Lambda', 'ConcurrentExecutions', {}, 'Count'),
      });
    }
    const reclaimMs = realMs(f.environmentIdleReclaimSeconds, this.opts.timeScale);
    this.sweeper = setInterval(() => this.reclaimIdle(reclaimMs), Math.max(20, Math.min(1000, reclaimMs / 4)));
    this.sweeper.unref();
  }

  /** Initialises the provisioned environments ahead of traffic (their Init is not on any request's path). */
  async prewarm(): Promise<number> {
    let n = 0;
    for (const fn of this.functions) {
      for (let i = 0; i < fn.provisionedConcurrency; i++) {
        const env = this.create(fn);
        env.provisioned = true;
        await this.boot(env, false);
        env.state = 'idle';
        env.lastUsedAt = Date.now();
        this.wake();
        n += 1;
      }
    }
    return n;
  }

  fn(id: LambdaFunctionId): LocalFunction | undefined {
    return this.functions.find((f) => f.id === id);
  }

  private live(): Environment[] {
    return this.envs.filter((e) => !e.dead);
  }

  private inUse(fn: LocalFunction): number {
    return this.envs.filter((e) => !e.dead && e.fn.id === fn.id && e.state !== 'idle').length;
  }

  private concurrencyCheck(fn: LocalFunction): InvokeOutcome | undefined {
    if (fn.reservedConcurrency !== undefined) {
      return this.inUse(fn) >= fn.reservedConcurrency ? { kind: 'throttled', reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' } : undefined;
    }
    const reserved = this.functions.reduce((s, f) => s + (f.reservedConcurrency ?? 0), 0);
    const pool = this.opts.fidelity.accountConcurrencyLimit - reserved;
    const used = this.functions.filter((f) => f.reservedConcurrency === undefined).reduce((s, f) => s + this.inUse(f), 0);
    return used >= pool ? { kind: 'throttled', reason: 'ConcurrentInvocationLimitExceeded' } : undefined;
  }

  private async acquire(fn: LocalFunction): Promise<{ env: Environment; cold: boolean } | InvokeOutcome> {
    for (;;) {
      if (this.stopping) return { kind: 'error', errorType: 'ServiceUnavailable', errorMessage: 'runtime is stopping', durationMs: 0, coldStart: false };
      const idle = this.idleOf(fn);
      if (idle) {
        idle.state = 'busy';
        return { env: idle, cold: false };
      }
      const throttled = this.concurrencyCheck(fn);
      if (throttled) return throttled;
      if (this.live().length >= this.opts.fidelity.localMaxEnvironments) {
        // This machine's ceiling, not AWS's. A function that has environments waits for one of its own;
        // one with none takes the least recently used idle environment of another function. Evicting
        // on every cold start would make functions take turns cold-starting (each one a real Init).
        const own = this.envs.some((e) => !e.dead && e.fn.id === fn.id);
        const victim = own ? undefined : this.envs.filter((e) => !e.dead && !e.provisioned && e.state === 'idle').sort((a, b) => a.lastUsedAt - b.lastUsedAt)[0];
        if (victim) this.retire(victim);
        else {
          this.opts.metrics.record('archcompare/Local', 'LocalEnvironmentWaits', { FunctionName: fn.functionName }, 1, 'Count');
          await this.nextChange();
          continue;
        }
      }
      if (!takeToken(this.buckets.get(fn.id)!, Date.now())) return { kind: 'throttled', reason: 'RateExceeded' };
      return { env: this.create(fn), cold: true };
    }
  }

  /** The most recently used idle environment of a function (Lambda reuses warm environments, newest first). */
  private idleOf(fn: LocalFunction): Environment | undefined {
    let best: Environment | undefined;
    for (const e of this.envs) if (!e.dead && e.fn.id === fn.id && e.state === 'idle' && (!best || e.lastUsedAt > best.lastUsedAt)) best = e;
    return best;
  }

  private create(fn: LocalFunction): Environment {
    const env: Environment = {
      id: randomUUID().slice(0, 8),
      fn,
      state: 'provisioning',
      createdAt: Date.now(),
      lastUsedAt: Date.now(),
      invocations: 0,
      maxMemoryMb: 0,
      provisioningMs: realMs(coldStartProvisioningMs(this.opts.fidelity, fn.memoryMb) / 1000, this.opts.timeScale),
      dead: false,
      provisioned: false,
    };
    this.envs.push(env);
    return env;
  }

  private initializing(): number {
    return this.envs.reduce((n, e) => n + (!e.dead && e.state === 'initializing' ? 1 : 0), 0);
  }

  /**
   * After the provisioning delay, a cold start needs one of this machine's init slots: AWS runs every
   * Init on its own microVM, but here each one is a real process start and module load on shared
   * cores, and dozens at once starve the warm environments. While it waits, an invocation takes an
   * environment of its function that turns idle (its unstarted environment is dropped, no Init ran).
   */
  private async awaitInitSlot(env: Environment, mayTakeIdle: boolean): Promise<Environment | undefined> {
    let waited = false;
    while (this.initializing() >= this.maxConcurrentInits) {
      if (env.dead || this.stopping) throw new Error('environment reclaimed before Init');
      const idle = mayTakeIdle ? this.idleOf(env.fn) : undefined;
      if (idle) {
        idle.state = 'busy';
        this.discard(env);
        this.opts.metrics.record('archcompare/Local', 'LocalInitSlotSwitches', { FunctionName: env.fn.functionName }, 1, 'Count');
        return idle;
      }
      if (!waited) {
        waited = true;
        env.state = 'awaiting-init';
        this.opts.metrics.record('archcompare/Local', 'LocalInitSlotWaits', { FunctionName: env.fn.functionName }, 1, 'Count');
      }
      await this.nextChange();
    }
    env.state = 'initializing'; // claimed now: other waiters re-check in this same tick
    return undefined;
  }

  /**
   * Provisioning delay, an init slot, then the real process start and Init; resolves when the
   * environment is ready, or with the warm environment taken instead while waiting for a slot.
   */
  private async boot(env: Environment, mayTakeIdle: boolean): Promise<Environment | undefined> {
    await sleep(env.provisioningMs);
    if (env.dead) throw new Error('environment reclaimed during provisioning');
    const taken = await this.awaitInitSlot(env, mayTakeIdle);
    if (taken) return taken;
    const fn = env.fn;
    const child = fork(WORKER.script, [fn.bundle], {
      execPath: this.opts.node.execPath,
      env: {
        ...fn.env,
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
        // The managed runtime of the major this worker really runs, as AWS sets it.
        AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${this.opts.node.version.replace(/^v(\d+)\..*$/, '$1')}.x`,
        LAMBDA_TASK_ROOT: path.dirname(fn.bundle),
        _HANDLER: 'index.handler',
        ARCHCOMPARE_CPU_SHARE: String(Math.min(1, fn.memoryMb / this.opts.fidelity.lambdaMemoryPerVcpuMb)),
        TZ: ':UTC',
      },
      cwd: path.dirname(fn.bundle),
      execArgv: [...WORKER.execArgv, `--max-old-space-size=${Math.max(64, Math.floor(fn.memoryMb * 0.9))}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // JSON, as the Lambda runtime API carries events and results: a handler returning a Date or a Map
      // gets what it would on AWS. For events this size it is also cheaper than V8's structured clone.
      serialization: 'json',
    });
    env.child = child;
    const log = this.logs.get(fn.id)!;
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    child.on('exit', (code, signal) => this.onExit(env, code, signal));
    child.on('error', () => undefined); // a send to a worker that just died; its exit handler answers the caller
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: { type: string; initMs?: number; bootMs?: number; errorMessage?: string }) => {
        if (m.type === 'ready') {
          env.initMs = m.initMs;
          env.bootMs = m.bootMs;
          child.off('message', onMessage);
          child.on('message', (msg) => this.onMessage(env, msg as WorkerMessage));
          env.state = 'busy'; // ready and reserved for the invocation (or the prewarm) that started it
          this.wake(); // an init slot is free
          resolve();
        } else if (m.type === 'init-error') reject(new Error(`Init failed: ${m.errorMessage}`));
      };
      child.on('message', onMessage);
      child.once('exit', () => reject(new Error('environment exited during Init')));
    });
    return undefined;
  }

  async invoke(fnId: LambdaFunctionId, event: unknown): Promise<InvokeOutcome> {
    const fn = this.fn(fnId);
    if (!fn) return { kind: 'error', errorType: 'ResourceNotFoundException', errorMessage: `function ${fnId} is not deployed`, durationMs: 0, coldStart: false };
    const m = this.opts.metrics;
    const h = this.handles.get(fn.id)!;
    const arrived = performance.now();
    const got = await this.acquire(fn);
    if ('kind' in got) {
      if (got.kind === 'throttled') h.throttles(1);
      return got;
    }
    let { env, cold } = got;
    if (cold) {
      let taken: Environment | undefined;
      try {
        taken = await this.boot(env, true);
      } catch (err) {
        this.retire(env);
        h.invocations(1);
        h.errors(1);
        return { kind: 'error', errorType: 'Runtime.InitError', errorMessage: (err as Error).message, durationMs: 0, coldStart: true, environmentId: env.id };
      }
      if (taken) {
        env = taken;
        cold = false;
      }
    }
    if (cold) {
      this.coldStarts.set(fn.id, (this.coldStarts.get(fn.id) ?? 0) + 1);
      m.record('LambdaInsights', 'init_duration', { function_name: fn.functionName }, env.initMs ?? 0, 'Milliseconds', true);
      m.record('archcompare/Local', 'ColdStartProvisioningDelay', { FunctionName: fn.functionName }, env.provisioningMs, 'Milliseconds');
      m.record('archcompare/Local', 'ColdStartTotal', { FunctionName: fn.functionName }, performance.now() - arrived, 'Milliseconds', true);
    }
    env.state = 'busy';
    env.invocations += 1;
    h.concurrency(this.inUse(fn));
    h.accountConcurrency(this.envs.reduce((n, e) => n + (!e.dead && e.state !== 'idle' ? 1 : 0), 0));
    const id = randomUUID();
    const timeoutMs = fn.timeoutSeconds * 1000;
    const outcome = await new Promise<InvokeOutcome>((resolve) => {
      const timer = setTimeout(() => {
        env.pending = undefined;
        resolve({ kind: 'error', errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`, durationMs: timeoutMs, coldStart: cold, environmentId: env.id });
        this.retire(env);
      }, timeoutMs);
      env.pending = { id, resolve, timer, started: performance.now() };
      if (env.dead || !env.child?.connected) {
        clearTimeout(timer);
        env.pending = undefined;
        resolve({ kind: 'error', errorType: 'Runtime.ExitError', errorMessage: 'environment exited before the invocation', durationMs: 0, coldStart: cold, environmentId: env.id });
        return;
      }
      env.child.send({ type: 'invoke', id, event, deadline: Date.now() + timeoutMs });
    });
    const durationMs = outcome.kind === 'throttled' ? 0 : outcome.durationMs;
    h.invocations(1);
    h.duration(durationMs);
    if (outcome.kind === 'error') h.errors(1);
    const initPart = cold ? ` Init Duration: ${(env.initMs ?? 0).toFixed(2)} ms` : '';
    this.logs.get(fn.id)?.write(
      `REPORT RequestId: ${id}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms\tMemory Size: ${fn.memoryMb} MB\tMax Memory Used: ${Math.ceil(env.maxMemoryMb)} MB${initPart}\n`,
    );
    if (outcome.kind === 'ok' && cold) return { ...outcome, coldStart: true, initMs: env.initMs };
    return outcome;
  }

  private onMessage(env: Environment, msg: WorkerMessage): void {
    const p = env.pending;
    if (!p || msg.id !== p.id) return;
    clearTimeout(p.timer);
    env.pending = undefined;
    env.state = 'idle';
    env.lastUsedAt = Date.now();
    env.maxMemoryMb = Math.max(env.maxMemoryMb, msg.rssMb ?? 0);
    if (msg.type === 'result') p.resolve({ kind: 'ok', result: msg.result, durationMs: msg.durationMs, coldStart: false, environmentId: env.id });
    else p.resolve({ kind: 'error', errorType: msg.errorType ?? 'Error', errorMessage: msg.errorMessage ?? '', durationMs: msg.durationMs, coldStart: false, environmentId: env.id });
    this.wake();
  }

  private onExit(env: Environment, code: number | null, signal: NodeJS.Signals | null): void {
    env.dead = true;
    const p = env.pending;
    if (p) {
      clearTimeout(p.timer);
      env.pending = undefined;
      p.resolve({
        kind: 'error',
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${p.id} Error: Runtime exited ${signal ? `with signal: ${signal}` : `with error: exit status ${code}`}`,
        durationMs: performance.now() - p.started,
        coldStart: false,
        environmentId: env.id,
      });
    }
    this.envs = this.envs.filter((e) => e !== env);
    this.wake();
  }

  /** Resolves at the next change any waiting invocation may care about. */
  private nextChange(): Promise<void> {
    return new Promise<void>((r) => this.waiters.push(r));
  }

  /** Every waiter re-checks: a change may suit an invocation of another function than the first waiter's. */
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Drops an environment whose process never started. */
  private discard(env: Environment): void {
    env.dead = true;
    this.envs = this.envs.filter((e) => e !== env);
  }

  private retire(env: Environment): void {
    env.dead = true;
    if (env.child && env.child.exitCode === null && env.child.signalCode === null) env.child.kill('SIGKILL');
    else this.envs = this.envs.filter((e) => e !== env);
    this.wake();
  }

  private reclaimIdle(reclaimMs: number): void {
    const now = Date.now();
    for (const e of this.envs) if (!e.dead && !e.provisioned && e.state === 'idle' && now - e.lastUsedAt >= reclaimMs) this.retire(e);
  }

  snapshot(): EnvironmentSnapshot[] {
    const now = Date.now();
    return this.live().map((e) => ({
      id: e.id,
      function: e.fn.id,
      pid: e.child?.pid,
      state: e.state,
      provisioned: e.provisioned,
      invocations: e.invocations,
      initMs: e.initMs === undefined ? undefined : Math.round(e.initMs * 10) / 10,
      ageMs: now - e.createdAt,
      idleMs: e.state === 'idle' ? now - e.lastUsedAt : 0,
    }));
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const w of this.waiters.splice(0)) w();
    await Promise.all(this.envs.map((e) => (e.child ? stopChild(e.child, graceMs) : Promise.resolve())));
    for (const l of this.logs.values()) l.end();
  }
}

type WorkerMessage =
  | { type: 'result'; id: string; result: unknown; durationMs: number; rssMb?: number }
  | { type: 'error'; id: string; errorType?: string; errorMessage?: string; durationMs: number; rssMb?: number };
