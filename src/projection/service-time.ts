import { decodeHistogram } from '../bench/statistics.js';

/**
 * Service-time distributions of the projection, in milliseconds: what one request costs a service
 * centre (CPU time on an instance's vCPU, time on the DB's vCPUs, a Lambda invocation's duration).
 * Pure: sampling takes a uniform in [0, 1), so callers choose the (seeded, stratified) randomness.
 *
 * - exponential: the M/M/c case theory answers exactly;
 * - lognormal: from a mean and a coefficient of variation (a right-skewed service time, the usual
 *   shape of measured request CPU time);
 * - empirical: equal-probability quantile points, e.g. read from a bench run's HDR histogram;
 * - mixture: a weighted mix of the above (the per-route mix of one centre).
 */
export type ServiceTime =
  | { family: 'exponential'; meanMs: number }
  | { family: 'lognormal'; meanMs: number; cv: number }
  | { family: 'empirical'; quantilesMs: number[] }
  | { family: 'mixture'; parts: Array<{ weight: number; time: ServiceTime; route?: string }> };

export const SERVICE_TIME_FAMILIES = ['exponential', 'lognormal', 'empirical'] as const;

/** Mean in ms. */
export function meanMs(t: ServiceTime): number {
  switch (t.family) {
    case 'exponential':
    case 'lognormal':
      return t.meanMs;
    case 'empirical':
      return t.quantilesMs.reduce((a, b) => a + b, 0) / Math.max(1, t.quantilesMs.length);
    case 'mixture': {
      const w = totalWeight(t);
      return t.parts.reduce((sum, p) => sum + (p.weight / w) * meanMs(p.time), 0);
    }
  }
}

/** E[S²] in ms². */
function secondMoment(t: ServiceTime): number {
  switch (t.family) {
    case 'exponential':
      return 2 * t.meanMs ** 2;
    case 'lognormal':
      return t.meanMs ** 2 * (1 + t.cv ** 2);
    case 'empirical':
      return t.quantilesMs.reduce((a, b) => a + b * b, 0) / Math.max(1, t.quantilesMs.length);
    case 'mixture': {
      const w = totalWeight(t);
      return t.parts.reduce((sum, p) => sum + (p.weight / w) * secondMoment(p.time), 0);
    }
  }
}

/** Squared coefficient of variation Var[S]/E[S]² (1 for exponential): the M/G/c approximations scale waits by (1 + scv)/2. */
export function scv(t: ServiceTime): number {
  const m = meanMs(t);
  return m > 0 ? secondMoment(t) / (m * m) - 1 : 0;
}

function totalWeight(t: Extract<ServiceTime, { family: 'mixture' }>): number {
  return t.parts.reduce((a, p) => a + p.weight, 0) || 1;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) / ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
  }
  if (q > 1 - 0.02425) return -normalQuantile(1 - q);
  const r = q - 0.5;
  const s = r * r;
  return ((((((a[0]! * s + a[1]!) * s + a[2]!) * s + a[3]!) * s + a[4]!) * s + a[5]!) * r) / (((((b[0]! * s + b[1]!) * s + b[2]!) * s + b[3]!) * s + b[4]!) * s + 1);
}

/** The value at probability u (0 ≤ u < 1): inverse-CDF sampling, so a uniform draw is a sample. */
export function quantileMs(t: ServiceTime, u: number): number {
  switch (t.family) {
    case 'exponential':
      return -t.meanMs * Math.log(1 - u);
    case 'lognormal': {
      const sigma2 = Math.log(1 + t.cv * t.cv);
      const mu = Math.log(t.meanMs) - sigma2 / 2;
      return Math.exp(mu + Math.sqrt(sigma2) * normalQuantile(u));
    }
    case 'empirical': {
      const q = t.quantilesMs;
      if (q.length === 0) return 0;
      // Piecewise linear between the equal-probability points.
      const x = u * (q.length - 1);
      const i = Math.floor(x);
      return i >= q.length - 1 ? q[q.length - 1]! : q[i]! + (q[i + 1]! - q[i]!) * (x - i);
    }
    case 'mixture': {
      // The first part of the mix takes the lowest u's: rescale u within the chosen part.
      const w = totalWeight(t);
      let acc = 0;
      for (const p of t.parts) {
        const share = p.weight / w;
        if (u < acc + share || p === t.parts[t.parts.length - 1]) return quantileMs(p.time, share > 0 ? Math.min(0.999999, (u - acc) / share) : 0);
        acc += share;
      }
      return 0;
    }
  }
}

/**
 * An empirical service time from a bench result's HDR histogram (latencyHistogram: microseconds,
 * compressed base64): `points` equal-probability quantiles in ms, optionally scaled (e.g. to turn a
 * measured wall time into CPU time, or this machine's speed into the instance type's).
 */
export function empiricalFromHistogram(encoded: string, points = 101, scale = 1): Extract<ServiceTime, { family: 'empirical' }> {
  const h = decodeHistogram(encoded);
  if (h.totalCount === 0) throw new Error('the histogram is empty');
  const quantilesMs: number[] = [];
  for (let i = 0; i < points; i++) {
    const pct = Math.min(100, Math.max(0, (i / (points - 1)) * 100));
    quantilesMs.push((h.getValueAtPercentile(pct === 0 ? 0.0001 : pct) / 1000) * scale);
  }
  return { family: 'empirical', quantilesMs };
}

/** The same shape with every time multiplied by `factor` (machine speed, CPU share). */
export function scaleServiceTime(t: ServiceTime, factor: number): ServiceTime {
  switch (t.family) {
    case 'exponential':
      return { family: 'exponential', meanMs: t.meanMs * factor };
    case 'lognormal':
      return { ...t, meanMs: t.meanMs * factor };
    case 'empirical':
      return { family: 'empirical', quantilesMs: t.quantilesMs.map((q) => q * factor) };
    case 'mixture':
      return { family: 'mixture', parts: t.parts.map((p) => ({ ...p, time: scaleServiceTime(p.time, factor) })) };
  }
}

/**
 * A mixture of request kinds with each labelled part weighted by `requests[route]` instead (a phase's
 * own mix); unlabelled times, and mixtures none of whose kinds appear, are returned as they are.
 */
export function reweightRoutes(t: ServiceTime, requests: Partial<Record<string, number>>): ServiceTime {
  if (t.family !== 'mixture' || !t.parts.some((p) => p.route !== undefined && (requests[p.route] ?? 0) > 0)) return t;
  return { family: 'mixture', parts: t.parts.map((p) => (p.route === undefined ? p : { ...p, weight: requests[p.route] ?? 0 })) };
}

/** "lognormal mean 4.2 ms cv 1.0", for parameter tables. */
export function describeServiceTime(t: ServiceTime): string {
  const r = (x: number) => (x >= 10 ? x.toFixed(1) : x.toPrecision(3));
  switch (t.family) {
    case 'exponential':
      return `exponential, mean ${r(t.meanMs)} ms`;
    case 'lognormal':
      return `lognormal, mean ${r(t.meanMs)} ms, cv ${r(t.cv)}`;
    case 'empirical':
      return `empirical (${t.quantilesMs.length} quantiles), mean ${r(meanMs(t))} ms, p95 ${r(quantileMs(t, 0.95))} ms`;
    case 'mixture':
      return `mix of ${t.parts.length}, mean ${r(meanMs(t))} ms, scv ${r(scv(t))}`;
  }
}

/**
 * quantileMs compiled once per distribution: the aggregate model draws millions of samples, and the
 * lognormal's parameters and a mixture's cumulative shares need not be recomputed for each.
 */
export function compileQuantile(t: ServiceTime): (u: number) => number {
  switch (t.family) {
    case 'exponential': {
      const mean = t.meanMs;
      return (u) => -mean * Math.log(1 - u);
    }
    case 'lognormal': {
      const sigma = Math.sqrt(Math.log(1 + t.cv * t.cv));
      const mu = Math.log(t.meanMs) - (sigma * sigma) / 2;
      return (u) => Math.exp(mu + sigma * normalQuantile(u));
    }
    case 'empirical':
      return (u) => quantileMs(t, u);
    case 'mixture': {
      const w = totalWeight(t);
      const parts = t.parts.map((p) => ({ share: p.weight / w, q: compileQuantile(p.time) }));
      return (u) => {
        let acc = 0;
        for (let i = 0; i < parts.length; i++) {
          const p = parts[i]!;
          if (u < acc + p.share || i === parts.length - 1) return p.q(p.share > 0 ? Math.min(0.999999, (u - acc) / p.share) : 0);
          acc += p.share;
        }
        return 0;
      };
    }
  }
}
