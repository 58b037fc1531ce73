import { loadStackConfig } from '../config/load-config.js';
import { RegionSchema, type Model, type StackConfigInput } from '../config/stack-config.js';
import { UserError } from '../errors.js';
import { getDeployment, readRegistry, stateRoot, type DeploymentRecord, type Target } from '../state/registry.js';
import { targetNamed, targetOf } from '../targets/adapters.js';
import type { AwsConnection } from './aws-connection.js';
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
}

export async function deploy(req: DeployRequest): Promise<DeploymentRecord> {
  const root = req.root ?? stateRoot();
  if (req.region && !RegionSchema.safeParse(req.region).success) {
    throw new UserError(`--region ${req.region} is not an AWS region name`, 'pass a region such as us-east-1, eu-west-1 or ap-southeast-1');
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
}

/** Idempotent: destroys what the registry lists for the given models (all when none); nothing listed is fine. */
export async function destroy(req: DestroyRequest): Promise<DeploymentRecord[]> {
  const root = req.root ?? stateRoot();
  const records = (await readRegistry(root)).filter((r) => !req.models || req.models.includes(r.model));
  for (const record of records) {
    req.progress.step(`destroying ${record.model} (${record.target}, run ${record.runId})`);
    const target = await targetOf(record);
    await target.destroy(record, { progress: req.progress, root });
  }
  return records;
}
