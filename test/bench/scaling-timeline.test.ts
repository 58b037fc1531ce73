import { describe, expect, it } from 'vitest';
import { datapointFromRecord } from '../../src/bench/scaling-timeline.js';

const datum = (MetricName: string, stats: { SampleCount: number; Sum: number; Minimum: number; Maximum: number }) => ({
  Namespace: 'archcompare/Local',
  MetricName,
  Dimensions: [],
  Timestamp: '2026-11-23T06:00:00.000Z',
  Period: 60,
  RealPeriodSeconds: 6,
  Unit: 'Percent',
  StatisticValues: stats,
  Source: 'local',
  TimeScale: 10,
});

describe('CloudWatch-shaped records to timeline datapoints', () => {
  it('takes the machine CPU as its period average, a capacity gauge as its maximum, a count as its sum', () => {
    expect(datapointFromRecord(datum('MachineCPUUtilization', { SampleCount: 4, Sum: 260, Minimum: 20, Maximum: 100 }))).toMatchObject({ value: 65, statistic: 'Average' });
    expect(datapointFromRecord(datum('ConcurrentExecutions', { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 5 }))).toMatchObject({ value: 5, statistic: 'Maximum' });
    expect(datapointFromRecord(datum('Invocations', { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 5 }))).toMatchObject({ value: 10, statistic: 'Sum' });
    expect(datapointFromRecord(datum('MachineCPUUtilization', { SampleCount: 0, Sum: 0, Minimum: 0, Maximum: 0 }))).toBeUndefined();
  });
});
