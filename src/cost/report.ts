import type { Decimal } from '../pricing/money.js';
import type { SnapshotHeader } from '../pricing/schema.js';
import { excludedCount } from './engine.js';
import type { EstimateResult } from './estimate.js';
import { SECONDS_PER_MONTH } from './units.js';

/**
 * The estimate as plain JSON for machines (`--format json`): decimal strings, never floats, and
 * every cost line with the Price List entry it used.
 */
const money = (d: Decimal) => d.toFixed();
const rounded = (d: Decimal) => d.toDecimalPlaces(2).toFixed(2);

export interface PricingMeta {
  file: string;
  header: SnapshotHeader;
  ageDays: number;
}

export function estimateToJson(result: EstimateResult, pricing: PricingMeta, warnings: readonly string[]) {
  const curve = result.curveRequests;
  return {
    kind: 'archcompare-cost-estimate',
    version: 1,
    currency: 'USD',
    region: result.region,
    freeTier: result.freeTier,
    requestsPerMonth: result.requestsPerMonth ?? null,
    pricing: {
      snapshot: pricing.file,
      pricesAsOf: pricing.header.pricesAsOf,
      source: pricing.header.source,
      ageDays: pricing.ageDays,
    },
    capacityModel: result.capacity,
    notes: result.notes,
    warnings,
    stacks: result.stacks.map((s) => ({
      name: s.name,
      source: s.source,
      usage: { kind: s.usageKind, source: s.usageSource },
      totalMonthlyCost: money(s.estimate.totalMonthlyCost),
      totalMonthlyCostRounded: rounded(s.estimate.totalMonthlyCost),
      costPerMillionRequests: s.costPerMillionRequests ? money(s.costPerMillionRequests.toDecimalPlaces(6)) : null,
      resources: s.estimate.resources.map((r) => ({
        address: r.address,
        type: r.type,
        monthlyCost: money(r.monthlyCost),
        components: r.components.map((c) => ({
          name: c.name,
          unit: c.unit,
          monthlyQuantity: money(c.monthlyQuantity),
          unitPrice: money(c.unitPrice),
          monthlyCost: money(c.monthlyCost),
          usageBased: c.usageBased,
          ...(c.freeTier ? { freeTierPool: c.freeTier } : {}),
          price: c.price,
        })),
      })),
      unsupportedResources: s.estimate.unsupported,
      /** Supported resources whose price is missing from the snapshot: the reason and the lookup that failed. */
      unpricedResources: s.estimate.unpriced,
      /** Resources the total leaves out (unsupported + unpriced): "excluding N unpriced resources". */
      excludedFromTotal: excludedCount(s.estimate),
      freeResources: s.estimate.free.length,
    })),
    costCurve: curve
      ? {
          points: curve.length,
          requestsPerMonth: curve,
          monthlyCost: Object.fromEntries(result.stacks.map((s) => [s.name, (s.curve ?? []).map(rounded)])),
        }
      : null,
    breakEven: result.breakEven
      ? result.breakEven.map((b) => ({
          requestsPerMonth: b.requestsPerMonth,
          averageRequestsPerSecond: Number((b.requestsPerMonth / SECONDS_PER_MONTH).toFixed(3)),
          cheaperAbove: b.cheaperAbove,
          atInstanceStep: b.atInstanceStep,
          traditionalMonthlyCost: rounded(b.traditionalMonthlyCost),
          serverlessMonthlyCost: rounded(b.serverlessMonthlyCost),
        }))
      : null,
  };
}
export type EstimateJson = ReturnType<typeof estimateToJson>;
