import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../src/state/registry.js';
import { targetOf } from '../../src/targets/adapters.js';
import { tempDir } from '../support/temp-dir.js';

/** The Target adapters' reading side (metrics, logs, status, endpoints) on records and files, without a deployment. */

const NOW = Date.now();
const window = { from: new Date(NOW - 60_000), to: new Date(NOW) };

function record(over: Partial<DeploymentRecord>): DeploymentRecord {
  const at = new Date(NOW).toISOString();
  return { model: 'traditional', target: 'local', runId: 'dep1', status: 'deployed', createdAt: at, updatedAt: at, outputs: {}, stateDir: tempDir('ac-target-'), ...over };
}

describe('the local adapter', () => {
  it('reads the metrics under the state directory when the deploy never recorded its own directories', async () => {
    const rec = record({ status: 'failed' });
    await mkdir(path.join(rec.stateDir, 'metrics'), { recursive: true });
    const datum = { Namespace: 'AWS/AutoScaling', MetricName: 'GroupInServiceInstances', Dimensions: [], Timestamp: new Date(NOW - 30_000).toISOString(), Unit: 'Count', StatisticValues: { SampleCount: 1, Sum: 2, Minimum: 2, Maximum: 2 }, Period: 60, RealPeriodSeconds: 60, Source: 'local', TimeScale: 1 };
    await writeFile(path.join(rec.stateDir, 'metrics', 'metrics.jsonl'), `${JSON.stringify(datum)}\n`);
    const reading = await (await targetOf(rec)).metrics(rec, window);
    expect(reading.source).toBe('local-metrics');
    expect(reading.datapoints.map((d) => [d.metric, d.value])).toEqual([['GroupInServiceInstances', 2]]);
  });

  it('gives the log files written during the window, whole, and says there are none when there is no log directory', async () => {
    const logsDir = tempDir('ac-logs-');
    await mkdir(logsDir, { recursive: true });
    await writeFile(path.join(logsDir, 'supervisor.log'), 'started\n');
    await writeFile(path.join(logsDir, 'instance-1.log'), 'old\n');
    const longAgo = new Date(NOW - 3_600_000);
    await utimes(path.join(logsDir, 'instance-1.log'), longAgo, longAgo);
    const rec = record({ local: { supervisorPid: 1, metricsDir: path.join(logsDir, 'none'), timeScale: 1, logsDir } });
    const local = await targetOf(rec);
    expect(await local.logs(rec, window)).toMatchObject({ source: 'local-logs', files: [path.join(logsDir, 'supervisor.log')] });
    expect(await local.logs(record({}), window)).toMatchObject({ source: 'none' });
  });
});

describe('the aws adapter', () => {
  it('says explicitly that CloudWatch is not read for a deployment that records no monitored resources, and reports nothing live', async () => {
    const rec = record({ target: 'aws', url: 'https://x.example', outputs: { url: 'https://x.example', alb_dns_name: 'x.example' } });
    const aws = await targetOf(rec);
    expect(aws.name).toBe('aws');
    expect(await aws.metrics(rec, window)).toEqual({ source: 'not-read', note: expect.stringMatching(/^not read: the deployment records no monitored_resources output/), datapoints: [] });
    expect(await aws.logs(rec, window)).toEqual({ source: 'not-read', note: expect.stringMatching(/^not read: the deployment records no monitored_resources output/) });
    expect(await aws.status(rec)).toBeUndefined();
    expect(aws.endpoints(rec)).toEqual({ frontDoor: 'https://x.example', outputs: { alb_dns_name: 'x.example' } });
  });
});
