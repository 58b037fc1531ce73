import { TAG_CREATED_AT, TAG_RUN_ID } from '../architecture/tags.js';
import { awsClientConfig, type AwsConnection } from './aws-connection.js';
import { withAwsErrors } from './aws-errors.js';

/**
 * What is still deployed for a run, found through the AWS APIs themselves (not terraform state), and
 * how to delete it: "nothing left behind" is verified, not assumed. Two sources, merged:
 * - one lister per kind of resource the stacks create, paging through the whole listing and matching
 *   the run by its tag where the listing returns tags, else by the run id in the name (every name is
 *   `<app>-<run id>-…`);
 * - the Resource Groups Tagging API (GetResources, paginated) for anything tagged with the run id,
 *   whatever its name — kept only when its kind's listing shows it still exists (the Tagging API also
 *   returns resources that were tagged once and are gone).
 * Every Terraform resource type the stacks synthesize is either a kind here or a part of one
 * (PART_OF), deleted with it; test/deploy/aws-inventory.test.ts checks that against the stacks.
 */

export interface FoundResource {
  kind: ResourceKind;
  /** What the kind's delete call takes (a name, an id or an ARN). */
  id: string;
  /** For people, e.g. "vpc vpc-0abc (acshop-ac-1a2b-vpc)". */
  label: string;
  /** AWS is already deleting it (an RDS instance in `deleting`): nothing to do but wait. */
  deleting?: boolean;
}

type Tags = Array<{ Key?: string; Value?: string }> | Record<string, string> | undefined;

interface Listing {
  found: FoundResource[];
  /** Every id the listing saw, matched or not: proof that a Tagging API result still exists. */
  seen: Set<string>;
}

interface KindHandler {
  label: string;
  /** The Terraform resource types this kind is. */
  terraformTypes: readonly string[];
  /** Id of this kind from an ARN's service and resource part, or undefined when the ARN is not of this kind. */
  fromArn?: (service: string, resource: string, arn: string) => string | undefined;
  list(ctx: Ctx, runId: string): Promise<Listing>;
  delete(ctx: Ctx, r: FoundResource): Promise<void>;
}

class Ctx {
  private readonly clients = new Map<string, unknown>();
  constructor(readonly conn: AwsConnection) {}
  /** One client per service and sweep. */
  async client<T>(name: string, make: (config: ReturnType<typeof awsClientConfig>) => T): Promise<T> {
    if (!this.clients.has(name)) this.clients.set(name, make(awsClientConfig(this.conn)));
    return this.clients.get(name) as T;
  }
}

/** Whole-segment match: the run id `ac-1a2b` is in `acshop-ac-1a2b-users` and `/aws/lambda/acshop-ac-1a2b-users`, not in `acshop-ac-1a2bc-users`. */
export function nameHasRunId(name: string | undefined, runId: string): boolean {
  if (!name) return false;
  const escaped = runId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[-_/:.])${escaped}([-_/:.]|$)`).test(name);
}

export function tagValue(tags: Tags, key: string): string | undefined {
  if (!tags) return undefined;
  if (Array.isArray(tags)) return tags.find((t) => t.Key === key)?.Value;
  return tags[key];
}

const hasRunTag = (tags: Tags, runId: string) => tagValue(tags, TAG_RUN_ID) === runId;
const ofRun = (runId: string, name: string | undefined, tags?: Tags) => hasRunTag(tags, runId) || nameHasRunId(name, runId);

/** An error that means "already gone": deleting it again is success. */
function isGone(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const text = `${e?.name ?? ''} ${e?.Code ?? ''} ${e?.message ?? ''}`;
  return /NotFound|NoSuch|does not exist|NonExistent|not found|InvalidAllocationID\.NotFound|ResourceNotFound/i.test(text) || e?.$metadata?.httpStatusCode === 404;
}

async function ignoreGone(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (!isGone(err)) throw err;
  }
}

async function collect<P, I>(pages: AsyncIterable<P>, items: (page: P) => I[] | undefined): Promise<I[]> {
  const out: I[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

/** Pages a NextToken listing that has no SDK paginator, bounded. */
async function pagesOf<P extends { NextToken?: string }>(fetch: (token: string | undefined) => Promise<P>, maxPages = 1000): Promise<P[]> {
  const pages: P[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    pages.push(page);
    token = page.NextToken;
  } while (token && pages.length < maxPages);
  return pages;
}

const listing = (found: FoundResource[], seen: Iterable<string>): Listing => ({ found, seen: new Set(seen) });
const arnResource = (prefix: string) => (resource: string) => (resource.startsWith(prefix) ? resource.slice(prefix.length) : undefined);

const ec2 = () => import('@aws-sdk/client-ec2');
const ec2Client = async (ctx: Ctx) => {
  const m = await ec2();
  return ctx.client('ec2', (c) => new m.EC2Client(c));
};
const runTagFilter = (runId: string) => [{ Name: `tag:${TAG_RUN_ID}`, Values: [runId] }];

/** EC2 kinds: listed with the run's tag filter, checked again on each item (some emulators ignore filters). */
function ec2Kind<I extends { Tags?: Tags }>(spec: {
  label: string;
  terraformTypes: readonly string[];
  arnType: string;
  list: (m: Awaited<ReturnType<typeof ec2>>, client: InstanceType<Awaited<ReturnType<typeof ec2>>['EC2Client']>, runId: string) => Promise<I[]>;
  id: (item: I) => string | undefined;
  skip?: (item: I) => boolean;
  deleting?: (item: I) => boolean;
  delete: (m: Awaited<ReturnType<typeof ec2>>, client: InstanceType<Awaited<ReturnType<typeof ec2>>['EC2Client']>, id: string) => Promise<unknown>;
}): KindHandler {
  return {
    label: spec.label,
    terraformTypes: spec.terraformTypes,
    fromArn: (service, resource) => (service === 'ec2' ? arnResource(`${spec.arnType}/`)(resource) : undefined),
    async list(ctx, runId) {
      const [m, client] = [await ec2(), await ec2Client(ctx)];
      const items = (await spec.list(m, client, runId)).filter((i) => hasRunTag(i.Tags, runId) && !spec.skip?.(i));
      const found = items.flatMap((i) => {
        const id = spec.id(i);
        return id ? [{ kind: '' as ResourceKind, id, label: `${spec.label} ${id}`, deleting: spec.deleting?.(i) }] : [];
      });
      return listing(found, found.map((f) => f.id));
    },
    async delete(ctx, r) {
      const [m, client] = [await ec2(), await ec2Client(ctx)];
      await ignoreGone(() => spec.delete(m, client, r.id));
    },
  };
}

/**
 * The kinds of resource archcompare creates, in deletion order: what uses a thing goes before it (the ASG
 * before its launch template, the NAT gateway before its IP, everything in the VPC before the VPC, roles last).
 */
export const RESOURCE_KINDS = [
  'autoscaling-group',
  'ec2-instance',
  'load-balancer',
  'target-group',
  'launch-template',
  'lambda-event-source-mapping',
  'http-api',
  'lambda-function',
  'user-pool',
  'event-rule',
  'sns-topic',
  'sqs-queue',
  'dynamodb-table',
  'alarm',
  'log-group',
  'secret',
  's3-bucket',
  'db-instance',
  'db-subnet-group',
  'vpc-endpoint',
  'nat-gateway',
  'elastic-ip',
  'internet-gateway',
  'security-group',
  'route-table',
  'subnet',
  'vpc',
  'iam-instance-profile',
  'iam-role',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

const KINDS: Record<ResourceKind, KindHandler> = {
  'autoscaling-group': {
    label: 'auto scaling group',
    terraformTypes: ['aws_autoscaling_group'],
    fromArn: (service, resource) => (service === 'autoscaling' ? /autoScalingGroupName\/(.+)$/.exec(resource)?.[1] : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-auto-scaling');
      const c = await ctx.client('autoscaling', (cfg) => new m.AutoScalingClient(cfg));
      const groups = await collect(m.paginateDescribeAutoScalingGroups({ client: c }, {}), (p) => p.AutoScalingGroups);
      const found = groups
        .filter((g) => ofRun(runId, g.AutoScalingGroupName, g.Tags))
        .map((g) => ({ kind: 'autoscaling-group' as const, id: g.AutoScalingGroupName!, label: `auto scaling group ${g.AutoScalingGroupName}`, deleting: g.Status === 'Delete in progress' }));
      return listing(found, groups.map((g) => g.AutoScalingGroupName!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-auto-scaling');
      const c = await ctx.client('autoscaling', (cfg) => new m.AutoScalingClient(cfg));
      // ForceDelete terminates the instances with the group; its scaling policies go with it.
      await ignoreGone(() => c.send(new m.DeleteAutoScalingGroupCommand({ AutoScalingGroupName: r.id, ForceDelete: true })));
    },
  },
  'ec2-instance': ec2Kind({
    label: 'ec2 instance',
    // The Auto Scaling Group launches them; aws_instance if a stack ever creates one itself.
    terraformTypes: ['aws_instance'],
    arnType: 'instance',
    list: (m, c, runId) => collect(m.paginateDescribeInstances({ client: c }, { Filters: [...runTagFilter(runId), { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }] }), (p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? [])),
    id: (i) => i.InstanceId,
    skip: (i) => i.State?.Name === 'terminated' || i.State?.Name === 'shutting-down',
    delete: (m, c, id) => c.send(new m.TerminateInstancesCommand({ InstanceIds: [id] })),
  }),
  'load-balancer': {
    label: 'load balancer',
    terraformTypes: ['aws_lb', 'aws_alb'],
    fromArn: (service, resource, arn) => (service === 'elasticloadbalancing' && resource.startsWith('loadbalancer/') ? arn : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-elastic-load-balancing-v2');
      const c = await ctx.client('elbv2', (cfg) => new m.ElasticLoadBalancingV2Client(cfg));
      const lbs = await collect(m.paginateDescribeLoadBalancers({ client: c }, {}), (p) => p.LoadBalancers);
      const found = lbs.filter((l) => nameHasRunId(l.LoadBalancerName, runId)).map((l) => ({ kind: 'load-balancer' as const, id: l.LoadBalancerArn!, label: `load balancer ${l.LoadBalancerName}` }));
      return listing(found, lbs.map((l) => l.LoadBalancerArn!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-elastic-load-balancing-v2');
      const c = await ctx.client('elbv2', (cfg) => new m.ElasticLoadBalancingV2Client(cfg));
      // Its listeners and rules are deleted with it; deletion protection is off in the stacks.
      await ignoreGone(() => c.send(new m.DeleteLoadBalancerCommand({ LoadBalancerArn: r.id })));
    },
  },
  'target-group': {
    label: 'target group',
    terraformTypes: ['aws_lb_target_group', 'aws_alb_target_group'],
    fromArn: (service, resource, arn) => (service === 'elasticloadbalancing' && resource.startsWith('targetgroup/') ? arn : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-elastic-load-balancing-v2');
      const c = await ctx.client('elbv2', (cfg) => new m.ElasticLoadBalancingV2Client(cfg));
      const tgs = await collect(m.paginateDescribeTargetGroups({ client: c }, {}), (p) => p.TargetGroups);
      const found = tgs.filter((t) => nameHasRunId(t.TargetGroupName, runId)).map((t) => ({ kind: 'target-group' as const, id: t.TargetGroupArn!, label: `target group ${t.TargetGroupName}` }));
      return listing(found, tgs.map((t) => t.TargetGroupArn!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-elastic-load-balancing-v2');
      const c = await ctx.client('elbv2', (cfg) => new m.ElasticLoadBalancingV2Client(cfg));
      await ignoreGone(() => c.send(new m.DeleteTargetGroupCommand({ TargetGroupArn: r.id })));
    },
  },
  'launch-template': ec2Kind({
    label: 'launch template',
    terraformTypes: ['aws_launch_template'],
    arnType: 'launch-template',
    list: (m, c, runId) => collect(m.paginateDescribeLaunchTemplates({ client: c }, { Filters: runTagFilter(runId) }), (p) => p.LaunchTemplates),
    id: (t) => t.LaunchTemplateId,
    delete: (m, c, id) => c.send(new m.DeleteLaunchTemplateCommand({ LaunchTemplateId: id })),
  }),
  'lambda-event-source-mapping': {
    label: 'lambda event source mapping',
    // Not deleted with its function: https://docs.aws.amazon.com/lambda/latest/api/API_DeleteFunction.html
    terraformTypes: ['aws_lambda_event_source_mapping'],
    fromArn: (service, resource) => (service === 'lambda' ? arnResource('event-source-mapping:')(resource) : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-lambda');
      const c = await ctx.client('lambda', (cfg) => new m.LambdaClient(cfg));
      const mappings = await collect(m.paginateListEventSourceMappings({ client: c }, {}), (p) => p.EventSourceMappings);
      const found = mappings
        .filter((e) => nameHasRunId(e.FunctionArn?.split(':function:')[1], runId) || nameHasRunId(e.EventSourceArn?.split(':').pop(), runId))
        .map((e) => ({ kind: 'lambda-event-source-mapping' as const, id: e.UUID!, label: `lambda event source mapping ${e.UUID} (${e.EventSourceArn?.split(':').pop()} → ${e.FunctionArn?.split(':').pop()})`, deleting: e.State === 'Deleting' }));
      return listing(found, mappings.map((e) => e.UUID!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-lambda');
      const c = await ctx.client('lambda', (cfg) => new m.LambdaClient(cfg));
      await ignoreGone(() => c.send(new m.DeleteEventSourceMappingCommand({ UUID: r.id })));
    },
  },
  'http-api': {
    label: 'http api',
    terraformTypes: ['aws_apigatewayv2_api'],
    fromArn: (service, resource) => (service === 'apigateway' ? /^\/apis\/([^/]+)$/.exec(resource)?.[1] : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-apigatewayv2');
      const c = await ctx.client('apigatewayv2', (cfg) => new m.ApiGatewayV2Client(cfg));
      const apis = (await pagesOf((NextToken) => c.send(new m.GetApisCommand({ NextToken, MaxResults: '100' })))).flatMap((p) => p.Items ?? []);
      const found = apis.filter((a) => ofRun(runId, a.Name, a.Tags)).map((a) => ({ kind: 'http-api' as const, id: a.ApiId!, label: `http api ${a.Name} (${a.ApiId})` }));
      return listing(found, apis.map((a) => a.ApiId!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-apigatewayv2');
      const c = await ctx.client('apigatewayv2', (cfg) => new m.ApiGatewayV2Client(cfg));
      // Routes, integrations, stages and authorizers are deleted with the API.
      await ignoreGone(() => c.send(new m.DeleteApiCommand({ ApiId: r.id })));
    },
  },
  'lambda-function': {
    label: 'lambda function',
    terraformTypes: ['aws_lambda_function'],
    fromArn: (service, resource) => (service === 'lambda' ? arnResource('function:')(resource)?.split(':')[0] : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-lambda');
      const c = await ctx.client('lambda', (cfg) => new m.LambdaClient(cfg));
      const fns = await collect(m.paginateListFunctions({ client: c }, {}), (p) => p.Functions);
      const found = fns.filter((f) => nameHasRunId(f.FunctionName, runId)).map((f) => ({ kind: 'lambda-function' as const, id: f.FunctionName!, label: `lambda function ${f.FunctionName}` }));
      return listing(found, fns.map((f) => f.FunctionName!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-lambda');
      const c = await ctx.client('lambda', (cfg) => new m.LambdaClient(cfg));
      // Its permissions (resource policy) and provisioned concurrency go with it.
      await ignoreGone(() => c.send(new m.DeleteFunctionCommand({ FunctionName: r.id })));
    },
  },
  'user-pool': {
    label: 'cognito user pool',
    terraformTypes: ['aws_cognito_user_pool'],
    fromArn: (service, resource) => (service === 'cognito-idp' ? arnResource('userpool/')(resource) : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-cognito-identity-provider');
      const c = await ctx.client('cognito', (cfg) => new m.CognitoIdentityProviderClient(cfg));
      const pools = await collect(m.paginateListUserPools({ client: c }, { MaxResults: 60 }), (p) => p.UserPools);
      const found = pools.filter((p) => nameHasRunId(p.Name, runId)).map((p) => ({ kind: 'user-pool' as const, id: p.Id!, label: `cognito user pool ${p.Name} (${p.Id})` }));
      return listing(found, pools.map((p) => p.Id!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-cognito-identity-provider');
      const c = await ctx.client('cognito', (cfg) => new m.CognitoIdentityProviderClient(cfg));
      // App clients and domains go with the pool.
      await ignoreGone(() => c.send(new m.DeleteUserPoolCommand({ UserPoolId: r.id })));
    },
  },
  'event-rule': {
    label: 'eventbridge rule',
    terraformTypes: ['aws_cloudwatch_event_rule'],
    fromArn: (service, resource) => (service === 'events' ? arnResource('rule/')(resource) : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-eventbridge');
      const c = await ctx.client('events', (cfg) => new m.EventBridgeClient(cfg));
      const rules = (await pagesOf((NextToken) => c.send(new m.ListRulesCommand({ NextToken, Limit: 100 })))).flatMap((p) => p.Rules ?? []);
      const found = rules.filter((r) => nameHasRunId(r.Name, runId)).map((r) => ({ kind: 'event-rule' as const, id: r.Name!, label: `eventbridge rule ${r.Name}` }));
      return listing(found, rules.map((r) => r.Name!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-eventbridge');
      const c = await ctx.client('events', (cfg) => new m.EventBridgeClient(cfg));
      // A rule with targets cannot be deleted: remove them first.
      const targets = (await pagesOf((NextToken) => c.send(new m.ListTargetsByRuleCommand({ Rule: r.id, NextToken })))).flatMap((p) => p.Targets ?? []);
      if (targets.length) await ignoreGone(() => c.send(new m.RemoveTargetsCommand({ Rule: r.id, Ids: targets.map((t) => t.Id!), Force: true })));
      await ignoreGone(() => c.send(new m.DeleteRuleCommand({ Name: r.id, Force: true })));
    },
  },
  'sns-topic': {
    label: 'sns topic',
    terraformTypes: ['aws_sns_topic'],
    fromArn: (service, _resource, arn) => (service === 'sns' && arn.split(':').length === 6 ? arn : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-sns');
      const c = await ctx.client('sns', (cfg) => new m.SNSClient(cfg));
      const topics = await collect(m.paginateListTopics({ client: c }, {}), (p) => p.Topics);
      const found = topics.filter((t) => nameHasRunId(t.TopicArn?.split(':').pop(), runId)).map((t) => ({ kind: 'sns-topic' as const, id: t.TopicArn!, label: `sns topic ${t.TopicArn?.split(':').pop()}` }));
      return listing(found, topics.map((t) => t.TopicArn!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-sns');
      const c = await ctx.client('sns', (cfg) => new m.SNSClient(cfg));
      // Subscriptions are removed with the topic.
      await ignoreGone(() => c.send(new m.DeleteTopicCommand({ TopicArn: r.id })));
    },
  },
  'sqs-queue': {
    label: 'sqs queue',
    terraformTypes: ['aws_sqs_queue'],
    fromArn: (service, resource) => (service === 'sqs' ? resource : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-sqs');
      const c = await ctx.client('sqs', (cfg) => new m.SQSClient(cfg));
      const names = (await collect(m.paginateListQueues({ client: c }, { MaxResults: 1000 }), (p) => p.QueueUrls)).map((u) => u.split('/').pop()!);
      const found = names.filter((n) => nameHasRunId(n, runId)).map((n) => ({ kind: 'sqs-queue' as const, id: n, label: `sqs queue ${n}` }));
      return listing(found, names);
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-sqs');
      const c = await ctx.client('sqs', (cfg) => new m.SQSClient(cfg));
      await ignoreGone(async () => {
        const { QueueUrl } = await c.send(new m.GetQueueUrlCommand({ QueueName: r.id }));
        await c.send(new m.DeleteQueueCommand({ QueueUrl }));
      });
    },
  },
  'dynamodb-table': {
    label: 'dynamodb table',
    terraformTypes: ['aws_dynamodb_table'],
    fromArn: (service, resource) => (service === 'dynamodb' ? /^table\/([^/]+)$/.exec(resource)?.[1] : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-dynamodb');
      const c = await ctx.client('dynamodb', (cfg) => new m.DynamoDBClient(cfg));
      const names = await collect(m.paginateListTables({ client: c }, {}), (p) => p.TableNames);
      const found = names.filter((n) => nameHasRunId(n, runId)).map((n) => ({ kind: 'dynamodb-table' as const, id: n, label: `dynamodb table ${n}` }));
      return listing(found, names);
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-dynamodb');
      const c = await ctx.client('dynamodb', (cfg) => new m.DynamoDBClient(cfg));
      await ignoreGone(() => c.send(new m.DeleteTableCommand({ TableName: r.id })));
    },
  },
  alarm: {
    label: 'cloudwatch alarm',
    terraformTypes: ['aws_cloudwatch_metric_alarm'],
    fromArn: (service, resource) => (service === 'cloudwatch' ? arnResource('alarm:')(resource) : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-cloudwatch');
      const c = await ctx.client('cloudwatch', (cfg) => new m.CloudWatchClient(cfg));
      const alarms = await collect(m.paginateDescribeAlarms({ client: c }, { AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }), (p) => [...(p.MetricAlarms ?? []), ...(p.CompositeAlarms ?? [])]);
      const found = alarms.filter((a) => nameHasRunId(a.AlarmName, runId)).map((a) => ({ kind: 'alarm' as const, id: a.AlarmName!, label: `cloudwatch alarm ${a.AlarmName}` }));
      return listing(found, alarms.map((a) => a.AlarmName!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-cloudwatch');
      const c = await ctx.client('cloudwatch', (cfg) => new m.CloudWatchClient(cfg));
      await ignoreGone(() => c.send(new m.DeleteAlarmsCommand({ AlarmNames: [r.id] })));
    },
  },
  'log-group': {
    label: 'log group',
    terraformTypes: ['aws_cloudwatch_log_group'],
    fromArn: (service, resource) => (service === 'logs' ? arnResource('log-group:')(resource)?.replace(/:\*$/, '') : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-cloudwatch-logs');
      const c = await ctx.client('logs', (cfg) => new m.CloudWatchLogsClient(cfg));
      const groups = await collect(m.paginateDescribeLogGroups({ client: c }, {}), (p) => p.logGroups);
      const found = groups.filter((g) => nameHasRunId(g.logGroupName, runId)).map((g) => ({ kind: 'log-group' as const, id: g.logGroupName!, label: `log group ${g.logGroupName}` }));
      return listing(found, groups.map((g) => g.logGroupName!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-cloudwatch-logs');
      const c = await ctx.client('logs', (cfg) => new m.CloudWatchLogsClient(cfg));
      await ignoreGone(() => c.send(new m.DeleteLogGroupCommand({ logGroupName: r.id })));
    },
  },
  secret: {
    label: 'secret',
    terraformTypes: ['aws_secretsmanager_secret'],
    fromArn: (service, _resource, arn) => (service === 'secretsmanager' ? arn : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-secrets-manager');
      const c = await ctx.client('secretsmanager', (cfg) => new m.SecretsManagerClient(cfg));
      const secrets = (await collect(m.paginateListSecrets({ client: c }, {}), (p) => p.SecretList)).filter((s) => !s.DeletedDate);
      const found = secrets.filter((s) => ofRun(runId, s.Name, s.Tags)).map((s) => ({ kind: 'secret' as const, id: s.ARN!, label: `secret ${s.Name}` }));
      return listing(found, secrets.map((s) => s.ARN!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-secrets-manager');
      const c = await ctx.client('secretsmanager', (cfg) => new m.SecretsManagerClient(cfg));
      // No recovery window: a benchmark's secret must not keep its name (and the run) alive for days.
      await ignoreGone(() => c.send(new m.DeleteSecretCommand({ SecretId: r.id, ForceDeleteWithoutRecovery: true })));
    },
  },
  's3-bucket': {
    label: 's3 bucket',
    terraformTypes: ['aws_s3_bucket'],
    fromArn: (service, resource) => (service === 's3' && !resource.includes('/') ? resource : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-s3');
      const c = await ctx.client('s3', (cfg) => new m.S3Client(cfg));
      const buckets = await collect(m.paginateListBuckets({ client: c }, {}), (p) => p.Buckets);
      const found = buckets.filter((b) => nameHasRunId(b.Name, runId)).map((b) => ({ kind: 's3-bucket' as const, id: b.Name!, label: `s3 bucket ${b.Name}` }));
      return listing(found, buckets.map((b) => b.Name!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-s3');
      const c = await ctx.client('s3', (cfg) => new m.S3Client(cfg));
      // A bucket must be empty, every version and delete marker included.
      await ignoreGone(async () => {
        const pages = await pagesOf(async (token) => {
          const [KeyMarker, VersionIdMarker] = token ? (JSON.parse(token) as [string, string]) : [undefined, undefined];
          const p = await c.send(new m.ListObjectVersionsCommand({ Bucket: r.id, KeyMarker, VersionIdMarker }));
          return { ...p, NextToken: p.IsTruncated ? JSON.stringify([p.NextKeyMarker, p.NextVersionIdMarker]) : undefined };
        });
        const objects = pages.flatMap((p) => [...(p.Versions ?? []), ...(p.DeleteMarkers ?? [])]).map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
        for (let i = 0; i < objects.length; i += 1000) await c.send(new m.DeleteObjectsCommand({ Bucket: r.id, Delete: { Objects: objects.slice(i, i + 1000), Quiet: true } }));
        await c.send(new m.DeleteBucketCommand({ Bucket: r.id }));
      });
    },
  },
  'db-instance': {
    label: 'db instance',
    terraformTypes: ['aws_db_instance'],
    fromArn: (service, resource) => (service === 'rds' ? arnResource('db:')(resource) : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-rds');
      const c = await ctx.client('rds', (cfg) => new m.RDSClient(cfg));
      const dbs = (await collect(m.paginateDescribeDBInstances({ client: c }, {}), (p) => p.DBInstances)).filter((d) => d.DBInstanceStatus !== 'deleted');
      const found = dbs
        .filter((d) => ofRun(runId, d.DBInstanceIdentifier, d.TagList))
        .map((d) => ({ kind: 'db-instance' as const, id: d.DBInstanceIdentifier!, label: `db instance ${d.DBInstanceIdentifier}`, deleting: d.DBInstanceStatus === 'deleting' }));
      return listing(found, dbs.map((d) => d.DBInstanceIdentifier!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-rds');
      const c = await ctx.client('rds', (cfg) => new m.RDSClient(cfg));
      await ignoreGone(() => c.send(new m.DeleteDBInstanceCommand({ DBInstanceIdentifier: r.id, SkipFinalSnapshot: true, DeleteAutomatedBackups: true })));
    },
  },
  'db-subnet-group': {
    label: 'db subnet group',
    terraformTypes: ['aws_db_subnet_group'],
    fromArn: (service, resource) => (service === 'rds' ? arnResource('subgrp:')(resource) : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-rds');
      const c = await ctx.client('rds', (cfg) => new m.RDSClient(cfg));
      const groups = await collect(m.paginateDescribeDBSubnetGroups({ client: c }, {}), (p) => p.DBSubnetGroups);
      const found = groups.filter((g) => nameHasRunId(g.DBSubnetGroupName, runId)).map((g) => ({ kind: 'db-subnet-group' as const, id: g.DBSubnetGroupName!, label: `db subnet group ${g.DBSubnetGroupName}` }));
      return listing(found, groups.map((g) => g.DBSubnetGroupName!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-rds');
      const c = await ctx.client('rds', (cfg) => new m.RDSClient(cfg));
      await ignoreGone(() => c.send(new m.DeleteDBSubnetGroupCommand({ DBSubnetGroupName: r.id })));
    },
  },
  'vpc-endpoint': ec2Kind({
    label: 'vpc endpoint',
    terraformTypes: ['aws_vpc_endpoint'],
    arnType: 'vpc-endpoint',
    list: (m, c, runId) => collect(m.paginateDescribeVpcEndpoints({ client: c }, { Filters: runTagFilter(runId) }), (p) => p.VpcEndpoints),
    id: (e) => e.VpcEndpointId,
    skip: (e) => /^deleted$/i.test(String(e.State)),
    deleting: (e) => /^deleting$/i.test(String(e.State)),
    delete: (m, c, id) => c.send(new m.DeleteVpcEndpointsCommand({ VpcEndpointIds: [id] })),
  }),
  'nat-gateway': ec2Kind({
    label: 'nat gateway',
    terraformTypes: ['aws_nat_gateway'],
    arnType: 'natgateway',
    list: (m, c, runId) => collect(m.paginateDescribeNatGateways({ client: c }, { Filter: runTagFilter(runId) }), (p) => p.NatGateways),
    id: (n) => n.NatGatewayId,
    skip: (n) => n.State === 'deleted',
    deleting: (n) => n.State === 'deleting',
    delete: (m, c, id) => c.send(new m.DeleteNatGatewayCommand({ NatGatewayId: id })),
  }),
  'elastic-ip': ec2Kind({
    label: 'elastic ip',
    terraformTypes: ['aws_eip'],
    arnType: 'elastic-ip',
    // DescribeAddresses is not paginated: it returns every address of the region at once.
    list: async (m, c, runId) => (await c.send(new m.DescribeAddressesCommand({ Filters: runTagFilter(runId) }))).Addresses ?? [],
    id: (a) => a.AllocationId,
    delete: (m, c, id) => c.send(new m.ReleaseAddressCommand({ AllocationId: id })),
  }),
  'internet-gateway': ec2Kind({
    label: 'internet gateway',
    terraformTypes: ['aws_internet_gateway'],
    arnType: 'internet-gateway',
    list: (m, c, runId) => collect(m.paginateDescribeInternetGateways({ client: c }, { Filters: runTagFilter(runId) }), (p) => p.InternetGateways),
    id: (g) => g.InternetGatewayId,
    async delete(m, c, id) {
      const [gw] = (await c.send(new m.DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] }))).InternetGateways ?? [];
      for (const a of gw?.Attachments ?? []) await ignoreGone(() => c.send(new m.DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: a.VpcId! })));
      return c.send(new m.DeleteInternetGatewayCommand({ InternetGatewayId: id }));
    },
  }),
  'security-group': ec2Kind({
    label: 'security group',
    terraformTypes: ['aws_security_group'],
    arnType: 'security-group',
    list: (m, c, runId) => collect(m.paginateDescribeSecurityGroups({ client: c }, { Filters: runTagFilter(runId) }), (p) => p.SecurityGroups),
    id: (g) => g.GroupId,
    skip: (g) => g.GroupName === 'default',
    async delete(m, c, id) {
      // The stack's groups reference each other (ALB → app → DB): revoke this group's rules first so
      // the others can go; whichever is left is deleted on the next pass.
      const [g] = (await c.send(new m.DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups ?? [];
      if (g?.IpPermissions?.length) await ignoreGone(() => c.send(new m.RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: g.IpPermissions })));
      if (g?.IpPermissionsEgress?.length) await ignoreGone(() => c.send(new m.RevokeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: g.IpPermissionsEgress })));
      return c.send(new m.DeleteSecurityGroupCommand({ GroupId: id }));
    },
  }),
  'route-table': ec2Kind({
    label: 'route table',
    terraformTypes: ['aws_route_table'],
    arnType: 'route-table',
    list: (m, c, runId) => collect(m.paginateDescribeRouteTables({ client: c }, { Filters: runTagFilter(runId) }), (p) => p.RouteTables),
    id: (t) => t.RouteTableId,
    skip: (t) => (t.Associations ?? []).some((a) => a.Main),
    async delete(m, c, id) {
      const [t] = (await c.send(new m.DescribeRouteTablesCommand({ RouteTableIds: [id] }))).RouteTables ?? [];
      for (const a of t?.Associations ?? []) if (!a.Main && a.RouteTableAssociationId) await ignoreGone(() => c.send(new m.DisassociateRouteTableCommand({ AssociationId: a.RouteTableAssociationId })));
      return c.send(new m.DeleteRouteTableCommand({ RouteTableId: id }));
    },
  }),
  subnet: ec2Kind({
    label: 'subnet',
    terraformTypes: ['aws_subnet'],
    arnType: 'subnet',
    list: (m, c, runId) => collect(m.paginateDescribeSubnets({ client: c }, { Filters: runTagFilter(runId) }), (p) => p.Subnets),
    id: (s) => s.SubnetId,
    delete: (m, c, id) => c.send(new m.DeleteSubnetCommand({ SubnetId: id })),
  }),
  vpc: ec2Kind({
    label: 'vpc',
    terraformTypes: ['aws_vpc'],
    arnType: 'vpc',
    list: (m, c, runId) => collect(m.paginateDescribeVpcs({ client: c }, { Filters: runTagFilter(runId) }), (p) => p.Vpcs),
    id: (v) => v.VpcId,
    delete: (m, c, id) => c.send(new m.DeleteVpcCommand({ VpcId: id })),
  }),
  'iam-instance-profile': {
    label: 'iam instance profile',
    terraformTypes: ['aws_iam_instance_profile'],
    fromArn: (service, resource) => (service === 'iam' ? arnResource('instance-profile/')(resource)?.split('/').pop() : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-iam');
      const c = await ctx.client('iam', (cfg) => new m.IAMClient(cfg));
      const profiles = await collect(m.paginateListInstanceProfiles({ client: c }, {}), (p) => p.InstanceProfiles);
      const found = profiles.filter((p) => nameHasRunId(p.InstanceProfileName, runId)).map((p) => ({ kind: 'iam-instance-profile' as const, id: p.InstanceProfileName!, label: `iam instance profile ${p.InstanceProfileName}` }));
      return listing(found, profiles.map((p) => p.InstanceProfileName!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-iam');
      const c = await ctx.client('iam', (cfg) => new m.IAMClient(cfg));
      await ignoreGone(async () => {
        const { InstanceProfile } = await c.send(new m.GetInstanceProfileCommand({ InstanceProfileName: r.id }));
        for (const role of InstanceProfile?.Roles ?? []) await c.send(new m.RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: r.id, RoleName: role.RoleName! }));
        await c.send(new m.DeleteInstanceProfileCommand({ InstanceProfileName: r.id }));
      });
    },
  },
  'iam-role': {
    label: 'iam role',
    terraformTypes: ['aws_iam_role'],
    fromArn: (service, resource) => (service === 'iam' ? arnResource('role/')(resource)?.split('/').pop() : undefined),
    async list(ctx, runId) {
      const m = await import('@aws-sdk/client-iam');
      const c = await ctx.client('iam', (cfg) => new m.IAMClient(cfg));
      const roles = await collect(m.paginateListRoles({ client: c }, {}), (p) => p.Roles);
      const found = roles.filter((r) => nameHasRunId(r.RoleName, runId)).map((r) => ({ kind: 'iam-role' as const, id: r.RoleName!, label: `iam role ${r.RoleName}` }));
      return listing(found, roles.map((r) => r.RoleName!));
    },
    async delete(ctx, r) {
      const m = await import('@aws-sdk/client-iam');
      const c = await ctx.client('iam', (cfg) => new m.IAMClient(cfg));
      // A role goes only without inline policies, attached policies and instance profiles.
      await ignoreGone(async () => {
        const inline = await collect(m.paginateListRolePolicies({ client: c }, { RoleName: r.id }), (p) => p.PolicyNames);
        for (const PolicyName of inline) await c.send(new m.DeleteRolePolicyCommand({ RoleName: r.id, PolicyName }));
        const attached = await collect(m.paginateListAttachedRolePolicies({ client: c }, { RoleName: r.id }), (p) => p.AttachedPolicies);
        for (const p of attached) await c.send(new m.DetachRolePolicyCommand({ RoleName: r.id, PolicyArn: p.PolicyArn! }));
        const profiles = await collect(m.paginateListInstanceProfilesForRole({ client: c }, { RoleName: r.id }), (p) => p.InstanceProfiles);
        for (const p of profiles) await c.send(new m.RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: p.InstanceProfileName!, RoleName: r.id }));
        await c.send(new m.DeleteRoleCommand({ RoleName: r.id }));
      });
    },
  },
};

const kind = (k: ResourceKind): KindHandler => KINDS[k];

/**
 * Terraform resource types that are not resources of their own in AWS but settings or children of
 * one: they go when their parent is deleted (the parent's delete above says how).
 */
export const PART_OF: Readonly<Record<string, string>> = {
  aws_autoscaling_policy: 'aws_autoscaling_group',
  aws_autoscaling_lifecycle_hook: 'aws_autoscaling_group',
  aws_lb_listener: 'aws_lb',
  aws_lb_listener_rule: 'aws_lb',
  aws_lb_target_group_attachment: 'aws_lb_target_group',
  aws_route: 'aws_route_table',
  aws_route_table_association: 'aws_route_table',
  aws_security_group_rule: 'aws_security_group',
  aws_vpc_security_group_ingress_rule: 'aws_security_group',
  aws_vpc_security_group_egress_rule: 'aws_security_group',
  aws_eip_association: 'aws_eip',
  aws_s3_bucket_public_access_block: 'aws_s3_bucket',
  aws_s3_bucket_server_side_encryption_configuration: 'aws_s3_bucket',
  aws_s3_bucket_versioning: 'aws_s3_bucket',
  aws_s3_bucket_policy: 'aws_s3_bucket',
  aws_s3_bucket_lifecycle_configuration: 'aws_s3_bucket',
  aws_s3_bucket_ownership_controls: 'aws_s3_bucket',
  aws_s3_object: 'aws_s3_bucket',
  aws_iam_role_policy: 'aws_iam_role',
  aws_iam_role_policy_attachment: 'aws_iam_role',
  aws_apigatewayv2_integration: 'aws_apigatewayv2_api',
  aws_apigatewayv2_route: 'aws_apigatewayv2_api',
  aws_apigatewayv2_stage: 'aws_apigatewayv2_api',
  aws_apigatewayv2_authorizer: 'aws_apigatewayv2_api',
  aws_apigatewayv2_deployment: 'aws_apigatewayv2_api',
  aws_cognito_user_pool_client: 'aws_cognito_user_pool',
  aws_cognito_user_pool_domain: 'aws_cognito_user_pool',
  aws_lambda_permission: 'aws_lambda_function',
  aws_lambda_alias: 'aws_lambda_function',
  aws_lambda_provisioned_concurrency_config: 'aws_lambda_function',
  aws_lambda_function_event_invoke_config: 'aws_lambda_function',
  aws_secretsmanager_secret_version: 'aws_secretsmanager_secret',
  aws_sns_topic_subscription: 'aws_sns_topic',
  aws_sns_topic_policy: 'aws_sns_topic',
  aws_cloudwatch_event_target: 'aws_cloudwatch_event_rule',
  aws_sqs_queue_policy: 'aws_sqs_queue',
  aws_sqs_queue_redrive_policy: 'aws_sqs_queue',
};

/** The kind that finds and deletes a Terraform resource type (a part's parent's kind), or undefined when none does. */
export function kindOfTerraformType(type: string): ResourceKind | undefined {
  const own = RESOURCE_KINDS.find((k) => kind(k).terraformTypes.includes(type));
  if (own) return own;
  const parent = PART_OF[type];
  return parent ? RESOURCE_KINDS.find((k) => kind(k).terraformTypes.includes(parent)) : undefined;
}

/** The kind and id an ARN names, or undefined for a kind archcompare does not create. */
export function kindOfArn(arn: string): { kind: ResourceKind; id: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const service = parts[2]!;
  const resource = parts.slice(5).join(':');
  for (const k of RESOURCE_KINDS) {
    const id = kind(k).fromArn?.(service, resource, arn);
    if (id) return { kind: k, id };
  }
  return undefined;
}

export interface TaggedArn {
  arn: string;
  tags: Record<string, string>;
}

/** Every resource the Tagging API returns with the tag key (and value, when given), every page. */
export async function taggedResources(conn: AwsConnection, key: string, value?: string): Promise<TaggedArn[]> {
  const m = await import('@aws-sdk/client-resource-groups-tagging-api');
  const client = new m.ResourceGroupsTaggingAPIClient(awsClientConfig(conn));
  const pages = m.paginateGetResources({ client, pageSize: 100 }, { TagFilters: [{ Key: key, ...(value !== undefined ? { Values: [value] } : {}) }], ResourcesPerPage: 100 });
  const mappings = await withAwsErrors(conn, () => collect(pages, (p) => p.ResourceTagMappingList));
  return mappings.map((mp) => ({ arn: mp.ResourceARN!, tags: Object.fromEntries((mp.Tags ?? []).map((t) => [t.Key!, t.Value ?? ''])) }));
}

export interface Inventory {
  found: FoundResource[];
  /** Tagged with the run id but of a kind archcompare neither creates nor deletes: reported, never touched. */
  unknown: string[];
}

/** Everything of the run the AWS APIs still report: every kind's listing plus the Tagging API. */
export async function inventory(conn: AwsConnection, runId: string): Promise<Inventory> {
  const ctx = new Ctx(conn);
  const [listings, tagged] = await Promise.all([
    withAwsErrors(conn, () => Promise.all(RESOURCE_KINDS.map(async (k) => ({ k, l: await kind(k).list(ctx, runId) })))),
    taggedResources(conn, TAG_RUN_ID, runId).catch((err: unknown) => {
      // An emulator without the Tagging API still gets the per-service listings.
      if (conn.endpointUrl) return [] as TaggedArn[];
      throw err;
    }),
  ]);
  const byKind = new Map(listings.map(({ k, l }) => [k, l]));
  const found = new Map<string, FoundResource>();
  for (const { k, l } of listings) for (const f of l.found) found.set(`${k} ${f.id}`, { ...f, kind: k });
  const unknown: string[] = [];
  for (const t of tagged) {
    const of = kindOfArn(t.arn);
    if (!of) {
      unknown.push(t.arn);
      continue;
    }
    const key = `${of.kind} ${of.id}`;
    // Still there (its kind's listing saw it), and not already found by name.
    if (!found.has(key) && byKind.get(of.kind)?.seen.has(of.id)) found.set(key, { kind: of.kind, id: of.id, label: `${kind(of.kind).label} ${of.id} (by tag)` });
  }
  const order = (f: FoundResource) => RESOURCE_KINDS.indexOf(f.kind);
  return { found: [...found.values()].sort((a, b) => order(a) - order(b)), unknown };
}

/** Every resource of the run that the AWS APIs still report, as "kind id" lines (destroy's verification). */
export async function findTaggedResources(conn: AwsConnection, runId: string): Promise<string[]> {
  const { found, unknown } = await inventory(conn, runId);
  return [...found.map((f) => f.label), ...unknown];
}

export interface SweepOptions {
  /** Inventory-and-delete rounds: some deletions wait on others (a NAT gateway's IP, a VPC's subnets). */
  rounds?: number;
  /** Pause before round n (1-based, n ≥ 2), ms: AWS finishes deletions asynchronously. */
  pauseMs?: (round: number) => number;
  onProgress?: (line: string) => void;
}

export interface SweepResult {
  /** What the sweep deleted (what terraform had left behind). */
  deleted: FoundResource[];
  /** Still there after the last round, with the last error deleting it. */
  left: Array<FoundResource & { error?: string }>;
  /** AWS is still deleting them (an RDS instance): they go without further action. */
  deleting: FoundResource[];
  unknown: string[];
}

const DEFAULT_PAUSES = [0, 10_000, 30_000, 60_000, 120_000];

/**
 * Finds everything of the run and deletes it, in dependency order, for a bounded number of rounds.
 * Returns what it deleted and what is left, so the caller reports both.
 */
export async function sweepRun(conn: AwsConnection, runId: string, opts: SweepOptions = {}): Promise<SweepResult> {
  const rounds = opts.rounds ?? 5;
  const pause = opts.pauseMs ?? ((n) => DEFAULT_PAUSES[n - 1] ?? 120_000);
  const ctx = new Ctx(conn);
  const deleted = new Map<string, FoundResource>();
  const errors = new Map<string, string>();
  let last: Inventory = { found: [], unknown: [] };
  for (let round = 1; round <= rounds; round += 1) {
    if (round > 1) await new Promise((r) => setTimeout(r, pause(round)));
    last = await inventory(conn, runId);
    const todo = last.found.filter((f) => !f.deleting);
    if (todo.length === 0) break;
    opts.onProgress?.(`round ${round}: deleting ${todo.length} resource(s) of run ${runId}`);
    for (const r of todo) {
      const key = `${r.kind} ${r.id}`;
      try {
        await kind(r.kind).delete(ctx, r);
        deleted.set(key, r);
        errors.delete(key);
        opts.onProgress?.(`deleted ${r.label}`);
      } catch (err) {
        // Typically a dependency still being removed (DependencyViolation): the next round retries.
        errors.set(key, ((err as Error).message ?? String(err)).split('\n')[0]!);
      }
    }
    if (round === rounds) last = await inventory(conn, runId);
  }
  const stillThere = new Set(last.found.filter((f) => !f.deleting).map((f) => `${f.kind} ${f.id}`));
  return {
    deleted: [...deleted.entries()].filter(([key]) => !stillThere.has(key)).map(([, r]) => r),
    left: last.found.filter((f) => !f.deleting).map((f) => ({ ...f, error: errors.get(`${f.kind} ${f.id}`) })),
    deleting: last.found.filter((f) => f.deleting),
    unknown: last.unknown,
  };
}

export interface ArchcompareRun {
  runId: string;
  /** The earliest creation-time tag among the run's resources; undefined for runs tagged before it existed. */
  createdAt?: Date;
  model?: string;
  resources: number;
}

/** Every archcompare run with resources in the region, from the Tagging API alone (no registry, no state). */
export async function findRuns(conn: AwsConnection): Promise<ArchcompareRun[]> {
  const tagged = await taggedResources(conn, TAG_RUN_ID);
  const runs = new Map<string, ArchcompareRun>();
  for (const t of tagged) {
    const runId = t.tags[TAG_RUN_ID];
    if (!runId) continue;
    const run = runs.get(runId) ?? { runId, resources: 0 };
    run.resources += 1;
    const created = t.tags[TAG_CREATED_AT] ? new Date(t.tags[TAG_CREATED_AT]) : undefined;
    if (created && !Number.isNaN(created.getTime()) && (!run.createdAt || created < run.createdAt)) run.createdAt = created;
    run.model ??= t.tags['archcompare:model'];
    runs.set(runId, run);
  }
  return [...runs.values()].sort((a, b) => a.runId.localeCompare(b.runId));
}
