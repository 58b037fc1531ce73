import { seededRandom } from '../seeded-random.js';
import { compileQuantile, type ServiceTime } from './service-time.js';

/**
 * The per-request discrete-event simulation of one service centre: c servers, one FIFO queue,
 * Poisson arrivals at a rate piecewise constant over segments. Under FIFO each arrival takes the
 * server that frees first (Kiefer–Wolfowitz), so the simulation is a heap of c free times: exact,
 * O(log c) per request. An arrival whose wait would exceed the timeout abandons without being served
 * (under FIFO its wait is known on arrival). Deterministic for a seed.
 *
 * It runs where requests can be counted one by one (tests, the local scale of --validate) and is
 * the reference the aggregate model (fluid-centre.ts) is checked against.
 */
export interface SimulationSegment {
  durationMs: number;
  /** Arrivals per ms. */
  ratePerMs: number;
}

export interface SimulationOptions {
  servers: number;
  service: ServiceTime;
  segments: SimulationSegment[];
  seed: number;
  /** Wait after which a request gives up (default: never). */
  timeoutMs?: number;
  /** Called for each arrival, in arrival order: served with its wait and response, or abandoned (wait = timeout). */
  onRequest: (segment: number, arrivalMs: number, waitMs: number, responseMs: number, abandoned: boolean) => void;
}

class MinHeap {
  private readonly a: Float64Array;
  constructor(n: number) {
    this.a = new Float64Array(n);
  }
  get top(): number {
    return this.a[0]!;
  }
  /** Replaces the smallest with v and restores the heap. */
  replaceTop(v: number): void {
    const a = this.a;
    const n = a.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && a[r]! < a[l]! ? r : l;
      if (a[m]! >= v) break;
      a[i] = a[m]!;
      i = m;
    }
    a[i] = v;
  }
}

export function simulateRequests(options: SimulationOptions): { arrivals: number; abandoned: number } {
  const random = seededRandom(options.seed);
  const servers = new MinHeap(Math.max(1, Math.floor(options.servers)));
  const timeout = options.timeoutMs ?? Number.POSITIVE_INFINITY;
  const serviceQuantile = compileQuantile(options.service);
  let t = 0;
  let segmentStart = 0;
  let arrivals = 0;
  let abandoned = 0;
  options.segments.forEach((segment, index) => {
    const end = segmentStart + segment.durationMs;
    if (segment.ratePerMs > 0) {
      // Memoryless arrivals: restart the clock at the segment's start with its rate.
      t = Math.max(t, segmentStart);
      for (;;) {
        t += -Math.log(1 - random()) / segment.ratePerMs;
        if (t >= end) break;
        arrivals++;
        const start = Math.max(t, servers.top);
        const wait = start - t;
        if (wait > timeout) {
          abandoned++;
          options.onRequest(index, t, timeout, timeout, true);
          continue;
        }
        const service = serviceQuantile(random());
        servers.replaceTop(start + service);
        options.onRequest(index, t, wait, wait + service, false);
      }
    }
    t = end;
    segmentStart = end;
  });
  return { arrivals, abandoned };
}
