import autocannon, { type AutocannonClient } from 'autocannon';
import { type PlannedRequest, type SeenResponse, VirtualUser } from './journeys.js';
import type { JourneyMix } from './profile-schema.js';
import type { RequestOutcome } from './recorder.js';
import { ArrivalSchedule, LATE_THRESHOLD_S, MAX_LATENESS_S, type PlannedPhase, rateAt } from './schedule.js';

/**
 * One phase = one autocannon run. autocannon owns the connections, HTTP framing and timeouts; its own
 * rate limit is per connection and per whole second (bursty), so the harness paces each connection
 * itself: a free virtual user claims the next slot of the phase's open-model arrival schedule and sends
 * at that time. When every virtual user is busy, slots go out late (counted, with the corrected latency
 * measured from the slot) or are dropped when more than 2 s overdue.
 */

export interface VirtualUserPool {
  get(index: number): VirtualUser;
}

export interface PhaseHooks {
  /** A request went out. */
  sent(): void;
  /** A request finished (response, connection error or timeout). */
  completed(outcome: RequestOutcome): void;
  journey(name: Parameters<VirtualUser['onJourney']>[0], event: Parameters<VirtualUser['onJourney']>[1]): void;
}

export interface PhaseRunOptions {
  url: string;
  phase: PlannedPhase;
  pool: VirtualUserPool;
  hooks: PhaseHooks;
  thinkTime: { minS: number; maxS: number };
  timeoutS: number;
  random: () => number;
  signal?: AbortSignal;
  /** Seconds to wait for in-flight requests after the last slot (default min(timeout, 2)). */
  drainS?: number;
}

export interface PhaseRunOutcome {
  startedAt: Date;
  endedAt: Date;
  durationS: number;
  scheduled: number | null;
  sent: number;
  late: number;
  dropped: number;
  inFlightAtEnd: number;
  maxLatenessMs: number;
  interrupted: boolean;
}

export interface RunningPhase {
  /** Target rate right now (requests/s). */
  targetRps(): number;
  elapsedS(): number;
  done: Promise<PhaseRunOutcome>;
}

const headerValue = (headers: SeenResponse['headers'], name: string): string | undefined => {
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) {
      const v = headers[key];
      return Array.isArray(v) ? v[v.length - 1] : v;
    }
  }
  return undefined;
};

class PhaseClock {
  private readonly startNs = process.hrtime.bigint();
  elapsedS(): number {
    return Number(process.hrtime.bigint() - this.startNs) / 1e9;
  }
  slotNs(slotS: number): bigint {
    return this.startNs + BigInt(Math.round(slotS * 1e9));
  }
}

interface PhaseState {
  clock: PhaseClock;
  schedule: ArrivalSchedule;
  stopping: boolean;
  sent: number;
  late: number;
  dropped: number;
  maxLatenessS: number;
  finishedDrivers: number;
}

/** Paces one autocannon connection = one virtual user at a time. */
class ConnectionDriver {
  inFlight = false;
  private waiting = false;
  finished = false;
  private readyAtS = 0;
  private sentNs = 0n;
  private intendedNs = 0n;
  private stepKey = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly send: () => void;

  constructor(
    private readonly client: AutocannonClient,
    private readonly vu: VirtualUser,
    private readonly state: PhaseState,
    private readonly opts: PhaseRunOptions,
    private readonly pathPrefix: string,
    private readonly onFinished: () => void,
  ) {
    this.send = client._doRequest.bind(client);
    client._doRequest = () => this.ready();
    client.on('timeout', () => {
      // autocannon has already reconnected and asked for the next request (which we ignored while in flight).
      if (this.fail('timeout')) this.ready();
    });
    client.on('connError', () => {
      this.fail('connection'); // autocannon reconnects and asks for the next request right after
    });
    client.setRequests([
      {
        method: 'GET',
        path: '/',
        setupRequest: (req) => {
          const planned: PlannedRequest = this.vu.next();
          this.stepKey = this.vu.currentStepKey;
          return { ...req, method: planned.method, path: this.pathPrefix + planned.path, headers: planned.headers, body: planned.body ?? '' };
        },
        onResponse: (status, body, _ctx, headers) => this.respond(status, body, headers),
      },
    ]);
  }

  /** autocannon wants the next request on this connection. */
  ready(): void {
    if (this.inFlight || this.waiting || this.finished || this.client.destroyed) return;
    this.waiting = true;
    const now = this.state.clock.elapsedS();
    if (this.readyAtS > now) this.wait(this.readyAtS - now, () => this.claim());
    else this.claim();
  }

  private claim(): void {
    for (;;) {
      if (this.state.stopping) return this.finish();
      const now = this.state.clock.elapsedS();
      const slot = this.state.schedule.claim(now);
      if (slot === null) return this.finish();
      if (now - slot > MAX_LATENESS_S) {
        this.state.dropped += 1;
        continue;
      }
      // Late = no virtual user was free at the slot's time (timer jitter on a claimed slot is not lateness).
      if (now - slot > LATE_THRESHOLD_S) this.state.late += 1;
      if (slot > now) return this.wait(slot - now, () => this.fire(slot));
      return this.fire(slot);
    }
  }

  private fire(slotS: number): void {
    if (this.state.stopping || this.client.destroyed) return this.finish();
    const lateness = this.state.clock.elapsedS() - slotS;
    if (lateness > this.state.maxLatenessS) this.state.maxLatenessS = lateness;
    this.waiting = false;
    this.inFlight = true;
    this.intendedNs = this.state.clock.slotNs(slotS);
    this.state.sent += 1;
    this.opts.hooks.sent();
    this.sentNs = process.hrtime.bigint();
    this.send();
  }

  private wait(seconds: number, then: () => void): void {
    const ms = Math.max(0, seconds * 1000);
    // autocannon's request timer is still armed from the last send: keep it quiet while we wait.
    this.client.timeoutTicker.reschedule(ms + this.opts.timeoutS * 1000);
    this.timer = setTimeout(then, ms);
  }

  private thinkS(): number {
    const { minS, maxS } = this.opts.thinkTime;
    return minS + (maxS - minS) * this.opts.random();
  }

  private respond(status: number, body: string, headers: SeenResponse['headers']): void {
    if (!this.inFlight) return;
    const endNs = process.hrtime.bigint();
    const coldStart = headerValue(headers, 'x-archcompare-cold-start') === 'true';
    const initRaw = headerValue(headers, 'x-archcompare-init-ms');
    const initMs = coldStart && initRaw !== undefined ? Number.parseFloat(initRaw) : undefined;
    const outcome: RequestOutcome = {
      stepKey: this.stepKey,
      status,
      latencyMicros: Number(endNs - this.sentNs) / 1000,
      correctedLatencyMicros: Number(endNs - (this.intendedNs < this.sentNs ? this.intendedNs : this.sentNs)) / 1000,
      coldStart,
      initMs: initMs !== undefined && Number.isFinite(initMs) ? initMs : undefined,
    };
    this.vu.handle({ status, body, headers });
    this.inFlight = false;
    this.readyAtS = this.state.clock.elapsedS() + this.thinkS();
    this.opts.hooks.completed(outcome);
  }

  /** Records a request that got no answer; false when nothing was in flight. */
  fail(kind: 'timeout' | 'connection'): boolean {
    if (!this.inFlight) return false;
    const endNs = process.hrtime.bigint();
    this.opts.hooks.completed({
      stepKey: this.stepKey,
      status: 0,
      failure: kind,
      latencyMicros: Number(endNs - this.sentNs) / 1000,
      correctedLatencyMicros: Number(endNs - this.intendedNs) / 1000,
      coldStart: false,
    });
    this.vu.handle(null);
    this.inFlight = false;
    this.readyAtS = this.state.clock.elapsedS() + this.thinkS();
    return true;
  }

  /** The phase is over for this connection (no more slots, or stopping). */
  finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.waiting = false;
    if (!this.finished) {
      this.finished = true;
      this.onFinished();
    }
  }

  /** At the end of the drain period: an unanswered request is abandoned (its user's step is marked lost). */
  abandon(): boolean {
    if (this.timer) clearTimeout(this.timer);
    if (!this.inFlight) return false;
    this.inFlight = false;
    this.vu.handle(null);
    return true;
  }
}

/** Starts a phase against `url`; resolves when its schedule is exhausted and in-flight requests drained. */
export function startPhase(opts: PhaseRunOptions): RunningPhase {
  const { phase } = opts;
  const parsed = new URL(opts.url);
  const pathPrefix = parsed.pathname.replace(/\/+$/, '');
  const state: PhaseState = {
    clock: new PhaseClock(),
    schedule: new ArrivalSchedule(phase.rate, phase.durationS),
    stopping: false,
    sent: 0,
    late: 0,
    dropped: 0,
    maxLatenessS: 0,
    finishedDrivers: 0,
  };
  const drivers: ConnectionDriver[] = [];
  const startedAt = new Date();
  const drainS = opts.drainS ?? Math.min(opts.timeoutS, 2);
  // The last request may be sent MAX_LATENESS_S late and then take its whole timeout: only past that
  // is a request abandoned. Normally the phase ends earlier, as soon as every connection has drained.
  const hardStopS = phase.durationS + Math.max(drainS, MAX_LATENESS_S + opts.timeoutS);
  let interrupted = false;
  let resolveDrained!: () => void;
  const drained = new Promise<void>((r) => (resolveDrained = r));
  const checkDrained = () => {
    if (state.finishedDrivers >= phase.virtualUsers) resolveDrained();
  };

  const instance = autocannon({
    url: parsed.origin,
    connections: phase.virtualUsers,
    // A safety net only: the harness stops the run itself once the schedule is done and drained.
    duration: hardStopS + 5,
    timeout: opts.timeoutS,
    sampleInt: 200,
    setupClient: (client) => {
      const vu = opts.pool.get(drivers.length);
      vu.mix = phase.mix as JourneyMix;
      vu.onJourney = (name, event) => opts.hooks.journey(name, event);
      const driver = new ConnectionDriver(client, vu, state, opts, pathPrefix, () => {
        state.finishedDrivers += 1;
        checkDrained();
      });
      drivers.push(driver);
    },
  });
  instance.on('error', () => {});

  const onAbort = () => {
    interrupted = true;
    state.stopping = true;
    for (const d of drivers) d.finish();
    resolveDrained();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();

  const done = (async (): Promise<PhaseRunOutcome> => {
    await Promise.race([drained, new Promise<void>((r) => setTimeout(r, hardStopS * 1000).unref())]);
    state.stopping = true;
    const inFlightAtEnd = drivers.filter((d) => d.abandon()).length;
    for (const d of drivers) d.finish();
    instance.stop();
    await instance;
    opts.signal?.removeEventListener('abort', onAbort);
    const endedAt = new Date();
    return {
      startedAt,
      endedAt,
      durationS: Math.min(state.clock.elapsedS(), phase.durationS),
      scheduled: state.schedule.total,
      sent: state.sent,
      late: state.late,
      dropped: state.dropped + (interrupted || state.schedule.total === null ? 0 : Math.max(0, state.schedule.total - state.schedule.claimed)),
      inFlightAtEnd,
      maxLatenessMs: Math.round(state.maxLatenessS * 1e6) / 1000,
      interrupted,
    };
  })();

  return {
    targetRps: () => rateAt(phase.rate, state.clock.elapsedS(), phase.durationS),
    elapsedS: () => state.clock.elapsedS(),
    done,
  };
}
