import { DOMAINS, HTTP_FUNCTIONS, type Domain } from '../architecture/system.js';
import { STEP_ROUTES, type StepName } from '../bench/journeys.js';
import type { BenchResult } from '../bench/result-schema.js';
import { decodeHistogram, mergeHistograms } from '../bench/statistics.js';
import type { ProjectionPhase } from './load-schedule.js';
import type { ByDomain, ProjectionParameters } from './parameters.js';
import { reweightRoutes, scaleServiceTime, type ServiceTime } from './service-time.js';

/**
 * Request kinds (journey steps: login, me, list, …) and the functions serving them. Routes of one
 * function differ by orders of magnitude (a login hashes a password for ~100 ms, GET /users/me reads one
 * item), and their mix moves with the load (a surge of new sessions is a surge of logins), so the
 * projection keeps each domain's service time as a mixture over its request kinds.
 */

/** The domain whose function's routes serve a path (from the system description's route keys). */
export function domainOfPath(path: string): Domain | undefined {
  const segment = path.split('/')[1];
  return HTTP_FUNCTIONS.find((f) => f.routes.some((r) => r.split(' ')[1]!.split('/')[1] === segment))?.id;
}

/** The step of a bench step key "<journey>.<step>" (or a bare step name). */
export function stepOf(key: string): StepName | undefined {
  const step = key.includes('.') ? key.split('.')[1]! : key;
  return step in STEP_ROUTES ? (step as StepName) : undefined;
}

/** The domain serving a bench step key. */
export function domainOfStep(key: string): Domain | undefined {
  const step = stepOf(key);
  return step ? domainOfPath(STEP_ROUTES[step].split(' ')[1]!) : undefined;
}

/** Quantile points of a request kind's shape; its top 1% is cut (below). */
const SHAPE_POINTS = 100;
const SHAPE_TOP_PERCENTILE = 99;

export interface RouteShape {
  route: StepName;
  requests: number;
  /** Mean of the kind's (cut) response times, ms: its cost relative to the other kinds. */
  relativeMs: number;
  /** Normalised to mean 1. */
  shape: ServiceTime;
}

/**
 * Per request kind, within each domain: its requests and the shape of its response times (empirical
 * quantiles of its steps' merged histograms over the given phases, normalised to mean 1). The top 1% of
 * each kind is cut: on the local target it holds cold starts (modelled apart) and this machine's stalls,
 * which AWS would not have.
 */
export function routeShapes(r: BenchResult, phases: readonly string[] = r.phases.filter((p) => !p.warmup).map((p) => p.name)): Map<Domain, RouteShape[]> {
  const byRoute = new Map<StepName, { domain: Domain; requests: number; histograms: string[] }>();
  for (const phase of r.phases.filter((p) => phases.includes(p.name))) {
    for (const [key, stats] of Object.entries(phase.steps)) {
      const route = stepOf(key);
      const domain = domainOfStep(key);
      if (!route || !domain || stats.latencyMs.count === 0) continue;
      const entry = byRoute.get(route) ?? { domain, requests: 0, histograms: [] };
      entry.requests += stats.requests;
      entry.histograms.push(stats.latencyHistogram);
      byRoute.set(route, entry);
    }
  }
  const out = new Map<Domain, RouteShape[]>();
  for (const [route, e] of byRoute) {
    const h = mergeHistograms(e.histograms.map(decodeHistogram));
    if (h.totalCount === 0) continue;
    const quantilesMs = Array.from({ length: SHAPE_POINTS + 1 }, (_, i) => h.getValueAtPercentile(Math.max(0.0001, (i / SHAPE_POINTS) * SHAPE_TOP_PERCENTILE)) / 1000);
    const m = quantilesMs.reduce((a, b) => a + b, 0) / quantilesMs.length;
    if (!(m > 0)) continue;
    out.set(e.domain, [...(out.get(e.domain) ?? []), { route, requests: e.requests, relativeMs: m, shape: { family: 'empirical', quantilesMs: quantilesMs.map((q) => q / m) } }]);
  }
  return out;
}

/**
 * A domain's service time as the mixture of its request kinds, scaled so that the mixture's mean is
 * `meanMs`: each kind keeps its measured cost relative to the others, and is labelled with its route so
 * a phase can re-weight it (forPhase).
 */
export function routeMixture(routes: RouteShape[], meanMs: number): ServiceTime {
  const total = routes.reduce((s, r) => s + r.requests, 0);
  const unscaled = routes.reduce((s, r) => s + (r.requests / total) * r.relativeMs, 0);
  const k = unscaled > 0 ? meanMs / unscaled : 1;
  return { family: 'mixture', parts: routes.map((r) => ({ weight: r.requests / total, route: r.route, time: scaleServiceTime(r.shape, r.relativeMs * k) })) };
}

/** Requests per request kind in each phase of a run (what its generator sent). */
export function phaseRouteRequests(phase: BenchResult['phases'][number]): Partial<Record<StepName, number>> {
  const out: Partial<Record<StepName, number>> = {};
  for (const [key, stats] of Object.entries(phase.steps)) {
    const route = stepOf(key);
    if (route) out[route] = (out[route] ?? 0) + stats.requests;
  }
  return out;
}

/**
 * The parameters for a phase with its own request-kind mix (a saved run's phase replayed by --validate):
 * the domain shares from its kinds, and each domain's mixtures re-weighted to the phase's kinds. A phase
 * without a mix of its own uses the parameters as they are.
 */
export function forPhase(p: ProjectionParameters, phase: ProjectionPhase): ProjectionParameters {
  const kinds = phase.routeRequests;
  if (!kinds) return p;
  const total = Object.values(kinds).reduce<number>((s, n) => s + (n ?? 0), 0);
  if (!(total > 0)) return p;
  const share = Object.fromEntries(DOMAINS.map((d) => [d, 0])) as ByDomain<number>;
  for (const [route, n] of Object.entries(kinds)) {
    const d = domainOfStep(route);
    if (d) share[d] += (n ?? 0) / total;
  }
  const reweight = (times: ByDomain<ServiceTime>) => Object.fromEntries(DOMAINS.map((d) => [d, reweightRoutes(times[d], kinds)])) as ByDomain<ServiceTime>;
  return {
    ...p,
    requestMix: { ...p.requestMix, value: share },
    cpuServiceTime: { ...p.cpuServiceTime, value: reweight(p.cpuServiceTime.value) },
    lambdaDuration: { ...p.lambdaDuration, value: reweight(p.lambdaDuration.value) },
  };
}
