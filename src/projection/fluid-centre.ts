import { mmc, waitQuantileMs, type MmcQueue } from './erlang-c.js';
import { seededRandom } from '../seeded-random.js';
import { LatencyAccumulator } from './latency-accumulator.js';
import { stratifiedDraws } from './sampling.js';
import { compileQuantile, meanMs, scv, type ServiceTime } from './service-time.js';

/**
 * The aggregate (fluid) model of one service centre, for scales no per-request simulation reaches:
 * time advances in steps (1–10 s); within a step arrivals are Poisson at a constant rate.
 * - Below capacity with no backlog, the step is in M/G/c steady state (Erlang C, Allen–Cunneen for
 *   the service time's variability): waits are 0 with probability 1 − C, else exponential.
 * - At or above capacity, or while a backlog drains, the queue is a fluid: the backlog grows or
 *   shrinks at (arrival rate − service rate), and an arrival waits backlog / service rate.
 * - Waits beyond the timeout abandon (counted, never served); the backlog is capped where a new
 *   arrival would wait the timeout.
 * Error against the per-request simulation (test/projection/fluid-centre.test.ts): phase p95 within
 * 10% where both run; it is largest at steps where the load crosses capacity, since steady state is
 * assumed reached within a step.
 */
export interface FluidStep {
  /** Requests that arrived in the step. */
  arrivals: number;
  /** Requests completed in the step (in steady state: arrivals − abandoned; in a fluid step: departures). */
  served: number;
  /** Arrivals of the step that will be served (arrivals − abandoned): the weight of the step's latencies. */
  admitted: number;
  abandoned: number;
  /** Mean busy servers over the step (utilisation × servers). */
  busyServers: number;
  backlogEnd: number;
  /** Wait (ms) of an arrival at fraction `at` ∈ [0,1) of the step, at probability u. */
  waitMs: (u: number, at: number) => number;
}

export class FluidCentre {
  private backlog = 0;
  private meanServiceMs = 0;
  private serviceScv = 1;

  constructor(
    service: ServiceTime,
    private readonly timeoutMs = Number.POSITIVE_INFINITY,
  ) {
    this.serve(service);
  }

  /** From now on requests take this service time (a phase with its own request mix); the backlog stays. */
  serve(service: ServiceTime): void {
    this.meanServiceMs = meanMs(service);
    this.serviceScv = scv(service);
  }

  get queued(): number {
    return this.backlog;
  }

  /** Advances one step of `dtMs` with `arrivals` requests and `servers` servers. */
  step(dtMs: number, arrivals: number, servers: number): FluidStep {
    const lambda = arrivals / dtMs;
    const c = Math.max(0, servers);
    const capacity = c > 0 ? c / this.meanServiceMs : 0;
    const q0 = this.backlog;
    const steady: MmcQueue | undefined = q0 < 1 ? mmc(lambda, this.meanServiceMs, Math.round(c), this.serviceScv) : undefined;
    if (steady && steady.rho < 0.999) {
      // Requests whose wait would pass the timeout abandon: the exponential tail beyond it.
      const lost = Number.isFinite(this.timeoutMs) ? arrivals * steady.pWait * Math.exp(-steady.decay * this.timeoutMs) : 0;
      this.backlog = 0;
      const served = arrivals - lost;
      return { arrivals, served, admitted: served, abandoned: lost, busyServers: served * this.meanServiceMs / dtMs, backlogEnd: 0, waitMs: (u) => Math.min(this.timeoutMs, waitQuantileMs(steady, u)) };
    }
    // Fluid: backlog(τ) = q0 + (λ − capacity)·τ, clipped at 0 and at the timeout's backlog.
    const cap = capacity > 0 && Number.isFinite(this.timeoutMs) ? capacity * this.timeoutMs : Number.POSITIVE_INFINITY;
    const drift = lambda - capacity;
    const raw = q0 + drift * dtMs;
    let abandoned = 0;
    let end: number;
    if (capacity === 0) {
      // No server: with a timeout everything waiting gives up; without one it all waits.
      abandoned = Number.isFinite(this.timeoutMs) ? q0 + arrivals : 0;
      end = Number.isFinite(this.timeoutMs) ? 0 : raw;
    } else {
      abandoned = Math.max(0, raw - cap);
      end = Math.min(Math.max(0, raw), cap);
    }
    this.backlog = end;
    // Completions in the step: what was waiting plus what arrived, less what still waits or gave up.
    const served = Math.max(0, q0 + arrivals - end - abandoned);
    const busy = capacity > 0 ? Math.min(c, (served * this.meanServiceMs) / dtMs) : 0;
    const sojourn = (at: number) => {
      if (capacity === 0) return this.timeoutMs;
      const b = Math.min(Math.max(0, q0 + drift * at * dtMs), cap);
      return b / capacity;
    };
    return { arrivals, served, admitted: Math.max(0, arrivals - abandoned), abandoned, busyServers: busy, backlogEnd: end, waitMs: (_u, at) => Math.min(this.timeoutMs, sojourn(at)) };
  }
}

/** Samples per step the aggregate model draws latencies from (a power of two: see sampling.ts). */
export const SAMPLES_PER_STEP = 32;

export interface FluidSegmentResult {
  arrivals: number;
  served: number;
  admitted: number;
  abandoned: number;
  /** Response times (wait + service) of the served requests. */
  latency: LatencyAccumulator;
}

/**
 * One service centre under segments of constant arrival rate, in steps of `stepMs`: the aggregate
 * counterpart of simulateRequests, with the same inputs, for the agreement test and --validate.
 */
export function runFluidCentre(options: {
  servers: number;
  service: ServiceTime;
  segments: Array<{ durationMs: number; ratePerMs: number }>;
  stepMs: number;
  seed: number;
  timeoutMs?: number;
}): FluidSegmentResult[] {
  const random = seededRandom(options.seed);
  const centre = new FluidCentre(options.service, options.timeoutMs);
  const service = compileQuantile(options.service);
  return options.segments.map((segment) => {
    const out: FluidSegmentResult = { arrivals: 0, served: 0, admitted: 0, abandoned: 0, latency: new LatencyAccumulator() };
    const steps = Math.max(1, Math.round(segment.durationMs / options.stepMs));
    const dt = segment.durationMs / steps;
    for (let k = 0; k < steps; k++) {
      const step = centre.step(dt, segment.ratePerMs * dt, options.servers);
      out.arrivals += step.arrivals;
      out.served += step.served;
      out.admitted += step.admitted;
      out.abandoned += step.abandoned;
      const draws = stratifiedDraws(SAMPLES_PER_STEP, 2, random);
      const weight = step.admitted / SAMPLES_PER_STEP;
      for (let j = 0; j < SAMPLES_PER_STEP; j++) out.latency.add(step.waitMs(draws.u[0]![j]!, draws.at[j]!) + service(draws.u[1]![j]!), weight);
    }
    return out;
  });
}
