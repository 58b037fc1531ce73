import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PricingClient } from '@aws-sdk/client-pricing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshPriceSnapshot } from '../../src/pricing/refresh.js';
import { PriceSnapshotSchema } from '../../src/pricing/schema.js';
import { loadPriceBook, writeSnapshot } from '../../src/pricing/snapshot-store.js';
import { estimate } from '../../src/cost/estimate-service.js';
import { GOLDEN_DIR, FIXED_NOW } from '../cost/helpers/golden.js';
import { startPriceListServer, type PriceListServer } from './helpers/price-list-server.js';
import { tempDir } from '../support/temp-dir.js';

// The standard credential chain reads these from the environment; the replay server ignores the signature.
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDTESTTESTTEST';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test-secret';

const committed = PriceSnapshotSchema.parse(JSON.parse(readFileSync(new URL('../../pricing-cache/aws-us-east-1.json', import.meta.url), 'utf8')));

describe('pricing refresh against recorded Price List responses', () => {
  let server: PriceListServer;
  beforeAll(async () => {
    server = await startPriceListServer({ pageCap: 7 });
  });
  afterAll(async () => server.close());

  const client = () => new PricingClient({ region: 'us-east-1', endpoint: server.url });

  it('queries GetProducts with TERM_MATCH filters, follows every page, and keeps exactly the products the engine prices', async () => {
    const progress: string[] = [];
    const { snapshot, emptyQueries } = await refreshPriceSnapshot({ region: 'us-east-1', client: client(), now: new Date('2026-11-20T10:00:00Z'), onProgress: (l) => progress.push(l) });
    const ec2Calls = server.requests.filter((r) => r.body.ServiceCode === 'AmazonEC2');
    expect(ec2Calls.length).toBeGreaterThan(4); // 197 instance entries (195 + 2 decoys) at 7 a page, then the EBS/NAT queries
    expect(ec2Calls[1]!.body.NextToken).toBeDefined();
    expect(ec2Calls[0]!.body.Filters).toEqual(expect.arrayContaining([{ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' }, { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' }]));
    expect(emptyQueries).toEqual([]);
    expect(progress).toContain('AWSLambda / Lambda: 10 products');
    // Decoys dropped: Windows, reserved-only, another region, a Network Load Balancer.
    expect(snapshot.products).toHaveLength(committed.products.length);
    const usageTypes = (s: typeof snapshot) => s.products.map((p) => `${p.serviceCode}|${p.attributes.usagetype}|${p.attributes.instanceType ?? ''}|${p.onDemand.priceDimensions.map((d) => `${d.beginRange}-${d.endRange}@${Number(d.pricePerUnit.USD)}`).join(',')}`).sort();
    expect(usageTypes(snapshot)).toEqual(usageTypes(committed));
    expect(snapshot.snapshot).toMatchObject({ region: 'us-east-1', source: 'price-list-api', pricesAsOf: '2026-11-20' });
    expect(snapshot.snapshot.note).toContain('archcompare pricing refresh --region us-east-1');
    expect(snapshot.products.find((p) => p.attributes.usagetype === 'USE1-ApiGatewayHttpRequest')!.sku).toBe('FC2TWT2UEPTBKVBX');
  });

  it('writes the snapshot atomically and the engine prices identically from it', async () => {
    const dir = tempDir('archcompare-pricing-');
    const { snapshot } = await refreshPriceSnapshot({ region: 'us-east-1', client: client(), now: new Date('2025-07-01T00:00:00Z') });
    const file = await writeSnapshot(dir, snapshot);
    expect(file).toBe(path.join(dir, 'aws-us-east-1.json'));
    const loaded = loadPriceBook('us-east-1', { dir, now: FIXED_NOW });
    expect(loaded.warnings).toEqual([]);
    const from = async (pricingDir?: string) =>
      (await estimate({ models: [], plan: path.join(GOLDEN_DIR, 'aws_lambda_function/main.tf.json'), usageFile: path.join(GOLDEN_DIR, 'aws_lambda_function/usage.yml'), curve: false, pricingDir, now: FIXED_NOW })).json.stacks[0]!.totalMonthlyCost;
    expect(await from(dir)).toBe(await from());
  });

  it('a failing API leaves the existing snapshot untouched and says what failed', async () => {
    const failing = await startPriceListServer({ failWith: 500 });
    const dir = tempDir('archcompare-pricing-');
    writeFileSync(path.join(dir, 'aws-us-east-1.json'), JSON.stringify(committed));
    try {
      await expect(refreshPriceSnapshot({ region: 'us-east-1', client: new PricingClient({ region: 'us-east-1', endpoint: failing.url, maxAttempts: 1 }) })).rejects.toThrow(/GetProducts AmazonEC2 failed/);
      expect(JSON.parse(readFileSync(path.join(dir, 'aws-us-east-1.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(committed)));
    } finally {
      await failing.close();
    }
  });
});

describe('archcompare pricing refresh (the command)', () => {
  it('rebuilds a snapshot through the standard credential chain and --endpoint-url, written to --out-dir', async () => {
    const { default: PricingRefresh } = await import('../../commands/pricing/refresh.js');
    const { runCli } = await import('../cost/helpers/run-cli.js');
    const server = await startPriceListServer({ pageCap: 50 });
    const dir = tempDir('archcompare-refresh-cli-');
    try {
      const r = await runCli(PricingRefresh, ['--region', 'us-east-1', '--endpoint-url', server.url, '--out-dir', dir]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`${dir}/aws-us-east-1\\.json: ${committed.products.length} products, prices as of \\d{4}-\\d{2}-\\d{2}`));
      expect(r.stderr).toContain('AmazonEC2 / EC2 on-demand Linux instances (shared tenancy): 195 products');
      expect(PriceSnapshotSchema.parse(JSON.parse(readFileSync(path.join(dir, 'aws-us-east-1.json'), 'utf8'))).snapshot.source).toBe('price-list-api');
    } finally {
      await server.close();
    }
  });

  it('rejects a region name before calling AWS', async () => {
    const { default: PricingRefresh } = await import('../../commands/pricing/refresh.js');
    const { runCli } = await import('../cost/helpers/run-cli.js');
    const r = await runCli(PricingRefresh, ['--region', 'moon-1']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr.trim()).toBe("Error: --region: 'moon-1' is not an AWS region name. Fix: use a region such as us-east-1, eu-west-1 or ap-southeast-1");
  });
});
