import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { readTerraformFile } from '../architecture/terraform-document.js';
import { ARTIFACTS_DIR, artifactPaths } from '../build/artifacts.js';
import type { Model, ResolvedStackConfig } from '../config/stack-config.js';
import { parseTimeScale } from '../config/time-scale.js';
import { UserError } from '../errors.js';
import { loadFidelity } from './fidelity.js';
import { siblingScript } from '../processes.js';
import { commandLine, groupAlive, groupMembers, pidAlive, sleep } from './processes.js';
import { readSupervisorState, SPEC_FILE, writeSupervisorState, type SupervisorSpec, type SupervisorState } from './state-file.js';
import { topologyFor } from './topology.js';

/**
 * The local target's lifecycle: deploy starts a detached supervisor (it survives the CLI) and returns
 * once the front door is healthy; status reads its heartbeat and live snapshot; destroy stops it and
 * verifies nothing is left (processes of its group, runtime and temp directories).
 */

export { DEFAULT_FIDELITY, FIDELITY_DOCS, loadFidelity } from './fidelity.js';
export { formatLocalStatus } from './status-format.js';

export interface DeployLocalOptions {
  model: Model;
  config: ResolvedStackConfig;
  terraformJsonPath: string;
  stateDir: string;
  timeScale: number;
  db: 'embedded' | 'system';
  onProgress?: (line: string) => void;
  /** YAML/JSON of fidelity overrides ({ name: value }); default: $ARCHCOMPARE_FIDELITY_FILE if set. */
  fidelityFile?: string;
  /** Extra environment for the app processes (e.g. PAYMENT_DECLINE_RATE for a test). */
  appEnv?: Record<string, string>;
  /** Products of the app's deterministic catalog to load (default 10,000, the app's default; 0 = none). */
  seedProducts?: number;
  /** How long to wait for the front door; default 180 s. */
  readyTimeoutMs?: number;
}

export interface LocalDeploymentInfo {
  supervisorPid: number;
  metricsDir: string;
  timeScale: number;
  logsDir: string;
  controlUrl?: string;
  ports: Record<string, number>;
  db?: 'embedded' | 'system';
  fidelityFile?: string;
  [k: string]: unknown;
}

/** The part of the lead's DeploymentRecord the local target reads. */
export interface LocalDeploymentRecordLike {
  model: Model;
  stateDir: string;
  url?: string;
  local?: { supervisorPid: number; metricsDir: string; timeScale: number; [k: string]: unknown };
}

export type LocalLiveness = 'running' | 'starting' | 'crashed' | 'stopped' | 'not-deployed';

export interface LocalStatus {
  model: Model;
  alive: boolean;
  state: LocalLiveness;
  supervisorPid?: number;
  heartbeatAgeMs?: number;
  url?: string;
  timeScale?: number;
  ports?: Record<string, number>;
  error?: string;
  /** traditional: instances; serverless: environments (live when the supervisor answers). */
  instances?: Array<{ id: string; state: string; pid?: number; health?: string; outstanding?: number; ageMs: number }>;
  desiredCapacity?: number;
  environments?: Array<{ id: string; function: string; pid?: number; state: string; invocations: number; initMs?: number; ageMs: number; idleMs: number }>;
  coldStarts?: Record<string, number>;
  activities?: Array<{ at: string; from: number; to: number; reason: string }>;
  snapshot?: Record<string, unknown>;
}

const SUPERVISOR = siblingScript(import.meta.url, 'supervisor');
const HEARTBEAT_STALE_MS = 5000;
const DEFAULT_SEED_PRODUCTS = 10_000;

/** Where a local deployment keeps its files, under its state directory. */
export function localDirs(stateDir: string) {
  return { runtimeDir: path.join(stateDir, 'runtime'), logsDir: path.join(stateDir, 'logs'), metricsDir: path.join(stateDir, 'metrics') };
}

/** The supervisor of this stateDir, if its pid is alive and really is our supervisor (not a recycled pid). */
async function liveSupervisor(stateDir: string, pid: number | undefined): Promise<boolean> {
  if (!pid || !pidAlive(pid)) return false;
  const cmd = await commandLine(pid);
  return cmd === undefined ? true : cmd.includes('supervisor') && cmd.includes(stateDir);
}

export async function deployLocal(opts: DeployLocalOptions): Promise<{ url: string; local: LocalDeploymentInfo; outputs: Record<string, string> }> {
  const timeScale = parseTimeScale(opts.timeScale);
  const fidelityFile = opts.fidelityFile ?? process.env.ARCHCOMPARE_FIDELITY_FILE;
  const fidelity = await loadFidelity(fidelityFile);
  const tf = readTerraformFile(opts.terraformJsonPath);
  const topology = topologyFor(opts.model, tf, opts.config, fidelity);
  const stateDir = path.resolve(opts.stateDir);
  const needed = opts.model === 'traditional' ? [artifactPaths.serverAppTarball()] : [artifactPaths.lambdaZip('users')];
  for (const file of needed) {
    try {
      await access(file);
    } catch {
      throw new UserError(`the build artifact ${path.relative(process.cwd(), file)} is missing`, 'run `npm run build` first');
    }
  }
  const previous = await readSupervisorState(stateDir);
  if (previous && (await liveSupervisor(stateDir, previous.pid)))
    throw new UserError(`a local ${opts.model} deployment is already running (supervisor pid ${previous.pid})`, `run \`archcompare destroy --model ${opts.model}\` first`);
  if (previous) await cleanUp(stateDir, previous);

  const { runtimeDir, logsDir, metricsDir } = localDirs(stateDir);
  await mkdir(logsDir, { recursive: true });
  await mkdir(metricsDir, { recursive: true });
  const spec: SupervisorSpec = {
    model: opts.model,
    stateDir,
    runtimeDir,
    logsDir,
    metricsDir,
    artifactsDir: ARTIFACTS_DIR,
    timeScale,
    db: opts.db,
    region: opts.config.region,
    topology,
    fidelity,
    secrets: { jwtSecret: randomBytes(32).toString('base64url'), dbPassword: randomBytes(18).toString('base64url'), controlToken: randomBytes(16).toString('hex') },
    appEnv: opts.appEnv ?? {},
    seedProducts: opts.seedProducts ?? DEFAULT_SEED_PRODUCTS,
  };
  await writeFileAtomic(path.join(stateDir, SPEC_FILE), JSON.stringify(spec, null, 2), { mode: 0o600 });

  const log = await open(path.join(logsDir, 'supervisor.log'), 'a');
  const child = spawn(process.execPath, [...SUPERVISOR.execArgv, SUPERVISOR.script, stateDir], { detached: true, stdio: ['ignore', log.fd, log.fd], cwd: stateDir, env: process.env });
  child.unref();
  await log.close();
  const pid = child.pid!;
  opts.onProgress?.(`supervisor started (pid ${pid}), logs in ${path.relative(process.cwd(), logsDir) || logsDir}`);

  const until = Date.now() + (opts.readyTimeoutMs ?? 180_000);
  let shown = 0;
  let st: SupervisorState | undefined;
  for (;;) {
    await sleep(100);
    st = await readSupervisorState(stateDir);
    if (st && st.pid === pid) {
      for (; shown < st.progress.length; shown++) opts.onProgress?.(st.progress[shown]!);
      if (st.status === 'ready' && st.url) break;
      if (st.status === 'failed') {
        await waitGone(pid, 30_000);
        await cleanUp(stateDir, st);
        throw new UserError(`local ${opts.model} deployment failed: ${st.error ?? 'unknown error'}`, `see ${path.join(logsDir, 'supervisor.log')}`);
      }
    }
    if (!pidAlive(pid) || Date.now() > until) {
      const reason = pidAlive(pid) ? 'did not become ready in time' : 'supervisor exited during start';
      await destroyLocal({ model: opts.model, stateDir, local: { supervisorPid: pid, metricsDir, timeScale } });
      throw new UserError(`local ${opts.model} deployment failed: ${reason}`, `see ${path.join(logsDir, 'supervisor.log')}`);
    }
  }
  const local: LocalDeploymentInfo = { supervisorPid: pid, metricsDir, timeScale, logsDir, controlUrl: st.controlUrl, ports: st.ports, db: opts.model === 'traditional' ? opts.db : undefined, fidelityFile };
  const outputs: Record<string, string> = { url: st.url!, metrics_dir: metricsDir, logs_dir: logsDir, time_scale: String(timeScale) };
  for (const [k, v] of Object.entries(st.ports)) outputs[`port_${k}`] = String(v);
  return { url: st.url!, local, outputs };
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > until) return false;
    await sleep(100);
  }
  return true;
}

/**
 * Kills whatever is left of the supervisor's process group and removes runtime and temp directories.
 * The group is only signalled when one of its members is recognisably ours (its command line names this
 * deployment's directories), so a process group id recycled by an unrelated program is never touched.
 */
async function cleanUp(stateDir: string, st: SupervisorState | undefined): Promise<void> {
  const pgid = st?.pgid;
  const markers = [stateDir, ...(st?.tempDirs ?? [])];
  const ours = async () => {
    for (const pid of await groupMembers(pgid!)) {
      const cmd = await commandLine(pid);
      if (cmd && markers.some((m) => cmd.includes(m))) return true;
    }
    return false;
  };
  if (pgid && groupAlive(pgid) && (await ours())) {
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pgid, sig);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const until = Date.now() + 5000;
    while (groupAlive(pgid) && Date.now() < until) await sleep(100);
    if (groupAlive(pgid)) {
      signal('SIGKILL');
      await sleep(200);
    }
  }
  for (const d of st?.tempDirs ?? []) await rm(d, { recursive: true, force: true });
  await rm(localDirs(stateDir).runtimeDir, { recursive: true, force: true });
  if (st && st.status !== 'stopped') await writeSupervisorState(stateDir, { ...st, status: 'stopped', snapshot: undefined });
}

/** Stops the deployment (idempotent): SIGTERM to the supervisor (it stops its children), then verifies and cleans. */
export async function destroyLocal(rec: LocalDeploymentRecordLike): Promise<void> {
  const stateDir = path.resolve(rec.stateDir);
  const st = await readSupervisorState(stateDir);
  const pid = st?.pid ?? rec.local?.supervisorPid;
  if (pid && (await liveSupervisor(stateDir, pid))) {
    process.kill(pid, 'SIGTERM');
    if (!(await waitGone(pid, 60_000))) process.kill(pid, 'SIGKILL');
  }
  // Without its state file there is no evidence of what the group holds: leave it (the supervisor itself was handled above).
  await cleanUp(stateDir, st);
}

async function fetchLive(st: SupervisorState): Promise<Record<string, unknown> | undefined> {
  if (!st.controlUrl || !st.controlToken) return undefined;
  try {
    const res = await fetch(`${st.controlUrl}/status`, { headers: { 'x-archcompare-control': st.controlToken }, signal: AbortSignal.timeout(2000) });
    if (!res.ok) return undefined;
    return ((await res.json()) as { snapshot?: Record<string, unknown> }).snapshot;
  } catch {
    return undefined;
  }
}

export async function localStatus(rec: LocalDeploymentRecordLike): Promise<LocalStatus> {
  const stateDir = path.resolve(rec.stateDir);
  const st = await readSupervisorState(stateDir);
  if (!st) return { model: rec.model, alive: false, state: rec.local ? 'crashed' : 'not-deployed', supervisorPid: rec.local?.supervisorPid };
  const heartbeatAgeMs = Date.now() - Date.parse(st.heartbeatAt);
  const running = await liveSupervisor(stateDir, st.pid);
  let state: LocalLiveness;
  if (st.status === 'stopped') state = 'stopped';
  else if (!running || heartbeatAgeMs > HEARTBEAT_STALE_MS) state = 'crashed';
  else state = st.status === 'ready' ? 'running' : 'starting';
  const snapshot = state === 'running' ? ((await fetchLive(st)) ?? st.snapshot) : st.snapshot;
  const s = (snapshot ?? {}) as Record<string, unknown>;
  return {
    model: rec.model,
    alive: state === 'running' || state === 'starting',
    state,
    supervisorPid: st.pid,
    heartbeatAgeMs,
    url: st.url,
    timeScale: st.timeScale,
    ports: st.ports,
    error: st.error,
    instances: s.instances as LocalStatus['instances'],
    desiredCapacity: s.desiredCapacity as number | undefined,
    environments: s.environments as LocalStatus['environments'],
    coldStarts: s.coldStarts as Record<string, number> | undefined,
    activities: s.activities as LocalStatus['activities'],
    snapshot,
  };
}

/** Faults a local deployment can be given: a database restart (traditional), the orders queue refusing sends until restored (serverless). */
export type LocalFault = 'db-restart' | 'orders-queue-outage' | 'orders-queue-restored';

/** Fault injection for tests and chaos runs, through the supervisor's control endpoint. */
export async function injectLocalFault(rec: LocalDeploymentRecordLike, fault: LocalFault): Promise<unknown> {
  const st = await readSupervisorState(path.resolve(rec.stateDir));
  if (!st?.controlUrl || !st.controlToken) throw new UserError(`no running local ${rec.model} deployment`, `deploy it with \`archcompare deploy --model ${rec.model}\``);
  const res = await fetch(`${st.controlUrl}/faults/${fault}`, { method: 'POST', headers: { 'x-archcompare-control': st.controlToken } });
  const body = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`fault ${fault} failed: ${JSON.stringify(body)}`);
  return body;
}
