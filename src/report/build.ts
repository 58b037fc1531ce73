import type { BenchResult, MetricDatapoint, PhaseResult, RequestStats } from '../bench/result-schema.js';
import { projectionSection, type ProjectedInputs } from './projection.js';
import { DEFAULT_CURVE } from '../cost/break-even.js';
import type { CostLine } from '../cost/engine.js';
import { runEstimate, type EstimateResult, type StackResult } from '../cost/estimate.js';
import type { TerraformDocument } from '../architecture/terraform-document.js';
import { SECONDS_PER_MONTH } from '../cost/units.js';
import { formatParameterValue, LOCAL_PARAMETERS, modelledParameter, MODELLED_PARAMETERS, type CostParameterId, type ModelledParameter } from '../architecture/modelled-parameters.js';
import { UserError } from '../errors.js';
import { plainHttpWarning } from '../config/stack-config.js';
import { Decimal } from '../pricing/money.js';
import type { PriceBook } from '../pricing/price-book.js';
import type { SnapshotHeader } from '../pricing/schema.js';
import { assessEffort, type EffortWeights } from './effort.js';
import {
  REPORT_SCHEMA_VERSION,
  type BreakEven,
  type CostComponent,
  type CostLevel,
  type Criterion,
  type Figure,
  type LatencyPhase,
  type Percentiles,
  type ModelledParameterEntry,
  type Report,
  type ReportModel,
  type ServerLatency,
} from './model.js';
import { LAMBDA_REPORT_NAMESPACE } from '../architecture/metrics.js';
import { comparisonUsage, initSlotBoundPhases, machineBoundPhases, measuredPhases, measuredWindowSeconds, SATURATED_MACHINE_CPU_PERCENT, usageFromResult, type ModelUsage } from '../cost/usage-from-results.js';

/**
 * buildReport: results + stacks + prices + effort weights → the report model. Pure (no I/O, no
 * clock: `generatedAt` is an input); the cost arithmetic is the cost engine's own (runEstimate).
 */
export interface ReportInputs {
  results: Record<ReportModel, { result: BenchResult; file: string }>;
  stacks: Record<ReportModel, { doc: TerraformDocument; source: string }>;
  prices: { book: PriceBook; file: string; header: SnapshotHeader; ageDays: number; warnings: string[] };
  effort: { weights: EffortWeights; source: string };
  freeTier?: boolean;
  generatedAt: string;
  /** The latest saved projection (archcompare project), shown beside the measured figures. */
  projected?: ProjectedInputs;
}

const MODELS: readonly ReportModel[] = ['traditional', 'serverless'];
/** The cost engine's range at 81 points (16 a decade): enough for a chart; the break-even search bisects to one request anyway. */
export const REPORT_CURVE = { ...DEFAULT_CURVE, points: 81 };
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

export function formatRate(rate: PhaseResult['targetRate']): string {
  if (rate === 'max') return 'max';
  if (typeof rate === 'number') return `${rate} req/s`;
  return `${rate.from}→${rate.to} req/s`;
}

const maxRate = (rate: PhaseResult['targetRate']) => (rate === 'max' ? Infinity : typeof rate === 'number' ? rate : Math.max(rate.from, rate.to));
const minRate = (rate: PhaseResult['targetRate']) => (rate === 'max' ? Infinity : typeof rate === 'number' ? rate : Math.min(rate.from, rate.to));

/**
 * Both results must describe the same workload on the same kind of target: the same profile
 * (name and definition) and time scale. Throws a one-line UserError saying what to run.
 */
export function checkComparable(results: Record<ReportModel, { result: BenchResult; file: string }>): void {
  const t = results.traditional.result;
  const s = results.serverless.result;
  const rerun = (profile: string) => `bench both models with one profile: \`archcompare compare --profile ${profile}\` (or deploy both and run \`archcompare bench --profile ${profile}\`)`;
  if (t.profile.name !== s.profile.name)
    throw new UserError(`the latest results ran different profiles: traditional '${t.profile.name}' (run ${t.runId}), serverless '${s.profile.name}' (run ${s.runId})`, rerun(s.profile.name));
  if (JSON.stringify(t.profile.definition) !== JSON.stringify(s.profile.definition))
    throw new UserError(`the latest results ran different versions of profile '${t.profile.name}' (runs ${t.runId} and ${s.runId}: the phases or mix differ)`, rerun(t.profile.name));
  if (t.timeScale !== s.timeScale)
    throw new UserError(`the latest results ran at different time scales: traditional ${t.timeScale}, serverless ${s.timeScale}`, rerun(t.profile.name));
  if (t.target.kind !== s.target.kind)
    throw new UserError(`the latest results come from different targets: traditional on ${t.target.kind}, serverless on ${s.target.kind}`, rerun(t.profile.name));
}

/** Service time normally; the coordinated-omission corrected figures when the generator fell behind. */
function percentiles(stats: RequestStats, corrected: boolean): Percentiles {
  const l = corrected ? stats.correctedLatencyMs : stats.latencyMs;
  return { requests: stats.requests, p50: l.p50, p95: l.p95, p99: l.p99, corrected };
}

const distorted = (r: BenchResult) => measuredPhases(r).some((p) => p.schedule.closedLoopDistorted);

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function compare(id: Criterion['id'], label: string, traditional: Figure, serverless: Figure, tolerance: { relative: number; absolute: number }, describe: (winner: ReportModel, loser: ReportModel, marginPct: number) => string): Criterion {
  const a = traditional.value;
  const b = serverless.value;
  if (a === null || b === null) return { id, label, traditional, serverless, winner: 'tie', marginPct: null, reason: `${label}: not measured for both models` };
  const diff = Math.abs(a - b);
  const worse = Math.max(a, b);
  if (diff <= tolerance.absolute || (worse > 0 && diff / worse < tolerance.relative))
    return { id, label, traditional, serverless, winner: 'tie', marginPct: null, reason: `${label}: a tie (within ${Math.round(tolerance.relative * 100)}%)` };
  const winner: ReportModel = a < b ? 'traditional' : 'serverless';
  const loser: ReportModel = winner === 'traditional' ? 'serverless' : 'traditional';
  const marginPct = round((diff / worse) * 100, 1);
  return { id, label, traditional, serverless, winner, marginPct, reason: describe(winner, loser, marginPct) };
}

const usd = (d: Decimal | string) => `$${new Decimal(d).toDecimalPlaces(2).toNumber().toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function formatRequests(n: number): string {
  for (const [div, suffix] of [[1e9, 'B'], [1e6, 'M'], [1e3, 'K']] as const) if (n >= div) return `${round(n / div, n / div >= 100 ? 0 : 1)}${suffix}`;
  return String(Math.round(n));
}

function topComponents(stack: StackResult, limit = 6): CostComponent[] {
  const lines: Array<{ resource: string; line: CostLine }> = stack.estimate.resources.flatMap((r) => r.components.map((line) => ({ resource: r.address, line })));
  return lines
    .filter((l) => l.line.monthlyCost.gt(0))
    .sort((x, y) => y.line.monthlyCost.cmp(x.line.monthlyCost) || x.resource.localeCompare(y.resource))
    .slice(0, limit)
    .map(({ resource, line }) => ({
      resource,
      component: line.name,
      unit: line.unit,
      monthlyQuantity: line.monthlyQuantity.toDecimalPlaces(4).toFixed(),
      unitPrice: line.unitPrice.toFixed(),
      monthlyCost: line.monthlyCost.toDecimalPlaces(2).toFixed(2),
      price: `${line.price.usageType} @ ${line.price.effectiveDate.slice(0, 10)}`,
    }));
}

function stackOf(estimate: EstimateResult, model: ReportModel): StackResult {
  const s = estimate.stacks.find((x) => x.name === model);
  if (!s) throw new Error(`cost estimate has no ${model} stack`);
  return s;
}

function capacitySeries(result: BenchResult): { metric: string; unit: string; points: Array<{ t: number; value: number }> } {
  const start = Date.parse(result.startedAt);
  const dps = result.scalingTimeline.datapoints;
  const pick = (filter: (d: MetricDatapoint) => boolean) => dps.filter(filter).map((d) => ({ t: round((Date.parse(d.timestamp) - start) / 1000, 1), value: d.value }));
  if (result.model === 'traditional') return { metric: 'GroupInServiceInstances', unit: 'instances', points: pick((d) => d.metric === 'GroupInServiceInstances') };
  const account = pick((d) => d.metric === 'ConcurrentExecutions' && Object.keys(d.dimensions).length === 0);
  if (account.length) return { metric: 'ConcurrentExecutions', unit: 'environments', points: account };
  // Per-function only: add them up per timestamp.
  const byT = new Map<number, number>();
  for (const p of pick((d) => d.metric === 'ConcurrentExecutions')) byT.set(p.t, (byT.get(p.t) ?? 0) + p.value);
  return { metric: 'ConcurrentExecutions (sum of functions)', unit: 'environments', points: [...byT].sort((a, b) => a[0] - b[0]).map(([t, value]) => ({ t, value })) };
}

function scaling(result: BenchResult, file: string) {
  const cap = capacitySeries(result);
  const values = cap.points.map((p) => p.value);
  const peak = values.length ? Math.max(...values) : null;
  const measured = measuredPhases(result);
  // Capacity when the measured phases began (the timeline also holds the deploy's periods, with none in service yet).
  const measuredFrom = measured.length ? (Date.parse(measured[0]!.startedAt) - Date.parse(result.startedAt)) / 1000 : 0;
  const startValue = cap.points.filter((p) => p.t <= measuredFrom).at(-1)?.value ?? values[0];
  const baseRate = measured.length ? minRate(measured[0]!.targetRate) : 0;
  const rise = result.series.find((p) => baseRate > 0 && p.targetRps > baseRate * 1.5 && Number.isFinite(baseRate));
  let reaction: number | null = null;
  if (rise && peak !== null && startValue !== undefined && peak > startValue) {
    const peakAt = cap.points.find((p) => p.value === peak && p.t >= rise.t);
    if (peakAt) reaction = round((peakAt.t - rise.t) * result.timeScale, 0);
  }
  const t = result.totals;
  const failures = t.serverErrors + t.connectionErrors + t.timeouts + t.throttled;
  return {
    capacityMetric: cap.metric,
    capacityUnit: cap.unit,
    capacity: cap.points,
    start: startValue ?? null,
    peak,
    reactionModelledS: reaction,
    throttled: t.throttled,
    serverErrors: t.serverErrors,
    connectionErrors: t.connectionErrors + t.timeouts,
    errorRatePct: t.requests ? round((failures / t.requests) * 100, 2) : 0,
    timelineSource: `${file} scalingTimeline (${result.scalingTimeline.source}${result.scalingTimeline.note ? `: ${result.scalingTimeline.note}` : ''})`,
  };
}

/** A window-wide statistic of the run's metrics (see ScalingTimeline.windowStatistics). */
function windowStatistic(result: BenchResult, namespace: string, metric: string): MetricDatapoint | undefined {
  return result.scalingTimeline.windowStatistics?.find((d) => d.namespace === namespace && d.metric === metric && Object.keys(d.dimensions).length <= 1 && !d.dimensions.FunctionName);
}

/** The front door's latency as the target measured it: the ALB's target response time, or API Gateway's latency. */
function serverLatency(result: BenchResult, file: string): ServerLatency | null {
  const [namespace, metric] = result.model === 'traditional' ? ['AWS/ApplicationELB', 'TargetResponseTime'] : ['AWS/ApiGateway', 'Latency'];
  const d = windowStatistic(result, namespace, metric);
  if (!d?.percentiles) return null;
  const toMs = d.unit === 'Seconds' ? 1000 : 1;
  const at = (p: string) => (d.percentiles![p] === undefined ? null : round(d.percentiles![p]! * toMs, 3));
  return {
    metric: `${namespace} ${metric}`,
    requests: d.sampleCount ?? null,
    p50: at('p50'),
    p95: at('p95'),
    p99: at('p99'),
    partial: result.scalingTimeline.partial === true,
    source: `${file} scalingTimeline.windowStatistics (${result.scalingTimeline.source}, every minute of the run)`,
  };
}

/** Cold starts as Lambda's REPORT lines counted them over the run, beside the headers' count of the same span. */
function platformColdStarts(result: BenchResult, file: string): Report['coldStarts']['serverless']['platform'] {
  const cold = windowStatistic(result, LAMBDA_REPORT_NAMESPACE, 'ColdStarts');
  if (!cold) return null;
  const init = windowStatistic(result, LAMBDA_REPORT_NAMESPACE, 'InitDuration');
  const headerCount = result.totals.coldStarts.count + result.phases.filter((p) => p.warmup).reduce((s, p) => s + p.totals.coldStarts.count, 0);
  return { count: cold.value, headerCount, initP50Ms: init?.percentiles?.p50 ?? null, initP95Ms: init?.percentiles?.p95 ?? null, source: `${file} scalingTimeline.windowStatistics (Lambda REPORT lines via Logs Insights)` };
}

function coldStarts(result: BenchResult, file: string) {
  const c = result.totals.coldStarts;
  const measuredNames = new Set(measuredPhases(result).map((p) => p.name));
  const seconds = result.series.filter((p) => measuredNames.has(p.phase) && p.completedRps > 0);
  const withCold = median(seconds.filter((p) => p.coldStarts > 0).map((p) => p.p95Ms));
  const without = median(seconds.filter((p) => p.coldStarts === 0).map((p) => p.p95Ms));
  return {
    count: c.count,
    sharePct: result.totals.requests ? round((c.count / result.totals.requests) * 100, 3) : 0,
    initP50Ms: c.count ? c.initMs.p50 : null,
    initP95Ms: c.count ? c.initMs.p95 : null,
    p95EffectMs: withCold !== null && without !== null ? round(withCold - without, 1) : null,
    warmupCount: result.phases.filter((p) => p.warmup).reduce((s, p) => s + p.totals.coldStarts.count, 0),
    platform: platformColdStarts(result, file),
  };
}

/** Aligns two per-second series on t. */
function alignSeries(results: Record<ReportModel, BenchResult>, value: (p: BenchResult['series'][number]) => number | null) {
  const maps = Object.fromEntries(MODELS.map((m) => [m, new Map(results[m].series.map((p) => [p.t, value(p)]))])) as Record<ReportModel, Map<number, number | null>>;
  const t = [...new Set(MODELS.flatMap((m) => [...maps[m].keys()]))].sort((a, b) => a - b);
  return { t, traditional: t.map((x) => maps.traditional.get(x) ?? null), serverless: t.map((x) => maps.serverless.get(x) ?? null) };
}

/** The two runs as the report reads them: results, their files, and the usage each implies for pricing. */
interface Runs {
  results: Record<ReportModel, BenchResult>;
  files: Record<ReportModel, string>;
  usage: Record<ReportModel, ModelUsage>;
}

function readRuns(inputs: ReportInputs): Runs {
  const results = { traditional: inputs.results.traditional.result, serverless: inputs.results.serverless.result };
  const files = { traditional: inputs.results.traditional.file, serverless: inputs.results.serverless.file };
  const usage = Object.fromEntries(MODELS.map((m) => [m, usageFromResult(results[m], inputs.stacks[m].doc, files[m])])) as Record<ReportModel, ModelUsage>;
  return { results, files, usage };
}

/** "cost.bytesOutPerRequest (<its public source>)": a modelled figure's one hop to the registry. */
function parameterSource(id: CostParameterId): string {
  return `${id} (${modelledParameter(id).source})`;
}

interface Costs {
  section: Report['cost'];
  /** The estimate at the measured rate, unrounded (the verdict compares and adds its totals). */
  headline: EstimateResult;
  requestsPerMonth: number;
}

function costSection(inputs: ReportInputs, runs: Runs): Costs {
  const { files, usage } = runs;
  const measuredUsage = comparisonUsage(usage.traditional, usage.serverless);
  const stacks = MODELS.map((m) => ({ name: m, source: inputs.stacks[m].source, doc: inputs.stacks[m].doc }));
  const freeTier = inputs.freeTier ?? false;
  const base = { stacks, book: inputs.prices.book, usage: { kind: 'measured' as const, usage: measuredUsage }, freeTier };
  const headline = runEstimate({ ...base, curve: REPORT_CURVE });
  const requestsPerMonth = measuredUsage.requestsPerMonth;
  const levels: CostLevel[] = [
    { label: 'measured rate', estimate: headline, requests: requestsPerMonth },
    ...[10, 100].map((k) => ({ label: `${k}x`, requests: requestsPerMonth * k, estimate: runEstimate({ ...base, requestsPerMonth: requestsPerMonth * k, curve: false }) })),
  ].map(({ label, estimate, requests }) => {
    const t = stackOf(estimate, 'traditional').estimate.totalMonthlyCost;
    const s = stackOf(estimate, 'serverless').estimate.totalMonthlyCost;
    return { label, requestsPerMonth: Math.round(requests), averageRps: round(requests / SECONDS_PER_MONTH, 2), traditional: t.toFixed(2), serverless: s.toFixed(2), cheaper: t.eq(s) ? 'tie' : t.lt(s) ? 'traditional' : 'serverless' };
  });
  const breakEven: BreakEven[] = (headline.breakEven ?? []).map((b) => ({
    requestsPerMonth: b.requestsPerMonth,
    averageRps: round(b.requestsPerMonth / SECONDS_PER_MONTH, 3),
    cheaperAbove: b.cheaperAbove,
    atInstanceStep: b.atInstanceStep,
    traditionalMonthly: b.traditionalMonthlyCost.toFixed(2),
    serverlessMonthly: b.serverlessMonthlyCost.toFixed(2),
  }));
  const modelCost = (m: ReportModel) => {
    const s = stackOf(headline, m);
    return {
      totalMonthly: s.estimate.totalMonthlyCost.toFixed(2),
      costPerMillionRequests: s.costPerMillionRequests ? s.costPerMillionRequests.toDecimalPlaces(4).toFixed() : null,
      topComponents: topComponents(s),
      usageSource: files[m],
      usageBasis: usage[m].resourceUsage,
      modelledUsage: usage[m].modelled,
    };
  };
  const derived = usage.traditional.derivedInstanceCapacity;
  const capacityModel: Figure = derived
    ? { value: derived.value, unit: 'requests/s per instance at the target CPU', basis: 'measured', source: derived.source }
    : { value: headline.capacity.requestsPerSecondPerInstance, unit: 'requests/s per instance at the target CPU', basis: 'modelled', source: parameterSource('cost.requestsPerSecondPerInstance') };
  const section: Report['cost'] = {
    currency: 'USD',
    region: headline.region,
    pricing: { snapshot: inputs.prices.file, pricesAsOf: inputs.prices.header.pricesAsOf, ageDays: inputs.prices.ageDays },
    freeTier,
    measuredRequestsPerMonth: { value: Math.round(requestsPerMonth), unit: 'requests/month', basis: 'measured', source: `mean of the measured rates (${round(usage.traditional.requestsPerSecond, 2)} and ${round(usage.serverless.requestsPerSecond, 2)} req/s in ${files.traditional} and ${files.serverless}) held for 730 h` },
    levels,
    traditional: modelCost('traditional'),
    serverless: modelCost('serverless'),
    curve: {
      requestsPerMonth: headline.curveRequests ?? [],
      traditional: (stackOf(headline, 'traditional').curve ?? []).map((d) => d.toFixed(2)),
      serverless: (stackOf(headline, 'serverless').curve ?? []).map((d) => d.toFixed(2)),
    },
    breakEven,
    capacityModel,
    notes: headline.notes,
  };
  return { section, headline, requestsPerMonth };
}

function latencySection({ results, files }: Runs): Report['latency'] {
  const corrected = { traditional: distorted(results.traditional), serverless: distorted(results.serverless) };
  const start = Date.parse(results.traditional.startedAt);
  const phaseNames = [...new Set(MODELS.flatMap((m) => measuredPhases(results[m]).map((p) => p.name)))];
  const allMeasured = measuredPhases(results.traditional);
  const top = Math.max(...allMeasured.map((p) => maxRate(p.targetRate)));
  const bottom = Math.min(...allMeasured.map((p) => minRate(p.targetRate)));
  const spiky = Number.isFinite(top) && top >= 2 * bottom;
  const phases: LatencyPhase[] = phaseNames.map((name) => {
    const ref = (results.traditional.phases.find((p) => p.name === name) ?? results.serverless.phases.find((p) => p.name === name))!;
    const rate = ref.targetRate;
    const highlighted = spiky && (maxRate(rate) === top && (typeof rate === 'number' || (typeof rate === 'object' && rate.to >= rate.from)));
    const of = (m: ReportModel) => {
      const p = results[m].phases.find((x) => x.name === name && !x.warmup);
      return p ? percentiles(p.totals, corrected[m]) : null;
    };
    return { name, targetRate: formatRate(rate), highlighted, fromS: round((Date.parse(ref.startedAt) - start) / 1000, 1), toS: round((Date.parse(ref.endedAt) - start) / 1000, 1), traditional: of('traditional'), serverless: of('serverless') };
  });
  return {
    overall: { traditional: percentiles(results.traditional.totals, corrected.traditional), serverless: percentiles(results.serverless.totals, corrected.serverless) },
    serverSide: { traditional: serverLatency(results.traditional, files.traditional), serverless: serverLatency(results.serverless, files.serverless) },
    phases,
    p95Series: alignSeries(results, (p) => (p.completedRps > 0 ? p.p95Ms : null)),
    source: `${files.traditional} and ${files.serverless}: phases[].totals, series[].p95Ms (HDR histograms)`,
  };
}

function coldStartSection({ results, files }: Runs): Report['coldStarts'] {
  return {
    traditional: coldStarts(results.traditional, files.traditional),
    serverless: coldStarts(results.serverless, files.serverless),
    series: alignSeries(results, (p) => p.coldStarts),
    source: `x-archcompare-cold-start / x-archcompare-init-ms response headers: ${files.traditional}, ${files.serverless} totals.coldStarts${MODELS.some((m) => platformColdStarts(results[m], files[m])) ? "; the platform's count: Lambda REPORT lines (Init Duration) read with Logs Insights" : ''}`,
  };
}

function scalingSection({ results, files }: Runs): Report['scaling'] {
  const demand = results.traditional.series;
  return {
    traditional: scaling(results.traditional, files.traditional),
    serverless: scaling(results.serverless, files.serverless),
    demand: { t: demand.map((p) => p.t), rps: demand.map((p) => p.targetRps) },
  };
}

function effortSection(inputs: ReportInputs): Report['effort'] {
  const of = (m: ReportModel) => assessEffort(inputs.stacks[m].doc, inputs.effort.weights, inputs.stacks[m].source);
  return {
    weightsSource: inputs.effort.source,
    hoursPerPoint: inputs.effort.weights.hoursPerPoint,
    engineerHourlyRateUsd: inputs.effort.weights.engineerHourlyRateUsd,
    traditional: of('traditional'),
    serverless: of('serverless'),
  };
}

interface Sections {
  costs: Costs;
  latency: Report['latency'];
  scaling: Report['scaling'];
  effort: Report['effort'];
}

/** A model's monthly AWS cost: priced from its measured usage, or labelled modelled when the run had no metrics to measure it. */
function costFigure(m: ReportModel, inputs: ReportInputs, { files, usage }: Runs, headline: EstimateResult): Figure {
  const pricing = `${inputs.prices.file} (prices as of ${inputs.prices.header.pricesAsOf})`;
  const value = stackOf(headline, m).estimate.totalMonthlyCost.toDecimalPlaces(2).toNumber();
  if (usage[m].resourceUsage === 'measured') return { value, unit: 'USD/month', basis: 'priced', source: `${pricing} x usage measured in ${files[m]}` };
  return { value, unit: 'USD/month', basis: 'modelled', source: `${pricing} x modelled usage (no metrics datapoints in ${files[m]}: ${usage[m].modelledParameters.join(', ')})` };
}

function criteriaOf(inputs: ReportInputs, runs: Runs, { costs, latency, scaling, effort }: Sections): Criterion[] {
  const { files } = runs;
  // A run that sent no requests (an emulator that does not serve the app) measured no latency and no failures.
  const sent = (m: ReportModel) => latency.overall[m].requests > 0;
  const latencyFigure = (m: ReportModel): Figure => ({ value: sent(m) ? latency.overall[m].p95 : null, unit: 'ms', basis: 'measured', source: `${files[m]} totals.${latency.overall[m].corrected ? 'correctedLatencyMs' : 'latencyMs'}.p95` });
  const reliability = (m: ReportModel): Figure => ({ value: sent(m) ? scaling[m].errorRatePct : null, unit: '% of requests failed (5xx, 429, connection errors, timeouts)', basis: 'measured', source: `${files[m]} totals (serverErrors + throttled + connectionErrors + timeouts) / requests` });
  const effortFigure = (m: ReportModel): Figure => ({ value: effort[m].hoursPerMonth, unit: 'hours/month', basis: 'modelled', source: `${inputs.effort.source} x ${inputs.stacks[m].source}` });
  const cost = (m: ReportModel) => costFigure(m, inputs, runs, costs.headline);
  return [
    compare('cost', 'Monthly AWS cost at the measured rate', cost('traditional'), cost('serverless'), { relative: 0.1, absolute: 1 }, (w, l, pct) => `${w} costs ${pct}% less than ${l} at the measured rate`),
    compare('latency', 'p95 latency over the measured phases', latencyFigure('traditional'), latencyFigure('serverless'), { relative: 0.1, absolute: 2 }, (w, l, pct) => `${w}'s p95 is ${pct}% lower than ${l}'s`),
    compare('reliability', 'Failed requests', reliability('traditional'), reliability('serverless'), { relative: 0.1, absolute: 0.1 }, (w, l) => `${w} failed fewer requests (${scaling[w].errorRatePct}% vs ${scaling[l].errorRatePct}%)`),
    compare('effort', 'Operational effort', effortFigure('traditional'), effortFigure('serverless'), { relative: 0.1, absolute: 0.5 }, (w, l, pct) => `${w} needs ${pct}% fewer engineer-hours a month than ${l}`),
  ];
}

/** Under what traffic the cost ranking flips (from the break-even search), or why it does not. */
function flipText({ section, requestsPerMonth }: Costs): string {
  const measuredCheaper = section.levels[0]!.cheaper;
  const above = section.breakEven.find((b) => b.requestsPerMonth > requestsPerMonth);
  const below = [...section.breakEven].reverse().find((b) => b.requestsPerMonth <= requestsPerMonth);
  const curveRange = `${formatRequests(DEFAULT_CURVE.from)}–${formatRequests(DEFAULT_CURVE.to)} requests/month`;
  if (above) return `Above ${formatRequests(above.requestsPerMonth)} requests/month (~${above.averageRps} req/s on average, ${round(above.requestsPerMonth / Math.max(requestsPerMonth, 1), 1)}x the measured rate) ${above.cheaperAbove} becomes cheaper (${usd(above.traditionalMonthly)} vs ${usd(above.serverlessMonthly)} a month).`;
  if (below) return `Below ${formatRequests(below.requestsPerMonth)} requests/month (~${below.averageRps} req/s) ${below.cheaperAbove === 'traditional' ? 'serverless' : 'traditional'} would be cheaper; from there up to ${formatRequests(DEFAULT_CURVE.to)} ${below.cheaperAbove} stays cheaper.`;
  return `No cost crossing in ${curveRange}: ${measuredCheaper === 'tie' ? 'both cost the same' : `${measuredCheaper} stays cheaper`} across that range.`;
}

function verdictOf(inputs: ReportInputs, runs: Runs, sections: Sections): Report['verdict'] {
  const criteria = criteriaOf(inputs, runs, sections);
  const wins = { traditional: criteria.filter((c) => c.winner === 'traditional').length, serverless: criteria.filter((c) => c.winner === 'serverless').length };
  const costWinner = criteria[0]!.winner;
  const winner: ReportModel | 'tie' = wins.traditional > wins.serverless ? 'traditional' : wins.serverless > wins.traditional ? 'serverless' : costWinner;
  const profile = runs.results.traditional.profile;
  const headline =
    winner === 'tie'
      ? `No clear winner for '${profile.name}': ${wins.traditional}–${wins.serverless} on the criteria and a tie on cost`
      : `${winner} wins for '${profile.name}': better on ${wins[winner]} of ${criteria.length} criteria${wins.traditional === wins.serverless ? ' (tie broken by cost)' : ''}`;
  const reasons = criteria.map((c) => c.reason);
  const tco = (m: ReportModel) => new Decimal(stackOf(sections.costs.headline, m).estimate.totalMonthlyCost).plus(sections.effort[m].monthlyCost);
  reasons.push(`With effort priced at $${inputs.effort.weights.engineerHourlyRateUsd}/hour (modelled), the monthly total is ${usd(tco('traditional'))} traditional vs ${usd(tco('serverless'))} serverless.`);
  const spikePhase = sections.latency.phases.filter((p) => p.highlighted && p.traditional && p.serverless).sort((a, b) => b.traditional!.requests - a.traditional!.requests)[0];
  if (spikePhase) reasons.push(`During '${spikePhase.name}' (${spikePhase.targetRate}) p95 was ${spikePhase.traditional!.p95} ms traditional vs ${spikePhase.serverless!.p95} ms serverless.`);
  return {
    winner,
    headline,
    rule: 'Each criterion is won by the lower figure unless within its tolerance (10%, or a small absolute margin); the model winning more criteria wins, a tie is broken by monthly AWS cost.',
    criteria,
    flip: flipText(sections.costs),
    reasons,
  };
}

/** What the figures rest on, said only for what was read: no source is claimed that the run did not read. */
export function targetLabel(results: Record<ReportModel, BenchResult>): string {
  const r = results.traditional;
  if (r.target.kind === 'local')
    return `Local target: measured on this machine (${r.generator.cpus} CPUs) with AWS delays modelled (the local.* parameters, unless deploy --fidelity overrode them) and durations divided by ${r.timeScale}; local figures, not AWS measurements`;
  if (r.target.kind === 'aws') {
    // 'from CloudWatch' only for what was read from it: a timeline of another source says so.
    const where = `AWS${r.target.region ? ` (${r.target.region})` : ''}`;
    const read = MODELS.filter((m) => results[m].scalingTimeline.source === 'cloudwatch');
    const partial = read.filter((m) => results[m].scalingTimeline.partial);
    const partialText = partial.length ? ` (partial for ${partial.join(' and ')}: CloudWatch had not published the whole run when it was read)` : '';
    // A model that was sent nothing (an emulator that does not serve the app) has no client-side figure.
    const silent = MODELS.filter((m) => results[m].totals.requests === 0);
    const client =
      silent.length === MODELS.length
        ? 'NO TRAFFIC SENT (the front doors did not answer on the AWS emulator): no latency, errors or cold starts measured client-side'
        : silent.length
          ? `latency, errors and cold starts measured client-side against deployed stacks (none for ${silent.join(' and ')}: no traffic sent)`
          : 'latency, errors and cold starts measured client-side against deployed stacks';
    if (read.length === MODELS.length)
      return `${where}: ${client}; capacity, server-side latency and Lambda's REPORT lines read from CloudWatch, and costs priced from that measured usage${partialText}`;
    if (read.length === 0)
      return `${where}: ${client}; no CloudWatch metrics were read, so capacity is not shown and costs are priced with modelled usage`;
    const unread = MODELS.filter((m) => !read.includes(m));
    return `${where}: ${client}; ${read.join(' and ')} from CloudWatch${partialText}; ${unread.join(' and ')}: no CloudWatch metrics were read (capacity not shown, cost priced with modelled usage)`;
  }
  return 'External URLs: measured from outside, no capacity metrics';
}

function provenanceWarnings(inputs: ReportInputs, { results, usage }: Runs, latency: Report['latency']): string[] {
  const warnings = [
    ...inputs.prices.warnings,
    ...MODELS.flatMap((m) => results[m].warnings.map((w) => `${m}: ${w}`)),
    ...MODELS.filter((m) => results[m].scalingTimeline.partial).map((m) => `${m}: ${results[m].scalingTimeline.note ?? 'the metrics read were partial'}`),
    ...MODELS.filter((m) => results[m].partial).map((m) => `${m}: the run was partial (${results[m].partialReason ?? 'interrupted'}): figures cover what ran`),
    ...MODELS.filter((m) => results[m].generator.saturated).map((m) => `${m}: the load generator was saturated for ${results[m].generator.saturatedSeconds} s: latency includes the generator's own delay`),
    ...MODELS.filter((m) => latency.overall[m].corrected).map((m) => `${m}: the generator fell behind its schedule: latencies are the coordinated-omission corrected ones`),
    ...MODELS.flatMap((m) => {
      const busy = machineBoundPhases(results[m]);
      return busy.length
        ? [`${m}: this machine's CPU averaged ${SATURATED_MACHINE_CPU_PERCENT}% or more during ${busy.join(', ')}: latency there includes waiting for a shared core, which AWS (a CPU per instance or environment) would not add`]
        : [];
    }),
    ...MODELS.flatMap((m) => {
      const waited = initSlotBoundPhases(results[m]);
      return waited.length
        ? [`${m}: cold starts waited for this machine's Init slots during ${waited.join(', ')}: latency there includes a queue of Inits that AWS (an Init per microVM) would not have`]
        : [];
    }),
    ...MODELS.filter((m) => usage[m].resourceUsage === 'modelled').map((m) => `${m}: the run has no ${m === 'serverless' ? 'Lambda' : 'instance'} metrics (scaling timeline: ${results[m].scalingTimeline.source}): its cost is priced with modelled usage, not measured`),
    ...MODELS.flatMap((m) => {
      const plainHttp = plainHttpWarning(results[m].target.kind, results[m].target.url);
      return plainHttp ? [`${m}: ${plainHttp}`] : [];
    }),
    ...MODELS.filter((m) => results[m].runId !== results.traditional.runId).map(() => `the two models come from different runs (${results.traditional.runId}, ${results.serverless.runId})`),
  ];
  return [...new Set(warnings)];
}

function registryEntry(p: ModelledParameter, timeScale: number): ModelledParameterEntry {
  return { id: p.id, value: `${formatParameterValue(p)}${p.scaled ? ` (divided by time scale ${timeScale})` : ''}`, description: p.description, source: p.source };
}

/**
 * The modelled parameters behind the figures: the effort weights (from the file read), every cost
 * parameter the two estimates and usages used, and on the local target its model of AWS.
 */
function modelledParameterEntries(inputs: ReportInputs, { results, usage }: Runs, headline: EstimateResult): ModelledParameterEntry[] {
  const weights = inputs.effort.weights;
  const effort = [
    { id: 'effort.hoursPerPoint', value: String(weights.hoursPerPoint), description: 'engineer-hours a month per effort point', source: inputs.effort.source },
    { id: 'effort.engineerHourlyRateUsd', value: String(weights.engineerHourlyRateUsd), description: 'what an engineer-hour costs (USD)', source: inputs.effort.source },
  ];
  const usedCost = new Set<string>(MODELS.flatMap((m) => [...usage[m].modelledParameters, ...stackOf(headline, m).modelledParameters]));
  const timeScale = results.traditional.timeScale;
  const cost = MODELLED_PARAMETERS.filter((p) => usedCost.has(p.id)).map((p) => registryEntry(p, timeScale));
  const local = results.traditional.target.kind === 'local' ? Object.values(LOCAL_PARAMETERS).map((p) => registryEntry(p, timeScale)) : [];
  return [...effort, ...cost, ...local];
}

function provenanceSection(inputs: ReportInputs, runs: Runs, costs: Costs, latency: Report['latency']): Report['provenance'] {
  const { results, files } = runs;
  return {
    target: results.traditional.target.kind,
    label: targetLabel(results),
    timeScale: results.traditional.timeScale,
    results: files,
    runIds: { traditional: results.traditional.runId, serverless: results.serverless.runId },
    measuredWindowS: { traditional: measuredWindowSeconds(results.traditional), serverless: measuredWindowSeconds(results.serverless) },
    modelledParameters: modelledParameterEntries(inputs, runs, costs.headline),
    warnings: provenanceWarnings(inputs, runs, latency),
  };
}

/**
 * The report: each section from its own pure function over the runs, the verdict over the
 * sections, provenance over what was read.
 */
export function buildReport(inputs: ReportInputs): Report {
  checkComparable(inputs.results);
  const runs = readRuns(inputs);
  const costs = costSection(inputs, runs);
  const latency = latencySection(runs);
  const scaling = scalingSection(runs);
  const effort = effortSection(inputs);
  const profile = runs.results.traditional.profile;
  return {
    kind: 'archcompare.report',
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: inputs.generatedAt,
    profile: { name: profile.name, description: profile.description },
    verdict: verdictOf(inputs, runs, { costs, latency, scaling, effort }),
    cost: costs.section,
    latency,
    coldStarts: coldStartSection(runs),
    scaling,
    effort,
    provenance: provenanceSection(inputs, runs, costs, latency),
    ...(inputs.projected ? { projection: projectionSection(inputs.projected, inputs.results) } : {}),
  };
}
