import { readRegistry, stateRoot, type DeploymentRecord } from '../state/registry.js';
import { targetOf } from '../targets/adapters.js';
import type { LiveStatus } from '../targets/port.js';

export interface DeploymentStatus extends DeploymentRecord {
  /** What the target reports now (local: instances, environments, or that the supervisor died); absent when it reports nothing. */
  live?: LiveStatus;
  /** The same, as lines for people. */
  liveLines?: string[];
}

export async function deploymentStatus(root = stateRoot()): Promise<DeploymentStatus[]> {
  const records = await readRegistry(root);
  return Promise.all(
    records.map(async (r) => {
      const now = await (await targetOf(r)).status(r);
      return now ? { ...r, live: now.live, liveLines: now.lines } : r;
    }),
  );
}

function since(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
}

/** Plain text: one block per deployment (model, target, state, when, endpoint, outputs). */
export function formatStatus(rows: DeploymentStatus[], now = Date.now()): string {
  if (rows.length === 0) return 'Nothing is deployed. Deploy with `archcompare deploy --model traditional|serverless`.';
  const lines: string[] = [];
  for (const r of rows) {
    const where = r.target === 'aws' ? `aws ${r.region ?? ''}${r.endpointUrl ? ` via ${r.endpointUrl}` : ''}` : 'local';
    lines.push(`${r.model.padEnd(12)} ${r.status.padEnd(10)} ${where.padEnd(36)} run ${r.runId}  since ${r.createdAt} (${since(r.createdAt, now)})`);
    if (r.url) lines.push(`  url: ${r.url}`);
    for (const [k, v] of Object.entries(r.outputs)) if (k !== 'url') lines.push(`  ${k}: ${v}`);
    if (r.error) lines.push(`  error: ${r.error}`);
    for (const l of r.liveLines ?? []) lines.push(`  ${l}`);
  }
  return lines.join('\n');
}
