import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBreakEven, trafficGrid, type TrafficModel } from '../../src/cost/break-even.js';
import { runEstimate } from '../../src/cost/estimate.js';
import { instancesFor } from '../../src/cost/measured-usage.js';
import { readTerraformDocument } from '../../src/architecture/terraform-document.js';
import { SECONDS_PER_MONTH } from '../../src/cost/units.js';
import { dec } from '../../src/pricing/money.js';
import { loadPriceBook } from '../../src/pricing/snapshot-store.js';
import { FIXED_NOW } from './helpers/golden.js';

const fixtures = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'fixtures');
const doc = (name: string) => readTerraformDocument(JSON.parse(readFileSync(path.join(fixtures, `${name}.cdk.tf.json`), 'utf8')), name);

describe('break-even search', () => {
  it('finds a crossing at an instance step that a straight line would miss, and the crossing after it', () => {
    // Servers: $100 per instance of 1,000,000 requests; serverless: $0.000105 per request.
    const perInstance = 1_000_000;
    const servers: TrafficModel = {
      costAt: (r) => dec(100).mul(Math.max(1, Math.ceil(r / perInstance))),
      stepsBetween: (from, to) => Array.from({ length: Math.floor(to / perInstance) }, (_, k) => (k + 1) * perInstance).filter((s) => s >= from),
    };
    const lambda: TrafficModel = { costAt: (r) => dec(r).mul('0.000105') };
    const crossings = findBreakEven(servers, lambda, { from: 100_000, to: 3_000_000, points: 20 });
    // serverless reaches $100 at 952,381 requests (cheaper above it: servers); at 1,000,001 servers jump to $200
    // while serverless is $105: serverless cheaper again until 1,904,762.
    expect(crossings.map((c) => [c.requestsPerMonth, c.cheaperAbove, c.atInstanceStep])).toEqual([
      [952_381, 'traditional', false],
      [1_000_001, 'serverless', true],
      [1_904_762, 'traditional', false],
      [2_000_001, 'serverless', true],
      [2_857_143, 'traditional', false],
    ]);
  });

  it('the grid is log-spaced from `from` to `to`', () => {
    const g = trafficGrid({ from: 1e5, to: 1e10, points: 200 });
    expect(g).toHaveLength(200);
    expect(g[0]).toBe(1e5);
    expect(g.at(-1)).toBe(1e10);
  });

  it('on the two stacks: costs really cross at the reported traffic (checked one request either side)', () => {
    const { book } = loadPriceBook('us-east-1', { now: FIXED_NOW });
    const result = runEstimate({ stacks: [{ name: 'traditional', source: 't', doc: doc('traditional') }, { name: 'serverless', source: 's', doc: doc('serverless') }], book, usage: { kind: 'modelled' }, freeTier: false });
    expect(result.breakEven!.length).toBeGreaterThan(0);
    expect(result.stacks.map((s) => s.curve!.length)).toEqual([200, 200]);
    const first = result.breakEven![0]!;
    expect(first.cheaperAbove).toBe('traditional');
    const at = (r: number) => {
      const again = runEstimate({ stacks: [{ name: 'traditional', source: 't', doc: doc('traditional') }, { name: 'serverless', source: 's', doc: doc('serverless') }], book, usage: { kind: 'modelled' }, requestsPerMonth: r, freeTier: false, curve: false });
      return again.stacks.map((s) => s.estimate.totalMonthlyCost);
    };
    const [tBefore, sBefore] = at(first.requestsPerMonth - 1);
    const [tAt, sAt] = at(first.requestsPerMonth);
    expect(tBefore!.gt(sBefore!)).toBe(true); // below: serverless cheaper
    expect(tAt!.lte(sAt!)).toBe(true); // from here: traditional cheaper (or equal)
  });

  it('the ASG steps with traffic: min_size, then one instance per capacity unit', () => {
    const cap = { requestsPerSecondPerInstance: 100 };
    expect(instancesFor(0, 2, cap)).toBe(2);
    expect(instancesFor(300 * SECONDS_PER_MONTH, 2, cap)).toBe(3);
    expect(instancesFor(300 * SECONDS_PER_MONTH + 1, 2, cap)).toBe(4);
  });
});
