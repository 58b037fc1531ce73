import { loadStackConfig } from '../config/load-config.js';
import { RegionSchema, type Model, type StackConfigInput } from '../config/stack-config.js';
import { UserError } from '../errors.js';
import { deploymentDir, getDeployment, readRegistry, stateRoot, upsertDeployment, type DeploymentRecord, type Target } from '../state/registry.js';
import { parseStateUrl, readRemoteRecords, stateUrl } from '../state/remote-state.js';
import { targetNamed, targetOf } from '../targets/adapters.js';
import type { AwsConnection } from './aws-connection.js';
import type { DeployGuard } from './guardrails.js';
import type { ProgressSink } from './progress.js';

export interface DeployRequest extends AwsConnection {
  model: Model;
  target: Target;
  configFile?: string;
  overrides?: StackConfigInput;
  timeScale?: number;
  db?: 'embedded' | 'system';
  fidelityFile?: string;
  progress: ProgressSink;
  interrupted?: Promise<void>;
  root?: string;
  /** aws: consent, --max-hourly-cost and the load's peak, checked before apply. */
  guard?: DeployGuard;
  /** aws: `s3://bucket/prefix` for terraform's state and the deployment record. */
  remoteState?: string;
}

export async function deploy(req: DeployRequest): Promise<DeploymentRecord> {
  const root = req.root ?? stateRoot();
  if (req.region && !RegionSchema.safeParse(req.region).success) {
    throw new UserError(`--region ${req.region} is not an AWS region name`, 'pass a region such as us-east-1, eu-west-1 or ap-southeast-1');
  }
  if (req.remoteState !== undefined) {
    if (req.target !== 'aws') throw new UserError('--state only applies to --target aws', 'drop --state, or add --target aws');
    parseStateUrl(req.remoteState);
  }
  const existing = await getDeployment(req.model, root);
  if (existing) {
    throw new UserError(
      `${req.model} is already deployed (${existing.target}, run ${existing.runId}, ${existing.status})`,
      `run \`archcompare destroy --model ${req.model}\` first, or use it as it is (\`archcompare status\`)`,
    );
  }
  const config = await loadStackConfig(req.configFile, { ...req.overrides, ...(req.region ? { region: req.region } : {}) });
  const target = await targetNamed(req.target);
  return target.deploy({ ...req, config, root });
}

export interface DestroyRequest {
  models?: Model[];
  progress: ProgressSink;
  root?: string;
  /** `s3://bucket/prefix`: also destroy what the remote state records (deployed from another machine). */
  remoteState?: string;
  /** Where the remote state's bucket is reached (region, profile, emulator). */
  connection?: AwsConnection;
}

/**
 * Records the remote state knows and this machine does not, added to the local registry so they are
 * destroyed like any other (terraform re-initialises from the S3 state).
 */
async function adoptRemoteRecords(req: DestroyRequest, root: string): Promise<void> {
  if (!req.remoteState) return;
  const remote = parseStateUrl(req.remoteState);
  const local = await readRegistry(root);
  const known = await readRemoteRecords(remote, req.connection ?? {});
  for (const record of known) {
    if (req.models && !req.models.includes(record.model)) continue;
    if (local.some((r) => r.model === record.model && r.runId === record.runId)) continue;
    if (local.some((r) => r.model === record.model))
      throw new UserError(`${record.model}: this machine has run ${local.find((r) => r.model === record.model)!.runId} and ${stateUrl(remote)} has run ${record.runId}`, `destroy this machine's first (\`archcompare destroy --model ${record.model}\`), then run again with --state`);
    req.progress.log(`found ${record.model} (run ${record.runId}) in ${stateUrl(remote)}`);
    await upsertDeployment({ ...record, stateDir: deploymentDir(record.model, root), remoteState: stateUrl(remote) }, root);
  }
}

/** Idempotent: destroys what the registry (and the remote state, when given) lists for the given models (all when none); nothing listed is fine. */
export async function destroy(req: DestroyRequest): Promise<DeploymentRecord[]> {
  const root = req.root ?? stateRoot();
  await adoptRemoteRecords(req, root);
  const records = (await readRegistry(root)).filter((r) => !req.models || req.models.includes(r.model));
  for (const record of records) {
    req.progress.step(`destroying ${record.model} (${record.target}, run ${record.runId})`);
    const target = await targetOf(record);
    await target.destroy(record, { progress: req.progress, root });
  }
  return records;
}
