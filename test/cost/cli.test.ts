import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Estimate from '../../commands/estimate.js';
import { GOLDEN_DIR } from './helpers/golden.js';
import { runCli } from './helpers/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');
const both = ['--terraform-json', `traditional=${fixtures}/traditional.cdk.tf.json`, '--terraform-json', `serverless=${fixtures}/serverless.cdk.tf.json`];
const tmp = () => tempDir('archcompare-cli-');
const write = (name: string, text: string) => {
  const file = path.join(tmp(), name);
  writeFileSync(file, text);
  return file;
};

/** Exactly one line on stderr, "Error: … Fix: …", a non-zero exit and no stack trace. */
function expectOneLineError(result: { stderr: string; exitCode: number }, pattern: RegExp): void {
  const lines = result.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('Warning:'));
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^Error: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('archcompare estimate', () => {
  it('both models: breakdowns, totals, cost per million, the curve and the break-even traffic (table)', async () => {
    const r = await runCli(Estimate, [...both, '--max-price-age-days', '100000']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('TOTAL (traditional)');
    expect(r.stdout).toContain('TOTAL (serverless)');
    expect(r.stdout).toContain('aws_lambda_function.catalog');
    expect(r.stdout).toMatch(/Cost per 1M requests: \$\d+\.\d{4} at 10,000,000 requests\/month/);
    expect(r.stdout).toMatch(/Break-even: [\d,]+ requests\/month/);
    expect(r.stdout).toContain('Cost vs traffic (200 points');
    expect(r.stderr).toBe('');
  });

  it('one model as JSON: every line carries its Price List entry; the curve has 200 points and there is no break-even', async () => {
    const r = await runCli(Estimate, ['--model', 'serverless', '--terraform-json', `serverless=${fixtures}/serverless.cdk.tf.json`, '--format', 'json', '--requests-per-month', '50000000', '--max-price-age-days', '100000']);
    expect(r.exitCode).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.stacks.map((s: { name: string }) => s.name)).toEqual(['serverless']);
    expect(json.requestsPerMonth).toBe(50_000_000);
    expect(json.costCurve.requestsPerMonth).toHaveLength(200);
    expect(json.breakEven).toBeNull();
    const api = json.stacks[0].resources.find((x: { address: string }) => x.address === 'aws_apigatewayv2_api.http');
    expect(api.components[0]).toMatchObject({ monthlyQuantity: '50', unitPrice: '1', monthlyCost: '50', price: { serviceCode: 'AmazonApiGateway', usageType: 'USE1-ApiGatewayHttpRequest', operation: 'ApiGatewayHttpApi', sku: 'FC2TWT2UEPTBKVBX', beginRange: '0', endRange: '300000000', pricesAsOf: '2025-06-01' } });
    expect(Number(json.stacks[0].costPerMillionRequests)).toBeCloseTo(Number(json.stacks[0].totalMonthlyCost) / 50, 6);
  });

  it('--plan lists the resources it cannot price', async () => {
    const r = await runCli(Estimate, ['--plan', path.join(GOLDEN_DIR, 'aws_platform/main.tf.json'), '--format', 'json', '--max-price-age-days', '100000']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).stacks[0].unsupportedResources).toEqual([{ address: 'aws_elasticache_cluster.cache', type: 'aws_elasticache_cluster', reason: 'resource type not priced by archcompare' }]);
  });

  it('a partial estimate prints with "excluding N unpriced resources"; --fail-on-unpriced then exits 3', async () => {
    const plan = path.join(GOLDEN_DIR, 'mixed_partial_plan/main.tf.json');
    const ok = await runCli(Estimate, ['--plan', plan, '--usage', path.join(GOLDEN_DIR, 'mixed_partial_plan/usage.yml'), '--max-price-age-days', '100000']);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/TOTAL \(plan\), excluding 3 unpriced resources\s+\$[\d.,]+\n/);
    expect(ok.stdout).toContain('unpriced: aws_db_instance.warehouse: no price for RDS PostgreSQL db.x2g.large Single-AZ');
    const failed = await runCli(Estimate, ['--plan', plan, '--max-price-age-days', '100000', '--fail-on-unpriced']);
    expect(failed.stdout).toContain('TOTAL (plan), excluding 3 unpriced resources');
    expectOneLineError(failed, /3 resources are unpriced \(aws_elasticache_cluster\.cache, aws_db_instance\.warehouse, aws_instance\.exotic\)/);
    expect(failed.exitCode).toBe(3);
    const priced = await runCli(Estimate, ['--plan', path.join(GOLDEN_DIR, 'aws_lambda_function/main.tf.json'), '--max-price-age-days', '100000', '--fail-on-unpriced']);
    expect(priced.exitCode).toBe(0);
  });

  it('warns, on stderr, when the snapshot is older than the limit', async () => {
    const r = await runCli(Estimate, ['--plan', path.join(GOLDEN_DIR, 'aws_platform/main.tf.json'), '--format', 'json', '--max-price-age-days', '30']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/^Warning: pricing snapshot for us-east-1 is \d+ days old \(prices as of 2025-06-01, limit 30 days\)\. Fix: run `archcompare pricing refresh --region us-east-1`/);
  });
});

describe('bad input: one clear error each', () => {
  const plan = ['--plan', path.join(GOLDEN_DIR, 'aws_lambda_function/main.tf.json')];

  it('unknown region (no snapshot) and a name that is not a region', async () => {
    expectOneLineError(await runCli(Estimate, [...plan, '--region', 'us-west-2']), /no pricing snapshot for region us-west-2 .*\(snapshots: ap-southeast-1, eu-west-1, us-east-1\)\. Fix: run `archcompare pricing refresh --region us-west-2`/);
    expectOneLineError(await runCli(Estimate, [...plan, '--region', 'mars-north-1']), /--region: 'mars-north-1' is not an AWS region name\. Fix:/);
  });

  it('missing price: listed as unpriced, and an error only with --fail-on-unpriced', async () => {
    const file = write('plan.tf.json', JSON.stringify({ provider: { aws: [{ region: 'eu-west-1' }] }, resource: { aws_instance: { big: { instance_type: 'x9.huge' } } } }));
    const partial = await runCli(Estimate, ['--plan', file, '--max-price-age-days', '100000']);
    expect(partial.exitCode).toBe(0);
    expect(partial.stdout).toMatch(/unpriced: aws_instance\.big: no price for EC2 x9\.huge on-demand \(Linux, shared tenancy\) in the eu-west-1 pricing snapshot .*looked for AmazonEC2/);
    expectOneLineError(await runCli(Estimate, ['--plan', file, '--max-price-age-days', '100000', '--fail-on-unpriced']), /1 resource is unpriced \(aws_instance\.big\).*Fix: refresh the prices with `archcompare pricing refresh/);
  });

  it('malformed usage files', async () => {
    expectOneLineError(await runCli(Estimate, [...plan, '--usage', write('u.yml', 'version: 0.1\nresource_usage:\n  aws_lambda_function.x86: [unclosed\n')]), /u\.yml: not valid YAML/);
    expectOneLineError(await runCli(Estimate, [...plan, '--usage', write('u.yml', 'version: 2\nresource_usage: {}\n')]), /u\.yml: version: must be 0\.1/);
    expectOneLineError(await runCli(Estimate, [...plan, '--usage', write('u.yml', 'version: 0.1\nresource_usage:\n  aws_lambda_function.x86:\n    monthly_requests: lots\n')]), /resource_usage\.aws_lambda_function\.x86\.monthly_requests: must be a number, got "lots"/);
    expectOneLineError(await runCli(Estimate, [...plan, '--usage', '/nonexistent/usage.yml']), /usage file \/nonexistent\/usage\.yml: no such file/);
  });

  it('negative usage', async () => {
    const r = await runCli(Estimate, [...plan, '--usage', write('u.yml', 'version: 0.1\nresource_usage:\n  aws_lambda_function.x86:\n    monthly_requests: -5\n')]);
    expectOneLineError(r, /resource_usage\.aws_lambda_function\.x86\.monthly_requests: must be ≥ 0, got -5\. Fix:/);
  });

  it('bad flags: a negative traffic level', async () => {
    expectOneLineError(await runCli(Estimate, [...plan, '--requests-per-month', '-3']), /--requests-per-month: '-3' is not a number ≥ 0/);
  });
});
