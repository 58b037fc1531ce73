import { performance } from 'node:perf_hooks';
import autocannon, { type AutocannonClient, type AutocannonRequest } from 'autocannon';
import type { PlannedRequest, VirtualUser } from './journeys.js';
import type { JourneyMix } from './profile-schema.js';
import type { RequestOutcome } from './recorder.js';
import { ArrivalSchedule, LATE_THRESHOLD_S, MAX_LATENESS_S, type PlannedPhase, rateAt, type ScheduleShare } from './schedule.js';

/**
 * One phase = one autocannon run. autocannon owns the connections, HTTP framing, response parsing and
 * timeouts; its own rate limit is per connection and per whole second (bursty), so the harness paces
 * each connection itself: a free virtual user claims the next slot of the phase's open-model arrival
 * schedule and sends at that time. When every virtual user is busy, slots go out late (counted, with the
 * corrected latency measured from the slot) or are dropped when more than 2 s overdue.
 *
 * Per request this is on the generator's critical path, so it allocates little and reads the clock
 * twice (send, answer): requests are encoded once per PlannedRequest and reused, and answers arrive
 * through autocannon's public events (the Client's 'headers', the instance's 'response') and, only for
 * steps that read the body, the public per-request `onResponse`.
 *
 * autocannon has no public way to hold a connection's next request until its slot, nor to send bytes
 * without rebuilding them (its builder costs ~10 µs a request, a third of the budget at full rate). So
 * this file - and only this file - relies on three members of autocannon 9's Client (lib/httpClient.js):
 * `_doRequest` (asks for the next request: deferred until the slot), `getRequestBuffer` (returns the
 * bytes to write: the virtual user's encoded request) and `timeoutTicker` (kept quiet while a user
 * waits). `pacedClient` checks they exist and fails with a clear message if an upgrade removed them.
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
  /** This generator's share of the schedule and its number of connections (default: all of them). */
  share?: ScheduleShare;
  connections?: number;
  /** When the phase's t=0 is, on this thread's performance.now() clock (default: now). Aligns workers. */
  startAtMs?: number;
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

const COLD_START = 'x-archcompare-cold-start';
const INIT_MS = 'x-archcompare-init-ms';

/** The last value of a header in a raw [name, value, name, value, …] list (names case-insensitive, `name` lower case). */
export function rawHeaderValue(raw: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length === name.length && (key === name || key.toLowerCase() === name)) value = raw[i + 1];
  }
  return value;
}

/** Encodes planned requests as HTTP/1.1 bytes for one target, once per PlannedRequest object. */
export class RequestEncoder {
  private readonly cache = new WeakMap<PlannedRequest, Buffer>();
  private readonly head: string;

  constructor(
    host: string,
    private readonly pathPrefix: string,
  ) {
    this.head = ` HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n`;
  }

  encode(req: PlannedRequest): Buffer {
    let bytes = this.cache.get(req);
    if (bytes === undefined) {
      let text = req.method + ' ' + this.pathPrefix + req.path + this.head;
      for (const key in req.headers) text += key + ': ' + req.headers[key] + '\r\n';
      const body = req.body;
      if (body) text += 'Content-Length: ' + Buffer.byteLength(body) + '\r\n\r\n' + body;
      else text += '\r\n';
      bytes = Buffer.from(text, 'utf8');
      this.cache.set(req, bytes);
    }
    return bytes;
  }
}

type PacedClient = AutocannonClient & { getRequestBuffer(): Buffer };

const UNSUPPORTED_AUTOCANNON =
  'this autocannon version lacks Client#_doRequest/getRequestBuffer/timeoutTicker, which the bench harness paces requests through (autocannon 9.x): install autocannon@9 or update src/bench/phase-runner.ts';

/** The private Client members this runner needs (see the header comment), or a clear error. */
function pacedClient(client: AutocannonClient): PacedClient {
  const c = client as Partial<PacedClient>;
  if (typeof c._doRequest !== 'function' || typeof c.getRequestBuffer !== 'function') throw new Error(UNSUPPORTED_AUTOCANNON);
  return client as PacedClient;
}

/** autocannon cycles through a client's requests and deep-clones a fresh context after the last: a few entries make that rare (each costs ~10 µs to build once, per connection). */
const REQUEST_SLOTS = 8;
const EMPTY = Buffer.alloc(0);

class PhaseClock {
  constructor(readonly startMs: number) {}
  elapsedS(): number {
    return (performance.now() - this.startMs) / 1000;
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
  /** Phase time (s) before which the user thinks; 0 = ready now. */
  private readyAtS = 0;
  private sentMs = 0;
  private intendedMs = 0;
  private stepKey = '';
  private wire: Buffer = EMPTY;
  /** autocannon's request entries for this connection (their bytes are unused: see getRequestBuffer). */
  private readonly slots: AutocannonRequest[] = [];
  /** Whether the slots carry onResponse: autocannon converts the headers for it (lodash, ~1 µs), so only for steps that read the body. */
  private offersBody = false;
  private readonly keepBody = (_status: number, body: string) => {
    this.body = body;
  };
  private body = '';
  private coldStart = false;
  private initMs: number | undefined = undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly send: () => void;
  private readonly client: PacedClient;
  private readonly thinks: boolean;
  private checked = false;

  constructor(
    autocannonClient: AutocannonClient,
    private readonly vu: VirtualUser,
    private readonly state: PhaseState,
    private readonly opts: PhaseRunOptions,
    private readonly encoder: RequestEncoder,
    private readonly onFinished: () => void,
  ) {
    const client = (this.client = pacedClient(autocannonClient));
    this.thinks = opts.thinkTime.maxS > 0;
    this.send = client._doRequest.bind(client);
    client._doRequest = () => this.ready();
    client.getRequestBuffer = () => this.wire;
    client.on('timeout', () => {
      // autocannon has already reconnected and asked for the next request (which we ignored while in flight).
      if (this.fail('timeout')) this.ready();
    });
    client.on('connError', () => {
      this.fail('connection'); // autocannon reconnects and asks for the next request right after
    });
    // Public Client event: the headers of an answer (cold start). The complete answer arrives through the
    // instance's public 'response' event (see startPhase): a second listener on the client's would make
    // every emit copy its listener list.
    client.on('headers', (info: { headers?: string[] }) => this.headers(info.headers));
    for (let i = 0; i < REQUEST_SLOTS; i++) this.slots.push({ method: 'GET', path: '/' });
    client.setRequests(this.slots);
  }

  /** autocannon wants the next request on this connection (first from the Client constructor, once its timer exists). */
  ready(): void {
    if (this.inFlight || this.waiting || this.finished || this.client.destroyed) return;
    if (!this.checked) {
      if (typeof this.client.timeoutTicker?.reschedule !== 'function') throw new Error(UNSUPPORTED_AUTOCANNON);
      this.checked = true;
    }
    this.waiting = true;
    const now = this.state.clock.elapsedS();
    // Before the phase's t=0 (a worker started early) counts as thinking until then.
    if (this.readyAtS > now) this.wait(this.readyAtS - now, () => this.claim(this.state.clock.elapsedS()));
    else this.claim(now);
  }

  private claim(now: number): void {
    for (;;) {
      if (this.state.stopping) return this.finish();
      const slot = this.state.schedule.claim(now);
      if (slot === null) return this.finish();
      if (now - slot > MAX_LATENESS_S) {
        this.state.dropped += 1;
        now = this.state.clock.elapsedS();
        continue;
      }
      // Late = no virtual user was free at the slot's time (timer jitter on a claimed slot is not lateness).
      if (now - slot > LATE_THRESHOLD_S) this.state.late += 1;
      if (slot > now) return this.wait(slot - now, () => this.fire(slot, this.state.clock.elapsedS()));
      return this.fire(slot, now);
    }
  }

  private fire(slotS: number, nowS: number): void {
    if (this.state.stopping || this.client.destroyed) return this.finish();
    const lateness = nowS - slotS;
    if (lateness > this.state.maxLatenessS) this.state.maxLatenessS = lateness;
    this.waiting = false;
    this.inFlight = true;
    this.wire = this.encoder.encode(this.vu.next());
    this.stepKey = this.vu.currentStepKey;
    const wantsBody = this.vu.wantsBody;
    if (wantsBody !== this.offersBody) {
      this.offersBody = wantsBody;
      for (const slot of this.slots) slot.onResponse = wantsBody ? this.keepBody : undefined;
    }
    this.body = '';
    this.coldStart = false;
    this.initMs = undefined;
    this.state.sent += 1;
    this.opts.hooks.sent();
    const startMs = this.state.clock.startMs;
    this.intendedMs = startMs + slotS * 1000;
    this.sentMs = startMs + nowS * 1000;
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

  private headers(raw: string[] | undefined): void {
    if (!this.inFlight || raw === undefined) return;
    this.coldStart = rawHeaderValue(raw, COLD_START) === 'true';
    if (this.coldStart) {
      const v = Number.parseFloat(rawHeaderValue(raw, INIT_MS) ?? '');
      this.initMs = Number.isFinite(v) ? v : undefined;
    }
  }

  /** The answer is complete (autocannon's 'response' event). */
  respond(status: number): void {
    if (!this.inFlight) return;
    const endMs = performance.now();
    const outcome: RequestOutcome = {
      stepKey: this.stepKey,
      status,
      failure: undefined,
      latencyMicros: (endMs - this.sentMs) * 1000,
      correctedLatencyMicros: (endMs - (this.intendedMs < this.sentMs ? this.intendedMs : this.sentMs)) * 1000,
      coldStart: this.coldStart,
      initMs: this.initMs,
    };
    const body = this.body;
    this.body = '';
    this.vu.handle(status, body);
    this.inFlight = false;
    if (this.thinks) this.readyAtS = this.state.clock.elapsedS() + this.thinkS();
    this.opts.hooks.completed(outcome);
  }

  /** Records a request that got no answer; false when nothing was in flight. */
  fail(kind: 'timeout' | 'connection'): boolean {
    if (!this.inFlight) return false;
    const endMs = performance.now();
    this.opts.hooks.completed({
      stepKey: this.stepKey,
      status: 0,
      failure: kind,
      latencyMicros: (endMs - this.sentMs) * 1000,
      correctedLatencyMicros: (endMs - this.intendedMs) * 1000,
      coldStart: false,
      initMs: undefined,
    });
    this.vu.handle(0);
    this.inFlight = false;
    if (this.thinks) this.readyAtS = this.state.clock.elapsedS() + this.thinkS();
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
    this.vu.handle(0);
    return true;
  }
}

/** Starts a phase against `url`; resolves when its schedule is exhausted and in-flight requests drained. */
export function startPhase(opts: PhaseRunOptions): RunningPhase {
  const { phase } = opts;
  const parsed = new URL(opts.url);
  const encoder = new RequestEncoder(parsed.host, parsed.pathname.replace(/\/+$/, ''));
  const connections = opts.connections ?? phase.virtualUsers;
  const state: PhaseState = {
    clock: new PhaseClock(opts.startAtMs ?? performance.now()),
    schedule: new ArrivalSchedule(phase.rate, phase.durationS, opts.share),
    stopping: false,
    sent: 0,
    late: 0,
    dropped: 0,
    maxLatenessS: 0,
    finishedDrivers: 0,
  };
  const drivers: ConnectionDriver[] = [];
  const driverOf = new Map<AutocannonClient, ConnectionDriver>();
  let startedAt = new Date();
  const drainS = opts.drainS ?? Math.min(opts.timeoutS, 2);
  // The last request may be sent MAX_LATENESS_S late and then take its whole timeout: only past that
  // is a request abandoned. Normally the phase ends earlier, as soon as every connection has drained.
  const hardStopS = phase.durationS + Math.max(drainS, MAX_LATENESS_S + opts.timeoutS);
  let interrupted = false;
  let resolveDrained!: () => void;
  const drained = new Promise<void>((r) => (resolveDrained = r));
  const checkDrained = () => {
    if (state.finishedDrivers >= connections) resolveDrained();
  };

  const instance = autocannon({
    url: parsed.origin,
    connections,
    // A safety net only: the harness stops the run itself once the schedule is done and drained.
    duration: hardStopS + 5 + Math.max(0, -state.clock.elapsedS()),
    timeout: opts.timeoutS,
    sampleInt: 200,
    setupClient: (client) => {
      const vu = opts.pool.get(drivers.length);
      vu.mix = phase.mix as JourneyMix;
      vu.onJourney = (name, event) => opts.hooks.journey(name, event);
      const driver = new ConnectionDriver(client, vu, state, opts, encoder, () => {
        state.finishedDrivers += 1;
        checkDrained();
      });
      drivers.push(driver);
      driverOf.set(client, driver);
    },
  });
  instance.on('error', () => {});
  instance.on('response', (client: AutocannonClient, status: number) => driverOf.get(client)?.respond(status));

  const onAbort = () => {
    interrupted = true;
    state.stopping = true;
    for (const d of drivers) d.finish();
    resolveDrained();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();

  const done = (async (): Promise<PhaseRunOutcome> => {
    const untilStartMs = -state.clock.elapsedS() * 1000;
    if (untilStartMs > 0) {
      await new Promise((r) => setTimeout(r, untilStartMs));
      startedAt = new Date();
    }
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
      durationS: Math.max(0, Math.min(state.clock.elapsedS(), phase.durationS)),
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
