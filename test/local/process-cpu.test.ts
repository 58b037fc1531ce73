import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProcStat, readProcessTable, sampleProcessTrees, treeCpuTicks, type ProcessStat } from '../../src/local/process-cpu.js';
import { sleep, stopChild, waitFor } from '../../src/local/processes.js';

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await stopChild(c, 1000, 'SIGKILL');
});

/** A node process whose child burns the CPU for `childMs`, then exits and is waited for; the parent stays idle. */
function parentOfBusyChild(childMs: number): ChildProcess {
  const busy = `const until = Date.now() + ${childMs}; while (Date.now() < until) {}`;
  const script = `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(busy)}], { stdio: 'ignore' }); c.on('exit', () => console.log('reaped')); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  return child;
}

describe('process CPU from /proc', () => {
  it('parses a real stat line, whose command may hold spaces and parentheses', () => {
    const self = parseProcStat(readFileSync('/proc/self/stat', 'utf8'));
    expect(self?.ppid).toBe(process.ppid);
    expect(self!.ownTicks).toBeGreaterThan(0);
    expect(parseProcStat('42 (a b) c)) S 7 42 42 0 -1 4194560 1 0 0 0 11 5 3 2 20 0 1 0 1 1 1')).toEqual({ ppid: 7, ownTicks: 16, reapedChildTicks: 5 });
    expect(parseProcStat('not a stat line')).toBeUndefined();
  });

  it('sums a tree: every member’s own time and its reaped children’s, nothing outside it', () => {
    const s = (ppid: number, own: number, reaped = 0): ProcessStat => ({ ppid, ownTicks: own, reapedChildTicks: reaped });
    const table = new Map([[1, s(0, 1000)], [10, s(1, 5, 40)], [11, s(10, 7)], [12, s(11, 3)], [20, s(1, 500)]]);
    expect(treeCpuTicks(table, 10)).toBe(5 + 40 + 7 + 3);
    expect(treeCpuTicks(table, 99)).toBeUndefined();
  });

  it('keeps counting a child’s CPU after it exits and is reaped (as PostgreSQL’s backends are)', async () => {
    const parent = parentOfBusyChild(400);
    let out = '';
    parent.stdout!.on('data', (d) => (out += d));
    await waitFor(() => out.includes('reaped'), 10_000, 'the busy child never exited');
    const ticks = treeCpuTicks(readProcessTable(), parent.pid!);
    // ≥ 0.3 s of the child's 0.4 s busy loop, in USER_HZ (100) ticks; the idle parent adds little.
    expect(ticks).toBeGreaterThanOrEqual(30);
  });

  it('samples a busy tree as a percent of the vCPUs it models, at most once a second', async () => {
    const busy = spawn(process.execPath, ['-e', 'const until = Date.now() + 6000; while (Date.now() < until) {}'], { stdio: 'ignore' });
    children.push(busy);
    const idle = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 6000)'], { stdio: 'ignore' });
    children.push(idle);
    const samples: Record<string, number[]> = { busy: [], idle: [] };
    const stop = sampleProcessTrees(() => [
      { key: 'busy', pid: busy.pid, vcpus: 2, record: (p) => samples.busy!.push(p) },
      { key: 'idle', pid: idle.pid, vcpus: 2, record: (p) => samples.idle!.push(p) },
    ], 100);
    await sleep(3600);
    stop();
    // The first tick only sets the baseline; 100 ms asked for, one tick a second given.
    expect(samples.busy!.length).toBeGreaterThanOrEqual(2);
    expect(samples.busy!.length).toBeLessThanOrEqual(3);
    // One core busy of 2 modelled vCPUs is at most 50% (less when this shared machine lends the core to
    // others, so no lower bound but the idle tree's); an idle tree is near 0.
    const idleMax = Math.max(...samples.idle!);
    expect(idleMax).toBeLessThan(3);
    for (const p of samples.busy!) expect(p).toBeGreaterThan(Math.max(5, 5 * idleMax)), expect(p).toBeLessThan(55);
  });
});
