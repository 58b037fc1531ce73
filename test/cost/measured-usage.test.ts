import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/cost/estimate-service.js';
import { extrapolateToMonth, type MeasuredWindow } from '../../src/cost/measured-usage.js';
import { FIXED_NOW, line } from './helpers/golden.js';
import { tempDir } from '../support/temp-dir.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const window: MeasuredWindow = JSON.parse(readFileSync(path.join(here, 'fixtures/measured-window.json'), 'utf8'));
const fixtures = { traditional: path.join(here, 'fixtures/traditional.cdk.tf.json'), serverless: path.join(here, 'fixtures/serverless.cdk.tf.json') };

// 600 s window held for a month: x 2,628,000 / 600 = 4,380
const FACTOR = 4380;

describe('measured usage (a bench window extrapolated to a month)', () => {
  const measured = extrapolateToMonth(window);

  it('scales counts by the month/window ratio and keeps per-request ratios and levels', () => {
    expect(measured.kind).toBe('measured');
    expect(measured.requestsPerMonth).toBe(60000 * FACTOR);
    expect(measured.lambda.catalog).toEqual({ invocationsPerMonth: 36000 * FACTOR, meanDurationMs: 42.5, coldStartsPerMonth: 12 * FACTOR, meanInitMs: 380 });
    expect(measured.dynamoDb.products!.readRequestUnitsPerRequest).toBe(0.9); // 54,000 / 60,000
    expect(measured.dynamoDb.carts!.writeRequestUnitsPerRequest).toBe(0.16); // 9,600 / 60,000
    expect(measured.instances).toEqual({ average: 2.4, peak: 4 });
    expect(measured.bytesOutPerRequest).toBe(2048);
    expect(measured.requestsPerMonthByRoute['POST /orders']).toBe(4000 * FACTOR);
  });

  it('can scale to a stated monthly traffic instead of the wall-clock extrapolation', () => {
    const at = extrapolateToMonth(window, { requestsPerMonth: 6_000_000 });
    expect(at.lambda.catalog!.invocationsPerMonth).toBe(3_600_000);
    expect(at.dynamoDb.products!.readRequestUnitsPerRequest).toBe(0.9);
  });

  it('flows into the estimate: invocations, durations, cold-start INIT time, consumed capacity, instance hours and bytes out', async () => {
    const dir = tempDir('archcompare-measured-');
    const file = path.join(dir, 'measured.json');
    writeFileSync(file, JSON.stringify(measured));
    const both = await estimate({ models: ['traditional', 'serverless'], terraformJson: fixtures, measuredFile: file, curve: false, now: FIXED_NOW });
    const sls = { json: { ...both.json, stacks: [both.json.stacks.find((s) => s.name === 'serverless')!] } } as Parameters<typeof line>[0];
    const trad = { json: { ...both.json, stacks: [both.json.stacks.find((s) => s.name === 'traditional')!] } } as Parameters<typeof line>[0];

    expect(both.json.requestsPerMonth).toBe(262_800_000);
    expect(line(sls, 'aws_lambda_function.catalog', 'Requests').monthlyQuantity).toBe('157.68'); // 36,000 x 4,380 = 157.68M
    // (157,680,000 x 0.0425 s + 52,560 cold starts x 0.38 s) x 0.5 GB = 3,360,686.4 GB-s (arm64)
    expect(line(sls, 'aws_lambda_function.catalog', 'Duration (512 MB, arm64) (first 7.5B)').monthlyQuantity).toBe('3360686.4');
    expect(line(sls, 'aws_dynamodb_table.products', 'Read request units (RRU)').monthlyQuantity).toBe('236.52'); // 0.9 x 262.8M
    expect(line(sls, 'aws_dynamodb_table.carts', 'Write request units (WRU)').monthlyQuantity).toBe('42.048'); // 0.16 x 262.8M
    expect(line(sls, 'aws_apigatewayv2_api.http', 'Requests (first 300M)').monthlyQuantity).toBe('262.8');
    expect(line(sls, 'aws_sqs_queue.orders', 'Requests (standard queue) (first 100B)').monthlyQuantity).toBe('15.768'); // 3,600 x 4,380
    // the measured average of 2.4 instances, not the ASG's desired 2: 2.4 x 730 = 1,752 h
    expect(line(trad, 'aws_autoscaling_group.app', 'Instance usage (Linux/UNIX, on-demand, t3.small)').monthlyQuantity).toBe('1752');
    // 262.8M x 2,048 B / 2^30 = 501.25732... GB out to the internet, in both models
    for (const o of [sls, trad]) expect(Number(line(o, 'aws_data_transfer.internet', 'Outbound data transfer to the internet (first 10 TB)').monthlyQuantity)).toBeCloseTo((262_800_000 * 2048) / 1024 ** 3, 6);
    expect(both.json.stacks.every((s) => s.usage.kind === 'measured')).toBe(true);
    expect(both.json.capacityModel.requestsPerSecondPerInstance).toBe(60);
  });
});
