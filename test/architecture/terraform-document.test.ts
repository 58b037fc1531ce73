import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { block, blocks, literalString, num, readTerraformDocument, readTerraformFile, referencedAddress, resourcesOfType, resourceValues, str, wholeReference } from '../../src/architecture/terraform-document.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../support/temp-dir.js';

/** A trimmed `terraform show -json` plan: resources in the root and in a child module, a data source, the provider region. */
const PLAN_FILE = fileURLToPath(new URL('fixtures/plan.json', import.meta.url));
/** A synthesized cdk.tf.json of the serverless stack. */
const SYNTHESIZED_FILE = fileURLToPath(new URL('../local/fixtures/serverless.tf.json', import.meta.url));

describe('reading Terraform documents', () => {
  it('reads a plan: child modules, no data sources, the provider region', () => {
    const doc = readTerraformFile(PLAN_FILE);
    expect(doc.format).toBe('plan-json');
    expect(doc.region).toBe('eu-west-1');
    expect(doc.resources.map((r) => r.address)).toEqual(['aws_sqs_queue.jobs', 'module.api.aws_lambda_function.handler[0]', 'module.api.aws_db_instance.db']);
  });

  it('reads a synthesized cdk.tf.json: resources by type and name, the provider region', () => {
    const doc = readTerraformFile(SYNTHESIZED_FILE);
    expect(doc.format).toBe('terraform-json');
    expect(doc.region).toBe('us-east-1');
    expect(resourcesOfType(doc, 'aws_lambda_function').map((r) => r.address).sort()).toEqual(
      ['cart', 'catalog', 'orders', 'orders_consumer', 'payments', 'users'].map((n) => `aws_lambda_function.${n}`),
    );
    expect(num(resourceValues(doc, 'aws_lambda_function', 'catalog'), 'memory_size')).toBe(512);
    expect(resourceValues(doc, 'aws_lambda_function', 'nope')).toBeUndefined();
  });

  it('rejects what is neither a plan nor Terraform JSON', () => {
    expect(() => readTerraformDocument({ hello: 1 }, 'x.json')).toThrow(/x\.json: neither a plan .* nor Terraform JSON configuration/);
  });

  it('refuses a missing or malformed file with one line naming it and a fix', () => {
    expect(() => readTerraformFile('/nonexistent/cdk.tf.json')).toThrow(UserError);
    expect(() => readTerraformFile('/nonexistent/cdk.tf.json')).toThrow(expect.objectContaining({ message: expect.stringMatching(/^Terraform document \/nonexistent\/cdk\.tf\.json cannot be read \(ENOENT\)$/), fix: expect.stringMatching(/archcompare synth/) }));
    const bad = path.join(tempDir('ac-tf-'), 'cdk.tf.json');
    writeFileSync(bad, '{"resource": ');
    expect(() => readTerraformFile(bad)).toThrow(new RegExp(`^Terraform document ${bad} is not valid JSON \\(`));
  });
});

describe('attribute readers', () => {
  const values = { n: 3, s: '7', ref: '${aws_x.y.id}', flag: true, blockAsList: [{ a: 1 }], blockAsObject: { a: 2 }, env: { A: 'x', B: 5, C: '${aws_dynamodb_table.products.name}' } };

  it('never turns an unresolved reference into a number or a string', () => {
    expect([num(values, 'n'), num(values, 's'), num(values, 'ref'), num(values, 'missing'), num(undefined, 'n')]).toEqual([3, 7, undefined, undefined, undefined]);
    expect([str(values, 's'), str(values, 'ref'), str(values, 'n')]).toEqual(['7', undefined, undefined]);
    expect([literalString(values, 'n'), literalString(values, 'flag'), literalString(values, 'ref')]).toEqual(['3', 'true', undefined]);
  });

  it('reads single blocks written as an object or a one-element list', () => {
    expect(block(values, 'blockAsList')).toEqual({ a: 1 });
    expect(block(values, 'blockAsObject')).toEqual({ a: 2 });
    expect(blocks(values, 'blockAsObject')).toEqual([{ a: 2 }]);
    expect(blocks(values, 'missing')).toEqual([]);
  });

  it('follows references: the resource a value points at, and a value that is exactly one reference', () => {
    expect(referencedAddress('integrations/${aws_apigatewayv2_integration.catalog.id}')).toBe('aws_apigatewayv2_integration.catalog');
    expect(referencedAddress('${module.api.aws_lambda_function.handler[0].arn}')).toBe('module.api.aws_lambda_function.handler');
    expect(referencedAddress('${data.aws_region.current.name}')).toBeUndefined();
    expect(wholeReference(values.env.C)).toBe('aws_dynamodb_table.products.name');
    expect(wholeReference('arn:${aws_x.y.arn}')).toBeUndefined();
    expect(wholeReference('plain')).toBeUndefined();
  });
});

describe('a plan whose values are known only after apply', () => {
  // `terraform show -json` of a plan: the launch template's id is unknown, so planned_values leave it
  // out; configuration keeps its references (https://developer.hashicorp.com/terraform/internals/json-format).
  const plan = {
    format_version: '1.2',
    planned_values: {
      root_module: {
        resources: [
          { address: 'aws_launch_template.app', mode: 'managed', type: 'aws_launch_template', name: 'app', values: { instance_type: 't3.small' } },
          { address: 'aws_autoscaling_group.app', mode: 'managed', type: 'aws_autoscaling_group', name: 'app', values: { min_size: 2, launch_template: [{ version: '$Latest' }] } },
        ],
      },
    },
    configuration: {
      root_module: {
        resources: [
          {
            address: 'aws_autoscaling_group.app',
            expressions: { min_size: { constant_value: 2 }, launch_template: [{ id: { references: ['aws_launch_template.app.id', 'aws_launch_template.app'] }, version: { constant_value: '$Latest' } }] },
          },
        ],
      },
    },
  };

  it('gets its references back from the configuration, known values untouched', () => {
    const doc = readTerraformDocument(plan, 'plan.json');
    const asg = doc.resources.find((r) => r.address === 'aws_autoscaling_group.app')!;
    expect(asg.values).toEqual({ min_size: 2, launch_template: [{ id: '${aws_launch_template.app.id}', version: '$Latest' }] });
    expect(referencedAddress(block(asg.values, 'launch_template')?.id)).toBe('aws_launch_template.app');
  });
});
