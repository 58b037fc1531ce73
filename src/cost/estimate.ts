import type { Decimal } from '../pricing/money.js';
import type { PriceBook } from '../pricing/price-book.js';
import { DEFAULT_CURVE, findBreakEven, trafficGrid, type BreakEvenCrossing, type CurveRange, type TrafficModel } from './break-even.js';
import { prepareStack, priceStack, priceStackTotal, type PreparedStack, type StackEstimate } from './engine.js';
import { COST, type CostParameterId } from '../architecture/modelled-parameters.js';
import { instancesFor, MODELLED_MIX_PARAMETERS, modelledUsage, scaleMeasuredUsage, usageFromMeasured, type CapacityModel, type MeasuredUsage } from './measured-usage.js';
import { HANDLERS } from './resources/registry.js';
import type { ResourceUsage } from './resources/types.js';
import type { TerraformDocument } from '../architecture/terraform-document.js';
import { SECONDS_PER_MONTH } from './units.js';
import type { UsageSet } from './usage.js';
import { UserError } from '../errors.js';

/**
 * One estimate, pure: stacks already read, prices already loaded, usage already parsed. Prices
 * each stack at the requested traffic, draws each one's cost-vs-traffic curve and, with two
 * stacks, searches the traffic where their monthly costs cross.
 */
export type UsageInput = { kind: 'usage-file'; usage: UsageSet } | { kind: 'measured'; usage: MeasuredUsage } | { kind: 'modelled' };

export interface StackInput {
  name: string;
  /** Where the Terraform came from (a synthesized file, a plan). */
  source: string;
  doc: TerraformDocument;
}

export interface EstimateInput {
  stacks: StackInput[];
  book: PriceBook;
  usage: UsageInput;
  requestsPerMonth?: number;
  freeTier: boolean;
  capacity?: CapacityModel;
  curve?: CurveRange | false;
}

export interface StackResult {
  name: string;
  source: string;
  usageKind: UsageSet['kind'];
  usageSource: string;
  estimate: StackEstimate;
  requestsPerMonth: number | undefined;
  costPerMillionRequests: Decimal | undefined;
  /** Total monthly cost at each level of EstimateResult.curveRequests. */
  curve: Decimal[] | undefined;
  /** Registry parameters the headline estimate's usage came from where nothing was measured. */
  modelledParameters: CostParameterId[];
}

export interface EstimateResult {
  region: string;
  freeTier: boolean;
  requestsPerMonth: number | undefined;
  capacity: CapacityModel;
  stacks: StackResult[];
  curveRequests: number[] | undefined;
  breakEven: BreakEvenCrossing[] | undefined;
  notes: string[];
}

function apiRequestsIn(set: UsageSet): number | undefined {
  let total: number | undefined;
  for (const [address, usage] of set.byAddress) {
    if (/^(aws_apigatewayv2_api|aws_api_gateway_rest_api)\./.test(address) && typeof usage.monthly_requests === 'number') total = (total ?? 0) + usage.monthly_requests;
  }
  return total;
}

function asgBounds(prepared: PreparedStack): Array<{ address: string; min: number }> {
  return prepared.priced.filter((p) => p.resource.type === 'aws_autoscaling_group').map((p) => ({ address: p.resource.address, min: (p.typed as { minInstances: number }).minInstances }));
}

/** A usage file at another traffic level: per-request keys scale, fixed keys stay, ASGs follow the capacity model. */
export function scaleUsageSet(set: UsageSet, requestsPerMonth: number, prepared: PreparedStack, capacity: CapacityModel): UsageSet {
  const f = set.requestsPerMonth && set.requestsPerMonth > 0 ? requestsPerMonth / set.requestsPerMonth : 0;
  const scale = (type: string, usage: ResourceUsage): ResourceUsage => {
    const keys = HANDLERS.get(type)?.usageKeys ?? {};
    return Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, typeof v === 'number' && keys[k]?.scaling === 'per-request' ? v * f : v]));
  };
  const byAddress = new Map<string, ResourceUsage>();
  for (const [address, usage] of set.byAddress) byAddress.set(address, scale(address.replace(/^(module\.[\w-]+(\[[^\]]+\])?\.)*/, '').split('.')[0]!, usage));
  for (const asg of asgBounds(prepared)) byAddress.set(asg.address, { ...(byAddress.get(asg.address) ?? {}), instances: instancesFor(requestsPerMonth, asg.min, capacity) });
  const byType = new Map([...set.byType].map(([type, usage]) => [type, scale(type, usage)]));
  return { ...set, requestsPerMonth, byAddress, byType };
}

function perMillion(total: Decimal, requests: number | undefined): Decimal | undefined {
  return requests && requests > 0 ? total.div(requests).mul(1e6) : undefined;
}

export function runEstimate(input: EstimateInput): EstimateResult {
  const notes: string[] = [];
  const capacity = input.capacity ?? { requestsPerSecondPerInstance: (input.usage.kind === 'measured' ? input.usage.usage.requestsPerSecondPerInstance : undefined) ?? COST.requestsPerSecondPerInstance };
  const capacityModelled = input.capacity === undefined && !(input.usage.kind === 'measured' && input.usage.usage.requestsPerSecondPerInstance);
  const options = { freeTier: input.freeTier };
  const prepared = input.stacks.map((s) => ({ stack: s, prepared: prepareStack(s.doc) }));

  // The workload as a function of traffic, and the traffic the headline estimate is for.
  let baseline: number | undefined;
  let usageAt: (p: PreparedStack, doc: TerraformDocument, r: number) => UsageSet;
  let headlineUsage: (p: PreparedStack, doc: TerraformDocument) => UsageSet;
  let workloadParameters: readonly CostParameterId[] = [];
  if (input.usage.kind === 'usage-file') {
    const set = input.usage.usage;
    const fileRequests = set.requestsPerMonth ?? apiRequestsIn(set);
    const described = { ...set, requestsPerMonth: fileRequests };
    if (input.requestsPerMonth !== undefined && fileRequests === undefined)
      throw new UserError(`${set.source}: --requests-per-month needs the usage file's own traffic to scale from`, 'add a top-level `requests_per_month: <N>` to the usage file (or give the API resource a monthly_requests)');
    baseline = input.requestsPerMonth ?? fileRequests;
    usageAt = (p, _doc, r) => scaleUsageSet(described, r, p, capacity);
    headlineUsage = (p, doc) => (input.requestsPerMonth !== undefined && input.requestsPerMonth !== fileRequests ? usageAt(p, doc, input.requestsPerMonth) : described);
    if (fileRequests === undefined) notes.push(`${set.source} does not state its traffic (requests_per_month), so there is no cost per million requests and no cost curve`);
  } else {
    const measured = input.usage.kind === 'measured' ? input.usage.usage : modelledUsage(input.requestsPerMonth ?? COST.defaultRequestsPerMonth);
    baseline = input.requestsPerMonth ?? measured.requestsPerMonth;
    const atBaseline = baseline === measured.requestsPerMonth ? measured : scaleMeasuredUsage(measured, baseline);
    usageAt = (p, doc, r) => usageFromMeasured(scaleMeasuredUsage(measured, r), p, doc.resources, capacity);
    headlineUsage = (p, doc) => usageFromMeasured(atBaseline, p, doc.resources, capacity);
    if (measured.kind === 'modelled') {
      workloadParameters = MODELLED_MIX_PARAMETERS;
      notes.push(`usage is modelled, not measured: ${measured.source}; pass --usage or --measured for real numbers`);
    }
  }
  const curveRange = input.curve === false || baseline === undefined ? undefined : input.curve ?? DEFAULT_CURVE;
  const grid = curveRange ? trafficGrid(curveRange) : undefined;
  if (curveRange && prepared.some((p) => asgBounds(p.prepared).length > 0))
    notes.push(`cost curve: Auto Scaling Groups sized for steady traffic at ${capacity.requestsPerSecondPerInstance} requests/s per instance${input.usage.kind === 'measured' && input.usage.usage.requestsPerSecondPerInstance ? ' (measured)' : ' (modelled; measure it with a bench run)'}`);

  const models = new Map<string, TrafficModel>();
  const stacks: StackResult[] = prepared.map(({ stack, prepared: p }) => {
    const usage = headlineUsage(p, stack.doc);
    const estimate = priceStack(p, usage, input.book, options);
    // Memoised: the break-even scan revisits the curve's own traffic levels.
    const costs = new Map<number, Decimal>();
    const model: TrafficModel = {
      costAt: (r) => {
        let cost = costs.get(r);
        if (cost === undefined) costs.set(r, (cost = priceStackTotal(p, usageAt(p, stack.doc, r), input.book, options)));
        return cost;
      },
      stepsBetween: (from, to) => {
        const perInstance = capacity.requestsPerSecondPerInstance * SECONDS_PER_MONTH;
        const steps: number[] = [];
        for (const asg of asgBounds(p)) for (let k = Math.max(asg.min, Math.ceil(from / perInstance)); k * perInstance <= to && steps.length < 10_000; k += 1) steps.push(Math.floor(k * perInstance));
        return steps;
      },
    };
    models.set(stack.name, model);
    return {
      name: stack.name,
      source: stack.source,
      usageKind: usage.kind,
      usageSource: usage.source,
      estimate,
      requestsPerMonth: baseline,
      costPerMillionRequests: perMillion(estimate.totalMonthlyCost, baseline),
      curve: grid?.map((r) => model.costAt(r)),
      modelledParameters: [...new Set([...workloadParameters, ...(usage.modelledParameters ?? []), ...(capacityModelled && asgBounds(p).length > 0 ? (['cost.requestsPerSecondPerInstance'] as const) : [])])],
    };
  });
  for (const s of stacks) {
    const left = s.estimate.unpriced.length + s.estimate.unsupported.length;
    if (left > 0 && grid) notes.push(`${s.name}: the cost curve${stacks.length > 1 ? ' and the break-even' : ''} leave out the same ${left} unpriced resource${left === 1 ? '' : 's'} as the total`);
  }
  const trad = models.get('traditional');
  const sls = models.get('serverless');
  const breakEven = curveRange && trad && sls ? findBreakEven(trad, sls, curveRange) : undefined;
  return { region: input.book.region, freeTier: input.freeTier, requestsPerMonth: baseline, capacity, stacks, curveRequests: grid, breakEven, notes };
}

