import { describe, expect, it } from 'vitest';
import { priceComponent } from '../../src/cost/engine.js';
import { priceFilters } from '../../src/cost/price-filters.js';
import { Decimal } from '../../src/pricing/money.js';
import type { PriceFilter } from '../../src/pricing/price-book.js';
import { loadPriceBook } from '../../src/pricing/snapshot-store.js';

/**
 * Every tiered price of the authored snapshot, checked at both sides of every tier boundary against
 * the rate cards below. The cards are transcribed here from the pages cited (us-east-1), not from
 * pricing-cache/authoring/, so a wrong bound or rate in the authoring table fails this test:
 *  - Lambda: https://aws.amazon.com/lambda/pricing/ and
 *    https://aws.amazon.com/blogs/compute/introducing-tiered-pricing-for-aws-lambda/ ("0 – 6 billion x86,
 *    6 – 15 billion x86 10%, over 15 billion 20%; 0 – 7.5 billion arm64, 7.5 – 18.75 billion 10%, over 18.75 billion 20%").
 *  - API Gateway: https://aws.amazon.com/api-gateway/pricing/ (HTTP: first 300 million $1.00/M, over $0.90/M;
 *    REST: first 333 million $3.50/M, next 667 million $2.80/M, next 19 billion $2.38/M, over 20 billion $1.51/M).
 *  - Data transfer out: https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer (first 10 TB $0.09/GB,
 *    next 40 TB $0.085, next 100 TB $0.07, over 150 TB $0.05; 1 TB = 1,024 GB on AWS's pages).
 *  - S3 Standard: https://aws.amazon.com/s3/pricing/ (first 50 TB $0.023/GB-month, next 450 TB $0.022, over 500 TB $0.021).
 *  - CloudWatch: https://aws.amazon.com/cloudwatch/pricing/ (custom metrics first 10,000 $0.30, next 240,000 $0.10,
 *    next 750,000 $0.05, over 1,000,000 $0.02; Logs Standard ingestion $0.50/GB and archival $0.03/GB-month, both flat;
 *    Lambda's logs as vended logs since 2025-05-01: first 10 TB $0.50/GB, next 20 TB $0.25, next 20 TB $0.10, over 50 TB
 *    $0.05, as in https://www.duckbillgroup.com/?p=9080: 60 TB of Lambda logs $30,000 flat, $12,500 tiered).
 */
type Card = ReadonlyArray<readonly [upTo: number | null, usd: string]>;

interface TieredCase {
  name: string;
  filter: PriceFilter;
  card: Card;
}

const CASES: TieredCase[] = [
  { name: 'Lambda duration x86', filter: priceFilters.lambdaDuration('x86_64'), card: [[6e9, '0.0000166667'], [15e9, '0.0000150000'], [null, '0.0000133334']] },
  { name: 'Lambda duration Arm', filter: priceFilters.lambdaDuration('arm64'), card: [[7.5e9, '0.0000133334'], [18.75e9, '0.0000120001'], [null, '0.0000106667']] },
  { name: 'API Gateway HTTP API requests', filter: priceFilters.httpApiRequests(), card: [[300e6, '0.000001'], [null, '0.0000009']] },
  { name: 'API Gateway REST API requests', filter: priceFilters.restApiRequests(), card: [[333e6, '0.0000035'], [1e9, '0.0000028'], [20e9, '0.00000238'], [null, '0.00000151']] },
  { name: 'Data transfer out to the internet', filter: priceFilters.dataTransferOut(), card: [[10 * 1024, '0.09'], [50 * 1024, '0.085'], [150 * 1024, '0.07'], [null, '0.05']] },
  { name: 'S3 Standard storage', filter: priceFilters.s3StandardStorage(), card: [[50 * 1024, '0.023'], [500 * 1024, '0.022'], [null, '0.021']] },
  { name: 'CloudWatch custom metrics', filter: priceFilters.cloudwatchMetrics(), card: [[10_000, '0.30'], [250_000, '0.10'], [1_000_000, '0.05'], [null, '0.02']] },
  { name: 'CloudWatch Logs ingestion (Standard)', filter: priceFilters.cloudwatchLogsIngestion(), card: [[null, '0.50']] },
  { name: 'CloudWatch Logs ingestion of Lambda logs (vended)', filter: priceFilters.lambdaLogsIngestion(), card: [[10 * 1024, '0.50'], [30 * 1024, '0.25'], [50 * 1024, '0.10'], [null, '0.05']] },
  { name: 'CloudWatch Logs archival storage', filter: priceFilters.cloudwatchLogsStorage(), card: [[null, '0.03']] },
];

/** The card's own arithmetic: each unit at the rate of the tier it falls in. */
function byCard(card: Card, quantity: number): Decimal {
  let cost = new Decimal(0);
  let from = 0;
  for (const [upTo, usd] of card) {
    const to = upTo === null ? quantity : Math.min(quantity, upTo);
    if (to > from) cost = cost.plus(new Decimal(to - from).mul(usd));
    if (upTo === null || quantity <= upTo) break;
    from = upTo;
  }
  return cost;
}

const { book } = loadPriceBook('us-east-1', { maxAgeDays: 100_000 });
const priced = (filter: PriceFilter, quantity: number) =>
  priceComponent({ name: 'x', unit: 'u', quantity, filter }, book, undefined).reduce((sum, line) => sum.plus(line.monthlyCost), new Decimal(0));

describe('every tiered price, one case each side of every boundary (us-east-1)', () => {
  for (const c of CASES) {
    it(`${c.name}: the snapshot's tiers are the page's`, () => {
      const tiers = book.resolve(c.filter).tiers;
      expect(tiers.map((t) => (t.end === null ? null : t.end.toNumber()))).toEqual(c.card.map(([upTo]) => upTo));
      expect(tiers.map((t) => t.pricePerUnit.toString())).toEqual(c.card.map(([, usd]) => new Decimal(usd).toString()));
    });
    const bounds = c.card.map(([upTo]) => upTo).filter((b): b is number => b !== null);
    for (const bound of bounds) {
      for (const quantity of [bound - 1, bound + 1]) {
        it(`${c.name}: ${quantity.toLocaleString('en-US')} (${quantity < bound ? 'below' : 'above'} ${bound.toLocaleString('en-US')})`, () => {
          expect(priced(c.filter, quantity).toFixed()).toBe(byCard(c.card, quantity).toFixed());
        });
      }
    }
  }

  it("Lambda logs: 60 TB a month is Duckbill's worked example in 1,024-GB terabytes, and a custom log group's 60 TB stays flat", () => {
    // 10,240 x 0.50 + 20,480 x 0.25 + 20,480 x 0.10 + 10,240 x 0.05 = 5,120 + 5,120 + 2,048 + 512; flat: 61,440 x 0.50
    expect(priced(priceFilters.lambdaLogsIngestion(), 60 * 1024).toFixed()).toBe('12800');
    expect(priced(priceFilters.cloudwatchLogsIngestion(), 60 * 1024).toFixed()).toBe('30720');
  });

  it('Arm duration at 7 billion GB-s is all first tier; x86 at 7 billion already has 1 billion in the second', () => {
    // Arm: 7e9 x 0.0000133334 = 93,333.8; x86: 6e9 x 0.0000166667 + 1e9 x 0.000015 = 100,000.2 + 15,000
    expect(priced(priceFilters.lambdaDuration('arm64'), 7e9).toFixed()).toBe('93333.8');
    expect(priced(priceFilters.lambdaDuration('x86_64'), 7e9).toFixed()).toBe('115000.2');
  });
});
