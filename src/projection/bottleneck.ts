/**
 * A limit a model runs into at the projected load: what saturates, at which rate, what it does to
 * requests, and the quota or size that removes it. `binding` marks the first limit the peak reaches.
 */
export interface Bottleneck {
  /** What saturates, e.g. "Lambda account concurrency quota", "db.t4g.micro CPU". */
  resource: string;
  /** The limit as configured, e.g. "1,000 concurrent executions". */
  limit: string;
  /** The request rate at which it saturates (requests/s). */
  saturatesAtRps: number;
  /** What it does at the projected peak, e.g. "38% of peak requests throttled". */
  effect: string;
  /** The quota or size that removes it at this peak, e.g. "raise to ≥ 2,600". */
  fix: string;
  /** The projection parameter behind the limit. */
  parameter: string;
  binding: boolean;
  /** Parameter values (calibration-file names) that remove the limit at this peak: what --raise-limits applies. */
  raise?: Record<string, number | string>;
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const fmtPct = (share: number): string => `${share >= 0.1 ? Math.round(share * 100) : Math.round(share * 1000) / 10}%`;

/** The share of the peak's requests beyond a limit that saturates at `saturatesAtRps`. */
export const beyond = (saturatesAtRps: number, peakRps: number): number => (peakRps > 0 ? Math.max(0, 1 - saturatesAtRps / peakRps) : 0);

/**
 * Marks the limit with the lowest saturation rate at or below the peak as binding, and appends to it
 * what the run saw (`observed`): the others are what would bind next once it is raised.
 */
export function markBinding(limits: Bottleneck[], peakRps: number, observed: string): Bottleneck[] {
  const reached = limits.filter((l) => l.saturatesAtRps <= peakRps).sort((a, b) => a.saturatesAtRps - b.saturatesAtRps);
  return limits
    .map((l) => (l === reached[0] ? { ...l, binding: true, effect: `${l.effect}; ${observed}` } : { ...l, binding: false }))
    .sort((a, b) => a.saturatesAtRps - b.saturatesAtRps);
}
