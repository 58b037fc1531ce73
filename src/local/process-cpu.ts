import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

/**
 * The real CPU time of process trees (the PostgreSQL server with its backends, each instance's server
 * process), read from Linux's /proc/<pid>/stat. One sampler reads the process table once per tick for
 * every watched tree and reports each tree's CPU share since the previous tick, as a percent of the
 * vCPUs the tree models (the DB class's, the instance type's): the normalisation of CloudWatch's
 * CPUUtilization, "the percentage of CPU utilization" of the instance
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html).
 *
 * /proc rather than pidusage + pidtree: pidusage reports one pid's utime+stime, pidtree runs `ps` on
 * every call, and neither counts the CPU of children already reaped (cutime/cstime), which is where a
 * PostgreSQL backend's time goes when its connection closes.
 */

export interface ProcessStat {
  ppid: number;
  /** utime + stime: the process's own CPU, in clock ticks. */
  ownTicks: number;
  /** cutime + cstime: the CPU of its children that exited and were waited for, in clock ticks. */
  reapedChildTicks: number;
}

/** Parses /proc/<pid>/stat (proc(5)); undefined for anything else. */
export function parseProcStat(text: string): ProcessStat | undefined {
  // comm (field 2) may hold spaces and parentheses: the fields after it start past the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const f = text.slice(close + 2).trim().split(' ');
  // After comm: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17), so index = field − 3.
  const [ppid, utime, stime, cutime, cstime] = [f[1], f[11], f[12], f[13], f[14]].map(Number);
  if ([ppid, utime, stime, cutime, cstime].some((n) => n === undefined || !Number.isFinite(n))) return undefined;
  return { ppid: ppid!, ownTicks: utime! + stime!, reapedChildTicks: cutime! + cstime! };
}

/** Each pid's children in the table: built once per tick, for every tree read from it. */
export function childrenOf(table: ReadonlyMap<number, ProcessStat>): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const [pid, s] of table) {
    const list = children.get(s.ppid);
    if (list) list.push(pid);
    else children.set(s.ppid, [pid]);
  }
  return children;
}

/**
 * CPU ticks of the tree rooted at `root`: every live member's own and reaped children's time. A
 * child's time moves into its parent's cutime when it is reaped, so the sum keeps counting it.
 * Undefined when the root is not in the table.
 */
export function treeCpuTicks(table: ReadonlyMap<number, ProcessStat>, root: number, children: ReadonlyMap<number, number[]> = childrenOf(table)): number | undefined {
  if (!table.has(root)) return undefined;
  let ticks = 0;
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const s = table.get(pid)!;
    ticks += s.ownTicks + s.reapedChildTicks;
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

/**
 * Every process's stat line. Synchronous on purpose: a tick over ~140 processes costs ~4 ms of CPU
 * this way, against ~18 ms through as many async reads on the thread pool (`npm run bench --
 * process-cpu`, on a loaded 2-core machine); the supervisor's event loop waits those ms once a second.
 */
export function readProcessTable(): Map<number, ProcessStat> {
  const table = new Map<number, ProcessStat>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = parseProcStat(readFileSync(`/proc/${e}/stat`, 'latin1'));
      if (s) table.set(Number(e), s);
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

/** USER_HZ, the unit of /proc's CPU times (100 on every mainstream Linux; asked once, 100 if getconf fails). */
async function clockTicksPerSecond(): Promise<number> {
  try {
    const n = Number((await promisify(execFile)('getconf', ['CLK_TCK'])).stdout.trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/** A process tree to sample: its root pid now (undefined: not running), the vCPUs it models, where its share goes. */
export interface WatchedTree {
  key: string;
  pid: number | undefined;
  vcpus: number;
  /** Percent of `vcpus` busy since the previous tick; not capped at 100 (a local tree may use more cores than it models). */
  record: (percent: number) => void;
}

/**
 * Samples `trees()` every `everyMs` (at most once a second, one tick in flight at a time); returns the
 * stop function. A tree's first tick, or a new root pid (a restarted server), only sets its baseline.
 */
export function sampleProcessTrees(trees: () => WatchedTree[], everyMs = 1000): () => void {
  const last = new Map<string, { pid: number; ticks: number; at: number }>();
  let hz: number | undefined;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      hz ??= await clockTicksPerSecond();
      const watched = trees().filter((t) => t.pid !== undefined && t.vcpus > 0);
      if (!watched.length) {
        last.clear();
        return;
      }
      const table = readProcessTable();
      const children = childrenOf(table);
      const at = performance.now();
      const keep = new Set<string>();
      for (const t of watched) {
        const ticks = treeCpuTicks(table, t.pid!, children);
        if (ticks === undefined) continue;
        keep.add(t.key);
        const prev = last.get(t.key);
        last.set(t.key, { pid: t.pid!, ticks, at });
        if (!prev || prev.pid !== t.pid || ticks < prev.ticks || at <= prev.at) continue;
        const cpuSeconds = (ticks - prev.ticks) / hz;
        t.record((cpuSeconds / (((at - prev.at) / 1000) * t.vcpus)) * 100);
      }
      for (const key of last.keys()) if (!keep.has(key)) last.delete(key);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick().catch(() => undefined), Math.max(1000, everyMs));
  timer.unref();
  return () => clearInterval(timer);
}
