import { describe, expect, it } from 'vitest';
import { createTokenBucket, decideTargetTracking, nextHealth, pickLeastOutstanding, selectRoute, takeToken, type TargetTrackingInput } from '../../src/local/policies.js';
import { CONTRACT_ROUTES, parseRouteKey } from '../../src/local/topology.js';

const routes = CONTRACT_ROUTES.map(([k, fn]) => parseRouteKey(k, fn));

describe('API Gateway route selection', () => {
  it('prefers literal paths over parameters over greedy paths, and methods over ANY', () => {
    expect(selectRoute(routes, 'GET', '/products')?.route.routeKey).toBe('GET /products');
    expect(selectRoute(routes, 'GET', '/products/p-1')).toMatchObject({ route: { routeKey: 'GET /products/{id}' }, pathParameters: { id: 'p-1' } });
    expect(selectRoute(routes, 'POST', '/users/register')).toMatchObject({ route: { fn: 'users' }, pathParameters: { proxy: 'register' } });
    expect(selectRoute(routes, 'DELETE', '/cart/items/p%2F1')).toMatchObject({ route: { routeKey: 'ANY /cart/{proxy+}' }, pathParameters: { proxy: 'items/p/1' } });
    expect(selectRoute(routes, 'GET', '/cart')?.route.routeKey).toBe('ANY /cart');
    const specific = [...routes, parseRouteKey('GET /cart/{proxy+}', 'catalog')];
    expect(selectRoute(specific, 'GET', '/cart/x')?.route.fn).toBe('catalog');
  });

  it('does not match a greedy route without a segment, nor a wrong method, and falls back to $default', () => {
    expect(selectRoute(routes, 'GET', '/users')).toBeUndefined();
    expect(selectRoute(routes, 'POST', '/products')).toBeUndefined();
    expect(selectRoute([...routes, parseRouteKey('$default', 'catalog')], 'POST', '/products')?.route.path).toBe('$default');
  });
});

describe('token bucket', () => {
  it('allows the burst at once, then the steady rate', () => {
    const b = createTokenBucket(10, 5, 0);
    expect(Array.from({ length: 7 }, () => takeToken(b, 0)).filter(Boolean)).toHaveLength(5);
    expect(takeToken(b, 50)).toBe(false); // half a token
    expect(takeToken(b, 100)).toBe(true); // one token after 100 ms at 10/s
    expect(takeToken(b, 100)).toBe(false);
    expect(Array.from({ length: 10 }, () => takeToken(b, 10_000)).filter(Boolean)).toHaveLength(5); // refill capped at burst
  });
});

describe('least outstanding requests', () => {
  it('picks the target with fewest in flight and rotates among ties', () => {
    const t = [{ id: 'a', outstanding: 2 }, { id: 'b', outstanding: 0 }, { id: 'c', outstanding: 0 }];
    expect(pickLeastOutstanding(t, 0)?.id).toBe('b');
    expect(pickLeastOutstanding(t, 2)?.id).toBe('c');
    expect(pickLeastOutstanding([], 0)).toBeUndefined();
  });
});

describe('health checks', () => {
  it('needs the healthy threshold of passes and the unhealthy threshold of failures', () => {
    let h = { state: 'initial' as const, passes: 0, fails: 0 } as ReturnType<typeof nextHealth>;
    h = nextHealth(h, true, 2, 3);
    expect(h.state).toBe('initial');
    h = nextHealth(h, true, 2, 3);
    expect(h.state).toBe('healthy');
    h = nextHealth(nextHealth(h, false, 2, 3), false, 2, 3);
    expect(h.state).toBe('healthy');
    h = nextHealth(h, false, 2, 3);
    expect(h.state).toBe('unhealthy');
    h = nextHealth(nextHealth(h, true, 2, 3), true, 2, 3);
    expect(h.state).toBe('healthy');
    expect(nextHealth({ state: 'draining', passes: 0, fails: 0 }, true, 2, 3).state).toBe('draining');
  });
});

describe('target tracking', () => {
  const base: TargetTrackingInput = {
    datapoints: [],
    desiredCapacity: 2,
    inServiceCapacity: 2,
    minSize: 2,
    maxSize: 6,
    targetValue: 50,
    scaleOutEvaluationPeriods: 3,
    scaleInEvaluationPeriods: 15,
    scaleInThresholdRatio: 0.9,
    sinceLastScaleIn: Infinity,
    scaleInCooldown: 300,
  };
  it('scales out proportionally after N periods above target, capped at max', () => {
    expect(decideTargetTracking({ ...base, datapoints: [90, 90] }).desiredCapacity).toBe(2);
    expect(decideTargetTracking({ ...base, datapoints: [40, 90, 90] }).desiredCapacity).toBe(2);
    expect(decideTargetTracking({ ...base, datapoints: [90, 90, 90] }).desiredCapacity).toBe(4);
    expect(decideTargetTracking({ ...base, datapoints: [100, 100, 100], inServiceCapacity: 5, desiredCapacity: 5 }).desiredCapacity).toBe(6);
  });
  it('does not count pending capacity twice', () => {
    expect(decideTargetTracking({ ...base, datapoints: [90, 90, 90], desiredCapacity: 4, inServiceCapacity: 2 }).desiredCapacity).toBe(4);
  });
  it('scales in only after M low periods and the cooldown, never below min', () => {
    const low = Array(15).fill(10);
    expect(decideTargetTracking({ ...base, desiredCapacity: 4, inServiceCapacity: 4, datapoints: low.slice(1) }).desiredCapacity).toBe(4);
    expect(decideTargetTracking({ ...base, desiredCapacity: 4, inServiceCapacity: 4, datapoints: low }).desiredCapacity).toBe(2);
    expect(decideTargetTracking({ ...base, desiredCapacity: 4, inServiceCapacity: 4, datapoints: low, sinceLastScaleIn: 100 }).desiredCapacity).toBe(4);
    expect(decideTargetTracking({ ...base, desiredCapacity: 4, inServiceCapacity: 4, datapoints: Array(15).fill(46) }).desiredCapacity).toBe(4); // 46 > 45 = 0.9 × target
  });
  it('brings desired capacity back inside the bounds', () => {
    expect(decideTargetTracking({ ...base, desiredCapacity: 9 }).desiredCapacity).toBe(6);
  });
});
