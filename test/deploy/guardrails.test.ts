import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTerraformFile } from '../../src/architecture/terraform-document.js';
import { HOURS_PER_MONTH } from '../../src/cost/units.js';
import { describePlanCost, guardrailDecision, parseMaxHourlyCost, planBarrier, planStandingCost, requireConsentPossible, type PlanCost } from '../../src/deploy/guardrails.js';
import { UserError } from '../../src/errors.js';
import { Decimal } from '../../src/pricing/money.js';
import { loadPriceBook } from '../../src/pricing/snapshot-store.js';
import { REPO_ROOT } from '../support/cli.js';

const book = loadPriceBook('us-east-1').book;
const stack = (model: string) => readTerraformFile(path.join(REPO_ROOT, 'test/cost/fixtures', `${model}.cdk.tf.json`));

describe('the plan priced before apply', () => {
  const traditional = planStandingCost(stack('traditional'), book);
  const serverless = planStandingCost(stack('serverless'), book);

  it('prices what the plan creates with no traffic: hourly is the monthly list price over 730 hours', () => {
    expect(traditional.hourly.mul(HOURS_PER_MONTH).toFixed(10)).toBe(traditional.monthly.toFixed(10));
    expect(traditional.resources).toBe(stack('traditional').resources.length);
    // Servers bill by the hour whether or not a request comes; Lambda, API Gateway and DynamoDB on demand do not.
    expect(traditional.monthly.gt(serverless.monthly.mul(5))).toBe(true);
    // A NAT gateway bills $0.045 per hour in us-east-1 (https://aws.amazon.com/vpc/pricing/), traffic or not.
    expect(traditional.top.find((t) => t.address === 'aws_nat_gateway.nat_0')?.monthly.toFixed(2)).toBe((0.045 * HOURS_PER_MONTH).toFixed(2));
    expect(traditional.top.length).toBe(3);
    expect(traditional.top.every((t, i, all) => i === 0 || all[i - 1]!.monthly.gte(t.monthly))).toBe(true);
  });

  it('one line says what it costs and where the prices come from', () => {
    expect(describePlanCost(traditional)).toMatch(/^the plan creates \d+ resources costing \$\d+\.\d{4}\/hour, \$\d+\.\d{2}\/month at list price \(us-east-1, prices as of \d{4}-\d{2}-\d{2}\) before any traffic; most: aws_\w+\.\w+ \$/);
  });
});

describe('the guardrail decision', () => {
  const cost: PlanCost = { region: 'us-east-1', pricesAsOf: '2026-11-01', resources: 40, hourly: new Decimal('0.2500'), monthly: new Decimal('182.5'), top: [], unpriced: [] };
  const terminal = { assumeYes: false, interactive: true };
  const ci = { assumeYes: true, interactive: false };

  it('refuses above --max-hourly-cost, even with --yes, naming both figures', () => {
    const d = guardrailDecision(cost, { ...ci, maxHourlyCost: new Decimal('0.10') });
    expect(d.action).toBe('refuse');
    if (d.action === 'refuse') expect(d.error.problem).toBe('the plan costs $0.2500/hour ($182.50/month) at list price, above --max-hourly-cost $0.1000');
    expect(guardrailDecision(cost, { ...ci, maxHourlyCost: new Decimal('0.25') }).action).toBe('apply');
  });

  it('asks on a terminal, applies with --yes', () => {
    const d = guardrailDecision(cost, terminal);
    expect(d).toEqual({ action: 'ask', question: expect.stringMatching(/^The plan creates 40 resources costing \$0\.2500\/hour, \$182\.50\/month .*\. Apply\?$/) });
    expect(guardrailDecision(cost, ci)).toEqual({ action: 'apply' });
  });

  it('an unpriced plan cannot pass a limit', () => {
    expect(guardrailDecision({ unpricedBecause: 'no pricing snapshot for region ca-west-1' }, { ...ci, maxHourlyCost: new Decimal(1) }).action).toBe('refuse');
    expect(guardrailDecision({ unpricedBecause: 'no pricing snapshot for region ca-west-1' }, ci).action).toBe('apply');
  });

  it('without a terminal and without --yes nothing is planned', () => {
    expect(() => requireConsentPossible({ assumeYes: false, interactive: false })).toThrow(UserError);
    expect(() => requireConsentPossible({ assumeYes: false, interactive: false })).toThrow(/needs a confirmation of the cost and there is no terminal/);
    expect(() => requireConsentPossible({ assumeYes: true, interactive: false })).not.toThrow();
    expect(() => requireConsentPossible({ assumeYes: false, interactive: true })).not.toThrow();
  });

  it('--max-hourly-cost takes a positive amount of USD', () => {
    expect(parseMaxHourlyCost('$0.50').toString()).toBe('0.5');
    expect(parseMaxHourlyCost('2').toString()).toBe('2');
    for (const bad of ['0', '-1', 'abc', '1e3', '']) expect(() => parseMaxHourlyCost(bad)).toThrow(/--max-hourly-cost/);
  });
});

describe('compare: both plans decided together before either applies', () => {
  const plan = (hourly: string): PlanCost => ({ region: 'us-east-1', pricesAsOf: '2026-11-01', resources: 10, hourly: new Decimal(hourly), monthly: new Decimal(hourly).mul(HOURS_PER_MONTH), top: [], unpriced: [] });

  it('refuses both when their sum passes --max-hourly-cost, though each plan alone is within it', async () => {
    const barrier = planBarrier(['traditional', 'serverless'], { assumeYes: true, interactive: false, maxHourlyCost: new Decimal('0.20') });
    const [a, b] = await Promise.all([barrier.decide('traditional', plan('0.1500')), barrier.decide('serverless', plan('0.0600'))]);
    expect(a.action).toBe('refuse');
    expect(b).toBe(a);
    if (a.action !== 'refuse') throw new Error('not refused');
    expect(a.error.oneLine).toMatch(/^the plans cost \$0\.2100\/hour \(\$153\.30\/month\) together at list price \(traditional \$0\.1500, serverless \$0\.0600\), above --max-hourly-cost \$0\.2000: nothing was applied\. Fix: /);
  });

  it('waits for every plan: the first decided only once the second is priced, then both apply', async () => {
    const barrier = planBarrier(['traditional', 'serverless'], { assumeYes: true, interactive: false, maxHourlyCost: new Decimal('0.50') });
    let first: string | undefined;
    const a = barrier.decide('traditional', plan('0.1500')).then((d) => (first = d.action));
    await new Promise((r) => setTimeout(r, 20));
    expect(first).toBeUndefined();
    expect((await barrier.decide('serverless', plan('0.0010'))).action).toBe('apply');
    await a;
    expect(first).toBe('apply');
  });

  it('asks a terminal once for both, and a no refuses both', async () => {
    const questions: string[] = [];
    const barrier = planBarrier(['traditional', 'serverless'], { assumeYes: false, interactive: true, confirm: async (q) => (questions.push(q), false) });
    const [a, b] = await Promise.all([barrier.decide('traditional', plan('0.1500')), barrier.decide('serverless', plan('0.0010'))]);
    expect(questions).toEqual(['The plans cost $0.1510/hour ($110.23/month) together at list price before any traffic (traditional $0.1500, serverless $0.0010). Apply all?']);
    expect([a.action, b.action]).toEqual(['refuse', 'refuse']);
  });

  it('a deployment that fails before its plan is priced releases the others, refused: nothing is applied', async () => {
    const barrier = planBarrier(['traditional', 'serverless'], { assumeYes: true, interactive: false });
    const waiting = barrier.decide('serverless', plan('0.0010'));
    barrier.abandon('traditional', 'terraform plan failed');
    const d = await waiting;
    expect(d.action).toBe('refuse');
    if (d.action === 'refuse') expect(d.error.oneLine).toMatch(/^traditional failed before its plan was priced \(terraform plan failed\): no plan was applied/);
  });
});
