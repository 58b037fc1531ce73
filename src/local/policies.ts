/**
 * The routing, throttling and scaling decisions of the local target as pure functions (no I/O, no clock):
 * the adapters pass time and state in, so every rule here is unit-tested exactly.
 */

import type { RouteSpec } from './topology.js';

// ---------- API Gateway route selection ----------

export interface RouteMatch {
  route: RouteSpec;
  pathParameters?: Record<string, string>;
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(w);
    if (greedy) {
      if (i !== want.length - 1 || got.length <= i) return undefined;
      params[greedy[1]!] = got.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const g = got[i];
    if (g === undefined) return undefined;
    const param = /^\{(.+)\}$/.exec(w);
    if (param) params[param[1]!] = decodeURIComponent(g);
    else if (w !== g) return undefined;
  }
  return got.length === want.length ? params : undefined;
}

/** HTTP API selection: most specific path (literal segments beat parameters beat greedy), then method over ANY, then $default. */
export function selectRoute(routes: readonly RouteSpec[], method: string, path: string): RouteMatch | undefined {
  let best: { match: RouteMatch; score: number } | undefined;
  for (const route of routes) {
    if (route.path === '$default') continue;
    if (route.method !== 'ANY' && route.method !== method.toUpperCase()) continue;
    const params = matchPath(route.path, path);
    if (!params) continue;
    const segs = route.path.split('/').filter(Boolean);
    const literals = segs.filter((s) => !s.startsWith('{')).length;
    const greedy = segs.some((s) => s.endsWith('+}')) ? 0 : 1;
    const score = greedy * 1e6 + literals * 1e3 + segs.length * 10 + (route.method === 'ANY' ? 0 : 1);
    if (!best || score > best.score) best = { match: { route, pathParameters: Object.keys(params).length ? params : undefined }, score };
  }
  if (best) return best.match;
  const fallback = routes.find((r) => r.path === '$default');
  return fallback ? { route: fallback } : undefined;
}

// ---------- token bucket (API Gateway throttling, Lambda scaling rate) ----------

export interface TokenBucket {
  capacity: number;
  refillPerMs: number;
  tokens: number;
  updatedAt: number;
}

export function createTokenBucket(ratePerSecond: number, burst: number, now: number): TokenBucket {
  return { capacity: burst, refillPerMs: ratePerSecond / 1000, tokens: burst, updatedAt: now };
}

/** Takes one token if there is one; mutates the bucket (it is the adapter's state). */
export function takeToken(bucket: TokenBucket, now: number): boolean {
  const elapsed = Math.max(0, now - bucket.updatedAt);
  bucket.tokens = Math.min(bucket.capacity, bucket.tokens + elapsed * bucket.refillPerMs);
  bucket.updatedAt = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return true;
  }
  return false;
}

// ---------- load balancer ----------

export interface TargetLoad {
  id: string;
  outstanding: number;
}

/** Least outstanding requests; ties broken by rotating from `cursor` so equal targets share load. */
export function pickLeastOutstanding<T extends TargetLoad>(targets: readonly T[], cursor: number): T | undefined {
  let best: T | undefined;
  const n = targets.length;
  for (let k = 0; k < n; k++) {
    const t = targets[(cursor + k) % n]!;
    if (!best || t.outstanding < best.outstanding) best = t;
  }
  return best;
}

export type HealthState = 'initial' | 'healthy' | 'unhealthy' | 'draining';

/** ALB health-check state machine: consecutive results against the thresholds. */
export function nextHealth(
  current: { state: HealthState; passes: number; fails: number },
  ok: boolean,
  healthyThreshold: number,
  unhealthyThreshold: number,
): { state: HealthState; passes: number; fails: number } {
  if (current.state === 'draining') return current;
  const passes = ok ? current.passes + 1 : 0;
  const fails = ok ? 0 : current.fails + 1;
  let state = current.state;
  if (passes >= healthyThreshold) state = 'healthy';
  else if (fails >= unhealthyThreshold) state = 'unhealthy';
  return { state, passes, fails };
}

// ---------- target tracking ----------

export interface TargetTrackingInput {
  /** Group-average metric per complete period, oldest first (instances in warm-up excluded). */
  datapoints: readonly number[];
  desiredCapacity: number;
  /** Instances past warm-up: the capacity the metric was measured on (pending ones are not counted twice). */
  inServiceCapacity: number;
  minSize: number;
  maxSize: number;
  targetValue: number;
  scaleOutEvaluationPeriods: number;
  scaleInEvaluationPeriods: number;
  scaleInThresholdRatio: number;
  /** Time since the last scale-in activity (Infinity if none) and the cooldown, both in the same unit. */
  sinceLastScaleIn: number;
  scaleInCooldown: number;
}

export interface ScalingDecision {
  desiredCapacity: number;
  reason: string;
}

/** AWS target tracking: a high alarm (N periods above target) scales out proportionally, a low alarm (M periods below target x ratio) scales in, after cooldown. */
export function decideTargetTracking(i: TargetTrackingInput): ScalingDecision {
  const clamp = (n: number) => Math.max(i.minSize, Math.min(i.maxSize, n));
  const current = clamp(i.desiredCapacity);
  if (current !== i.desiredCapacity) return { desiredCapacity: current, reason: `desired ${i.desiredCapacity} outside [${i.minSize}, ${i.maxSize}]` };
  const recent = (n: number) => (i.datapoints.length >= n ? i.datapoints.slice(-n) : undefined);
  const high = recent(i.scaleOutEvaluationPeriods);
  if (high && high.every((v) => v > i.targetValue)) {
    const latest = high[high.length - 1]!;
    const desired = clamp(Math.max(i.inServiceCapacity + 1, Math.ceil((i.inServiceCapacity * latest) / i.targetValue)));
    if (desired > current) return { desiredCapacity: desired, reason: `metric ${latest.toFixed(1)} > target ${i.targetValue} for ${i.scaleOutEvaluationPeriods} periods` };
  }
  const low = recent(i.scaleInEvaluationPeriods);
  const threshold = i.targetValue * i.scaleInThresholdRatio;
  if (low && low.every((v) => v < threshold) && i.sinceLastScaleIn >= i.scaleInCooldown) {
    const latest = low[low.length - 1]!;
    const desired = clamp(Math.min(current - 1, Math.ceil((i.inServiceCapacity * latest) / i.targetValue)));
    if (desired < current) return { desiredCapacity: desired, reason: `metric ${latest.toFixed(1)} < ${threshold.toFixed(1)} for ${i.scaleInEvaluationPeriods} periods` };
  }
  return { desiredCapacity: current, reason: 'within target' };
}
