/**
 * Projection benchmark (issue 16). Prints:
 *  1. 24 hours of black-friday at 50,000 req/s (the profile's surge and its 24 h day, 4.3 billion
 *     requests) for both models: wall time (budget 10 s) and the process's peak RSS (budget 1 GB);
 *  2. the whole black-friday profile (3 days) and the month profile (30 days) for both models
 *     (month budget 30 s);
 *  3. how and with what error: requests are aggregated per step (10 s after each change, 60 s in
 *     slow phases), and the per-phase p95 and lost requests of the adaptive steps are compared with
 *     10-s steps everywhere.
 * Pure simulation in this process: no synthesis, no pricing (the command adds ~2 s for those).
 * Run: npx tsx benchmarks/project.ts
 */
import { resolveProfile } from '../src/bench/profiles.js';
import { ProfileSchema } from '../src/bench/profile-schema.js';
import { StackConfigSchema } from '../src/config/stack-config.js';
import { loadSchedule } from '../src/projection/load-schedule.js';
import { modelledParameters } from '../src/projection/parameters.js';
import { simulateModels, type ModelRun } from '../src/projection/simulate.js';
import { verdict } from './support.js';

const config = { ...StackConfigSchema.parse({}), runId: 'projected' };
const parameters = modelledParameters(config, { value: 10, unit: 's', origin: { kind: 'config', source: 'bench' } });
const models = ['traditional', 'serverless'] as const;

function timed(profile: Parameters<typeof loadSchedule>[0], coarse = 60): { ms: number; steps: number; runs: ModelRun[]; requests: number } {
  const schedule = loadSchedule(profile, 10, coarse);
  const t0 = performance.now();
  const runs = simulateModels(models, parameters, schedule, { seed: 1, startedAtMs: 0, namePrefix: 'acshop-projected' });
  for (const r of runs) r.recorder.timeline();
  const requests = runs[0]!.recorder.phases.reduce((s, p) => s + p.arrivals, 0);
  return { ms: performance.now() - t0, steps: schedule.steps.length, runs, requests };
}

const { profile: blackFriday } = await resolveProfile('black-friday');
const { profile: month } = await resolveProfile('month');
const peakDay = ProfileSchema.parse({ ...blackFriday, name: 'black-friday-24h', phases: blackFriday.phases.filter((p) => p.name === 'surge' || p.name === 'black-friday') });

const day = timed(peakDay);
const rssMb = process.resourceUsage().maxRSS / 1024;
console.log(`24 h of black-friday (surge + 24 h at 50,000 req/s, ${(day.requests / 1e9).toFixed(2)} billion requests, ${day.steps} steps), both models: ${(day.ms / 1000).toFixed(2)} s — budget 10 s ${verdict(day.ms < 10_000)}`);
console.log(`  peak RSS of this process ${rssMb.toFixed(0)} MB — budget 1,024 MB ${verdict(rssMb < 1024)}`);
const whole = timed(blackFriday);
console.log(`black-friday profile (3 days, ${(whole.requests / 1e9).toFixed(2)} billion requests, ${whole.steps} steps), both models: ${(whole.ms / 1000).toFixed(2)} s`);
const m = timed(month);
console.log(`month profile (30 days, ${(m.requests / 1e9).toFixed(2)} billion requests, ${m.steps} steps), both models: ${(m.ms / 1000).toFixed(2)} s — budget 30 s ${verdict(m.ms < 30_000)}`);

// The aggregation's error against finer steps: per phase, p95 and lost requests.
const fine = timed(blackFriday, 10);
let worstP95 = 0;
let worstLost = 0;
for (let i = 0; i < models.length; i++)
  fine.runs[i]!.recorder.phases.forEach((ph, k) => {
    const other = whole.runs[i]!.recorder.phases[k]!;
    const p95 = ph.latency.percentileMs(95);
    worstP95 = Math.max(worstP95, Math.abs(other.latency.percentileMs(95) - p95) / p95);
    const lost = (x: typeof ph) => x.throttled + x.serverErrors + x.timeouts;
    worstLost = Math.max(worstLost, Math.abs(lost(other) - lost(ph)) / ph.arrivals);
  });
console.log(`aggregation: ${fine.steps} fine steps (${(fine.ms / 1000).toFixed(2)} s) vs ${whole.steps} adaptive; largest per-phase difference: p95 ${(worstP95 * 100).toFixed(1)}%, lost requests ${(worstLost * 100).toFixed(2)} points of arrivals`);
console.log('  (per step: M/G/c steady state or a fluid backlog, 32 stratified latency samples weighted by the step\'s requests; against per-request simulation see test/projection/fluid-centre.test.ts: within 10% on p50/p95/p99)');
process.exitCode = day.ms < 10_000 && rssMb < 1024 && m.ms < 30_000 ? 0 : 1;
