import { UserError } from '../errors.js';
import { Decimal, dec } from './money.js';
import { priceToFixed, rangeToFixed } from './fixed-point.js';
import type { PriceDimension, PriceProduct, PriceSnapshot, SnapshotHeader } from './schema.js';

/**
 * A price filter, the way Infracost's cost components carry one: the service, the product
 * family and attribute values (exact strings, or patterns for attributes such as usagetype whose
 * region prefix differs by region). It must select exactly one product of the snapshot.
 */
export interface PriceFilter {
  serviceCode: string;
  productFamily?: string;
  attributes: Readonly<Record<string, string | RegExp>>;
  /** Said in the error when nothing matches, e.g. "EC2 instance t3.small (Linux, shared tenancy)". */
  describe: string;
}

export interface PriceTier {
  begin: Decimal;
  /** null = no upper bound ("Inf"). */
  end: Decimal | null;
  pricePerUnit: Decimal;
  /** The same bounds and price in the engine's exact fixed-point (src/pricing/fixed-point.ts). */
  beginFixed: bigint;
  endFixed: bigint | null;
  priceFixed: bigint;
  dimension: PriceDimension;
}

export interface ResolvedPrice {
  product: PriceProduct;
  tiers: readonly PriceTier[];
  /** The Price List unit (Hrs, GB-Mo, Requests …). */
  unit: string;
  snapshot: SnapshotHeader;
}

/** Matches usage types whatever region prefix the Price List gives them ("EU-", "APS1-", or none in us-east-1). */
export function usageType(suffix: string): RegExp {
  const escaped = suffix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(?:[A-Z]{2,4}[0-9]?-)?${escaped}$`);
}

export function describeFilter(filter: PriceFilter): string {
  const attrs = Object.entries(filter.attributes)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
  return `${filter.serviceCode}${filter.productFamily ? ` / ${JSON.stringify(filter.productFamily)}` : ''} {${attrs}}`;
}

/**
 * A filter that selects no product (or several). The engine catches it per resource and lists the
 * resource as unpriced with `reason` and `lookup`, so one missing price never sinks an estimate.
 */
export class MissingPriceError extends UserError {
  /** Short, for a breakdown: "no price for EC2 x9.huge … in the us-east-1 snapshot (2025-06-01)". */
  readonly reason: string;
  /** The lookup that failed, in the Price List vocabulary (describeFilter). */
  readonly lookup: string;

  constructor(
    readonly filter: PriceFilter,
    snapshot: SnapshotHeader,
    readonly matches: number,
  ) {
    const reason =
      matches === 0
        ? `no price for ${filter.describe} in the ${snapshot.region} pricing snapshot (${snapshot.pricesAsOf})`
        : `${matches} prices match ${filter.describe} in the ${snapshot.region} pricing snapshot, expected exactly one`;
    const lookup = describeFilter(filter);
    super(
      `${reason}: looked for ${lookup}`,
      `run \`archcompare pricing refresh --region ${snapshot.region}\` to fetch current prices, or choose a configuration the snapshot prices`,
    );
    this.name = 'MissingPriceError';
    this.reason = reason;
    this.lookup = lookup;
  }
}

function matches(product: PriceProduct, filter: PriceFilter): boolean {
  if (filter.productFamily !== undefined && product.productFamily !== filter.productFamily) return false;
  for (const [key, want] of Object.entries(filter.attributes)) {
    const have = product.attributes[key];
    if (have === undefined) return false;
    if (typeof want === 'string' ? have !== want : !want.test(have)) return false;
  }
  return true;
}

function filterKey(filter: PriceFilter): string {
  return `${filter.serviceCode}|${filter.productFamily ?? ''}|${Object.entries(filter.attributes)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('&')}`;
}

/**
 * Resolves price filters against one region's snapshot. Pure: it is built from an already
 * validated snapshot; lookups are memoised so a 200-point cost curve resolves each filter once.
 */
export class PriceBook {
  readonly header: SnapshotHeader;
  private readonly byService = new Map<string, PriceProduct[]>();
  private readonly cache = new Map<string, ResolvedPrice>();
  private readonly byFilter = new WeakMap<PriceFilter, ResolvedPrice | MissingPriceError>();

  constructor(snapshot: PriceSnapshot) {
    this.header = snapshot.snapshot;
    for (const product of snapshot.products) {
      const list = this.byService.get(product.serviceCode) ?? [];
      list.push(product);
      this.byService.set(product.serviceCode, list);
    }
  }

  get region(): string {
    return this.header.region;
  }

  /** Throws MissingPriceError unless exactly one product matches; failures are memoised too (a cost curve asks again). */
  resolve(filter: PriceFilter): ResolvedPrice {
    const known = this.byFilter.get(filter);
    if (known instanceof MissingPriceError) throw known;
    if (known) return known;
    try {
      const resolved = this.lookup(filter);
      this.byFilter.set(filter, resolved);
      return resolved;
    } catch (err) {
      if (err instanceof MissingPriceError) this.byFilter.set(filter, err);
      throw err;
    }
  }

  /** Every product of one service (or all), for `archcompare pricing list`. */
  products(serviceCode?: string): readonly PriceProduct[] {
    return serviceCode === undefined ? [...this.byService.values()].flat() : this.byService.get(serviceCode) ?? [];
  }

  private lookup(filter: PriceFilter): ResolvedPrice {
    const key = filterKey(filter);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const found = (this.byService.get(filter.serviceCode) ?? []).filter((p) => matches(p, filter));
    if (found.length !== 1) throw new MissingPriceError(filter, this.header, found.length);
    const product = found[0]!;
    const tiers = product.onDemand.priceDimensions.map((d) => ({
      begin: dec(d.beginRange),
      end: d.endRange === 'Inf' ? null : dec(d.endRange),
      pricePerUnit: dec(d.pricePerUnit.USD),
      beginFixed: rangeToFixed(d.beginRange)!,
      endFixed: rangeToFixed(d.endRange),
      priceFixed: priceToFixed(d.pricePerUnit.USD),
      dimension: d,
    }));
    const resolved: ResolvedPrice = { product, tiers, unit: product.onDemand.priceDimensions[0]!.unit, snapshot: this.header };
    this.cache.set(key, resolved);
    return resolved;
  }
}
