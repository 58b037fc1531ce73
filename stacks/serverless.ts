import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api/index.js';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration/index.js';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route/index.js';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage/index.js';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool/index.js';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client/index.js';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias/index.js';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping/index.js';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function/index.js';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission/index.js';
import { LambdaProvisionedConcurrencyConfig } from '@cdktf/provider-aws/lib/lambda-provisioned-concurrency-config/index.js';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue/index.js';
import { AssetType, TerraformAsset, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { artifactPaths, LAMBDA_HANDLER } from '../src/build/artifacts.js';
import { SERVERLESS_FUNCTIONS, type ResolvedStackConfig, type ServerlessFunction } from '../src/config/stack-config.js';
import { addJwtSecret, addPrivateBucket, assumeRolePolicy, atAddress, configureStack, namePrefix, policyJson } from './common.js';

export const TABLES = ['users', 'products', 'carts', 'orders', 'payments'] as const;
export type TableName = (typeof TABLES)[number];

/** Least privilege: exactly the tables (and queue access) each function's code uses. */
export const FUNCTION_ACCESS: Record<ServerlessFunction | 'orders_consumer', { tables: TableName[]; queue?: 'send' | 'receive' }> = {
  users: { tables: ['users'] },
  catalog: { tables: ['products'] },
  cart: { tables: ['carts', 'products'] },
  orders: { tables: ['orders', 'carts', 'products', 'payments'], queue: 'send' },
  payments: { tables: ['payments', 'orders'] },
  orders_consumer: { tables: ['orders'], queue: 'receive' },
};

/** API Gateway routes per function: the API contract's URL space split by domain. */
export const FUNCTION_ROUTES: Record<ServerlessFunction, string[]> = {
  users: ['ANY /users/{proxy+}'],
  catalog: ['GET /products', 'GET /products/{id}', 'GET /categories', 'GET /health'],
  cart: ['ANY /cart', 'ANY /cart/{proxy+}'],
  orders: ['ANY /orders', 'ANY /orders/{proxy+}'],
  payments: ['ANY /payments', 'ANY /payments/{proxy+}'],
};

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

/**
 * Serverless: API Gateway HTTP API in front of one Lambda per domain, DynamoDB tables on
 * demand, an SQS orders queue with a DLQ drained by a consumer function, S3 for static
 * assets and a Cognito user pool. Every function's role names exactly its tables and queue.
 */
export class ServerlessStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: ResolvedStackConfig) {
    super(scope, id);
    configureStack(this, 'serverless', config);
    const prefix = namePrefix(config);
    const s = config.serverless;

    const tables = Object.fromEntries(TABLES.map((name) => [name, addTable(this, config, name)])) as Record<TableName, DynamodbTable>;

    const dlq = new SqsQueue(this, 'orders_dlq', {
      name: `${prefix}-orders-dlq`,
      messageRetentionSeconds: 14 * 24 * 3600,
      sqsManagedSseEnabled: true,
    });
    const ordersQueue = atAddress(new SqsQueue(this, 'queue_orders', {
      name: `${prefix}-orders`,
      // AWS guidance: at least 6x the consumer's timeout, so in-flight batches are not redelivered.
      visibilityTimeoutSeconds: Math.max(30, 6 * s.lambdaTimeoutSeconds),
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: s.ordersMaxReceiveCount }),
    }), 'orders');

    const assets = addPrivateBucket(this, 'assets', `${prefix}-assets`);

    const userPool = new CognitoUserPool(this, 'main', {
      name: `${prefix}-users`,
      usernameAttributes: ['email'],
      autoVerifiedAttributes: ['email'],
      mfaConfiguration: 'OFF',
      deletionProtection: 'INACTIVE',
      passwordPolicy: { minimumLength: 10, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: false },
    });
    const userPoolClient = new CognitoUserPoolClient(this, 'web', {
      name: `${prefix}-web`,
      userPoolId: userPool.id,
      generateSecret: false,
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: 'ENABLED',
    });

    const jwtSecret = addJwtSecret(this, config);

    const api = new Apigatewayv2Api(this, 'http', {
      name: `${prefix}-api`,
      protocolType: 'HTTP',
      description: 'archcompare shop API',
    });
    const accessLogs = new CloudwatchLogGroup(this, 'api_access_logs', {
      name: `/aws/apigateway/${prefix}-api`,
      retentionInDays: s.logRetentionDays,
    });
    new Apigatewayv2Stage(this, 'default', {
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

    const env = {
      NODE_OPTIONS: '--enable-source-maps',
      JWT_SECRET_ARN: jwtSecret.arn,
      ORDERS_QUEUE_URL: ordersQueue.url,
      ...Object.fromEntries(TABLES.map((t) => [`TABLE_${t.toUpperCase()}`, tables[t].name])),
    };

    const functions = {} as Record<ServerlessFunction | 'orders_consumer', LambdaFunction>;
    for (const fn of [...SERVERLESS_FUNCTIONS, 'orders_consumer'] as const) {
      const access = FUNCTION_ACCESS[fn];
      const statements = [
        { Sid: 'Tables', Action: READ_WRITE_ACTIONS, Resource: access.tables.flatMap((t) => [tables[t].arn, `${tables[t].arn}/index/*`]) },
        { Sid: 'JwtKey', Action: ['secretsmanager:GetSecretValue'], Resource: [jwtSecret.arn] },
      ];
      if (access.queue === 'send') statements.push({ Sid: 'OrdersQueue', Action: ['sqs:SendMessage'], Resource: [ordersQueue.arn] });
      if (access.queue === 'receive')
        statements.push({ Sid: 'OrdersQueue', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: [ordersQueue.arn] });
      functions[fn] = addFunction(this, config, fn, statements, env);
    }

    atAddress(new LambdaEventSourceMapping(this, 'orders_consumer_trigger', {
      eventSourceArn: ordersQueue.arn,
      functionName: functions.orders_consumer.arn,
      batchSize: 10,
      functionResponseTypes: ['ReportBatchItemFailures'],
    }), 'orders_consumer');

    for (const fn of SERVERLESS_FUNCTIONS) {
      const target = publishedTarget(this, config, fn, functions[fn]);
      const integration = atAddress(new Apigatewayv2Integration(this, `integration_${fn}`, {
        apiId: api.id,
        integrationType: 'AWS_PROXY',
        integrationUri: target.invokeArn,
        payloadFormatVersion: '2.0',
        timeoutMilliseconds: Math.min(30_000, s.lambdaTimeoutSeconds * 1000 + 1000),
      }), fn);
      for (const routeKey of FUNCTION_ROUTES[fn]) {
        atAddress(new Apigatewayv2Route(this, `route_${routeId(routeKey)}`, { apiId: api.id, routeKey, target: `integrations/${integration.id}` }), routeId(routeKey));
      }
      new LambdaPermission(this, `${fn}_from_api`, {
        statementId: 'AllowApiGatewayInvoke',
        action: 'lambda:InvokeFunction',
        functionName: functions[fn].functionName,
        qualifier: target.qualifier,
        principal: 'apigateway.amazonaws.com',
        sourceArn: `${api.executionArn}/*/*`,
      });
    }

    addAlarms(this, config, api, dlq, functions);

    new TerraformOutput(this, 'url', { value: api.apiEndpoint });
    new TerraformOutput(this, 'api_id', { value: api.id });
    new TerraformOutput(this, 'orders_queue_url', { value: ordersQueue.url });
    new TerraformOutput(this, 'user_pool_id', { value: userPool.id });
    new TerraformOutput(this, 'user_pool_client_id', { value: userPoolClient.id });
    new TerraformOutput(this, 'assets_bucket', { value: assets.bucket });
    new TerraformOutput(this, 'jwt_secret_arn', { value: jwtSecret.arn });
  }
}

/** "ANY /users/{proxy+}" -> "any_users_proxy": a readable, valid logical id. */
export function routeId(routeKey: string): string {
  return routeKey
    .toLowerCase()
    .replace(/[{}+$]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

function addTable(stack: TerraformStack, config: ResolvedStackConfig, name: TableName): DynamodbTable {
  // Generic pk/sk + one overloaded GSI: every access pattern of the domain fits (see the app's table design).
  return atAddress(new DynamodbTable(stack, `table_${name}`, {
    name: `${namePrefix(config)}-${name}`,
    billingMode: 'PAY_PER_REQUEST',
    hashKey: 'pk',
    rangeKey: 'sk',
    attribute: [
      { name: 'pk', type: 'S' },
      { name: 'sk', type: 'S' },
      { name: 'gsi1pk', type: 'S' },
      { name: 'gsi1sk', type: 'S' },
    ],
    globalSecondaryIndex: [{ name: 'gsi1', hashKey: 'gsi1pk', rangeKey: 'gsi1sk', projectionType: 'ALL' }],
    ttl: { attributeName: 'ttl', enabled: true },
    serverSideEncryption: { enabled: true },
    pointInTimeRecovery: { enabled: config.serverless.dynamoPointInTimeRecovery },
    deletionProtectionEnabled: false,
  }), name);
}

function addFunction(
  stack: TerraformStack,
  config: ResolvedStackConfig,
  fn: ServerlessFunction | 'orders_consumer',
  statements: Array<{ Sid: string; Action: string[]; Resource: string[] }>,
  environment: Record<string, string>,
): LambdaFunction {
  const s = config.serverless;
  const name = `${namePrefix(config)}-${fn.replace('_', '-')}`;
  const logGroup = new CloudwatchLogGroup(stack, `${fn}_logs`, { name: `/aws/lambda/${name}`, retentionInDays: s.logRetentionDays });
  const role = atAddress(new IamRole(stack, `role_${fn}`, { name: `${name}-fn`, assumeRolePolicy: assumeRolePolicy('lambda.amazonaws.com') }), fn);
  new IamRolePolicy(stack, `${fn}_access`, {
    name: 'least-privilege',
    role: role.id,
    policy: policyJson([{ Sid: 'Logs', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${logGroup.arn}:*`] }, ...statements]),
  });
  const zipPath = fn === 'orders_consumer' ? artifactPaths.ordersConsumerZip() : artifactPaths.lambdaZip(fn);
  const zip = new TerraformAsset(stack, `${fn}_zip`, { path: zipPath, type: AssetType.FILE });
  return new LambdaFunction(stack, fn, {
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
    publish: s.provisionedConcurrency > 0 && fn !== 'orders_consumer',
    environment: { variables: environment },
    loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
    dependsOn: [logGroup],
  });
}

/** With provisioned concurrency the API must invoke a published alias; otherwise $LATEST. */
function publishedTarget(stack: TerraformStack, config: ResolvedStackConfig, fn: ServerlessFunction, lambda: LambdaFunction) {
  const provisioned = config.serverless.provisionedConcurrency;
  if (provisioned <= 0) return { invokeArn: lambda.invokeArn, qualifier: undefined };
  const alias = new LambdaAlias(stack, `${fn}_live`, { name: 'live', functionName: lambda.functionName, functionVersion: lambda.version });
  new LambdaProvisionedConcurrencyConfig(stack, `${fn}_provisioned`, {
    functionName: lambda.functionName,
    qualifier: alias.name,
    provisionedConcurrentExecutions: provisioned,
  });
  return { invokeArn: alias.invokeArn, qualifier: alias.name };
}

function addAlarms(
  stack: TerraformStack,
  config: ResolvedStackConfig,
  api: Apigatewayv2Api,
  dlq: SqsQueue,
  functions: Record<string, LambdaFunction>,
) {
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
    dimensions: { FunctionName: functions.orders!.functionName },
    statistic: 'Sum',
    period: 60,
    evaluationPeriods: 3,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
  });
}
