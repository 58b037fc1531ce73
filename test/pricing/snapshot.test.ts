import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/cost/estimate-service.js';
import { MissingPriceError, PriceBook, usageType } from '../../src/pricing/price-book.js';
import { PriceSnapshotSchema } from '../../src/pricing/schema.js';
import { DEFAULT_MAX_PRICE_AGE_DAYS, defaultPricingCacheDir, loadPriceBook, resolveMaxAgeDays } from '../../src/pricing/snapshot-store.js';
import { FIXED_NOW } from '../cost/helpers/golden.js';
import { tempDir } from '../support/temp-dir.js';

const CACHE = defaultPricingCacheDir();
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];
const fixtures = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../cost/fixtures');

function scratch(mutate: (json: any) => void): string {
  const dir = tempDir('archcompare-snap-');
  const json = JSON.parse(readFileSync(path.join(CACHE, 'aws-us-east-1.json'), 'utf8'));
  mutate(json);
  writeFileSync(path.join(dir, 'aws-us-east-1.json'), JSON.stringify(json));
  return dir;
}

describe('committed pricing snapshots', () => {
  for (const region of REGIONS) {
    it(`${region}: validates, states its date and how to refresh, keeps the Price List attributes`, () => {
      const snapshot = PriceSnapshotSchema.parse(JSON.parse(readFileSync(path.join(CACHE, `aws-${region}.json`), 'utf8')));
      expect(snapshot.snapshot.region).toBe(region);
      expect(snapshot.snapshot.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(snapshot.snapshot.note).toContain(`archcompare pricing refresh --region ${region}`);
      for (const p of snapshot.products) {
        expect(p.attributes.usagetype).toBeTruthy();
        expect(p.attributes.regionCode).toBe(region);
        expect(p.onDemand.effectiveDate).toBeTruthy();
        expect(p.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
      }
    });

    it(`${region}: prices both archcompare stacks without a missing price`, async () => {
      const o = await estimate({
        models: ['traditional', 'serverless'],
        terraformJson: { traditional: path.join(fixtures, 'traditional.cdk.tf.json'), serverless: path.join(fixtures, 'serverless.cdk.tf.json') },
        region,
        curve: false,
        now: FIXED_NOW,
      });
      expect(o.json.stacks.map((s) => s.unsupportedResources)).toEqual([[], []]);
      expect(o.json.stacks.map((s) => s.unpricedResources)).toEqual([[], []]);
      for (const s of o.json.stacks) expect(Number(s.totalMonthlyCost)).toBeGreaterThan(0);
    });
  }

  it('us-east-1 carries the current list prices the issue names', () => {
    const book = new PriceBook(PriceSnapshotSchema.parse(JSON.parse(readFileSync(path.join(CACHE, 'aws-us-east-1.json'), 'utf8'))));
    const tiers = (suffix: string, serviceCode: string) => book.resolve({ serviceCode, attributes: { usagetype: usageType(suffix) }, describe: suffix }).tiers.map((t) => [t.dimension.beginRange, t.dimension.endRange, t.dimension.pricePerUnit.USD]);
    expect(tiers('Lambda-GB-Second', 'AWSLambda')).toEqual([['0', '6000000000', '0.0000166667'], ['6000000000', '15000000000', '0.0000150000'], ['15000000000', 'Inf', '0.0000133334']]);
    expect(tiers('Lambda-GB-Second-ARM', 'AWSLambda')).toEqual([['0', '7500000000', '0.0000133334'], ['7500000000', '18750000000', '0.0000120001'], ['18750000000', 'Inf', '0.0000106667']]);
    expect(tiers('Request', 'AWSLambda')).toEqual([['0', 'Inf', '0.0000002000']]);
    expect(tiers('ApiGatewayHttpRequest', 'AmazonApiGateway')).toEqual([['0', '300000000', '0.0000010000'], ['300000000', 'Inf', '0.0000009000']]);
    expect(tiers('WriteRequestUnits', 'AmazonDynamoDB')).toEqual([['0', 'Inf', '0.000000625']]);
    expect(tiers('ReadRequestUnits', 'AmazonDynamoDB')).toEqual([['0', 'Inf', '0.000000125']]);
  });
});

describe('loading a snapshot', () => {
  it('a stale snapshot prices with a warning naming its age and the fix; with failWhenStale it is an error', () => {
    const loaded = loadPriceBook('us-east-1', { now: new Date('2027-01-01T00:00:00Z'), maxAgeDays: 180 });
    expect(loaded.warnings).toEqual([expect.stringMatching(/^pricing snapshot for us-east-1 is 579 days old \(prices as of 2025-06-01, limit 180 days\)\. Fix: run `archcompare pricing refresh --region us-east-1`/)]);
    expect(() => loadPriceBook('us-east-1', { now: new Date('2027-01-01T00:00:00Z'), maxAgeDays: 180, failWhenStale: true })).toThrow(/579 days old/);
    expect(loadPriceBook('us-east-1', { now: FIXED_NOW }).warnings).toEqual([]);
  });

  it('the age limit comes from the flag, else ARCHCOMPARE_MAX_PRICE_AGE_DAYS, else the default; a bad value is an error', () => {
    expect(resolveMaxAgeDays(undefined, {})).toBe(DEFAULT_MAX_PRICE_AGE_DAYS);
    expect(resolveMaxAgeDays(undefined, { ARCHCOMPARE_MAX_PRICE_AGE_DAYS: '90' })).toBe(90);
    expect(resolveMaxAgeDays(30, { ARCHCOMPARE_MAX_PRICE_AGE_DAYS: '90' })).toBe(30);
    expect(() => resolveMaxAgeDays(undefined, { ARCHCOMPARE_MAX_PRICE_AGE_DAYS: 'soon' })).toThrow(/ARCHCOMPARE_MAX_PRICE_AGE_DAYS=soon is not a whole number/);
  });

  it('corrupted files fail loudly, naming the file and the field — never a silent zero price', () => {
    const notJson = tempDir('archcompare-snap-');
    writeFileSync(path.join(notJson, 'aws-us-east-1.json'), '{"snapshot": ');
    expect(() => loadPriceBook('us-east-1', { dir: notJson })).toThrow(/aws-us-east-1\.json is not valid JSON/);
    const badPrice = scratch((j) => (j.products[0].onDemand.priceDimensions[0].pricePerUnit.USD = ''));
    expect(() => loadPriceBook('us-east-1', { dir: badPrice })).toThrow(/is corrupted: products\[0\]\.onDemand\.priceDimensions\[0\]\.pricePerUnit\.USD: must be a non-negative decimal/);
    const gap = scratch((j) => {
      const lambda = j.products.find((p: any) => p.attributes.usagetype === 'Lambda-GB-Second');
      lambda.onDemand.priceDimensions.splice(1, 1);
    });
    expect(() => loadPriceBook('us-east-1', { dir: gap })).toThrow(/beginRange: tier must begin at 6000000000/);
    const noUsageType = scratch((j) => delete j.products[3].attributes.usagetype);
    expect(() => loadPriceBook('us-east-1', { dir: noUsageType })).toThrow(/products\[3\]\.attributes: must include the Price List attribute "usagetype"/);
    const wrongRegion = tempDir('archcompare-snap-');
    copyFileSync(path.join(CACHE, 'aws-eu-west-1.json'), path.join(wrongRegion, 'aws-us-east-1.json'));
    expect(() => loadPriceBook('us-east-1', { dir: wrongRegion })).toThrow(/snapshot\.region is eu-west-1, expected us-east-1/);
  });

  it('a price filter must select exactly one product', () => {
    const book = loadPriceBook('us-east-1', { now: FIXED_NOW }).book;
    expect(() => book.resolve({ serviceCode: 'AmazonEC2', productFamily: 'Compute Instance', attributes: { instanceType: 'x9.huge' }, describe: 'EC2 x9.huge' })).toThrow(MissingPriceError);
    expect(() => book.resolve({ serviceCode: 'AmazonEC2', productFamily: 'Compute Instance', attributes: {}, describe: 'any EC2 instance' })).toThrow(/prices match any EC2 instance .* expected exactly one/);
  });
});
