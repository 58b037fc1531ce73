import os from 'node:os';
import type { MetricsRecorder } from './metrics.js';

/**
 * This machine's CPU use, sampled every second into `archcompare/Local MachineCPUUtilization`
 * (percent of all cores). AWS gives every instance and every Lambda environment CPU of its own; here
 * everything shares a few cores, so readers use it to tell figures measured on a saturated machine
 * (the cost of Lambda durations, the latency of a phase) from the rest.
 */

export const MACHINE_CPU_METRIC = 'MachineCPUUtilization';

interface CpuTimes {
  busy: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/** Percent busy between two readings (0 when no time passed). */
export function busyPercent(from: CpuTimes, to: CpuTimes): number {
  const total = to.total - from.total;
  return total > 0 ? Math.min(100, Math.max(0, ((to.busy - from.busy) / total) * 100)) : 0;
}

export function sampleMachineCpu(metrics: MetricsRecorder, everyMs = 1000): () => void {
  const record = metrics.handle('archcompare/Local', MACHINE_CPU_METRIC, {}, 'Percent');
  let last = cpuTimes();
  const timer = setInterval(() => {
    const now = cpuTimes();
    record(busyPercent(last, now));
    last = now;
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
