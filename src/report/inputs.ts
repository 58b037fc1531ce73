import { existsSync, readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { readResult, resultsRoot, latestResults, listRuns } from '../bench/result-store.js';
import type { BenchResult } from '../bench/result-schema.js';
import { loadStackConfig } from '../config/load-config.js';
import { synthesizedDocument } from '../cost/stack-source.js';
import { UserError, zodUserError } from '../errors.js';
import { loadPriceBook, resolveMaxAgeDays } from '../pricing/snapshot-store.js';
import { stateRoot } from '../state/registry.js';
import { checkComparable, type ReportInputs } from './build.js';
import { EffortWeightsOverrideSchema, EffortWeightsSchema, mergeEffortWeights, type EffortWeights } from './effort.js';
import type { ReportModel } from './model.js';
import type { ProjectedInputs } from './projection.js';

/**
 * All the I/O of the report: the latest result of each model (or one run's), the stacks they were
 * deployed from (synthesized, cached under .archcompare/synth), the pricing snapshot and the effort
 * weights. Bad input is a one-line UserError saying what to run.
 */
export interface LoadReportOptions {
  /** Use this run's results instead of the latest of each model. */
  runId?: string;
  /** The state root (default <cwd>/.archcompare): results under <root>/results. */
  root?: string;
  /** Stack config (JSON/YAML) the stacks were deployed with; default: the defaults. */
  configFile?: string;
  effortWeightsFile?: string;
  pricingDir?: string;
  region?: string;
  freeTier?: boolean;
  now?: Date;
}

const MODELS: readonly ReportModel[] = ['traditional', 'serverless'];
const RUN_BOTH = 'run `archcompare compare --profile spike` (deploys, benches and tears down both models), or deploy both and run `archcompare bench --profile spike`';

function here(): string {
  return path.dirname(fileURLToPath(import.meta.url));
}

/** effort-weights.yml sits beside this file in src/ (tsx) and is read from src/ when running from dist/. */
export function defaultEffortWeightsFile(): string {
  const candidates = [path.join(here(), 'effort-weights.yml'), path.resolve(here(), '../../../src/report/effort-weights.yml')];
  const found = candidates.find(existsSync);
  if (!found) throw new UserError(`the default operational-effort weights are missing (looked in ${candidates.join(', ')})`, 'reinstall archcompare or pass --effort-weights FILE');
  return found;
}

function readYaml(file: string, what: string): unknown {
  if (!existsSync(file)) throw new UserError(`${what} ${file}: no such file`, 'pass the path of a YAML file shaped like src/report/effort-weights.yml');
  try {
    return parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${what} ${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`, 'fix the syntax');
  }
}

export function loadEffortWeights(overrideFile?: string): { weights: EffortWeights; source: string } {
  const file = defaultEffortWeightsFile();
  const parsed = EffortWeightsSchema.safeParse(readYaml(file, 'effort weights'));
  if (!parsed.success) throw zodUserError(parsed.error, file, 'restore the shipped effort-weights.yml');
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  if (!overrideFile) return { weights: parsed.data, source: rel(file) };
  const override = EffortWeightsOverrideSchema.safeParse(readYaml(overrideFile, 'effort weights'));
  if (!override.success) throw zodUserError(override.error, `--effort-weights ${overrideFile}`, 'see src/report/effort-weights.yml for the keys and their meaning');
  return { weights: mergeEffortWeights(parsed.data, override.data), source: `${rel(file)} overridden by ${rel(overrideFile)}` };
}

/** The result files to compare: one run's, or the newest of each model. */
async function resultFiles(dir: string, runId: string | undefined): Promise<Map<string, string>> {
  if (!runId) return latestResults(dir);
  const runDir = path.join(dir, runId);
  let names: string[];
  try {
    names = (await readdir(runDir)).filter((f) => f.endsWith('.json'));
  } catch {
    const runs = await listRuns(dir);
    throw new UserError(`--run ${runId}: no such run in ${dir}`, runs.length ? `pick one of: ${runs.slice(0, 5).join(', ')}${runs.length > 5 ? ' …' : ''}` : RUN_BOTH);
  }
  return new Map(names.map((f) => [f.replace(/\.json$/, ''), path.join(runDir, f)]));
}

export async function loadResults(options: { runId?: string; root?: string } = {}): Promise<Record<ReportModel, { result: BenchResult; file: string }>> {
  const dir = resultsRoot(options.root ?? stateRoot());
  const files = await resultFiles(dir, options.runId);
  const have = MODELS.filter((m) => files.has(m));
  const where = options.runId ? `run ${options.runId}` : path.relative(process.cwd(), dir) || dir;
  if (have.length === 0) throw new UserError(`no bench results yet for traditional or serverless in ${where}`, RUN_BOTH);
  if (have.length === 1) {
    const missing = MODELS.find((m) => !files.has(m))!;
    const present = await readResult(files.get(have[0]!)!);
    throw new UserError(
      `only ${have[0]} has results in ${where}; the report compares both models`,
      `deploy and bench ${missing} with the same profile: \`archcompare deploy --model ${missing}\` then \`archcompare bench --profile ${present.profile.name}\` (or \`archcompare compare --profile ${present.profile.name}\`)`,
    );
  }
  const out = {} as Record<ReportModel, { result: BenchResult; file: string }>;
  for (const m of MODELS) {
    const file = files.get(m)!;
    out[m] = { result: await readResult(file), file: path.relative(process.cwd(), file) || file };
  }
  return out;
}

export async function loadReportInputs(options: LoadReportOptions = {}): Promise<ReportInputs> {
  const root = options.root ?? stateRoot();
  const results = await loadResults({ runId: options.runId, root });
  checkComparable(results);
  // A fixed run id keeps the synth cache key stable: resource addresses, not names, are what the report uses.
  const config = await loadStackConfig(options.configFile, { runId: 'report', ...(options.region ? { region: options.region } : {}) });
  const stacks = {} as ReportInputs['stacks'];
  for (const m of MODELS) {
    const { doc, file } = await synthesizedDocument(m, config, root);
    stacks[m] = { doc, source: path.relative(process.cwd(), file) || file };
  }
  const region = options.region ?? results.traditional.result.target.region ?? config.region;
  const loaded = loadPriceBook(region, { dir: options.pricingDir, now: options.now, maxAgeDays: resolveMaxAgeDays(undefined) });
  return {
    results,
    stacks,
    prices: { book: loaded.book, file: path.relative(process.cwd(), loaded.file) || loaded.file, header: loaded.book.header, ageDays: loaded.ageDays, warnings: loaded.warnings },
    effort: loadEffortWeights(options.effortWeightsFile),
    freeTier: options.freeTier ?? false,
    generatedAt: (options.now ?? new Date()).toISOString(),
    ...(await loadProjected(root).then((projected) => (projected ? { projected } : {}))),
  };
}

/** The most recent saved projection with both models (<root>/projections/<run>/), if any. */
export async function loadProjected(root: string): Promise<ProjectedInputs | undefined> {
  const dir = path.join(root, 'projections');
  let runs: string[];
  try {
    runs = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return undefined;
  }
  const complete = runs
    .map((run) => ({ run, files: MODELS.map((m) => path.join(dir, run, `${m}.json`)) }))
    .filter((r) => r.files.every(existsSync))
    .sort((a, b) => statSync(b.files[0]!).mtimeMs - statSync(a.files[0]!).mtimeMs);
  const newest = complete[0];
  if (!newest) return undefined;
  const results = {} as ProjectedInputs['results'];
  for (const [i, m] of MODELS.entries()) results[m] = { result: await readResult(newest.files[i]!), file: path.relative(process.cwd(), newest.files[i]!) || newest.files[i]! };
  return { results };
}
