import { readFile } from 'node:fs/promises';
import { API_ROUTES, LAMBDA_FUNCTION_IDS, lambdaFunctionIdOf, TABLES, type LambdaFunctionId } from '../architecture/system.js';
import type { Model, ResolvedStackConfig } from '../config/stack-config.js';
import { UserError } from '../errors.js';
import { dbMaxConnections, instanceVcpus } from './capacity.js';
import type { FidelityValues } from './fidelity.js';

/**
 * What the local runtime needs to know, read from the synthesized Terraform JSON (the single source
 * of truth for sizes, bounds and limits). Pure: no I/O except readTerraformJson. A value the JSON does
 * not hold literally (a "${...}" token to an unknown resource) falls back to the stack config.
 */

export type TerraformJson = { resource?: Record<string, Record<string, Record<string, unknown>>> };
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
}

export type LocalTopology = TraditionalTopology | ServerlessTopology;

export async function readTerraformJson(file: string): Promise<TerraformJson> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`synthesized stack ${file} cannot be read`, 'run `archcompare synth` (deploy does it for you) and retry');
  }
  try {
    return JSON.parse(text) as TerraformJson;
  } catch {
    throw new UserError(`synthesized stack ${file} is not valid JSON`, 'synthesize the stack again with `archcompare synth`');
  }
}

const TOKEN = /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_.[\]]+))?\}$/;

function resource(tf: TerraformJson, type: string, name: string): Record<string, unknown> | undefined {
  return tf.resource?.[type]?.[name];
}
function resourcesOf(tf: TerraformJson, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(tf.resource?.[type] ?? {});
}
/** Terraform blocks may be written as an object or a one-element list. */
function block(v: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(v)) return block(v[0]);
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}
function literal(v: unknown): string | undefined {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string' || v.includes('${')) return undefined;
  return v;
}
function num(v: unknown, fallback: number): number;
function num(v: unknown, fallback?: number): number | undefined;
function num(v: unknown, fallback?: number): number | undefined {
  const s = literal(v);
  const n = s === undefined ? NaN : Number(s);
  return Number.isFinite(n) ? n : fallback;
}
function str(v: unknown, fallback: string): string {
  return literal(v) ?? fallback;
}

function lambdaIdOf(logical: string): LambdaFunctionId | undefined {
  return lambdaFunctionIdOf(logical);
}

export function traditionalTopology(tf: TerraformJson, config: ResolvedStackConfig, fidelity: FidelityValues): TraditionalTopology {
  const t = config.traditional;
  const name = `${config.appName}-${config.runId}`;
  const asg = resource(tf, 'aws_autoscaling_group', 'app') ?? {};
  const lt = resource(tf, 'aws_launch_template', 'app') ?? {};
  const tg = resource(tf, 'aws_lb_target_group', 'app') ?? {};
  const hc = block(tg.health_check) ?? {};
  const policy = resource(tf, 'aws_autoscaling_policy', 'cpu_target') ?? {};
  const ttc = block(policy.target_tracking_configuration) ?? {};
  const db = resource(tf, 'aws_db_instance', 'main') ?? {};
  const lb = resource(tf, 'aws_lb', 'main') ?? {};
  const instanceType = str(lt.instance_type, t.instanceType);
  const vcpus = instanceVcpus(instanceType);
  if (vcpus === undefined) throw new UserError(`instance type ${instanceType} has a size the local target cannot model`, 'use a standard size (nano … 48xlarge) in traditional.instanceType');
  const instanceClass = str(db.instance_class, t.dbInstanceClass);
  return {
    model: 'traditional',
    name,
    instanceType,
    vcpus,
    minSize: num(asg.min_size, t.minInstances),
    maxSize: num(asg.max_size, t.maxInstances),
    desiredCapacity: num(asg.desired_capacity, t.desiredInstances),
    targetCpuPercent: num(ttc.target_value, t.targetCpuPercent),
    instanceWarmupSeconds: num(asg.default_instance_warmup, num(policy.estimated_instance_warmup, t.instanceWarmupSeconds)),
    healthCheckGracePeriodSeconds: num(asg.health_check_grace_period, 300),
    healthCheck: {
      path: str(hc.path, t.healthCheckPath),
      intervalSeconds: num(hc.interval, t.healthCheckIntervalSeconds),
      timeoutSeconds: num(hc.timeout, 5),
      healthyThreshold: num(hc.healthy_threshold, t.healthyThreshold),
      unhealthyThreshold: num(hc.unhealthy_threshold, t.unhealthyThreshold),
    },
    deregistrationDelaySeconds: num(tg.deregistration_delay, t.deregistrationDelaySeconds),
    db: {
      instanceClass,
      engineVersion: str(db.engine_version, t.dbEngineVersion),
      database: str(db.db_name, 'app'),
      username: str(db.username, 'app'),
      maxConnections: dbMaxConnections(instanceClass, fidelity.rdsMaxConnectionsMemoryDivisor, fidelity.localMaxDbConnections),
    },
    loadBalancerName: str(lb.name, `${name}-alb`),
    autoScalingGroupName: str(asg.name, `${name}-asg`),
    dbInstanceIdentifier: str(db.identifier, `${name}-db`),
  };
}

function tableSpec(logicalId: string, r: Record<string, unknown>, prefix: string): TableSpec {
  const attrs = (Array.isArray(r.attribute) ? r.attribute : r.attribute ? [r.attribute] : []) as Array<Record<string, unknown>>;
  const gsis = (Array.isArray(r.global_secondary_index) ? r.global_secondary_index : r.global_secondary_index ? [r.global_secondary_index] : []) as Array<Record<string, unknown>>;
  const ttl = block(r.ttl);
  return {
    logicalId,
    name: str(r.name, `${prefix}-${logicalId}`),
    hashKey: str(r.hash_key, 'pk'),
    rangeKey: literal(r.range_key),
    attributes: attrs.map((a) => ({ name: String(a.name), type: (String(a.type ?? 'S') as 'S' | 'N' | 'B') })),
    globalSecondaryIndexes: gsis.map((g) => ({ name: String(g.name), hashKey: String(g.hash_key), rangeKey: literal(g.range_key), projectionType: str(g.projection_type, 'ALL') })),
    ttlAttribute: ttl && ttl.enabled !== false ? literal(ttl.attribute_name) : undefined,
  };
}

/** The contract's tables, used when the stack lists none (e.g. a stack synthesized without data tier). */
function contractTables(prefix: string): TableSpec[] {
  return TABLES.map((t) => ({
    logicalId: t,
    name: `${prefix}-${t}`,
    hashKey: 'pk',
    rangeKey: 'sk',
    attributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({ name, type: 'S' as const })),
    globalSecondaryIndexes: [{ name: 'gsi1', hashKey: 'gsi1pk', rangeKey: 'gsi1sk', projectionType: 'ALL' }],
    ttlAttribute: 'ttl',
  }));
}

/** The system description's routes, used when the stack lists none. */
export const CONTRACT_ROUTES: Array<[string, LambdaFunctionId]> = API_ROUTES.map(({ routeKey, fn }) => [routeKey, fn]);

export function parseRouteKey(routeKey: string, fn: LambdaFunctionId): RouteSpec {
  if (routeKey === '$default') return { method: 'ANY', path: '$default', routeKey, fn };
  const [method = 'ANY', path = '/'] = routeKey.split(' ');
  return { method: method.toUpperCase(), path, routeKey, fn };
}

export function serverlessTopology(tf: TerraformJson, config: ResolvedStackConfig): ServerlessTopology {
  const s = config.serverless;
  const name = `${config.appName}-${config.runId}`;
  const functions: FunctionSpec[] = [];
  for (const [logical, r] of resourcesOf(tf, 'aws_lambda_function')) {
    const id = lambdaIdOf(logical);
    if (!id) continue;
    const env = block(r.environment);
    const vars = (block(env?.variables) ?? {}) as Record<string, unknown>;
    const environment: FunctionSpec['environment'] = {};
    for (const [k, v] of Object.entries(vars)) {
      const m = typeof v === 'string' ? TOKEN.exec(v) : null;
      if (m) environment[k] = { ref: m[2] ? `${m[1]}.${m[2]}` : m[1]! };
      else if (literal(v) !== undefined) environment[k] = literal(v)!;
    }
    const arch = Array.isArray(r.architectures) ? String(r.architectures[0]) : s.lambdaArchitecture;
    const reserved = num(r.reserved_concurrent_executions);
    functions.push({
      id,
      functionName: str(r.function_name, `${name}-${id}`),
      memoryMb: num(r.memory_size, s.lambdaMemoryMb),
      timeoutSeconds: num(r.timeout, s.lambdaTimeoutSeconds),
      architecture: arch,
      reservedConcurrency: reserved !== undefined && reserved >= 0 ? reserved : s.reservedConcurrency,
      provisionedConcurrency: num(resource(tf, 'aws_lambda_provisioned_concurrency_config', `${logical}_provisioned`)?.provisioned_concurrent_executions, 0),
      environment,
    });
  }
  for (const id of LAMBDA_FUNCTION_IDS) {
    if (functions.some((f) => f.id === id)) continue;
    functions.push({ id, functionName: `${name}-${id}`, memoryMb: s.lambdaMemoryMb, timeoutSeconds: s.lambdaTimeoutSeconds, architecture: s.lambdaArchitecture, reservedConcurrency: s.reservedConcurrency, provisionedConcurrency: 0, environment: {} });
  }

  // route -> integration -> function, following the "${...}" references by address.
  const integrationFn = new Map<string, { fn: LambdaFunctionId; timeoutMs?: number }>();
  for (const [logical, r] of resourcesOf(tf, 'aws_apigatewayv2_integration')) {
    const m = typeof r.integration_uri === 'string' ? TOKEN.exec(r.integration_uri) : null;
    const fnLogical = m?.[1]?.startsWith('aws_lambda_function.') ? m[1].split('.')[1]! : logical;
    const id = lambdaIdOf(fnLogical);
    if (id) integrationFn.set(logical, { fn: id, timeoutMs: num(r.timeout_milliseconds) });
  }
  const routes: RouteSpec[] = [];
  for (const [, r] of resourcesOf(tf, 'aws_apigatewayv2_route')) {
    const key = literal(r.route_key);
    const target = typeof r.target === 'string' ? /aws_apigatewayv2_integration\.([A-Za-z0-9_-]+)/.exec(r.target) : null;
    const integration = target ? integrationFn.get(target[1]!) : undefined;
    if (key && integration) routes.push({ ...parseRouteKey(key, integration.fn), integrationTimeoutMs: integration.timeoutMs });
  }
  if (routes.length === 0) routes.push(...CONTRACT_ROUTES.map(([k, fn]) => parseRouteKey(k, fn)));

  const stage = resource(tf, 'aws_apigatewayv2_stage', 'default') ?? {};
  const drs = block(stage.default_route_settings) ?? {};
  const api = resource(tf, 'aws_apigatewayv2_api', 'http') ?? {};
  const tables = resourcesOf(tf, 'aws_dynamodb_table').map(([logical, r]) => tableSpec(logical, r, name));
  const queue = resource(tf, 'aws_sqs_queue', 'orders') ?? {};
  const dlq = resource(tf, 'aws_sqs_queue', 'orders_dlq') ?? {};
  const esm = resource(tf, 'aws_lambda_event_source_mapping', 'orders_consumer') ?? {};
  return {
    model: 'serverless',
    name,
    apiName: str(api.name, `${name}-api`),
    stageName: str(stage.name, '$default'),
    throttle: { rateLimit: num(drs.throttling_rate_limit, s.apiThrottleRateLimit), burstLimit: num(drs.throttling_burst_limit, s.apiThrottleBurstLimit) },
    functions,
    routes,
    tables: tables.length > 0 ? tables : contractTables(name),
    queues: {
      orders: str(queue.name, `${name}-orders`),
      ordersDlq: str(dlq.name, `${name}-orders-dlq`),
      maxReceiveCount: redriveMaxReceiveCount(queue.redrive_policy) ?? s.ordersMaxReceiveCount,
      consumerBatchSize: num(esm.batch_size, 10),
      visibilityTimeoutSeconds: num(queue.visibility_timeout_seconds, 30),
    },
  };
}

function redriveMaxReceiveCount(policy: unknown): number | undefined {
  if (typeof policy !== 'string') return undefined;
  try {
    return num((JSON.parse(policy) as { maxReceiveCount?: unknown }).maxReceiveCount);
  } catch {
    return undefined;
  }
}

export function topologyFor(model: Model, tf: TerraformJson, config: ResolvedStackConfig, fidelity: FidelityValues): LocalTopology {
  return model === 'traditional' ? traditionalTopology(tf, config, fidelity) : serverlessTopology(tf, config);
}
