import { z } from 'zod';
import { COST, costId, LOCAL_PARAMETERS, modelledParameter, PROJECTION_PARAMETERS, type ModelledParameterId } from '../architecture/modelled-parameters.js';
import { burstableCredits, dbClassMemoryGiB, dbClassVcpus, dbMaxConnections, instanceVcpus } from '../architecture/instance-sizes.js';

const CREDITS_PAGE = 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html';
const LAUNCH_CREDITS_PAGE = 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-performance-instances-standard-mode-concepts.html';
import { DOMAINS, HTTP_FUNCTIONS, TABLES, type Domain, type TableName } from '../architecture/system.js';
import { parseServerEnv } from '../app/config/env.js';
import type { ResolvedStackConfig } from '../config/stack-config.js';
import { describeServiceTime, type ServiceTime } from './service-time.js';

/**
 * Every number the projection uses, each with its origin:
 * - measured: read from a bench run (which file, which figure);
 * - calibrated: derived from measurements (from what, how);
 * - config: the stack config both stacks are synthesized from (which field);
 * - published: a figure AWS publishes for the configured type or class (which page);
 * - modelled: a registry parameter (src/architecture/modelled-parameters.json) with its public source;
 * - override: a --calibration file.
 * Pure: the caller reads files and passes their content.
 */
export type Origin =
  | { kind: 'measured'; source: string }
  | { kind: 'calibrated'; source: string }
  | { kind: 'config'; source: string }
  | { kind: 'published'; source: string }
  | { kind: 'modelled'; source: string; id: ModelledParameterId }
  | { kind: 'override'; source: string };

export interface Param<T> {
  value: T;
  unit: string;
  origin: Origin;
}

export type ByDomain<T> = Record<Domain, T>;
export type TableUnits = Partial<Record<TableName, { read: number; write: number }>>;

export interface ProjectionParameters {
  /** Share of requests per domain (the function that serves it on serverless). */
  requestMix: Param<ByDomain<number>>;
  /** Requests still unanswered after this are timeouts (the profile's requestTimeout). */
  requestTimeoutSeconds: Param<number>;
  // traditional
  instanceType: Param<string>;
  instanceVcpus: Param<number>;
  minInstances: Param<number>;
  maxInstances: Param<number>;
  desiredInstances: Param<number>;
  targetCpuPercent: Param<number>;
  instanceWarmupSeconds: Param<number>;
  launchDelaySeconds: Param<number>;
  metricPeriodSeconds: Param<number>;
  scaleOutEvaluationPeriods: Param<number>;
  scaleInEvaluationPeriods: Param<number>;
  scaleInThresholdRatio: Param<number>;
  scaleInCooldownSeconds: Param<number>;
  requestSlotsPerVcpu: Param<number>;
  cpuServiceTime: Param<ByDomain<ServiceTime>>;
  instanceSpeedRatio: Param<number>;
  /** The instances' CPU credit mode (T types): standard lowers CPU to the baseline once credits are spent. */
  cpuCredits: Param<'standard' | 'unlimited'>;
  /** Baseline share of each vCPU a burstable type earns credits for; null: not a burstable type. */
  cpuBaselinePerVcpu: Param<number | null>;
  /** Credits per vCPU a new standard-mode instance starts with (T2: 30; T3, T3a, T4g: none). */
  launchCreditsPerVcpu: Param<number>;
  dbInstanceClass: Param<string>;
  dbVcpus: Param<number>;
  dbMaxConnections: Param<number>;
  dbPoolPerInstance: Param<number>;
  dbServiceTime: Param<ByDomain<ServiceTime>>;
  // serverless
  apiAccountRateLimit: Param<number>;
  apiAccountBurstLimit: Param<number>;
  apiStageRateLimit: Param<number>;
  apiStageBurstLimit: Param<number>;
  accountConcurrencyLimit: Param<number>;
  reservedConcurrency: Param<number | null>;
  scalingRateEnvironments: Param<number>;
  scalingRateWindowSeconds: Param<number>;
  lambdaMemoryMb: Param<number>;
  lambdaDuration: Param<ByDomain<ServiceTime>>;
  coldStartInit: Param<ServiceTime>;
  coldStartProvisioningMs: Param<number>;
  coldStartsPerInvocation: Param<number>;
  environmentIdleReclaimSeconds: Param<number>;
  dynamoDbUnitsPerRequest: Param<ByDomain<TableUnits>>;
  dynamoDbNewTableReadUnits: Param<number>;
  dynamoDbNewTableWriteUnits: Param<number>;
  dynamoDbPeakDoublingSeconds: Param<number>;
  dynamoDbTableMaxReadUnits: Param<number>;
  dynamoDbTableMaxWriteUnits: Param<number>;
}
export type ParameterName = keyof ProjectionParameters;

// ---------------------------------------------------------------- modelled defaults

const ServiceTimeSchema: z.ZodType<ServiceTime> = z.lazy(() =>
  z.union([
    z.strictObject({ family: z.literal('exponential'), meanMs: z.number().positive() }),
    z.strictObject({ family: z.literal('lognormal'), meanMs: z.number().positive(), cv: z.number().positive() }),
    z.strictObject({ family: z.literal('empirical'), quantilesMs: z.array(z.number().nonnegative()).min(2) }),
    z.strictObject({ family: z.literal('mixture'), parts: z.array(z.strictObject({ weight: z.number().nonnegative(), time: ServiceTimeSchema, route: z.string().optional() })).min(1) }),
  ]),
);
const byDomain = <T extends z.ZodTypeAny>(value: T) => z.record(z.enum(DOMAINS), value);
const positive = z.number().finite().positive();

/** The projection family's registry values, typed and checked at load. */
const ProjectionValuesSchema = z.object({
  cpuMsPerRequest: byDomain(positive),
  dbMsPerRequest: byDomain(positive),
  serviceTimeCv: positive,
  lambdaDurationCv: positive,
  instanceSpeedRatio: positive,
  apiGatewayAccountRateLimit: positive,
  apiGatewayAccountBurstLimit: positive,
  dynamoDbNewTableReadUnits: positive,
  dynamoDbNewTableWriteUnits: positive,
  dynamoDbPeakDoublingSeconds: positive,
  dynamoDbTableMaxReadUnits: positive,
  dynamoDbTableMaxWriteUnits: positive,
});
const PROJECTION = ProjectionValuesSchema.parse(Object.fromEntries(Object.entries(PROJECTION_PARAMETERS).map(([k, p]) => [k, p.value])));

function modelled<T>(id: ModelledParameterId, value: T): Param<T> {
  const p = modelledParameter(id);
  return { value, unit: p.unit, origin: { kind: 'modelled', id, source: p.source } };
}
const fromProjection = <K extends keyof typeof PROJECTION>(name: K) => modelled(`projection.${name}`, PROJECTION[name]);
function fromLocal(name: string): Param<number> {
  const p = LOCAL_PARAMETERS[name];
  if (!p || typeof p.value !== 'number') throw new Error(`no numeric local.${name} in modelled-parameters.json`);
  return modelled(`local.${name}`, p.value);
}
const config = <T>(value: T, unit: string, field: string): Param<T> => ({ value, unit, origin: { kind: 'config', source: `stack config ${field}` } });
const lognormals = (means: ByDomain<number>, cv: number): ByDomain<ServiceTime> =>
  Object.fromEntries(DOMAINS.map((d) => [d, { family: 'lognormal', meanMs: means[d], cv }])) as ByDomain<ServiceTime>;

/** Provisioning delay before Init for a memory size (the registry's steps by memory). */
function provisioningMs(memoryMb: number): number {
  const steps = LOCAL_PARAMETERS.coldStartProvisioningMs?.value as Array<{ maxMemoryMb: number; ms: number }>;
  return (steps.find((s) => memoryMb <= s.maxMemoryMb) ?? steps[steps.length - 1]!).ms;
}

/** The defaults for a stack config: config values, registry parameters, nothing measured. */
export function modelledParameters(stack: ResolvedStackConfig, requestTimeoutSeconds: Param<number>): ProjectionParameters {
  const t = stack.traditional;
  const s = stack.serverless;
  const vcpus = instanceVcpus(t.instanceType);
  const credits = burstableCredits(t.instanceType);
  const dbVcpus = dbClassVcpus(t.dbInstanceClass);
  if (vcpus === undefined) throw new Error(`unknown vCPU count of instance type ${t.instanceType}`);
  if (dbVcpus === undefined || dbClassMemoryGiB(t.dbInstanceClass) === undefined) throw new Error(`unknown size of DB class ${t.dbInstanceClass}`);
  const divisor = fromLocal('rdsMaxConnectionsMemoryDivisor');
  // The server's pool size is the app's PG_POOL_MAX default (src/app/config/env.ts); the stacks do not set it.
  const pool = parseServerEnv({ PGHOST: 'projection', JWT_SECRET: 'x'.repeat(32) }).PG_POOL_MAX;
  const cv = PROJECTION.serviceTimeCv;
  const durationMeans = Object.fromEntries(DOMAINS.map((d) => [d, COST.lambdaMeanDurationMs[d]!])) as ByDomain<number>;
  const mixDomains = Object.fromEntries(DOMAINS.map((d) => [d, COST.requestMix[d]])) as ByDomain<number>;
  const units = Object.fromEntries(DOMAINS.map((d) => [d, COST.dynamoDbRequestUnitsPerRequest[d]])) as ByDomain<TableUnits>;
  return {
    requestMix: modelled(costId('requestMix'), mixDomains),
    requestTimeoutSeconds,
    instanceType: config(t.instanceType, 'EC2 type', 'traditional.instanceType'),
    instanceVcpus: { value: vcpus, unit: 'vCPUs', origin: { kind: 'published', source: `https://aws.amazon.com/ec2/instance-types/ (${t.instanceType})` } },
    minInstances: config(t.minInstances, 'instances', 'traditional.minInstances'),
    maxInstances: config(t.maxInstances, 'instances', 'traditional.maxInstances'),
    desiredInstances: config(t.desiredInstances, 'instances', 'traditional.desiredInstances'),
    targetCpuPercent: config(t.targetCpuPercent, '%', 'traditional.targetCpuPercent'),
    instanceWarmupSeconds: config(t.instanceWarmupSeconds, 's', 'traditional.instanceWarmupSeconds'),
    launchDelaySeconds: fromLocal('ec2LaunchDelaySeconds'),
    metricPeriodSeconds: fromLocal('metricPeriodSeconds'),
    scaleOutEvaluationPeriods: fromLocal('scaleOutEvaluationPeriods'),
    scaleInEvaluationPeriods: fromLocal('scaleInEvaluationPeriods'),
    scaleInThresholdRatio: fromLocal('scaleInThresholdRatio'),
    scaleInCooldownSeconds: fromLocal('scaleInCooldownSeconds'),
    requestSlotsPerVcpu: fromLocal('requestSlotsPerVcpu'),
    cpuServiceTime: modelled('projection.cpuMsPerRequest', lognormals(PROJECTION.cpuMsPerRequest, cv)),
    instanceSpeedRatio: fromProjection('instanceSpeedRatio'),
    cpuCredits: config(t.cpuCredits, 'credit mode', 'traditional.cpuCredits'),
    cpuBaselinePerVcpu: { value: credits?.baselinePerVcpu ?? null, unit: 'share of a vCPU', origin: { kind: 'published', source: `${CREDITS_PAGE} (${t.instanceType}${credits ? '' : ': not a burstable type'})` } },
    launchCreditsPerVcpu: { value: credits?.launchCreditsPerVcpu ?? 0, unit: 'credits per vCPU', origin: { kind: 'published', source: `${LAUNCH_CREDITS_PAGE} (${t.instanceType})` } },
    dbInstanceClass: config(t.dbInstanceClass, 'RDS class', 'traditional.dbInstanceClass'),
    dbVcpus: { value: dbVcpus, unit: 'vCPUs', origin: { kind: 'published', source: `https://aws.amazon.com/rds/instance-types/ (${t.dbInstanceClass})` } },
    dbMaxConnections: {
      value: dbMaxConnections(t.dbInstanceClass, divisor.value, Number.POSITIVE_INFINITY),
      unit: 'connections',
      origin: { kind: 'modelled', id: 'local.rdsMaxConnectionsMemoryDivisor', source: `${t.dbInstanceClass} memory / ${divisor.value} B: ${divisor.origin.source}` },
    },
    dbPoolPerInstance: { value: pool, unit: 'connections per instance', origin: { kind: 'config', source: 'the app server’s PG_POOL_MAX default (src/app/config/env.ts)' } },
    dbServiceTime: modelled('projection.dbMsPerRequest', lognormals(PROJECTION.dbMsPerRequest, cv)),
    apiAccountRateLimit: fromProjection('apiGatewayAccountRateLimit'),
    apiAccountBurstLimit: fromProjection('apiGatewayAccountBurstLimit'),
    apiStageRateLimit: config(s.apiThrottleRateLimit, 'requests/s', 'serverless.apiThrottleRateLimit'),
    apiStageBurstLimit: config(s.apiThrottleBurstLimit, 'requests', 'serverless.apiThrottleBurstLimit'),
    accountConcurrencyLimit: fromLocal('accountConcurrencyLimit'),
    reservedConcurrency: config(s.reservedConcurrency ?? null, 'concurrent executions per function', 'serverless.reservedConcurrency'),
    scalingRateEnvironments: fromLocal('scalingRateEnvironments'),
    scalingRateWindowSeconds: fromLocal('scalingRateWindowSeconds'),
    lambdaMemoryMb: config(s.lambdaMemoryMb, 'MB', 'serverless.lambdaMemoryMb'),
    lambdaDuration: modelled(costId('lambdaMeanDurationMs'), lognormals(durationMeans, PROJECTION.lambdaDurationCv)),
    coldStartInit: modelled(costId('lambdaInitMs'), { family: 'lognormal', meanMs: COST.lambdaInitMs, cv: 0.3 }),
    coldStartProvisioningMs: modelled('local.coldStartProvisioningMs', provisioningMs(s.lambdaMemoryMb)),
    coldStartsPerInvocation: modelled(costId('coldStartsPerInvocation'), COST.coldStartsPerInvocation),
    environmentIdleReclaimSeconds: fromLocal('environmentIdleReclaimSeconds'),
    dynamoDbUnitsPerRequest: modelled(costId('dynamoDbRequestUnitsPerRequest'), units),
    dynamoDbNewTableReadUnits: fromProjection('dynamoDbNewTableReadUnits'),
    dynamoDbNewTableWriteUnits: fromProjection('dynamoDbNewTableWriteUnits'),
    dynamoDbPeakDoublingSeconds: fromProjection('dynamoDbPeakDoublingSeconds'),
    dynamoDbTableMaxReadUnits: fromProjection('dynamoDbTableMaxReadUnits'),
    dynamoDbTableMaxWriteUnits: fromProjection('dynamoDbTableMaxWriteUnits'),
  };
}

// ---------------------------------------------------------------- --calibration overrides

/** A service time in a calibration file: a mean in ms (the family kept), or a full distribution. */
const ServiceTimeOverrideSchema = z.union([positive, ServiceTimeSchema]);
const PerDomainServiceTime = z.union([ServiceTimeOverrideSchema, z.partialRecord(z.enum(DOMAINS), ServiceTimeOverrideSchema).refine((r) => Object.keys(r).length > 0, 'name at least one domain')]);

/**
 * A --calibration file (YAML or JSON): any parameter by name, plus `serviceTimeFamily` to switch every
 * per-request time (CPU, DB, Lambda duration) to exponential or lognormal with `serviceTimeCv`.
 * Service times take a mean in ms, a distribution ({family: lognormal, meanMs, cv}, {family: empirical,
 * quantilesMs: […]}), or either per domain.
 */
export const CalibrationFileSchema = z
  .strictObject({
    serviceTimeFamily: z.enum(['exponential', 'lognormal']).optional(),
    serviceTimeCv: positive.optional(),
    requestMix: byDomain(z.number().nonnegative()).optional(),
    requestTimeoutSeconds: positive.optional(),
    instanceVcpus: z.number().int().positive().optional(),
    minInstances: z.number().int().positive().optional(),
    maxInstances: z.number().int().positive().optional(),
    desiredInstances: z.number().int().positive().optional(),
    targetCpuPercent: z.number().min(1).max(100).optional(),
    instanceWarmupSeconds: z.number().nonnegative().optional(),
    launchDelaySeconds: z.number().nonnegative().optional(),
    metricPeriodSeconds: positive.optional(),
    scaleOutEvaluationPeriods: z.number().int().positive().optional(),
    scaleInEvaluationPeriods: z.number().int().positive().optional(),
    scaleInThresholdRatio: z.number().positive().max(1).optional(),
    scaleInCooldownSeconds: z.number().nonnegative().optional(),
    requestSlotsPerVcpu: positive.optional(),
    cpuServiceTime: PerDomainServiceTime.optional(),
    instanceSpeedRatio: positive.optional(),
    cpuCredits: z.enum(['standard', 'unlimited']).optional(),
    cpuBaselinePerVcpu: z.number().positive().max(1).nullable().optional(),
    launchCreditsPerVcpu: z.number().nonnegative().optional(),
    dbVcpus: z.number().int().positive().optional(),
    dbMaxConnections: z.number().int().positive().optional(),
    dbPoolPerInstance: z.number().int().positive().optional(),
    dbServiceTime: PerDomainServiceTime.optional(),
    apiAccountRateLimit: positive.optional(),
    apiAccountBurstLimit: positive.optional(),
    apiStageRateLimit: positive.optional(),
    apiStageBurstLimit: positive.optional(),
    accountConcurrencyLimit: z.number().int().positive().optional(),
    reservedConcurrency: z.number().int().nonnegative().nullable().optional(),
    scalingRateEnvironments: z.number().int().positive().optional(),
    scalingRateWindowSeconds: positive.optional(),
    lambdaDuration: PerDomainServiceTime.optional(),
    coldStartInit: ServiceTimeOverrideSchema.optional(),
    coldStartProvisioningMs: z.number().nonnegative().optional(),
    coldStartsPerInvocation: z.number().min(0).max(1).optional(),
    environmentIdleReclaimSeconds: positive.optional(),
    dynamoDbNewTableReadUnits: positive.optional(),
    dynamoDbNewTableWriteUnits: positive.optional(),
    dynamoDbPeakDoublingSeconds: positive.optional(),
    dynamoDbTableMaxReadUnits: positive.optional(),
    dynamoDbTableMaxWriteUnits: positive.optional(),
  })
  .describe('archcompare projection calibration: any projection parameter by name.');
export type CalibrationFile = z.infer<typeof CalibrationFileSchema>;

function overrideTime(current: ServiceTime, value: z.infer<typeof ServiceTimeOverrideSchema>): ServiceTime {
  if (typeof value !== 'number') return value;
  if (current.family === 'exponential' || current.family === 'lognormal') return { ...current, meanMs: value };
  return { family: 'lognormal', meanMs: value, cv: PROJECTION.serviceTimeCv };
}

function overridePerDomain(current: ByDomain<ServiceTime>, value: z.infer<typeof PerDomainServiceTime>): ByDomain<ServiceTime> {
  if (typeof value === 'number' || 'family' in value) return Object.fromEntries(DOMAINS.map((d) => [d, overrideTime(current[d], value as z.infer<typeof ServiceTimeOverrideSchema>)])) as ByDomain<ServiceTime>;
  const perDomain = value as Partial<Record<Domain, z.infer<typeof ServiceTimeOverrideSchema>>>;
  return Object.fromEntries(DOMAINS.map((d) => [d, perDomain[d] !== undefined ? overrideTime(current[d], perDomain[d]!) : current[d]])) as ByDomain<ServiceTime>;
}

function withFamily(t: ServiceTime, family: 'exponential' | 'lognormal', cv: number): ServiceTime {
  if (t.family === 'exponential' || t.family === 'lognormal') return family === 'exponential' ? { family, meanMs: t.meanMs } : { family, meanMs: t.meanMs, cv };
  return t;
}

const SERVICE_TIME_PARAMETERS = ['cpuServiceTime', 'dbServiceTime', 'lambdaDuration'] as const;

/** The parameters with a --calibration file's values applied (each marked override, naming the file). */
export function applyCalibration(base: ProjectionParameters, file: CalibrationFile, source: string): ProjectionParameters {
  const out: ProjectionParameters = { ...base };
  const mark = <K extends ParameterName>(name: K, value: ProjectionParameters[K]['value']) => {
    (out as unknown as Record<string, Param<unknown>>)[name] = { value, unit: base[name].unit, origin: { kind: 'override', source: `${source} (${name})` } };
  };
  for (const [name, value] of Object.entries(file) as Array<[string, unknown]>) {
    if (value === undefined || name === 'serviceTimeFamily' || name === 'serviceTimeCv') continue;
    if ((SERVICE_TIME_PARAMETERS as readonly string[]).includes(name)) mark(name as (typeof SERVICE_TIME_PARAMETERS)[number], overridePerDomain(base[name as (typeof SERVICE_TIME_PARAMETERS)[number]].value, value as z.infer<typeof PerDomainServiceTime>));
    else if (name === 'coldStartInit') mark('coldStartInit', overrideTime(base.coldStartInit.value, value as z.infer<typeof ServiceTimeOverrideSchema>));
    else mark(name as ParameterName, value as never);
  }
  if (file.serviceTimeFamily || file.serviceTimeCv) {
    const family = file.serviceTimeFamily ?? 'lognormal';
    const cv = file.serviceTimeCv ?? PROJECTION.serviceTimeCv;
    for (const name of SERVICE_TIME_PARAMETERS) {
      const changed = Object.fromEntries(DOMAINS.map((d) => [d, withFamily(out[name].value[d], family, cv)])) as ByDomain<ServiceTime>;
      out[name] = { value: changed, unit: out[name].unit, origin: { kind: 'override', source: `${source} (serviceTimeFamily ${family}${family === 'lognormal' ? `, cv ${cv}` : ''}) over ${describeOrigin(out[name].origin)}` } };
    }
  }
  return out;
}

// ---------------------------------------------------------------- provenance for people

export function describeOrigin(o: Origin): string {
  switch (o.kind) {
    case 'measured':
      return `measured: ${o.source}`;
    case 'calibrated':
      return `calibrated: ${o.source}`;
    case 'config':
      return `config: ${o.source}`;
    case 'published':
      return `published: ${o.source}`;
    case 'modelled':
      return `modelled (${o.id}): ${o.source}`;
    case 'override':
      return `override: ${o.source}`;
  }
}

const round = (v: unknown): unknown => (typeof v === 'number' ? Number(v.toPrecision(4)) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)])) : v);

function describeValue(value: unknown): string {
  if (value === null) return 'none';
  if (typeof value !== 'object') return String(round(value));
  if ('family' in (value as object)) return describeServiceTime(value as ServiceTime);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k} ${typeof v === 'object' && v !== null && 'family' in v ? describeServiceTime(v as ServiceTime).replace(/^(\w+), /, '') : typeof v === 'object' ? JSON.stringify(round(v)) : round(v)}`)
    .join('; ');
}

export interface ParameterRow {
  name: ParameterName;
  value: string;
  unit: string;
  origin: Origin['kind'];
  source: string;
}

/** One row per parameter, for the report and --format json. */
export function parameterRows(p: ProjectionParameters): ParameterRow[] {
  return (Object.keys(p) as ParameterName[]).map((name) => ({ name, value: describeValue(p[name].value), unit: p[name].unit, origin: p[name].origin.kind, source: describeOrigin(p[name].origin) }));
}

/** The tables a domain's function touches (from the system description), for DynamoDB throttling. */
export const DOMAIN_TABLES: Readonly<Record<Domain, readonly TableName[]>> = Object.fromEntries(HTTP_FUNCTIONS.map((f) => [f.id, f.tables])) as Record<Domain, readonly TableName[]>;
export { TABLES };
