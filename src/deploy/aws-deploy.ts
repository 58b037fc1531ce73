import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { createdAtTagValue, TAG_RUN_ID } from '../architecture/tags.js';
import { readTerraformDocument } from '../architecture/terraform-document.js';
import type { Model, ResolvedStackConfig } from '../config/stack-config.js';
import { UserError } from '../errors.js';
import { loadPriceBook } from '../pricing/snapshot-store.js';
import { appendBootHistory, bootsFor, readBootHistory, type BootHistoryEntry, type InstanceBoot } from '../state/boot-history.js';
import { deploymentDir, removeDeployment, stateRoot, updateDeployment, upsertDeployment, type DeploymentRecord } from '../state/registry.js';
import { BACKEND_OVERRIDE_FILE, backendOverride, deleteRemoteDeployment, parseStateUrl, putRemoteRecord, stateUrl, type RemoteState } from '../state/remote-state.js';
import { awsClientConfig, checkProfileExists, type AwsConnection } from './aws-connection.js';
import { classifyAwsFailure, classifySdkError } from './aws-errors.js';
import type { SweepResult } from './aws-inventory.js';
import { describePlanCost, guardrailDecision, planStandingCost, requireConsentPossible, type DeployGuard, type PlanCost } from './guardrails.js';
import { creditThrottleWarning } from '../config/stack-config.js';
import { describeBoots, describeGracePeriod, withMeasuredGracePeriod } from './instance-boots.js';
import type { ProgressSink } from './progress.js';
import { findTerraform, runTerraform, TerraformError, terraformEnv, terraformOutputs, writeEndpointOverride, type TerraformMessage, type TerraformRun } from './terraform.js';

/**
 * Deploy and destroy on the aws target: terraform init/plan/apply of the synthesized stack in the
 * deployment's own directory. Before apply: the Lambda concurrency pre-flight and the cost guardrail
 * (the plan priced, confirmed, within --max-hourly-cost). The registry entry is written before
 * terraform starts, so a failed or interrupted apply is always found (and removed) by destroy; after
 * destroy the account is swept for the run's tag.
 */

export interface AwsDeployOptions extends AwsConnection {
  model: Model;
  config: ResolvedStackConfig;
  progress: ProgressSink;
  /** Resolves when the user interrupts: terraform is stopped cleanly and state kept. */
  interrupted?: Promise<void>;
  root?: string;
  /** Consent, cost limit and load before apply (absent: refused, there is nobody to confirm). */
  guard?: DeployGuard;
  /** `s3://bucket/prefix`: terraform state and the deployment record in S3 (src/state/remote-state.ts). */
  remoteState?: string;
}

function workdirOf(model: Model, root: string): string {
  return path.join(deploymentDir(model, root), 'cdktf.out', 'stacks', model);
}

/** Counts resources as terraform reports them, for a live "12/45" in the progress line. */
function progressFrom(progress: ProgressSink, verbPast: string) {
  let total = 0;
  let done = 0;
  return (msg: TerraformMessage) => {
    if (msg.type === 'change_summary' && msg.changes) {
      total = msg.changes.operation === 'destroy' ? msg.changes.remove : msg.changes.add + msg.changes.change + msg.changes.remove;
      progress.update({ done, total });
    } else if (msg.type === 'planned_change') {
      total += 1;
      progress.update({ done, total });
    } else if (msg.type === 'apply_start') {
      progress.update({ done, total, current: msg.hook?.resource?.addr });
    } else if (msg.type === 'apply_complete') {
      done += 1;
      progress.update({ done, total: Math.max(total, done), current: msg.hook?.resource?.addr, note: `${verbPast} ${msg.hook?.resource?.addr ?? ''}` });
    } else if (msg.type === 'apply_errored') {
      progress.log(`failed: ${msg.hook?.resource?.addr ?? ''}`);
    } else if (msg['@level'] === 'warn') {
      progress.log(`warning: ${msg['@message']}`);
    }
  };
}

async function runInterruptible(run: TerraformRun, interrupted: Promise<void> | undefined): Promise<void> {
  let stopped = false;
  interrupted?.then(() => {
    stopped = true;
    // terraform handles SIGINT by finishing in-flight operations and persisting state.
    run.child.kill('SIGINT');
  });
  try {
    await run.done;
  } catch (err) {
    if (stopped) throw new UserError('deploy interrupted; terraform stopped and kept its state', 'run `archcompare destroy` to remove what was created', 130);
    throw err;
  }
  if (stopped) throw new UserError('deploy interrupted; terraform stopped and kept its state', 'run `archcompare destroy` to remove what was created', 130);
}

async function terraformInit(bin: string, workdir: string, env: Record<string, string>, progress: ProgressSink, interrupted?: Promise<void>) {
  progress.step('terraform init');
  await runInterruptible(
    runTerraform(bin, ['init', '-input=false', '-no-color', '-upgrade=false'], {
      cwd: workdir,
      env,
      fix: 'check network access to the Terraform registry, or install the AWS provider in a local mirror (ARCHCOMPARE_TF_PLUGIN_MIRROR)',
    }),
    interrupted,
  );
}

const PLAN_FILE = 'archcompare.tfplan';

/** Maps terraform's and the SDK's AWS failures (credentials, profile, region, quota) to their one line. */
function oneLineAwsError(err: unknown, conn: AwsConnection): unknown {
  if (err instanceof TerraformError) return classifyAwsFailure(err.diagnostics.join('\n'), conn) ?? err;
  return classifySdkError(err, conn) ?? err;
}

/**
 * `terraform show -json` of the saved plan, priced with no traffic. A plan that cannot be priced (no
 * snapshot for the region, a price missing) says why instead of a figure.
 */
async function pricePlan(bin: string, workdir: string, env: Record<string, string>, region: string): Promise<PlanCost | { unpricedBecause: string }> {
  const shown = await execa(bin, ['show', '-json', PLAN_FILE], { cwd: workdir, env: { ...process.env, ...env }, reject: false, stdin: 'ignore', maxBuffer: 512 * 1024 * 1024 });
  if (shown.exitCode !== 0) return { unpricedBecause: `terraform show failed: ${String(shown.stderr).split('\n').find((l) => l.trim()) ?? `exit ${shown.exitCode}`}` };
  try {
    const doc = readTerraformDocument(JSON.parse(String(shown.stdout)), 'terraform show -json');
    return planStandingCost(doc, loadPriceBook(region).book);
  } catch (err) {
    return { unpricedBecause: err instanceof UserError ? err.problem : (err as Error).message.split('\n')[0]! };
  }
}

/** The registry entry, and its copy beside the remote state when there is one. */
async function saveRecord(record: DeploymentRecord, root: string, remote: RemoteState | undefined, conn: AwsConnection): Promise<DeploymentRecord> {
  await upsertDeployment(record, root);
  if (remote) await putRemoteRecord(remote, record, conn);
  return record;
}

async function forgetDeployment(model: Model, root: string, remote: RemoteState | undefined, conn: AwsConnection): Promise<void> {
  await removeDeployment(model, root);
  await rm(deploymentDir(model, root), { recursive: true, force: true });
  if (remote) await deleteRemoteDeployment(remote, model, conn);
}

async function writeOverrides(workdir: string, model: Model, conn: AwsConnection & { region: string }, remote: RemoteState | undefined): Promise<void> {
  await writeEndpointOverride(workdir, conn.endpointUrl);
  const file = path.join(workdir, BACKEND_OVERRIDE_FILE);
  if (remote) await writeFile(file, JSON.stringify(backendOverride(remote, model, conn), null, 2) + '\n');
  else await rm(file, { force: true });
}

export async function deployToAws(opts: AwsDeployOptions): Promise<DeploymentRecord> {
  const root = opts.root ?? stateRoot();
  const { model, progress } = opts;
  const guard = opts.guard ?? { assumeYes: false, interactive: false };
  const bin = await findTerraform();
  // Before anything is synthesized or planned: nobody to ask and no --yes is refused at once.
  requireConsentPossible(guard);
  const remote = opts.remoteState ? parseStateUrl(opts.remoteState) : undefined;
  if (opts.profile) await checkProfileExists(opts.profile);
  const region = opts.region ?? opts.config.region;
  const conn = { region, profile: opts.profile, endpointUrl: opts.endpointUrl };
  let config: ResolvedStackConfig = { ...opts.config, region, createdAt: createdAtTagValue(new Date()) };
  await mkdir(root, { recursive: true });
  const env = { ...(await terraformEnv(root)), ...awsCredentialEnv(opts) };

  const boots = model === 'traditional' ? await bootContext(conn, progress, root) : undefined;
  if (boots) config = withMeasuredGracePeriod(config, bootsFor(boots.history, { account: boots.account, region, instanceType: config.traditional.instanceType }));
  if (model === 'traditional') {
    progress.log(describeGracePeriod(config.traditional));
    // AWS's T types in standard mode are held at their baseline once credits run out (the local target has none).
    const credits = creditThrottleWarning(config.traditional);
    if (credits) progress.log(`warning: ${credits}`);
  }

  progress.step(`synthesizing the ${model} stack`);
  const dir = deploymentDir(model, root);
  await rm(dir, { recursive: true, force: true });
  const { synthesizeStack } = await import('../../stacks/synth.js');
  const synth = await synthesizeStack(model, config, path.join(dir, 'cdktf.out'), (line) => progress.update({ note: line }));
  const workdir = synth.stackDir;
  await writeOverrides(workdir, model, conn, remote);

  const now = new Date().toISOString();
  let record: DeploymentRecord = {
    model,
    target: 'aws',
    runId: config.runId,
    status: 'deploying',
    createdAt: now,
    updatedAt: now,
    region,
    endpointUrl: opts.endpointUrl,
    outputs: {},
    stateDir: dir,
    config: config as unknown as Record<string, unknown>,
    awsProfile: opts.profile,
    ...(remote ? { remoteState: stateUrl(remote) } : {}),
  };
  await saveRecord(record, root, remote, conn);

  // Until apply starts nothing exists in AWS: a failure or refusal before it leaves no record behind.
  let applying = false;
  try {
    if (model === 'serverless') {
      progress.step("checking the account's Lambda concurrency");
      const { checkLambdaConcurrency } = await import('./lambda-concurrency.js');
      progress.log((await checkLambdaConcurrency(conn, config.serverless, guard.peak)).note);
    }
    await terraformInit(bin, workdir, env, progress, opts.interrupted);
    progress.step('terraform plan');
    await runInterruptible(
      runTerraform(bin, ['plan', '-input=false', '-json', `-out=${PLAN_FILE}`], {
        cwd: workdir,
        env,
        events: { onMessage: progressFrom(progress, 'planned') },
        fix: 'check the stack config values and AWS credentials (--aws-profile, AWS_PROFILE)',
      }),
      opts.interrupted,
    );
    progress.step('pricing the plan');
    const cost = await pricePlan(bin, workdir, env, region);
    progress.log('unpricedBecause' in cost ? `the plan could not be priced: ${cost.unpricedBecause}` : describePlanCost(cost));
    if (guard.barrier) progress.step('waiting for the other plans to be priced');
    const decision = guard.barrier ? await guard.barrier.decide(model, cost) : guardrailDecision(cost, guard);
    if (decision.action === 'refuse') throw decision.error;
    if (decision.action === 'ask') {
      const yes = guard.confirm ? await guard.confirm(decision.question) : false;
      if (!yes) throw new UserError(`deploy of ${model} cancelled before terraform apply: nothing was created`, 'deploy again and answer y, or pass --yes', 1);
    }
    applying = true;
    progress.step('terraform apply');
    await runInterruptible(
      runTerraform(bin, ['apply', '-input=false', '-json', '-auto-approve', PLAN_FILE], {
        cwd: workdir,
        env,
        events: { onMessage: progressFrom(progress, 'created') },
        fix: `run \`archcompare destroy --model ${model}\` to remove what was created, then deploy again`,
      }),
      opts.interrupted,
    );
    const outputs = { ...record.outputs, ...(await terraformOutputs(bin, workdir, env)) };
    const instanceBoots = model === 'traditional' ? await measureBoots(conn, config, outputs, progress) : undefined;
    if (instanceBoots?.length && boots)
      await appendBootHistory(root, instanceBoots.map((b) => ({ ...b, account: boots.account, region, runId: config.runId })));
    record = await updateDeployment(model, { status: 'deployed', outputs, url: outputs.url, ...(instanceBoots ? { instanceBoots } : {}) }, root);
    if (remote) await putRemoteRecord(remote, record, conn);
    return record;
  } catch (err) {
    const mapped = oneLineAwsError(err, conn);
    if (!applying) {
      await forgetDeployment(model, root, remote, conn).catch(() => undefined);
      throw mapped;
    }
    const line = mapped instanceof Error ? (mapped instanceof UserError ? mapped.problem : mapped.message) : String(mapped);
    record = await updateDeployment(model, { status: 'failed', error: line.split('\n')[0] }, root);
    if (remote) await putRemoteRecord(remote, record, conn).catch(() => undefined);
    throw mapped;
  }
}

/**
 * The account (boots are remembered per account, region and instance type) and the boots recorded so
 * far. Without the account (no STS permission, an emulator without STS) the grace period stays as the
 * config resolved it and nothing is recorded.
 */
async function bootContext(conn: AwsConnection, progress: ProgressSink, root: string): Promise<{ account: string; history: BootHistoryEntry[] } | undefined> {
  try {
    const { callerAccount } = await import('./aws-instance-boots.js');
    return { account: await callerAccount(conn), history: await readBootHistory(root) };
  } catch (err) {
    progress.log(`instance boots are neither looked up nor recorded: the account is unknown (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    return undefined;
  }
}

/** Seconds between DescribeTargetHealth polls: the resolution of a measured boot. */
const BOOT_POLL_MS = 5_000;

/**
 * Waits until the desired number of instances are healthy targets, and measures each one's boot.
 * Bounded: twice the grace period plus five minutes is long enough for the group to replace an
 * instance that failed its first boot. None healthy by then fails the deploy; fewer than desired warns.
 */
async function measureBoots(conn: AwsConnection, config: ResolvedStackConfig, outputs: Record<string, string>, progress: ProgressSink): Promise<InstanceBoot[] | undefined> {
  if (!outputs.asg_name || !outputs.target_group_arn) return undefined;
  const t = config.traditional;
  progress.step('waiting for the instances to pass their health checks');
  const { waitForHealthyBoots } = await import('./aws-instance-boots.js');
  const timeoutMs = (2 * t.healthCheckGracePeriodSeconds + 300) * 1000;
  let measured: Awaited<ReturnType<typeof waitForHealthyBoots>>;
  try {
    measured = await waitForHealthyBoots(conn, { asgName: outputs.asg_name, targetGroupArn: outputs.target_group_arn, expectedHealthy: t.desiredInstances }, {
      pollMs: BOOT_POLL_MS,
      timeoutMs,
      onProgress: (healthy, expected) => progress.update({ done: healthy, total: expected, note: 'healthy targets' }),
    });
  } catch (err) {
    // The stack is up; only the measurement failed (e.g. no elasticloadbalancing:DescribeTargetHealth permission).
    const mapped = oneLineAwsError(err, conn);
    progress.log(`instance boots not measured: ${mapped instanceof UserError ? mapped.problem : mapped instanceof Error ? mapped.message.split('\n')[0] : String(mapped)}`);
    return undefined;
  }
  const { boots, timedOut } = measured;
  if (boots.length === 0)
    throw new UserError(
      `no instance of ${outputs.asg_name} passed its health checks within ${timeoutMs / 1000} s`,
      `read an instance's boot log (EC2 console: the instance > Actions > Monitor and troubleshoot > Get system log), then run \`archcompare destroy --model traditional\``,
    );
  progress.log(describeBoots(boots));
  if (timedOut) progress.log(`only ${boots.length} of ${t.desiredInstances} instances passed their health checks within ${timeoutMs / 1000} s`);
  return boots;
}

/** Emulators accept any key; real AWS gets the user's own credential chain untouched. */
function awsCredentialEnv(conn: AwsConnection): Record<string, string> {
  const env: Record<string, string> = {};
  if (conn.profile) env.AWS_PROFILE = conn.profile;
  if (conn.region) env.AWS_REGION = conn.region;
  if (conn.endpointUrl && !process.env.AWS_ACCESS_KEY_ID && !conn.profile) {
    env.AWS_ACCESS_KEY_ID = 'test';
    env.AWS_SECRET_ACCESS_KEY = 'test';
  }
  return env;
}

export interface AwsDestroyOptions {
  record: DeploymentRecord;
  progress: ProgressSink;
  root?: string;
}

/** Lines for people about what the post-destroy sweep found. */
function reportSweep(progress: ProgressSink, runId: string, swept: SweepResult): void {
  for (const r of swept.deleted) progress.log(`left behind after terraform destroy, deleted: ${r.label} (run ${runId})`);
  for (const r of swept.deleting) progress.log(`AWS is still deleting ${r.label}: it goes without further action`);
  for (const arn of swept.unknown) progress.log(`tagged with run ${runId} but of a kind archcompare does not create, not touched: ${arn}`);
}

/**
 * terraform destroy from the deployment's state (local, or the S3 remote state, re-synthesized from
 * the record's config when this machine never had it), then a sweep of the account for anything
 * still tagged with the run id: reported and deleted. Works after a failed or interrupted deploy, and
 * is a no-op when everything is already gone.
 */
export async function destroyOnAws(opts: AwsDestroyOptions): Promise<void> {
  const root = opts.root ?? stateRoot();
  const { record, progress } = opts;
  const workdir = workdirOf(record.model, root);
  const remote = record.remoteState ? parseStateUrl(record.remoteState) : undefined;
  const conn = { region: record.region ?? 'us-east-1', endpointUrl: record.endpointUrl, profile: record.awsProfile };
  await updateDeployment(record.model, { status: 'destroying' }, root);
  let synthesized = await access(path.join(workdir, 'cdk.tf.json')).then(() => true, () => false);
  if (!synthesized && remote && record.config) {
    // Another runner deployed it: the stack comes back from the recorded config, the state from S3.
    progress.step(`synthesizing the ${record.model} stack of run ${record.runId}`);
    const { synthesizeStack } = await import('../../stacks/synth.js');
    await synthesizeStack(record.model, record.config as unknown as ResolvedStackConfig, path.join(deploymentDir(record.model, root), 'cdktf.out'));
    synthesized = true;
  }
  try {
    if (synthesized) {
      const bin = await findTerraform();
      const env = { ...(await terraformEnv(root)), ...awsCredentialEnv(conn) };
      await writeOverrides(workdir, record.model, conn, remote);
      await terraformInit(bin, workdir, env, progress);
      progress.step('terraform destroy');
      await runTerraform(bin, ['destroy', '-input=false', '-json', '-auto-approve'], {
        cwd: workdir,
        env,
        events: { onMessage: progressFrom(progress, 'destroyed') },
        fix: `fix the cause above and run \`archcompare destroy --model ${record.model}\` again (it is safe to repeat)`,
      }).done;
    }
    progress.step(`sweeping the account for anything tagged with run ${record.runId}`);
    const { sweepRun } = await import('./aws-inventory.js');
    const swept = await sweepRun(conn, record.runId, { onProgress: (line) => progress.update({ note: line }) });
    reportSweep(progress, record.runId, swept);
    if (swept.left.length > 0) {
      const left = swept.left.map((l) => l.label);
      await updateDeployment(record.model, { status: 'failed', error: `left behind: ${left.join(', ')}` }, root);
      throw new UserError(
        `destroy of ${record.model} left ${left.length} resource(s) tagged ${TAG_RUN_ID}=${record.runId}: ${swept.left.slice(0, 5).map((l) => `${l.label}${l.error ? ` (${l.error})` : ''}`).join(', ')}`,
        `run \`archcompare destroy --model ${record.model}\` again; if it persists remove them in the AWS console`,
        1,
      );
    }
  } catch (err) {
    throw oneLineAwsError(err, conn);
  }
  await forgetDeployment(record.model, root, remote, conn);
}
