import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchResultSchema, type BenchResult } from '../../src/bench/result-schema.js';
import { StackConfigSchema } from '../../src/config/stack-config.js';
import { calibrateFromRuns } from '../../src/projection/calibrate.js';
import { domainOfPath, domainOfStep, forPhase } from '../../src/projection/route-mix.js';
import { modelledParameters } from '../../src/projection/parameters.js';
import { project } from '../../src/projection/project-service.js';
import { meanMs } from '../../src/projection/service-time.js';

const fixtures = path.resolve('test/report/fixtures');
const read = (model: string): BenchResult => BenchResultSchema.parse(JSON.parse(readFileSync(path.join(fixtures, `${model}.json`), 'utf8')));
const traditional = read('traditional');
const serverless = read('serverless');
const config = { ...StackConfigSchema.parse({}), runId: 'projected' };
const base = modelledParameters(config, { value: 10, unit: 's', origin: { kind: 'config', source: 'test' } });

describe('calibration from saved bench runs', () => {
  const { parameters, summary } = calibrateFromRuns(base, [
    { result: traditional, file: 'runs/traditional.json' },
    { result: serverless, file: 'runs/serverless.json' },
  ]);

  it('maps journey steps to the domains whose routes serve them', () => {
    expect(domainOfPath('/products/42')).toBe('catalog');
    expect(domainOfPath('/users/login')).toBe('users');
    expect(domainOfPath('/cart/items')).toBe('cart');
    expect(domainOfPath('/payments')).toBe('payments');
    expect(domainOfStep('checkout.login')).toBe('users');
    expect(domainOfStep('viewProduct.view')).toBe('catalog');
    expect(domainOfStep('browse.nonsense')).toBeUndefined();
  });

  it('takes the request mix from the run’s steps', () => {
    expect(parameters.requestMix.origin.kind).toBe('measured');
    const mix = parameters.requestMix.value;
    expect(Object.values(mix).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    // The fixture's steps: browse.list, search.search and viewProduct.view are catalog requests.
    const catalog = ['browse.list', 'search.search', 'viewProduct.view'].reduce((n, k) => n + (serverless.steps[k]?.requests ?? 0), 0);
    const all = Object.values(serverless.steps).reduce((n, s) => n + s.requests, 0);
    expect(mix.catalog).toBeCloseTo(catalog / all, 9);
  });

  it('calibrates the instance busy time per request from CPUUtilization, instances and RequestCount', () => {
    expect(parameters.cpuServiceTime.origin.kind).toBe('calibrated');
    // Independently: per busy minute, CPU% × 2 vCPUs × instances × 60 s / requests; the median.
    const dps = traditional.scalingTimeline.datapoints;
    const at = (metric: string, ts: string) => dps.find((d) => d.metric === metric && d.timestamp === ts)?.value;
    const stamps = [...new Set(dps.filter((d) => d.metric === 'RequestCount').map((d) => d.timestamp))].sort();
    const periodS = (Date.parse(stamps[1]!) - Date.parse(stamps[0]!)) / 1000;
    const samples = stamps
      .map((ts) => ({ cpu: at('CPUUtilization', ts), n: at('GroupInServiceInstances', ts), r: at('RequestCount', ts) }))
      .filter((s) => s.cpu !== undefined && s.cpu >= 20 && s.n && s.r)
      .map((s) => ((s.cpu! / 100) * 2 * s.n! * periodS * 1000) / s.r!)
      .sort((a, b) => a - b);
    expect(samples.length).toBeGreaterThan(0);
    const mid = Math.floor(samples.length / 2);
    const expected = samples.length % 2 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
    const mixMean = Object.entries(parameters.requestMix.value).reduce((s, [d, w]) => s + w * meanMs(parameters.cpuServiceTime.value[d as 'users']), 0);
    expect(mixMean).toBeCloseTo(expected, 2);
    // One mixture per domain over its request kinds, each labelled with its route.
    const catalog = parameters.cpuServiceTime.value.catalog;
    expect(catalog.family).toBe('mixture');
    if (catalog.family === 'mixture') expect(catalog.parts.map((p) => p.route).sort()).toEqual(['category', 'list', 'search', 'view'].filter((r) => Object.keys(traditional.steps).some((k) => k.endsWith(`.${r}`))));
  });

  it('takes an AWS run’s CPU as the instance type’s own: no machine-to-instance speed ratio', () => {
    const onAws: BenchResult = { ...traditional, target: { ...traditional.target, kind: 'aws' } };
    const slower = { ...base, instanceSpeedRatio: { ...base.instanceSpeedRatio, value: 2 } };
    const local = calibrateFromRuns(slower, [{ result: traditional, file: 'local.json' }]).parameters;
    const aws = calibrateFromRuns(slower, [{ result: onAws, file: 'aws.json' }]).parameters;
    expect(local.instanceSpeedRatio.value).toBe(2);
    expect(aws.instanceSpeedRatio).toMatchObject({ value: 1, origin: { kind: 'measured' } });
    // The busy time itself is the same figure; only the conversion differs.
    expect(meanMs(aws.cpuServiceTime.value.catalog)).toBeCloseTo(meanMs(local.cpuServiceTime.value.catalog), 9);
  });

  it('keeps each request kind’s cost relative to the others: a login costs more than reading the profile', () => {
    // The quiet-machine run: a login hashes a password (~115 ms), GET /users/me reads one row (~4 ms).
    const quiet = (m: string) => BenchResultSchema.parse(JSON.parse(readFileSync(path.resolve('test/projection/fixtures/quiet-spike', `${m}.json`), 'utf8')));
    const { parameters: q } = calibrateFromRuns(base, [{ result: quiet('traditional'), file: 't' }, { result: quiet('serverless'), file: 's' }]);
    const users = q.cpuServiceTime.value.users;
    if (users.family !== 'mixture') throw new Error('users is not a mixture');
    const part = (route: string) => meanMs(users.parts.find((p) => p.route === route)!.time);
    expect(part('login') / part('me')).toBeGreaterThan(10);
    // A phase of logins only makes the users domain cost what a login costs, and moves the whole mix to users.
    const onlyLogins = forPhase(q, { name: 'x', warmup: false, startS: 0, durationS: 1, targetRate: 1, routeRequests: { login: 10 } });
    expect(onlyLogins.requestMix.value.users).toBe(1);
    expect(meanMs(onlyLogins.cpuServiceTime.value.users)).toBeCloseTo(part('login'), 6);
    expect(meanMs(q.cpuServiceTime.value.users)).toBeLessThan(part('login'));
  });

  it('takes each function’s mean duration and the Init distribution from the serverless run', () => {
    expect(parameters.lambdaDuration.origin.kind).toBe('measured');
    // The measured window: from the first phase after the warm-up to the end (the fixture has no saturated periods).
    const from = serverless.phases.find((p) => !p.warmup)!.startedAt;
    const dps = serverless.scalingTimeline.datapoints.filter((d) => d.dimensions.FunctionName?.endsWith('-catalog') && d.timestamp >= from);
    const invocations = dps.filter((d) => d.metric === 'Invocations').reduce((s, d) => s + d.value, 0);
    const duration = dps.filter((d) => d.metric === 'Duration').reduce((s, d) => s + d.value, 0);
    expect(meanMs(parameters.lambdaDuration.value.catalog)).toBeCloseTo(duration / invocations, 6);
    expect(meanMs(parameters.coldStartInit.value)).toBeCloseTo(serverless.totals.coldStarts.initMs.mean, 6);
    expect(summary).toMatch(/runs\/traditional\.json/);
  });
});

describe('project: which runs it reads', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'archcompare-project-'));
  const results = path.join(dir, 'results');
  mkdirSync(path.join(results, 'r1'), { recursive: true });
  for (const m of ['traditional', 'serverless']) cpSync(path.join(fixtures, `${m}.json`), path.join(results, 'r1', `${m}.json`));
  const common = { profile: 'black-friday', cost: false, projectionsDir: path.join(dir, 'projections') } as const;

  it('calibrates from the latest run by default and says which', async () => {
    const o = await project({ ...common, resultsDir: results });
    expect(o.calibration).toMatch(/calibrated from traditional .*r1.traditional\.json/);
    expect(o.parameters.find((p) => p.name === 'cpuServiceTime')!.origin).toBe('calibrated');
  });

  it('falls back to modelled defaults without any saved run, and says so', async () => {
    const o = await project({ ...common, resultsDir: path.join(dir, 'none') });
    expect(o.calibration).toMatch(/^modelled defaults: no bench run/);
    expect(o.parameters.find((p) => p.name === 'cpuServiceTime')!.origin).toBe('modelled');
  });

  it('names a missing run in one line with the fix', async () => {
    await expect(project({ ...common, resultsDir: results, results: 'nope' })).rejects.toThrow(/--results nope: no bench result/);
  });
});
