import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS_FILE, parseMetricsFile, readMetricsFile, type MetricName, type MetricNamespace, type MetricUnit } from '../../src/architecture/metrics.js';
import { latestCapacity, readScalingTimeline, timelineDatapoint } from '../../src/bench/scaling-timeline.js';
import { MetricsRecorder } from '../../src/local/metrics.js';
import { seededRandom } from '../../src/seeded-random.js';
import { tempDir } from '../support/temp-dir.js';

const datum = (MetricName: string, stats: { SampleCount: number; Sum: number; Minimum: number; Maximum: number }, Namespace = 'archcompare/Local') => ({
  Namespace,
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

describe('the metrics contract', () => {
  it('takes the machine CPU as its period average, a capacity gauge as its maximum, a count as its sum', () => {
    const figure = (d: object) => {
      const { data, unreadable } = parseMetricsFile(JSON.stringify(d), 'm.jsonl');
      expect(unreadable).toEqual([]);
      return timelineDatapoint(data[0]!);
    };
    expect(figure(datum('MachineCPUUtilization', { SampleCount: 4, Sum: 260, Minimum: 20, Maximum: 100 }))).toMatchObject({ value: 65, statistic: 'Average' });
    expect(figure(datum('ConcurrentExecutions', { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 5 }, 'AWS/Lambda'))).toMatchObject({ value: 5, statistic: 'Maximum' });
    expect(figure(datum('Invocations', { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 5 }, 'AWS/Lambda'))).toMatchObject({ value: 10, statistic: 'Sum' });
    expect(figure(datum('Duration', { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 5 }, 'AWS/Lambda'))).toMatchObject({ value: 10, statistic: 'Sum' });
  });

  it('reports every line that is not a MetricDatum by its number: no other spellings, no metric outside the contract', () => {
    const good = datum('Invocations', { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 }, 'AWS/Lambda');
    const { MetricName: _, ...withoutMetricName } = good;
    const lines = [
      JSON.stringify(good),
      'not json',
      JSON.stringify({ ...withoutMetricName, metricName: 'Invocations' }),
      JSON.stringify({ ...good, MetricName: 'Invocatons' }),
      JSON.stringify({ ...good, StatisticValues: { SampleCount: 0, Sum: 0, Minimum: 0, Maximum: 0 } }),
      JSON.stringify({ ...good, Timestamp: 'yesterday' }),
      '',
      JSON.stringify({ ...good, Value: 3 }),
    ];
    const parsed = parseMetricsFile(lines.join('\n'), '/d/metrics.jsonl');
    expect(parsed.data).toHaveLength(1);
    expect(parsed.unreadable).toEqual([
      { line: 2, reason: 'not JSON' },
      { line: 3, reason: expect.stringMatching(/^MetricName: /) },
      { line: 4, reason: 'MetricName: AWS/Lambda Invocatons is not a metric of the contract' },
      { line: 5, reason: expect.stringMatching(/^StatisticValues\.SampleCount: /) },
      { line: 6, reason: expect.stringMatching(/^Timestamp: /) },
      { line: 8, reason: expect.stringMatching(/Value/) },
    ]);
  });

  it('says which lines of the file it skipped, and still reads the rest', async () => {
    const dir = tempDir('ac-metrics-');
    const now = new Date();
    const line = JSON.stringify({ ...datum('GroupInServiceInstances', { SampleCount: 2, Sum: 5, Minimum: 2, Maximum: 3 }, 'AWS/AutoScaling'), Timestamp: now.toISOString() });
    writeFileSync(path.join(dir, METRICS_FILE), `${line}\n{"Namespace": "AWS/Lam`);
    const timeline = await readScalingTimeline(dir, now, now);
    expect(timeline.datapoints.map((d) => [d.metric, d.value])).toEqual([['GroupInServiceInstances', 3]]);
    expect(timeline.note).toBe(`1 unreadable line skipped (first: ${path.join(dir, METRICS_FILE)} line 2: not JSON)`);
    expect(await readScalingTimeline(path.join(dir, 'missing'), now, now)).toMatchObject({ source: 'none', datapoints: [] });
  });
});

/** One series the test records: the samples of each period, and the figure it expects, computed here from those samples. */
interface RecordedSeries {
  namespace: MetricNamespace;
  name: MetricName;
  dims: Record<string, string>;
  unit: MetricUnit;
  percentiles?: boolean;
  periods: number[][];
  statistic: 'Maximum' | 'Sum' | 'Average';
}

function expectedFigure(statistic: RecordedSeries['statistic'], samples: number[]): number {
  if (statistic === 'Maximum') return Math.max(...samples);
  const sum = samples.reduce((a, b) => a + b, 0);
  return statistic === 'Sum' ? sum : sum / samples.length;
}

/** Nearest-rank percentile: the smallest sample with at least p% of the samples at or below it. */
function nearestRank(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('from the local writer to the production reader', () => {
  it('reads back, period by period, the figures of what the MetricsRecorder was given', async () => {
    const random = seededRandom(12);
    const durationsMs = Array.from({ length: 400 }, () => Math.round((2 + random() * 300) * 1000) / 1000);
    const responseSeconds = Array.from({ length: 50 }, () => Math.round((0.001 + random() * 0.5) * 1e6) / 1e6);
    const recorded: RecordedSeries[] = [
      { namespace: 'AWS/AutoScaling', name: 'GroupInServiceInstances', dims: { AutoScalingGroupName: 'shop-app' }, unit: 'Count', periods: [[2, 3, 5, 4], [6, 3]], statistic: 'Maximum' },
      { namespace: 'AWS/Lambda', name: 'ConcurrentExecutions', dims: {}, unit: 'Count', periods: [[1, 7, 2], [4]], statistic: 'Maximum' },
      { namespace: 'AWS/Lambda', name: 'Invocations', dims: { FunctionName: 'shop-catalog' }, unit: 'Count', periods: [[1, 1, 1, 1, 1, 1, 1], [1, 1]], statistic: 'Sum' },
      { namespace: 'AWS/DynamoDB', name: 'ConsumedReadCapacityUnits', dims: { TableName: 'shop-products' }, unit: 'Count', periods: [[0.5, 1.5, 2], [0.5]], statistic: 'Sum' },
      { namespace: 'AWS/Lambda', name: 'Duration', dims: { FunctionName: 'shop-catalog' }, unit: 'Milliseconds', percentiles: true, periods: [durationsMs.slice(0, 300), durationsMs.slice(300)], statistic: 'Sum' },
      { namespace: 'AWS/ApplicationELB', name: 'TargetResponseTime', dims: { LoadBalancer: 'app/shop/local' }, unit: 'Seconds', percentiles: true, periods: [responseSeconds, responseSeconds.slice(0, 10)], statistic: 'Sum' },
      { namespace: 'archcompare/Local', name: 'MachineCPUUtilization', dims: {}, unit: 'Percent', periods: [[20, 40, 90], [100, 50]], statistic: 'Average' },
    ];

    const dir = tempDir('ac-recorder-');
    const recorder = new MetricsRecorder(dir, 60, 10);
    const from = new Date();
    await recorder.start();
    for (let period = 0; period < 2; period++) {
      for (const s of recorded) for (const v of s.periods[period]!) recorder.record(s.namespace, s.name, s.dims, v, s.unit, s.percentiles);
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct period timestamps
      await recorder.flush();
    }
    await recorder.stop();
    const to = new Date();

    const timeline = await readScalingTimeline(dir, from, to);
    expect(timeline.source).toBe('local-metrics');
    expect(timeline.note).toBeUndefined();
    const periodStarts = [...new Set(timeline.datapoints.map((d) => d.timestamp))].sort();
    expect(periodStarts).toHaveLength(2);
    const read = timeline.datapoints.map((d) => ({ period: periodStarts.indexOf(d.timestamp), namespace: d.namespace, metric: d.metric, dimensions: d.dimensions, statistic: d.statistic, unit: d.unit, value: d.value }));
    const expected = recorded.flatMap((s) =>
      s.periods.map((samples, period) => ({ period, namespace: s.namespace, metric: s.name, dimensions: s.dims, statistic: s.statistic, unit: s.unit, value: expect.closeTo(expectedFigure(s.statistic, samples), 6) })),
    );
    expect(read).toHaveLength(expected.length);
    expect(read).toEqual(expect.arrayContaining(expected));
    expect(latestCapacity(timeline.datapoints)).toEqual({ metric: 'GroupInServiceInstances', value: 6 });

    // Percentiles are in the datum itself (the timeline keeps one figure per period): HDR keeps 3 significant digits.
    const { data } = (await readMetricsFile(dir))!;
    for (const s of recorded.filter((r) => r.percentiles)) {
      s.periods.forEach((samples, period) => {
        const written = data.find((d) => d.MetricName === s.name && new Date(d.Timestamp).toISOString() === periodStarts[period]);
        expect(written?.StatisticValues).toMatchObject({ SampleCount: samples.length, Minimum: Math.min(...samples), Maximum: Math.max(...samples) });
        for (const p of [50, 90, 95, 99]) {
          const want = nearestRank(samples, p);
          expect(Math.abs(written!.ExtendedStatistics![`p${p}`]! - want), `${s.name} p${p} of period ${period}`).toBeLessThanOrEqual(want * 0.002);
        }
      });
    }
  });
});
