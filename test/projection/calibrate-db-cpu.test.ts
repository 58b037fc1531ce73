import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchResultSchema, type BenchResult } from '../../src/bench/result-schema.js';
import { StackConfigSchema } from '../../src/config/stack-config.js';
import { calibrateFromRuns, dbCpuMsPerRequest, instanceProcessCpuMsPerRequest } from '../../src/projection/calibrate.js';
import { modelledParameters, type ProjectionParameters } from '../../src/projection/parameters.js';
import { meanMs } from '../../src/projection/service-time.js';

/**
 * DB and instance CPU time per request from CPU-share datapoints. The run: the report fixture's
 * traditional run (6-s periods; measured phases from 10:00:03 to 10:00:51) with RDS CPUUtilization,
 * ProcessCPUUtilization and MachineCPUUtilization datapoints added by hand, validated by the real
 * BenchResultSchema.
 */
const fixture = JSON.parse(readFileSync(path.resolve('test/report/fixtures/traditional.json'), 'utf8')) as BenchResult;
const config = { ...StackConfigSchema.parse({}), runId: 'projected' }; // t3.small (2 vCPUs), db.t4g.micro (2 vCPUs)
const base = modelledParameters(config, { value: 10, unit: 's', origin: { kind: 'config', source: 'test' } });

// Per period (second of 10:00): the fixture's RequestCount, then the percents added here.
// DB ms per request = RDS % / 100 × 2 vCPUs × 6 s × 1000 / requests = % × 120 / requests.
const PERIODS = [
  { s: '06', requests: 150, rds: 11.25, machine: 50, instances: { 'i-a': 10 } }, //  9 ms: too few requests to be busy
  { s: '12', requests: 489, rds: 4.075, machine: 50, instances: { 'i-a': 4.075, 'i-b': 4.075 } }, // DB 1.0 ms; instances 2.0 ms
  { s: '18', requests: 1500, rds: 15, machine: 50, instances: { 'i-a': 30, 'i-b': 30 } }, //           DB 1.2 ms; instances 4.8 ms
  { s: '24', requests: 1500, rds: 62.5, machine: 95, instances: { 'i-a': 50, 'i-b': 50 } }, //         DB 5.0 ms; instances 8.0 ms: machine saturated
  { s: '30', requests: 1500, rds: 20, machine: 50, instances: { 'i-a': 25, 'i-b': 25 } }, //           DB 1.6 ms; instances 4.0 ms
  { s: '36', requests: 489, rds: 12.225, machine: 50, instances: { 'i-a': 12.225 } }, //                DB 3.0 ms; instances 3.0 ms
  { s: '42', requests: 150, rds: 11.25, machine: 50, instances: {} }, //                                 9 ms: not busy
  { s: '48', requests: 75, rds: 5.625, machine: 50, instances: {} }, //                                  9 ms: not busy
];
// Busy (≥ 1500 / 4 requests) and not saturated: 12, 18, 30, 36.
const DB_MS = (1.2 + 1.6) / 2; // median of 1.0, 1.2, 1.6, 3.0
const INSTANCE_MS = (3.0 + 4.0) / 2; // median of 2.0, 4.8, 4.0, 3.0

function runWithCpu(kind: 'local' | 'aws'): BenchResult {
  const stamp = (s: string) => `2025-11-20T10:00:${s}.000Z`;
  const added = PERIODS.flatMap((p) => [
    { timestamp: stamp(p.s), namespace: 'AWS/RDS', metric: 'CPUUtilization', dimensions: { DBInstanceIdentifier: 'acshop-r1-db' }, value: p.rds, statistic: 'Average', unit: 'Percent' },
    ...(kind === 'local' ? [{ timestamp: stamp(p.s), namespace: 'archcompare/Local', metric: 'MachineCPUUtilization', dimensions: {}, value: p.machine, statistic: 'Average', unit: 'Percent' }] : []),
    ...Object.entries(p.instances).map(([InstanceId, value]) => ({ timestamp: stamp(p.s), namespace: 'archcompare/Local', metric: 'ProcessCPUUtilization', dimensions: { InstanceId }, value, statistic: 'Average', unit: 'Percent' })),
  ]);
  // The fixture's RequestCount is the table's: the hand computation above rests on it.
  for (const p of PERIODS) expect(fixture.scalingTimeline.datapoints.find((d) => d.metric === 'RequestCount' && d.timestamp === stamp(p.s))?.value).toBe(p.requests);
  return BenchResultSchema.parse({
    ...fixture,
    target: { ...fixture.target, kind },
    scalingTimeline: { ...fixture.scalingTimeline, source: kind === 'aws' ? 'cloudwatch' : 'local-metrics', datapoints: [...fixture.scalingTimeline.datapoints, ...added] },
  });
}

const mixMean = (p: ProjectionParameters) => Object.entries(p.requestMix.value).reduce((s, [d, w]) => s + w * meanMs(p.dbServiceTime.value[d as 'users']), 0);
const withSpeedRatio = (ratio: number): ProjectionParameters => ({ ...base, instanceSpeedRatio: { ...base.instanceSpeedRatio, value: ratio } });

describe('CPU time per request from measured CPU shares', () => {
  it('gives the DB’s ms per request: median of busy periods, the saturated one left out', () => {
    expect(dbCpuMsPerRequest(runWithCpu('local'), 2)).toEqual({ ms: expect.closeTo(DB_MS, 9), periods: 4, saturatedOnly: false });
  });

  it('gives the instances’ real CPU ms per request, summed over the instances of each period', () => {
    expect(instanceProcessCpuMsPerRequest(runWithCpu('local'), 2)).toEqual({ ms: expect.closeTo(INSTANCE_MS, 9), periods: 4, saturatedOnly: false });
    expect(instanceProcessCpuMsPerRequest(fixture, 2)).toBeUndefined();
  });

  it('takes the instances’ CPU time per request from their process CPU, not the slot occupancy, when the run has it', () => {
    const { parameters } = calibrateFromRuns(base, [{ result: runWithCpu('local'), file: 'runs/r1/traditional.json' }]);
    const cpuMean = Object.entries(parameters.requestMix.value).reduce((s, [d, w]) => s + w * meanMs(parameters.cpuServiceTime.value[d as 'users']), 0);
    expect(cpuMean).toBeCloseTo(INSTANCE_MS, 9);
    expect(parameters.cpuServiceTime.origin.source).toMatch(/ms of CPU per request \(ProcessCPUUtilization/);
    // Without ProcessCPUUtilization (an older run): the slot occupancy, said as such.
    expect(calibrateFromRuns(base, [{ result: fixture, file: 'old.json' }]).parameters.cpuServiceTime.origin.source).toMatch(/slot occupancy/);
  });

  it('calibrates the DB service time from a local run, times the machine-to-vCPU speed ratio', () => {
    const { parameters, notes } = calibrateFromRuns(withSpeedRatio(2), [{ result: runWithCpu('local'), file: 'runs/r1/traditional.json' }]);
    expect(parameters.dbServiceTime.origin.kind).toBe('calibrated');
    expect(parameters.dbServiceTime.origin.source).toMatch(/^runs\/r1\/traditional\.json: 1\.400 ms of DB CPU per request .*local PostgreSQL.* × instanceSpeedRatio 2/);
    expect(mixMean(parameters)).toBeCloseTo(DB_MS * 2, 9);
    // The modelled per-domain ratios stay.
    const v = parameters.dbServiceTime.value;
    expect(meanMs(v.orders) / meanMs(v.users)).toBeCloseTo(meanMs(base.dbServiceTime.value.orders) / meanMs(base.dbServiceTime.value.users), 9);
    expect(notes).toContain('database time per request: calibrated from RDS CPUUtilization');
  });

  it('calibrates the same way from an AWS run’s CloudWatch datapoints, without the local speed ratio', () => {
    const { parameters } = calibrateFromRuns(withSpeedRatio(2), [{ result: runWithCpu('aws'), file: 'runs/aws/traditional.json' }]);
    expect(parameters.dbServiceTime.origin.source).toMatch(/CloudWatch/);
    // No MachineCPUUtilization on AWS: the 24-s period (5.0 ms) counts too; median of 1.0, 1.2, 1.6, 3.0, 5.0.
    expect(mixMean(parameters)).toBeCloseTo(1.6, 9);
  });

  it('stays modelled, and says why, for a run without RDS CPUUtilization', () => {
    const { parameters, notes } = calibrateFromRuns(base, [{ result: fixture, file: 'runs/old/traditional.json' }]);
    expect(parameters.dbServiceTime).toEqual(base.dbServiceTime);
    expect(notes).toContain('database time per request: modelled (runs/old/traditional.json has no busy periods with RDS CPUUtilization and RequestCount)');
  });
});
