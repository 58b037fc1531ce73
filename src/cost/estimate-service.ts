import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readTerraformFile, type TerraformDocument } from '../architecture/terraform-document.js';
import { StackConfigSchema, type Model, type ResolvedStackConfig, type StackConfig } from '../config/stack-config.js';
import { UserError, zodUserError } from '../errors.js';
import { loadPriceBook } from '../pricing/snapshot-store.js';
import { DEFAULT_CURVE, type CurveRange } from './break-even.js';
import { runEstimate, type EstimateResult, type StackInput, type UsageInput } from './estimate.js';
import { MeasuredUsageSchema, type MeasuredUsage } from './measured-usage.js';
import { estimateToJson, type EstimateJson, type PricingMeta } from './report.js';
import { synthesizedDocument } from './stack-source.js';
import { parseUsageFile } from './usage.js';
import { comparisonUsage, usageFromResult } from './usage-from-results.js';

/**
 * `archcompare estimate` without the CLI: reads the stacks (synthesized, a plan, or Terraform
 * JSON files), the prices and the usage, then runs the pure engine. All I/O of the cost feature
 * happens here.
 */
export interface EstimateOptions {
  /** One or both models; ignored with `plan`. */
  models: Model[];
  /** Any `terraform show -json` plan (or Terraform JSON): estimated as one stack named "plan". */
  plan?: string;
  /** Use these Terraform JSON files instead of synthesizing, per model. */
  terraformJson?: Partial<Record<Model, string>>;
  /** A stack config file (JSON or YAML, the StackConfig schema) for synthesis. */
  configFile?: string;
  region?: string;
  usageFile?: string;
  measuredFile?: string;
  /** Usage measured by a bench run: a run id under resultsDir, or "latest" (the newest run with every model). */
  results?: string;
  /** Where bench results live (default .archcompare/results). */
  resultsDir?: string;
  requestsPerMonth?: number;
  instanceCapacityRps?: number;
  freeTier?: boolean;
  maxPriceAgeDays?: number;
  failWhenStale?: boolean;
  curve?: CurveRange | false;
  pricingDir?: string;
  workDir?: string;
  now?: Date;
}

export interface EstimateOutcome {
  result: EstimateResult;
  json: EstimateJson;
  pricing: PricingMeta;
  warnings: string[];
}

/** `estimate --fail-on-unpriced` exits with this status when any resource is left out of a total (documented in the README). */
export const UNPRICED_EXIT_CODE = 3;

/** The error `--fail-on-unpriced` raises after the breakdown is printed, or undefined when every resource was priced. */
export function unpricedFailure(json: EstimateJson): UserError | undefined {
  const left = json.stacks.flatMap((s) => [...s.unsupportedResources, ...s.unpricedResources].map((r) => r.address));
  if (left.length === 0) return undefined;
  return new UserError(
    `${left.length} resource${left.length === 1 ? ' is' : 's are'} unpriced (${left.slice(0, 5).join(', ')}${left.length > 5 ? ', …' : ''})`,
    'refresh the prices with `archcompare pricing refresh --region <region>` or drop --fail-on-unpriced to accept a partial estimate',
    UNPRICED_EXIT_CODE,
  );
}

function readText(file: string, what: string, fix: string): string {
  if (!existsSync(file)) throw new UserError(`${what} ${file}: no such file`, fix);
  return readFileSync(file, 'utf8');
}

function loadConfig(file: string | undefined, region: string | undefined): ResolvedStackConfig {
  let raw: unknown = {};
  if (file) {
    const text = readText(file, 'config file', 'pass the path of a JSON or YAML stack config');
    try {
      raw = parseYaml(text);
    } catch (err) {
      throw new UserError(`config file ${file}: not valid JSON/YAML (${(err as Error).message.split('\n')[0]})`, 'fix the syntax');
    }
  }
  const parsed = StackConfigSchema.safeParse({ ...(raw as object), ...(region ? { region } : {}) });
  if (!parsed.success) throw zodUserError(parsed.error, file ? `config file ${file}` : 'stack config', 'see src/config/stack-config.ts for the fields and their limits');
  const config: StackConfig = parsed.data;
  return { ...config, runId: config.runId ?? 'estimate' };
}

function loadUsage(options: EstimateOptions, warnings: string[]): UsageInput {
  if ([options.usageFile, options.measuredFile, options.results].filter(Boolean).length > 1)
    throw new UserError('more than one of --usage, --measured and --results given', 'pass one source of usage');
  if (options.usageFile) {
    const { usage, warnings: w } = parseUsageFile(readText(options.usageFile, 'usage file', 'pass the path of an Infracost-format usage file (version: 0.1)'), options.usageFile);
    warnings.push(...w);
    return { kind: 'usage-file', usage };
  }
  if (options.measuredFile) {
    const text = readText(options.measuredFile, 'measured usage file', 'pass the JSON a bench run wrote');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new UserError(`measured usage file ${options.measuredFile}: not valid JSON (${(err as Error).message})`, 'pass the MeasuredUsage JSON a bench run wrote');
    }
    const parsed = MeasuredUsageSchema.safeParse(raw);
    if (!parsed.success) throw zodUserError(parsed.error, `measured usage file ${options.measuredFile}`, 'see MeasuredUsageSchema in src/cost/measured-usage.ts');
    return { kind: 'measured', usage: parsed.data };
  }
  return { kind: 'modelled' };
}

export async function estimate(options: EstimateOptions): Promise<EstimateOutcome> {
  const warnings: string[] = [];
  if (options.requestsPerMonth !== undefined && !(Number.isFinite(options.requestsPerMonth) && options.requestsPerMonth >= 0))
    throw new UserError(`--requests-per-month: must be a number ≥ 0, got ${options.requestsPerMonth}`, 'pass e.g. --requests-per-month 10000000');
  const usage = loadUsage(options, warnings);
  const loadPrices = (region: string) => loadPriceBook(region, { dir: options.pricingDir, now: options.now, maxAgeDays: options.maxPriceAgeDays, failWhenStale: options.failWhenStale });
  // A bad --region fails before any stack is synthesized.
  const early = options.region ? loadPrices(options.region) : undefined;
  const stacks: StackInput[] = [];
  let region = options.region;
  if (options.plan) {
    const doc = readTerraformFile(options.plan);
    if (region && doc.region && region !== doc.region) warnings.push(`--region ${region} overrides the plan's provider region ${doc.region}`);
    region ??= doc.region;
    stacks.push({ name: 'plan', source: options.plan, doc });
  } else {
    const config = options.terraformJson && Object.keys(options.terraformJson).length === options.models.length ? undefined : loadConfig(options.configFile, region);
    region ??= config?.region;
    for (const model of options.models) {
      const file = options.terraformJson?.[model];
      if (file) {
        const doc = readTerraformFile(file);
        region ??= doc.region;
        stacks.push({ name: model, source: file, doc });
      } else {
        const { doc, file: synthFile } = await synthesizedDocument(model, config!, options.workDir);
        stacks.push({ name: model, source: path.relative(process.cwd(), synthFile), doc });
      }
    }
  }
  const priced = options.results ? { kind: 'measured' as const, usage: await usageFromBenchRun(options, stacks) } : usage;
  region ??= 'us-east-1';
  const loaded = early ?? loadPrices(region);
  warnings.unshift(...loaded.warnings);
  const result = runEstimate({
    stacks,
    book: loaded.book,
    usage: priced,
    requestsPerMonth: options.requestsPerMonth,
    freeTier: options.freeTier ?? false,
    ...(options.instanceCapacityRps !== undefined ? { capacity: { requestsPerSecondPerInstance: options.instanceCapacityRps } } : {}),
    curve: options.curve ?? DEFAULT_CURVE,
  });
  const pricing: PricingMeta = { file: path.relative(process.cwd(), loaded.file) || loaded.file, header: loaded.book.header, ageDays: loaded.ageDays };
  return { result, json: estimateToJson(result, pricing, warnings), pricing, warnings };
}

/**
 * The measured usage of a bench run, from its result files: one model's own, or (both models) the
 * serverless run's per-function/table usage with the traditional run's instance level, at their mean
 * measured rate, so both stacks are priced at the same traffic.
 */
async function usageFromBenchRun(options: EstimateOptions, stacks: StackInput[]): Promise<MeasuredUsage> {
  const { listRuns, readResult, resultPath, resultsRoot } = await import('../bench/result-store.js');
  const dir = options.resultsDir ?? resultsRoot();
  const models = options.models;
  const has = (run: string) => models.every((m) => existsSync(resultPath(dir, run, m)));
  const run = options.results === 'latest' ? (await listRuns(dir)).find(has) : options.results;
  if (!run || !has(run)) {
    throw new UserError(
      run ? `--results ${run}: no ${models.filter((m) => !existsSync(resultPath(dir, run, m))).join(' or ')} result in ${dir}/${run}` : `--results latest: no run in ${dir} has results for ${models.join(' and ')}`,
      `bench ${models.length > 1 ? 'both models' : models[0]} first (\`archcompare bench --profile steady\`), or name a run listed in ${dir}`,
    );
  }
  const docFor = (m: Model): TerraformDocument => stacks.find((st) => st.name === m)!.doc;
  const usages = await Promise.all(
    models.map(async (m) => {
      const file = resultPath(dir, run, m);
      return usageFromResult(await readResult(file), docFor(m), path.relative(process.cwd(), file) || file);
    }),
  );
  if (usages.length === 1) return usages[0]!.usage;
  return comparisonUsage(usages[models.indexOf('traditional')]!, usages[models.indexOf('serverless')]!);
}
