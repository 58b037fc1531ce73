import { rm } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { readRegistry, removeDeployment, stateRoot } from '../state/registry.js';
import type { AwsConnection } from './aws-connection.js';
import type { ArchcompareRun, FoundResource } from './aws-inventory.js';
import type { ProgressSink } from './progress.js';

/**
 * `archcompare destroy --stale --older-than 2h`: the runs a dead CI runner or a forgotten terminal
 * left in the account, found from their tags alone (no registry, no terraform state) and swept.
 */

export interface StaleRequest extends AwsConnection {
  olderThanSeconds: number;
  progress: ProgressSink;
  /** The local state root: a swept run that this directory still lists is dropped from its registry. */
  root?: string;
  now?: Date;
}

export interface StaleRun extends ArchcompareRun {
  ageSeconds: number;
}

export interface StaleOutcome {
  swept: Array<StaleRun & { deleted: FoundResource[] }>;
  /** Runs younger than the limit: left alone. */
  young: StaleRun[];
  /** Runs whose resources carry no creation-time tag (deployed before it existed): not aged, not touched. */
  undated: ArchcompareRun[];
}

/** Pure: which runs are older than the limit. */
export function partitionRuns(runs: readonly ArchcompareRun[], olderThanSeconds: number, now: Date): { stale: StaleRun[]; young: StaleRun[]; undated: ArchcompareRun[] } {
  const stale: StaleRun[] = [];
  const young: StaleRun[] = [];
  const undated: ArchcompareRun[] = [];
  for (const run of runs) {
    if (!run.createdAt) {
      undated.push(run);
      continue;
    }
    const aged = { ...run, ageSeconds: Math.max(0, Math.round((now.getTime() - run.createdAt.getTime()) / 1000)) };
    (aged.ageSeconds >= olderThanSeconds ? stale : young).push(aged);
  }
  return { stale, young, undated };
}

export async function destroyStale(req: StaleRequest): Promise<StaleOutcome> {
  const root = req.root ?? stateRoot();
  const conn: AwsConnection = { region: req.region, profile: req.profile, endpointUrl: req.endpointUrl };
  const { findRuns, sweepRun } = await import('./aws-inventory.js');
  req.progress.step('finding archcompare runs by their tags');
  const { stale, young, undated } = partitionRuns(await findRuns(conn), req.olderThanSeconds, req.now ?? new Date());
  const swept: StaleOutcome['swept'] = [];
  const failures: string[] = [];
  for (const run of stale) {
    req.progress.step(`sweeping run ${run.runId} (${run.model ?? 'unknown model'}, ${Math.round(run.ageSeconds / 60)} min old)`);
    const result = await sweepRun(conn, run.runId, { onProgress: (line) => req.progress.update({ note: line }) });
    for (const r of result.deleted) req.progress.log(`deleted ${r.label} (run ${run.runId})`);
    swept.push({ ...run, deleted: result.deleted });
    if (result.left.length) failures.push(`${run.runId}: ${result.left.map((l) => l.label).join(', ')}`);
    // This directory's record of a run that no longer exists would block the next deploy.
    for (const record of await readRegistry(root)) {
      if (record.runId !== run.runId || result.left.length) continue;
      await removeDeployment(record.model, root);
      await rm(record.stateDir, { recursive: true, force: true });
    }
  }
  if (failures.length) throw new UserError(`the stale sweep could not delete everything: ${failures.join('; ')}`, 'run `archcompare destroy --stale` again; if it persists remove them in the AWS console', 1);
  return { swept, young, undated };
}
