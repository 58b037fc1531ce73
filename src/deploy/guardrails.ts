import type { TerraformDocument } from '../architecture/terraform-document.js';
import { runEstimate } from '../cost/estimate.js';
import { HOURS_PER_MONTH } from '../cost/units.js';
import { UserError } from '../errors.js';
import { Decimal, ZERO } from '../pricing/money.js';
import type { PriceBook } from '../pricing/price-book.js';

/**
 * The cost guardrail before `terraform apply`: what the plan creates, priced at list price with no
 * traffic (instances, NAT gateways, load balancers and databases bill by the hour whether or not a
 * request arrives; per-request charges come on top and depend on the load), shown per hour and per
 * month; applied only when the user confirms on a terminal, or passed --yes, and never above
 * --max-hourly-cost. Pure: the plan document and the prices in, a decision out.
 */

export interface PlanCost {
  region: string;
  pricesAsOf: string;
  /** Resources the plan creates. */
  resources: number;
  hourly: Decimal;
  monthly: Decimal;
  /** The most expensive resources, monthly, for the prompt. */
  top: Array<{ address: string; monthly: Decimal }>;
  /** Resource types the cost engine does not price (their cost is not in the figures). */
  unpriced: string[];
}

/** The standing cost of the resources in a plan: every priced resource with no usage, i.e. as created. */
export function planStandingCost(doc: TerraformDocument, book: PriceBook): PlanCost {
  const noTraffic = { source: 'the plan alone, before any traffic', kind: 'usage-file' as const, requestsPerMonth: 0, byAddress: new Map(), byType: new Map() };
  const result = runEstimate({ stacks: [{ name: 'plan', source: 'terraform plan', doc }], book, usage: { kind: 'usage-file', usage: noTraffic }, freeTier: false, curve: false });
  const estimate = result.stacks[0]!.estimate;
  const monthly = estimate.totalMonthlyCost;
  return {
    region: estimate.region,
    pricesAsOf: book.header.pricesAsOf,
    resources: doc.resources.length,
    hourly: monthly.div(HOURS_PER_MONTH),
    monthly,
    top: estimate.resources
      .filter((r) => r.monthlyCost.gt(ZERO))
      .sort((a, b) => b.monthlyCost.cmp(a.monthlyCost))
      .slice(0, 3)
      .map((r) => ({ address: r.address, monthly: r.monthlyCost })),
    unpriced: [...new Set(estimate.unsupported.map((u) => u.type))].sort(),
  };
}

export const usd = (d: Decimal, places: number) => `$${d.toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toFixed(places)}`;

/** One line: "creates 45 resources: $0.1234/hour, $90.08/month at list price (us-east-1, prices as of 2026-11-01), before traffic". */
export function describePlanCost(cost: PlanCost): string {
  const top = cost.top.length ? `; most: ${cost.top.map((t) => `${t.address} ${usd(t.monthly, 2)}/month`).join(', ')}` : '';
  const unpriced = cost.unpriced.length ? `; not priced: ${cost.unpriced.join(', ')}` : '';
  return `the plan creates ${cost.resources} resources costing ${usd(cost.hourly, 4)}/hour, ${usd(cost.monthly, 2)}/month at list price (${cost.region}, prices as of ${cost.pricesAsOf}) before any traffic${top}${unpriced}`;
}

export interface ConsentOptions {
  /** --yes: apply without asking (CI). */
  assumeYes: boolean;
  /** Whether a person can answer a question (stdin and stderr are terminals, not CI). */
  interactive: boolean;
}

/**
 * Checked before anything is planned: without --yes nobody can confirm on a pipe or in CI, so the
 * deploy is refused at once rather than after minutes of terraform.
 */
export function requireConsentPossible(opts: ConsentOptions, command = 'deploy'): void {
  if (opts.assumeYes || opts.interactive) return;
  throw new UserError(
    `${command} --target aws needs a confirmation of the cost and there is no terminal to ask on`,
    'pass --yes to apply without asking (CI), optionally with --max-hourly-cost USD as a limit',
  );
}

/** What the aws target needs before it applies: consent, a cost limit, a way to ask, and the load it must carry. */
export interface DeployGuard extends ConsentOptions {
  maxHourlyCost?: Decimal;
  /** compare: the models' priced plans meet here and are decided together, before either applies. */
  barrier?: PlanBarrier;
  /** Asks the person at the terminal; resolves true to apply. */
  confirm?: (question: string) => Promise<boolean>;
  /** The load profile's peak, for the Lambda concurrency pre-flight (compare knows it; deploy alone does not). */
  peak?: { peakRps: number; source: string };
}

export type GuardrailDecision = { action: 'apply' } | { action: 'ask'; question: string } | { action: 'refuse'; error: UserError };

/**
 * Above --max-hourly-cost: refused, whatever --yes says. A plan that could not be priced is refused
 * when there is a limit to enforce. Otherwise --yes applies and a terminal is asked.
 */
export function guardrailDecision(cost: PlanCost | { unpricedBecause: string }, opts: ConsentOptions & { maxHourlyCost?: Decimal }): GuardrailDecision {
  if ('unpricedBecause' in cost) {
    if (opts.maxHourlyCost !== undefined)
      return { action: 'refuse', error: new UserError(`--max-hourly-cost ${opts.maxHourlyCost.toString()} cannot be enforced: the plan could not be priced (${cost.unpricedBecause})`, 'fix the pricing problem above, or drop --max-hourly-cost') };
    return opts.assumeYes ? { action: 'apply' } : { action: 'ask', question: `The plan could not be priced (${cost.unpricedBecause}). Apply it anyway?` };
  }
  if (opts.maxHourlyCost !== undefined && cost.hourly.gt(opts.maxHourlyCost)) {
    return {
      action: 'refuse',
      error: new UserError(
        `the plan costs ${usd(cost.hourly, 4)}/hour (${usd(cost.monthly, 2)}/month) at list price, above --max-hourly-cost ${usd(opts.maxHourlyCost, 4)}`,
        'shrink the stack config (instance type, ASG bounds, NAT gateways, DB class) or raise --max-hourly-cost',
      ),
    };
  }
  if (opts.assumeYes) return { action: 'apply' };
  return { action: 'ask', question: `${capitalise(describePlanCost(cost))}. Apply?` };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** --max-hourly-cost: a positive amount of USD, "0.50" or "$0.50". */
export function parseMaxHourlyCost(input: string): Decimal {
  const text = input.trim().replace(/^\$/, '');
  if (!/^\d+(\.\d+)?$/.test(text) || new Decimal(text).lte(ZERO))
    throw new UserError(`--max-hourly-cost ${input}: not a positive amount of USD per hour`, 'pass e.g. --max-hourly-cost 0.50');
  return new Decimal(text);
}

type PricedPlan = PlanCost | { unpricedBecause: string };

/**
 * Several deployments decided as one (compare deploys both models at once): each waits, after pricing its
 * plan, until every other plan is priced; then --max-hourly-cost limits their sum, and a terminal is
 * asked once for all. A deployment that fails before its plan is priced abandons the barrier, and the
 * others are refused: nothing is applied.
 */
export interface PlanBarrier {
  decide(model: string, cost: PricedPlan): Promise<GuardrailDecision>;
  abandon(model: string, reason: string): void;
}

export function planBarrier(models: readonly string[], guard: ConsentOptions & { maxHourlyCost?: Decimal; confirm?: (question: string) => Promise<boolean> }): PlanBarrier {
  const costs = new Map<string, PricedPlan>();
  let settle: (d: GuardrailDecision) => void = () => {};
  const decided = new Promise<GuardrailDecision>((resolve) => (settle = resolve));
  let done = false;
  const finish = (d: GuardrailDecision) => {
    if (!done) {
      done = true;
      settle(d);
    }
  };
  const decideAll = async (): Promise<GuardrailDecision> => {
    // In the order the models were named, not the order their plans finished.
    const entries = models.map((m) => [m, costs.get(m)!] as [string, PricedPlan]);
    const unpriced = entries.filter((e): e is [string, { unpricedBecause: string }] => 'unpricedBecause' in e[1]);
    const priced = entries.filter((e): e is [string, PlanCost] => !('unpricedBecause' in e[1]));
    const hourly = priced.reduce((sum, [, c]) => sum.plus(c.hourly), ZERO);
    const monthly = priced.reduce((sum, [, c]) => sum.plus(c.monthly), ZERO);
    const each = priced.map(([m, c]) => `${m} ${usd(c.hourly, 4)}`).join(', ');
    if (unpriced.length && guard.maxHourlyCost !== undefined)
      return { action: 'refuse', error: new UserError(`--max-hourly-cost ${guard.maxHourlyCost.toString()} cannot be enforced: the ${unpriced.map(([m]) => m).join(' and ')} plan could not be priced (${unpriced[0]![1].unpricedBecause})`, 'fix the pricing problem above, or drop --max-hourly-cost') };
    if (guard.maxHourlyCost !== undefined && hourly.gt(guard.maxHourlyCost))
      return {
        action: 'refuse',
        error: new UserError(
          `the plans cost ${usd(hourly, 4)}/hour (${usd(monthly, 2)}/month) together at list price (${each}), above --max-hourly-cost ${usd(guard.maxHourlyCost, 4)}: nothing was applied`,
          'shrink the stack config (instance type, ASG bounds, NAT gateways, DB class) or raise --max-hourly-cost',
        ),
      };
    if (guard.assumeYes) return { action: 'apply' };
    const question = `The plans cost ${usd(hourly, 4)}/hour (${usd(monthly, 2)}/month) together at list price before any traffic (${each})${unpriced.length ? `; the ${unpriced.map(([m]) => m).join(' and ')} plan could not be priced` : ''}. Apply ${costs.size > 1 ? 'all' : 'it'}?`;
    const yes = guard.confirm ? await guard.confirm(question) : false;
    return yes ? { action: 'apply' } : { action: 'refuse', error: new UserError('cancelled before terraform apply: nothing was created', 'run it again and answer y, or pass --yes', 1) };
  };
  return {
    decide(model, cost) {
      costs.set(model, cost);
      if (!done && models.every((m) => costs.has(m))) void decideAll().then(finish, (err: unknown) => finish({ action: 'refuse', error: err instanceof UserError ? err : new UserError(String(err), 'run it again') }));
      return decided;
    },
    abandon(model, reason) {
      finish({ action: 'refuse', error: new UserError(`${model} failed before its plan was priced (${reason}): no plan was applied`, 'fix the error above and run it again') });
    },
  };
}
