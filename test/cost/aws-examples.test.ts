import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareStack, priceStack } from '../../src/cost/engine.js';
import { readTerraformDocument } from '../../src/architecture/terraform-document.js';
import type { UsageSet } from '../../src/cost/usage.js';
import { PriceBook } from '../../src/pricing/price-book.js';
import { PriceSnapshotSchema, type PriceSnapshot } from '../../src/pricing/schema.js';
import { defaultPricingCacheDir } from '../../src/pricing/snapshot-store.js';

/**
 * AWS's own worked pricing examples, reproduced to the cent by the engine. Each cites where it is
 * published. Where an example was written with an older unit price, the test prices it with that
 * price (a modified copy of the snapshot), so the arithmetic is checked against AWS's own result.
 */
const snapshot: PriceSnapshot = PriceSnapshotSchema.parse(JSON.parse(readFileSync(path.join(defaultPricingCacheDir(), 'aws-us-east-1.json'), 'utf8')));

function withPrice(usageType: string, usd: string): PriceBook {
  const copy = structuredClone(snapshot);
  const product = copy.products.find((p) => p.attributes.usagetype === usageType)!;
  product.onDemand.priceDimensions = [{ ...product.onDemand.priceDimensions[0]!, beginRange: '0', endRange: 'Inf', pricePerUnit: { USD: usd } }];
  return new PriceBook(copy);
}

function usage(byAddress: Record<string, Record<string, number>>): UsageSet {
  return { source: 'test', kind: 'usage-file', requestsPerMonth: undefined, byAddress: new Map(Object.entries(byAddress)), byType: new Map() };
}

function price(resources: Record<string, Record<string, Record<string, unknown>>>, use: Record<string, Record<string, number>>, book: PriceBook, freeTier = false) {
  const prepared = prepareStack(readTerraformDocument({ provider: { aws: [{ region: 'us-east-1' }] }, resource: resources }, 'example'));
  return priceStack(prepared, usage(use), book, { freeTier });
}

const cents = (d: { toDecimalPlaces(n: number): { toFixed(n: number): string } }) => d.toDecimalPlaces(2).toFixed(2);
const lineCost = (estimate: ReturnType<typeof price>, name: string) => estimate.resources[0]!.components.filter((c) => c.name.startsWith(name)).reduce((sum, c) => sum + Number(c.monthlyCost), 0);

describe('AWS Lambda pricing page examples', () => {
  it('Example 1 (512 MB, 3M invocations of 1 s, with the free tier): $18.34 compute + $0.40 requests = $18.74', () => {
    // https://aws.amazon.com/lambda/pricing/ (the long-standing Example 1, written with $0.00001667 per GB-s):
    // 3M x 1 s x 512/1024 = 1,500,000 GB-s − 400,000 free = 1,100,000 x $0.00001667 = $18.34;
    // 3M − 1M free = 2M x $0.20/M = $0.40; total $18.74.
    const book = withPrice('Lambda-GB-Second', '0.0000166700');
    const e = price({ aws_lambda_function: { fn: { memory_size: 512 } } }, { 'aws_lambda_function.fn': { monthly_requests: 3_000_000, request_duration_ms: 1000 } }, book, true);
    expect(lineCost(e, 'Duration').toFixed(2)).toBe('18.34');
    expect(lineCost(e, 'Requests').toFixed(2)).toBe('0.40');
    expect(cents(e.totalMonthlyCost)).toBe('18.74');
  });

  it('Example 1, mobile application backend (1,536 MB, 3M requests of 120 ms, x86, no free tier): $9.00 + $0.60 = $9.60', () => {
    // https://aws.amazon.com/lambda/pricing/ "Example 1: Mobile application backend":
    // 3M x 0.12 s = 360,000 s x 1536/1024 = 540,000 GB-s x $0.0000166667 = $9.00; 3M x $0.20/M = $0.60.
    const book = new PriceBook(snapshot);
    const e = price({ aws_lambda_function: { fn: { memory_size: 1536, architectures: ['x86_64'] } } }, { 'aws_lambda_function.fn': { monthly_requests: 3_000_000, request_duration_ms: 120 } }, book);
    expect(lineCost(e, 'Duration').toFixed(2)).toBe('9.00');
    expect(cents(e.totalMonthlyCost)).toBe('9.60');
  });

  it('the same backend on Arm: 540,000 GB-s x $0.0000133334 = $7.20, total $7.80', () => {
    const e = price({ aws_lambda_function: { fn: { memory_size: 1536, architectures: ['arm64'] } } }, { 'aws_lambda_function.fn': { monthly_requests: 3_000_000, request_duration_ms: 120 } }, new PriceBook(snapshot));
    expect(cents(e.totalMonthlyCost)).toBe('7.80');
  });
});

describe('Amazon API Gateway pricing examples', () => {
  it('REST API, 5 million calls with 3 KB responses: $17.50 requests + $1.29 data transfer out = $18.79', () => {
    // https://aws.amazon.com/api-gateway/pricing/ REST API example (also restated at
    // awsforengineers.com/blog/aws-api-gateway-pricing-explained): 5M x $3.50/M = $17.50;
    // 5M x 3 KB = 14.31 GB x $0.09 = $1.29 (data transfer out at EC2 rates).
    const book = new PriceBook(snapshot);
    const gb = (5_000_000 * 3 * 1024) / 1024 ** 3;
    const e = price({ aws_api_gateway_rest_api: { api: {} } }, { 'aws_api_gateway_rest_api.api': { monthly_requests: 5_000_000 }, 'aws_data_transfer.out': { monthly_outbound_internet_gb: gb } }, book);
    expect(cents(e.resources[0]!.monthlyCost)).toBe('17.50');
    expect(cents(e.resources[1]!.monthlyCost)).toBe('1.29');
    expect(cents(e.totalMonthlyCost)).toBe('18.79');
  });

  it('HTTP API, 216 million requests a month: $216.00; 1 billion: 300M x $1.00 + 700M x $0.90 = $930.00', () => {
    // https://aws.amazon.com/api-gateway/pricing/ HTTP API tiers (us-east-1: $1.00/M first 300M, $0.90/M after),
    // as tabled in AWS's whitepaper "Best Practices for Designing Amazon API Gateway Private APIs", Table 4.
    const book = new PriceBook(snapshot);
    const at = (n: number) => cents(price({ aws_apigatewayv2_api: { api: { protocol_type: 'HTTP' } } }, { 'aws_apigatewayv2_api.api': { monthly_requests: n } }, book).totalMonthlyCost);
    expect(at(216_000_000)).toBe('216.00');
    expect(at(1_000_000_000)).toBe('930.00');
  });

  it('REST API tiers: 1 billion calls = 333M x $3.50 + 667M x $2.80 = $3,033.10', () => {
    // Same whitepaper table: first 333M $3.50/M, next 667M $2.80/M, next 19B $2.38/M, over 20B $1.51/M.
    const e = price({ aws_api_gateway_rest_api: { api: {} } }, { 'aws_api_gateway_rest_api.api': { monthly_requests: 1_000_000_000 } }, new PriceBook(snapshot));
    expect(cents(e.totalMonthlyCost)).toBe('3033.10');
  });
});

describe('Amazon DynamoDB on-demand', () => {
  it('US East on-demand after the November 2024 cut: 0.65M writes = $0.41, 0.55M reads = $0.07', () => {
    // https://aws.amazon.com/dynamodb/pricing/on-demand/ lists $0.625 per million WRU and $0.125 per million
    // RRU in US East (N. Virginia) since 2024-11-01; the worked example is airbyte.com's "Real-World DynamoDB
    // Cost Example" (0.65M writes x $0.625/M = $0.41); reads 0.55M x $0.125/M = $0.06875 → $0.07.
    const e = price({ aws_dynamodb_table: { t: { billing_mode: 'PAY_PER_REQUEST' } } }, { 'aws_dynamodb_table.t': { monthly_write_request_units: 650_000, monthly_read_request_units: 550_000 } }, new PriceBook(snapshot));
    expect(lineCost(e, 'Write request units').toFixed(2)).toBe('0.41');
    expect(lineCost(e, 'Read request units').toFixed(2)).toBe('0.07');
  });

  it('a full month for a table (hand-checked): 100M writes, 400M reads, 30 GB with the 25 GB free tier', () => {
    // 100 x $0.625 = $62.50; 400 x $0.125 = $50.00; (30 − 25) GB x $0.25 = $1.25 → $113.75
    const e = price({ aws_dynamodb_table: { t: { billing_mode: 'PAY_PER_REQUEST' } } }, { 'aws_dynamodb_table.t': { monthly_write_request_units: 100e6, monthly_read_request_units: 400e6, storage_gb: 30 } }, new PriceBook(snapshot), true);
    expect(cents(e.totalMonthlyCost)).toBe('113.75');
  });
});
