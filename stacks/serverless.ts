import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api/index.js';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration/index.js';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route/index.js';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage/index.js';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias/index.js';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping/index.js';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function/index.js';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission/index.js';
import { LambdaProvisionedConcurrencyConfig } from '@cdktf/provider-aws/lib/lambda-provisioned-concurrency-config/index.js';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue/index.js';
import { AssetType, TerraformAsset, TerraformOutput, TerraformStack, type ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import {
  HTTP_FUNCTIONS,
  LAMBDA_FUNCTIONS,
  QUEUE_CONSUMERS,
  QUEUES,
  SECRETS,
  SCHEDULED_FUNCTIONS,
  TABLES,
  tableVariable,
  terraformName,
  type HttpFunctionDescription,
  type LambdaFunctionDescription,
  type LambdaFunctionId,
  type QueueAccess,
  type QueueName,
  type SecretName,
  type TableName,
} from '../src/architecture/system.js';
import { rateExpression, rateSeconds } from '../src/architecture/schedule.js';
import { tableKeySchema } from '../src/app/adapters/dynamodb/tables.js';
import { MONITORED_RESOURCES_OUTPUT, type ServerlessMonitoredResources } from '../src/architecture/monitored-resources.js';
import { artifactPaths, LAMBDA_HANDLER } from '../src/build/artifacts.js';
import type { ResolvedStackConfig } from '../src/config/stack-config.js';
import { addJwtSecret, addPrivateBucket, type GeneratedSecret, assumeRolePolicy, atAddress, configureStack, namePrefix, policyJson } from './common.js';

const READ_WRITE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

/** What each kind of queue access needs: sending, or being the target of the queue's event source mapping. */
const QUEUE_ACTIONS: Record<QueueAccess, string[]> = {
  send: ['sqs:SendMessage'],
  receive: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
};

/**
 * Serverless: API Gateway HTTP API in front of one Lambda per domain, DynamoDB tables on
 * demand, an SQS orders queue with a DLQ drained by a consumer function, a scheduled shipment
 * sweeper (the outbox for lost queue messages), and S3 for static assets. Functions, routes and
 * the tables, queue and secrets each function's role names all come from the system description
 * (src/architecture/system.ts). Resources are created directly on the stack, grouped by concern in
 * functions, as in the traditional stack. No Cognito user pool: the app issues and verifies its own
 * JWTs on both models, so a pool would be billed and unused.
 */
export class ServerlessStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: ResolvedStackConfig) {
    super(scope, id);
    const { alarmTopic } = configureStack(this, 'serverless', config);
    const tables = addTables(this, config);
    const queues = addQueues(this, config);
    const assets = addPrivateBucket(this, 'assets', `${namePrefix(config)}-assets`);
    const jwtSecret = addJwtSecret(this, config);
    const secrets: Secrets = { jwt: jwtSecret };
    const api = addApi(this, config);
    const functions = addFunctions(this, config, { tables, queues, secrets });
    addQueueTriggers(this, queues, functions);
    addSchedules(this, config, functions);
    addRoutes(this, config, api, functions);
    addAlarms(this, config, api, queues.orders.deadLetters, functions);

    new TerraformOutput(this, 'url', { value: api.apiEndpoint });
    new TerraformOutput(this, 'api_id', { value: api.id });
    new TerraformOutput(this, 'orders_queue_url', { value: queues.orders.queue.url });
    new TerraformOutput(this, 'assets_bucket', { value: assets.bucket });
    new TerraformOutput(this, 'jwt_secret_arn', { value: jwtSecret.secret.arn });
    new TerraformOutput(this, 'alarm_topic_arn', { value: alarmTopic.arn });
    const monitored: ServerlessMonitoredResources = {
      model: 'serverless',
      ApiId: api.id,
      // The log group's own name, not the function's read-back logging_config: an emulator may return that block empty.
      functions: Object.fromEntries(LAMBDA_FUNCTIONS.map((f) => [f.id, { FunctionName: functions[f.id].functionName, LogGroup: logGroupOf(this, f.id).name }])) as ServerlessMonitoredResources['functions'],
      tables: Object.fromEntries(TABLES.map((t) => [t, tables[t].name])) as ServerlessMonitoredResources['tables'],
      queues: Object.fromEntries(QUEUES.map((q) => [q, { QueueName: queues[q].queue.name, DeadLetterQueueName: queues[q].deadLetters.name }])) as ServerlessMonitoredResources['queues'],
    };
    new TerraformOutput(this, MONITORED_RESOURCES_OUTPUT, { value: monitored });
  }
}

type Stack = TerraformStack;
type Tables = Record<TableName, DynamodbTable>;
type Queues = Record<QueueName, { queue: SqsQueue; deadLetters: SqsQueue }>;
type Functions = Record<LambdaFunctionId, LambdaFunction>;
type Secrets = Record<SecretName, GeneratedSecret>;

/** The environment variable that carries each secret's ARN to the functions that read it. */
const SECRET_VARIABLE: Record<SecretName, string> = { jwt: 'JWT_SECRET_ARN' };

/** "ANY /users/{proxy+}" -> "any_users_proxy": a readable, valid logical id. */
export function routeId(routeKey: string): string {
  return routeKey
    .toLowerCase()
    .replace(/[{}+$]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

function addTables(stack: Stack, config: ResolvedStackConfig): Tables {
  return Object.fromEntries(TABLES.map((name) => [name, addTable(stack, config, name)])) as Tables;
}

function addTable(stack: Stack, config: ResolvedStackConfig, name: TableName): DynamodbTable {
  // Generic pk/sk + one overloaded GSI (orders: + the sparse awaiting-shipment index): every access
  // pattern of the domain fits (the app's table design, src/app/adapters/dynamodb/tables.ts).
  const keys = tableKeySchema(name);
  return atAddress(new DynamodbTable(stack, `table_${name}`, {
    name: `${namePrefix(config)}-${name}`,
    billingMode: 'PAY_PER_REQUEST',
    hashKey: keys.hashKey,
    rangeKey: keys.rangeKey,
    attribute: keys.attributes.map((attribute) => ({ name: attribute, type: 'S' })),
    globalSecondaryIndex: keys.indexes.map((i) => ({ name: i.name, hashKey: i.hashKey, rangeKey: i.rangeKey, projectionType: i.projection })),
    ttl: { attributeName: keys.ttlAttribute, enabled: true },
    // No server_side_encryption block: the table stays encrypted at rest with the AWS owned key, at no
    // charge; `enabled: true` would switch to the AWS managed KMS key and bill KMS requests
    // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_SSESpecification.html).
    pointInTimeRecovery: { enabled: config.serverless.dynamoPointInTimeRecovery },
    deletionProtectionEnabled: false,
  }), name);
}

/** Each queue with its dead-letter queue, at aws_sqs_queue.<name> and aws_sqs_queue.<name>_dlq. */
function addQueues(stack: Stack, config: ResolvedStackConfig): Queues {
  const prefix = namePrefix(config);
  const s = config.serverless;
  const queueOf = (name: QueueName) => {
    const deadLetters = new SqsQueue(stack, `${name}_dlq`, {
      name: `${prefix}-${name}-dlq`,
      messageRetentionSeconds: 14 * 24 * 3600,
      sqsManagedSseEnabled: true,
    });
    const queue = atAddress(new SqsQueue(stack, `queue_${name}`, {
      name: `${prefix}-${name}`,
      // AWS guidance: at least 6x the consumer's timeout, so in-flight batches are not redelivered.
      visibilityTimeoutSeconds: Math.max(30, 6 * s.lambdaTimeoutSeconds),
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: s.ordersMaxReceiveCount }),
    }), name);
    return { queue, deadLetters };
  };
  return Object.fromEntries(QUEUES.map((name) => [name, queueOf(name)])) as Queues;
}

/** The HTTP API, its $default stage with throttling and JSON access logs. */
function addApi(stack: Stack, config: ResolvedStackConfig): Apigatewayv2Api {
  const prefix = namePrefix(config);
  const s = config.serverless;
  const api = new Apigatewayv2Api(stack, 'http', {
    name: `${prefix}-api`,
    protocolType: 'HTTP',
    description: 'archcompare shop API',
  });
  const accessLogs = new CloudwatchLogGroup(stack, 'api_access_logs', {
    name: `/aws/apigateway/${prefix}-api`,
    retentionInDays: s.logRetentionDays,
  });
  new Apigatewayv2Stage(stack, 'default', {
    apiId: api.id,
    name: '$default',
    autoDeploy: true,
    defaultRouteSettings: {
      throttlingRateLimit: s.apiThrottleRateLimit,
      throttlingBurstLimit: s.apiThrottleBurstLimit,
      detailedMetricsEnabled: true,
    },
    accessLogSettings: {
      destinationArn: accessLogs.arn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
        integrationLatency: '$context.integrationLatency',
      }),
    },
  });
  return api;
}

type PolicyStatement = { Sid: string; Action: string[]; Resource: string[] };

const capitalized = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}`;

/** Least privilege: the role names exactly the tables, queue access and secrets of the function's description. */
function accessStatements(fn: LambdaFunctionDescription, tables: Tables, queues: Queues, secrets: Secrets): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    { Sid: 'Tables', Action: READ_WRITE_ACTIONS, Resource: fn.tables.flatMap((t) => [tables[t].arn, `${tables[t].arn}/index/*`]) },
  ];
  for (const name of QUEUES) {
    const access = fn.queues[name];
    if (access) statements.push({ Sid: `${capitalized(name)}Queue`, Action: QUEUE_ACTIONS[access], Resource: [queues[name].queue.arn] });
  }
  for (const name of SECRETS) {
    if (fn.secrets.includes(name)) statements.push({ Sid: `${capitalized(name)}Secret`, Action: ['secretsmanager:GetSecretValue'], Resource: [secrets[name].secret.arn] });
  }
  return statements;
}

function addFunctions(stack: Stack, config: ResolvedStackConfig, deps: { tables: Tables; queues: Queues; secrets: Secrets }): Functions {
  const shared = {
    NODE_OPTIONS: '--enable-source-maps',
    ORDERS_QUEUE_URL: deps.queues.orders.queue.url,
    // The queue redelivers an unshipped order after this long; the shipment sweeper ships what it no longer will.
    FULFILMENT_RETRY_MS: String(deps.queues.orders.queue.visibilityTimeoutSecondsInput! * 1000),
    ...Object.fromEntries(TABLES.map((t) => [tableVariable(t), deps.tables[t].name])),
  };
  const functions = {} as Functions;
  for (const fn of LAMBDA_FUNCTIONS) {
    // A secret's ARN only where the function may read it: the environment and the role say the same.
    const environment = { ...shared, ...Object.fromEntries(fn.secrets.map((name) => [SECRET_VARIABLE[name], deps.secrets[name].secret.arn])) };
    // Created only once the secrets it reads hold their value: no invocation finds one empty.
    const secretValues = fn.secrets.map((name) => deps.secrets[name].value);
    functions[fn.id] = addFunction(stack, config, fn, accessStatements(fn, deps.tables, deps.queues, deps.secrets), environment, secretValues);
  }
  return functions;
}

/** The log group addFunction created for a function (construct id `<terraform name>_logs`). */
function logGroupOf(stack: Stack, id: LambdaFunctionDescription['id']): CloudwatchLogGroup {
  return stack.node.findChild(`${terraformName(id)}_logs`) as CloudwatchLogGroup;
}

/** The function with its log group, role and least-privilege policy; resources at aws_*.<terraform name>. */
function addFunction(
  stack: Stack,
  config: ResolvedStackConfig,
  fn: LambdaFunctionDescription,
  statements: PolicyStatement[],
  environment: Record<string, string>,
  secretValues: ITerraformDependable[],
): LambdaFunction {
  const s = config.serverless;
  const tf = terraformName(fn.id);
  const name = `${namePrefix(config)}-${fn.id}`;
  const logGroup = new CloudwatchLogGroup(stack, `${tf}_logs`, { name: `/aws/lambda/${name}`, retentionInDays: s.logRetentionDays });
  const role = atAddress(new IamRole(stack, `role_${tf}`, { name: `${name}-fn`, assumeRolePolicy: assumeRolePolicy('lambda.amazonaws.com') }), tf);
  new IamRolePolicy(stack, `${tf}_access`, {
    name: 'least-privilege',
    role: role.id,
    policy: policyJson([{ Sid: 'Logs', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${logGroup.arn}:*`] }, ...statements]),
  });
  const zip = new TerraformAsset(stack, `${tf}_zip`, { path: artifactPaths.lambdaZip(fn.id), type: AssetType.FILE });
  return new LambdaFunction(stack, tf, {
    functionName: name,
    role: role.arn,
    handler: LAMBDA_HANDLER,
    runtime: s.lambdaRuntime,
    filename: zip.path,
    sourceCodeHash: zip.assetHash,
    memorySize: s.lambdaMemoryMb,
    timeout: s.lambdaTimeoutSeconds,
    architectures: [s.lambdaArchitecture],
    ephemeralStorage: { size: s.lambdaEphemeralStorageMb },
    reservedConcurrentExecutions: s.reservedConcurrency ?? -1,
    // Only API-invoked functions get an alias with provisioned concurrency.
    publish: s.provisionedConcurrency > 0 && fn.kind === 'http',
    environment: { variables: environment },
    loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
    dependsOn: [logGroup, ...secretValues],
  });
}

/** Each queue consumer's event source mapping, at aws_lambda_event_source_mapping.<terraform name>. */
function addQueueTriggers(stack: Stack, queues: Queues, functions: Functions): void {
  for (const fn of QUEUE_CONSUMERS) {
    const tf = terraformName(fn.id);
    atAddress(new LambdaEventSourceMapping(stack, `${tf}_trigger`, {
      eventSourceArn: queues[fn.source].queue.arn,
      functionName: functions[fn.id].arn,
      batchSize: 10,
      functionResponseTypes: ['ReportBatchItemFailures'],
    }), tf);
  }
}

/**
 * Each scheduled function's EventBridge rule (rate from the system description), its target, and
 * EventBridge's permission to invoke it; at aws_cloudwatch_event_rule/target.<terraform name>.
 * A scheduled rule, not EventBridge Scheduler, though AWS now calls scheduled rules "legacy" and
 * recommends Scheduler (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-rule-schedule.html):
 * Scheduler's gains (time zones, one-time and millions of schedules, flexible windows, retries with a
 * DLQ) do nothing for one fixed-rate sweep that the next run repeats anyway, while it adds an
 * execution role to assume and bills invocations past its free tier
 * (https://aws.amazon.com/eventbridge/pricing/); the rule needs only the function's resource policy
 * and its events are free. Scheduled rules remain supported: moving is these three resources.
 */
function addSchedules(stack: Stack, config: ResolvedStackConfig, functions: Functions): void {
  for (const fn of SCHEDULED_FUNCTIONS) {
    const tf = terraformName(fn.id);
    const lambda = functions[fn.id];
    const rule = atAddress(new CloudwatchEventRule(stack, `${tf}_schedule`, {
      name: `${namePrefix(config)}-${fn.id}`,
      description: `Runs ${fn.id} ${rateExpression(fn.rate)}`,
      scheduleExpression: rateExpression(fn.rate),
    }), tf);
    atAddress(new CloudwatchEventTarget(stack, `${tf}_schedule_target`, {
      rule: rule.name,
      arn: lambda.arn,
      // A run older than one period is worth nothing: the next run sweeps the same backlog. EventBridge's
      // minimum event age is 60 s (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html).
      retryPolicy: { maximumEventAgeInSeconds: Math.max(60, rateSeconds(fn.rate)), maximumRetryAttempts: 2 },
    }), tf);
    new LambdaPermission(stack, `${tf}_from_schedule`, {
      statementId: 'AllowEventBridgeScheduleInvoke',
      action: 'lambda:InvokeFunction',
      functionName: lambda.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: rule.arn,
    });
  }
}

/** Each HTTP function's integration, its routes, and API Gateway's permission to invoke it. */
function addRoutes(stack: Stack, config: ResolvedStackConfig, api: Apigatewayv2Api, functions: Functions): void {
  for (const fn of HTTP_FUNCTIONS) {
    const lambda = functions[fn.id];
    const target = publishedTarget(stack, config, fn, lambda);
    const integration = atAddress(new Apigatewayv2Integration(stack, `integration_${fn.id}`, {
      apiId: api.id,
      integrationType: 'AWS_PROXY',
      integrationUri: target.invokeArn,
      payloadFormatVersion: '2.0',
      timeoutMilliseconds: Math.min(30_000, config.serverless.lambdaTimeoutSeconds * 1000 + 1000),
    }), fn.id);
    for (const routeKey of fn.routes) {
      atAddress(new Apigatewayv2Route(stack, `route_${routeId(routeKey)}`, { apiId: api.id, routeKey, target: `integrations/${integration.id}` }), routeId(routeKey));
    }
    new LambdaPermission(stack, `${fn.id}_from_api`, {
      statementId: 'AllowApiGatewayInvoke',
      action: 'lambda:InvokeFunction',
      functionName: lambda.functionName,
      qualifier: target.qualifier,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${api.executionArn}/*/*`,
    });
  }
}

/** With provisioned concurrency the API must invoke a published alias; otherwise $LATEST. */
function publishedTarget(stack: Stack, config: ResolvedStackConfig, fn: HttpFunctionDescription, lambda: LambdaFunction) {
  const provisioned = config.serverless.provisionedConcurrency;
  if (provisioned <= 0) return { invokeArn: lambda.invokeArn, qualifier: undefined };
  const alias = new LambdaAlias(stack, `${fn.id}_live`, { name: 'live', functionName: lambda.functionName, functionVersion: lambda.version });
  new LambdaProvisionedConcurrencyConfig(stack, `${fn.id}_provisioned`, {
    functionName: lambda.functionName,
    qualifier: alias.name,
    provisionedConcurrentExecutions: provisioned,
  });
  return { invokeArn: alias.invokeArn, qualifier: alias.name };
}

/** Each alarm notifies the stack's alarm topic (configureStack's aspect adds the actions). */
function addAlarms(stack: Stack, config: ResolvedStackConfig, api: Apigatewayv2Api, dlq: SqsQueue, functions: Functions): void {
  const prefix = namePrefix(config);
  new CloudwatchMetricAlarm(stack, 'api_5xx', {
    alarmName: `${prefix}-api-5xx`,
    alarmDescription: 'The HTTP API answers 5xx',
    namespace: 'AWS/ApiGateway',
    metricName: '5xx',
    dimensions: { ApiId: api.id },
    statistic: 'Sum',
    period: 60,
    evaluationPeriods: 5,
    threshold: 10,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
  });
  new CloudwatchMetricAlarm(stack, 'orders_dlq_not_empty', {
    alarmName: `${prefix}-orders-dlq`,
    alarmDescription: 'Orders failed processing and landed in the DLQ',
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: dlq.name },
    statistic: 'Maximum',
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
  });
  new CloudwatchMetricAlarm(stack, 'lambda_throttles', {
    alarmName: `${prefix}-lambda-throttles`,
    alarmDescription: 'The orders function is being throttled (concurrency limit reached)',
    namespace: 'AWS/Lambda',
    metricName: 'Throttles',
    dimensions: { FunctionName: functions.orders.functionName },
    statistic: 'Sum',
    period: 60,
    evaluationPeriods: 3,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
  });
}
