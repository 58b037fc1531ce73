import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { FidelityValues } from './fidelity.js';
import type { LocalTopology } from './topology.js';

/**
 * The files a local deployment keeps in its stateDir:
 *  supervisor-spec.json  what the supervisor must run (written by deployLocal)
 *  supervisor.json       pid, ports, heartbeat and a live snapshot (written by the supervisor every second)
 *  metrics/metrics.jsonl CloudWatch-shaped datapoints;  logs/  every process's output
 *  runtime/              code, sockets, data: removed by destroy
 */

export const SPEC_FILE = 'supervisor-spec.json';
export const STATE_FILE = 'supervisor.json';

export interface SupervisorSpec {
  model: 'traditional' | 'serverless';
  stateDir: string;
  runtimeDir: string;
  logsDir: string;
  metricsDir: string;
  artifactsDir: string;
  timeScale: number;
  db: 'embedded' | 'system';
  region: string;
  topology: LocalTopology;
  fidelity: FidelityValues;
  secrets: { jwtSecret: string; dbPassword: string; controlToken: string };
  appEnv: Record<string, string>;
  /** Products of the app's deterministic catalog to load after start (0 = none). */
  seedProducts: number;
}

export const SupervisorStateSchema = z.object({
  pid: z.number().int(),
  pgid: z.number().int(),
  model: z.enum(['traditional', 'serverless']),
  status: z.enum(['starting', 'ready', 'failed', 'stopping', 'stopped']),
  error: z.string().optional(),
  startedAt: z.string(),
  heartbeatAt: z.string(),
  url: z.string().optional(),
  controlUrl: z.string().optional(),
  controlToken: z.string().optional(),
  ports: z.record(z.string(), z.number()),
  /** Directories outside runtime/ the deployment created (e.g. the PostgreSQL data dir owned by the server user). */
  tempDirs: z.array(z.string()),
  progress: z.array(z.string()),
  timeScale: z.number(),
  snapshot: z.record(z.string(), z.unknown()).optional(),
});
export type SupervisorState = z.infer<typeof SupervisorStateSchema>;

export async function readSupervisorState(stateDir: string): Promise<SupervisorState | undefined> {
  try {
    const parsed = SupervisorStateSchema.safeParse(JSON.parse(await readFile(path.join(stateDir, STATE_FILE), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeSupervisorState(stateDir: string, state: SupervisorState): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  await writeFileAtomic(path.join(stateDir, STATE_FILE), JSON.stringify(state, null, 2), { mode: 0o600 });
}
