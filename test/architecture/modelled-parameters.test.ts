import { describe, expect, it } from 'vitest';
import { COST, MODELLED_PARAMETERS, modelledParameter } from '../../src/architecture/modelled-parameters.js';
import { modelledUsage } from '../../src/cost/measured-usage.js';

describe('modelled-parameter registry', () => {
  it('gives every parameter a unique id, a unit, a description and a public source or says why there is none', () => {
    expect(new Set(MODELLED_PARAMETERS.map((p) => p.id)).size).toBe(MODELLED_PARAMETERS.length);
    for (const p of MODELLED_PARAMETERS) {
      expect(p.id, p.id).toMatch(/^(cost|stack|local|projection)\.\w+$/);
      expect(p.unit.length, p.id).toBeGreaterThan(0);
      expect(p.description.length, p.id).toBeGreaterThan(20);
      expect(p.source, p.id).toMatch(/https:\/\/|archcompare assumption|local machine limit|local process handling/);
    }
    expect(() => modelledParameter('cost.nope' as 'cost.requestMix')).toThrow(/cost\.nope/);
  });

  it('the modelled workload is built from the registry: every function of the mix has a duration, and the shares add up', () => {
    expect(Object.values(COST.requestMix).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const usage = modelledUsage(1_000_000);
    for (const fn of Object.keys(usage.lambda)) expect(COST.lambdaMeanDurationMs[fn], fn).toBeGreaterThan(0);
    expect(usage.lambda.catalog!.invocationsPerMonth).toBe(1_000_000 * COST.requestMix.catalog!);
    expect(usage.bytesOutPerRequest).toBe(modelledParameter('cost.bytesOutPerRequest').value);
  });
});
