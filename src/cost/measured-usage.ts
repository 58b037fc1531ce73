import { z } from 'zod';
import { COST, costId, type CostParameterId, type CostParameterName, type CostValues } from '../architecture/modelled-parameters.js';
import { rateSeconds } from '../architecture/schedule.js';
import { DOMAINS, LAMBDA_FUNCTIONS, terraformName, type LambdaFunctionDescription } from '../architecture/system.js';
import type { PreparedStack } from './engine.js';
import { block, num, referencedAddress, str, type TerraformResource } from '../architecture/terraform-document.js';
import { BYTES_PER_GB, SECONDS_PER_MONTH } from './units.js';
import type { ResourceUsage } from './resources/types.js';
import type { UsageSet } from './usage.js';

/**
 * MeasuredUsage: the narrow input the cost engine takes from a bench run (or from modelled
 * defaults, labelled as such), already extrapolated to one month. Keys of `lambda`, `dynamoDb` and
 * `sqs` are the resources' Terraform names (aws_lambda_function.<name>, aws_dynamodb_table.<name>,
 * aws_sqs_queue.<name>), which the stacks keep clean (users, catalog, orders_consumer …).
 */
const nn = z.number().finite().nonnegative({ message: 'must be ≥ 0' });

export const MeasuredUsageSchema = z
  .object({
    /** "measured" (a bench run) or "modelled" (documented defaults): the breakdown says which. */
    kind: z.enum(['measured', 'modelled']),
    /** Where the numbers came from, e.g. ".archcompare/results/r1/serverless.json (local target, steady, 300 s)". */
    source: z.string().min(1),
    /** API requests per month (all routes). */
    requestsPerMonth: nn,
    /** Per route ("GET /products"), informational: functions carry the priced counts. */
    requestsPerMonthByRoute: z.record(z.string(), nn).default({}),
    lambda: z
      .record(
        z.string(),
        z.object({
          invocationsPerMonth: nn,
          meanDurationMs: nn,
          coldStartsPerMonth: nn.default(0),
          meanInitMs: nn.default(0),
          /** Log bytes written per invocation (platform START/END/REPORT lines plus the app's own). */
          logBytesPerInvocation: nn.optional(),
        }),
      )
      .default({}),
    /** Consumed capacity per API request (ReturnConsumedCapacity: TOTAL, so GSI writes are included). */
    dynamoDb: z.record(z.string(), z.object({ readRequestUnitsPerRequest: nn, writeRequestUnitsPerRequest: nn, storageGb: nn.optional() })).default({}),
    /** SQS API calls per API request, plus calls that happen regardless of traffic (Lambda's long-polling). */
    sqs: z.record(z.string(), z.object({ requestsPerRequest: nn, fixedRequestsPerMonth: nn.default(0) })).default({}),
    /** ASG instance count over the measured window. */
    instances: z.object({ average: nn, peak: nn }).optional(),
    /**
     * The load balancer's LCU dimensions per unit of traffic, where the run's metrics measured them
     * (AWS/ApplicationELB NewConnectionCount, ActiveConnectionCount, ProcessedBytes, RuleEvaluations);
     * a dimension left out is modelled.
     */
    alb: z
      .object({
        newConnectionsPerRequest: nn.optional(),
        /** Connections active in a minute per request/s of traffic. */
        activeConnectionsPerRequestPerSecond: nn.optional(),
        processedBytesPerRequest: nn.optional(),
        ruleEvaluationsPerRequest: nn.optional(),
      })
      .optional(),
    /** Requests/s one instance serves at the scaling policy's target CPU: sizes the ASG along the cost curve. */
    requestsPerSecondPerInstance: z.number().positive({ message: 'must be > 0' }).optional(),
    bytesOutPerRequest: nn,
    bytesInPerRequest: nn.default(0),
    /** API Gateway access-log bytes per request. */
    accessLogBytesPerRequest: nn.default(0),
    monthlyActiveUsers: nn.default(0),
    /** GB/month the app servers send through the NAT gateway(s) (package installs, AWS APIs without endpoints). */
    natGbPerMonth: nn.default(0),
  })
  .strict();
export type MeasuredUsage = z.infer<typeof MeasuredUsageSchema>;
export type MeasuredUsageInput = z.input<typeof MeasuredUsageSchema>;

/** Functions that run on a schedule: their invocations follow the clock, not the traffic. */
const SCHEDULED: ReadonlySet<string> = new Set(LAMBDA_FUNCTIONS.filter((f) => f.kind === 'scheduled').map((f) => terraformName(f.id)));

/** A bench run's raw totals over its measured window, before extrapolation. */
export interface MeasuredWindow {
  source: string;
  windowSeconds: number;
  requests: number;
  requestsByRoute?: Record<string, number>;
  lambda?: Record<string, { invocations: number; meanDurationMs: number; coldStarts: number; meanInitMs: number; logBytesPerInvocation?: number }>;
  /** Total consumed capacity per table over the window. */
  dynamoDb?: Record<string, { readRequestUnits: number; writeRequestUnits: number; storageGb?: number }>;
  sqs?: Record<string, { requests: number }>;
  instances?: { average: number; peak: number };
  /** Load balancer totals over the window; activeConnections is the mean of the per-minute figures. */
  alb?: { newConnections?: number; activeConnections?: number; processedBytes?: number; ruleEvaluations?: number };
  requestsPerSecondPerInstance?: number;
  bytesOut: number;
  bytesIn?: number;
  accessLogBytes?: number;
  natGb?: number;
}

/**
 * Extrapolates a measured window to a month. By default the window's rate is held for the whole
 * month (x 2,628,000 s / window); with `requestsPerMonth` the totals are scaled to that traffic
 * instead. Per-request ratios (RRU/WRU per request, bytes per request, mean durations) carry over
 * unchanged; the instance counts are the window's (they are a level, not a count).
 */
export function extrapolateToMonth(window: MeasuredWindow, options: { requestsPerMonth?: number } = {}): MeasuredUsage {
  if (!(window.windowSeconds > 0)) throw new Error(`measured window must last > 0 s (got ${window.windowSeconds})`);
  const factor = options.requestsPerMonth !== undefined ? (window.requests > 0 ? options.requestsPerMonth / window.requests : 0) : SECONDS_PER_MONTH / window.windowSeconds;
  const perRequest = (total: number) => (window.requests > 0 ? total / window.requests : 0);
  return MeasuredUsageSchema.parse({
    kind: 'measured',
    source: `${window.source} (${window.windowSeconds} s window extrapolated to a month${options.requestsPerMonth !== undefined ? ` at ${options.requestsPerMonth} requests` : ''})`,
    requestsPerMonth: window.requests * factor,
    requestsPerMonthByRoute: Object.fromEntries(Object.entries(window.requestsByRoute ?? {}).map(([r, n]) => [r, n * factor])),
    lambda: Object.fromEntries(
      Object.entries(window.lambda ?? {}).map(([fn, m]) => {
        // A scheduled function runs as often in any month, whatever traffic the month is scaled to.
        const f = SCHEDULED.has(fn) ? SECONDS_PER_MONTH / window.windowSeconds : factor;
        return [fn, { invocationsPerMonth: m.invocations * f, meanDurationMs: m.meanDurationMs, coldStartsPerMonth: m.coldStarts * f, meanInitMs: m.meanInitMs, ...(m.logBytesPerInvocation !== undefined ? { logBytesPerInvocation: m.logBytesPerInvocation } : {}) }];
      }),
    ),
    dynamoDb: Object.fromEntries(
      Object.entries(window.dynamoDb ?? {}).map(([t, m]) => [t, { readRequestUnitsPerRequest: perRequest(m.readRequestUnits), writeRequestUnitsPerRequest: perRequest(m.writeRequestUnits), ...(m.storageGb !== undefined ? { storageGb: m.storageGb } : {}) }]),
    ),
    sqs: Object.fromEntries(Object.entries(window.sqs ?? {}).map(([q, m]) => [q, { requestsPerRequest: perRequest(m.requests), fixedRequestsPerMonth: 0 }])),
    ...(window.instances ? { instances: window.instances } : {}),
    ...(window.alb ? { alb: albPerRequest(window, perRequest) } : {}),
    ...(window.requestsPerSecondPerInstance ? { requestsPerSecondPerInstance: window.requestsPerSecondPerInstance } : {}),
    bytesOutPerRequest: perRequest(window.bytesOut),
    bytesInPerRequest: perRequest(window.bytesIn ?? 0),
    accessLogBytesPerRequest: perRequest(window.accessLogBytes ?? 0),
    natGbPerMonth: (window.natGb ?? 0) * (SECONDS_PER_MONTH / window.windowSeconds),
  });
}

/** The window's load balancer totals as per-request ratios (active connections per request/s: they are a level). */
function albPerRequest(window: MeasuredWindow, perRequest: (total: number) => number): NonNullable<MeasuredUsage['alb']> {
  const a = window.alb!;
  const rps = window.requests / window.windowSeconds;
  return {
    ...(a.newConnections !== undefined ? { newConnectionsPerRequest: perRequest(a.newConnections) } : {}),
    ...(a.activeConnections !== undefined ? { activeConnectionsPerRequestPerSecond: rps > 0 ? a.activeConnections / rps : 0 } : {}),
    ...(a.processedBytes !== undefined ? { processedBytesPerRequest: perRequest(a.processedBytes) } : {}),
    ...(a.ruleEvaluations !== undefined ? { ruleEvaluationsPerRequest: perRequest(a.ruleEvaluations) } : {}),
  };
}

/** Lambda's SQS poller's receives in a month, whether or not messages arrive. */
export const sqsPollerRequestsPerMonth = (): number => COST.sqsPollerReceivesPerMinute * (SECONDS_PER_MONTH / 60);

/** A scheduled function's runs in a month: one per period of its rate (the rate's own fact, not a modelled number). */
export const scheduledInvocationsPerMonth = (f: LambdaFunctionDescription): number => (f.kind === 'scheduled' ? SECONDS_PER_MONTH / rateSeconds(f.rate) : 0);

/** The cost parameters modelledUsage reads, by the part of the usage they fill (for provenance). */
export const MODELLED_WORKLOAD_PARAMETERS = {
  lambda: ['cost.requestMix', 'cost.orderPlacementsPerOrdersRequest', 'cost.lambdaMeanDurationMs', 'cost.coldStartsPerInvocation', 'cost.lambdaInitMs', 'cost.logBytesPerInvocation'],
  dynamoDb: ['cost.requestMix', 'cost.orderPlacementsPerOrdersRequest', 'cost.dynamoDbRequestUnitsPerRequest', 'cost.dynamoDbRequestUnitsPerOrderPlacement', 'cost.indexWriteMultiplier'],
  sqs: ['cost.requestMix', 'cost.orderPlacementsPerOrdersRequest', 'cost.sqsRequestsPerMessage', 'cost.sqsPollerReceivesPerMinute'],
  bytes: ['cost.bytesOutPerRequest', 'cost.bytesInPerRequest', 'cost.accessLogBytesPerRequest'],
  capacity: ['cost.requestsPerSecondPerInstance'],
} as const satisfies Record<string, readonly CostParameterId[]>;
export const MODELLED_MIX_PARAMETERS: readonly CostParameterId[] = [...new Set(Object.values(MODELLED_WORKLOAD_PARAMETERS).flat())];

/**
 * Per API request, the request units each table consumes across the mix: each function's share
 * of requests times its units, then the order placements'; writes multiplied for the index.
 */
function modelledTableUnits(placementsPerRequest: number): MeasuredUsage['dynamoDb'] {
  const sources: Array<[share: number, units: Partial<Record<string, { read: number; write: number }>>]> = [
    ...DOMAINS.map((fn): [number, Partial<Record<string, { read: number; write: number }>>] => [COST.requestMix[fn], COST.dynamoDbRequestUnitsPerRequest[fn]]),
    [placementsPerRequest, COST.dynamoDbRequestUnitsPerOrderPlacement],
  ];
  const tables = [...new Set(sources.flatMap(([, units]) => Object.keys(units)))];
  return Object.fromEntries(
    tables.map((table) => {
      let read = 0;
      let write = 0;
      for (const [share, units] of sources) {
        read += share * (units[table]?.read ?? 0);
        write += share * (units[table]?.write ?? 0);
      }
      return [table, { readRequestUnitsPerRequest: read, writeRequestUnitsPerRequest: write * COST.indexWriteMultiplier }];
    }),
  );
}

/** The default e-commerce workload shape: a browse-heavy mix (modelled; a bench run replaces it). */
export function modelledUsage(requestsPerMonth: number): MeasuredUsage {
  const r = requestsPerMonth;
  const mix = COST.requestMix;
  // Placed orders become queue messages, each one consumer invocation.
  const orderPlacements = r * (mix.orders ?? 0) * COST.orderPlacementsPerOrdersRequest;
  const placementsPerRequest = orderPlacements / Math.max(r, 1);
  const fn = (name: string, invocations: number) => ({
    invocationsPerMonth: invocations,
    meanDurationMs: COST.lambdaMeanDurationMs[name] ?? 0,
    coldStartsPerMonth: invocations * COST.coldStartsPerInvocation,
    meanInitMs: COST.lambdaInitMs,
    logBytesPerInvocation: COST.logBytesPerInvocation,
  });
  return MeasuredUsageSchema.parse({
    kind: 'modelled',
    source: `modelled defaults (browse-heavy mix ${costId('requestMix')}, ${requestsPerMonth} requests/month)`,
    requestsPerMonth: r,
    // An HTTP function is invoked by its share of the mix, the queue consumer once per placed order, a
    // scheduled function once per period of its rate, whatever the traffic.
    lambda: Object.fromEntries(
      LAMBDA_FUNCTIONS.map((f) => [terraformName(f.id), fn(terraformName(f.id), f.kind === 'http' ? r * (mix[f.id] ?? 0) : f.kind === 'queue-consumer' ? orderPlacements : scheduledInvocationsPerMonth(f))]),
    ),
    dynamoDb: modelledTableUnits(placementsPerRequest),
    // Send + receive + delete per placed order, plus the poller's empty receives.
    sqs: { orders: { requestsPerRequest: placementsPerRequest * COST.sqsRequestsPerMessage, fixedRequestsPerMonth: sqsPollerRequestsPerMonth() } },
    bytesOutPerRequest: COST.bytesOutPerRequest,
    bytesInPerRequest: COST.bytesInPerRequest,
    accessLogBytesPerRequest: COST.accessLogBytesPerRequest,
    requestsPerSecondPerInstance: COST.requestsPerSecondPerInstance,
  });
}

/** The same workload at another traffic level: counts scale, per-request ratios and fixed amounts stay. */
export function scaleMeasuredUsage(usage: MeasuredUsage, requestsPerMonth: number): MeasuredUsage {
  const f = usage.requestsPerMonth > 0 ? requestsPerMonth / usage.requestsPerMonth : 0;
  return {
    ...usage,
    requestsPerMonth,
    requestsPerMonthByRoute: Object.fromEntries(Object.entries(usage.requestsPerMonthByRoute).map(([k, v]) => [k, v * f])),
    lambda: Object.fromEntries(Object.entries(usage.lambda).map(([k, v]) => [k, SCHEDULED.has(k) ? v : { ...v, invocationsPerMonth: v.invocationsPerMonth * f, coldStartsPerMonth: v.coldStartsPerMonth * f }])),
    // The instance level was measured at the original traffic: elsewhere the capacity model sizes the group.
    instances: undefined,
  };
}

export interface CapacityModel {
  requestsPerSecondPerInstance: number;
}

/** Instances an ASG runs for steady traffic: enough for the average rate at the target CPU, never below min_size. */
export function instancesFor(requestsPerMonth: number, minInstances: number, capacity: CapacityModel): number {
  return Math.max(minInstances, Math.ceil(requestsPerMonth / SECONDS_PER_MONTH / capacity.requestsPerSecondPerInstance - 1e-9));
}

const logSourcesCache = new WeakMap<PreparedStack, Map<string, { kind: 'lambda'; fn: string }>>();

/** Which function writes to which log group (its logging_config, else the /aws/lambda/<name> convention). */
function logGroupSources(prepared: PreparedStack): Map<string, { kind: 'lambda'; fn: string }> {
  const cached = logSourcesCache.get(prepared);
  if (cached) return cached;
  const out = new Map<string, { kind: 'lambda'; fn: string }>();
  const groups = prepared.priced.filter((p) => p.resource.type === 'aws_cloudwatch_log_group').map((p) => p.resource);
  for (const { resource } of prepared.priced) {
    if (resource.type === 'aws_lambda_function') {
      const ref = referencedAddress(block(resource.values, 'logging_config')?.log_group);
      const fnName = str(resource.values, 'function_name');
      const group = ref ? groups.find((g) => g.address === ref) : groups.find((g) => fnName !== undefined && str(g.values, 'name') === `/aws/lambda/${fnName}`);
      if (group) out.set(group.address, { kind: 'lambda', fn: resource.name });
    }
  }
  logSourcesCache.set(prepared, out);
  return out;
}

const accessLogCache = new WeakMap<readonly TerraformResource[], Set<string>>();

/** Log groups an API stage sends access logs to. */
function accessLogGroups(all: readonly TerraformResource[]): Set<string> {
  const cached = accessLogCache.get(all);
  if (cached) return cached;
  const groups = new Set(all.filter((r) => r.type === 'aws_apigatewayv2_stage' || r.type === 'aws_api_gateway_stage').map((r) => referencedAddress(block(r.values, 'access_log_settings')?.destination_arn)).filter((a): a is string => a !== undefined));
  accessLogCache.set(all, groups);
  return groups;
}

/**
 * Turns a month of measured (or modelled) usage into Infracost-style usage per resource address
 * of one prepared stack. `stageResources` are the stack's API stages (free resources, but they say
 * which log group receives access logs).
 */
export function usageFromMeasured(measured: MeasuredUsage, prepared: PreparedStack, stageResources: readonly TerraformResource[], capacity: CapacityModel): UsageSet {
  const r = measured.requestsPerMonth;
  const rps = r / SECONDS_PER_MONTH;
  const byAddress = new Map<string, ResourceUsage>();
  const lambdaLogs = logGroupSources(prepared);
  const accessLogs = accessLogGroups(stageResources);
  let instancesTotal = 0;
  const used = new Set<CostParameterId>();
  /** A registry value, recorded as used: the breakdown's provenance lists what filled the gaps. */
  const modelled = <K extends CostParameterName>(name: K): CostValues[K] => {
    used.add(costId(name));
    return COST[name];
  };
  for (const { resource, typed } of prepared.priced) {
    const a = resource.address;
    switch (resource.type) {
      case 'aws_apigatewayv2_api':
      case 'aws_api_gateway_rest_api':
        byAddress.set(a, { monthly_requests: r });
        break;
      case 'aws_lambda_function': {
        const m = measured.lambda[resource.name];
        if (m) byAddress.set(a, { monthly_requests: m.invocationsPerMonth, request_duration_ms: m.meanDurationMs, monthly_cold_starts: m.coldStartsPerMonth, init_duration_ms: m.meanInitMs });
        break;
      }
      case 'aws_dynamodb_table': {
        const m = measured.dynamoDb[resource.name];
        if (m) byAddress.set(a, { monthly_read_request_units: m.readRequestUnitsPerRequest * r, monthly_write_request_units: m.writeRequestUnitsPerRequest * r, ...(m.storageGb !== undefined ? { storage_gb: m.storageGb } : {}) });
        break;
      }
      case 'aws_sqs_queue': {
        const m = measured.sqs[resource.name];
        if (m) byAddress.set(a, { monthly_requests: m.requestsPerRequest * r + m.fixedRequestsPerMonth });
        break;
      }
      case 'aws_cloudwatch_log_group': {
        const source = lambdaLogs.get(a);
        let bytes = 0;
        if (source?.kind === 'lambda') {
          const m = measured.lambda[source.fn];
          if (m) bytes = m.invocationsPerMonth * (m.logBytesPerInvocation ?? modelled('logBytesPerInvocation'));
        } else if (accessLogs.has(a)) bytes = r * measured.accessLogBytesPerRequest;
        const ingested = bytes / BYTES_PER_GB;
        const retentionDays = num(resource.values, 'retention_in_days') ?? 0;
        // Stored ≈ what retention keeps of a month's ingestion, uncompressed (an upper bound).
        const stored = retentionDays === 0 ? ingested : ingested * Math.min(1, retentionDays / (SECONDS_PER_MONTH / 86400));
        if (bytes > 0) byAddress.set(a, { monthly_data_ingested_gb: ingested, storage_gb: stored });
        break;
      }
      case 'aws_autoscaling_group': {
        const min = (typed as { minInstances: number }).minInstances;
        const instances = measured.instances?.average ?? instancesFor(r, min, capacity);
        instancesTotal += instances;
        byAddress.set(a, { instances });
        break;
      }
      case 'aws_lb':
      case 'aws_alb': {
        // Each LCU dimension from the run's load balancer metrics where measured, else modelled.
        const alb = measured.alb ?? {};
        const newConnections = alb.newConnectionsPerRequest !== undefined ? rps * alb.newConnectionsPerRequest : rps / modelled('requestsPerConnection');
        byAddress.set(a, {
          new_connections: newConnections,
          active_connections: alb.activeConnectionsPerRequestPerSecond !== undefined ? rps * alb.activeConnectionsPerRequestPerSecond : newConnections * modelled('connectionSeconds'),
          processed_bytes_gb: (rps * (alb.processedBytesPerRequest ?? measured.bytesInPerRequest + measured.bytesOutPerRequest) * 3600) / BYTES_PER_GB,
          rule_evaluations: alb.ruleEvaluationsPerRequest !== undefined ? rps * alb.ruleEvaluationsPerRequest : 0,
        });
        break;
      }
      case 'aws_cognito_user_pool':
        byAddress.set(a, { monthly_active_users: measured.monthlyActiveUsers });
        break;
      default:
        break;
    }
  }
  const nats = prepared.priced.filter((p) => p.resource.type === 'aws_nat_gateway');
  for (const nat of nats) {
    const gb = measured.natGbPerMonth > 0 ? measured.natGbPerMonth : instancesTotal * modelled('natGbPerInstanceMonth');
    byAddress.set(nat.resource.address, { monthly_data_processed_gb: gb / nats.length });
  }
  byAddress.set('aws_data_transfer.internet', { monthly_outbound_internet_gb: (r * measured.bytesOutPerRequest) / BYTES_PER_GB });
  return { source: measured.source, kind: measured.kind, requestsPerMonth: r, byAddress, byType: new Map(), modelledParameters: [...used] };
}
