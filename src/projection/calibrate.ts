import { DOMAINS, TABLES, type Domain } from '../architecture/system.js';
import type { BenchResult, MetricDatapoint } from '../bench/result-schema.js';
import { machineLimitedPhases, saturatedPeriods } from '../cost/usage-from-results.js';
import { applyCalibration, type ByDomain, type Origin, type Param, type ProjectionParameters, type TableUnits } from './parameters.js';
import { domainOfStep, routeMixture, routeShapes, type RouteShape } from './route-mix.js';
import { meanMs, scaleServiceTime, type ServiceTime } from './service-time.js';

/**
 * Calibration from saved bench runs (pure: the caller reads the files). What a run measures replaces
 * the modelled default, marked measured (which file, which figure) or calibrated (from what, how):
 * - the request mix: the run's requests per step, mapped to the domain that serves each step's path;
 * - traditional: busy time per request on an instance from CPUUtilization × vCPUs × instances × period
 *   / RequestCount (median of busy periods), times instanceSpeedRatio; the modelled per-domain costs
 *   keep their ratios and are scaled to it; the distribution's shape is the run's baseline response-time
 *   histogram (empirical), scaled to each domain's mean;
 * - serverless: each function's mean duration (Duration / Invocations, in periods when the machine
 *   was not saturated), Init from the cold starts' x-archcompare-init-ms distribution (lognormal fitted
 *   to its mean and median), DynamoDB units per request per table from ConsumedRead/WriteCapacityUnits.
 * What a run cannot tell stays modelled and the notes say so.
 */

export interface CalibrationOutcome {
  parameters: ProjectionParameters;
  /** One line per figure taken from the runs, and per figure that stayed modelled. */
  notes: string[];
  /** Summary for the output: which runs were read. */
  summary: string;
}

const median = (v: number[]): number | undefined => {
  if (!v.length) return undefined;
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1]! + s[m]!) / 2;
};

function measuredPhases(r: BenchResult) {
  return r.phases.filter((p) => !p.warmup);
}

function inWindow(r: BenchResult): MetricDatapoint[] {
  const phases = measuredPhases(r);
  if (!phases.length) return r.scalingTimeline.datapoints;
  const from = phases[0]!.startedAt;
  const to = phases[phases.length - 1]!.endedAt;
  return r.scalingTimeline.datapoints.filter((d) => d.timestamp >= from && d.timestamp < to);
}

/** Requests per domain over the run's measured phases, from its steps. */
function measuredMix(r: BenchResult): ByDomain<number> | undefined {
  const counts = Object.fromEntries(DOMAINS.map((d) => [d, 0])) as ByDomain<number>;
  let total = 0;
  for (const [key, stats] of Object.entries(r.steps)) {
    const domain = domainOfStep(key);
    if (!domain) continue;
    counts[domain] += stats.requests;
    total += stats.requests;
  }
  if (total === 0) return undefined;
  return Object.fromEntries(DOMAINS.map((d) => [d, counts[d] / total])) as ByDomain<number>;
}

/**
 * Busy time per request on an instance (ms of one vCPU), median over periods doing real work
 * (CPUUtilization ≥ 10%); periods when the machine itself was saturated are left out when others
 * remain (then the time includes waiting for a shared core).
 */
function busyMsPerRequest(r: BenchResult, vcpus: number): { ms: number; periods: number; saturatedOnly: boolean } | undefined {
  const { saturated } = saturatedPeriods(inWindow(r));
  const byTime = new Map<string, { requests?: number; instances?: number; cpu?: number }>();
  const at = (ts: string) => byTime.get(ts) ?? (byTime.set(ts, {}), byTime.get(ts)!);
  for (const d of inWindow(r)) {
    if (d.metric === 'RequestCount') at(d.timestamp).requests = (at(d.timestamp).requests ?? 0) + d.value;
    else if (d.metric === 'GroupInServiceInstances') at(d.timestamp).instances = d.value;
    else if (d.metric === 'CPUUtilization' && d.dimensions.AutoScalingGroupName !== undefined) at(d.timestamp).cpu = d.value;
  }
  const times = [...byTime.keys()].sort();
  const periodS = times.length > 1 ? (Date.parse(times[1]!) - Date.parse(times[0]!)) / 1000 : undefined;
  if (!periodS) return undefined;
  const busy = times.filter((t) => {
    const p = byTime.get(t)!;
    // Low CPU says little (idle overhead dominates): keep periods doing real work.
    return p.requests && p.instances && p.cpu !== undefined && p.cpu >= 10;
  });
  const clear = busy.filter((t) => !saturated.has(t));
  const chosen = clear.length ? clear : busy;
  const m = median(chosen.map((t) => {
    const p = byTime.get(t)!;
    return ((p.cpu! / 100) * vcpus * p.instances! * periodS * 1000) / p.requests!;
  }));
  return m === undefined ? undefined : { ms: m, periods: chosen.length, saturatedOnly: clear.length === 0 };
}

/** A CPU time per request from a CPU-share metric, and what it was taken from. */
export interface CpuMsPerRequest {
  /** ms of one vCPU per request, as measured (before any speed ratio). */
  ms: number;
  periods: number;
  saturatedOnly: boolean;
}

/**
 * CPU ms per request from CPU-share datapoints (percent of `vcpus`): per period, Σ share × vcpus ×
 * period / RequestCount (one datapoint for the DB, one per instance), median over busy periods (at
 * least a quarter of the busiest period's requests: at low rates the fixed background work, the
 * checkpointer or the health checks, dominates the figure); periods with the machine saturated are
 * left out when others remain, as busyMsPerRequest does.
 */
function cpuMsPerRequest(r: BenchResult, isShare: (d: MetricDatapoint) => boolean, vcpus: number): CpuMsPerRequest | undefined {
  const dps = inWindow(r);
  const { saturated } = saturatedPeriods(dps);
  const byTime = new Map<string, { requests: number; cpuSeconds?: number }>();
  const at = (ts: string) => byTime.get(ts) ?? (byTime.set(ts, { requests: 0 }), byTime.get(ts)!);
  for (const d of dps) if (d.metric === 'RequestCount') at(d.timestamp).requests += d.value;
  const times = [...byTime.keys()].sort();
  // The period: the usual gap between the front door's datapoints (60 s on CloudWatch, the scaled period locally).
  const periodS = median(times.slice(1).map((t, i) => (Date.parse(t) - Date.parse(times[i]!)) / 1000));
  if (!periodS) return undefined;
  for (const d of dps) if (isShare(d) && byTime.has(d.timestamp)) {
    const p = byTime.get(d.timestamp)!;
    p.cpuSeconds = (p.cpuSeconds ?? 0) + (d.value / 100) * vcpus * periodS;
  }
  const peak = Math.max(...times.map((t) => byTime.get(t)!.requests));
  const busy = times.filter((t) => {
    const p = byTime.get(t)!;
    return p.cpuSeconds !== undefined && p.requests > 0 && p.requests >= peak / 4;
  });
  const clear = busy.filter((t) => !saturated.has(t));
  const chosen = clear.length ? clear : busy;
  const m = median(chosen.map((t) => (byTime.get(t)!.cpuSeconds! * 1000) / byTime.get(t)!.requests));
  return m === undefined ? undefined : { ms: m, periods: chosen.length, saturatedOnly: clear.length === 0 };
}

/** The database's CPU ms per request, from RDS CPUUtilization (CloudWatch, or the local PostgreSQL's process tree). */
export function dbCpuMsPerRequest(r: BenchResult, dbVcpus: number): CpuMsPerRequest | undefined {
  return cpuMsPerRequest(r, (d) => d.metric === 'CPUUtilization' && d.dimensions.DBInstanceIdentifier !== undefined, dbVcpus);
}

/**
 * The instances' real CPU ms per request, from the local target's ProcessCPUUtilization per instance
 * (its server process tree; unlike the local CPUUtilization, no waits on the database). Undefined for
 * runs without it (AWS runs, older local runs).
 */
export function instanceProcessCpuMsPerRequest(r: BenchResult, instanceVcpus: number): CpuMsPerRequest | undefined {
  return cpuMsPerRequest(r, (d) => d.metric === 'ProcessCPUUtilization' && d.dimensions.InstanceId !== undefined, instanceVcpus);
}

/**
 * The DB service times scaled so their mix-weighted mean is the measured DB ms per request; the
 * modelled per-domain ratios and spread stay. A local run's figure is this machine's CPU, so it takes
 * instanceSpeedRatio (the registry's machine-to-vCPU ratio, for the DB class's vCPUs too); an AWS
 * run measured the class itself.
 */
function calibratedDbServiceTime(p: ProjectionParameters, run: { result: BenchResult; file: string }, db: CpuMsPerRequest): Param<ByDomain<ServiceTime>> {
  const local = run.result.target.kind !== 'aws';
  const ratio = local ? p.instanceSpeedRatio.value : 1;
  const modelledMean = DOMAINS.reduce((s, d) => s + p.requestMix.value[d] * meanMs(p.dbServiceTime.value[d]), 0);
  const factor = (db.ms * ratio) / modelledMean;
  const scaled = Object.fromEntries(DOMAINS.map((d) => [d, scaleServiceTime(p.dbServiceTime.value[d], factor)])) as ByDomain<ServiceTime>;
  const source = local ? 'the local PostgreSQL process tree' : 'CloudWatch';
  return withOrigin(p.dbServiceTime, scaled, {
    kind: 'calibrated',
    source: `${run.file}: ${db.ms.toFixed(3)} ms of DB CPU per request (RDS CPUUtilization from ${source} × ${p.dbVcpus.value} vCPUs × period / RequestCount, median of ${db.periods} busy periods${db.saturatedOnly ? ', all with the machine saturated' : ''})${local ? ` × instanceSpeedRatio ${ratio}` : ''}; per-domain ratios modelled (projection.dbMsPerRequest)`,
  });
}

function lognormalFromSummary(mean: number, p50: number): ServiceTime {
  // Lognormal: mean / median = e^(σ²/2).
  const sigma2 = mean > p50 && p50 > 0 ? 2 * Math.log(mean / p50) : 0.09;
  return { family: 'lognormal', meanMs: mean, cv: Math.sqrt(Math.exp(sigma2) - 1) };
}

/** Measured phases whose latency measures the model, not this machine (else all measured phases). */
function clearPhases(r: BenchResult): string[] {
  const bound = machineLimitedPhases(r);
  const all = measuredPhases(r).map((p) => p.name);
  const clear = all.filter((name) => !bound.has(name));
  return clear.length ? clear : all;
}

function withOrigin<T>(param: Param<T>, value: T, origin: Origin): Param<T> {
  return { value, unit: param.unit, origin };
}

/**
 * `replayLocal`: the parameters will replay the local runs themselves (--validate), whose load balancer
 * holds an instance's request slot for a request's whole time (its database waits too): the instances'
 * time per request is then the slot occupancy, not their process CPU.
 */
export function calibrateFromRuns(base: ProjectionParameters, runs: Array<{ result: BenchResult; file: string }>, options: { replayLocal?: boolean } = {}): CalibrationOutcome {
  let p = { ...base };
  const notes: string[] = [];
  const traditional = runs.find((r) => r.result.model === 'traditional');
  const serverless = runs.find((r) => r.result.model === 'serverless');
  const mixSource = serverless ?? traditional;
  if (mixSource) {
    const mix = measuredMix(mixSource.result);
    if (mix) {
      p.requestMix = withOrigin(p.requestMix, mix, { kind: 'measured', source: `${mixSource.file}: requests per journey step, by the domain serving each step's path` });
      notes.push('request mix: measured');
    }
  }
  if (traditional) {
    // The instances' real CPU (the local server processes' own, or CloudWatch's on AWS) when the run has it;
    // else the local slot occupancy, which also counts the time a request waits on the database.
    const processCpu = options.replayLocal ? undefined : instanceProcessCpuMsPerRequest(traditional.result, p.instanceVcpus.value);
    const occupancy = processCpu ? undefined : busyMsPerRequest(traditional.result, p.instanceVcpus.value);
    const busy = processCpu ?? occupancy;
    if (busy) {
      // The routes' relative costs from their response times; their absolute cost from the CPU figure.
      const routes = routeShapes(traditional.result, clearPhases(traditional.result));
      const all = [...routes.values()].flat();
      // Each domain's relative cost: its request kinds' response times (or, without any, its modelled cost
      // anchored to the domains that have them); scaled so the mix-weighted mean is the measured busy time.
      const clientMean = (own: RouteShape[]) => {
        const n = own.reduce((s, r) => s + r.requests, 0);
        return own.reduce((s, r) => s + (r.requests / n) * r.relativeMs, 0);
      };
      const measuredDomains = DOMAINS.filter((d) => routes.get(d)?.length);
      const anchor = measuredDomains.length
        ? measuredDomains.reduce((s, d) => s + p.requestMix.value[d] * clientMean(routes.get(d)!), 0) / measuredDomains.reduce((s, d) => s + p.requestMix.value[d] * meanMs(p.cpuServiceTime.value[d]), 0)
        : 1;
      const relative = Object.fromEntries(DOMAINS.map((d) => [d, routes.get(d)?.length ? clientMean(routes.get(d)!) : meanMs(p.cpuServiceTime.value[d]) * anchor])) as ByDomain<number>;
      const k = busy.ms / DOMAINS.reduce((s, d) => s + p.requestMix.value[d] * relative[d], 0);
      const cpu = Object.fromEntries(
        DOMAINS.map((d) => {
          const own = routes.get(d);
          return [d, own?.length ? routeMixture(own, relative[d] * k) : scaleServiceTime(p.cpuServiceTime.value[d], (relative[d] * k) / meanMs(p.cpuServiceTime.value[d]))];
        }),
      ) as ByDomain<ServiceTime>;
      const aws = traditional.result.target.kind === 'aws';
      p.cpuServiceTime = withOrigin(p.cpuServiceTime, cpu, {
        kind: 'calibrated',
        source: `${traditional.file}: ${busy.ms.toFixed(2)} ms ${processCpu ? 'of CPU' : 'busy'} per request (${processCpu ? 'ProcessCPUUtilization, the server processes’ own CPU time,' : 'CPUUtilization'} × ${p.instanceVcpus.value} vCPUs × instances × period / RequestCount, median of ${busy.periods} busy periods${busy.saturatedOnly ? ', all with the machine saturated' : aws ? '' : ' with the machine not saturated'}${aws ? '; CloudWatch CPU of the instances themselves' : processCpu ? '' : '; the local CPUUtilization is slot occupancy, so it includes waits on the database'}), split between request kinds by their response times in the phases this machine did not bound (${all.length} kinds: a mixture per domain, each kind's own histogram as its shape)`,
      });
      notes.push(`traditional per-request ${processCpu ? 'CPU time (process CPU)' : 'busy time (slot occupancy)'}: calibrated per request kind`);
      if (aws) {
        // Measured on the instance type itself: no machine-to-instance conversion applies.
        p.instanceSpeedRatio = withOrigin(p.instanceSpeedRatio, 1, { kind: 'measured', source: `${traditional.file}: CPU measured on ${p.instanceType.value} in AWS` });
        notes.push('instance speed ratio: 1 (the CPU was measured on the instance type)');
      }
    } else notes.push(`traditional per-request CPU time: modelled (${traditional.file} has no busy periods with CPUUtilization, RequestCount and GroupInServiceInstances)`);
    const db = dbCpuMsPerRequest(traditional.result, p.dbVcpus.value);
    if (db) {
      p.dbServiceTime = calibratedDbServiceTime(p, traditional, db);
      notes.push('database time per request: calibrated from RDS CPUUtilization');
    } else notes.push(`database time per request: modelled (${traditional.file} has no busy periods with RDS CPUUtilization and RequestCount)`);
  }
  if (serverless) {
    const dps = inWindow(serverless.result);
    const { saturated, periods } = saturatedPeriods(dps);
    // With every period saturated, durations and Init measured there are this machine's CPU contention,
    // not Lambda's (AWS gives each environment its own CPU share): they stay modelled, and the notes say why.
    const allSaturated = periods > 0 && saturated.size === periods;
    const clear = dps.filter((d) => !saturated.has(d.timestamp));
    const fnOf = (name: string | undefined) => DOMAINS.find((d) => name !== undefined && (name === d || name.endsWith(`-${d}`)));
    const sum = (metric: string) => {
      const out = new Map<Domain, number>();
      for (const d of clear) if (d.metric === metric) {
        const fn = fnOf(d.dimensions.FunctionName);
        if (fn) out.set(fn, (out.get(fn) ?? 0) + d.value);
      }
      return out;
    };
    const invocations = sum('Invocations');
    const duration = sum('Duration');
    const measuredDomains = DOMAINS.filter((d) => (invocations.get(d) ?? 0) > 0);
    const routes = routeShapes(serverless.result, clearPhases(serverless.result));
    if (allSaturated) notes.push(`Lambda durations and Init: modelled (${serverless.file}: this machine's CPU was ≥ 85% in every period, so its durations measure the machine)`);
    else if (measuredDomains.length) {
      const durations = Object.fromEntries(
        DOMAINS.map((d) => {
          const current = p.lambdaDuration.value[d];
          const n = invocations.get(d) ?? 0;
          if (!(n > 0)) return [d, current];
          const mean = duration.get(d)! / n;
          const own = routes.get(d);
          return [d, own?.length ? routeMixture(own, mean) : scaleServiceTime(current, mean / meanMs(current))];
        }),
      ) as ByDomain<ServiceTime>;
      p.lambdaDuration = withOrigin(p.lambdaDuration, durations, {
        kind: 'measured',
        source: `${serverless.file}: Duration / Invocations per function (${measuredDomains.join(', ')}) in periods the machine was not saturated; within a function, its request kinds split by their response times, each kind's own histogram as its shape`,
      });
      notes.push(`Lambda durations: measured for ${measuredDomains.join(', ')}`);
    } else notes.push('Lambda durations: modelled (no AWS/Lambda datapoints in the run)');
    const cold = serverless.result.totals.coldStarts;
    const warmupCold = serverless.result.phases.filter((ph) => ph.warmup).reduce((n, ph) => n + ph.totals.coldStarts.count, 0);
    if (!allSaturated && cold.count + warmupCold > 0 && cold.initMs.mean > 0) {
      p.coldStartInit = withOrigin(p.coldStartInit, lognormalFromSummary(cold.initMs.mean, cold.initMs.p50), {
        kind: 'measured',
        source: `${serverless.file}: ${cold.count} cold starts' Init (x-archcompare-init-ms), mean ${cold.initMs.mean} ms, p50 ${cold.initMs.p50} ms, fitted lognormal`,
      });
      notes.push('cold-start Init: measured');
    }
    const requests = serverless.result.totals.requests;
    const units = (metric: string) => {
      const out = new Map<string, number>();
      for (const d of dps) if (d.metric === metric) {
        const table = TABLES.find((t) => d.dimensions.TableName === t || d.dimensions.TableName?.endsWith(`-${t}`));
        if (table) out.set(table, (out.get(table) ?? 0) + d.value);
      }
      return out;
    };
    const reads = units('ConsumedReadCapacityUnits');
    const writes = units('ConsumedWriteCapacityUnits');
    if (requests > 0 && reads.size + writes.size > 0) {
      // Per table, scale every domain's modelled units so the mix-weighted total matches the run.
      const scaled = Object.fromEntries(DOMAINS.map((d) => [d, { ...p.dynamoDbUnitsPerRequest.value[d] }])) as ByDomain<TableUnits>;
      for (const table of TABLES) {
        for (const kind of ['read', 'write'] as const) {
          const measured = (kind === 'read' ? reads : writes).get(table);
          if (measured === undefined) continue;
          const modelled = DOMAINS.reduce((s, d) => s + p.requestMix.value[d] * (p.dynamoDbUnitsPerRequest.value[d]?.[table]?.[kind] ?? 0), 0);
          if (modelled <= 0) continue;
          const factor = measured / requests / modelled;
          for (const d of DOMAINS) {
            const u = scaled[d][table];
            if (u) scaled[d][table] = { ...u, [kind]: u[kind] * factor };
          }
        }
      }
      p.dynamoDbUnitsPerRequest = withOrigin(p.dynamoDbUnitsPerRequest, scaled, {
        kind: 'calibrated',
        source: `${serverless.file}: ConsumedRead/WriteCapacityUnits per request per table; the split between domains modelled`,
      });
      notes.push('DynamoDB units per request: calibrated per table');
    }
  }
  const summary = runs.length
    ? `calibrated from ${runs.map((r) => `${r.result.model} ${r.file} (${r.result.target.kind}, ${r.result.profile.name})`).join(' and ')}: ${notes.join('; ')}`
    : 'modelled defaults: no bench run was found (run `archcompare bench` to calibrate from measurements)';
  return { parameters: p, notes, summary };
}

export { applyCalibration };
