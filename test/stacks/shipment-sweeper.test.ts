import { beforeAll, describe, expect, it } from 'vitest';
import { AWAITING_SHIPMENT } from '../../src/app/adapters/dynamodb/tables.js';
import { parseRateExpression, rateExpression, rateSeconds } from '../../src/architecture/schedule.js';
import { lambdaFunction, SCHEDULED_FUNCTIONS, TABLES } from '../../src/architecture/system.js';
import { readTerraformDocument, resourcesOfType } from '../../src/architecture/terraform-document.js';
import { prepareStack } from '../../src/cost/engine.js';
import { modelledUsage, usageFromMeasured } from '../../src/cost/measured-usage.js';
import { classify } from '../../src/cost/resources/registry.js';
import { serverlessTopology } from '../../src/local/topology.js';
import { resource, synthJson, testConfig, type TerraformJson } from '../support/synth.js';

const RUN_ID = 'ac-sweeptest';
const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;

describe('rate expressions (EventBridge syntax: singular unit for 1, plural otherwise)', () => {
  it('writes and reads back what EventBridge accepts, and refuses what it refuses', () => {
    expect(rateExpression({ every: 1, unit: 'minute' })).toBe('rate(1 minute)');
    expect(rateExpression({ every: 5, unit: 'minute' })).toBe('rate(5 minutes)');
    expect(parseRateExpression('rate(5 minutes)')).toEqual({ every: 5, unit: 'minute' });
    expect(parseRateExpression('rate(1 hour)')).toEqual({ every: 1, unit: 'hour' });
    for (const refused of ['rate(1 minutes)', 'rate(5 minute)', 'rate(0 minutes)', 'rate(30 seconds)', 'cron(0 * * * ? *)']) expect(parseRateExpression(refused), refused).toBeUndefined();
    expect(rateSeconds({ every: 2, unit: 'hour' })).toBe(7200);
  });
});

describe('the shipment sweeper in the serverless stack', () => {
  let json: TerraformJson;
  beforeAll(async () => {
    ({ json } = await synthJson('serverless', {}, RUN_ID));
  });

  it('runs on an EventBridge scheduled rule at the description\'s rate, no finer than EventBridge\'s 1 minute', () => {
    for (const fn of SCHEDULED_FUNCTIONS) {
      const tf = fn.id.replace(/-/g, '_');
      const rule = resource(json, 'aws_cloudwatch_event_rule', tf);
      const rate = parseRateExpression(String(rule.schedule_expression));
      expect(rate).toEqual(fn.rate);
      expect(rateSeconds(rate!)).toBeGreaterThanOrEqual(60);
      expect(rule.name).toBe(`acshop-${RUN_ID}-${fn.id}`);
      // target -> the function; EventBridge may invoke it, from this rule only.
      expect(resource(json, 'aws_cloudwatch_event_target', tf)).toMatchObject({ rule: ref('aws_cloudwatch_event_rule', tf, 'name'), arn: ref('aws_lambda_function', tf, 'arn'), retry_policy: { maximum_event_age_in_seconds: 60 } });
      expect(resource(json, 'aws_lambda_permission', `${tf}_from_schedule`)).toEqual(
        expect.objectContaining({ action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com', function_name: ref('aws_lambda_function', tf, 'function_name'), source_arn: ref('aws_cloudwatch_event_rule', tf, 'arn') }),
      );
      expect(resource(json, 'aws_lambda_function', tf).publish).toBe(false);
    }
    // Exactly the scheduled functions have a rule, and nothing else may invoke them.
    expect(Object.keys(json.resource.aws_cloudwatch_event_rule ?? {}).sort()).toEqual(SCHEDULED_FUNCTIONS.map((f) => f.id.replace(/-/g, '_')).sort());
    const principals = Object.values(json.resource.aws_lambda_permission ?? {}).filter((p) => p.function_name === ref('aws_lambda_function', 'shipment_sweeper', 'function_name')).map((p) => p.principal);
    expect(principals).toEqual(['events.amazonaws.com']);
  });

  it('has a role that names the orders table and its indexes only, and no queue', () => {
    const policy = JSON.parse(String(resource(json, 'aws_iam_role_policy', 'shipment_sweeper_access').policy)) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string[] }> };
    const tables = policy.Statement.find((s) => s.Sid === 'Tables')!;
    expect(tables.Resource).toEqual([ref('aws_dynamodb_table', 'orders', 'arn'), `${ref('aws_dynamodb_table', 'orders', 'arn')}/index/*`]);
    expect(tables.Action).toContain('dynamodb:Query');
    expect(policy.Statement.some((s) => s.Action.some((a) => a.startsWith('sqs:')))).toBe(false);
    expect(lambdaFunction('shipment-sweeper').tables).toEqual(['orders']);
  });

  it('waits out the orders queue\'s redelivery interval before sweeping an order', () => {
    const queue = resource(json, 'aws_sqs_queue', 'orders');
    const env = resource(json, 'aws_lambda_function', 'shipment_sweeper').environment.variables as Record<string, string>;
    expect(Number(env.FULFILMENT_RETRY_MS)).toBe(Number(queue.visibility_timeout_seconds) * 1000);
  });

  it('gives the orders table, and only it, the sparse awaiting-shipment index (keys only)', () => {
    for (const t of TABLES) {
      const table = resource(json, 'aws_dynamodb_table', t);
      const indexes = (table.global_secondary_index as Array<Record<string, unknown>>).map((i) => i.name);
      expect(indexes, t).toEqual(t === 'orders' ? ['gsi1', AWAITING_SHIPMENT.index] : ['gsi1']);
    }
    const orders = resource(json, 'aws_dynamodb_table', 'orders');
    expect(orders.global_secondary_index[1]).toEqual({ name: 'awaiting_shipment', hash_key: 'awaitingShipment', range_key: 'awaitingShipmentSince', projection_type: 'KEYS_ONLY' });
    expect(orders.attribute).toEqual(expect.arrayContaining([{ name: 'awaitingShipment', type: 'S' }, { name: 'awaitingShipmentSince', type: 'S' }]));
  });

  it('is run by the local target on the schedule the stack holds', () => {
    const doc = readTerraformDocument(JSON.parse(JSON.stringify(json)), 'synth');
    expect(serverlessTopology(doc, testConfig({}, RUN_ID)).schedules).toEqual([{ ruleName: `acshop-${RUN_ID}-shipment-sweeper`, expression: 'rate(1 minute)', everySeconds: 60, fn: 'shipment-sweeper' }]);
    // The stack, not the description, is what runs: a slower rule there is a slower sweep here.
    json.resource.aws_cloudwatch_event_rule!.shipment_sweeper!.schedule_expression = 'rate(5 minutes)';
    const slower = readTerraformDocument(JSON.parse(JSON.stringify(json)), 'synth');
    expect(serverlessTopology(slower, testConfig({}, RUN_ID)).schedules[0]!.everySeconds).toBe(300);
    json.resource.aws_cloudwatch_event_rule!.shipment_sweeper!.schedule_expression = 'rate(1 minute)';
  });

  it('costs its Lambda runs, one a minute whatever the traffic, and lists nothing as unsupported', () => {
    const doc = readTerraformDocument(json, 'synth');
    const prepared = prepareStack(doc);
    expect(prepared.unsupported).toEqual([]);
    for (const type of ['aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target']) {
      expect(classify(type).kind, type).toBe('free');
      expect(resourcesOfType(doc, type)).toHaveLength(1);
    }
    const capacity = { requestsPerSecondPerInstance: 50 };
    for (const requests of [0, 1e6, 1e8]) {
      const usage = usageFromMeasured(modelledUsage(requests), prepared, [], capacity);
      // 730 hours a month (the cost model's month) × 60 runs an hour.
      expect(usage.byAddress.get('aws_lambda_function.shipment_sweeper')?.monthly_requests, `${requests} requests/month`).toBe(730 * 60);
    }
  });
});
