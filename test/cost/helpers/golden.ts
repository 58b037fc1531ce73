import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimate, type EstimateOutcome } from '../../../src/cost/estimate-service.js';

export const GOLDEN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../golden');
/** A date inside the snapshot's freshness window, so golden runs never depend on today. */
export const FIXED_NOW = new Date('2025-07-01T00:00:00Z');

export function goldenCases(): string[] {
  return readdirSync(GOLDEN_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export async function estimateGolden(name: string, options: { freeTier?: boolean } = {}): Promise<EstimateOutcome> {
  const dir = path.join(GOLDEN_DIR, name);
  return estimate({ models: [], plan: path.join(dir, 'main.tf.json'), usageFile: path.join(dir, 'usage.yml'), curve: false, freeTier: options.freeTier ?? false, now: FIXED_NOW });
}

/** The breakdown a golden file pins: every line's quantity, unit price and cost, as decimal strings. */
export function breakdown(outcome: EstimateOutcome) {
  const stack = outcome.json.stacks[0]!;
  return {
    region: outcome.json.region,
    totalMonthlyCost: stack.totalMonthlyCost,
    resources: stack.resources.map((r) => ({
      address: r.address,
      monthlyCost: r.monthlyCost,
      components: r.components.map((c) => ({ name: c.name, monthlyQuantity: c.monthlyQuantity, unit: c.unit, unitPrice: c.unitPrice, monthlyCost: c.monthlyCost, usageType: c.price.usageType })),
    })),
    unsupported: stack.unsupportedResources,
    unpriced: stack.unpricedResources,
    excludedFromTotal: stack.excludedFromTotal,
  };
}

/** Finds one cost line by resource address and line name. */
export function line(outcome: EstimateOutcome, address: string, name: string) {
  const resource = outcome.json.stacks[0]!.resources.find((r) => r.address === address);
  if (!resource) throw new Error(`no resource ${address} in ${outcome.json.stacks[0]!.resources.map((r) => r.address).join(', ')}`);
  const component = resource.components.find((c) => c.name === name);
  if (!component) throw new Error(`no line "${name}" in ${address}: ${resource.components.map((c) => c.name).join(' | ')}`);
  return component;
}

export function resourceCost(outcome: EstimateOutcome, address: string): string {
  const resource = outcome.json.stacks[0]!.resources.find((r) => r.address === address);
  if (!resource) throw new Error(`no resource ${address}`);
  return resource.monthlyCost;
}
