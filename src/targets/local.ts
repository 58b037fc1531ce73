import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { readScalingTimeline } from '../bench/scaling-timeline.js';
import { UserError } from '../errors.js';
import { deployLocal, destroyLocal, formatLocalStatus, localDirs, localStatus } from '../local/index.js';
import { deploymentDir, removeDeployment, updateDeployment, upsertDeployment, type DeploymentRecord } from '../state/registry.js';
import { recordedEndpoints, type LogsReading, type MetricsReading, type Target, type TargetDeployRequest, type TimeWindow } from './port.js';

/**
 * The local adapter: both architectures on this machine under a detached supervisor (src/local). Its
 * metrics are the CloudWatch-shaped files the supervisor writes; its logs the processes' raw output.
 */

/** The record's directories: those the deploy reported, else the layout under its state directory (a deploy that never finished). */
function dirsOf(record: DeploymentRecord): { metricsDir: string; logsDir: string } {
  const fallback = localDirs(record.stateDir);
  const logsDir = record.local?.logsDir;
  return { metricsDir: record.local?.metricsDir ?? fallback.metricsDir, logsDir: typeof logsDir === 'string' ? logsDir : fallback.logsDir };
}

async function deploy(req: TargetDeployRequest): Promise<DeploymentRecord> {
  const { model, config, root, progress } = req;
  if (req.endpointUrl) throw new UserError('--endpoint-url only applies to --target aws', 'drop --endpoint-url, or add --target aws');
  const stateDir = deploymentDir(model, root);
  await rm(stateDir, { recursive: true, force: true });
  progress.step(`synthesizing the ${model} stack`);
  const { synthesizeStack } = await import('../../stacks/synth.js');
  // The local runtime is configured from the synthesized stack: one source of truth for sizes and limits.
  const synth = await synthesizeStack(model, config, path.join(stateDir, 'cdktf.out'), (line) => progress.update({ note: line, current: line }));
  const now = new Date().toISOString();
  await upsertDeployment(
    { model, target: 'local', runId: config.runId, status: 'deploying', createdAt: now, updatedAt: now, outputs: {}, stateDir, config: config as unknown as Record<string, unknown> },
    root,
  );
  progress.step(`starting the local ${model} architecture`);
  try {
    const started = deployLocal({
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

/** Log files the runtime wrote to since the window began (modification time), whole. */
async function logs(record: DeploymentRecord, window: TimeWindow): Promise<LogsReading> {
  const { logsDir } = dirsOf(record);
  let names: string[];
  try {
    names = (await readdir(logsDir)).filter((f) => f.endsWith('.log')).sort();
  } catch {
    return { source: 'none', note: `no logs found in ${logsDir}` };
  }
  const files: string[] = [];
  for (const name of names) {
    const file = path.join(logsDir, name);
    const written = await stat(file).then((s) => s.mtimeMs, () => undefined);
    if (written !== undefined && written >= window.from.getTime()) files.push(file);
  }
  return { source: 'local-logs', files, note: 'raw process output, whole files: the lines carry no timestamps to cut them to the window' };
}

export const localTarget: Target = {
  name: 'local',
  deploy,
  async destroy(record, { root }) {
    await updateDeployment(record.model, { status: 'destroying' }, root);
    await destroyLocal(record);
    await removeDeployment(record.model, root);
    await rm(record.stateDir, { recursive: true, force: true });
  },
  async status(record) {
    const live = await localStatus(record);
    return { live, lines: formatLocalStatus(live) };
  },
  endpoints: recordedEndpoints,
  metrics(record, window): Promise<MetricsReading> {
    return readScalingTimeline(dirsOf(record).metricsDir, window.from, window.to);
  },
  logs,
};
