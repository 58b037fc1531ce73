import type { BenchProgress } from '../bench/harness.js';
import type { Model, StackConfigInput } from '../config/stack-config.js';
import type { DeployGuard } from '../deploy/guardrails.js';
import type { Threshold } from '../gates/thresholds.js';
import type { ProgressSink } from '../deploy/progress.js';
import { UserError } from '../errors.js';
import { readRegistry, stateRoot, type Target } from '../state/registry.js';
import { initialSteps, skipRemaining, updateStep, type PipelineStep } from './pipeline.js';

/**
 * `archcompare compare`: deploy both models, bench both with the same profile, report, and
 * destroy — always, on success, failure or Ctrl-C. The deploy/bench/report/destroy services do
 * the work; this only sequences them and keeps the step list the view shows.
 */

export interface CompareRequest {
  profile: string;
  target: Target;
  models: Model[];
  configFile?: string;
  overrides?: StackConfigInput;
  timeScale?: number;
  db?: 'embedded' | 'system';
  region?: string;
  awsProfile?: string;
  endpointUrl?: string;
  format: 'ink' | 'text' | 'json' | 'md' | 'html';
  /** aws: consent and --max-hourly-cost before each apply (the profile's peak is added here). */
  guard?: DeployGuard;
  /** aws: `s3://bucket/prefix` for terraform's state and the deployment records. */
  remoteState?: string;
  /** --fail-if thresholds, checked with the profile's own in the report. */
  failIf?: Threshold[];
  /** Terminal width and colours for the ink/text layouts. */
  columns?: number;
  color?: boolean;
  /** Aborted on Ctrl-C: the running step stops cleanly, the rest is skipped, teardown still runs. */
  signal: AbortSignal;
  onSteps: (steps: PipelineStep[]) => void;
  onBench?: (p: BenchProgress) => void;
  /** A line that must stand out above the step list: a plan's cost, a bench that sent no traffic, what the sweep deleted. */
  onNotice?: (line: string) => void;
  root?: string;
}

export interface CompareOutcome {
  steps: PipelineStep[];
  timeScale?: number;
  benchRunId?: string;
  /** The rendered report (absent when the pipeline failed before it). */
  rendered?: string;
  report?: unknown;
  error?: Error;
}

const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

/** A service's progress as a step's detail; its log lines (the plan's cost, what the sweep deleted) as notices. */
function stepProgress(set: (detail: string) => void, log: (line: string) => void = () => {}): ProgressSink {
  return {
    step: (name) => set(name),
    update: (u) => set(u.total ? `${u.done ?? 0}/${u.total} ${u.current ?? ''}`.trim() : (u.note ?? u.current ?? '')),
    log,
  };
}

export async function compare(req: CompareRequest): Promise<CompareOutcome> {
  const root = req.root ?? stateRoot();
  const busy = (await readRegistry(root)).filter((d) => req.models.includes(d.model));
  if (busy.length) {
    throw new UserError(
      `${busy.map((d) => d.model).join(' and ')} ${busy.length > 1 ? 'are' : 'is'} already deployed`,
      'compare deploys and destroys its own copies: run `archcompare destroy --all` first, or bench the existing deployments with `archcompare bench`',
    );
  }
  // Resolved first: a bad profile fails before anything is deployed, and one time scale serves both
  // the deployments' modelled delays and the bench's phase durations.
  const { resolveBenchProfile } = await import('../bench/bench-service.js');
  const { profile } = await resolveBenchProfile(req.profile);
  let guard = req.guard;
  if (req.target === 'aws') {
    const [{ requireConsentPossible, planBarrier }, { peakRate }] = await Promise.all([import('../deploy/guardrails.js'), import('../bench/schedule.js')]);
    requireConsentPossible(req.guard ?? { assumeYes: false, interactive: false }, 'compare');
    // The load the serverless stack must carry, for the Lambda concurrency pre-flight ("max" phases have no rate to plan for).
    const rated = profile.phases.filter((p) => p.rate !== 'max');
    const top = rated.reduce<(typeof rated)[number] | undefined>((best, p) => (!best || peakRate(p.rate) > peakRate(best.rate) ? p : best), undefined);
    if (top && guard) guard = { ...guard, peak: { peakRps: peakRate(top.rate), source: `peak of profile ${profile.name} (phase ${top.name})` } };
    // Both plans priced before either applies: --max-hourly-cost limits their sum, one question for both.
    if (guard) guard = { ...guard, barrier: planBarrier(req.models, guard) };
  }
  const timeScale = req.timeScale ?? (req.target === 'local' ? (profile.timeScale ?? 1) : 1);
  let steps = initialSteps(req.models);
  const set = (id: string, patch: Partial<PipelineStep>) => {
    steps = updateStep(steps, id, patch);
    req.onSteps(steps);
  };
  req.onSteps(steps);

  const { deploy, destroy } = await import('../deploy/deploy-service.js');
  const deployed: Model[] = [];
  const outcome: CompareOutcome = { steps, timeScale };
  try {
    // Both at once: they use different ports locally and independent stacks on AWS.
    const results = await Promise.allSettled(
      req.models.map(async (model) => {
        set(`deploy:${model}`, { status: 'running' });
        try {
          const record = await deploy({
            model,
            target: req.target,
            configFile: req.configFile,
            overrides: req.overrides,
            timeScale,
            db: req.db,
            region: req.region,
            profile: req.awsProfile,
            endpointUrl: req.endpointUrl,
            progress: stepProgress((detail) => set(`deploy:${model}`, { detail }), (line) => req.onNotice?.(`[deploy ${model}] ${line}`)),
            interrupted: aborted(req.signal),
            root,
            guard,
            remoteState: req.remoteState,
          });
          deployed.push(model);
          set(`deploy:${model}`, { status: 'done', detail: record.url });
        } catch (err) {
          // The other plans must not wait for this one's price (a no-op once they were decided).
          guard?.barrier?.abandon(model, (err as Error).message.split('\n')[0] ?? 'failed');
          // A failed deploy may still have created things: it is torn down with the rest.
          deployed.push(model);
          set(`deploy:${model}`, { status: 'failed', detail: (err as Error).message.split('\n')[0] });
          throw err;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (req.signal.aborted) throw new UserError('compare interrupted', 'run it again; everything it deployed has been destroyed', 130);

    const { bench } = await import('../bench/bench-service.js');
    let benchModel: Model | undefined;
    const benched = await bench({
      profile: req.profile,
      models: req.models,
      timeScale,
      signal: req.signal,
      stateRoot: root,
      onProgress: (p) => {
        const model = p.model as Model;
        if (model !== benchModel) {
          // The run id comes with the last model's result; the finished one's last progress line would be stale.
          if (benchModel) set(`bench:${benchModel}`, { status: 'done', detail: 'all phases run' });
          benchModel = model;
          set(`bench:${model}`, { status: 'running' });
        }
        req.onBench?.(p);
        if (p.stage === 'phase') set(`bench:${model}`, { detail: `${p.phase} ${p.phaseIndex + 1}/${p.phaseCount} · ${p.currentRps.toFixed(0)}/${p.targetRps.toFixed(0)} req/s · p95 ${p.p95Ms.toFixed(1)} ms · errors ${p.errors} · 429 ${p.throttled} · cold ${p.coldStarts}` });
        else if (p.stage === 'metrics' && p.note) set(`bench:${model}`, { detail: p.note });
        else if (p.stage === 'setup' && p.note) {
          req.onNotice?.(`[bench ${model}] ${p.note}`);
          set(`bench:${model}`, { detail: 'no traffic sent (emulator)' });
        }
      },
    });
    outcome.benchRunId = benched.runId;
    for (const r of benched.results) {
      const model = r.model as Model;
      const sentNothing = r.totals.requests === 0 && r.phases.length === 0;
      set(`bench:${model}`, { status: r.partial ? 'failed' : 'done', detail: `${sentNothing ? 'no traffic sent · ' : r.partial ? 'partial · ' : ''}results ${benched.runId}` });
    }
    if (req.signal.aborted) throw new UserError('compare interrupted; partial bench results were kept', `see them with \`archcompare report --run ${benched.runId}\``, 130);

    set('report', { status: 'running' });
    const reportModule = await import('../report/index.js');
    // The same config the stacks were deployed from, so the report prices what was measured. A compare
    // of one model sets it against the newest saved result of the other (the newest of each, as `report` does).
    const both = req.models.includes('traditional') && req.models.includes('serverless');
    const inputs = await reportModule.loadReportInputs({ runId: both ? benched.runId : undefined, root, configFile: req.configFile, region: req.region });
    const [{ applyGates }, { thresholdOf }] = await Promise.all([import('../report/gates.js'), import('../gates/thresholds.js')]);
    const report = applyGates(reportModule.buildReport(inputs), (profile.thresholds ?? []).map(thresholdOf), req.failIf ?? []);
    outcome.report = report;
    outcome.rendered = reportModule.renderReport(report, req.format, { columns: req.columns, color: req.color });
    set('report', { status: 'done', detail: `run ${benched.runId}` });
  } catch (err) {
    outcome.error = err as Error;
    steps = skipRemaining(steps);
    req.onSteps(steps);
  } finally {
    set('destroy', { status: 'running' });
    try {
      // In the requested order, not in the order the parallel deploys happened to finish.
      const toDestroy = req.models.filter((m) => deployed.includes(m));
      await destroy({ models: toDestroy, progress: stepProgress((detail) => set('destroy', { detail }), (line) => req.onNotice?.(`[destroy] ${line}`)), root, remoteState: req.remoteState, connection: { region: req.region, profile: req.awsProfile, endpointUrl: req.endpointUrl } });
      set('destroy', { status: 'done', detail: toDestroy.length ? `nothing left of ${toDestroy.join(', ')}` : 'nothing was deployed' });
    } catch (err) {
      set('destroy', { status: 'failed', detail: (err as Error).message.split('\n')[0] });
      outcome.error ??= err as Error;
    }
  }
  outcome.steps = steps;
  return outcome;
}
