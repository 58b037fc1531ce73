import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/pricing/money.js';
import { estimateGolden, line } from './helpers/golden.js';

/**
 * The us-east-1 EC2 family golden folders against prices published independently of our authoring
 * table: Karpenter's generated on-demand table, built from the AWS Price List
 * (aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go, "generated at
 * 2026-01-19T13:23:24Z for us-east-1"), transcribed here. 730 hours a month, as the golden harness bills.
 */
const PUBLISHED_US_EAST_1: ReadonlyArray<readonly [folder: string, instanceType: string, usdPerHour: string]> = [
  ['ec2_c5a', 'c5a.2xlarge', '0.308'],
  ['ec2_c6g', 'c6g.12xlarge', '1.632'],
  ['ec2_c7g', 'c7g.xlarge', '0.145'],
  ['ec2_m5', 'm5.large', '0.096'],
  ['ec2_m6a', 'm6a.4xlarge', '0.6912'],
  ['ec2_m7a', 'm7a.16xlarge', '3.70944'],
  ['ec2_r6i', 'r6i.8xlarge', '2.016'],
  ['ec2_r7i', 'r7i.large', '0.1323'],
  ['ec2_t3', 't3.medium', '0.0416'],
];

describe('us-east-1 EC2 family goldens match the published Price List figures', () => {
  for (const [folder, instanceType, usd] of PUBLISHED_US_EAST_1) {
    it(`${folder}: ${instanceType} at $${usd}/h x 730 h`, async () => {
      const o = await estimateGolden(folder);
      const instance = line(o, 'aws_instance.app', `Instance usage (Linux/UNIX, on-demand, ${instanceType})`);
      expect(new Decimal(instance.unitPrice).toFixed()).toBe(new Decimal(usd).toFixed());
      expect(new Decimal(instance.monthlyCost).toFixed()).toBe(new Decimal(usd).mul(730).toFixed());
    });
  }
});
