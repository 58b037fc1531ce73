/**
 * Writes pricing-cache/aws-<region>.json from authored-prices.ts, in the snapshot format
 * `archcompare pricing refresh` writes (the Price List vocabulary). Run:
 *   npx tsx pricing-cache/authoring/generate.ts
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRICE_LIST_REGIONS } from '../../src/pricing/regions.js';
import { SNAPSHOT_FORMAT_VERSION, SNAPSHOT_KIND, type PriceSnapshot } from '../../src/pricing/schema.js';
import { writeSnapshot } from '../../src/pricing/snapshot-store.js';
import { AUTHORED_REGIONS, PRICES_AS_OF, authoredProducts } from './authored-prices.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const createdAt = process.env.SNAPSHOT_CREATED_AT ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

for (const region of AUTHORED_REGIONS) {
  const { location, usageTypePrefix } = PRICE_LIST_REGIONS[region]!;
  const usageTypeFor = (p: ReturnType<typeof authoredProducts>[number]): string => {
    if (p.prefix === 'kms') return `${region}-${p.usageType}`;
    // us-east-1 publishes the older services' usage types with no region prefix.
    if (p.prefix === 'legacy' && region === 'us-east-1') return p.usageType;
    return `${usageTypePrefix}-${p.usageType}`;
  };
  const snapshot: PriceSnapshot = {
    snapshot: {
      kind: SNAPSHOT_KIND,
      formatVersion: SNAPSHOT_FORMAT_VERSION,
      region,
      location,
      currency: 'USD',
      pricesAsOf: PRICES_AS_OF,
      createdAt,
      source: 'authored',
      sourceDetail: 'Transcribed by hand from the AWS public pricing pages named in each entry\'s "source", in the Price List API attribute vocabulary (pricing-cache/authoring/authored-prices.ts). SKUs are given only where known; authored entries carry the price-change date as effectiveDate where known, else the date the price was read.',
      note: `SNAPSHOT of AWS public on-demand list prices for ${region} as of ${PRICES_AS_OF}. Prices change: refresh with \`archcompare pricing refresh --region ${region}\` (AWS credentials needed), which rewrites this file from the Price List API.`,
    },
    products: authoredProducts(region).map((p) => ({
      ...(p.sku ? { sku: p.sku } : {}),
      serviceCode: p.serviceCode,
      productFamily: p.productFamily,
      attributes: {
        servicecode: p.serviceCode,
        regionCode: region,
        location,
        // Data transfer products name their source region as fromRegionCode/fromLocation.
        ...(p.serviceCode === 'AWSDataTransfer' ? { fromRegionCode: region, fromLocation: location } : {}),
        usagetype: usageTypeFor(p),
        operation: p.operation,
        ...(p.attributes ?? {}),
      },
      onDemand: {
        offerTermCode: 'JRTCKXETXF',
        effectiveDate: p.effectiveDate ?? PRICES_AS_OF,
        priceDimensions: p.tiers.map(([beginRange, endRange, usd]) => ({ description: p.description, unit: p.unit, beginRange, endRange, pricePerUnit: { USD: usd } })),
      },
      source: p.source,
    })),
  };
  const file = await writeSnapshot(dir, snapshot);
  console.log(`${file}: ${snapshot.products.length} products`);
}
