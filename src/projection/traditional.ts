import { seededRandom } from '../seeded-random.js';
import { DOMAINS } from '../architecture/system.js';
import { beyond, fmtInt, fmtPct, markBinding, type Bottleneck } from './bottleneck.js';
import { FluidCentre } from './fluid-centre.js';
import type { LoadSchedule } from './load-schedule.js';
import type { ProjectionParameters } from './parameters.js';
import { forPhase } from './route-mix.js';
import type { ProjectionRecorder } from './recorder.js';
import { StratifiedSampler } from './sampling.js';
import { compileQuantile, meanMs, scaleServiceTime, type ServiceTime } from './service-time.js';

/**
 * The traditional model at scale: arrivals → ALB → an Auto Scaling group of instances (each a queue
 * served by its vCPUs, per-route CPU service times) → PostgreSQL (its vCPUs a service centre, its
 * max_connections against the instances' pools), scaled by target tracking as AWS runs it:
 * - a CPU datapoint per metric period (warming instances take traffic; the ALB spreads it evenly, so
 *   every instance's CPU is the group average);
 * - scale-out when the last scaleOutEvaluationPeriods datapoints are above target, to
 *   ceil(capacity × metric / target) counting pending instances as capacity (the alarm acts again each
 *   period it stays in ALARM); new instances serve after the launch delay;
 * - scale-in when the last scaleInEvaluationPeriods datapoints are below target × scaleInThresholdRatio,
 *   never while an instance warms up, at most once per scale-in cooldown;
 * - min/max bounds.
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/target-tracking-scaling-policy-overview.html,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html
 * (instances in warm-up count as capacity when scaling out; scale-in waits for warm-up to finish).
 * The ALB itself scales with load (LCUs, priced by the cost engine) and is not a limit here.
 */
export interface ModelProjection {
  bottlenecks: Bottleneck[];
  /** Figures at the peak for the summary. */
  peak: { rps: number; capacity: number; capacityUnit: string };
}

interface Cohort {
  count: number;
  launchS: number;
  /** CPU credits per instance (vCPU-minutes), for a burstable type. */
  credits: number;
}

export function mixture(mix: Record<string, number>, times: Record<string, ServiceTime>, factor = 1): ServiceTime {
  return { family: 'mixture', parts: DOMAINS.filter((d) => (mix[d] ?? 0) > 0).map((d) => ({ weight: mix[d]!, time: scaleServiceTime(times[d]!, factor) })) };
}

export function projectTraditional(p: ProjectionParameters, schedule: LoadSchedule, recorder: ProjectionRecorder, seed: number, samplesPerStep: number, asgName: string): ModelProjection {
  const random = seededRandom(seed);
  // Per phase: a replayed run's phase has its own request mix (route-mix.ts); a profile's phases share one.
  const centreTimes = (q: ProjectionParameters) => {
    const cpu = mixture(q.requestMix.value, q.cpuServiceTime.value, q.instanceSpeedRatio.value);
    const db = mixture(q.requestMix.value, q.dbServiceTime.value);
    return { cpu, db, cpuQuantile: compileQuantile(cpu), dbQuantile: compileQuantile(db) };
  };
  const shared = centreTimes(p);
  const byPhase = schedule.phases.map((ph) => (ph.routeRequests ? centreTimes(forPhase(p, ph)) : shared));
  const { cpu, db } = shared;
  const timeoutMs = p.requestTimeoutSeconds.value * 1000;
  const instanceCentre = new FluidCentre(cpu, timeoutMs);
  const dbCentre = new FluidCentre(db, timeoutMs);
  const slots = p.instanceVcpus.value * p.requestSlotsPerVcpu.value;
  const launch = p.launchDelaySeconds.value;
  const warmup = p.instanceWarmupSeconds.value;
  const period = p.metricPeriodSeconds.value;
  const target = p.targetCpuPercent.value;
  const clamp = (n: number) => Math.min(p.maxInstances.value, Math.max(p.minInstances.value, n));
  // CPU credits (burstable types in standard mode): spent above the baseline, earned at it, at most 24 h of them.
  const vcpus = p.instanceVcpus.value;
  const baseline = p.cpuCredits.value === 'standard' ? p.cpuBaselinePerVcpu.value : null;
  const earnPerSecond = baseline === null ? 0 : (baseline * vcpus) / 60;
  const creditCap = earnPerSecond * 24 * 3600;
  const launchCredits = p.launchCreditsPerVcpu.value * vcpus;
  const cohorts: Cohort[] = [{ count: clamp(p.desiredInstances.value), launchS: -Infinity, credits: launchCredits }];
  const cpuHistory: number[] = [];
  let desired = cohorts[0]!.count;
  let lastScaleInS = -Infinity;
  let periodCpu = 0;
  let periodSeconds = 0;
  let periodIndex = 0;
  let lastDbResponseMs = meanMs(db);
  const sampler = new StratifiedSampler(samplesPerStep, 4, random);
  let phaseIndex = -1;
  let { cpuQuantile, dbQuantile } = shared;
  const group = { AutoScalingGroupName: asgName };
  const series = {
    desired: recorder.metricSeries('AWS/AutoScaling', 'GroupDesiredCapacity', group, 'Count'),
    inService: recorder.metricSeries('AWS/AutoScaling', 'GroupInServiceInstances', group, 'Count'),
    pending: recorder.metricSeries('AWS/AutoScaling', 'GroupPendingInstances', group, 'Count'),
    total: recorder.metricSeries('AWS/AutoScaling', 'GroupTotalInstances', group, 'Count'),
    cpu: recorder.metricSeries('AWS/EC2', 'CPUUtilization', group, 'Percent'),
    requests: recorder.metricSeries('AWS/ApplicationELB', 'RequestCount', {}, 'Count'),
    ok: recorder.metricSeries('AWS/ApplicationELB', 'HTTPCode_Target_2XX_Count', {}, 'Count'),
    elb5xx: recorder.metricSeries('AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', {}, 'Count'),
    target5xx: recorder.metricSeries('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', {}, 'Count'),
    connections: recorder.metricSeries('AWS/RDS', 'DatabaseConnections', {}, 'Count'),
  };
  const creditsSeries = recorder.metricSeries('AWS/EC2', 'CPUCreditBalance', group, 'Count');

  for (const step of schedule.steps) {
    if (step.phase !== phaseIndex) {
      phaseIndex = step.phase;
      const times = byPhase[phaseIndex] ?? shared;
      instanceCentre.serve(times.cpu);
      dbCentre.serve(times.db);
      ({ cpuQuantile, dbQuantile } = times);
    }
    const t = step.startS;
    const dtMs = step.dtS * 1000;
    const serving = cohorts.filter((c) => c.launchS + launch <= t);
    const inService = serving.reduce((n, c) => n + c.count, 0);
    const total = cohorts.reduce((n, c) => n + c.count, 0);
    const warming = cohorts.some((c) => c.launchS + launch + warmup > t);
    const arrivals = step.rps * step.dtS;
    // What an instance can use this step: its baseline plus its balance spread over the step, at most every
    // vCPU (out of credits, it runs at the baseline; the ALB still sends it its share).
    const share = (c: Cohort) => (baseline === null ? 1 : Math.min(1, baseline + (c.credits * 60) / (step.dtS * vcpus)));
    const servers = serving.reduce((n, c) => n + c.count * slots * share(c), 0);
    const nominalServers = inService * slots;
    const inst = instanceCentre.step(dtMs, inService > 0 ? arrivals : 0, servers);
    // Each instance's pool opens connections as its queries overlap (Little's law), up to its size.
    const perInstanceRps = inService > 0 ? inst.admitted / step.dtS / inService : 0;
    const wanted = inService * Math.min(p.dbPoolPerInstance.value, Math.max(1, Math.ceil((perInstanceRps * lastDbResponseMs) / 1000)));
    const refused = wanted > p.dbMaxConnections.value ? 1 - p.dbMaxConnections.value / wanted : 0;
    const dbStep = dbCentre.step(dtMs, inst.admitted * (1 - refused), p.dbVcpus.value);
    const noTarget = inService === 0 ? arrivals : 0;
    const ok = Math.max(0, inst.admitted * (1 - refused) - dbStep.abandoned);
    const outcome = {
      arrivals,
      ok,
      throttled: 0,
      serverErrors: noTarget + inst.admitted * refused,
      timeouts: inst.abandoned + dbStep.abandoned,
      coldStarts: 0,
    };
    recorder.step(step, outcome, { serverError: inService === 0 ? '503' : '500', timeout: '504' }, instanceCentre.queued + dbCentre.queued);
    const draws = sampler.draw();
    const weight = ok / samplesPerStep;
    let dbResponse = 0;
    for (let j = 0; j < samplesPerStep; j++) {
      const at = draws.at[j]!;
      const dbPart = dbStep.waitMs(draws.u[2]![j]!, at) + dbQuantile(draws.u[3]![j]!);
      dbResponse += dbPart / samplesPerStep;
      recorder.latency(step, Math.min(timeoutMs, inst.waitMs(draws.u[0]![j]!, at) + cpuQuantile(draws.u[1]![j]!) + dbPart), weight);
    }
    if (ok > 0) lastDbResponseMs = dbResponse;
    recorder.concurrency(step, (ok / step.dtS) * (dbResponse / 1000));
    // CloudWatch's CPUUtilization is of the whole vCPUs: an instance held at its baseline reports the baseline.
    const utilisation = nominalServers > 0 ? Math.min(1, inst.busyServers / nominalServers) : 0;
    if (baseline !== null && inService > 0) {
      const busyVcpusPerInstance = utilisation * vcpus;
      for (const c of serving) c.credits = Math.min(creditCap + launchCredits, Math.max(0, c.credits + (earnPerSecond - busyVcpusPerInstance / 60) * step.dtS));
      creditsSeries(t, serving.reduce((n, c) => n + c.credits * c.count, 0) / inService);
    }
    const connections = Math.min(wanted, p.dbMaxConnections.value);
    series.desired(t, desired);
    series.inService(t, inService);
    series.pending(t, total - inService);
    series.total(t, total);
    series.cpu(t, utilisation * 100);
    series.requests(t, arrivals);
    series.ok(t, ok);
    series.elb5xx(t, noTarget);
    series.target5xx(t, inst.admitted * refused);
    series.connections(t, connections);

    // Target tracking: one CPU datapoint per metric period, then the alarms.
    periodCpu += utilisation * 100 * step.dtS;
    periodSeconds += step.dtS;
    const end = t + step.dtS;
    if (Math.floor(end / period + 1e-9) > periodIndex) {
      periodIndex = Math.floor(end / period + 1e-9);
      const metric = periodSeconds > 0 ? periodCpu / periodSeconds : 0;
      periodCpu = 0;
      periodSeconds = 0;
      if (inService > 0) cpuHistory.push(metric);
      const all = (n: number, test: (v: number) => boolean) => cpuHistory.length >= n && cpuHistory.slice(-n).every(test);
      const outN = p.scaleOutEvaluationPeriods.value;
      const inN = p.scaleInEvaluationPeriods.value;
      if (all(outN, (v) => v > target)) {
        const next = clamp(Math.ceil((total * metric) / target));
        if (next > total) {
          cohorts.push({ count: next - total, launchS: end, credits: launchCredits });
          desired = next;
        }
      } else if (!warming && end - lastScaleInS >= p.scaleInCooldownSeconds.value && all(inN, (v) => v < target * p.scaleInThresholdRatio.value)) {
        const next = clamp(Math.ceil((total * metric) / target));
        if (next < total) {
          let remove = total - next;
          // Newest first (the default termination policy balances AZs, then the oldest launch template; here all match).
          for (let i = cohorts.length - 1; i >= 0 && remove > 0; i--) {
            const take = Math.min(remove, cohorts[i]!.count);
            cohorts[i]!.count -= take;
            remove -= take;
          }
          for (let i = cohorts.length - 1; i >= 0; i--) if (cohorts[i]!.count === 0) cohorts.splice(i, 1);
          desired = next;
          lastScaleInS = end;
        }
      }
    }
  }
  return { bottlenecks: traditionalLimits(p, schedule.peakRps, recorder), peak: { rps: schedule.peakRps, capacity: p.maxInstances.value, capacityUnit: 'instances (max)' } };
}

/** The limits of the traditional model at the peak, from the parameters (closed form) and the run's failures. */
function traditionalLimits(p: ProjectionParameters, peakRps: number, recorder: ProjectionRecorder): Bottleneck[] {
  const cpuMs = meanMs(mixture(p.requestMix.value, p.cpuServiceTime.value, p.instanceSpeedRatio.value));
  const dbMs = meanMs(mixture(p.requestMix.value, p.dbServiceTime.value));
  const slots = p.instanceVcpus.value * p.requestSlotsPerVcpu.value;
  const target = p.targetCpuPercent.value / 100;
  const perInstanceRps = (slots * 1000) / cpuMs;
  const peakPhase = recorder.phases.reduce((best, ph, i) => (ph.arrivals / Math.max(1, recorder.schedule.phases[i]!.durationS) > best.rate ? { rate: ph.arrivals / Math.max(1, recorder.schedule.phases[i]!.durationS), i } : best), { rate: -1, i: 0 });
  const ph = recorder.phases[peakPhase.i]!;
  const failed = ph.arrivals > 0 ? (ph.serverErrors + ph.timeouts) / ph.arrivals : 0;
  const peakName = recorder.schedule.phases[peakPhase.i]!.name;
  const observed = `in this projection ${fmtPct(failed)} of ${peakName} requests failed or timed out, p95 ${fmtInt(ph.latency.percentileMs(95))} ms`;
  const neededInstances = Math.ceil(peakRps / (perInstanceRps * target));
  const dbSaturation = (p.dbVcpus.value * 1000) / dbMs;
  const neededDbVcpus = Math.ceil((peakRps * dbMs) / 1000 / 0.7);
  const connectionsAtNeeded = neededInstances * p.dbPoolPerInstance.value;
  const limits: Bottleneck[] = [
    {
      resource: `Auto Scaling group maximum (${p.instanceType.value}, ${p.instanceVcpus.value} vCPUs each)`,
      limit: `maxInstances ${p.maxInstances.value}`,
      saturatesAtRps: p.maxInstances.value * perInstanceRps,
      effect: `at ${p.targetCpuPercent.value}% CPU the group serves ~${fmtInt(p.maxInstances.value * perInstanceRps * target)} req/s, at 100% ~${fmtInt(p.maxInstances.value * perInstanceRps)}: ${fmtPct(beyond(p.maxInstances.value * perInstanceRps, peakRps))} of peak requests beyond it`,
      fix: `maxInstances ≥ ${fmtInt(neededInstances)} at ${p.targetCpuPercent.value}% CPU${neededInstances > 100 ? ' (the stack config allows 100: a larger instance type)' : ''}`,
      parameter: 'maxInstances',
      binding: false,
      raise: { maxInstances: neededInstances },
    },
    {
      resource: `${p.dbInstanceClass.value} CPU (${p.dbVcpus.value} vCPUs)`,
      limit: `${p.dbVcpus.value} vCPUs at ${dbMs.toFixed(2)} ms per request`,
      saturatesAtRps: dbSaturation,
      effect: `beyond it every request queues at the database: ${fmtPct(beyond(dbSaturation, peakRps))} of the peak's requests beyond it`,
      fix: neededDbVcpus > 64 ? `${fmtInt(neededDbVcpus)} DB vCPUs at 70%: beyond one instance (read replicas, caching, sharding)` : `a class with ≥ ${neededDbVcpus} vCPUs (70% busy at the peak)`,
      parameter: 'dbVcpus',
      binding: false,
      raise: { dbVcpus: neededDbVcpus },
    },
  ];
  const baseline = p.cpuCredits.value === 'standard' ? p.cpuBaselinePerVcpu.value : null;
  if (baseline !== null) {
    // Held at the baseline, CPUUtilization cannot pass it: with a target above it, the group stops scaling out.
    // and once every instance is held there, CPU below the scale-in mark shrinks the group to its minimum.
    const stuck = baseline * 100 < p.targetCpuPercent.value;
    const heldInstances = stuck ? p.minInstances.value : p.maxInstances.value;
    const atBaseline = heldInstances * perInstanceRps * baseline;
    limits.push({
      resource: `${p.instanceType.value} CPU credits (standard mode)`,
      limit: `${fmtPct(baseline)} of each vCPU once credits are spent (${p.launchCreditsPerVcpu.value} launch credits per vCPU; ${fmtInt(baseline * p.instanceVcpus.value * 60)} earned an hour)`,
      saturatesAtRps: atBaseline,
      effect: stuck
        ? `above the baseline an instance spends credits, then runs at ${fmtPct(baseline)} CPU; CloudWatch then reports ≤ ${fmtPct(baseline)}, below the ${p.targetCpuPercent.value}% target, so the group stops scaling out and scales in to its minimum: ${fmtPct(beyond(atBaseline, peakRps))} of peak requests beyond ${heldInstances} instances at the baseline`
        : `above the baseline an instance spends credits, then runs at ${fmtPct(baseline)} CPU: ${fmtPct(beyond(atBaseline, peakRps))} of peak requests beyond ${p.maxInstances.value} instances at the baseline`,
      fix: `cpuCredits unlimited (surplus vCPU-hours billed), or a non-burstable type (m7i, c7g, …)${stuck ? `, or targetCpuPercent ≤ ${Math.floor(baseline * 100)}` : ''}`,
      parameter: 'cpuCredits',
      binding: false,
      raise: { cpuCredits: 'unlimited' },
    });
  }
  if (connectionsAtNeeded > p.dbMaxConnections.value) {
    const instancesAtLimit = Math.floor(p.dbMaxConnections.value / p.dbPoolPerInstance.value);
    limits.push({
      resource: `${p.dbInstanceClass.value} max_connections`,
      limit: `${fmtInt(p.dbMaxConnections.value)} connections (${p.dbPoolPerInstance.value} per instance pool)`,
      saturatesAtRps: instancesAtLimit * perInstanceRps * target,
      effect: `${fmtInt(neededInstances)} instances × ${p.dbPoolPerInstance.value} = ${fmtInt(connectionsAtNeeded)} connections when their pools fill (as they do once queries queue): the rest are refused`,
      fix: `RDS Proxy, smaller pools, or a class whose memory allows ≥ ${fmtInt(connectionsAtNeeded)} connections`,
      parameter: 'dbMaxConnections',
      binding: false,
      raise: { dbMaxConnections: connectionsAtNeeded },
    });
  }
  return markBinding(limits, peakRps, observed);
}
