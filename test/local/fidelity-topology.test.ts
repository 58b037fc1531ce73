import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTerraformDocument } from '../../src/architecture/terraform-document.js';
import { StackConfigSchema, type ResolvedStackConfig } from '../../src/config/stack-config.js';
import { UserError } from '../../src/errors.js';
import { dbClassMemoryGiB, dbMaxConnections, instanceVcpus } from '../../src/local/capacity.js';
import { coldStartProvisioningMs, DEFAULT_FIDELITY, FIDELITY_DOCS, loadFidelity, realMs, resolveFidelity } from '../../src/local/fidelity.js';
import { serverlessTopology, traditionalTopology } from '../../src/local/topology.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const config = { ...StackConfigSchema.parse({}), runId: 'local-test' } as ResolvedStackConfig;

/** A synthesized stack fixture, edited before it is read (the JSON, not the config, is the source of truth). */
function stackFixture(file: string, edit: (resource: Record<string, Record<string, Record<string, unknown>>>) => void) {
  const json = JSON.parse(readFileSync(path.join(here, 'fixtures', file), 'utf8')) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  edit(json.resource);
  return readTerraformDocument(json, file);
}

describe('fidelity parameters', () => {
  it('documents every parameter with a unit and a public source', () => {
    for (const [name, doc] of Object.entries(FIDELITY_DOCS)) {
      expect(doc.source, name).toMatch(/https:\/\/|local machine limit|local process handling|this tool's model/);
      expect(doc.description.length, name).toBeGreaterThan(20);
    }
    expect(Object.keys(FIDELITY_DOCS).sort()).toEqual(Object.keys(DEFAULT_FIDELITY).sort());
  });

  it('merges a user file over the defaults and scales delays', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ac-fid-'));
    const file = path.join(dir, 'f.yml');
    await writeFile(file, 'ec2LaunchDelaySeconds: 30\ncoldStartProvisioningMs:\n  - { maxMemoryMb: 10240, ms: 99 }\n');
    const f = await loadFidelity(file);
    expect(f.ec2LaunchDelaySeconds).toBe(30);
    expect(f.scaleOutEvaluationPeriods).toBe(DEFAULT_FIDELITY.scaleOutEvaluationPeriods);
    expect(coldStartProvisioningMs(f, 512)).toBe(99);
    expect(realMs(f.ec2LaunchDelaySeconds, 10)).toBe(3000);
    expect(coldStartProvisioningMs(DEFAULT_FIDELITY, 128)).toBeGreaterThan(coldStartProvisioningMs(DEFAULT_FIDELITY, 4096));
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects an unknown or out-of-range parameter with one line naming it', async () => {
    expect(() => resolveFidelity({ ec2LaunchDelay: 3 })).toThrow(UserError);
    expect(() => resolveFidelity({ ec2LaunchDelay: 3 })).toThrow(/ec2LaunchDelay/);
    expect(() => resolveFidelity({ scaleInThresholdRatio: 2 })).toThrow(/scaleInThresholdRatio/);
    await expect(loadFidelity('/nonexistent/fidelity.yml')).rejects.toThrow(/cannot be read/);
  });
});

describe('capacity model', () => {
  it('knows vCPUs and DB memory of common sizes', () => {
    expect(instanceVcpus('t3.small')).toBe(2);
    expect(instanceVcpus('t2.micro')).toBe(1);
    expect(instanceVcpus('m7g.2xlarge')).toBe(8);
    expect(instanceVcpus('c5.weird')).toBeUndefined();
    expect(dbClassMemoryGiB('db.t4g.micro')).toBe(1);
    expect(dbClassMemoryGiB('db.r6g.large')).toBe(16);
    expect(dbMaxConnections('db.t4g.micro', 9531392, 400)).toBe(112);
    expect(dbMaxConnections('db.r6g.4xlarge', 9531392, 400)).toBe(400);
  });
});

describe('topology from the synthesized stack', () => {
  it('reads the traditional sizes, bounds and health checks', () => {
    const tf = stackFixture('traditional.tf.json', (resource) => {
      resource.aws_autoscaling_group!.app!.max_size = 9;
    });
    const t = traditionalTopology(tf, config, DEFAULT_FIDELITY);
    expect(t).toMatchObject({
      instanceType: 't3.small',
      vcpus: 2,
      minSize: 2,
      maxSize: 9,
      desiredCapacity: 2,
      targetCpuPercent: 50,
      instanceWarmupSeconds: 120,
      deregistrationDelaySeconds: 30,
      healthCheck: { path: '/health', intervalSeconds: 15, healthyThreshold: 2, unhealthyThreshold: 3, timeoutSeconds: 5 },
      db: { instanceClass: 'db.t4g.micro', database: 'shop', username: 'shop_admin', maxConnections: 112 },
    });
  });

  it('reads the serverless functions, routes, throttles and tables, resolving references by address', () => {
    const tf = stackFixture('serverless.tf.json', (resource) => {
      resource.aws_lambda_function!.catalog!.reserved_concurrent_executions = 7;
      resource.aws_lambda_provisioned_concurrency_config = { users_provisioned: { provisioned_concurrent_executions: 3 } };
    });
    const s = serverlessTopology(tf, config);
    expect(s.throttle).toEqual({ rateLimit: 1000, burstLimit: 2000 });
    // The fixture predates the shipment sweeper: a function of the system description the stack lacks is added with the config's sizes.
    expect(s.functions.map((f) => f.id).sort()).toEqual(['cart', 'catalog', 'orders', 'orders-consumer', 'payments', 'shipment-sweeper', 'users']);
    expect(s.schedules).toEqual([]); // and, with no rule in the stack, runs on no schedule
    const catalog = s.functions.find((f) => f.id === 'catalog')!;
    expect(catalog).toMatchObject({ memoryMb: 512, timeoutSeconds: 10, reservedConcurrency: 7 });
    expect(s.functions.find((f) => f.id === 'users')).toMatchObject({ reservedConcurrency: undefined, provisionedConcurrency: 3 });
    expect(s.queues).toMatchObject({ maxReceiveCount: 5, consumerBatchSize: 10, visibilityTimeoutSeconds: 60 });
    expect(catalog.environment.TABLE_PRODUCTS).toEqual({ ref: 'aws_dynamodb_table.products.name' });
    expect(s.routes.find((r) => r.routeKey === 'GET /products/{id}')).toMatchObject({ fn: 'catalog', integrationTimeoutMs: 11000 });
    expect(s.routes.find((r) => r.routeKey === 'ANY /users/{proxy+}')?.fn).toBe('users');
    expect(s.tables.find((t) => t.logicalId === 'orders')).toMatchObject({ hashKey: 'pk', rangeKey: 'sk', globalSecondaryIndexes: [{ name: 'gsi1' }], ttlAttribute: 'ttl' });
  });

  it('falls back to the stack config where the JSON holds a token, not a literal', () => {
    const tf = stackFixture('traditional.tf.json', (resource) => {
      resource.aws_autoscaling_group!.app!.max_size = '${var.max_size}';
      resource.aws_launch_template!.app!.instance_type = '${var.instance_type}';
    });
    expect(traditionalTopology(tf, config, DEFAULT_FIDELITY)).toMatchObject({ maxSize: config.traditional.maxInstances, instanceType: config.traditional.instanceType });
  });
});
