import { describe, expect, it } from 'vitest';
import { ProfileSchema, type Profile } from '../../src/bench/profile-schema.js';
import { resolveProfile } from '../../src/bench/profiles.js';
import { creditThrottleWarning, StackConfigSchema } from '../../src/config/stack-config.js';
import { loadSchedule } from '../../src/projection/load-schedule.js';
import { applyCalibration, modelledParameters, type ProjectionParameters } from '../../src/projection/parameters.js';
import { simulateModels, type ModelRun } from '../../src/projection/simulate.js';

const config = { ...StackConfigSchema.parse({}), runId: 'projected' };
const timeout = { value: 10, unit: 's', origin: { kind: 'config' as const, source: 'test' } };
const defaults = modelledParameters(config, timeout);
const profile = (phases: Profile['phases']): Profile => ProfileSchema.parse({ name: 'test', description: 'a test profile', mix: { browse: 1 }, phases });

function run(p: ProjectionParameters, prof: Profile, models: Array<'traditional' | 'serverless'>, coarse = 60, seed = 1): ModelRun[] {
  return simulateModels(models, p, loadSchedule(prof, 10, coarse), { seed, startedAtMs: 0, namePrefix: 'acshop-projected' });
}
const gauge = (r: ModelRun, metric: string) => r.recorder.timeline().filter((d) => d.metric === metric);

describe('traditional: target tracking as AWS runs it', () => {
  // A group that fits the load: big enough DB, unlimited CPU credits, a step from 200 to 1,500 req/s and back.
  const p = applyCalibration(defaults, { maxInstances: 40, dbVcpus: 64, dbMaxConnections: 5000, cpuCredits: 'unlimited' }, 'test');
  const prof = profile([
    { name: 'low', duration: '30m', rate: 200 },
    { name: 'high', duration: '1h', rate: 1500 },
    { name: 'back', duration: '2h', rate: 200 },
  ]);
  const [trad] = run(p, prof, ['traditional'], 10);
  const inService = gauge(trad!, 'GroupInServiceInstances');
  const at = (minute: number) => inService.find((d) => Date.parse(d.timestamp) === minute * 60_000)?.value;

  it('scales out only after 3 one-minute datapoints above target plus the launch delay', () => {
    expect(at(30)).toBe(2);
    expect(at(32)).toBe(2); // two datapoints above target: no alarm yet
    // Alarm after the 3rd datapoint (minute 33), in service 60 s later.
    expect(at(34)! > 2).toBe(true);
    expect(Math.max(...inService.map((d) => d.value))).toBeLessThanOrEqual(40);
  });

  it('holds CPU near the target once scaled; errors only while the new instances launch', () => {
    const cpu = gauge(trad!, 'CPUUtilization').filter((d) => Date.parse(d.timestamp) >= 60 * 60_000 && Date.parse(d.timestamp) < 90 * 60_000);
    const mean = cpu.reduce((s, d) => s + d.value, 0) / cpu.length;
    expect(mean).toBeGreaterThan(25);
    expect(mean).toBeLessThanOrEqual(50);
    const high = trad!.recorder.phases[1]!;
    expect(high.serverErrors + high.timeouts).toBeGreaterThan(0);
    expect(trad!.recorder.series.filter((s) => s.t >= 40 * 60).reduce((n, s) => n + s.errors, 0)).toBe(0);
  });

  it('scales in only after 15 datapoints below 90% of target, back to the minimum', () => {
    const lastHigh = at(89)!;
    expect(at(91)).toBe(lastHigh); // fewer than 15 low datapoints
    expect(inService[inService.length - 1]!.value).toBe(2);
  });

  it('is deterministic for a seed', () => {
    const [again] = run(p, prof, ['traditional'], 10);
    expect(again!.recorder.phases.map((ph) => ph.latency.percentileMs(95))).toEqual(trad!.recorder.phases.map((ph) => ph.latency.percentileMs(95)));
  });
});

describe('traditional: CPU credits of burstable types in standard mode', () => {
  const fits = { maxInstances: 40, dbVcpus: 64, dbMaxConnections: 5000 };
  const prof = profile([
    { name: 'low', duration: '30m', rate: 20 },
    { name: 'high', duration: '1h', rate: 1500 },
  ]);
  const cpuOf = (r: ModelRun, fromMin: number, toMin: number) => {
    const cpu = gauge(r, 'CPUUtilization').filter((d) => Date.parse(d.timestamp) >= fromMin * 60_000 && Date.parse(d.timestamp) < toMin * 60_000);
    return cpu.reduce((s, d) => s + d.value, 0) / cpu.length;
  };

  it('reads the baseline and launch credits AWS publishes for the type', () => {
    // EC2 credit table: t3.small 20% per vCPU; T3 gets no launch credits, T2 30 per vCPU.
    expect(defaults.instanceType.value).toBe('t3.small');
    expect(defaults.cpuBaselinePerVcpu.value).toBe(0.2);
    expect(defaults.launchCreditsPerVcpu.value).toBe(0);
    expect(modelledParameters({ ...config, traditional: { ...config.traditional, instanceType: 'm7i.large' } }, timeout).cpuBaselinePerVcpu.value).toBeNull();
  });

  it('deploy warns about exactly the configurations the projection shows held at the baseline', () => {
    expect(creditThrottleWarning(config.traditional)).toMatch(/^traditional\.instanceType t3\.small in standard credit mode is held at 20% of each vCPU once its CPU credits are spent \(it starts with none\), below traditional\.targetCpuPercent 50/);
    expect(creditThrottleWarning({ ...config.traditional, cpuCredits: 'unlimited' })).toBeUndefined();
    expect(creditThrottleWarning({ ...config.traditional, instanceType: 'm7i.large' })).toBeUndefined();
    expect(creditThrottleWarning({ ...config.traditional, targetCpuPercent: 20 })).toBeUndefined();
    expect(creditThrottleWarning({ ...config.traditional, instanceType: 't2.micro' })).toMatch(/30 launch credits per vCPU/);
  });

  it('a t3.small in standard mode spends what it earned at low load, then is held at 20%: below the target, the group scales in', () => {
    const [standard] = run(applyCalibration(defaults, fits, 'test'), prof, ['traditional'], 10);
    const [unlimited] = run(applyCalibration(defaults, { ...fits, cpuCredits: 'unlimited' }, 'test'), prof, ['traditional'], 10);
    const inService = (r: ModelRun) => gauge(r, 'GroupInServiceInstances').map((d) => d.value);
    // Unlimited: target tracking holds CPU near 50% with more instances.
    expect(cpuOf(unlimited!, 60, 90)).toBeGreaterThan(25);
    expect(inService(unlimited!).at(-1)).toBeGreaterThan(4);
    // Standard: the credits earned in the quiet half hour (24 an hour, less what 20 req/s used) fund a first
    // scale-out; once spent, every instance is held at its baseline, CloudWatch reports 20% (< 90% of the
    // 50% target) and the group scales back in to its minimum while requests fail.
    const balance = gauge(standard!, 'CPUCreditBalance');
    expect(balance.find((d) => Date.parse(d.timestamp) === 29 * 60_000)!.value).toBeGreaterThan(5);
    expect(balance.at(-1)!.value).toBe(0);
    expect(cpuOf(standard!, 60, 90)).toBeLessThanOrEqual(20 + 1e-6);
    expect(Math.max(...inService(standard!))).toBeGreaterThan(2);
    expect(inService(standard!).at(-1)).toBe(2);
    const high = standard!.recorder.phases[1]!;
    expect((high.serverErrors + high.timeouts) / high.arrivals).toBeGreaterThan(0.3);
    expect(standard!.outcome.bottlenecks.find((b) => b.binding)!.parameter).toBe('cpuCredits');
  });
});

describe('serverless: quotas and scaling rates', () => {
  it('throttles at the Lambda concurrency quota by the share its closed form says', () => {
    // API throttles out of the way: the account quota of 1,000 is the limit.
    const p = applyCalibration(defaults, { apiStageRateLimit: 1e6, apiStageBurstLimit: 1e6, apiAccountRateLimit: 1e6, apiAccountBurstLimit: 1e6, dynamoDbTableMaxReadUnits: 1e7, dynamoDbTableMaxWriteUnits: 1e7, dynamoDbNewTableReadUnits: 1e7, dynamoDbNewTableWriteUnits: 1e7 }, 'test');
    const [sls] = run(p, profile([{ name: 'flat', duration: '1h', rate: 40_000 }]), ['serverless']);
    const binding = sls!.outcome.bottlenecks.find((b) => b.binding)!;
    expect(binding.parameter).toBe('accountConcurrencyLimit');
    const phase = sls!.recorder.phases[0]!;
    const expected = 1 - binding.saturatesAtRps / 40_000;
    // Lambda throttles reach the client as API Gateway's 500s: server errors, not 429s.
    expect(Math.abs(phase.serverErrors / phase.arrivals - expected)).toBeLessThan(0.02);
    expect(phase.throttled).toBe(0);
    // The account-level series (no dimension), as CloudWatch publishes it.
    const account = gauge(sls!, 'ConcurrentExecutions').filter((d) => Object.keys(d.dimensions).length === 0);
    expect(account.length).toBeGreaterThan(0);
    expect(Math.max(...account.map((d) => d.value))).toBeLessThanOrEqual(1000 + 1e-6);
    expect(Math.max(...account.map((d) => d.value))).toBeGreaterThan(990);
  });

  it('adds at most 1,000 environments per function per 10 s, with a cold start each', () => {
    const p = applyCalibration(defaults, { apiStageRateLimit: 1e6, apiStageBurstLimit: 1e6, apiAccountRateLimit: 1e6, apiAccountBurstLimit: 1e6, accountConcurrencyLimit: 100_000, dynamoDbTableMaxReadUnits: 1e7, dynamoDbTableMaxWriteUnits: 1e7, dynamoDbNewTableReadUnits: 1e7, dynamoDbNewTableWriteUnits: 1e7, requestMix: { catalog: 1, users: 0, cart: 0, orders: 0, payments: 0 }, lambdaDuration: { catalog: 1000 } }, 'test');
    // 10,000 req/s of 1 s requests need 10,000 environments: 10 windows of 1,000; the series is per minute (6 windows).
    const [sls] = run(p, profile([{ name: 'jump', duration: '5m', rate: 10_000 }]), ['serverless'], 10);
    const firstMinute = sls!.recorder.series[0]!;
    expect(firstMinute.coldStarts).toBeGreaterThan(5_900);
    // plus the steady churn (coldStartsPerInvocation × ~200,000 invocations ≈ 400)
    expect(firstMinute.coldStarts).toBeLessThan(6_500);
    expect(firstMinute.errors).toBeGreaterThan(0.4 * firstMinute.arrivals);
    expect(sls!.recorder.series[3]!.errors).toBe(0);
    const phase = sls!.recorder.phases[0]!;
    expect(phase.coldStarts).toBeGreaterThan(9_000);
  });

  it('DynamoDB on demand: a surge past double the previous peak throttles until the table doubles every 30 minutes', () => {
    const p = applyCalibration(defaults, { apiStageRateLimit: 1e6, apiStageBurstLimit: 1e6, apiAccountRateLimit: 1e6, apiAccountBurstLimit: 1e6, accountConcurrencyLimit: 100_000 }, 'test');
    // products reads ≈ 0.96 RRU per request at the default mix: 30,000 req/s ≈ 29,000 RRU/s, over the new-table 12,000.
    const [sls] = run(p, profile([{ name: 'surge', duration: '2h', rate: 30_000 }]), ['serverless'], 10);
    const failedBy = (minute: number) => sls!.recorder.series.filter((s) => s.t < minute * 60).reduce((n, s) => n + s.errors, 0);
    expect(failedBy(10)).toBeGreaterThan(0);
    const lastHalfHour = sls!.recorder.series.filter((s) => s.t >= 90 * 60);
    expect(lastHalfHour.reduce((n, s) => n + s.errors, 0)).toBe(0);
  });
});

describe('adaptive steps against fine steps', () => {
  it('black-friday: per-phase p95 within 10% and failed/throttled counts within 1% of arrivals', async () => {
    const { profile: bf } = await resolveProfile('black-friday');
    const fine = run(defaults, bf, ['traditional', 'serverless'], 10);
    const adaptive = run(defaults, bf, ['traditional', 'serverless'], 60);
    for (let m = 0; m < 2; m++) {
      fine[m]!.recorder.phases.forEach((ph, i) => {
        const other = adaptive[m]!.recorder.phases[i]!;
        const p95 = ph.latency.percentileMs(95);
        expect(Math.abs(other.latency.percentileMs(95) - p95), `${fine[m]!.model} phase ${i}`).toBeLessThanOrEqual(0.1 * p95 + 1);
        expect(Math.abs(other.throttled + other.serverErrors + other.timeouts - (ph.throttled + ph.serverErrors + ph.timeouts))).toBeLessThanOrEqual(0.01 * ph.arrivals);
      });
    }
  });
});
