import { existsSync } from 'node:fs';
import path from 'node:path';
import { resolveProfile } from '../bench/profiles.js';
import type { BenchResult } from '../bench/result-schema.js';
import { loadStackConfig } from '../config/load-config.js';
import { MODELS, type Model } from '../config/stack-config.js';
import { UserError, zodUserError } from '../errors.js';
import { readDataFile } from '../files.js';
import { stateRoot } from '../state/registry.js';
import { loadSchedule } from './load-schedule.js';
import { applyCalibration, CalibrationFileSchema, modelledParameters, parameterRows, type ProjectionParameters } from './parameters.js';
import { projectedResult } from './projected-result.js';
import { AGGREGATE_METHOD, simulateModels } from './simulate.js';
import { calibrateFromRuns } from './calibrate.js';
import { renderValidation, validateAgainstRuns, type Validation } from './validate.js';
import { durationSeconds } from '../bench/profile-schema.js';
import { Decimal } from '../pricing/money.js';
import { SAMPLES_PER_STEP } from './fluid-centre.js';
import { SECONDS_PER_MONTH } from '../cost/units.js';

/**
 * `archcompare project` without the CLI: reads the profile, the stack config, saved bench results and a
 * calibration file, runs the pure simulation (src/projection/simulate.ts) for both models, writes the
 * projected results in the bench result shape to <state>/projections/<run id>/, and prices them with
 * the cost engine unchanged. All I/O of the projection happens here.
 */
export interface ProjectOptions {
  profile: string;
  models?: readonly Model[];
  /** A bench run id, "latest", or undefined (latest if any, else modelled defaults). */
  results?: string;
  calibrationFile?: string;
  configFile?: string;
  seed?: number;
  /** Fine aggregate step (s): 10 by default, the Lambda scaling window; the coarse step is 60 s (see load-schedule.ts). */
  stepSeconds?: number;
  coarseStepSeconds?: number;
  /** Project again with every limit the first pass reached raised to what removes it (each raise listed as an override). */
  raiseLimits?: boolean;
  /** Price the projected usage (synthesizes the stacks once; cached). */
  cost?: boolean;
  resultsDir?: string;
  projectionsDir?: string;
  startedAt?: Date;
  onProgress?: (line: string) => void;
}

export interface ModelOutcome {
  model: Model;
  result: BenchResult;
  file: string;
  monthlyCost?: { usd: string; windowUsd: string; source: string };
}

export interface ProjectOutcome {
  runId: string;
  /** 'as configured', or 'limits raised' with the raises in the parameters (origin override). */
  scenario: string;
  profile: string;
  peakRps: number;
  durationS: number;
  calibration: string;
  parameters: ReturnType<typeof parameterRows>;
  models: ModelOutcome[];
  simulationMs: number;
  warnings: string[];
}

export const DEFAULT_SEED = 1;
export const DEFAULT_STEP_SECONDS = 10;
export const DEFAULT_COARSE_STEP_SECONDS = 60;

export function projectionsRoot(root = stateRoot()): string {
  return path.join(root, 'projections');
}

async function calibrationFromFile(file: string, base: ProjectionParameters): Promise<ProjectionParameters> {
  const data = await readDataFile(file, 'calibration file', 'pass a YAML or JSON file of { parameter: value } (see `archcompare project --help`)');
  const parsed = CalibrationFileSchema.safeParse(data);
  if (!parsed.success) throw zodUserError(parsed.error, `calibration file ${file}`, 'use the parameter names `archcompare project --format json` lists under parameters');
  return applyCalibration(base, parsed.data, file);
}

/**
 * The bench results to calibrate from: the named run's, or with "latest" (the default) the newest
 * result of each model; projected results are never read back. None saved: an empty list, and the
 * projection says it used modelled defaults. A named run that does not exist is an error.
 */
async function savedRuns(results: string | undefined, dir: string | undefined, models: readonly Model[]): Promise<Array<{ result: BenchResult; file: string }>> {
  const { latestResults, listRuns, readResult, resultPath, resultsRoot } = await import('../bench/result-store.js');
  const root = dir ?? resultsRoot();
  const files: string[] = [];
  if (results === undefined || results === 'latest') {
    const latest = await latestResults(root);
    for (const m of models) if (latest.has(m)) files.push(latest.get(m)!);
    if (results === 'latest' && files.length === 0) throw new UserError(`--results latest: no bench result in ${root}`, 'run `archcompare bench` first, or omit --results to project from modelled defaults');
  } else {
    const found = models.map((m) => resultPath(root, results, m)).filter((f) => existsSync(f));
    if (found.length === 0) {
      const known = (await listRuns(root)).slice(0, 5);
      throw new UserError(`--results ${results}: no bench result in ${path.join(root, results)}`, known.length ? `name one of ${known.join(', ')} or "latest"` : 'run `archcompare bench` first');
    }
    files.push(...found);
  }
  const out: Array<{ result: BenchResult; file: string }> = [];
  for (const file of files) {
    const result = await readResult(file);
    if (!result.projection) out.push({ result, file: path.relative(process.cwd(), file) || file });
  }
  return out;
}

export async function project(options: ProjectOptions): Promise<ProjectOutcome> {
  const models = options.models ?? MODELS;
  const warnings: string[] = [];
  const progress = options.onProgress ?? (() => {});
  const { profile, file: profileFile } = await resolveProfile(options.profile);
  const config = await loadStackConfig(options.configFile, { runId: 'projected' });
  const timeout = { value: profile.requestTimeout ? durationSeconds(profile.requestTimeout) : 10, unit: 's', origin: { kind: 'config' as const, source: profile.requestTimeout ? `profile ${profile.name} requestTimeout` : 'the bench default request timeout (10 s)' } };
  let parameters = modelledParameters(config, timeout);
  const saved = await savedRuns(options.results, options.resultsDir, models);
  const calibrated = calibrateFromRuns(parameters, saved);
  parameters = calibrated.parameters;
  const calibration = calibrated.summary;
  if (options.calibrationFile) parameters = await calibrationFromFile(options.calibrationFile, parameters);
  const stepSeconds = options.stepSeconds ?? DEFAULT_STEP_SECONDS;
  const schedule = loadSchedule(profile, stepSeconds, options.coarseStepSeconds ?? DEFAULT_COARSE_STEP_SECONDS);
  const seed = options.seed ?? DEFAULT_SEED;
  const startedAt = options.startedAt ?? new Date(Date.UTC(new Date().getUTCFullYear(), 0, 1));
  progress(`simulating ${models.join(' and ')} over ${profile.name} (${(schedule.durationS / 3600).toFixed(1)} h in ${schedule.steps.length} steps of ${stepSeconds} s)`);
  const began = performance.now();
  const simulation = { seed, startedAtMs: startedAt.getTime(), namePrefix: `${config.appName}-${config.runId}` };
  if (options.raiseLimits) {
    // The limits each model reaches at the peak, each raised to the value its bottleneck names; a
    // parameter several limits raise (one new-table throughput for every table) takes the largest.
    const raised = new Map<string, { value: number | string; why: string }>();
    for (const run of simulateModels(models, parameters, schedule, simulation))
      for (const b of run.outcome.bottlenecks)
        for (const [name, value] of Object.entries(b.raise ?? {})) {
          const before = raised.get(name)?.value;
          if (before === undefined || (typeof value === 'number' && typeof before === 'number' && value > before)) raised.set(name, { value, why: `${run.model}'s ${b.resource}` });
        }
    for (const [name, { value, why }] of raised) parameters = applyCalibration(parameters, CalibrationFileSchema.parse({ [name]: value }), `--raise-limits, to remove ${why}`);
    // Instances and request units are usage the cost engine prices; the DB class is the stack's.
    if (raised.has('dbVcpus') || raised.has('dbMaxConnections'))
      warnings.push(
        `--raise-limits sized the database at ${parameters.dbVcpus.value} vCPUs and ${parameters.dbMaxConnections.value} connections, but the cost engine prices the stack config's ${config.traditional.dbInstanceClass}: pass --config with traditional.dbInstanceClass of that size (or read replicas) to price it`,
      );
    if (raised.has('cpuCredits'))
      warnings.push(
        `--raise-limits switched ${config.traditional.instanceType} to unlimited CPU credits: its surplus credits are billed per vCPU-hour, which the projected cost does not include; pass --config with traditional.cpuCredits: unlimited and price the surplus with 'archcompare estimate' (monthly_cpu_credit_hrs), or use a non-burstable type`,
      );
    progress('projecting again with the limits raised');
  }
  const runs = simulateModels(models, parameters, schedule, simulation);
  const simulationMs = performance.now() - began;
  const runId = `projected-${profile.name}-${seed}${options.raiseLimits ? '-raised' : ''}`;
  const rows = parameterRows(parameters);
  const dir = options.projectionsDir ?? projectionsRoot();
  const { writeResult } = await import('../bench/result-store.js');
  const outcomes: ModelOutcome[] = [];
  for (const run of runs) {
    const result = projectedResult({
      runId,
      model: run.model,
      profile,
      profileFile: path.relative(process.cwd(), profileFile) || profileFile,
      region: config.region,
      recorder: run.recorder,
      startedAtMs: startedAt.getTime(),
      node: process.version,
      warnings,
      marker: {
        projected: true,
        method: AGGREGATE_METHOD,
        seed,
        stepSeconds,
        samplesPerStep: SAMPLES_PER_STEP,
        calibration,
        parameters: rows,
        bottlenecks: run.outcome.bottlenecks,
        peak: run.outcome.peak,
        scenario: options.raiseLimits ? 'limits raised' : 'as configured',
      },
    });
    outcomes.push({ model: run.model, result, file: await writeResult(result, dir) });
  }
  if (options.cost !== false) {
    progress('pricing the projected usage with the cost engine');
    const { estimate } = await import('../cost/estimate-service.js');
    const priced = await estimate({ models: [...models], results: runId, resultsDir: dir, configFile: options.configFile, curve: false });
    warnings.push(...priced.warnings);
    // The engine's month is SECONDS_PER_MONTH; the profile's window is this share of it.
    const windowShare = new Decimal(schedule.durationS).div(SECONDS_PER_MONTH);
    for (const o of outcomes) {
      const stack = priced.json.stacks.find((s) => s.name === o.model);
      if (!stack) continue;
      o.monthlyCost = {
        usd: stack.totalMonthlyCostRounded,
        windowUsd: new Decimal(stack.totalMonthlyCost).times(windowShare).toDecimalPlaces(2).toFixed(2),
        source: `the cost engine over ${path.relative(process.cwd(), o.file)}, window extrapolated to a month; prices as of ${priced.json.pricing.pricesAsOf} (${priced.json.pricing.snapshot})`,
      };
      // The price travels with the result, so the report shows it beside the projected figures.
      o.result = { ...o.result, projection: { ...o.result.projection!, monthlyCost: o.monthlyCost } };
      await writeResult(o.result, dir);
    }
  }
  return { runId, scenario: options.raiseLimits ? 'limits raised' : 'as configured', profile: profile.name, peakRps: schedule.peakRps, durationS: schedule.durationS, calibration, parameters: rows, models: outcomes, simulationMs, warnings };
}

/**
 * `archcompare project --validate RUN`: the projection calibrated from a saved local run simulates that
 * run at its own scale and is compared with it, phase by phase (tolerances in validate.ts).
 */
export async function validateRun(options: { run: string; resultsDir?: string; configFile?: string; calibrationFile?: string; seed?: number }): Promise<{ validation: Validation; text: string; calibration: string }> {
  const saved = await savedRuns(options.run, options.resultsDir, MODELS);
  if (saved.length === 0) throw new UserError(`--validate ${options.run}: no bench result to validate against`, 'run `archcompare bench` (local target) first');
  const aws = saved.filter((r) => r.result.target.kind !== 'local');
  if (aws.length) throw new UserError(`--validate ${options.run}: ${aws.map((r) => r.file).join(', ')} ran on the ${aws[0]!.result.target.kind} target`, 'validate against a local run: --validate replays the local target (its time-scaled delays, its load balancer), not AWS');
  const config = await loadStackConfig(options.configFile, { runId: 'projected' });
  const first = saved[0]!.result;
  const timeout = { value: first.profile.definition.requestTimeout ? durationSeconds(first.profile.definition.requestTimeout) : 10, unit: 's', origin: { kind: 'config' as const, source: `profile ${first.profile.name}` } };
  let parameters = calibrateFromRuns(modelledParameters(config, timeout), saved, { replayLocal: true });
  if (options.calibrationFile) parameters = { ...parameters, parameters: await calibrationFromFile(options.calibrationFile, parameters.parameters) };
  const validation = validateAgainstRuns(parameters.parameters, saved.map((r) => r.result), options.seed ?? DEFAULT_SEED);
  return { validation, text: `${renderValidation(validation, options.run)}calibration: ${parameters.summary}\n`, calibration: parameters.summary };
}
