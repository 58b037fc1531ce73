import { loadStackConfig } from '../config/load-config.js';
import { RegionSchema, type Model, type StackConfigInput } from '../config/stack-config.js';
import { UserError } from '../errors.js';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { deploymentDir, getDeployment, readRegistry, removeDeployment, stateRoot, updateDeployment, upsertDeployment, type DeploymentRecord, type Target } from '../state/registry.js';
import { checkEndpointAnswers, type AwsConnection } from './aws-connection.js';
import { loadLocalTarget } from './local-target.js';
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
  if (req.target === 'aws') {
    if (req.endpointUrl) await checkEndpointAnswers(req.endpointUrl);
    const { deployToAws } = await import('./aws-deploy.js');
    return deployToAws({ ...req, config, root });
  }
  if (req.endpointUrl) throw new UserError('--endpoint-url only applies to --target aws', 'drop --endpoint-url, or add --target aws');
  return deployLocally({ ...req, config, root });
}

async function deployLocally(req: DeployRequest & { config: Awaited<ReturnType<typeof loadStackConfig>>; root: string }): Promise<DeploymentRecord> {
  const { model, config, root, progress } = req;
  const local = await loadLocalTarget();
  const stateDir = deploymentDir(model, root);
  await rm(stateDir, { recursive: true, force: true });
  progress.step(`synthesizing the ${model} stack`);
  const { synthesizeStack } = await import('../../stacks/synth.js');
  // The local runtime is configured from the synthesized stack: one source of truth for sizes and limits.
  const synth = await synthesizeStack(model, config, path.join(stateDir, 'cdktf.out'));
  const now = new Date().toISOString();
  await upsertDeployment(
    { model, target: 'local', runId: config.runId, status: 'deploying', createdAt: now, updatedAt: now, outputs: {}, stateDir, config: config as unknown as Record<string, unknown> },
    root,
  );
  progress.step(`starting the local ${model} architecture`);
  try {
    const started = local.deployLocal({
      model,
      config,
      terraformJsonPath: synth.terraformJsonPath,
      stateDir,
      timeScale: req.timeScale ?? 1,
      db: req.db ?? 'embedded',
      fidelityFile: req.fidelityFile,
      onProgress: (line) => progress.update({ note: line, current: line }),
    });
    // If interrupted, the start is abandoned (destroy stops it); its later failure must not go unhandled.
    started.catch(() => undefined);
    const result = await Promise.race([
      started,
      req.interrupted?.then(() => {
        throw new UserError('deploy interrupted', `run \`archcompare destroy --model ${model}\` to stop what was started`, 130);
      }) ?? new Promise<never>(() => {}),
    ]);
    return await updateDeployment(model, { status: 'deployed', url: result.url, outputs: { ...result.outputs, url: result.url }, local: result.local }, root);
  } catch (err) {
    await updateDeployment(model, { status: 'failed', error: (err as Error).message.split('\n')[0] }, root);
    throw err;
  }
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
    if (record.target === 'aws') {
      const { destroyOnAws } = await import('./aws-deploy.js');
      await destroyOnAws({ record, progress: req.progress, root });
    } else {
      const local = await loadLocalTarget();
      await updateDeployment(record.model, { status: 'destroying' }, root);
      await local.destroyLocal(record);
      await removeDeployment(record.model, root);
      await rm(record.stateDir, { recursive: true, force: true });
    }
  }
  return records;
}
