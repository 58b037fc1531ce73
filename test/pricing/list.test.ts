import { describe, expect, it } from 'vitest';
import PricingList from '../../commands/pricing/list.js';
import { runCli } from '../cost/helpers/run-cli.js';

describe('archcompare pricing list', () => {
  it('--service rds lists every class with its Single- and Multi-AZ price, as the snapshot holds them', async () => {
    const r = await runCli(PricingList, ['--service', 'rds']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Prices: pricing-cache\/aws-us-east-1\.json \(authored, as of \d{4}-\d{2}-\d{2}\) · region us-east-1 · \d+ products/);
    expect(r.stdout).toMatch(/AmazonRDS\s+Database Instance\s+db\.t3\.large Single-AZ\s+Hrs\s+\$0\.145\n/);
    expect(r.stdout).toMatch(/db\.r6g\.2xlarge Multi-AZ\s+Hrs\s+\$1\.798\n/);
    expect(r.stdout).not.toContain('AmazonEC2');
  });

  it('--region and --format json: tiers in order, usage types without the region prefix', async () => {
    const r = await runCli(PricingList, ['--service', 'lambda', '--region', 'ap-southeast-1', '--format', 'json']);
    expect(r.exitCode).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.region).toBe('ap-southeast-1');
    const arm = json.products.find((p: { product: string }) => p.product === 'Lambda-GB-Second-ARM');
    expect(arm).toMatchObject({ usageType: 'APS1-Lambda-GB-Second-ARM', price: 'first 7,500,000,000 $0.0000133334; to 18,750,000,000 $0.0000120001; over 18,750,000,000 $0.0000106667' });
  });

  it('an unknown service is one line naming the choices', async () => {
    const r = await runCli(PricingList, ['--service', 'ecs']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^Error: --service: 'ecs' is not a service the snapshot prices\. Fix: use one of ec2, rds, lambda/);
  });
});
