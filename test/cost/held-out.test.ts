import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/cost/estimate-service.js';
import { FIXED_NOW } from './helpers/golden.js';

/**
 * The held-out check: a `terraform show -json` plan of plain HCL, written by hand (fixtures/held-out/:
 * main.tf and the plan.json it plans to), priced with an Infracost-format usage file, against arithmetic
 * worked by hand below from AWS's us-east-1 list prices. Nothing here comes from archcompare's own stacks,
 * synthesis or authoring tables.
 */
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/held-out');

const HAND_WORKED: Record<string, [string, string]> = {
  // 730 h x $0.0416 (t3.medium) = 30.368; 30 GB gp3 x $0.08 = 2.40; 40 credit hours x 2 vCPUs = 80 vCPU-h x $0.05 = 4.00
  'aws_instance.web': ['36.768', '36.77'],
  // 730 h x $0.145 (db.t3.large Single-AZ) = 105.85; 100 GB gp3 x $0.115 = 11.50; 50 GB backup x $0.095 = 4.75
  'aws_db_instance.main': ['122.1', '122.10'],
  // 10M x $0.20/M = 2.00; 10M x 0.2 s x 1 GB = 2,000,000 GB-s x $0.0000133334 (Arm, first tier) = 26.6668
  'aws_lambda_function.api': ['28.6668', '28.67'],
  // 10M x $1.00/M (HTTP API, first 300M)
  'aws_apigatewayv2_api.http': ['10', '10.00'],
  // 2.5M publishes: 1M free, 1.5M x $0.50/M = 0.75; 2.5M emails: 1,000 free, 2,499,000 x $2.00/100K = 49.98
  'aws_sns_topic.alerts': ['50.73', '50.73'],
  // 4M WRU x $0.625/M = 2.50; 20M RRU x $0.125/M = 2.50; 10 GB x $0.25 = 2.50
  'aws_dynamodb_table.orders': ['7.5', '7.50'],
  // 730 h x $0.005 (public IPv4)
  'aws_eip.nat': ['3.65', '3.65'],
  // 730 h x $0.045 = 32.85; 100 GB x $0.045 = 4.50
  'aws_nat_gateway.main': ['37.35', '37.35'],
  // 200 GB x $0.023 = 4.60; 100K tier-1 x $0.005/1K = 0.50; 1M tier-2 x $0.0004/1K = 0.40
  'aws_s3_bucket.assets': ['5.5', '5.50'],
};

describe('held-out: a hand-written plan of plain HCL with an Infracost usage file', () => {
  it('prices every resource to the cent of the hand-worked arithmetic', async () => {
    const o = await estimate({ models: [], plan: path.join(dir, 'plan.json'), usageFile: path.join(dir, 'infracost-usage.yml'), curve: false, now: FIXED_NOW });
    const stack = o.json.stacks[0]!;
    expect(o.json.region).toBe('us-east-1');
    expect(stack.unpricedResources).toEqual([]);
    expect(stack.unsupportedResources).toEqual([]);
    const byAddress = Object.fromEntries(stack.resources.map((r) => [r.address, r.monthlyCost]));
    for (const [address, [exact, cents]] of Object.entries(HAND_WORKED)) {
      expect(byAddress[address], address).toBe(exact);
      expect(Number(byAddress[address]).toFixed(2), address).toBe(cents);
    }
    expect(Object.keys(byAddress).sort()).toEqual(Object.keys(HAND_WORKED).sort());
    // 36.768 + 122.10 + 28.6668 + 10 + 50.73 + 7.50 + 3.65 + 37.35 + 5.50
    expect(stack.totalMonthlyCost).toBe('302.2648');
    expect(stack.totalMonthlyCostRounded).toBe('302.26');
    expect(o.warnings).toEqual([expect.stringMatching(/aws_instance\.web\.reserved_instance_type: .*on-demand only\); ignored/)]);
  });
});
