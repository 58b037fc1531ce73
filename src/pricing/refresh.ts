import { PricingClient, paginateGetProducts, type Filter } from '@aws-sdk/client-pricing';
import { UserError } from '../errors.js';
import { PRICE_LIST_REGIONS } from './regions.js';
import { PRICE_QUERIES, type PriceQuery } from './catalog.js';
import { PriceListItemSchema, PriceSnapshotSchema, SNAPSHOT_FORMAT_VERSION, SNAPSHOT_KIND, type PriceListItem, type PriceProduct, type PriceSnapshot } from './schema.js';

export interface RefreshOptions {
  region: string;
  client: PricingClient;
  now?: Date;
  queries?: readonly PriceQuery[];
  /** Progress lines ("AWSLambda / Lambda: 10 products"). */
  onProgress?: (line: string) => void;
}

export interface RefreshResult {
  snapshot: PriceSnapshot;
  /** Queries that returned nothing the engine can use: named so a half-empty refresh is never silent. */
  emptyQueries: string[];
}

/** One GetProducts PriceList item (aws_v1) in the snapshot's shape: product attributes + OnDemand term. */
export function toSnapshotProduct(item: PriceListItem): PriceProduct | undefined {
  const terms = Object.values(item.terms.OnDemand ?? {});
  if (terms.length === 0) return undefined;
  // Several OnDemand terms only happen around a price change: the newest effective one wins.
  const term = terms.sort((a, b) => b.effectiveDate.localeCompare(a.effectiveDate))[0]!;
  const dims = Object.values(term.priceDimensions)
    .filter((d) => d.pricePerUnit.USD !== undefined)
    .sort((a, b) => Number(a.beginRange) - Number(b.beginRange))
    .map((d) => ({
      rateCode: d.rateCode,
      description: d.description,
      unit: d.unit,
      beginRange: d.beginRange,
      endRange: d.endRange,
      pricePerUnit: { USD: d.pricePerUnit.USD! },
    }));
  if (dims.length === 0) return undefined;
  return {
    sku: item.product.sku,
    serviceCode: item.serviceCode,
    productFamily: item.product.productFamily ?? 'Unknown',
    attributes: { operation: '', ...item.product.attributes },
    onDemand: { offerTermCode: term.offerTermCode, effectiveDate: term.effectiveDate, priceDimensions: dims },
  };
}

function filtersFor(query: PriceQuery, region: string): Filter[] {
  return [
    { Type: 'TERM_MATCH', Field: query.regionField, Value: region },
    ...Object.entries(query.filters).map(([Field, Value]): Filter => ({ Type: 'TERM_MATCH', Field, Value })),
  ];
}

/** Rebuilds one region's snapshot from the Price List Query API (GetProducts, every page). */
export async function refreshPriceSnapshot(options: RefreshOptions): Promise<RefreshResult> {
  const { region, client } = options;
  const now = options.now ?? new Date();
  const products = new Map<string, PriceProduct>();
  const emptyQueries: string[] = [];
  const publications = new Map<string, string>();
  for (const query of options.queries ?? PRICE_QUERIES) {
    let kept = 0;
    const pages = paginateGetProducts({ client, pageSize: 100 }, { ServiceCode: query.serviceCode, Filters: filtersFor(query, region), FormatVersion: 'aws_v1' });
    try {
      for await (const page of pages) {
        for (const raw of page.PriceList ?? []) {
          // Entries arrive as JSON strings (the SDK wraps them as LazyJsonString objects).
          const value: unknown = typeof raw === 'object' && raw !== null && 'product' in raw ? raw : JSON.parse(String(raw));
          const parsed = PriceListItemSchema.safeParse(value);
          if (!parsed.success) throw new UserError(`Price List answered ${query.serviceCode} with an entry this version cannot read: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'report it with the --debug output');
          const item = parsed.data;
          if (query.keep && !query.keep(item.product.attributes, item.product.productFamily)) continue;
          const product = toSnapshotProduct(item);
          if (!product) continue;
          if (item.publicationDate) publications.set(item.serviceCode, item.publicationDate);
          products.set(`${product.serviceCode}|${product.sku}|${product.attributes.usagetype}`, product);
          kept += 1;
        }
      }
    } catch (err) {
      if (err instanceof UserError) throw err;
      const e = err as Error & { name?: string; $metadata?: { httpStatusCode?: number } };
      throw new UserError(
        `pricing refresh: GetProducts ${query.serviceCode} failed: ${e.name ?? 'Error'}: ${e.message}`,
        /credential/i.test(`${e.name} ${e.message}`)
          ? 'configure AWS credentials (AWS_PROFILE, environment variables or SSO); the Price List API needs pricing:GetProducts'
          : 'check network access to the Price List API (api.pricing.us-east-1.amazonaws.com) and your credentials; run with --debug for details',
      );
    }
    options.onProgress?.(`${query.serviceCode} / ${query.title}: ${kept} products`);
    if (kept === 0) emptyQueries.push(`${query.serviceCode} / ${query.title}`);
  }
  if (products.size === 0)
    throw new UserError(`pricing refresh: the Price List API returned no usable products for ${region}`, 'check the region name; the current snapshot was left untouched');
  const day = now.toISOString().slice(0, 10);
  const snapshot: PriceSnapshot = {
    snapshot: {
      kind: SNAPSHOT_KIND,
      formatVersion: SNAPSHOT_FORMAT_VERSION,
      region,
      location: PRICE_LIST_REGIONS[region]?.location ?? region,
      currency: 'USD',
      pricesAsOf: day,
      createdAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      source: 'price-list-api',
      sourceDetail: `AWS Price List Query API GetProducts (aws_v1), OnDemand terms; offer publication dates: ${[...publications.entries()].map(([s, d]) => `${s} ${d}`).join(', ') || 'not given'}`,
      note: `Snapshot of AWS public on-demand list prices for ${region}, taken ${day}. It is a snapshot: refresh it with \`archcompare pricing refresh --region ${region}\`.`,
    },
    products: [...products.values()].sort((a, b) => `${a.serviceCode}|${a.attributes.usagetype}`.localeCompare(`${b.serviceCode}|${b.attributes.usagetype}`)),
  };
  return { snapshot: PriceSnapshotSchema.parse(snapshot), emptyQueries };
}
