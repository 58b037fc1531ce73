import type { LocalStatus } from './index.js';
import type { ScheduleSnapshot } from './schedules.js';

/** Human lines for `archcompare status` (pure: the command prints them as it likes). */
export function formatLocalStatus(s: LocalStatus): string[] {
  const secs = (ms?: number) => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);
  if (s.state === 'not-deployed') return [`${s.model}: not deployed locally`];
  if (s.state === 'crashed')
    return [`${s.model}: crashed — supervisor pid ${s.supervisorPid ?? '?'} is gone (last heartbeat ${secs(s.heartbeatAgeMs)} ago)`, `  run \`archcompare destroy --model ${s.model}\` to clean up what it left`];
  if (s.state === 'stopped') return [`${s.model}: stopped`];
  const lines = [`${s.model}: ${s.state} at ${s.url ?? '?'} · supervisor pid ${s.supervisorPid} · heartbeat ${secs(s.heartbeatAgeMs)} ago · time scale ${s.timeScale}×`];
  const snap = (s.snapshot ?? {}) as {
    minSize?: number;
    maxSize?: number;
    db?: { source: string; pid?: number; port: number; maxConnections: number; restarts: number };
    queues?: Record<string, { visible: number; inFlight: number }>;
    schedules?: ScheduleSnapshot[];
    /** Which Node.js the processes run (localNodeRuntime's notice). */
    node?: string;
  };
  if (snap.node) lines.push(`  node: ${snap.node}`);
  if (s.instances) {
    lines.push(`  instances: ${s.instances.filter((i) => i.state === 'in-service').length} in service, desired ${s.desiredCapacity} (min ${snap.minSize}, max ${snap.maxSize})`);
    for (const i of s.instances) lines.push(`    ${i.id}  ${i.state.padEnd(11)} ${(i.health ?? '-').padEnd(9)} pid ${i.pid ?? '-'}  ${i.outstanding ?? 0} in flight`);
    if (snap.db) lines.push(`  database: PostgreSQL (${snap.db.source}) pid ${snap.db.pid ?? '-'} on 127.0.0.1:${snap.db.port}, max_connections ${snap.db.maxConnections}, restarts ${snap.db.restarts}`);
    const last = s.activities?.at(-1);
    if (last) lines.push(`  last scaling activity: ${last.at} ${last.from} -> ${last.to} (${last.reason})`);
  }
  if (s.environments) {
    const byFn = new Map<string, { busy: number; idle: number; starting: number }>();
    for (const e of s.environments) {
      const c = byFn.get(e.function) ?? { busy: 0, idle: 0, starting: 0 };
      if (e.state === 'busy') c.busy += 1;
      else if (e.state === 'idle') c.idle += 1;
      else c.starting += 1;
      byFn.set(e.function, c);
    }
    const envs = [...byFn].map(([fn, c]) => `${fn} ${c.busy + c.idle + c.starting} (${c.busy} busy, ${c.idle} idle${c.starting ? `, ${c.starting} starting` : ''})`);
    lines.push(`  environments: ${envs.length ? envs.join(', ') : 'none'}`);
    const cold = Object.entries(s.coldStarts ?? {}).map(([fn, n]) => `${fn} ${n}`);
    lines.push(`  cold starts: ${cold.length ? cold.join(', ') : 'none yet'}`);
    for (const [q, d] of Object.entries(snap.queues ?? {})) lines.push(`  queue ${q}: ${d.visible} visible, ${d.inFlight} in flight`);
    for (const r of snap.schedules ?? []) lines.push(`  schedule ${r.rule}: ${r.fn} ${r.expression}, ${r.runs} run(s)${r.failures ? `, ${r.failures} failed` : ''}`);
  }
  return lines;
}
