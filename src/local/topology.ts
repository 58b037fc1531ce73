import { tableKeySchema } from '../app/adapters/dynamodb/tables.js';
import { parseRateExpression, rateSeconds } from '../architecture/schedule.js';
import { API_ROUTES, LAMBDA_FUNCTION_IDS, lambdaFunctionIdOf, QUEUE_CONSUMERS, TABLES, terraformName, type LambdaFunctionId } from '../architecture/system.js';
import { block, blocks, bool, literalString, num, referencedAddress, resourcesOfType, resourceValues, wholeReference, type TerraformDocument } from '../architecture/terraform-document.js';
import type { Model, ResolvedStackConfig } from '../config/stack-config.js';
import { UserError } from '../errors.js';
import { dbMaxConnections, instanceVcpus } from './capacity.js';
import type { FidelityValues } from './fidelity.js';

/**
 * What the local runtime needs to know, read from the synthesized Terraform JSON (the single source
 * of truth for sizes, bounds and limits). Pure. A value the JSON does not hold literally (a "${...}"
 * token to an unknown resource) falls back to the stack config.
 */

export type { LambdaFunctionId };

export interface HealthCheckSpec {
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

export interface TraditionalTopology {
  model: 'traditional';
  name: string;
  instanceType: string;
  vcpus: number;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  targetCpuPercent: number;
  instanceWarmupSeconds: number;
  healthCheckGracePeriodSeconds: number;
  healthCheck: HealthCheckSpec;
  deregistrationDelaySeconds: number;
  db: { instanceClass: string; engineVersion: string; database: string; username: string; maxConnections: number };
  loadBalancerName: string;
  autoScalingGroupName: string;
  dbInstanceIdentifier: string;
}

export interface TableSpec {
  logicalId: string;
  name: string;
  hashKey: string;
  rangeKey?: string;
  attributes: Array<{ name: string; type: 'S' | 'N' | 'B' }>;
  globalSecondaryIndexes: Array<{ name: string; hashKey: string; rangeKey?: string; projectionType: string }>;
  ttlAttribute?: string;
}

export interface FunctionSpec {
  id: LambdaFunctionId;
  functionName: string;
  memoryMb: number;
  timeoutSeconds: number;
  architecture: string;
  reservedConcurrency?: number;
  /** Environments kept initialised ahead of traffic (aws_lambda_provisioned_concurrency_config). */
  provisionedConcurrency: number;
  /** Environment of the stack; values are literal or `{ ref: address }` for tokens the runtime resolves. */
  environment: Record<string, string | { ref: string }>;
}

export interface RouteSpec {
  method: string; // 'ANY' or an HTTP method
  path: string; // '/products/{id}', '/users/{proxy+}', or '$default'
  routeKey: string;
  fn: LambdaFunctionId;
  /** The integration's timeout (HTTP API caps it at 30 s). */
  integrationTimeoutMs?: number;
}

/** An EventBridge scheduled rule and the function it targets (aws_cloudwatch_event_rule + _target). */
export interface ScheduleSpec {
  ruleName: string;
  expression: string;
  /** The rate's period in modelled seconds. */
  everySeconds: number;
  fn: LambdaFunctionId;
}

export interface ServerlessTopology {
  model: 'serverless';
  name: string;
  apiName: string;
  stageName: string;
  throttle: { rateLimit: number; burstLimit: number };
  functions: FunctionSpec[];
  routes: RouteSpec[];
  tables: TableSpec[];
  queues: { orders: string; ordersDlq: string; maxReceiveCount: number; consumerBatchSize: number; visibilityTimeoutSeconds: number };
  schedules: ScheduleSpec[];
}

export type LocalTopology = TraditionalTopology | ServerlessTopology;

function lambdaIdOf(logical: string): LambdaFunctionId | undefined {
  return lambdaFunctionIdOf(logical);
}

export function traditionalTopology(tf: TerraformDocument, config: ResolvedStackConfig, fidelity: FidelityValues): TraditionalTopology {
  const t = config.traditional;
  const name = `${config.appName}-${config.runId}`;
  const asg = resourceValues(tf, 'aws_autoscaling_group', 'app');
  const lt = resourceValues(tf, 'aws_launch_template', 'app');
  const tg = resourceValues(tf, 'aws_lb_target_group', 'app');
  const hc = tg && block(tg, 'health_check');
  const policy = resourceValues(tf, 'aws_autoscaling_policy', 'cpu_target');
  const ttc = policy && block(policy, 'target_tracking_configuration');
  const db = resourceValues(tf, 'aws_db_instance', 'main');
  const lb = resourceValues(tf, 'aws_lb', 'main');
  const instanceType = literalString(lt, 'instance_type') ?? t.instanceType;
  const vcpus = instanceVcpus(instanceType);
  if (vcpus === undefined) throw new UserError(`instance type ${instanceType} has a size the local target cannot model`, 'use a standard size (nano … 48xlarge) in traditional.instanceType');
  const instanceClass = literalString(db, 'instance_class') ?? t.dbInstanceClass;
  return {
    model: 'traditional',
    name,
    instanceType,
    vcpus,
    minSize: num(asg, 'min_size') ?? t.minInstances,
    maxSize: num(asg, 'max_size') ?? t.maxInstances,
    desiredCapacity: num(asg, 'desired_capacity') ?? t.desiredInstances,
    targetCpuPercent: num(ttc, 'target_value') ?? t.targetCpuPercent,
    instanceWarmupSeconds: num(asg, 'default_instance_warmup') ?? num(policy, 'estimated_instance_warmup') ?? t.instanceWarmupSeconds,
    healthCheckGracePeriodSeconds: num(asg, 'health_check_grace_period') ?? 300,
    healthCheck: {
      path: literalString(hc, 'path') ?? t.healthCheckPath,
      intervalSeconds: num(hc, 'interval') ?? t.healthCheckIntervalSeconds,
      timeoutSeconds: num(hc, 'timeout') ?? 5,
      healthyThreshold: num(hc, 'healthy_threshold') ?? t.healthyThreshold,
      unhealthyThreshold: num(hc, 'unhealthy_threshold') ?? t.unhealthyThreshold,
    },
    deregistrationDelaySeconds: num(tg, 'deregistration_delay') ?? t.deregistrationDelaySeconds,
    db: {
      instanceClass,
      engineVersion: literalString(db, 'engine_version') ?? t.dbEngineVersion,
      database: literalString(db, 'db_name') ?? 'app',
      username: literalString(db, 'username') ?? 'app',
      maxConnections: dbMaxConnections(instanceClass, fidelity.rdsMaxConnectionsMemoryDivisor, fidelity.localMaxDbConnections),
    },
    loadBalancerName: literalString(lb, 'name') ?? `${name}-alb`,
    autoScalingGroupName: literalString(asg, 'name') ?? `${name}-asg`,
    dbInstanceIdentifier: literalString(db, 'identifier') ?? `${name}-db`,
  };
}

function tableSpec(logicalId: string, r: Record<string, unknown>, prefix: string): TableSpec {
  const ttl = block(r, 'ttl');
  return {
    logicalId,
    name: literalString(r, 'name') ?? `${prefix}-${logicalId}`,
    hashKey: literalString(r, 'hash_key') ?? 'pk',
    rangeKey: literalString(r, 'range_key'),
    attributes: blocks(r, 'attribute').map((a) => ({ name: String(a.name), type: (String(a.type ?? 'S') as 'S' | 'N' | 'B') })),
    globalSecondaryIndexes: blocks(r, 'global_secondary_index').map((g) => ({ name: String(g.name), hashKey: String(g.hash_key), rangeKey: literalString(g, 'range_key'), projectionType: literalString(g, 'projection_type') ?? 'ALL' })),
    ttlAttribute: ttl && bool(ttl, 'enabled') !== false ? literalString(ttl, 'attribute_name') : undefined,
  };
}

/** The contract's tables, used when the stack lists none (e.g. a stack synthesized without data tier). */
function contractTables(prefix: string): TableSpec[] {
  return TABLES.map((t) => {
    const keys = tableKeySchema(t);
    return {
      logicalId: t,
      name: `${prefix}-${t}`,
      hashKey: keys.hashKey,
      rangeKey: keys.rangeKey,
      attributes: keys.attributes.map((name) => ({ name, type: 'S' as const })),
      globalSecondaryIndexes: keys.indexes.map((i) => ({ name: i.name, hashKey: i.hashKey, rangeKey: i.rangeKey, projectionType: i.projection })),
      ttlAttribute: keys.ttlAttribute,
    };
  });
}

/**
 * Every scheduled rule of the stack with the function its target invokes: the local target runs the
 * same schedule. Only rules whose target is one of our functions count; a stack without rules has
 * no scheduled runs (the stack, not the system description, says what is deployed).
 */
export function scheduleSpecs(tf: TerraformDocument, prefix: string): ScheduleSpec[] {
  const specs: ScheduleSpec[] = [];
  for (const { values: target } of resourcesOfType(tf, 'aws_cloudwatch_event_target')) {
    const ruleAddress = referencedAddress(target.rule);
    const fnAddress = referencedAddress(target.arn);
    if (!ruleAddress?.startsWith('aws_cloudwatch_event_rule.') || !fnAddress?.startsWith('aws_lambda_function.')) continue;
    const fn = lambdaIdOf(fnAddress.slice('aws_lambda_function.'.length));
    const ruleLogical = ruleAddress.slice('aws_cloudwatch_event_rule.'.length);
    const rule = resourceValues(tf, 'aws_cloudwatch_event_rule', ruleLogical);
    const expression = literalString(rule, 'schedule_expression');
    if (!fn || !expression) continue;
    const rate = parseRateExpression(expression);
    if (!rate) throw new UserError(`aws_cloudwatch_event_rule.${ruleLogical}: the local target runs rate(...) schedules only, not '${expression}'`, 'use a rate expression such as rate(1 minute) in the stack');
    specs.push({ ruleName: literalString(rule, 'name') ?? `${prefix}-${ruleLogical}`, expression, everySeconds: rateSeconds(rate), fn });
  }
  return specs;
}

/** The system description's routes, used when the stack lists none. */
export const CONTRACT_ROUTES: Array<[string, LambdaFunctionId]> = API_ROUTES.map(({ routeKey, fn }) => [routeKey, fn]);

export function parseRouteKey(routeKey: string, fn: LambdaFunctionId): RouteSpec {
  if (routeKey === '$default') return { method: 'ANY', path: '$default', routeKey, fn };
  const [method = 'ANY', path = '/'] = routeKey.split(' ');
  return { method: method.toUpperCase(), path, routeKey, fn };
}

export function serverlessTopology(tf: TerraformDocument, config: ResolvedStackConfig): ServerlessTopology {
  const s = config.serverless;
  const name = `${config.appName}-${config.runId}`;
  const functions: FunctionSpec[] = [];
  for (const { name: logical, values: r } of resourcesOfType(tf, 'aws_lambda_function')) {
    const id = lambdaIdOf(logical);
    if (!id) continue;
    const env = block(r, 'environment');
    const vars = (env && block(env, 'variables')) ?? {};
    const environment: FunctionSpec['environment'] = {};
    for (const [k, v] of Object.entries(vars)) {
      const ref = wholeReference(v);
      const value = literalString(vars, k);
      if (ref) environment[k] = { ref };
      else if (value !== undefined) environment[k] = value;
    }
    const arch = Array.isArray(r.architectures) ? String(r.architectures[0]) : s.lambdaArchitecture;
    const reserved = num(r, 'reserved_concurrent_executions');
    functions.push({
      id,
      functionName: literalString(r, 'function_name') ?? `${name}-${id}`,
      memoryMb: num(r, 'memory_size') ?? s.lambdaMemoryMb,
      timeoutSeconds: num(r, 'timeout') ?? s.lambdaTimeoutSeconds,
      architecture: arch,
      reservedConcurrency: reserved !== undefined && reserved >= 0 ? reserved : s.reservedConcurrency,
      provisionedConcurrency: num(resourceValues(tf, 'aws_lambda_provisioned_concurrency_config', `${logical}_provisioned`), 'provisioned_concurrent_executions') ?? 0,
      environment,
    });
  }
  for (const id of LAMBDA_FUNCTION_IDS) {
    if (functions.some((f) => f.id === id)) continue;
    functions.push({ id, functionName: `${name}-${id}`, memoryMb: s.lambdaMemoryMb, timeoutSeconds: s.lambdaTimeoutSeconds, architecture: s.lambdaArchitecture, reservedConcurrency: s.reservedConcurrency, provisionedConcurrency: 0, environment: {} });
  }

  // route -> integration -> function, following the "${...}" references by address.
  const integrationFn = new Map<string, { fn: LambdaFunctionId; timeoutMs?: number }>();
  for (const { address, name: logical, values: r } of resourcesOfType(tf, 'aws_apigatewayv2_integration')) {
    const target = referencedAddress(r.integration_uri);
    const fnLogical = target?.startsWith('aws_lambda_function.') ? target.slice('aws_lambda_function.'.length) : logical;
    const id = lambdaIdOf(fnLogical);
    if (id) integrationFn.set(address, { fn: id, timeoutMs: num(r, 'timeout_milliseconds') });
  }
  const routes: RouteSpec[] = [];
  for (const { values: r } of resourcesOfType(tf, 'aws_apigatewayv2_route')) {
    const key = literalString(r, 'route_key');
    const target = referencedAddress(r.target);
    const integration = target ? integrationFn.get(target) : undefined;
    if (key && integration) routes.push({ ...parseRouteKey(key, integration.fn), integrationTimeoutMs: integration.timeoutMs });
  }
  if (routes.length === 0) routes.push(...CONTRACT_ROUTES.map(([k, fn]) => parseRouteKey(k, fn)));

  const stage = resourceValues(tf, 'aws_apigatewayv2_stage', 'default');
  const drs = stage && block(stage, 'default_route_settings');
  const api = resourceValues(tf, 'aws_apigatewayv2_api', 'http');
  const tables = resourcesOfType(tf, 'aws_dynamodb_table').map((r) => tableSpec(r.name, r.values, name));
  const queue = resourceValues(tf, 'aws_sqs_queue', 'orders');
  const dlq = resourceValues(tf, 'aws_sqs_queue', 'orders_dlq');
  const ordersConsumer = QUEUE_CONSUMERS.find((c) => c.source === 'orders');
  const esm = ordersConsumer && resourceValues(tf, 'aws_lambda_event_source_mapping', terraformName(ordersConsumer.id));
  return {
    model: 'serverless',
    name,
    apiName: literalString(api, 'name') ?? `${name}-api`,
    stageName: literalString(stage, 'name') ?? '$default',
    throttle: { rateLimit: num(drs, 'throttling_rate_limit') ?? s.apiThrottleRateLimit, burstLimit: num(drs, 'throttling_burst_limit') ?? s.apiThrottleBurstLimit },
    functions,
    routes,
    tables: tables.length > 0 ? tables : contractTables(name),
    queues: {
      orders: literalString(queue, 'name') ?? `${name}-orders`,
      ordersDlq: literalString(dlq, 'name') ?? `${name}-orders-dlq`,
      maxReceiveCount: redriveMaxReceiveCount(queue?.redrive_policy) ?? s.ordersMaxReceiveCount,
      consumerBatchSize: num(esm, 'batch_size') ?? 10,
      visibilityTimeoutSeconds: num(queue, 'visibility_timeout_seconds') ?? 30,
    },
    schedules: scheduleSpecs(tf, name),
  };
}

function redriveMaxReceiveCount(policy: unknown): number | undefined {
  if (typeof policy !== 'string') return undefined;
  try {
    return num(JSON.parse(policy) as Record<string, unknown>, 'maxReceiveCount');
  } catch {
    return undefined;
  }
}

export function topologyFor(model: Model, tf: TerraformDocument, config: ResolvedStackConfig, fidelity: FidelityValues): LocalTopology {
  return model === 'traditional' ? traditionalTopology(tf, config, fidelity) : serverlessTopology(tf, config);
}
