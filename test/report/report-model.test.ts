import { describe, expect, it } from 'vitest';
import { runEstimate } from '../../src/cost/estimate.js';
import { SECONDS_PER_MONTH } from '../../src/cost/units.js';
import { machineBoundPhases } from '../../src/cost/usage-from-results.js';
import { buildReport, REPORT_CURVE } from '../../src/report/build.js';
import { assessEffort, mergeEffortWeights } from '../../src/report/effort.js';
import { ReportSchema } from '../../src/report/model.js';
import { comparisonUsage, usageFromResult } from '../../src/cost/usage-from-results.js';
import { modelledParameter, type CostParameterId } from '../../src/architecture/modelled-parameters.js';
import type { BenchResult } from '../../src/bench/result-schema.js';
import { renderReport } from '../../src/report/render/index.js';
import { fixtureInputs } from './support/inputs.js';

const inputs = fixtureInputs();
const report = buildReport(inputs);
const trad = inputs.results.traditional.result;
const sls = inputs.results.serverless.result;

describe('report model from the fixture results', () => {
  it('is a valid report', () => {
    expect(ReportSchema.safeParse(report).success).toBe(true);
  });

  it('latency, cold starts and errors are the results’ own figures', () => {
    expect(report.latency.overall.traditional.p95).toBe(trad.totals.latencyMs.p95);
    expect(report.latency.overall.serverless.p99).toBe(sls.totals.latencyMs.p99);
    expect(report.latency.phases.map((p) => p.name)).toEqual(['baseline', 'surge', 'peak', 'cool-down', 'recovery']);
    // The spike: the ramp up and the phase at the top rate, not the ramp down.
    expect(report.latency.phases.filter((p) => p.highlighted).map((p) => p.name)).toEqual(['surge', 'peak']);
    const peak = report.latency.phases.find((p) => p.name === 'peak')!;
    expect(peak.serverless!.p95).toBe(sls.phases.find((p) => p.name === 'peak')!.totals.latencyMs.p95);
    expect(report.coldStarts.serverless.count).toBe(sls.totals.coldStarts.count);
    expect(report.coldStarts.serverless.sharePct).toBeCloseTo((sls.totals.coldStarts.count / sls.totals.requests) * 100, 3);
    expect(report.coldStarts.serverless.initP95Ms).toBe(sls.totals.coldStarts.initMs.p95);
    expect(report.coldStarts.serverless.warmupCount).toBe(sls.phases[0]!.totals.coldStarts.count);
    expect(report.scaling.traditional.serverErrors).toBe(trad.totals.serverErrors);
    expect(report.scaling.serverless.throttled).toBe(sls.totals.throttled);
    expect(report.scaling.traditional.errorRatePct).toBeCloseTo((trad.totals.serverErrors / trad.totals.requests) * 100, 2);
  });

  it('capacity follows the scaling timeline: 2 → 4 instances, environments up to their peak', () => {
    expect(report.scaling.traditional.start).toBe(2);
    expect(report.scaling.traditional.peak).toBe(4);
    expect(report.scaling.serverless.peak).toBe(Math.max(...sls.scalingTimeline.datapoints.filter((d) => d.metric === 'ConcurrentExecutions').map((d) => d.value)));
    // Demand rises at t = 15 s (the surge); 4 instances in service from t = 30 s: 15 wall s x time scale 10.
    expect(report.scaling.traditional.reactionModelledS).toBe(150);
  });

  it('starts the capacity story when the measured phases start, not at the deploy’s first period', () => {
    const first = trad.scalingTimeline.datapoints.find((d) => d.metric === 'GroupInServiceInstances')!;
    const deploying = { ...first, timestamp: new Date(Date.parse(trad.startedAt) - 20_000).toISOString(), value: 0 };
    const withDeploy = { ...trad, scalingTimeline: { ...trad.scalingTimeline, datapoints: [deploying, ...trad.scalingTimeline.datapoints] } };
    const r = buildReport({ ...inputs, results: { ...inputs.results, traditional: { ...inputs.results.traditional, result: withDeploy } } });
    expect(r.scaling.traditional.start).toBe(2);
    expect(r.scaling.traditional.reactionModelledS).toBe(150);
  });

  it('prices both models at the mean measured rate, from the measured usage', () => {
    const windowS = 48; // 12 + 3 + 18 + 3 + 12 wall seconds of measured phases
    const rate = (trad.totals.requests / windowS + sls.totals.requests / windowS) / 2;
    expect(report.cost.measuredRequestsPerMonth.value).toBe(Math.round(rate * SECONDS_PER_MONTH));
    expect(report.cost.levels.map((l) => l.label)).toEqual(['measured rate', '10x', '100x']);
    expect(report.cost.levels[1]!.requestsPerMonth).toBe(Math.round(rate * SECONDS_PER_MONTH * 10));
    // Instance hours = the measured average of instances in service x 730 h.
    const from = Date.parse(trad.phases[1]!.startedAt);
    const to = Date.parse(trad.phases.at(-1)!.endedAt);
    const inService = trad.scalingTimeline.datapoints.filter((d) => d.metric === 'GroupInServiceInstances' && Date.parse(d.timestamp) >= from && Date.parse(d.timestamp) < to).map((d) => d.value);
    const avg = inService.reduce((a, b) => a + b, 0) / inService.length;
    const instances = report.cost.traditional.topComponents.find((c) => c.resource === 'aws_autoscaling_group.app')!;
    expect(Number(instances.monthlyQuantity)).toBeCloseTo(avg * 730, 3);
    // API Gateway bills every request: the first 300M tier is full at this traffic.
    const api = report.cost.serverless.topComponents.find((c) => c.resource === 'aws_apigatewayv2_api.http')!;
    expect(api.monthlyQuantity).toBe('300');
    // Lambda invocations come from the AWS/Lambda datapoints, per function.
    const usage = usageFromResult(sls, inputs.stacks.serverless.doc, 'serverless.json');
    const catalogInvocations = sls.scalingTimeline.datapoints.filter((d) => d.metric === 'Invocations' && d.dimensions.FunctionName === 'acshop-r1-catalog' && Date.parse(d.timestamp) >= from && Date.parse(d.timestamp) < to).reduce((s, d) => s + d.value, 0);
    expect(usage.window.lambda!.catalog!.invocations).toBe(catalogInvocations);
    expect(usage.modelled).toHaveLength(1); // only the bytes on the wire
    expect(report.cost.capacityModel.basis).toBe('measured');
    expect(report.cost.traditional.totalMonthly).toBe(report.cost.levels[0]!.traditional);
  });

  it('prices Lambda durations from the periods when this machine had CPU to spare', () => {
    const from = Date.parse(sls.phases[1]!.startedAt);
    const to = Date.parse(sls.phases.at(-1)!.endedAt);
    const inWindow = (d: { timestamp: string }) => Date.parse(d.timestamp) >= from && Date.parse(d.timestamp) < to;
    const catalog = sls.scalingTimeline.datapoints.filter((d) => d.dimensions.FunctionName === 'acshop-r1-catalog' && inWindow(d));
    const periods = [...new Set(catalog.filter((d) => d.metric === 'Invocations' && d.value > 0).map((d) => d.timestamp))].sort();
    expect(periods.length).toBeGreaterThan(2);
    // The first busy period ran on a saturated machine, the rest did not.
    const cpu = [...new Set(sls.scalingTimeline.datapoints.filter(inWindow).map((d) => d.timestamp))].map((timestamp) => ({
      timestamp,
      namespace: 'archcompare/Local',
      metric: 'MachineCPUUtilization',
      dimensions: {},
      value: timestamp === periods[0] ? 97 : 40,
      statistic: 'Average',
    }));
    const result = { ...sls, scalingTimeline: { ...sls.scalingTimeline, datapoints: [...sls.scalingTimeline.datapoints, ...cpu] } };
    const clear = catalog.filter((d) => d.timestamp !== periods[0]);
    const sum = (dps: typeof catalog, metric: string) => dps.filter((d) => d.metric === metric).reduce((s, d) => s + d.value, 0);
    const usage = usageFromResult(result, inputs.stacks.serverless.doc, 'serverless.json');
    expect(usage.window.lambda!.catalog!.meanDurationMs).toBeCloseTo(sum(clear, 'Duration') / sum(clear, 'Invocations'), 9);
    expect(usage.window.lambda!.catalog!.meanDurationMs).not.toBeCloseTo(sum(catalog, 'Duration') / sum(catalog, 'Invocations'), 3);
    expect(usage.window.lambda!.catalog!.invocations).toBe(sum(catalog, 'Invocations')); // every invocation is still billed
    expect(usage.modelled.some((m) => /Lambda GB-seconds: .* periods when this machine's CPU was under 85%/.test(m))).toBe(true);
    // Saturated throughout: priced as measured, and said to be overstated.
    const allBusy = { ...sls, scalingTimeline: { ...sls.scalingTimeline, datapoints: [...sls.scalingTimeline.datapoints, ...cpu.map((c) => ({ ...c, value: 99 }))] } };
    const busy = usageFromResult(allBusy, inputs.stacks.serverless.doc, 'serverless.json');
    expect(busy.window.lambda!.catalog!.meanDurationMs).toBeCloseTo(sum(catalog, 'Duration') / sum(catalog, 'Invocations'), 9);
    expect(busy.modelled.some((m) => /overstated/.test(m))).toBe(true);
  });

  it('names the phases measured on a saturated machine', () => {
    expect(machineBoundPhases(sls)).toEqual([]); // no machine CPU datapoints: nothing to say
    const peak = sls.phases.find((p) => p.name === 'peak')!;
    const inPeak = (t: string) => Date.parse(t) >= Date.parse(peak.startedAt) && Date.parse(t) < Date.parse(peak.endedAt);
    const cpu = [...new Set(sls.scalingTimeline.datapoints.map((d) => d.timestamp))].map((timestamp) => ({ timestamp, metric: 'MachineCPUUtilization', dimensions: {}, value: inPeak(timestamp) ? 96 : 30 }));
    const busy = { ...sls, scalingTimeline: { ...sls.scalingTimeline, datapoints: [...sls.scalingTimeline.datapoints, ...cpu] } };
    const phases = machineBoundPhases(busy);
    expect(phases).toContain('peak');
    expect(phases).not.toContain('baseline');
    expect(phases).not.toContain('recovery');
    const withBusy = buildReport({ ...inputs, results: { ...inputs.results, serverless: { ...inputs.results.serverless, result: busy } } });
    expect(withBusy.provenance.warnings.some((w) => w.startsWith('serverless: this machine') && w.includes('peak'))).toBe(true);
  });

  it('the break-even is where the cheaper model really changes', () => {
    expect(report.cost.breakEven.length).toBeGreaterThan(0);
    const usage = comparisonUsage(usageFromResult(trad, inputs.stacks.traditional.doc, 't'), usageFromResult(sls, inputs.stacks.serverless.doc, 's'));
    const stacks = (['traditional', 'serverless'] as const).map((m) => ({ name: m, source: m, doc: inputs.stacks[m].doc }));
    const at = (r: number) => {
      const e = runEstimate({ stacks, book: inputs.prices.book, usage: { kind: 'measured', usage }, requestsPerMonth: r, freeTier: false, curve: false });
      const [t, s] = e.stacks.map((x) => x.estimate.totalMonthlyCost);
      return t!.lt(s!) ? 'traditional' : 'serverless';
    };
    for (const b of report.cost.breakEven) {
      expect(at(b.requestsPerMonth)).toBe(b.cheaperAbove);
      expect(at(b.requestsPerMonth - 1)).not.toBe(b.cheaperAbove);
    }
    expect(report.cost.curve.requestsPerMonth).toHaveLength(REPORT_CURVE.points);
  });

  it('the verdict follows from the criteria, and says when it would flip', () => {
    const byId = Object.fromEntries(report.verdict.criteria.map((c) => [c.id, c]));
    expect(byId.cost!.winner).toBe(Number(report.cost.levels[0]!.traditional) < Number(report.cost.levels[0]!.serverless) ? 'traditional' : 'serverless');
    expect(byId.latency!.winner).toBe('serverless');
    expect(byId.reliability!.winner).toBe('serverless');
    expect(byId.effort!.winner).toBe('serverless');
    expect(report.verdict.winner).toBe('serverless');
    expect(byId.latency!.marginPct).toBeCloseTo(((trad.totals.latencyMs.p95 - sls.totals.latencyMs.p95) / trad.totals.latencyMs.p95) * 100, 0);
    // Traditional is cheaper at the measured rate and the crossing lies below it.
    const be = report.cost.breakEven[0]!;
    expect(be.requestsPerMonth).toBeLessThan(report.cost.measuredRequestsPerMonth.value!);
    expect(report.verdict.flip).toMatch(/^Below \d+(\.\d)?M requests\/month .* serverless would be cheaper/);
    // Every figure says where it came from.
    for (const c of report.verdict.criteria) for (const f of [c.traditional, c.serverless]) expect(f.source.length).toBeGreaterThan(5);
    expect(byId.effort!.traditional.basis).toBe('modelled');
    expect(byId.cost!.traditional.basis).toBe('priced');
  });

  it('a tie on criteria is broken by cost', () => {
    // Serverless as slow and as unreliable as traditional: latency and reliability become ties.
    const slow = { ...inputs, results: { ...inputs.results, serverless: { ...inputs.results.serverless, result: { ...sls, totals: structuredClone(trad.totals) } } } };
    const r = buildReport(slow);
    const wins = (m: string) => r.verdict.criteria.filter((c) => c.winner === m).length;
    expect(wins('serverless')).toBe(1);
    expect(r.verdict.winner).toBe('traditional');
  });
});

describe('provenance', () => {
  it('names each modelled parameter by its registry id with the registry value and source, no source-file paths', () => {
    const registry = report.provenance.modelledParameters.filter((p) => !p.id.startsWith('effort.'));
    expect(registry.map((p) => p.id)).toEqual(expect.arrayContaining(['cost.bytesOutPerRequest', 'cost.requestsPerConnection', 'cost.connectionSeconds', 'local.ec2LaunchDelaySeconds']));
    for (const p of registry) expect(p.source, p.id).toBe(modelledParameter(p.id as CostParameterId).source);
    // Measured here: the capacity and the Lambda mix are not listed as modelled.
    expect(registry.map((p) => p.id)).not.toContain('cost.requestsPerSecondPerInstance');
    expect(registry.map((p) => p.id)).not.toContain('cost.requestMix');
    const text = JSON.stringify({ provenance: report.provenance, cost: report.cost });
    expect(text.match(/src\/[\w/-]+\.(ts|json)/g)).toBeNull();
  });

  it('an AWS run without metrics is labelled modelled where it is, and claims no CloudWatch reading', () => {
    const onAws = (r: BenchResult, url: string): BenchResult => ({ ...r, target: { ...r.target, kind: 'aws', url, region: 'us-east-1' }, scalingTimeline: { source: 'none', note: 'CloudWatch metrics are not read by bench', datapoints: [] } });
    const alb = 'http://acshop-ac-1-alb-1.us-east-1.elb.amazonaws.com';
    const aws = buildReport({
      ...inputs,
      results: { traditional: { ...inputs.results.traditional, result: onAws(trad, alb) }, serverless: { ...inputs.results.serverless, result: onAws(sls, 'https://a1b2c3.execute-api.us-east-1.amazonaws.com') } },
    });
    // The ALB without a certificate served plain HTTP: the report says so; the HTTPS API gets no such line.
    expect(aws.provenance.warnings.filter((w) => w.includes('HTTP-only'))).toEqual([`traditional: ${alb} is HTTP-only (no traditional.certificateArn): fit for benchmarking, not for real users' passwords and tokens`]);
    expect(aws.provenance.label).not.toMatch(/from CloudWatch/);
    expect(aws.provenance.label).toMatch(/no CloudWatch metrics were read.*modelled usage/);
    const cost = aws.verdict.criteria.find((c) => c.id === 'cost')!;
    expect([cost.traditional.basis, cost.serverless.basis]).toEqual(['modelled', 'modelled']);
    expect(cost.serverless.source).toMatch(/cost\.requestMix/);
    expect([aws.cost.traditional.usageBasis, aws.cost.serverless.usageBasis]).toEqual(['modelled', 'modelled']);
    const ids = aws.provenance.modelledParameters.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['cost.requestMix', 'cost.lambdaMeanDurationMs', 'cost.coldStartsPerInvocation', 'cost.dynamoDbRequestUnitsPerRequest', 'cost.requestsPerSecondPerInstance']));
    expect(ids.some((id) => id.startsWith('local.'))).toBe(false);
    expect(aws.cost.capacityModel).toMatchObject({ basis: 'modelled', value: modelledParameter('cost.requestsPerSecondPerInstance').value });
    expect(aws.provenance.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^serverless: the run has no Lambda metrics.*modelled usage/), expect.stringMatching(/^traditional: the run has no instance metrics/)]));
    const md = renderReport(aws, 'md');
    expect(md).toContain('× modelled usage');
    expect(md).not.toMatch(/capacity from CloudWatch/);
    // The local report keeps its measured labels.
    expect(report.verdict.criteria[0]!.traditional.basis).toBe('priced');
    expect(report.cost.serverless.usageBasis).toBe('measured');
  });
});

describe('operational-effort rubric', () => {
  const weights = inputs.effort.weights;
  const t = assessEffort(inputs.stacks.traditional.doc, weights, 'traditional.cdk.tf.json');
  const s = assessEffort(inputs.stacks.serverless.doc, weights, 'serverless.cdk.tf.json');
  const item = (e: typeof t, id: string) => e.items.find((i) => i.id === id);

  it('counts what the team owns, with the resources behind each point', () => {
    expect(item(t, 'osPatching')!.evidence).toEqual(['aws_launch_template.app']);
    expect(item(t, 'database')!.evidence).toEqual(['aws_db_instance.main']);
    expect(item(t, 'natGateway')!.evidence).toEqual(['aws_nat_gateway.nat_0']);
    expect(item(t, 'network')!.evidence).toEqual(expect.arrayContaining(['aws_vpc.main', 'aws_subnet.private_0', 'aws_security_group.db', 'aws_route_table.public']));
    expect(item(t, 'capacity')!.evidence).toEqual(expect.arrayContaining(['aws_autoscaling_group.app', 'aws_autoscaling_policy.cpu_target']));
    expect(item(t, 'alarms')!.count).toBe(inputs.stacks.traditional.doc.resources.filter((r) => r.type === 'aws_cloudwatch_metric_alarm').length);
    expect(item(s, 'osPatching')).toBeUndefined();
    expect(item(s, 'database')).toBeUndefined();
    expect(item(s, 'managedRuntime')!.count).toBe(6);
    expect(item(s, 'iacSize')!.count).toBe(inputs.stacks.serverless.doc.resources.length);
  });

  it('score and hours follow the weights', () => {
    expect(t.score).toBeCloseTo(t.items.reduce((a, i) => a + i.points, 0), 2);
    expect(t.hoursPerMonth).toBeCloseTo(t.score * weights.hoursPerPoint, 2);
    expect(item(t, 'database')!.points).toBe(weights.items.database.pointsPerUnit);
    const heavier = mergeEffortWeights(weights, { hoursPerPoint: 1, items: { database: { pointsPerUnit: 20 } } });
    const t2 = assessEffort(inputs.stacks.traditional.doc, heavier, 'x');
    expect(item(t2, 'database')!.hoursPerMonth).toBe(20);
    expect(item(t2, 'database')!.label).toBe(weights.items.database.label);
    expect(t2.hoursPerMonth).toBeGreaterThan(t.hoursPerMonth);
  });
});
