import { LAMBDA_FUNCTIONS } from '../../src/architecture/system.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/bench/result-schema.js';
import { usageFromResult } from '../../src/cost/usage-from-results.js';
import { buildReport, targetLabel } from '../../src/report/build.js';
import { renderReport } from '../../src/report/render/index.js';
import { awsTargetWith, DEFAULT_CLOUDWATCH_TIMING } from '../../src/targets/aws.js';
import { awsRecord, COLD_INIT_MS, monitoredResources, replayData, REPORTS_PER_MINUTE } from '../support/cloudwatch-fixtures.js';
import { startCloudWatchReplay, type ReplayServer } from '../support/cloudwatch-replay.js';
import { fixtureInputs } from './support/inputs.js';

/**
 * The report of an AWS run: the fixture runs as if benched on AWS, their scaling timelines read by the
 * aws target from a server replaying CloudWatch (the names are the fixture stacks' own), then the same
 * report and cost code as for a local run.
 */
const inputs = fixtureInputs();
const PREFIX = 'acshop-r1-fixture';
let replay: ReplayServer;
let results: Record<'traditional' | 'serverless', BenchResult>;

beforeAll(async () => {
  const base = inputs.results.traditional.result;
  const start = Math.floor(Date.parse(base.startedAt) / 60_000) * 60_000;
  const resources = { traditional: monitoredResources('traditional', PREFIX), serverless: monitoredResources('serverless', PREFIX) };
  replay = await startCloudWatchReplay(replayData(Object.values(resources), start, 2));
  const aws = awsTargetWith({ ...DEFAULT_CLOUDWATCH_TIMING, publicationPollMs: 20, insightsPollMs: 20 });
  const read = async (model: 'traditional' | 'serverless'): Promise<BenchResult> => {
    const r = inputs.results[model].result;
    const scalingTimeline = await aws.metrics(awsRecord(model, replay.url, resources[model]), { from: new Date(r.startedAt), to: new Date(r.endedAt) }, { final: {} });
    return { ...r, target: { kind: 'aws', url: 'https://example.invalid', region: 'us-east-1' }, scalingTimeline };
  };
  results = { traditional: await read('traditional'), serverless: await read('serverless') };
});
afterAll(async () => replay?.stop());

const reportOf = (r = results) => buildReport({ ...inputs, results: { traditional: { ...inputs.results.traditional, result: r.traditional }, serverless: { ...inputs.results.serverless, result: r.serverless } } });

describe('the report of an AWS run read from CloudWatch', () => {
  it('says "from CloudWatch" only when the timelines came from it', () => {
    expect(targetLabel(results)).toMatch(/^AWS \(us-east-1\): .*read from CloudWatch/);
    const unread = { ...results, serverless: { ...results.serverless, scalingTimeline: { source: 'not-read' as const, note: 'x', datapoints: [] } } };
    expect(targetLabel(unread)).toMatch(/traditional from CloudWatch; serverless: no CloudWatch metrics were read/);
    const neither = { traditional: { ...unread.serverless, model: 'traditional' as const }, serverless: unread.serverless };
    expect(targetLabel(neither)).not.toMatch(/from CloudWatch/);
    const partial = { ...results, traditional: { ...results.traditional, scalingTimeline: { ...results.traditional.scalingTimeline, partial: true } } };
    expect(targetLabel(partial)).toMatch(/partial for traditional/);
  });

  it('sets the server-side p95 beside the client-side one, in ms', () => {
    const report = reportOf();
    // The replayed samples are 1..20 per minute: p95 = 19 (ms at API Gateway; 0.019 s at the ALB).
    expect(report.latency.serverSide.traditional).toMatchObject({ metric: 'AWS/ApplicationELB TargetResponseTime', p95: 19, partial: false });
    expect(report.latency.serverSide.serverless).toMatchObject({ metric: 'AWS/ApiGateway Latency', p50: 10, p95: 19, p99: 20 });
    expect(report.latency.overall.serverless.p95).toBe(results.serverless.totals.latencyMs.p95);
    const md = renderReport(report, 'md');
    expect(md).toMatch(/\| server-side, every minute of the run \(ALB target response time \/ API Gateway latency\) \| {2}\| 10\.0 \/ 19\.0 \/ 20\.0 \| 10\.0 \/ 19\.0 \/ 20\.0 \|/);
  });

  it('counts cold starts twice: by response header and by Lambda’s REPORT lines', () => {
    const report = reportOf();
    const platform = report.coldStarts.serverless.platform!;
    expect(platform.count).toBe(COLD_INIT_MS.length * LAMBDA_FUNCTIONS.length);
    expect(platform.headerCount).toBe(report.coldStarts.serverless.count + report.coldStarts.serverless.warmupCount);
    expect([platform.initP50Ms, platform.initP95Ms]).toEqual([150, 250]);
    expect(report.coldStarts.traditional.platform).toBeNull();
    expect(renderReport(report, 'md')).toMatch(new RegExp(`\\| counted by Lambda's REPORT lines, whole run \\| – \\| ${platform.count} \\(headers: \\d+\\) · init 150 ms / 250 ms \\|`));
  });

  it('draws the scaling timeline from CloudWatch’s datapoints', () => {
    const report = reportOf();
    expect(report.scaling.traditional.capacityMetric).toBe('GroupInServiceInstances');
    // The fixture run lasts 51 s within one minute: one datapoint, the replay's first (1).
    expect(report.scaling.traditional.capacity.map((p) => p.value)).toEqual([1]);
    expect(report.scaling.serverless.capacity.length).toBeGreaterThan(0);
    expect(report.scaling.traditional.timelineSource).toMatch(/scalingTimeline \(cloudwatch\)/);
  });

  it('prices the cost from the measured usage: billed durations, cold starts, instances and the load balancer’s LCU dimensions', () => {
    const sls = usageFromResult(results.serverless, inputs.stacks.serverless.doc, 'sls.json');
    expect(sls.resourceUsage).toBe('measured');
    // The run's one minute: 10 REPORT lines of 10 ms invoked, two of them cold (their billed INIT taken out, priced apart).
    const users = sls.window.lambda!.users!;
    expect(users.coldStarts).toBe(COLD_INIT_MS.length);
    expect(users.meanInitMs).toBe(200);
    expect(users.meanDurationMs).toBeCloseTo(10, 6);
    expect(users.invocations).toBe(1); // AWS/Lambda Invocations of the first minute: one sample of 1
    expect(REPORTS_PER_MINUTE).toBe(10);
    const trad = usageFromResult(results.traditional, inputs.stacks.traditional.doc, 'trad.json');
    expect(trad.window.instances).toEqual({ average: 1, peak: 1 });
    expect(trad.window.alb).toEqual({ newConnections: 1, activeConnections: 1, processedBytes: 1, ruleEvaluations: 1 });
    const report = reportOf();
    expect(report.cost.traditional.usageBasis).toBe('measured');
    expect(report.cost.serverless.usageBasis).toBe('measured');
    expect(report.verdict.criteria[0]!.traditional.basis).toBe('priced');
  });
});
