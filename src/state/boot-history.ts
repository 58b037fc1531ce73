import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { UserError, zodUserError } from '../errors.js';

/**
 * Instance boots measured by deploys on the aws target, kept across deployments (a deployment's record
 * goes with destroy; what its boots taught stays) in `<state root>/instance-boots.json`. The next
 * traditional deploy to the same account, region and instance type derives its health-check grace
 * period from them (src/deploy/instance-boots.ts).
 */

/** One app instance: EC2 launch to the first DescribeTargetHealth that saw it healthy. */
export const InstanceBootSchema = z.object({
  instanceId: z.string(),
  instanceType: z.string(),
  /** EC2 LaunchTime (ISO). */
  launchedAt: z.string(),
  /** This machine's clock at the first poll that saw the target healthy (ISO). */
  healthyAt: z.string(),
  bootSeconds: z.number().nonnegative(),
  /** Poll interval: the measurement overstates the boot by up to this much. */
  resolutionSeconds: z.number().positive(),
});
export type InstanceBoot = z.infer<typeof InstanceBootSchema>;

export const BootHistoryEntrySchema = InstanceBootSchema.extend({ account: z.string(), region: z.string(), runId: z.string() });
export type BootHistoryEntry = z.infer<typeof BootHistoryEntrySchema>;

const BootHistoryFileSchema = z.object({ version: z.literal(1), boots: z.array(BootHistoryEntrySchema) });

/** Boots kept per account, region and instance type: recent ones describe today's AMI and user data. */
export const BOOTS_KEPT_PER_KEY = 20;

export function bootHistoryPath(root: string): string {
  return path.join(root, 'instance-boots.json');
}

export async function readBootHistory(root: string): Promise<BootHistoryEntry[]> {
  let text: string;
  try {
    text = await readFile(bootHistoryPath(root), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const fix = 'remove the file: the next traditional deploy on aws measures the boots again';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(`${bootHistoryPath(root)} is not valid JSON`, fix);
  }
  const parsed = BootHistoryFileSchema.safeParse(json);
  if (!parsed.success) throw zodUserError(parsed.error, bootHistoryPath(root), fix);
  return parsed.data.boots;
}

const keyOf = (b: Pick<BootHistoryEntry, 'account' | 'region' | 'instanceType'>) => `${b.account}/${b.region}/${b.instanceType}`;

/** Adds the boots, keeping the newest BOOTS_KEPT_PER_KEY of each account, region and instance type. */
export async function appendBootHistory(root: string, boots: BootHistoryEntry[]): Promise<void> {
  const all = [...(await readBootHistory(root)), ...boots].sort((a, b) => a.launchedAt.localeCompare(b.launchedAt));
  const perKey = new Map<string, BootHistoryEntry[]>();
  for (const b of all) perKey.set(keyOf(b), [...(perKey.get(keyOf(b)) ?? []), b]);
  const kept = [...perKey.values()].flatMap((list) => list.slice(-BOOTS_KEPT_PER_KEY));
  await mkdir(root, { recursive: true });
  await writeFileAtomic(bootHistoryPath(root), JSON.stringify({ version: 1, boots: kept }, null, 2) + '\n');
}

/** The boots recorded for one account, region and instance type. */
export function bootsFor(history: BootHistoryEntry[], key: { account: string; region: string; instanceType: string }): BootHistoryEntry[] {
  return history.filter((b) => keyOf(b) === keyOf(key));
}
