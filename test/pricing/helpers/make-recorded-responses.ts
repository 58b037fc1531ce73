/**
 * Builds test/pricing/fixtures/price-list/<ServiceCode>.json: GetProducts PriceList entries in
 * the aws_v1 response shape (product {productFamily, attributes, sku}, serviceCode,
 * terms.OnDemand[sku.offerTermCode].priceDimensions[sku.offerTermCode.rateCode], version,
 * publicationDate), from the committed us-east-1 snapshot plus decoys the refresh must filter out
 * (other regions, Windows, Reserved-only terms, other product families). SKUs the snapshot does
 * not know are synthetic ("RECORDED…"). Run: npx tsx test/pricing/helpers/make-recorded-responses.ts
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PriceProduct } from '../../../src/pricing/schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const snapshot = JSON.parse(readFileSync(path.join(root, 'pricing-cache/aws-us-east-1.json'), 'utf8')) as { products: PriceProduct[] };

const skuOf = (p: Pick<PriceProduct, 'serviceCode' | 'attributes'>, salt = '') =>
  `RECORDED${createHash('sha1').update(`${p.serviceCode}|${p.attributes.usagetype}|${p.attributes.instanceType ?? ''}|${salt}`).digest('hex').slice(0, 8).toUpperCase()}`;

function item(p: Omit<PriceProduct, 'sku'> & { sku?: string }, options: { reservedOnly?: boolean } = {}): Record<string, unknown> {
  const sku = p.sku ?? skuOf(p);
  const term = `${sku}.JRTCKXETXF`;
  const { servicecode: _s, ...attributes } = p.attributes;
  const onDemand = {
    [term]: {
      priceDimensions: Object.fromEntries(
        p.onDemand.priceDimensions.map((d, i) => {
          const rate = `${term}.${['6YS6EN2CT7', '2TG2D8R56U', 'E9BJT8E8ZR', 'QCHUGBRT8R'][i] ?? `RATE${i}`}`;
          return [rate, { unit: d.unit, endRange: d.endRange, description: d.description, appliesTo: [], rateCode: rate, beginRange: d.beginRange, pricePerUnit: { USD: d.pricePerUnit.USD.includes('.') ? d.pricePerUnit.USD.padEnd(d.pricePerUnit.USD.indexOf('.') + 11, '0') : `${d.pricePerUnit.USD}.0000000000` } }];
        }),
      ),
      sku,
      effectiveDate: `${p.onDemand.effectiveDate.slice(0, 10)}T00:00:00Z`,
      offerTermCode: 'JRTCKXETXF',
      termAttributes: {},
    },
  };
  const reserved = { [`${sku}.4NA7Y494T4`]: { priceDimensions: {}, sku, effectiveDate: '2025-06-01T00:00:00Z', offerTermCode: '4NA7Y494T4', termAttributes: { LeaseContractLength: '1yr', PurchaseOption: 'No Upfront' } } };
  return {
    product: { productFamily: p.productFamily, attributes: { servicecode: p.serviceCode, ...attributes }, sku },
    serviceCode: p.serviceCode,
    terms: options.reservedOnly ? { Reserved: reserved } : { OnDemand: onDemand, ...(p.serviceCode === 'AmazonEC2' ? { Reserved: reserved } : {}) },
    version: '20250601000000',
    publicationDate: '2025-06-01T00:00:00Z',
  };
}

const byService = new Map<string, Record<string, unknown>[]>();
const add = (serviceCode: string, entry: Record<string, unknown>) => byService.set(serviceCode, [...(byService.get(serviceCode) ?? []), entry]);
for (const p of snapshot.products) add(p.serviceCode, item(p));

// Decoys: same services, products the refresh must not keep.
const t3small = snapshot.products.find((p) => p.attributes.usagetype === 'BoxUsage:t3.small')!;
add('AmazonEC2', item({ ...t3small, sku: undefined, attributes: { ...t3small.attributes, operatingSystem: 'Windows', usagetype: 'BoxUsage:t3.small', operation: 'RunInstances:0002' }, onDemand: { ...t3small.onDemand, priceDimensions: [{ ...t3small.onDemand.priceDimensions[0]!, pricePerUnit: { USD: '0.0392' } }] } }));
add('AmazonEC2', item({ ...t3small, sku: 'RESERVEDONLY0001', attributes: { ...t3small.attributes, instanceType: 't3.2xlarge', usagetype: 'BoxUsage:t3.2xlarge' } }, { reservedOnly: true }));
const request = snapshot.products.find((p) => p.serviceCode === 'AWSLambda' && p.attributes.usagetype === 'Request')!;
add('AWSLambda', item({ ...request, sku: 'B5V2RNHAWGVJBZD3', attributes: { ...request.attributes, regionCode: 'eu-west-1', location: 'EU (Ireland)', usagetype: 'EU-Request' } }));
const alb = snapshot.products.find((p) => p.attributes.usagetype === 'LoadBalancerUsage')!;
add('AWSELB', item({ ...alb, sku: undefined, productFamily: 'Load Balancer-Network', attributes: { ...alb.attributes, usagetype: 'LoadBalancerUsage', operation: 'LoadBalancing:Network' } }));

for (const [service, entries] of byService) writeFileSync(path.join(root, 'test/pricing/fixtures/price-list', `${service}.json`), `${JSON.stringify(entries, null, 1)}\n`);
console.log([...byService].map(([s, e]) => `${s}: ${e.length}`).join(', '));
