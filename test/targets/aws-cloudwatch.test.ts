import { LAMBDA_FUNCTIONS } from '../../src/architecture/system.js';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_REPORT_NAMESPACE } from '../../src/architecture/metrics.js';
import { MONITORED_RESOURCES_OUTPUT } from '../../src/architecture/monitored-resources.js';
import { awsClientConfig } from '../../src/deploy/aws-connection.js';
import { awsTargetWith, DEFAULT_CLOUDWATCH_TIMING, type CloudWatchTiming } from '../../src/targets/aws.js';
import { requireBinary } from '../support/binaries.js';
import { awsRecord, COLD_INIT_MS, monitoredResources, replayData, REPORTS_PER_MINUTE, TIMING_SAMPLES_PER_MINUTE } from '../support/cloudwatch-fixtures.js';
import { startCloudWatchReplay, type ReplayServer } from '../support/cloudwatch-replay.js';
import { startMoto, type Moto } from '../support/moto.js';

const FAST: CloudWatchTiming = { ...DEFAULT_CLOUDWATCH_TIMING, publicationMaxWaitMs: 3000, publicationPollMs: 50, insightsPollMs: 20, insightsMaxWaitMs: 3000 };
const MINUTES = 5;
// A whole-minute window in the recent past: [start, start + 5 min).
const START = Math.floor(Date.now() / 60_000) * 60_000 - 20 * 60_000;
const window = { from: new Date(START + 5_000), to: new Date(START + MINUTES * 60_000 - 5_000) };
const lastMinute = START + (MINUTES - 1) * 60_000;

describe('aws target: CloudWatch read against a server replaying GetMetricData and Logs Insights', () => {
  let replay: ReplayServer | undefined;
  afterEach(async () => {
    await replay?.stop();
    replay = undefined;
  });

  it('reads every series with percentiles, across pages, and Lambda REPORT lines per function and minute', async () => {
    const resources = monitoredResources('serverless');
    replay = await startCloudWatchReplay({ ...replayData([resources], START, MINUTES), pageSize: 700, runningPolls: 2 });
    const progress: string[] = [];
    const reading = await awsTargetWith(FAST).metrics(awsRecord('serverless', replay.url), window, { final: { onProgress: (l) => progress.push(l) } });

    expect(reading.source).toBe('cloudwatch');
    expect(reading.partial).toBe(false);
    expect(reading.note).toBeUndefined();
    // Paginated: more than one GetMetricData page for the data, none with more than 500 queries.
    const dataRequests = replay.metricRequests.filter((r) => r.MetricDataQueries.length > 1);
    expect(dataRequests.length).toBeGreaterThan(1);
    expect(dataRequests.some((r) => r.NextToken)).toBe(true);
    for (const r of replay.metricRequests) expect(r.MetricDataQueries.length).toBeLessThanOrEqual(500);

    const users = resources.functions.users.FunctionName;
    const duration = reading.datapoints.filter((d) => d.namespace === 'AWS/Lambda' && d.metric === 'Duration' && d.dimensions.FunctionName === users);
    expect(duration.map((d) => Date.parse(d.timestamp))).toEqual(Array.from({ length: MINUTES }, (_, m) => START + m * 60_000));
    expect(duration[0]).toMatchObject({ value: 210, statistic: 'Sum', unit: 'Milliseconds', sampleCount: TIMING_SAMPLES_PER_MINUTE, percentiles: { p50: 10, p90: 18, p95: 19, p99: 20 } });
    const invocations = reading.datapoints.filter((d) => d.namespace === 'AWS/Lambda' && d.metric === 'Invocations' && d.dimensions.FunctionName === users);
    expect(invocations.map((d) => d.value)).toEqual([1, 2, 3, 4, 5]);
    // Every table and both queues of the system, by their physical names.
    for (const table of Object.values(resources.tables)) expect(reading.datapoints.some((d) => d.metric === 'ConsumedReadCapacityUnits' && d.dimensions.TableName === table)).toBe(true);
    expect(reading.datapoints.some((d) => d.metric === 'ApproximateAgeOfOldestMessage' && d.dimensions.QueueName === resources.queues.orders.DeadLetterQueueName)).toBe(true);

    // The server-side latency over the whole window, not per minute.
    const apiLatency = reading.windowStatistics?.find((d) => d.namespace === 'AWS/ApiGateway' && d.metric === 'Latency');
    expect(apiLatency).toMatchObject({ sampleCount: MINUTES * TIMING_SAMPLES_PER_MINUTE, percentiles: { p95: 19 } });

    // REPORT lines: per function and minute, and the platform's cold starts over the window.
    const report = (metric: string) => reading.datapoints.filter((d) => d.namespace === LAMBDA_REPORT_NAMESPACE && d.metric === metric && d.dimensions.FunctionName === users);
    expect(report('Invocations').map((d) => d.value)).toEqual(Array(MINUTES).fill(REPORTS_PER_MINUTE));
    expect(report('ColdStarts')).toMatchObject([{ timestamp: new Date(START).toISOString(), value: COLD_INIT_MS.length }]);
    expect(report('BilledDuration')[0]).toMatchObject({ value: 10 * REPORTS_PER_MINUTE + 150 + 250, unit: 'Milliseconds' });
    expect(report('BilledDuration')[1]).toMatchObject({ value: 10 * REPORTS_PER_MINUTE });
    const functions = Object.keys(resources.functions).length;
    const cold = reading.windowStatistics?.find((d) => d.namespace === LAMBDA_REPORT_NAMESPACE && d.metric === 'ColdStarts');
    expect(cold?.value).toBe(COLD_INIT_MS.length * functions);
    const init = reading.windowStatistics?.find((d) => d.metric === 'InitDuration');
    expect(init).toMatchObject({ sampleCount: COLD_INIT_MS.length * functions, percentiles: { p50: 150, p95: 250 } });
    expect(progress.at(-1)).toMatch(/reading CloudWatch metrics and Lambda REPORT lines/);
    expect(replay.calls.filter((c) => c === 'StartQuery')).toHaveLength(2);
  });

  it('waits, saying so, until CloudWatch has published the last minute, then reads it whole', async () => {
    const resources = monitoredResources('traditional');
    const opened = Date.now();
    replay = await startCloudWatchReplay({ ...replayData([resources], START, MINUTES), publishedUntil: () => (Date.now() - opened < 400 ? lastMinute : Infinity) });
    const progress: string[] = [];
    const reading = await awsTargetWith(FAST).metrics(awsRecord('traditional', replay.url), window, { final: { onProgress: (l) => progress.push(l) } });
    expect(progress.some((l) => /^waiting for CloudWatch to publish \d\d:\d\d UTC, the run's last minute \(\d+ s of at most 3 s\)$/.test(l))).toBe(true);
    expect(reading.partial).toBe(false);
    const requests = reading.datapoints.filter((d) => d.metric === 'RequestCount');
    expect(requests.at(-1)).toMatchObject({ timestamp: new Date(lastMinute).toISOString(), value: MINUTES });
    const targetTime = reading.windowStatistics?.find((d) => d.metric === 'TargetResponseTime');
    expect(targetTime).toMatchObject({ unit: 'Seconds', percentiles: { p95: 0.019 } });
    expect(reading.datapoints.some((d) => d.metric === 'GroupInServiceInstances' && d.dimensions.AutoScalingGroupName === resources.AutoScalingGroupName)).toBe(true);
  });

  it('labels a read partial when the last minute is still missing after the bounded wait', async () => {
    replay = await startCloudWatchReplay({ ...replayData([monitoredResources('serverless')], START, MINUTES), publishedUntil: () => lastMinute });
    const started = Date.now();
    const reading = await awsTargetWith({ ...FAST, publicationMaxWaitMs: 300 }).metrics(awsRecord('serverless', replay.url), window, { final: {} });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(reading.partial).toBe(true);
    expect(reading.note).toMatch(/^partial: CloudWatch had not published \d\d:\d\d UTC, the run's last minute, after \d+ s/);
    expect(reading.datapoints.some((d) => Date.parse(d.timestamp) === lastMinute)).toBe(false);
    expect(reading.datapoints.some((d) => Date.parse(d.timestamp) === lastMinute - 60_000)).toBe(true);
  });

  it('logs(): the REPORT figures as a cloudwatch-logs reading', async () => {
    replay = await startCloudWatchReplay({ ...replayData([monitoredResources('serverless')], START, MINUTES) });
    const logs = await awsTargetWith(FAST).logs(awsRecord('serverless', replay.url), window);
    expect(logs.source).toBe('cloudwatch-logs');
    if (logs.source !== 'cloudwatch-logs') return;
    expect(logs.complete).toBe(true);
    expect(logs.datapoints.filter((d) => d.metric === 'ColdStarts').reduce((s, d) => s + d.value, 0)).toBe(COLD_INIT_MS.length * LAMBDA_FUNCTIONS.length);
  });

  it('says not read, and why, for a deployment without the monitored_resources output', async () => {
    const record = awsRecord('traditional', 'http://127.0.0.1:9');
    delete record.outputs[MONITORED_RESOURCES_OUTPUT];
    expect(await awsTargetWith(FAST).metrics(record, window)).toEqual({ source: 'not-read', note: expect.stringMatching(/no monitored_resources output.*redeploy/), datapoints: [] });
  });
});

const motoBin = requireBinary('moto_server', 'CloudWatch metrics read back through the aws target');

describe.skipIf(!motoBin)('aws target: metrics put into moto_server and read back', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto(motoBin!);
  }, 60_000);
  afterAll(async () => moto?.stop());

  it('reads back the basic statistics PutMetricData stored, as contract datapoints', async () => {
    const resources = monitoredResources('traditional', 'acshop-ac-moto');
    const record = awsRecord('traditional', moto.url, resources);
    const cw = new CloudWatchClient(awsClientConfig({ endpointUrl: moto.url, region: 'us-east-1' }));
    const lb = [{ Name: 'LoadBalancer', Value: resources.LoadBalancer }];
    const asg = [{ Name: 'AutoScalingGroupName', Value: resources.AutoScalingGroupName }];
    for (let m = 0; m < MINUTES; m++) {
      const Timestamp = new Date(START + m * 60_000 + 10_000);
      await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/ApplicationELB', MetricData: [{ MetricName: 'RequestCount', Dimensions: lb, Timestamp, StatisticValues: { SampleCount: 4, Sum: 100 * (m + 1), Minimum: 10, Maximum: 40 }, Unit: 'Count' }] }));
      await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/AutoScaling', MetricData: [{ MetricName: 'GroupInServiceInstances', Dimensions: asg, Timestamp, Value: m < 3 ? 2 : 4, Unit: 'None' }] }));
    }
    const reading = await awsTargetWith(FAST).metrics(record, window, { final: {} });
    expect(reading).toMatchObject({ source: 'cloudwatch', partial: false });
    const requests = reading.datapoints.filter((d) => d.metric === 'RequestCount');
    expect(requests.map((d) => [Date.parse(d.timestamp), d.value, d.sampleCount])).toEqual(Array.from({ length: MINUTES }, (_, m) => [START + m * 60_000, 100 * (m + 1), 4]));
    expect(reading.datapoints.filter((d) => d.metric === 'GroupInServiceInstances').map((d) => d.value)).toEqual([2, 2, 2, 4, 4]);
    expect(reading.datapoints.find((d) => d.metric === 'GroupInServiceInstances')).toMatchObject({ namespace: 'AWS/AutoScaling', statistic: 'Maximum', dimensions: { AutoScalingGroupName: resources.AutoScalingGroupName } });
  }, 60_000);
});
