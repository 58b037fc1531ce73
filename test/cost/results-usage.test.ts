import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/bench/result-schema.js';
import { estimate } from '../../src/cost/estimate-service.js';
import { HOURS_PER_MONTH, SECONDS_PER_MONTH } from '../../src/cost/units.js';
import { tempDir } from '../support/temp-dir.js';

// Two bench results (one per model, same run) and the stacks they were run against.
const FIXTURES = path.resolve(__dirname, '../report/fixtures');
const RUN = '20251120T100000Z-a1b2';
const load = (m: string) => JSON.parse(readFileSync(path.join(FIXTURES, `${m}.json`), 'utf8')) as BenchResult;
const stacks = { traditional: path.join(FIXTURES, 'traditional.cdk.tf.json'), serverless: path.join(FIXTURES, 'serverless.cdk.tf.json') };

/** Straight from the result file: the measured phases' window and the datapoints inside it. */
function measured(result: BenchResult) {
  const phases = result.phases.filter((p) => !p.warmup);
  const windowS = phases.reduce((s, p) => s + p.durationS, 0);
  const from = Date.parse(phases[0]!.startedAt);
  const to = Date.parse(phases.at(-1)!.endedAt);
  const dps = result.scalingTimeline.datapoints.filter((d) => Date.parse(d.timestamp) >= from && Date.parse(d.timestamp) < to);
  const sum = (metric: string, dim: string, suffix: string) => dps.filter((d) => d.metric === metric && d.dimensions[dim]?.endsWith(suffix)).reduce((s, d) => s + d.value, 0);
  return { windowS, perMonth: SECONDS_PER_MONTH / windowS, dps, sum };
}

type Json = { stacks: Array<{ name: string; usage: { kind: string }; resources: Array<{ address: string; components: Array<{ name: string; monthlyQuantity: string }> }> }> };
const quantity = (json: Json, model: string, address: string, component: RegExp) =>
  json.stacks
    .find((s) => s.name === model)!
    .resources.find((r) => r.address === address)!
    .components.filter((c) => component.test(c.name))
    .reduce((s, c) => s + Number(c.monthlyQuantity), 0);

describe('estimate --results: usage measured by a bench run', () => {
  let resultsDir: string;
  beforeAll(() => {
    resultsDir = tempDir('archcompare-results-');
    mkdirSync(path.join(resultsDir, RUN));
    for (const m of ['traditional', 'serverless']) copyFileSync(path.join(FIXTURES, `${m}.json`), path.join(resultsDir, RUN, `${m}.json`));
  });

  it('serverless: API requests, Lambda invocations and DynamoDB read units are the result file’s, extrapolated to a month', async () => {
    const result = load('serverless');
    const m = measured(result);
    const { json } = await estimate({ models: ['serverless'], terraformJson: { serverless: stacks.serverless }, results: 'latest', resultsDir, curve: false });
    const out = json as unknown as Json;
    expect(out.stacks[0]!.usage.kind).toBe('measured');
    expect(quantity(out, 'serverless', 'aws_apigatewayv2_api.http', /^Requests/) * 1e6).toBeCloseTo(result.totals.requests * m.perMonth, 0);
    for (const fn of ['catalog', 'cart', 'users']) {
      const invocations = m.sum('Invocations', 'FunctionName', `-${fn}`);
      expect(invocations, fn).toBeGreaterThan(0);
      expect(quantity(out, 'serverless', `aws_lambda_function.${fn}`, /^Requests/) * 1e6, fn).toBeCloseTo(invocations * m.perMonth, 0);
    }
    const rru = m.sum('ConsumedReadCapacityUnits', 'TableName', '-products');
    expect(rru).toBeGreaterThan(0);
    expect(quantity(out, 'serverless', 'aws_dynamodb_table.products', /Read request units/) * 1e6).toBeCloseTo(rru * m.perMonth, 0);
  });

  it('traditional: instance hours are the measured average of instances in service', async () => {
    const m = measured(load('traditional'));
    const inService = m.dps.filter((d) => d.metric === 'GroupInServiceInstances').map((d) => d.value);
    const average = inService.reduce((a, b) => a + b, 0) / inService.length;
    const { json } = await estimate({ models: ['traditional'], terraformJson: { traditional: stacks.traditional }, results: RUN, resultsDir, curve: false });
    expect(quantity(json as unknown as Json, 'traditional', 'aws_autoscaling_group.app', /^Instance usage/)).toBeCloseTo(average * HOURS_PER_MONTH, 3);
  });

  it('says what to run when there is no such result, and refuses two sources of usage', async () => {
    await expect(estimate({ models: ['serverless'], terraformJson: { serverless: stacks.serverless }, results: 'nope', resultsDir, curve: false })).rejects.toThrow(
      /--results nope: no serverless result/,
    );
    const empty = tempDir('archcompare-noresults-');
    await expect(estimate({ models: ['serverless'], terraformJson: { serverless: stacks.serverless }, results: 'latest', resultsDir: empty, curve: false })).rejects.toMatchObject({
      fix: expect.stringMatching(/archcompare bench/),
    });
    await expect(estimate({ models: ['serverless'], results: 'latest', usageFile: 'u.yml', resultsDir, curve: false })).rejects.toThrow(/more than one of --usage, --measured and --results/);
  });
});
