import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { ModelSchema, type Model } from '../config/stack-config.js';
import { InstanceBootSchema } from './boot-history.js';
import { UserError, zodUserError } from '../errors.js';

/**
 * The registry of what archcompare has deployed from this project directory. It is the
 * first thing written by a deploy and the last thing removed by a destroy, so an
 * interrupted deploy is always findable and removable.
 */

export const TargetSchema = z.enum(['local', 'aws']);
export type Target = z.infer<typeof TargetSchema>;

export const DeploymentRecordSchema = z.object({
  model: ModelSchema,
  target: TargetSchema,
  runId: z.string(),
  status: z.enum(['deploying', 'deployed', 'destroying', 'failed']),
  createdAt: z.string(),
  updatedAt: z.string(),
  region: z.string().optional(),
  endpointUrl: z.string().optional(),
  /** The AWS named profile the deployment was made with (destroy reuses it). */
  awsProfile: z.string().optional(),
  /** aws: where terraform keeps its state when not in stateDir (`s3://bucket/prefix`, src/state/remote-state.ts). */
  remoteState: z.string().optional(),
  /** The front door: ALB DNS name, API URL, or a local http://127.0.0.1:port. */
  url: z.string().optional(),
  outputs: z.record(z.string(), z.string()).default({}),
  /** This deployment's own directory (terraform working dir and state, or the local supervisor's files). */
  stateDir: z.string(),
  /** The stack config the deployment was synthesized from, so destroy rebuilds the same stack. */
  config: z.record(z.string(), z.unknown()).optional(),
  /** aws traditional: the app instances' boots measured after apply (src/deploy/aws-instance-boots.ts). */
  instanceBoots: z.array(InstanceBootSchema).optional(),
  local: z
    .object({ supervisorPid: z.number().int(), metricsDir: z.string(), timeScale: z.number() })
    .catchall(z.unknown())
    .optional(),
  /** Last failure, one line, when status is failed. */
  error: z.string().optional(),
});
export type DeploymentRecord = z.infer<typeof DeploymentRecordSchema>;

const RegistryFileSchema = z.object({
  version: z.literal(1),
  deployments: z.array(DeploymentRecordSchema),
});

export function stateRoot(cwd = process.cwd()): string {
  return path.resolve(process.env.ARCHCOMPARE_STATE_DIR ?? path.join(cwd, '.archcompare'));
}

export function deploymentDir(model: Model, root = stateRoot()): string {
  return path.join(root, 'deployments', model);
}

function registryPath(root: string): string {
  return path.join(root, 'registry.json');
}

export async function readRegistry(root = stateRoot()): Promise<DeploymentRecord[]> {
  let text: string;
  try {
    text = await readFile(registryPath(root), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(
      `${registryPath(root)} is not valid JSON`,
      `restore it from ${registryPath(root)}.bak if present, or remove it after checking nothing is deployed`,
    );
  }
  const parsed = RegistryFileSchema.safeParse(json);
  if (!parsed.success) throw zodUserError(parsed.error, registryPath(root), 'the deployment registry was edited by hand or by another version: restore it or remove the bad entry');
  return parsed.data.deployments;
}

async function writeRegistry(deployments: DeploymentRecord[], root: string): Promise<void> {
  await mkdir(root, { recursive: true });
  const body = JSON.stringify({ version: 1, deployments }, null, 2) + '\n';
  await writeFileAtomic(registryPath(root), body, { fsync: true });
}

/**
 * Read-modify-write under a lock: two deploys (or a deploy and a local supervisor) in separate
 * processes must not lose each other's entries. proper-lockfile uses an atomic mkdir lock with
 * stale detection, so a crashed process does not leave the registry locked forever.
 */
async function withRegistryLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(root, { recursive: true });
  const release = await lockfile.lock(root, {
    lockfilePath: path.join(root, 'registry.lock'),
    retries: { retries: 50, minTimeout: 20, maxTimeout: 200 },
    stale: 10_000,
  });
  try {
    return await fn();
  } finally {
    await release();
  }
}

export async function getDeployment(model: Model, root = stateRoot()): Promise<DeploymentRecord | undefined> {
  return (await readRegistry(root)).find((d) => d.model === model);
}

export function upsertDeployment(record: DeploymentRecord, root = stateRoot()): Promise<void> {
  return withRegistryLock(root, async () => {
    const all = await readRegistry(root);
    const rest = all.filter((d) => d.model !== record.model);
    await writeRegistry([...rest, { ...record, updatedAt: new Date().toISOString() }], root);
  });
}

export function updateDeployment(model: Model, patch: Partial<DeploymentRecord>, root = stateRoot()): Promise<DeploymentRecord> {
  return withRegistryLock(root, async () => {
    const all = await readRegistry(root);
    const current = all.find((d) => d.model === model);
    if (!current) throw new Error(`no deployment of ${model} in the registry`);
    const next = { ...current, ...patch, updatedAt: new Date().toISOString() };
    await writeRegistry([...all.filter((d) => d.model !== model), next], root);
    return next;
  });
}

export function removeDeployment(model: Model, root = stateRoot()): Promise<void> {
  return withRegistryLock(root, async () => {
    const all = await readRegistry(root);
    await writeRegistry(all.filter((d) => d.model !== model), root);
  });
}
