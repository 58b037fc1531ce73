import { randomBytes } from 'node:crypto';
import { access, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Model, ResolvedStackConfig } from '../config/stack-config.js';
import { UserError } from '../errors.js';
import { deploymentDir, removeDeployment, stateRoot, updateDeployment, upsertDeployment, type DeploymentRecord } from '../state/registry.js';
import { awsClientConfig, type AwsConnection } from './aws-connection.js';
import type { ProgressSink } from './progress.js';
import { findTerraform, runTerraform, terraformEnv, terraformOutputs, writeEndpointOverride, type TerraformMessage, type TerraformRun } from './terraform.js';

/**
 * Deploy and destroy on the aws target: terraform init/plan/apply of the synthesized stack in the
 * deployment's own directory. The registry entry is written before terraform starts, so a failed or
 * interrupted deploy is always found (and removed) by destroy.
 */

export interface AwsDeployOptions extends AwsConnection {
  model: Model;
  config: ResolvedStackConfig;
  progress: ProgressSink;
  /** Resolves when the user interrupts: terraform is stopped cleanly and state kept. */
  interrupted?: Promise<void>;
  root?: string;
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

export async function deployToAws(opts: AwsDeployOptions): Promise<DeploymentRecord> {
  const root = opts.root ?? stateRoot();
  const { model, config, progress } = opts;
  const bin = await findTerraform();
  await mkdir(root, { recursive: true });
  const env = { ...(await terraformEnv(root)), ...awsCredentialEnv(opts) };

  progress.step(`synthesizing the ${model} stack`);
  const dir = deploymentDir(model, root);
  await rm(dir, { recursive: true, force: true });
  const { synthesizeStack } = await import('../../stacks/synth.js');
  const synth = await synthesizeStack(model, { ...config, region: opts.region ?? config.region }, path.join(dir, 'cdktf.out'));
  const workdir = synth.stackDir;
  await writeEndpointOverride(workdir, opts.endpointUrl);

  const now = new Date().toISOString();
  const record: DeploymentRecord = {
    model,
    target: 'aws',
    runId: config.runId,
    status: 'deploying',
    createdAt: now,
    updatedAt: now,
    region: opts.region ?? config.region,
    endpointUrl: opts.endpointUrl,
    outputs: {},
    stateDir: dir,
    config: { ...config, region: opts.region ?? config.region } as unknown as Record<string, unknown>,
    awsProfile: opts.profile,
  };
  await upsertDeployment(record, root);

  try {
    await terraformInit(bin, workdir, env, progress, opts.interrupted);
    progress.step('terraform plan');
    await runInterruptible(
      runTerraform(bin, ['plan', '-input=false', '-json', '-out=archcompare.tfplan'], {
        cwd: workdir,
        env,
        events: { onMessage: progressFrom(progress, 'planned') },
        fix: 'check the stack config values and AWS credentials (--aws-profile, AWS_PROFILE)',
      }),
      opts.interrupted,
    );
    progress.step('terraform apply');
    await runInterruptible(
      runTerraform(bin, ['apply', '-input=false', '-json', '-auto-approve', 'archcompare.tfplan'], {
        cwd: workdir,
        env,
        events: { onMessage: progressFrom(progress, 'created') },
        fix: `run \`archcompare destroy --model ${model}\` to remove what was created, then deploy again`,
      }),
      opts.interrupted,
    );
    const outputs = { ...record.outputs, ...(await terraformOutputs(bin, workdir, env)) };
    if (outputs.jwt_secret_arn) {
      progress.step('writing the JWT signing key');
      await putRandomSecret(opts, outputs.jwt_secret_arn);
    }
    return await updateDeployment(model, { status: 'deployed', outputs, url: outputs.url }, root);
  } catch (err) {
    const line = err instanceof UserError ? err.message : (err as Error).message;
    await updateDeployment(model, { status: 'failed', error: line.split('\n')[0] }, root);
    throw err;
  }
}

/** Generated here, written straight to Secrets Manager: never in the stack JSON, state, or output. */
async function putRandomSecret(conn: AwsConnection, secretArn: string): Promise<void> {
  const { SecretsManagerClient, PutSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(awsClientConfig(conn));
  await client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: randomBytes(48).toString('base64url') }));
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

/**
 * terraform destroy from the deployment's state. Works after a failed or interrupted deploy
 * (whatever reached the state is removed), and is a no-op when the state is empty.
 */
export async function destroyOnAws(opts: AwsDestroyOptions): Promise<void> {
  const root = opts.root ?? stateRoot();
  const { record, progress } = opts;
  const workdir = workdirOf(record.model, root);
  const conn: AwsConnection = { region: record.region, endpointUrl: record.endpointUrl, profile: record.awsProfile };
  await updateDeployment(record.model, { status: 'destroying' }, root);
  let synthesized = true;
  try {
    await access(path.join(workdir, 'cdk.tf.json'));
  } catch {
    synthesized = false;
  }
  if (synthesized) {
    const bin = await findTerraform();
    const env = { ...(await terraformEnv(root)), ...awsCredentialEnv(conn) };
    await writeEndpointOverride(workdir, record.endpointUrl);
    await terraformInit(bin, workdir, env, progress);
    progress.step('terraform destroy');
    await runTerraform(bin, ['destroy', '-input=false', '-json', '-auto-approve'], {
      cwd: workdir,
      env,
      events: { onMessage: progressFrom(progress, 'destroyed') },
      fix: `fix the cause above and run \`archcompare destroy --model ${record.model}\` again (it is safe to repeat)`,
    }).done;
  }
  progress.step('verifying nothing is left');
  const { findTaggedResources } = await import('./aws-inventory.js');
  const left = await findTaggedResources(conn, record.runId);
  if (left.length > 0) {
    await updateDeployment(record.model, { status: 'failed', error: `left behind: ${left.join(', ')}` }, root);
    throw new UserError(
      `destroy of ${record.model} left ${left.length} resource(s) tagged archcompare:run-id=${record.runId}: ${left.slice(0, 5).join(', ')}`,
      `run \`archcompare destroy --model ${record.model}\` again; if it persists remove them in the AWS console`,
      1,
    );
  }
  await removeDeployment(record.model, root);
  await rm(deploymentDir(record.model, root), { recursive: true, force: true });
}
