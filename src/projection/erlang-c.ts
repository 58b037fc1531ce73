/**
 * M/M/c (Erlang C) in closed form: Poisson arrivals at rate λ, c servers, exponential service of mean s.
 * The theory the simulations are checked against, and the per-step queue of the aggregate model
 * (with the Allen–Cunneen correction for non-exponential service, M/G/c).
 * Times in ms, rates per ms. Kleinrock, Queueing Systems I (1975) §3.5; Allen, Probability,
 * Statistics and Queueing Theory (1990) for the M/G/c approximation.
 */

/** Erlang B blocking probability for c servers and offered load a = λs Erlangs (stable recursion, O(c)). */
export function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: the probability an arrival waits, for c servers and offered load a < c Erlangs. */
export function erlangC(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  const b = erlangB(c, a);
  return b / (1 - (a / c) * (1 - b));
}

export interface MmcQueue {
  /** Utilisation λs/c. */
  rho: number;
  /** P(W > 0). */
  pWait: number;
  /** Decay rate of the waiting-time tail, per ms: P(W > t) = pWait · e^(−decay·t). */
  decay: number;
  meanWaitMs: number;
}

/**
 * The waiting time of M/M/c, or of M/G/c by Allen–Cunneen when `serviceScv` (squared coefficient of
 * variation of the service time) is given: the exponential tail keeps its probability of waiting, its
 * mean is scaled by (1 + scv)/2. Undefined when λs ≥ c (no steady state).
 */
export function mmc(lambdaPerMs: number, serviceMeanMs: number, c: number, serviceScv = 1): MmcQueue | undefined {
  const a = lambdaPerMs * serviceMeanMs;
  if (c <= 0 || a >= c) return undefined;
  const pWait = erlangC(c, a);
  const decay = ((c / serviceMeanMs - lambdaPerMs) * 2) / (1 + serviceScv);
  return { rho: a / c, pWait, decay, meanWaitMs: pWait / decay };
}

/** The waiting time at probability u: 0 for the 1 − pWait who find a free server, else the exponential tail. */
export function waitQuantileMs(q: MmcQueue, u: number): number {
  if (u <= 1 - q.pWait) return 0;
  return Math.log(q.pWait / (1 - u)) / q.decay;
}

/** P(response > t) for M/M/c (response = wait + own exponential service, independent under FIFO). */
export function responseTailMmc(q: MmcQueue, serviceMeanMs: number, tMs: number): number {
  const mu = 1 / serviceMeanMs;
  const theta = q.decay;
  const serviceTail = Math.exp(-mu * tMs);
  // Hypoexponential tail of Exp(θ) + Exp(μ).
  const both = Math.abs(mu - theta) < 1e-12 * mu ? (1 + mu * tMs) * Math.exp(-mu * tMs) : (mu * Math.exp(-theta * tMs) - theta * Math.exp(-mu * tMs)) / (mu - theta);
  return (1 - q.pWait) * serviceTail + q.pWait * both;
}

/** The response-time percentile of M/M/c (bisection on the closed-form tail). */
export function responseQuantileMmc(q: MmcQueue, serviceMeanMs: number, p: number): number {
  let lo = 0;
  let hi = serviceMeanMs;
  while (responseTailMmc(q, serviceMeanMs, hi) > 1 - p) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (responseTailMmc(q, serviceMeanMs, mid) > 1 - p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
