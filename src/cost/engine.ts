import { Decimal, ZERO, dec } from '../pricing/money.js';
import { PRICE_DECIMALS, costToDecimal, fixedToDecimal, quantityToDecimal, quantityToFixed } from '../pricing/fixed-point.js';
import { MissingPriceError, type PriceBook, type ResolvedPrice } from '../pricing/price-book.js';
import { classify, HANDLERS, USAGE_ONLY_TYPES } from './resources/registry.js';
import { FREE_TIER_POOLS, isUnsupported, type CostComponentSpec, type FreeTierPool, type ResourceHandler, type StackIndex } from './resources/types.js';
import type { TerraformDocument, TerraformResource } from '../architecture/terraform-document.js';
import { usageFor, type UsageSet } from './usage.js';

/**
 * The engine: pure functions, no I/O. prepareStack (layer 1 → 2) runs once per stack; priceStack
 * (layer 2 → cost components → price lookup) runs once per usage, so a cost curve re-prices
 * hundreds of traffic levels without re-reading Terraform.
 */

/** The exact Price List entry a cost line used, so every number traces to one price and its date. */
export interface PriceReference {
  sku?: string;
  serviceCode: string;
  productFamily: string;
  usageType: string;
  operation: string;
  priceUnit: string;
  pricePerUnit: string;
  beginRange: string;
  endRange: string;
  description: string;
  effectiveDate: string;
  snapshotRegion: string;
  pricesAsOf: string;
  snapshotSource: string;
}

export interface CostLine {
  name: string;
  unit: string;
  /** In the displayed unit (e.g. 1M requests). */
  monthlyQuantity: Decimal;
  /** Price per displayed unit. */
  unitPrice: Decimal;
  monthlyCost: Decimal;
  price: PriceReference;
  usageBased: boolean;
  freeTier?: FreeTierPool;
}

export interface ResourceEstimate {
  address: string;
  type: string;
  name: string;
  monthlyCost: Decimal;
  components: CostLine[];
}

export interface SkippedResource {
  address: string;
  type: string;
  reason: string;
}

/** A supported resource the snapshot has no price for: left out of the total, never priced at zero (Infracost's partial estimate). */
export interface UnpricedResource {
  address: string;
  type: string;
  reason: string;
  /** The Price List lookup that failed (service, product family, attributes). */
  lookup: string;
}

export interface StackEstimate {
  region: string;
  freeTier: boolean;
  resources: ResourceEstimate[];
  /** Types (or configurations) archcompare does not price. */
  unsupported: SkippedResource[];
  /** Supported, but a price is missing from the snapshot. */
  unpriced: UnpricedResource[];
  free: SkippedResource[];
  /** Of the priced resources only: excludes every unsupported and unpriced resource. */
  totalMonthlyCost: Decimal;
}

/** How many resources a total leaves out (unsupported + missing a price): what "excluding N unpriced resources" counts. */
export function excludedCount(estimate: Pick<StackEstimate, 'unsupported' | 'unpriced'>): number {
  return estimate.unsupported.length + estimate.unpriced.length;
}

interface PreparedResource {
  resource: TerraformResource;
  handler: ResourceHandler;
  typed: unknown;
}

export interface PreparedStack {
  region: string | undefined;
  priced: PreparedResource[];
  unsupported: SkippedResource[];
  free: SkippedResource[];
}

function indexOf(resources: readonly TerraformResource[]): StackIndex {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  return { get: (a) => byAddress.get(a), ofType: (t) => resources.filter((r) => r.type === t) };
}

export function prepareStack(doc: TerraformDocument): PreparedStack {
  const index = indexOf(doc.resources);
  const priced: PreparedResource[] = [];
  const unsupported: SkippedResource[] = [];
  const free: SkippedResource[] = [];
  for (const resource of [...doc.resources].sort((a, b) => a.address.localeCompare(b.address))) {
    const kind = classify(resource.type);
    if (kind.kind === 'free') free.push({ address: resource.address, type: resource.type, reason: kind.reason });
    else if (kind.kind === 'unsupported') unsupported.push({ address: resource.address, type: resource.type, reason: 'resource type not priced by archcompare' });
    else {
      const typed = kind.handler.read(resource, index);
      if (isUnsupported(typed)) unsupported.push({ address: resource.address, type: resource.type, reason: typed.unsupported });
      else priced.push({ resource, handler: kind.handler, typed });
    }
  }
  return { region: doc.region, priced, unsupported, free };
}

const NUMBER_FORMAT = new Intl.NumberFormat('en-US');

/** "300M", "6B", "10K"; data volumes in GB as TB ("10 TB"): a tier bound as people read it. */
function compact(n: Decimal, unit: string): string {
  const v = n.toNumber();
  if (/^GB(-Mo)?$/.test(unit) && v >= 1024 && v % 1024 === 0) return `${v / 1024} TB`;
  for (const [div, suffix] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']] as const) if (v >= div && v % (div / 1000) === 0) return `${v / div}${suffix}`;
  return NUMBER_FORMAT.format(v);
}

const tierLabels = new WeakMap<ResolvedPrice, string[]>();

/** "first 6B", "next 9B", "over 15B": the tier's bounds in the Price List unit. */
function tierLabel(resolved: ResolvedPrice, i: number): string {
  let labels = tierLabels.get(resolved);
  if (!labels) {
    labels = resolved.tiers.map((t, j) => (j === 0 ? `first ${compact(t.end!, resolved.unit)}` : t.end === null ? `over ${compact(t.begin, resolved.unit)}` : `next ${compact(t.end.minus(t.begin), resolved.unit)}`));
    tierLabels.set(resolved, labels);
  }
  return labels[i]!;
}

function reference(resolved: ResolvedPrice, tierIndex: number): PriceReference {
  const p = resolved.product;
  const d = resolved.tiers[tierIndex]!.dimension;
  return {
    ...(p.sku ? { sku: p.sku } : {}),
    serviceCode: p.serviceCode,
    productFamily: p.productFamily,
    usageType: p.attributes.usagetype!,
    operation: p.attributes.operation ?? '',
    priceUnit: d.unit,
    pricePerUnit: d.pricePerUnit.USD,
    beginRange: d.beginRange,
    endRange: d.endRange,
    description: d.description,
    effectiveDate: p.onDemand.effectiveDate,
    snapshotRegion: resolved.snapshot.region,
    pricesAsOf: resolved.snapshot.pricesAsOf,
    snapshotSource: resolved.snapshot.source,
  };
}

interface FixedLine {
  name: string;
  tierIndex: number;
  /** Quantity at 10^-9 of the Price List unit, price at 10^-10 USD, cost at 10^-19 USD: exact. */
  quantity: bigint;
  price: bigint;
  cost: bigint;
}

type FreePools = Map<FreeTierPool, bigint>;

/** Layer 3: a component's quantity spread over the price's tiers, the free allowance taken from the lowest tier. */
function componentLines(spec: CostComponentSpec, resolved: ResolvedPrice, freePools: FreePools | undefined, named = true): FixedLine[] {
  const quantity = quantityToFixed(spec.quantity);
  let free = 0n;
  if (freePools && spec.freeTier) {
    const available = freePools.get(spec.freeTier) ?? 0n;
    free = available < quantity ? available : quantity;
    freePools.set(spec.freeTier, available - free);
  }
  const lines: FixedLine[] = [];
  if (free > 0n) lines.push({ name: `${spec.name} (free tier)`, tierIndex: 0, quantity: free, price: 0n, cost: 0n });
  let freeLeft = free;
  const tiers = resolved.tiers;
  const tiered = tiers.length > 1;
  for (let i = 0; i < tiers.length; i += 1) {
    const tier = tiers[i]!;
    const upper = tier.endFixed === null || tier.endFixed > quantity ? quantity : tier.endFixed;
    const inTier = upper > tier.beginFixed ? upper - tier.beginFixed : 0n;
    const taken = freeLeft < inTier ? freeLeft : inTier;
    freeLeft -= taken;
    const billable = inTier - taken;
    if (billable > 0n || (i === 0 && lines.length === 0))
      lines.push({ name: named && tiered ? `${spec.name} (${tierLabel(resolved, i)})` : spec.name, tierIndex: i, quantity: billable, price: tier.priceFixed, cost: billable * tier.priceFixed });
    if (tier.endFixed === null || tier.endFixed >= quantity) break;
  }
  return lines;
}

/** Prices one component into displayable cost lines (decimal.js values for output). */
export function priceComponent(spec: CostComponentSpec, book: PriceBook, freePools: FreePools | undefined): CostLine[] {
  const resolved = book.resolve(spec.filter);
  const scale = dec(spec.unitScale ?? 1);
  return componentLines(spec, resolved, freePools).map((l) => ({
    name: l.name,
    unit: spec.unit,
    monthlyQuantity: quantityToDecimal(l.quantity).div(scale),
    unitPrice: fixedToDecimal(l.price, PRICE_DECIMALS).mul(scale),
    monthlyCost: costToDecimal(l.cost),
    price: reference(resolved, l.tierIndex),
    usageBased: spec.usageBased ?? false,
    ...(spec.freeTier ? { freeTier: spec.freeTier } : {}),
  }));
}

export interface PriceOptions {
  freeTier: boolean;
}

function freePoolsFor(options: PriceOptions): FreePools | undefined {
  return options.freeTier ? new Map((Object.keys(FREE_TIER_POOLS) as FreeTierPool[]).map((k) => [k, quantityToFixed(FREE_TIER_POOLS[k].amount)])) : undefined;
}

function targetsOf(prepared: PreparedStack, usage: UsageSet): PreparedResource[] {
  const targets = [...prepared.priced];
  for (const address of usage.byAddress.keys()) {
    const type = address.split('.')[0]!;
    if (USAGE_ONLY_TYPES.has(type)) targets.push({ resource: { address, type, name: address.slice(type.length + 1), values: {} }, handler: HANDLERS.get(type)!, typed: {} });
  }
  return targets;
}

/**
 * Every price a resource's components need, or the first that is missing. Resolved before any
 * component is priced, so an unpriced resource takes nothing from the shared free-tier pools.
 */
function resolveAll(specs: readonly CostComponentSpec[], book: PriceBook): ResolvedPrice[] | MissingPriceError {
  const out: ResolvedPrice[] = [];
  for (const spec of specs) {
    try {
      out.push(book.resolve(spec.filter));
    } catch (err) {
      if (err instanceof MissingPriceError) return err;
      throw err;
    }
  }
  return out;
}

/** Prices every supported resource of a prepared stack, plus the usage-only resources the usage names. */
export function priceStack(prepared: PreparedStack, usage: UsageSet, book: PriceBook, options: PriceOptions): StackEstimate {
  const freePools = freePoolsFor(options);
  const resources: ResourceEstimate[] = [];
  const unpriced: UnpricedResource[] = [];
  let total = ZERO;
  for (const { resource, handler, typed } of targetsOf(prepared, usage)) {
    const specs = handler.components(typed, usageFor(usage, resource.address, resource.type));
    const resolved = resolveAll(specs, book);
    if (resolved instanceof MissingPriceError) {
      unpriced.push({ address: resource.address, type: resource.type, reason: resolved.reason, lookup: resolved.lookup });
      continue;
    }
    const components = specs.flatMap((spec) => priceComponent(spec, book, freePools));
    const monthlyCost = components.reduce((sum, c) => sum.plus(c.monthlyCost), ZERO);
    total = total.plus(monthlyCost);
    resources.push({ address: resource.address, type: resource.type, name: resource.name, monthlyCost, components });
  }
  return { region: book.region, freeTier: options.freeTier, resources, unsupported: prepared.unsupported, unpriced, free: prepared.free, totalMonthlyCost: total };
}

/** The stack's monthly total only, in exact fixed-point: what a cost curve evaluates hundreds of times. Unpriced resources are left out, as in priceStack. */
export function priceStackTotal(prepared: PreparedStack, usage: UsageSet, book: PriceBook, options: PriceOptions): Decimal {
  const freePools = freePoolsFor(options);
  let total = 0n;
  for (const { resource, handler, typed } of targetsOf(prepared, usage)) {
    const specs = handler.components(typed, usageFor(usage, resource.address, resource.type));
    const resolved = resolveAll(specs, book);
    if (resolved instanceof MissingPriceError) continue;
    specs.forEach((spec, i) => {
      for (const line of componentLines(spec, resolved[i]!, freePools, false)) total += line.cost;
    });
  }
  return costToDecimal(total);
}
