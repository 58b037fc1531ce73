import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { priceFilters } from '../../src/cost/price-filters.js';
import { defaultPricingCacheDir, loadPriceBook, snapshotPath } from '../../src/pricing/snapshot-store.js';
import { EC2_FAMILIES, RDS_CLASSES } from '../../pricing-cache/authoring/compute-prices.js';

/**
 * The family-rate rule of pricing-cache/authoring/compute-prices.ts, checked against sizes AWS publishes
 * other than the one each rate was read from. The prices below are transcribed here from
 * https://aws.amazon.com/ec2/pricing/on-demand/ and https://aws.amazon.com/rds/postgresql/pricing/
 * (us-east-1, Linux / PostgreSQL, on-demand, $ per hour), not computed from the authoring table: a family
 * whose price is not linear in size, or a mistyped rate, fails here.
 */
const EC2_PUBLISHED: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  m5: [['m5.xlarge', '0.192'], ['m5.4xlarge', '0.768']],
  m5a: [['m5a.xlarge', '0.172'], ['m5a.2xlarge', '0.344']],
  m6i: [['m6i.2xlarge', '0.384'], ['m6i.16xlarge', '3.072']],
  m6a: [['m6a.xlarge', '0.1728'], ['m6a.4xlarge', '0.6912']],
  m6g: [['m6g.xlarge', '0.154'], ['m6g.4xlarge', '0.616']],
  m7i: [['m7i.xlarge', '0.2016'], ['m7i.2xlarge', '0.4032']],
  m7a: [['m7a.xlarge', '0.23184'], ['m7a.2xlarge', '0.46368']],
  m7g: [['m7g.xlarge', '0.1632'], ['m7g.2xlarge', '0.3264']],
  c5: [['c5.xlarge', '0.17'], ['c5.9xlarge', '1.53']],
  c5a: [['c5a.xlarge', '0.154'], ['c5a.2xlarge', '0.308']],
  c6i: [['c6i.xlarge', '0.17'], ['c6i.2xlarge', '0.34']],
  c6a: [['c6a.xlarge', '0.153'], ['c6a.2xlarge', '0.306']],
  c6g: [['c6g.xlarge', '0.136'], ['c6g.2xlarge', '0.272']],
  c7i: [['c7i.xlarge', '0.1785'], ['c7i.2xlarge', '0.357']],
  c7a: [['c7a.xlarge', '0.20528'], ['c7a.2xlarge', '0.41056']],
  c7g: [['c7g.xlarge', '0.145'], ['c7g.2xlarge', '0.29']],
  r5: [['r5.xlarge', '0.252'], ['r5.2xlarge', '0.504']],
  r5a: [['r5a.xlarge', '0.226'], ['r5a.2xlarge', '0.452']],
  r6i: [['r6i.xlarge', '0.252'], ['r6i.2xlarge', '0.504']],
  r6a: [['r6a.xlarge', '0.2268'], ['r6a.2xlarge', '0.4536']],
  r6g: [['r6g.xlarge', '0.2016'], ['r6g.2xlarge', '0.4032']],
  r7i: [['r7i.xlarge', '0.2646'], ['r7i.2xlarge', '0.5292']],
  r7a: [['r7a.xlarge', '0.3043'], ['r7a.2xlarge', '0.6086']],
  r7g: [['r7g.xlarge', '0.2142'], ['r7g.2xlarge', '0.4284']],
  t3: [['t3.micro', '0.0104'], ['t3.xlarge', '0.1664']],
  t3a: [['t3a.micro', '0.0094'], ['t3a.medium', '0.0376']],
  t4g: [['t4g.micro', '0.0084'], ['t4g.2xlarge', '0.2688']],
};

/** [class, Single-AZ, Multi-AZ]: RDS rounds each size to $0.001, so db.r6g.2xlarge is $0.899, not 4 x $0.225. */
const RDS_PUBLISHED: Readonly<Record<string, ReadonlyArray<readonly [string, string, string]>>> = {
  'db.m5': [['db.m5.xlarge', '0.356', '0.712'], ['db.m5.4xlarge', '1.424', '2.848']],
  'db.m6g': [['db.m6g.xlarge', '0.318', '0.636'], ['db.m6g.2xlarge', '0.636', '1.272']],
  'db.m6i': [['db.m6i.xlarge', '0.356', '0.712'], ['db.m6i.2xlarge', '0.712', '1.424']],
  'db.m7g': [['db.m7g.xlarge', '0.336', '0.672'], ['db.m7g.2xlarge', '0.672', '1.344']],
  'db.m7i': [['db.m7i.xlarge', '0.374', '0.748'], ['db.m7i.2xlarge', '0.748', '1.496']],
  'db.r5': [['db.r5.xlarge', '0.5', '1'], ['db.r5.2xlarge', '1', '2']],
  'db.r6g': [['db.r6g.xlarge', '0.45', '0.899'], ['db.r6g.2xlarge', '0.899', '1.798']],
  'db.r6i': [['db.r6i.xlarge', '0.5', '1'], ['db.r6i.2xlarge', '1', '2']],
  'db.r7g': [['db.r7g.xlarge', '0.478', '0.956'], ['db.r7g.2xlarge', '0.956', '1.913']],
};

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'] as const;
const books = Object.fromEntries(REGIONS.map((r) => [r, loadPriceBook(r, { maxAgeDays: 100_000 }).book]));
const hourly = (region: string, filter: Parameters<(typeof books)[string]['resolve']>[0]) => books[region]!.resolve(filter).tiers[0]!.pricePerUnit.toString();

describe('EC2: family rate x size, checked against published sizes', () => {
  it('every family of the authoring table has published sizes here (and no more)', () => {
    expect(Object.keys(EC2_PUBLISHED).sort()).toEqual(Object.keys(EC2_FAMILIES).sort());
  });
  for (const [family, sizes] of Object.entries(EC2_PUBLISHED)) {
    it(`${family}: ${sizes.map(([t]) => t).join(', ')}`, () => {
      expect(sizes.length).toBeGreaterThanOrEqual(2);
      for (const [instanceType, usd] of sizes) expect(hourly('us-east-1', priceFilters.ec2Instance(instanceType, 'linux')), instanceType).toBe(usd);
    });
  }
  it('every family has every size from large (nano for burstable) to 16xlarge in all three regions', () => {
    for (const region of REGIONS)
      for (const [family, f] of Object.entries(EC2_FAMILIES))
        for (const size of f.sizes) expect(() => hourly(region, priceFilters.ec2Instance(`${family}.${size}`, 'linux'))).not.toThrow();
  });
});

describe('RDS for PostgreSQL: class rate x size rounded per size; burstables transcribed per size', () => {
  it('every class of the authoring table has published sizes here', () => {
    expect(Object.keys(RDS_PUBLISHED).sort()).toEqual(Object.keys(RDS_CLASSES).sort());
  });
  for (const [cls, sizes] of Object.entries(RDS_PUBLISHED)) {
    it(`${cls}: ${sizes.map(([c]) => c).join(', ')}, Single-AZ and Multi-AZ`, () => {
      for (const [instanceClass, single, multi] of sizes) {
        expect(hourly('us-east-1', priceFilters.rdsInstance(instanceClass, 'PostgreSQL', false)), instanceClass).toBe(single);
        expect(hourly('us-east-1', priceFilters.rdsInstance(instanceClass, 'PostgreSQL', true)), `${instanceClass} Multi-AZ`).toBe(multi);
      }
    });
  }
  it('burstables as the issue quotes them: db.t4g.small $0.032, db.t4g.medium $0.065 (not 2 x 0.032)', () => {
    expect(hourly('us-east-1', priceFilters.rdsInstance('db.t4g.small', 'PostgreSQL', false))).toBe('0.032');
    expect(hourly('us-east-1', priceFilters.rdsInstance('db.t4g.medium', 'PostgreSQL', false))).toBe('0.065');
    expect(hourly('us-east-1', priceFilters.rdsInstance('db.t3.large', 'PostgreSQL', false))).toBe('0.145');
  });
  it('every class in every size (db.t3/db.t4g micro to 2xlarge, the rest large to 16xlarge), Single- and Multi-AZ, in all three regions', () => {
    const classes = [...['db.t3', 'db.t4g'].flatMap((c) => ['micro', 'small', 'medium', 'large', 'xlarge', '2xlarge'].map((s) => `${c}.${s}`)), ...Object.keys(RDS_CLASSES).flatMap((c) => ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'].map((s) => `${c}.${s}`))];
    for (const region of REGIONS)
      for (const instanceClass of classes)
        for (const multiAz of [false, true]) expect(() => hourly(region, priceFilters.rdsInstance(instanceClass, 'PostgreSQL', multiAz))).not.toThrow();
  });
});

describe('storage types and the snapshot files', () => {
  it('EBS gp2, gp3, io1, io2 (three IOPS tiers), st1, sc1, magnetic; RDS gp2, gp3, io1, io2 with IOPS and gp3 throughput, in all three regions', () => {
    for (const region of REGIONS) {
      for (const t of ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard']) expect(() => books[region]!.resolve(priceFilters.ebsStorage(t))).not.toThrow();
      for (const tier of [1, 2, 3] as const) expect(() => books[region]!.resolve(priceFilters.ebsProvisionedIops('io2', tier))).not.toThrow();
      for (const multiAz of [false, true]) {
        for (const t of ['gp2', 'gp3', 'io1', 'io2'] as const) expect(() => books[region]!.resolve(priceFilters.rdsStorage(t, multiAz))).not.toThrow();
        for (const t of ['gp3', 'io1', 'io2'] as const) expect(() => books[region]!.resolve(priceFilters.rdsProvisionedIops(t, multiAz))).not.toThrow();
        expect(() => books[region]!.resolve(priceFilters.rdsGp3Throughput(multiAz))).not.toThrow();
      }
    }
    // us-east-1 list prices (https://aws.amazon.com/ebs/pricing/): io1 $0.125/GB-month and $0.065/IOPS-month; io2 IOPS $0.065, $0.0455, $0.032.
    expect(hourly('us-east-1', priceFilters.ebsStorage('io1'))).toBe('0.125');
    expect(hourly('us-east-1', priceFilters.ebsProvisionedIops('io1', 1))).toBe('0.065');
    expect([1, 2, 3].map((t) => hourly('us-east-1', priceFilters.ebsProvisionedIops('io2', t as 1 | 2 | 3)))).toEqual(['0.065', '0.0455', '0.032']);
  });
  it('each region file stays under 2 MB', () => {
    for (const region of REGIONS) expect(statSync(snapshotPath(defaultPricingCacheDir(), region)).size).toBeLessThan(2 * 1024 * 1024);
  });
});
