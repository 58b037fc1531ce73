import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  AssociateRouteTableCommand,
  CreateInternetGatewayCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG_CREATED_AT, TAG_RUN_ID, createdAtTagValue } from '../../src/architecture/tags.js';
import { MODELS } from '../../src/config/stack-config.js';
import { inventory, kindOfArn, kindOfTerraformType, nameHasRunId, PART_OF, sweepRun } from '../../src/deploy/aws-inventory.js';
import { requireBinary } from '../support/binaries.js';
import { runCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { resources, synthJson } from '../support/synth.js';
import { tempDir } from '../support/temp-dir.js';

describe('the inventory covers every resource type the stacks create', () => {
  it('each synthesized type is a kind the sweep lists and deletes, or a part of one', async () => {
    // Defaults and the variants that add types (provisioned concurrency, a second NAT gateway).
    const variants = [{}, { serverless: { provisionedConcurrency: 1, reservedConcurrency: 5 }, traditional: { natGateways: 2 } }];
    const types = new Set<string>();
    for (const model of MODELS) for (const v of variants) for (const [type] of resources((await synthJson(model, v)).json)) types.add(type);
    const uncovered = [...types].filter((t) => !kindOfTerraformType(t)).sort();
    expect(uncovered, 'add a kind (or a PART_OF entry) in src/deploy/aws-inventory.ts').toEqual([]);
    // A part's parent is itself a kind, never another part.
    for (const [part, parent] of Object.entries(PART_OF)) expect(PART_OF[parent], `${part} → ${parent}`).toBeUndefined();
  }, 120_000);

  it('maps the ARNs the Tagging API returns to their kind and delete id', () => {
    expect(kindOfArn('arn:aws:sqs:us-east-1:123456789012:acshop-ac-1a2b-orders')).toEqual({ kind: 'sqs-queue', id: 'acshop-ac-1a2b-orders' });
    expect(kindOfArn('arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/acshop-ac-1a2b-users:*')).toEqual({ kind: 'log-group', id: '/aws/lambda/acshop-ac-1a2b-users' });
    expect(kindOfArn('arn:aws:lambda:us-east-1:123456789012:function:acshop-ac-1a2b-users')).toEqual({ kind: 'lambda-function', id: 'acshop-ac-1a2b-users' });
    expect(kindOfArn('arn:aws:lambda:us-east-1:123456789012:event-source-mapping:6b1c-44')).toEqual({ kind: 'lambda-event-source-mapping', id: '6b1c-44' });
    expect(kindOfArn('arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc')).toEqual({ kind: 'vpc', id: 'vpc-0abc' });
    expect(kindOfArn('arn:aws:apigateway:us-east-1::/apis/a1b2c3')).toEqual({ kind: 'http-api', id: 'a1b2c3' });
    expect(kindOfArn('arn:aws:s3:::acshop-ac-1a2b-assets')).toEqual({ kind: 's3-bucket', id: 'acshop-ac-1a2b-assets' });
    expect(kindOfArn('arn:aws:rds:us-east-1:123456789012:db:acshop-ac-1a2b-db')).toEqual({ kind: 'db-instance', id: 'acshop-ac-1a2b-db' });
    expect(kindOfArn('arn:aws:sns:us-east-1:123456789012:acshop-ac-1a2b-alarms:0c1d-sub')).toBeUndefined();
    expect(kindOfArn('arn:aws:kinesis:us-east-1:123456789012:stream/x')).toBeUndefined();
  });

  it('matches a run id as a whole name segment', () => {
    expect(nameHasRunId('/aws/lambda/acshop-ac-1a2b-users', 'ac-1a2b')).toBe(true);
    expect(nameHasRunId('acshop-ac-1a2bc-users', 'ac-1a2b')).toBe(false);
    expect(nameHasRunId('acshop-ac-1a2b', 'ac-1a2b')).toBe(true);
  });
});

const motoBin = requireBinary('moto_server', 'the inventory and sweep tests');

describe.skipIf(!motoBin)('the sweep against moto_server', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto(motoBin!);
  });
  afterAll(() => moto?.stop());
  const cfg = () => ({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const tags = (runId: string, createdAt?: Date) => ({ [TAG_RUN_ID]: runId, ...(createdAt ? { [TAG_CREATED_AT]: createdAtTagValue(createdAt) } : {}) });
  const tagList = (runId: string, createdAt?: Date) => Object.entries(tags(runId, createdAt)).map(([Key, Value]) => ({ Key, Value }));

  /** A run's resources made with the SDK, outside Terraform: the shapes the stacks create, dependencies included. */
  async function makeRun(runId: string, createdAt?: Date): Promise<void> {
    const prefix = `acshop-${runId}`;
    const ec2 = new EC2Client(cfg());
    const spec = (ResourceType: string) => [{ ResourceType, Tags: tagList(runId, createdAt) }] as never;
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16', TagSpecifications: spec('vpc') }))).Vpc!.VpcId!;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.40.1.0/24', TagSpecifications: spec('subnet') }))).Subnet!.SubnetId!;
    const rt = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc, TagSpecifications: spec('route-table') }))).RouteTable!.RouteTableId!;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rt, SubnetId: subnet }));
    const igw = (await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: spec('internet-gateway') }))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    // Two groups that reference each other, as ALB → app → DB do.
    const a = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${prefix}-alb`, Description: 'alb', VpcId: vpc, TagSpecifications: spec('security-group') }))).GroupId!;
    const b = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${prefix}-app`, Description: 'app', VpcId: vpc, TagSpecifications: spec('security-group') }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: b, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: a }] }] }));
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: a, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: b }] }] }));
    await new SQSClient(cfg()).send(new CreateQueueCommand({ QueueName: `${prefix}-orders`, tags: tags(runId, createdAt) }));
    await new CloudWatchLogsClient(cfg()).send(new CreateLogGroupCommand({ logGroupName: `/aws/lambda/${prefix}-users`, tags: tags(runId, createdAt) }));
    await new SecretsManagerClient(cfg()).send(new CreateSecretCommand({ Name: `${prefix}-jwt`, SecretString: 'x', Tags: tagList(runId, createdAt) }));
    await new DynamoDBClient(cfg()).send(new CreateTableCommand({ TableName: `${prefix}-users`, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], Tags: tagList(runId, createdAt) }));
    const topic = (await new SNSClient(cfg()).send(new CreateTopicCommand({ Name: `${prefix}-alarms`, Tags: tagList(runId, createdAt) }))).TopicArn!;
    const events = new EventBridgeClient(cfg());
    await events.send(new PutRuleCommand({ Name: `${prefix}-outbox`, ScheduleExpression: 'rate(5 minutes)', Tags: tagList(runId, createdAt) }));
    await events.send(new PutTargetsCommand({ Rule: `${prefix}-outbox`, Targets: [{ Id: 'alarms', Arn: topic }] }));
    const iam = new IAMClient(cfg());
    await iam.send(new CreateRoleCommand({ RoleName: `${prefix}-app`, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }), Tags: tagList(runId, createdAt) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: `${prefix}-app`, PolicyName: 'app', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: `${prefix}-app` }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: `${prefix}-app`, RoleName: `${prefix}-app` }));
  }

  it('finds a run by name and by tag, pages through every listing, deletes it all and nothing else', async () => {
    const runId = 'ac-sweep01';
    const logs = new CloudWatchLogsClient(cfg());
    // More log groups than one DescribeLogGroups page (50), the run's sorted last.
    for (let i = 0; i < 55; i += 1) await logs.send(new CreateLogGroupCommand({ logGroupName: `/aa/other-${String(i).padStart(2, '0')}` }));
    await makeRun(runId);
    await logs.send(new CreateLogGroupCommand({ logGroupName: `/zz/acshop-${runId}-last` }));
    // Made by hand: the run's tag, a name without the run id.
    await new SQSClient(cfg()).send(new CreateQueueCommand({ QueueName: 'made-by-hand', tags: { [TAG_RUN_ID]: runId } }));

    const before = await inventory({ endpointUrl: moto.url, region: 'us-east-1' }, runId);
    const labels = before.found.map((f) => `${f.kind} ${f.label}`);
    expect(labels).toEqual(expect.arrayContaining([`log-group log group /zz/acshop-${runId}-last`, 'sqs-queue sqs queue made-by-hand (by tag)']));
    expect(new Set(before.found.map((f) => f.kind))).toEqual(
      new Set(['vpc', 'subnet', 'route-table', 'internet-gateway', 'security-group', 'sqs-queue', 'log-group', 'secret', 'dynamodb-table', 'sns-topic', 'event-rule', 'iam-role', 'iam-instance-profile']),
    );

    const swept = await sweepRun({ endpointUrl: moto.url, region: 'us-east-1' }, runId, { pauseMs: () => 100 });
    expect(swept.left, JSON.stringify(swept.left)).toEqual([]);
    expect(swept.deleted.length).toBe(before.found.length);
    expect((await inventory({ endpointUrl: moto.url, region: 'us-east-1' }, runId)).found).toEqual([]);
    // The test's own look: the hand-made queue is gone, the VPC too, the unrelated log groups are not.
    await expect(new SQSClient(cfg()).send(new GetQueueUrlCommand({ QueueName: 'made-by-hand' }))).rejects.toThrow();
    expect((await new EC2Client(cfg()).send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${TAG_RUN_ID}`, Values: [runId] }] }))).Vpcs).toEqual([]);
    const others = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aa/' }))).logGroups ?? [];
    expect(others.length).toBe(50);
  }, 120_000);

  it('destroy --stale with an empty registry removes the runs older than the limit, from their tags alone', async () => {
    const now = Date.now();
    await makeRun('ac-stale01', new Date(now - 3 * 3600_000));
    await makeRun('ac-fresh01', new Date(now - 10 * 60_000));
    const cwd = tempDir('archcompare-stale-');
    const r = await runCli(['destroy', '--stale', '--older-than', '2h', '--endpoint-url', moto.url], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Destroyed run ac-stale01 \(unknown model, 180 min old\): \d+ resource\(s\) deleted\.$/m);
    expect(r.stdout).toMatch(/^Kept run ac-fresh01 \(unknown model\): 10 min old, younger than 2h\.$/m);
    expect((await inventory({ endpointUrl: moto.url, region: 'us-east-1' }, 'ac-stale01')).found).toEqual([]);
    expect((await inventory({ endpointUrl: moto.url, region: 'us-east-1' }, 'ac-fresh01')).found.length).toBeGreaterThan(10);
    // Running it again finds nothing more to do.
    const again = await runCli(['destroy', '--stale', '--older-than', '2h', '--endpoint-url', moto.url], { cwd });
    expect(again.stdout).not.toMatch(/Destroyed run/);
  }, 120_000);
});
