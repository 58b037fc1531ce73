import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTerraformDocument, readTerraformFile } from '../../src/architecture/terraform-document.js';
import { prepareStack, priceStack } from '../../src/cost/engine.js';
import { parseUsageFile, usageFor } from '../../src/cost/usage.js';
import { loadPriceBook } from '../../src/pricing/snapshot-store.js';
import { FIXED_NOW } from './helpers/golden.js';

/** The plan the reader's tests use (test/architecture/terraform-document.test.ts). */
const PLAN_FILE = fileURLToPath(new URL('../architecture/fixtures/plan.json', import.meta.url));

describe('pricing what the Terraform reader gives', () => {
  it('treats unresolved references as unknown, never as numbers, and says why a resource cannot be priced', () => {
    const prepared = prepareStack(readTerraformFile(PLAN_FILE));
    expect(prepared.unsupported).toEqual([{ address: 'module.api.aws_db_instance.db', type: 'aws_db_instance', reason: 'instance_class is unknown' }]);
    const asg = prepareStack(readTerraformDocument({ resource: { aws_autoscaling_group: { app: { min_size: '${var.min}', launch_template: { id: '${aws_launch_template.missing.id}' } } } } }, 'x'));
    expect(asg.unsupported[0]!.reason).toMatch(/instance type is unknown/);
  });

  it('prices module addresses with usage keyed by the same address (plan blocks as lists)', () => {
    const { usage } = parseUsageFile(`version: 0.1\nresource_usage:\n  module.api.aws_lambda_function.handler[0]:\n    monthly_requests: 2000000\n    request_duration_ms: 100\n  aws_sqs_queue.jobs:\n    monthly_requests: 3000000\n`, 'u.yml');
    const { book } = loadPriceBook('eu-west-1', { now: FIXED_NOW });
    const e = priceStack(prepareStack(readTerraformFile(PLAN_FILE)), usage, book, { freeTier: false });
    const fn = e.resources.find((r) => r.address === 'module.api.aws_lambda_function.handler[0]')!;
    // 2M x $0.20/M + 2M x 0.1 s x 0.25 GB = 50,000 GB-s x $0.0000133334 (arm64)
    expect(fn.monthlyCost.toFixed()).toBe('1.06667');
    expect(fn.components[0]!.price.usageType).toBe('EU-Request-ARM');
  });
});

describe('usage files', () => {
  it('merges resource_type_default_usage under per-address usage and warns on keys it does not price', () => {
    const { usage, warnings } = parseUsageFile(
      `version: 0.1\nrequests_per_month: 5000000\nresource_type_default_usage:\n  aws_lambda_function:\n    request_duration_ms: 80\n    monthly_requests: 10\nresource_usage:\n  aws_lambda_function.users:\n    monthly_requests: 1000000\n    calls_per_user: 3\n`,
      'u.yml',
    );
    expect(usage.requestsPerMonth).toBe(5_000_000);
    expect(usageFor(usage, 'aws_lambda_function.users', 'aws_lambda_function')).toEqual({ request_duration_ms: 80, monthly_requests: 1_000_000 });
    expect(usageFor(usage, 'aws_lambda_function.other', 'aws_lambda_function')).toEqual({ request_duration_ms: 80, monthly_requests: 10 });
    expect(warnings).toEqual([expect.stringMatching(/u\.yml: resource_usage\.aws_lambda_function\.users\.calls_per_user: not a usage key archcompare prices for aws_lambda_function; ignored/)]);
  });

  it('rejects unknown top-level keys and values of the wrong kind, naming the field', () => {
    expect(() => parseUsageFile('version: 0.1\nresources: {}\n', 'u.yml')).toThrow(/u\.yml: \(root\): Unrecognized key/i);
    expect(() => parseUsageFile('version: 0.1\nresource_usage:\n  aws_autoscaling_group.app:\n    operating_system: beos\n', 'u.yml')).toThrow(/operating_system: must be one of linux, windows, rhel, suse/);
    expect(() => parseUsageFile('version: 0.1\nresource_usage:\n  not an address:\n    x: 1\n', 'u.yml')).toThrow(/not a resource address/);
  });
});
