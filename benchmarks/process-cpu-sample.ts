// The local target's process-CPU sampler (src/local/process-cpu.ts): the CPU one tick costs (one /proc
// scan and the tree sums for the DB and 6 instances), against its budget. It ticks once a second, so
// 10 ms of CPU per tick is 1% of one core for the supervisor that also runs the load balancer.
// Requirement (issue 16): cheap and bounded — here, ≤ 10 ms of CPU per tick (median of 30).
import { readProcessTable, treeCpuTicks } from '../src/local/process-cpu.js';
import { verdict } from './support.js';

const roots = [process.pid, process.ppid, 1, process.pid, process.pid, process.pid, process.pid];
const cpuMs: number[] = [];
let processes = 0;
for (let i = 0; i < 30; i++) {
  const before = process.cpuUsage();
  const table = readProcessTable();
  for (const pid of roots) treeCpuTicks(table, pid);
  const used = process.cpuUsage(before);
  cpuMs.push((used.user + used.system) / 1000);
  processes = table.size;
}
cpuMs.sort((a, b) => a - b);
const median = cpuMs[Math.floor(cpuMs.length / 2)]!;
console.log(`process-cpu sampler tick: ${median.toFixed(2)} ms CPU (median of 30; ${processes} processes in /proc, 7 trees), p100 ${cpuMs.at(-1)!.toFixed(2)} ms`);
console.log(`budget: ≤ 10 ms per tick at one tick a second ${verdict(median <= 10)}`);
process.exitCode = median <= 10 ? 0 : 1;
