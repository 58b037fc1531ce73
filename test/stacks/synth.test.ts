import { beforeAll, describe, expect, it } from 'vitest';
import { HTTP_FUNCTIONS, LAMBDA_FUNCTIONS, TABLES, terraformName } from '../../src/architecture/system.js';
import { resource, resources, synthJson, type TerraformJson } from '../support/synth.js';

const RUN_ID = 'ac-synthtest';
const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;

/** Types that take a tags map in provider 5.x (the terraform schema test checks this list is complete). */
const TAGGABLE_PRESENT = [
  'aws_vpc',
  'aws_subnet',
  'aws_internet_gateway',
  'aws_nat_gateway',
  'aws_eip',
  'aws_route_table',
  'aws_security_group',
  'aws_lb',
  'aws_lb_target_group',
  'aws_lb_listener',
  'aws_launch_template',
  'aws_db_instance',
  'aws_db_subnet_group',
  'aws_iam_role',
  'aws_iam_instance_profile',
  'aws_cloudwatch_metric_alarm',
  'aws_s3_bucket',
  'aws_s3_object',
  'aws_secretsmanager_secret',
  'aws_lambda_function',
  'aws_cloudwatch_log_group',
  'aws_apigatewayv2_api',
  'aws_apigatewayv2_stage',
  'aws_dynamodb_table',
  'aws_sqs_queue',
  'aws_sns_topic',
];

function expectNoSecrets(text: string) {
  expect(text).not.toMatch(/"(master_)?password"\s*:/);
  expect(text).not.toMatch(/"secret_(string|binary)"\s*:/);
  // The one secret version is written from an ephemeral value through the write-only argument.
  expect([...text.matchAll(/"secret_string_wo"\s*:\s*("[^"]*")/g)].map((m) => JSON.parse(m[1]!))).toEqual(['${ephemeral.aws_secretsmanager_random_password.jwt.random_password}']);
  expect(text).not.toMatch(/AKIA[0-9A-Z]{16}/);
  expect(text).not.toMatch(/"(JWT_SECRET|PGPASSWORD)"\s*:/);
}

function expectTagged(json: TerraformJson, model: string) {
  let checked = 0;
  for (const [type, name, body] of resources(json)) {
    if (!TAGGABLE_PRESENT.includes(type)) continue;
    checked += 1;
    expect(body.tags, `${type}.${name} tags`).toMatchObject({ 'archcompare:run-id': RUN_ID, 'archcompare:model': model });
  }
  expect(checked).toBeGreaterThan(10);
  expect(json.provider.aws[0]).toMatchObject({ default_tags: [{ tags: { 'archcompare:run-id': RUN_ID, 'archcompare:model': model } }] });
}

describe('traditional stack', () => {
  let json: TerraformJson;
  let text: string;
  beforeAll(async () => {
    ({ json, text } = await synthJson('traditional', { traditional: { minInstances: 2, desiredInstances: 3, maxInstances: 7, targetCpuPercent: 55 } }, RUN_ID));
  });

  it('has a VPC over two AZs with public and private subnets, an internet gateway and routes', () => {
    expect(resource(json, 'aws_vpc', 'main')).toMatchObject({ cidr_block: '10.40.0.0/16', enable_dns_hostnames: true });
    for (const i of [0, 1]) {
      const az = `\${element(data.aws_availability_zones.available.names, ${i})}`;
      expect(resource(json, 'aws_subnet', `public_${i}`)).toMatchObject({ availability_zone: az, map_public_ip_on_launch: false });
      expect(resource(json, 'aws_subnet', `private_${i}`)).toMatchObject({ availability_zone: az });
      expect(resource(json, 'aws_route', `private_${i}_egress`)).toMatchObject({ nat_gateway_id: ref('aws_nat_gateway', 'nat_0', 'id') });
    }
    expect(resource(json, 'aws_route', 'public_internet')).toMatchObject({ destination_cidr_block: '0.0.0.0/0', gateway_id: ref('aws_internet_gateway', 'main_igw', 'id') });
    expect(resource(json, 'aws_nat_gateway', 'nat_0')).toMatchObject({ subnet_id: ref('aws_subnet', 'public_0', 'id') });
  });

  it('fronts the app with an internet-facing ALB whose target group health-checks the health route', () => {
    expect(resource(json, 'aws_lb', 'main')).toMatchObject({
      internal: false,
      load_balancer_type: 'application',
      subnets: [ref('aws_subnet', 'public_0', 'id'), ref('aws_subnet', 'public_1', 'id')],
    });
    expect(resource(json, 'aws_lb_target_group', 'app')).toMatchObject({
      port: 8080,
      protocol: 'HTTP',
      load_balancing_algorithm_type: 'least_outstanding_requests',
      health_check: { path: '/health', healthy_threshold: 2, unhealthy_threshold: 3, matcher: '200' },
    });
    expect(resource(json, 'aws_lb_listener', 'http').default_action).toEqual([{ type: 'forward', target_group_arn: ref('aws_lb_target_group', 'app', 'arn') }]);
  });

  it('launches instances whose user data unpacks and starts the app server', () => {
    const lt = resource(json, 'aws_launch_template', 'app');
    expect(lt.instance_type).toBe('t3.small');
    expect(lt.metadata_options).toMatchObject({ http_tokens: 'required' });
    expect(lt.block_device_mappings[0].ebs).toMatchObject({ encrypted: 'true', volume_type: 'gp3' });
    expect(lt.iam_instance_profile).toEqual({ arn: ref('aws_iam_instance_profile', 'instance_profile', 'arn') });
    const script = String(lt.user_data);
    expect(script).toMatch(/^\$\{base64encode\(/);
    expect(script).toContain('aws s3 cp s3://${aws_s3_bucket.artifacts.bucket}/${aws_s3_object.server_bundle.key}');
    expect(script).toContain('systemctl enable --now archcompare');
    expect(lt.tag_specifications.map((t: { resource_type: string }) => t.resource_type).sort()).toEqual(['instance', 'volume']);
  });

  it('exports what CloudWatch knows its resources by: the ALB and target group ARN suffixes, the ASG and the DB', () => {
    const out = json.output?.monitored_resources as { value: Record<string, unknown> };
    expect(out.value).toEqual({
      model: 'traditional',
      LoadBalancer: ref('aws_lb', 'main', 'arn_suffix'),
      TargetGroup: ref('aws_lb_target_group', 'app', 'arn_suffix'),
      AutoScalingGroupName: ref('aws_autoscaling_group', 'app', 'name'),
      DBInstanceIdentifier: ref('aws_db_instance', 'main', 'identifier'),
    });
  });

  it('scales the Auto Scaling Group by target tracking within the configured bounds', () => {
    const asg = resource(json, 'aws_autoscaling_group', 'app');
    expect(asg).toMatchObject({ min_size: 2, desired_capacity: 3, max_size: 7, health_check_type: 'ELB' });
    expect(asg.vpc_zone_identifier).toEqual([ref('aws_subnet', 'private_0', 'id'), ref('aws_subnet', 'private_1', 'id')]);
    expect(asg.target_group_arns).toEqual([ref('aws_lb_target_group', 'app', 'arn')]);
    expect(asg.tag).toContainEqual({ key: 'archcompare:run-id', value: RUN_ID, propagate_at_launch: true });
    // The group metrics the report's scaling timeline reads, published every minute.
    expect(asg).toMatchObject({ metrics_granularity: '1Minute' });
    expect(asg.enabled_metrics).toEqual(expect.arrayContaining(['GroupInServiceInstances', 'GroupDesiredCapacity']));
    expect(resource(json, 'aws_autoscaling_policy', 'cpu_target')).toMatchObject({
      policy_type: 'TargetTrackingScaling',
      target_tracking_configuration: { target_value: 55, predefined_metric_specification: { predefined_metric_type: 'ASGAverageCPUUtilization' } },
    });
  });

  it('keeps RDS PostgreSQL encrypted, private, gp3, in the private subnets, with an AWS-managed password', () => {
    const db = resource(json, 'aws_db_instance', 'main');
    expect(db).toMatchObject({
      engine: 'postgres',
      instance_class: 'db.t4g.micro',
      allocated_storage: 20,
      storage_type: 'gp3',
      storage_encrypted: true,
      publicly_accessible: false,
      multi_az: false,
      manage_master_user_password: true,
      db_subnet_group_name: ref('aws_db_subnet_group', 'main_db_subnets', 'name'),
    });
    expect(db).not.toHaveProperty('password');
    expect(resource(json, 'aws_db_subnet_group', 'main_db_subnets').subnet_ids).toEqual([ref('aws_subnet', 'private_0', 'id'), ref('aws_subnet', 'private_1', 'id')]);
  });

  it('switches Multi-AZ and instance architecture from the config', async () => {
    const { json: other } = await synthJson('traditional', { traditional: { dbMultiAz: true, instanceType: 'm7g.large' } }, RUN_ID);
    expect(resource(other, 'aws_db_instance', 'main').multi_az).toBe(true);
    expect(other.data?.aws_ssm_parameter?.al2023_ami?.name).toBe('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64');
  });

  it('admits traffic only from the tier in front: internet -> ALB -> instances -> DB', () => {
    const rules = Object.values(json.resource.aws_security_group_rule ?? {}) as Array<Record<string, unknown>>;
    const ingressTo = (sg: string) => rules.filter((r) => r.type === 'ingress' && r.security_group_id === ref('aws_security_group', sg, 'id'));
    expect(ingressTo('db')).toEqual([expect.objectContaining({ from_port: 5432, to_port: 5432, source_security_group_id: ref('aws_security_group', 'app', 'id') })]);
    expect(ingressTo('db')[0]).not.toHaveProperty('cidr_blocks');
    expect(ingressTo('app')).toEqual([expect.objectContaining({ from_port: 8080, source_security_group_id: ref('aws_security_group', 'alb', 'id') })]);
    expect(ingressTo('alb')).toEqual([expect.objectContaining({ from_port: 80, cidr_blocks: ['0.0.0.0/0'] })]);
    for (const sg of ['alb', 'app', 'db']) {
      expect(resource(json, 'aws_security_group', sg)).not.toHaveProperty('ingress');
    }
  });

  it('has an instance profile scoped to its bundle and secrets, and CloudWatch alarms', () => {
    const policy = JSON.parse(String(resource(json, 'aws_iam_role_policy', 'instance_access').policy)) as { Statement: Array<{ Resource: string[] }> };
    const all = policy.Statement.flatMap((s) => s.Resource);
    expect(all).not.toContain('*');
    expect(all).toContain(`${ref('aws_s3_bucket', 'artifacts', 'arn')}/server/*`);
    expect(Object.keys(json.resource.aws_cloudwatch_metric_alarm ?? {}).length).toBeGreaterThanOrEqual(4);
    expect(resource(json, 'aws_iam_instance_profile', 'instance_profile').role).toBe(ref('aws_iam_role', 'instance', 'name'));
  });

  it('tags every taggable resource and holds no secret', () => {
    expectTagged(json, 'traditional');
    expectNoSecrets(text);
    expect(json.terraform).toMatchObject({ backend: { local: { path: 'terraform.tfstate' } } });
  });
});

describe('serverless stack', () => {
  let json: TerraformJson;
  let text: string;
  beforeAll(async () => {
    ({ json, text } = await synthJson(
      'serverless',
      { serverless: { lambdaMemoryMb: 1024, lambdaArchitecture: 'x86_64', reservedConcurrency: 50, apiThrottleRateLimit: 300, apiThrottleBurstLimit: 600, dynamoPointInTimeRecovery: false } },
      RUN_ID,
    ));
  });

  it('exports what CloudWatch knows its resources by: the API, every function with its log group, table and queue', () => {
    const out = json.output?.monitored_resources as { value: Record<string, unknown> };
    expect(out.value).toEqual({
      model: 'serverless',
      ApiId: ref('aws_apigatewayv2_api', 'http', 'id'),
      functions: Object.fromEntries(LAMBDA_FUNCTIONS.map((f) => [f.id, { FunctionName: ref('aws_lambda_function', terraformName(f.id), 'function_name'), LogGroup: ref('aws_cloudwatch_log_group', `${terraformName(f.id)}_logs`, 'name') }])),
      tables: Object.fromEntries(TABLES.map((t) => [t, ref('aws_dynamodb_table', t, 'name')])),
      queues: { orders: { QueueName: ref('aws_sqs_queue', 'orders', 'name'), DeadLetterQueueName: ref('aws_sqs_queue', 'orders_dlq', 'name') } },
    });
    // Each function's log group is the one it writes to.
    for (const f of LAMBDA_FUNCTIONS) expect(resource(json, 'aws_lambda_function', terraformName(f.id)).logging_config).toMatchObject({ log_group: ref('aws_cloudwatch_log_group', `${terraformName(f.id)}_logs`, 'name') });
  });

  it('has one Lambda per domain plus the orders consumer, sized from the config, with log groups', () => {
    for (const fn of LAMBDA_FUNCTIONS.map((f) => terraformName(f.id))) {
      const f = resource(json, 'aws_lambda_function', fn);
      expect(f).toMatchObject({ memory_size: 1024, architectures: ['x86_64'], runtime: 'nodejs22.x', timeout: 10, reserved_concurrent_executions: 50, handler: 'index.handler' });
      expect(f.role).toBe(ref('aws_iam_role', fn, 'arn'));
      expect(String(f.filename)).toMatch(/\.zip$/);
      expect(resource(json, 'aws_cloudwatch_log_group', `${fn}_logs`)).toMatchObject({ retention_in_days: 14 });
    }
  });

  it('routes the HTTP API to the functions with default-route throttling and invoke permissions', () => {
    expect(resource(json, 'aws_apigatewayv2_api', 'http')).toMatchObject({ protocol_type: 'HTTP' });
    expect(resource(json, 'aws_apigatewayv2_stage', 'default')).toMatchObject({
      name: '$default',
      auto_deploy: true,
      default_route_settings: { throttling_rate_limit: 300, throttling_burst_limit: 600 },
    });
    const routes = Object.values(json.resource.aws_apigatewayv2_route ?? {}) as Array<{ route_key: string; target: string }>;
    for (const { id: fn, routes: routeKeys } of HTTP_FUNCTIONS) {
      for (const key of routeKeys) {
        expect(routes).toContainEqual(expect.objectContaining({ route_key: key, target: `integrations/${ref('aws_apigatewayv2_integration', fn, 'id')}` }));
      }
      expect(resource(json, 'aws_apigatewayv2_integration', fn)).toMatchObject({ integration_type: 'AWS_PROXY', payload_format_version: '2.0' });
      expect(resource(json, 'aws_lambda_permission', `${fn}_from_api`)).toMatchObject({ principal: 'apigateway.amazonaws.com', action: 'lambda:InvokeFunction' });
    }
  });

  it('keeps data in on-demand DynamoDB tables on the free AWS-owned key, with the PITR switch honoured', () => {
    for (const t of TABLES) {
      const table = resource(json, 'aws_dynamodb_table', t);
      expect(table).toMatchObject({ billing_mode: 'PAY_PER_REQUEST', hash_key: 'pk', range_key: 'sk', point_in_time_recovery: { enabled: false } });
      // Absent = encrypted at rest with the AWS owned key; enabled=true would bill the AWS managed KMS key.
      expect(table).not.toHaveProperty('server_side_encryption');
    }
  });

  it('has a private encrypted assets bucket, no Cognito pool, and an orders queue with DLQ and consumer', () => {
    expect(resource(json, 'aws_s3_bucket_public_access_block', 'assets_private')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    // The app issues and verifies its own JWTs: a user pool would be billed and unused.
    expect(Object.keys(json.resource).filter((type) => type.startsWith('aws_cognito_'))).toEqual([]);
    expect(Object.keys(json.output ?? {}).filter((name) => name.startsWith('user_pool'))).toEqual([]);
    const queue = resource(json, 'aws_sqs_queue', 'orders');
    expect(queue.sqs_managed_sse_enabled).toBe(true);
    expect(JSON.parse(String(queue.redrive_policy))).toEqual({ deadLetterTargetArn: ref('aws_sqs_queue', 'orders_dlq', 'arn'), maxReceiveCount: 5 });
    expect(resource(json, 'aws_lambda_event_source_mapping', 'orders_consumer')).toMatchObject({
      event_source_arn: ref('aws_sqs_queue', 'orders', 'arn'),
      function_name: ref('aws_lambda_function', 'orders_consumer', 'arn'),
    });
  });

  // Which tables and queue access each role names is checked against what the functions really touch
  // in test/architecture/least-privilege.test.ts; here, that no role reaches beyond named resources.
  it('scopes every role to named resources, never "*"', () => {
    for (const fn of Object.keys(json.resource.aws_lambda_function ?? {})) {
      const policy = JSON.parse(String(resource(json, 'aws_iam_role_policy', `${fn}_access`).policy)) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string[] }> };
      const resourcesNamed = policy.Statement.flatMap((s) => s.Resource);
      expect(resourcesNamed, fn).not.toContain('*');
      for (const r of resourcesNamed) expect(r, fn).toMatch(/^\$\{aws_[a-z0-9_]+\.[a-z0-9_]+\.(arn|id)\}/);
      const queueStatement = policy.Statement.find((s) => s.Sid === 'OrdersQueue');
      if (queueStatement) expect(queueStatement.Resource).toEqual([ref('aws_sqs_queue', 'orders', 'arn')]);
    }
  });

  it('tags every taggable resource and holds no secret', () => {
    expectTagged(json, 'serverless');
    expectNoSecrets(text);
  });

  it('adds an alias with provisioned concurrency only when asked', async () => {
    expect(json.resource.aws_lambda_provisioned_concurrency_config).toBeUndefined();
    const { json: warm } = await synthJson('serverless', { serverless: { provisionedConcurrency: 2 } }, RUN_ID);
    expect(resource(warm, 'aws_lambda_provisioned_concurrency_config', 'catalog_provisioned')).toMatchObject({ provisioned_concurrent_executions: 2 });
    expect(resource(warm, 'aws_apigatewayv2_integration', 'catalog').integration_uri).toBe(ref('aws_lambda_alias', 'catalog_live', 'invoke_arn'));
  });
});
