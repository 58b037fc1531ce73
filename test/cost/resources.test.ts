import { describe, expect, it } from 'vitest';
import { estimateGolden, line, resourceCost } from './helpers/golden.js';

/**
 * Hand-checked arithmetic for every priced resource, on the golden folders' inputs. Prices are
 * the committed snapshot's (pricing-cache/aws-<region>.json); each expectation shows its sum.
 */
const cost = (c: { monthlyCost: string }) => Number(c.monthlyCost).toFixed(6);

describe('aws_autoscaling_group (via its launch template)', () => {
  it('prices instance hours, root volumes, gp3 extras and detailed monitoring per instance', async () => {
    const o = await estimateGolden('aws_autoscaling_group');
    // desired_capacity 2: 2 x 730 h x $0.0208 (t3.small, us-east-1)
    expect(cost(line(o, 'aws_autoscaling_group.app', 'Instance usage (Linux/UNIX, on-demand, t3.small)'))).toBe((2 * 730 * 0.0208).toFixed(6));
    expect(cost(line(o, 'aws_autoscaling_group.app', 'Root volume: storage (gp3)'))).toBe((2 * 8 * 0.08).toFixed(6));
    // detailed monitoring: 7 metrics per instance at the custom-metric rate
    expect(cost(line(o, 'aws_autoscaling_group.app', 'Detailed monitoring (7 metrics/instance) (first 10K)'))).toBe((2 * 7 * 0.3).toFixed(6));
    // a measured average of 3.5 instances wins over desired_capacity: 3.5 x 730 = 2,555 h
    expect(line(o, 'aws_autoscaling_group.measured', 'Instance usage (Linux/UNIX, on-demand, t3.small)').monthlyQuantity).toBe('2555');
    // no desired_capacity: min_size 1; gp3 100 GB with 6,000 IOPS and 250 MiB/s bills 3,000 IOPS and 125 MiB/s above the baseline
    expect(resourceCost(o, 'aws_autoscaling_group.big_disk')).toBe(String(730 * 0.0336 + 100 * 0.08 + 3000 * 0.005 + 125 * 0.04));
  });
});

describe('aws_instance and aws_ebs_volume', () => {
  it('prices an instance with its root volume in eu-west-1', async () => {
    const o = await estimateGolden('aws_instance');
    expect(resourceCost(o, 'aws_instance.web')).toBe('16.732'); // 730 x 0.0184 + 30 x 0.11 = 13.432 + 3.30
  });
  it('prices gp3 storage, IOPS and throughput above the free baseline; gp2 by default', async () => {
    const o = await estimateGolden('aws_ebs_volume');
    expect(resourceCost(o, 'aws_ebs_volume.data')).toBe('48'); // 500 x 0.08 + 1,000 x 0.005 + 75 x 0.04
    expect(resourceCost(o, 'aws_ebs_volume.legacy')).toBe('5'); // 50 GB gp2 x 0.10
  });
});

describe('aws_lb', () => {
  it('bills LCU-hours on the largest of the four dimensions, plus public IPv4 per subnet', async () => {
    const o = await estimateGolden('aws_lb');
    // dimensions: 50/25 = 2, 9,000/3,000 = 3, 2.5/1 = 2.5, 500/1,000 = 0.5 → 3 LCU x 730 h x $0.008
    const lcu = line(o, 'aws_lb.main', 'Capacity units (LCU, by active connections)');
    expect(lcu.monthlyQuantity).toBe('2190');
    expect(cost(lcu)).toBe((3 * 730 * 0.008).toFixed(6));
    expect(cost(line(o, 'aws_lb.main', 'Application load balancer'))).toBe((730 * 0.0225).toFixed(6));
    expect(cost(line(o, 'aws_lb.main', 'Public IPv4 addresses (2, one per subnet)'))).toBe((2 * 730 * 0.005).toFixed(6));
    // internal ALB: no public addresses; processed bytes (0.4 LCU) beats new connections (0.2 LCU)
    expect(resourceCost(o, 'aws_lb.internal')).toBe(String(730 * 0.0225 + 0.4 * 730 * 0.008));
    expect(o.json.stacks[0]!.unsupportedResources.map((u) => u.address)).toContain('aws_lb.network');
  });
});

describe('aws_nat_gateway and aws_eip', () => {
  it('prices hours and GB processed in ap-southeast-1, and the EIP as an in-use public IPv4 address', async () => {
    const o = await estimateGolden('aws_nat_gateway');
    expect(resourceCost(o, 'aws_nat_gateway.nat_0')).toBe('57.82'); // 730 x 0.059 + 250 x 0.059
    expect(resourceCost(o, 'aws_eip.nat_0_ip')).toBe('3.65'); // 730 x 0.005
  });
});

describe('aws_db_instance', () => {
  it('prices class hours by Single/Multi-AZ, storage type and GB, backup beyond the free allocation and the managed secret', async () => {
    const o = await estimateGolden('aws_db_instance');
    expect(resourceCost(o, 'aws_db_instance.main')).toBe('17.23'); // 730 x 0.016 + 20 x 0.115 + 30 x 0.095 + 0.40
    expect(resourceCost(o, 'aws_db_instance.ha')).toBe('117.17'); // Multi-AZ: 730 x 0.129 + 100 x 0.23
    expect(line(o, 'aws_db_instance.ha', 'Database instance (on-demand, Multi-AZ, db.t4g.medium)').price.usageType).toBe('Multi-AZUsage:db.t4g.medium');
  });
});

describe('aws_lambda_function', () => {
  it('x86: requests and GB-seconds', async () => {
    const o = await estimateGolden('aws_lambda_function');
    // 3M x 0.120 s x 1.5 GB = 540,000 GB-s x $0.0000166667 = $9.000018; 3M x $0.20/M = $0.60
    expect(line(o, 'aws_lambda_function.x86', 'Duration (1536 MB, x86_64) (first 6B)').monthlyQuantity).toBe('540000');
    expect(resourceCost(o, 'aws_lambda_function.x86')).toBe('9.600018');
  });
  it("arm64: Arm's own 7.5B GB-second tier boundary splits the duration line", async () => {
    const o = await estimateGolden('aws_lambda_function');
    // 4B x 2 s x 1 GB = 8B GB-s: 7.5B x $0.0000133334 + 0.5B x $0.0000120001 (x86 would split at 6B)
    expect(cost(line(o, 'aws_lambda_function.arm', 'Duration (1024 MB, arm64) (first 7.5B)'))).toBe('100000.500000');
    expect(cost(line(o, 'aws_lambda_function.arm', 'Duration (1024 MB, arm64) (next 11.25B)'))).toBe('6000.050000');
    expect(line(o, 'aws_lambda_function.arm', 'Requests').price.usageType).toBe('Request-ARM');
  });
  it('ephemeral storage over 512 MB and billed INIT time of cold starts', async () => {
    const o = await estimateGolden('aws_lambda_function');
    // (1M x 1 s + 1,000 x 0.5 s) x 0.5 GB = 500,250 GB-s
    expect(line(o, 'aws_lambda_function.tmp', 'Duration (512 MB, x86_64) (first 6B)').monthlyQuantity).toBe('500250');
    // (2,560 − 512) / 1,024 = 2 GB x 1,000,500 s = 2,001,000 GB-s x $0.0000000309
    expect(line(o, 'aws_lambda_function.tmp', 'Ephemeral storage above 512 MB (2560 MB)').monthlyCost).toBe('0.0618309');
  });
  it('provisioned concurrency: allocation GB-seconds plus invocations at the provisioned duration price', async () => {
    const o = await estimateGolden('aws_lambda_function');
    // 5 x 2 GB x 2,628,000 s = 26,280,000 GB-s x $0.0000033334
    expect(line(o, 'aws_lambda_function.warm', 'Provisioned concurrency (5 environments)').monthlyCost).toBe('87.601752');
    // average concurrency 10M x 0.1 s / 2,628,000 s = 0.38 < 5: every invocation runs warm, 2,000,000 GB-s x $0.0000077778
    expect(line(o, 'aws_lambda_function.warm', 'Duration on provisioned concurrency').monthlyCost).toBe('15.5556');
    expect(line(o, 'aws_lambda_function.warm', 'Duration (2048 MB, arm64) (first 7.5B)').monthlyCost).toBe('0');
  });
});

describe('API Gateway', () => {
  it('HTTP API: $1.00/M for the first 300M, $0.90/M above; 512 KB increments', async () => {
    const o = await estimateGolden('aws_apigatewayv2_api');
    expect(resourceCost(o, 'aws_apigatewayv2_api.http')).toBe('930'); // 300 x 1.00 + 700 x 0.90
    expect(resourceCost(o, 'aws_apigatewayv2_api.big')).toBe('2'); // 1M x ceil(600/512) = 2M x $1.00/M
    expect(o.json.stacks[0]!.unsupportedResources.map((u) => u.address)).toEqual(['aws_apigatewayv2_api.ws']);
  });
  it('REST API: four tiers', async () => {
    const o = await estimateGolden('aws_api_gateway_rest_api');
    expect(resourceCost(o, 'aws_api_gateway_rest_api.rest')).toBe('4223.1'); // 333 x 3.50 + 667 x 2.80 + 500 x 2.38
  });
});

describe('aws_dynamodb_table (on-demand)', () => {
  it('prices WRU, RRU, storage and PITR at the November 2024 on-demand prices', async () => {
    const o = await estimateGolden('aws_dynamodb_table');
    expect(cost(line(o, 'aws_dynamodb_table.orders', 'Write request units (WRU)'))).toBe('12.500000'); // 20M x $0.625/M
    expect(cost(line(o, 'aws_dynamodb_table.orders', 'Read request units (RRU)'))).toBe('12.500000'); // 100M x $0.125/M
    expect(resourceCost(o, 'aws_dynamodb_table.orders')).toBe('43'); // + 40 GB x 0.25 + PITR 40 GB x 0.20
    expect(resourceCost(o, 'aws_dynamodb_table.plain')).toBe('0.375'); // no PITR line: 3M RRU x $0.125/M
  });
});

describe('aws_s3_bucket, aws_sqs_queue, aws_cognito_user_pool', () => {
  it('S3 Standard storage tiers and request classes', async () => {
    const o = await estimateGolden('aws_s3_bucket');
    expect(resourceCost(o, 'aws_s3_bucket.assets')).toBe('1374.2'); // 51,200 x 0.023 + 8,800 x 0.022 + 200 x 0.005 + 5,000 x 0.0004
  });
  it('SQS standard and FIFO with 64 KB chunks', async () => {
    const o = await estimateGolden('aws_sqs_queue');
    expect(resourceCost(o, 'aws_sqs_queue.orders')).toBe('2'); // 5M x $0.40/M
    expect(resourceCost(o, 'aws_sqs_queue.fifo')).toBe('2'); // 2M x 2 chunks x $0.50/M
  });
  it('Cognito Essentials per MAU; Lite tiered', async () => {
    const o = await estimateGolden('aws_cognito_user_pool');
    expect(resourceCost(o, 'aws_cognito_user_pool.main')).toBe('375'); // 25,000 x $0.015
    expect(resourceCost(o, 'aws_cognito_user_pool.lite')).toBe('780'); // 100,000 x 0.0055 + 50,000 x 0.0046
  });
});

describe('CloudWatch, data transfer, KMS and Secrets Manager', () => {
  it('alarms (standard, high-resolution, per metric), log ingestion and storage, custom metric tiers (eu-west-1)', async () => {
    const o = await estimateGolden('aws_cloudwatch');
    expect(resourceCost(o, 'aws_cloudwatch_log_group.app')).toBe('70.08'); // 120 x 0.57 + 56 x 0.03
    expect(resourceCost(o, 'aws_cloudwatch_metric_alarm.fast')).toBe('0.3');
    expect(resourceCost(o, 'aws_cloudwatch_metric_alarm.ratio')).toBe('0.2'); // 2 metrics x 0.10
    expect(resourceCost(o, 'aws_cloudwatch_custom_metrics.app')).toBe('3200'); // 10,000 x 0.30 + 2,000 x 0.10
  });
  it("Lambda's log groups (by /aws/lambda/ name or logging_config) at the vended-log tiers, others flat (us-east-1)", async () => {
    const o = await estimateGolden('aws_cloudwatch_lambda_logs');
    expect(resourceCost(o, 'aws_cloudwatch_log_group.api')).toBe('11264'); // 10,240 x 0.50 + 20,480 x 0.25 + 10,240 x 0.10
    expect(resourceCost(o, 'aws_cloudwatch_log_group.routed')).toBe('50'); // 100 x 0.50, first tier
    expect(resourceCost(o, 'aws_cloudwatch_log_group.audit')).toBe('20480'); // 40,960 x 0.50, flat
  });
  it('data transfer out tiers (ap-southeast-1)', async () => {
    const o = await estimateGolden('aws_data_transfer');
    expect(resourceCost(o, 'aws_data_transfer.internet')).toBe('2058.4'); // 10,240 x 0.12 + 9,760 x 0.085
  });
  it('KMS keys and secrets are monthly; free resources are not listed as unsupported; unknown types are', async () => {
    const o = await estimateGolden('aws_platform');
    expect(o.json.stacks[0]!.totalMonthlyCost).toBe('1.4');
    expect(o.json.stacks[0]!.unsupportedResources).toEqual([{ address: 'aws_elasticache_cluster.cache', type: 'aws_elasticache_cluster', reason: 'resource type not priced by archcompare' }]);
    expect(o.json.stacks[0]!.freeResources).toBe(3); // alias, VPC, IAM role
  });
});

describe('free tier', () => {
  it('takes the always-free allowances from the lowest tier, account-wide across resources', async () => {
    const o = await estimateGolden('aws_lambda_function', { freeTier: true });
    // Lambda: 1M free requests and 400,000 free GB-s, shared in address order (arm, tmp, warm, x86)
    const free = line(o, 'aws_lambda_function.arm', 'Requests (free tier)');
    expect(free.monthlyQuantity).toBe('1');
    expect(free.monthlyCost).toBe('0');
    expect(line(o, 'aws_lambda_function.arm', 'Duration (1024 MB, arm64) (free tier)').monthlyQuantity).toBe('400000');
    // the pool is used up by the first function: x86 pays for all its 3M requests
    expect(resourceCost(o, 'aws_lambda_function.x86')).toBe('9.600018');
    const cognito = await estimateGolden('aws_cognito_user_pool', { freeTier: true });
    expect(resourceCost(cognito, 'aws_cognito_user_pool.lite')).toBe('725'); // 10,000 free from the first tier: 90,000 x 0.0055 + 50,000 x 0.0046
  });
});

describe('a partial estimate (mixed plan: an unsupported resource and missing prices)', () => {
  it('prices everything it can, lists the rest with the reason and the failed lookup, and totals only the priced', async () => {
    const o = await estimateGolden('mixed_partial_plan');
    const stack = o.json.stacks[0]!;
    // t3.small 730 h x $0.0208 + 20 GB gp3 x $0.08 = 15.184 + 1.60; Lambda Arm 2M x $0.20/M + 100,000 GB-s x $0.0000133334
    expect(resourceCost(o, 'aws_instance.web')).toBe('16.784');
    expect(resourceCost(o, 'aws_lambda_function.api')).toBe('1.73334');
    expect(stack.totalMonthlyCost).toBe('18.51734');
    expect(stack.unpricedResources.map((u) => u.address)).toEqual(['aws_db_instance.warehouse', 'aws_instance.exotic']);
    expect(stack.unpricedResources[0]!.reason).toMatch(/^no price for RDS PostgreSQL db\.x2g\.large Single-AZ in the us-east-1 pricing snapshot/);
    expect(stack.unpricedResources[0]!.lookup).toContain('instanceType="db.x2g.large"');
    expect(stack.unsupportedResources.map((u) => u.address)).toEqual(['aws_elasticache_cluster.cache']);
    expect(stack.excludedFromTotal).toBe(3);
  });
});

describe('T2/T3/T3a/T4g surplus CPU credits (unlimited mode), Infracost usage keys', () => {
  it('credit hours x vCPUs per instance at $0.05 (T2/T3) or $0.04 (T4g) per vCPU-hour; none in standard mode', async () => {
    const o = await estimateGolden('cpu_credits');
    // Infracost's own golden: t2.medium unlimited, 300 h x 2 vCPUs = 600 vCPU-hours = $30.00
    expect(cost(line(o, 'aws_instance.t2_unlimited', 'CPU credits (unlimited, 2 vCPUs x credit hours)'))).toBe('30.000000');
    // ASG of 2 (desired), launch template unlimited: 2 x 100 h x 2 vCPUs = 400 vCPU-hours x $0.05
    expect(line(o, 'aws_autoscaling_group.app', 'CPU credits (unlimited, 2 vCPUs x credit hours)').monthlyQuantity).toBe('400');
    expect(resourceCost(o, 'aws_autoscaling_group.app')).toBe('82.016'); // 1,460 h x 0.0416 + 16 GB x 0.08 + 20
    // t4g launches unlimited when credit_specification is absent; vcpu_count defaults to the type's 2: 50 x 2 x $0.04
    expect(cost(line(o, 'aws_instance.t4g_default', 'CPU credits (unlimited, 2 vCPUs x credit hours)'))).toBe('4.000000');
    // t2 defaults to standard, and an explicit standard launch template bills no credits whatever the usage says
    for (const address of ['aws_instance.t2_default', 'aws_autoscaling_group.std'])
      expect(o.json.stacks[0]!.resources.find((r) => r.address === address)!.components.map((c) => c.name)).not.toContain('CPU credits (unlimited, 2 vCPUs x credit hours)');
  });
});

describe('aws_sns_topic and aws_sns_topic_subscription', () => {
  it('publishes in 64 KB chunks with the first 1M free; HTTP deliveries after 100K free; email after 1K free', async () => {
    const o = await estimateGolden('aws_sns_topic');
    expect(resourceCost(o, 'aws_sns_topic.alarms')).toBe('0'); // 5,000 publishes: inside the free million
    // 3M x ceil(100/64) = 6M requests: 5M x $0.50/M = 2.50; 2 HTTPS subscribers: 12M deliveries, 11.9M x $0.60/M = 7.14
    expect(resourceCost(o, 'aws_sns_topic.events')).toBe('9.64');
    expect(resourceCost(o, 'aws_sns_topic_subscription.oncall')).toBe('0.08'); // 4,000 emails x $2.00/100K
    expect(resourceCost(o, 'aws_sns_topic_subscription.queue')).toBe('0'); // SQS deliveries are free
  });
});

describe('EBS and RDS storage types', () => {
  it('io1/io2 (io2 IOPS tiered per volume), st1, sc1, magnetic with I/O; RDS io1, io2 Multi-AZ, gp3 above its baseline', async () => {
    const o = await estimateGolden('storage_types');
    expect(resourceCost(o, 'aws_ebs_volume.io1')).toBe('350'); // 200 x 0.125 + 5,000 x 0.065
    expect(resourceCost(o, 'aws_ebs_volume.io2')).toBe('3790.5'); // 500 x 0.125 + 32,000 x 0.065 + 32,000 x 0.0455 + 6,000 x 0.032
    expect(resourceCost(o, 'aws_ebs_volume.magnetic')).toBe('6'); // 100 x 0.05 + 20M I/O x $0.05/M
    expect(resourceCost(o, 'aws_ebs_volume.st1')).toBe('45');
    expect(resourceCost(o, 'aws_ebs_volume.sc1')).toBe('30');
    expect(resourceCost(o, 'aws_db_instance.io1')).toBe('441.07'); // 730 x 0.159 + 200 x 0.125 + 3,000 x 0.10
    expect(resourceCost(o, 'aws_db_instance.io2_multi')).toBe('1178.5'); // 730 x 0.45 + 200 x 0.25 + 4,000 x 0.20
    // 500 GB gp3 includes 12,000 IOPS and 500 MiB/s: 3,000 x 0.02 + 100 x 0.08 on top of 730 x 0.168 + 500 x 0.115
    expect(resourceCost(o, 'aws_db_instance.gp3_big')).toBe('248.14');
  });
});

describe('instance families and classes (one size each, across the three regions)', () => {
  it('an ordinary db.t3.large PostgreSQL plan prices (the issue’s failing case), and a 16xlarge projection does too', async () => {
    const o = await estimateGolden('rds_db_t3');
    expect(o.json.stacks[0]!.unpricedResources).toEqual([]);
    const r6g = await estimateGolden('rds_db_r6g');
    // ap-southeast-1 db.r6g.12xlarge: rate $0.269 x 24 = $6.456 Single-AZ, $12.912 Multi-AZ
    expect(line(r6g, 'aws_db_instance.single', 'Database instance (on-demand, Single-AZ, db.r6g.12xlarge)').unitPrice).toBe('6.456');
    expect(line(r6g, 'aws_db_instance.multi', 'Database instance (on-demand, Multi-AZ, db.r6g.12xlarge)').unitPrice).toBe('12.912');
  });
});
