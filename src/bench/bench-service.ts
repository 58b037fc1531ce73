import path from 'node:path';
import type { Model } from '../config/stack-config.js';
import { parseTimeScale } from '../config/time-scale.js';
import { UserError } from '../errors.js';
import { type DeploymentRecord, readRegistry, stateRoot } from '../state/registry.js';
import { targetOf } from '../targets/adapters.js';
import { type BenchProgress, type BenchTarget, runBench } from './harness.js';
import type { Invariant } from './invariants.js';
import { resolveProfile } from './profiles.js';
import type { Profile } from './profile-schema.js';
import type { BenchModel, BenchResult } from './result-schema.js';
import { newRunId, resultsRoot, writeResult } from './result-store.js';
import { latestCapacity } from './scaling-timeline.js';

export interface BenchRequest {
  /** A shipped profile name or a path to a YAML/JSON file. */
  profile: string;
  /** Models to bench; default: every deployed model in the registry. */
  models?: Model[];
  /** Bench this URL instead of a deployment (e.g. an AWS API URL); the model names the result. */
  url?: string;
  timeScale?: number;
  /** Results directory (default .archcompare/results). */
  outputDir?: string;
  runId?: string;
  signal?: AbortSignal;
  onProgress?: (p: BenchProgress) => void;
  onResult?: (file: string, result: BenchResult) => void;
  invariants?: Invariant[];
  /** Registry location (tests). */
  stateRoot?: string;
}

export interface BenchOutcome {
  runId: string;
  files: string[];
  results: BenchResult[];
}

/** A deployment as bench sees it: its front door and its metrics, through the Target port. */
async function benchTargetOf(rec: DeploymentRecord): Promise<BenchTarget> {
  const target = await targetOf(rec);
  const { frontDoor } = target.endpoints(rec);
  if (!frontDoor) throw new UserError(`${rec.model}: the deployment has no URL`, `redeploy it ('archcompare deploy --model ${rec.model}')`);
  return {
    model: rec.model,
    kind: rec.target,
    url: frontDoor,
    region: rec.region,
    deploymentRunId: rec.runId,
    ...(rec.target === 'aws' && rec.endpointUrl ? { emulator: rec.endpointUrl } : {}),
    metrics: (window, options) => target.metrics(rec, window, options),
  };
}

/** Which targets `bench` drives, from the flags and the deployment registry. */
export async function resolveTargets(req: Pick<BenchRequest, 'models' | 'url' | 'stateRoot'>): Promise<{ target: BenchTarget; deploymentTimeScale?: number }[]> {
  if (req.url) {
    let parsed: URL;
    try {
      parsed = new URL(req.url);
    } catch {
      throw new UserError(`--url: "${req.url}" is not a URL`, 'give the full front-door URL, e.g. https://abc123.execute-api.us-east-1.amazonaws.com');
    }
    if (!/^https?:$/.test(parsed.protocol)) throw new UserError(`--url: ${parsed.protocol} is not supported`, 'use an http:// or https:// URL');
    if ((req.models?.length ?? 0) > 1) throw new UserError('--url takes one --model', 'bench one URL at a time, naming its model');
    const model: BenchModel = req.models?.[0] ?? 'external';
    return [{ target: { model, kind: 'url', url: parsed.toString().replace(/\/$/, '') } }];
  }
  const deployed = (await readRegistry(req.stateRoot ?? stateRoot())).filter((r) => r.status === 'deployed');
  const wanted = req.models?.length ? req.models : deployed.map((r) => r.model);
  if (wanted.length === 0) {
    throw new UserError('nothing is deployed to bench', "deploy a model first ('archcompare deploy --model serverless') or pass --url");
  }
  const targets: { target: BenchTarget; deploymentTimeScale?: number }[] = [];
  for (const model of wanted) {
    const rec = deployed.find((r) => r.model === model);
    if (!rec) throw new UserError(`--model ${model}: ${model} is not deployed`, `run 'archcompare deploy --model ${model}' first, or pass --url`);
    targets.push({ target: await benchTargetOf(rec), deploymentTimeScale: rec.local?.timeScale });
  }
  return targets;
}

/** A profile bench can send (shipped name or path); a projection profile is refused with the command that runs it. */
export async function resolveBenchProfile(name: string): Promise<{ profile: Profile; file: string }> {
  const resolved = await resolveProfile(name);
  const { profile } = resolved;
  if (profile.projectionOnly)
    throw new UserError(
      `--profile ${name}: ${profile.name} is a projection profile (${peakOf(profile)} req/s at its peak), beyond what one machine's load generator can send`,
      `project it with 'archcompare project --profile ${name}', calibrated from a bench run of a profile this machine can send (e.g. 'archcompare bench --profile spike')`,
    );
  return resolved;
}

/** The profile's highest target rate, for messages. */
function peakOf(profile: Profile): string {
  const rates = profile.phases.flatMap((ph) => (typeof ph.rate === 'number' ? [ph.rate] : ph.rate === 'max' ? [] : [ph.rate.from, ph.rate.to]));
  return rates.length ? Math.max(...rates).toLocaleString('en-US') : 'unbounded';
}

/** Time scale: --time-scale, else the local deployment's own, else the profile's (local only), else 1. */
export function chooseTimeScale(flag: number | undefined, target: BenchTarget, deploymentTimeScale: number | undefined, profileTimeScale: number | undefined): number {
  if (flag !== undefined) return flag;
  if (target.kind === 'local') return deploymentTimeScale ?? profileTimeScale ?? 1;
  return 1;
}

/** Instances in service (or concurrent environments) in the target's metrics of the last five minutes, for the live view. */
async function latestCapacityOf(metrics: NonNullable<BenchTarget['metrics']>): Promise<number | null> {
  const now = Date.now();
  return latestCapacity((await metrics({ from: new Date(now - 300_000), to: new Date(now) })).datapoints)?.value ?? null;
}

/** `archcompare bench`: every target in turn (never at once: they would share this machine), results saved. */
export async function bench(req: BenchRequest): Promise<BenchOutcome> {
  if (req.timeScale !== undefined) parseTimeScale(req.timeScale);
  const { profile, file } = await resolveBenchProfile(req.profile);
  const targets = await resolveTargets(req);
  const runId = req.runId ?? newRunId();
  const outputDir = req.outputDir ? path.resolve(req.outputDir) : resultsRoot(req.stateRoot ?? stateRoot());
  const outcome: BenchOutcome = { runId, files: [], results: [] };
  for (const { target, deploymentTimeScale } of targets) {
    if (req.signal?.aborted) break;
    const timeScale = chooseTimeScale(req.timeScale, target, deploymentTimeScale, profile.timeScale);
    const warnings: string[] = [];
    if (target.kind === 'local' && deploymentTimeScale !== undefined && timeScale !== deploymentTimeScale) {
      warnings.push(`time scale ${timeScale} differs from the deployment's ${deploymentTimeScale}: modelled delays and phase lengths are not in proportion`);
    }
    const result = await runBench({
      target,
      profile,
      profileFile: file,
      timeScale,
      runId,
      signal: req.signal,
      onProgress: req.onProgress,
      invariants: req.invariants,
      warnings,
      capacity: target.metrics ? () => latestCapacityOf(target.metrics!) : undefined,
    });
    const written = await writeResult(result, outputDir);
    outcome.files.push(written);
    outcome.results.push(result);
    req.onResult?.(written, result);
  }
  return outcome;
}
