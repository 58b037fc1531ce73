import { describe, expect, it } from 'vitest';
import { prepareStack, priceStack } from '../../src/cost/engine.js';
import { readTerraformDocument } from '../../src/cost/terraform.js';
import { parseUsageFile, usageFor } from '../../src/cost/usage.js';
import { loadPriceBook } from '../../src/pricing/snapshot-store.js';
import { FIXED_NOW } from './helpers/golden.js';

/** A trimmed `terraform show -json` plan: resources in the root and in a child module, a data source, the provider region. */
const plan = {
  format_version: '1.2',
  terraform_version: '1.9.5',
  planned_values: {
    root_module: {
      resources: [
        { address: 'aws_sqs_queue.jobs', mode: 'managed', type: 'aws_sqs_queue', name: 'jobs', values: { fifo_queue: false } },
        { address: 'data.aws_caller_identity.me', mode: 'data', type: 'aws_caller_identity', name: 'me', values: {} },
      ],
      child_modules: [
        {
          address: 'module.api',
          resources: [
            { address: 'module.api.aws_lambda_function.handler[0]', mode: 'managed', type: 'aws_lambda_function', name: 'handler', index: 0, values: { memory_size: 256, architectures: ['arm64'], ephemeral_storage: [{ size: 512 }] } },
            { address: 'module.api.aws_db_instance.db', mode: 'managed', type: 'aws_db_instance', name: 'db', values: { engine: 'postgres', instance_class: '${var.db_class}' } },
          ],
        },
      ],
    },
  },
  configuration: { provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: 'eu-west-1' } } } } },
};

describe('reading Terraform', () => {
  it('reads a plan: child modules, no data sources, the provider region', () => {
    const doc = readTerraformDocument(plan, 'plan.json');
    expect(doc.format).toBe('plan-json');
    expect(doc.region).toBe('eu-west-1');
    expect(doc.resources.map((r) => r.address)).toEqual(['aws_sqs_queue.jobs', 'module.api.aws_lambda_function.handler[0]', 'module.api.aws_db_instance.db']);
  });

  it('treats unresolved references as unknown, never as numbers, and says why a resource cannot be priced', () => {
    const prepared = prepareStack(readTerraformDocument(plan, 'plan.json'));
    expect(prepared.unsupported).toEqual([{ address: 'module.api.aws_db_instance.db', type: 'aws_db_instance', reason: 'instance_class is unknown' }]);
    const asg = prepareStack(readTerraformDocument({ resource: { aws_autoscaling_group: { app: { min_size: '${var.min}', launch_template: { id: '${aws_launch_template.missing.id}' } } } } }, 'x'));
    expect(asg.unsupported[0]!.reason).toMatch(/instance type is unknown/);
  });

  it('prices module addresses with usage keyed by the same address (plan blocks as lists)', () => {
    const { usage } = parseUsageFile(`version: 0.1\nresource_usage:\n  module.api.aws_lambda_function.handler[0]:\n    monthly_requests: 2000000\n    request_duration_ms: 100\n  aws_sqs_queue.jobs:\n    monthly_requests: 3000000\n`, 'u.yml');
    const { book } = loadPriceBook('eu-west-1', { now: FIXED_NOW });
    const e = priceStack(prepareStack(readTerraformDocument(plan, 'plan.json')), usage, book, { freeTier: false });
    const fn = e.resources.find((r) => r.address === 'module.api.aws_lambda_function.handler[0]')!;
    // 2M x $0.20/M + 2M x 0.1 s x 0.25 GB = 50,000 GB-s x $0.0000133334 (arm64)
    expect(fn.monthlyCost.toFixed()).toBe('1.06667');
    expect(fn.components[0]!.price.usageType).toBe('EU-Request-ARM');
  });

  it('rejects what is neither a plan nor Terraform JSON', () => {
    expect(() => readTerraformDocument({ hello: 1 }, 'x.json')).toThrow(/x\.json: neither a plan .* nor Terraform JSON configuration/);
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
