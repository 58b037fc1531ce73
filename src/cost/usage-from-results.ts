import type { BenchResult, MetricDatapoint } from '../bench/result-schema.js';
import { LAMBDA_REPORT_NAMESPACE } from '../architecture/metrics.js';
import { COST, type CostParameterId } from '../architecture/modelled-parameters.js';
import { extrapolateToMonth, MODELLED_WORKLOAD_PARAMETERS, modelledUsage, scaleMeasuredUsage, type MeasuredUsage, type MeasuredWindow } from './measured-usage.js';
import { block, num, str, type TerraformDocument, type TerraformResource } from '../architecture/terraform-document.js';
import { SECONDS_PER_MONTH } from './units.js';
import { alignedWindow } from '../targets/cloudwatch/metric-queries.js';

/**
 * From bench results to the cost engine's MeasuredUsage (used by `estimate --results`, report and
 * compare): the measured window's totals from the result and from the target's
 * CloudWatch-shaped datapoints (Lambda invocations and duration, INIT time, DynamoDB consumed
 * capacity, SQS messages, ASG instances), extrapolated with the engine's own extrapolateToMonth.
 * What a bench run cannot see (bytes on the wire, access-log size) is a registry parameter
 * (src/architecture/modelled-parameters.ts), and ModelUsage says which ones were used.
 */
/**
 * A period whose machine CPU averaged this much (percent of all cores) was saturated: local Lambda
 * durations then include waiting for a shared core, which AWS, giving each environment its own
 * CPU share, would neither show nor bill.
 */
export const SATURATED_MACHINE_CPU_PERCENT = 85;

/** Timestamps of the periods in which the local machine was saturated (none for AWS runs). */
export function saturatedPeriods(dps: MetricDatapoint[]): { saturated: Set<string>; periods: number } {
  const cpu = dps.filter((d) => d.metric === 'MachineCPUUtilization');
  return { saturated: new Set(cpu.filter((d) => d.value >= SATURATED_MACHINE_CPU_PERCENT).map((d) => d.timestamp)), periods: cpu.length };
}

/** The smallest gap between distinct datapoint timestamps: their metric period (datapoints are stamped with its start). */
function periodMsOf(dps: readonly MetricDatapoint[]): number | undefined {
  const starts = [...new Set(dps.map((d) => Date.parse(d.timestamp)))].sort((a, b) => a - b);
  const gap = starts.slice(1).reduce((min, t, i) => Math.min(min, t - starts[i]!), Infinity);
  return Number.isFinite(gap) ? gap : undefined;
}

/** Measured phases during which the local machine's CPU averaged at or above the saturation mark. */
export function machineBoundPhases(result: BenchResult): string[] {
  const cpu = result.scalingTimeline.datapoints.filter((d) => d.metric === 'MachineCPUUtilization');
  // A datapoint is stamped with its period's start: a period that began before the phase overlaps it.
  const periodMs = periodMsOf(cpu);
  return measuredPhases(result)
    .filter((p) => {
      const from = Date.parse(p.startedAt) - (periodMs !== undefined ? periodMs - 1 : 0);
      const to = Date.parse(p.endedAt);
      const inPhase = cpu.filter((d) => Date.parse(d.timestamp) >= from && Date.parse(d.timestamp) < to);
      return inPhase.length > 0 && inPhase.reduce((sum, d) => sum + d.value, 0) / inPhase.length >= SATURATED_MACHINE_CPU_PERCENT;
    })
    .map((p) => p.name);
}

/**
 * Measured phases with cold starts that waited for one of this machine's Init slots (the local Lambda
 * runtime's LocalInitSlotWaits: AWS runs every Init on its own microVM, this machine a few at a time), so
 * their latency includes a queue AWS does not have.
 */
export function initSlotBoundPhases(result: BenchResult): string[] {
  const waits = result.scalingTimeline.datapoints.filter((d) => d.metric === 'LocalInitSlotWaits' && d.value > 0);
  if (!waits.length) return [];
  const span = periodMsOf(result.scalingTimeline.datapoints) ?? 0;
  return measuredPhases(result)
    .filter((p) => p.totals.coldStarts.count > 0 && waits.some((d) => Date.parse(d.timestamp) < Date.parse(p.endedAt) && Date.parse(d.timestamp) + span > Date.parse(p.startedAt)))
    .map((p) => p.name);
}

/** Measured phases whose local latency measures this machine rather than the model: either reason above. */
export function machineLimitedPhases(result: BenchResult): Set<string> {
  return new Set([...machineBoundPhases(result), ...initSlotBoundPhases(result)]);
}

export interface ModelUsage {
  window: MeasuredWindow;
  usage: MeasuredUsage;
  /** The measured request rate (requests / wall seconds of the measured phases). */
  requestsPerSecond: number;
  /** Which parts came from modelled parameters instead of the run, in words naming the parameter ids. */
  modelled: string[];
  /** The registry parameters behind `modelled`. */
  modelledParameters: CostParameterId[];
  /**
   * Whether the priced resource usage (Lambda invocations and durations, or instances in service)
   * came from the run's metrics datapoints or, with none in the run, from modelled parameters.
   */
  resourceUsage: 'measured' | 'modelled';
  /** requestsPerSecondPerInstance derived from the run, when the datapoints allow it. */
  derivedInstanceCapacity?: { value: number; source: string };
}

export function measuredPhases(result: BenchResult) {
  return result.phases.filter((p) => !p.warmup);
}

/**
 * Wall seconds of the measured (non-warm-up) phases. A run that sent no traffic (an emulator that
 * does not serve the app) measured only what CloudWatch holds: the whole minutes it was read for.
 */
export function measuredWindowSeconds(result: BenchResult): number {
  const s = measuredPhases(result).reduce((sum, p) => sum + p.durationS, 0);
  if (s > 0) return s;
  if (result.totals.requests === 0 && result.scalingTimeline.source === 'cloudwatch') {
    const { start, end } = alignedWindow({ from: new Date(result.startedAt), to: new Date(result.endedAt) });
    return (end.getTime() - start.getTime()) / 1000;
  }
  return result.durationS;
}

/** CloudWatch's periods: a minute stamped with its start. */
const CLOUDWATCH_PERIOD_MS = 60_000;

function inWindow(result: BenchResult, dps: MetricDatapoint[]): MetricDatapoint[] {
  const phases = measuredPhases(result);
  if (phases.length === 0) return dps;
  const from = Date.parse(phases[0]!.startedAt);
  const to = Date.parse(phases[phases.length - 1]!.endedAt);
  // CloudWatch's minutes straddle the phase boundaries: a minute overlapping the measured phases counts whole.
  const reach = result.scalingTimeline.source === 'cloudwatch' ? CLOUDWATCH_PERIOD_MS : 0;
  return dps.filter((d) => {
    const t = Date.parse(d.timestamp);
    return (reach ? t + reach > from : t >= from) && t < to;
  });
}

/**
 * Physical name (function_name, name) → Terraform resource name. Local and AWS names are
 * "<app>-<run id>-<suffix>" with the deployment's run id, which need not be the synthesized one:
 * match on the suffix after the synthesized run id, longest first.
 */
export function physicalNameMatcher(doc: TerraformDocument, type: string, attribute: string): (physical: string) => string | undefined {
  const candidates = doc.resources
    .filter((r) => r.type === type)
    .map((r: TerraformResource) => {
      const name = str(r.values, attribute);
      const runId = str((r.values.tags ?? {}) as Record<string, unknown>, 'archcompare:run-id');
      const tail = name && runId && name.includes(`-${runId}-`) ? name.slice(name.indexOf(`-${runId}-`) + runId.length + 2) : (name ?? r.name.replace(/_/g, '-'));
      return { resource: r.name, name, tail };
    })
    .sort((a, b) => b.tail.length - a.tail.length);
  return (physical) => candidates.find((c) => c.name === physical)?.resource ?? candidates.find((c) => physical === c.tail || physical.endsWith(`-${c.tail}`))?.resource;
}

function sumBy(dps: MetricDatapoint[], metric: string, dimension: string, resolve: (physical: string) => string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of dps) {
    if (d.metric !== metric) continue;
    const physical = d.dimensions[dimension];
    const name = physical === undefined ? undefined : resolve(physical);
    if (name) out.set(name, (out.get(name) ?? 0) + d.value);
  }
  return out;
}

function median(values: number[]): number | undefined {
  if (!values.length) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1]! + s[m]!) / 2;
}

/** Requests/s one instance serves at the policy's target CPU, from per-period request counts, instances and CPU. */
function instanceCapacity(result: BenchResult, dps: MetricDatapoint[], doc: TerraformDocument): number | undefined {
  const policy = doc.resources.find((r) => r.type === 'aws_autoscaling_policy');
  const target = num(block(policy?.values ?? {}, 'target_tracking_configuration'), 'target_value');
  if (target === undefined) return undefined;
  const byTime = new Map<string, { requests?: number; instances?: number; cpu?: number }>();
  const at = (ts: string) => byTime.get(ts) ?? (byTime.set(ts, {}), byTime.get(ts)!);
  for (const d of dps) {
    if (d.metric === 'RequestCount') at(d.timestamp).requests = (at(d.timestamp).requests ?? 0) + d.value;
    else if (d.metric === 'GroupInServiceInstances') at(d.timestamp).instances = d.value;
    else if (d.metric === 'CPUUtilization' && d.dimensions.AutoScalingGroupName !== undefined) at(d.timestamp).cpu = d.value;
  }
  const times = [...byTime.keys()].sort();
  const period = times.length > 1 ? (Date.parse(times[1]!) - Date.parse(times[0]!)) / 1000 : undefined;
  if (!period || period <= 0) return undefined;
  const samples: number[] = [];
  for (const t of times) {
    const p = byTime.get(t)!;
    // Low CPU says little about the slope: keep periods doing real work.
    if (p.requests && p.instances && p.cpu && p.cpu >= 20) samples.push((p.requests / period / p.instances) * (target / p.cpu));
  }
  const m = median(samples);
  return m !== undefined ? Math.round(m * 10) / 10 : undefined;
}

/** The load balancer's LCU figures over the window, each where the datapoints have it. */
function albTotals(dps: MetricDatapoint[]): MeasuredWindow['alb'] {
  const of = (metric: string) => dps.filter((d) => d.namespace === 'AWS/ApplicationELB' && d.metric === metric);
  const total = (metric: string) => (of(metric).length ? of(metric).reduce((s, d) => s + d.value, 0) : undefined);
  const active = of('ActiveConnectionCount');
  const alb = {
    newConnections: total('NewConnectionCount'),
    activeConnections: active.length ? active.reduce((s, d) => s + d.value, 0) / active.length : undefined,
    processedBytes: total('ProcessedBytes'),
    // CloudWatch's RuleEvaluations, as the LCU rule-evaluations dimension (this stack's listener has only its default rule).
    ruleEvaluations: total('RuleEvaluations'),
  };
  const measured = Object.fromEntries(Object.entries(alb).filter(([, v]) => v !== undefined));
  return Object.keys(measured).length ? measured : undefined;
}

/**
 * Per function, what Lambda's REPORT lines say it billed: invocations, the invoke part of the billed
 * duration, cold starts and their INIT time. Since 2025-08-01 a cold invocation's Billed Duration
 * includes its INIT (https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/),
 * which the cost engine prices apart (cold starts x init duration): it is taken out of the invoke part.
 */
function reportedLambdaUsage(report: MetricDatapoint[], fn: (physical: string) => string | undefined) {
  const invocations = sumBy(report, 'Invocations', 'FunctionName', fn);
  const billed = sumBy(report, 'BilledDuration', 'FunctionName', fn);
  const cold = sumBy(report, 'ColdStarts', 'FunctionName', fn);
  const init = sumBy(report, 'InitDuration', 'FunctionName', fn);
  return new Map(
    [...invocations].map(([name, n]) => {
      const coldStarts = cold.get(name) ?? 0;
      const initMs = init.get(name) ?? 0;
      return [name, { invocations: n, meanDurationMs: n > 0 ? Math.max(0, (billed.get(name) ?? 0) - initMs) / n : 0, coldStarts, meanInitMs: coldStarts > 0 ? initMs / coldStarts : 0 }];
    }),
  );
}

export function usageFromResult(result: BenchResult, doc: TerraformDocument, source: string): ModelUsage {
  const windowSeconds = measuredWindowSeconds(result);
  const requests = result.totals.requests;
  const inRun = inWindow(result, result.scalingTimeline.datapoints);
  // Lambda's REPORT figures share metric names with AWS/Lambda's (Invocations): kept apart.
  const reportDps = inRun.filter((d) => d.namespace === LAMBDA_REPORT_NAMESPACE);
  const dps = inRun.filter((d) => d.namespace !== LAMBDA_REPORT_NAMESPACE);
  const modelled: string[] = [
    `bytes per request (${COST.bytesOutPerRequest} out, ${COST.bytesInPerRequest} in) and access-log bytes (${COST.accessLogBytesPerRequest}/request): ${MODELLED_WORKLOAD_PARAMETERS.bytes.join(', ')}`,
  ];
  const parameters = new Set<CostParameterId>(MODELLED_WORKLOAD_PARAMETERS.bytes);
  const window: MeasuredWindow = {
    source,
    windowSeconds,
    requests,
    bytesOut: requests * COST.bytesOutPerRequest,
    bytesIn: requests * COST.bytesInPerRequest,
    accessLogBytes: requests * COST.accessLogBytesPerRequest,
  };
  let derivedInstanceCapacity: ModelUsage['derivedInstanceCapacity'];
  if (result.model === 'serverless') {
    const fn = physicalNameMatcher(doc, 'aws_lambda_function', 'function_name');
    const invocations = sumBy(dps, 'Invocations', 'FunctionName', fn);
    const duration = sumBy(dps, 'Duration', 'FunctionName', fn);
    const init = sumBy(dps, 'init_duration', 'function_name', fn);
    const totalInit = [...init.values()].reduce((a, b) => a + b, 0);
    const cold = result.totals.coldStarts;
    // Durations are priced from the periods when this machine had CPU to spare (see SATURATED_MACHINE_CPU_PERCENT).
    const { saturated, periods } = saturatedPeriods(dps);
    const clear = dps.filter((d) => !saturated.has(d.timestamp));
    const clearInvocations = sumBy(clear, 'Invocations', 'FunctionName', fn);
    const clearDuration = sumBy(clear, 'Duration', 'FunctionName', fn);
    const meanDurationMs = (name: string, n: number) => {
      const k = clearInvocations.get(name) ?? 0;
      if (k > 0) return (clearDuration.get(name) ?? 0) / k;
      return n > 0 ? (duration.get(name) ?? 0) / n : 0;
    };
    if (saturated.size > 0 && saturated.size < periods)
      modelled.push(
        `Lambda GB-seconds: each function's mean duration in the ${periods - saturated.size} of ${periods} periods when this machine's CPU was under ${SATURATED_MACHINE_CPU_PERCENT}% (in the others local durations include waiting for a shared core, which AWS would not bill)`,
      );
    else if (saturated.size > 0 && saturated.size === periods)
      modelled.push(`Lambda GB-seconds are overstated: this machine's CPU was at ${SATURATED_MACHINE_CPU_PERCENT}% or more in every period, so the measured durations include waiting for a shared core`);
    const reported = reportedLambdaUsage(reportDps, fn);
    if (reported.size > 0) {
      // Invocations as CloudWatch counted them; durations, cold starts and INIT as Lambda's REPORT lines billed them.
      window.lambda = Object.fromEntries([...reported].map(([name, r]) => [name, { ...r, invocations: invocations.get(name) ?? r.invocations }]));
    } else if (invocations.size > 0) {
      // Cold starts per function are not in the datapoints (Sums only): share the measured count by INIT time.
      window.lambda = Object.fromEntries(
        [...invocations].map(([name, n]) => [
          name,
          {
            invocations: n,
            meanDurationMs: meanDurationMs(name, n),
            coldStarts: totalInit > 0 ? (cold.count * (init.get(name) ?? 0)) / totalInit : 0,
            meanInitMs: cold.initMs.mean,
          },
        ]),
      );
    } else modelled.push(`Lambda invocations and durations: no AWS/Lambda datapoints in the run, modelled mix (${MODELLED_WORKLOAD_PARAMETERS.lambda.join(', ')})`);
    const table = physicalNameMatcher(doc, 'aws_dynamodb_table', 'name');
    const rcu = sumBy(dps, 'ConsumedReadCapacityUnits', 'TableName', table);
    const wcu = sumBy(dps, 'ConsumedWriteCapacityUnits', 'TableName', table);
    if (rcu.size + wcu.size > 0)
      window.dynamoDb = Object.fromEntries([...new Set([...rcu.keys(), ...wcu.keys()])].map((t) => [t, { readRequestUnits: rcu.get(t) ?? 0, writeRequestUnits: wcu.get(t) ?? 0 }]));
    else modelled.push('DynamoDB request units: no AWS/DynamoDB datapoints in the run, modelled mix');
    const queue = physicalNameMatcher(doc, 'aws_sqs_queue', 'name');
    const sqs = new Map<string, number>();
    for (const metric of ['NumberOfMessagesSent', 'NumberOfMessagesReceived', 'NumberOfMessagesDeleted'])
      for (const [q, n] of sumBy(dps, metric, 'QueueName', queue)) sqs.set(q, (sqs.get(q) ?? 0) + n);
    if (sqs.size) window.sqs = Object.fromEntries([...sqs].map(([q, n]) => [q, { requests: n }]));
  } else {
    const alb = albTotals(dps);
    if (alb) window.alb = alb;
    const inService = dps.filter((d) => d.metric === 'GroupInServiceInstances').map((d) => d.value);
    if (inService.length) window.instances = { average: inService.reduce((a, b) => a + b, 0) / inService.length, peak: Math.max(...inService) };
    else modelled.push(`instance count: no GroupInServiceInstances datapoints, sized by the capacity model (${MODELLED_WORKLOAD_PARAMETERS.capacity.join(', ')} unless the run derives it)`);
    const capacity = instanceCapacity(result, dps, doc);
    if (capacity !== undefined) {
      window.requestsPerSecondPerInstance = capacity;
      derivedInstanceCapacity = { value: capacity, source: `${source} (RequestCount / GroupInServiceInstances x target CPU / CPUUtilization, median of busy periods)` };
    }
  }
  let usage = extrapolateToMonth(window);
  if (result.model === 'serverless' && !window.lambda) {
    // Fill the unmeasured parts from the engine's modelled mix at the measured traffic.
    const m = modelledUsage(usage.requestsPerMonth);
    usage = { ...usage, lambda: m.lambda, dynamoDb: window.dynamoDb ? usage.dynamoDb : m.dynamoDb, sqs: window.sqs ? usage.sqs : m.sqs };
    const filled: Array<keyof typeof MODELLED_WORKLOAD_PARAMETERS> = ['lambda', ...(window.dynamoDb ? [] : ['dynamoDb' as const]), ...(window.sqs ? [] : ['sqs' as const])];
    for (const id of filled.flatMap((part) => MODELLED_WORKLOAD_PARAMETERS[part])) parameters.add(id);
  }
  const resourceUsage = (result.model === 'serverless' ? window.lambda : window.instances) ? 'measured' : 'modelled';
  return {
    window,
    usage,
    requestsPerSecond: windowSeconds > 0 ? requests / windowSeconds : 0,
    modelled,
    modelledParameters: [...parameters],
    resourceUsage,
    ...(derivedInstanceCapacity ? { derivedInstanceCapacity } : {}),
  };
}

/**
 * One usage for pricing both stacks at the same traffic: the serverless run's per-function,
 * per-table and per-queue usage, the traditional run's instance level and per-instance capacity,
 * at the mean of the two runs' measured request rates (the same profile drove both). The engine
 * reads only the keys each resource type needs, so the two never mix.
 */
export function comparisonUsage(traditional: ModelUsage, serverless: ModelUsage): MeasuredUsage {
  const requestsPerMonth = ((traditional.requestsPerSecond + serverless.requestsPerSecond) / 2) * SECONDS_PER_MONTH;
  const sls = scaleMeasuredUsage(serverless.usage, requestsPerMonth);
  return {
    ...sls,
    kind: 'measured',
    source: `traditional: ${traditional.usage.source}; serverless: ${serverless.usage.source}`,
    requestsPerMonth,
    ...(traditional.usage.instances ? { instances: traditional.usage.instances } : {}),
    ...(traditional.usage.alb ? { alb: traditional.usage.alb } : {}),
    ...(traditional.usage.requestsPerSecondPerInstance ? { requestsPerSecondPerInstance: traditional.usage.requestsPerSecondPerInstance } : {}),
    natGbPerMonth: traditional.usage.natGbPerMonth,
  };
}

