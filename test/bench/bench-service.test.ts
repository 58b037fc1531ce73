import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { render } from 'ink-testing-library';
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { bench, chooseTimeScale } from '../../src/bench/bench-service.js';
import { readResult } from '../../src/bench/result-store.js';
import { BenchProgressView } from '../../src/bench/ui/bench-progress-view.js';
import { plainRenderer } from '../../src/bench/ui/progress-renderer.js';
import { UserError } from '../../src/errors.js';
import { upsertDeployment } from '../../src/state/registry.js';
import { startKnownServer, type KnownServer } from './known-server.js';
import { awsRecord, monitoredResources, replayData } from '../support/cloudwatch-fixtures.js';
import { startCloudWatchReplay } from '../support/cloudwatch-replay.js';
import { tempDir } from '../support/temp-dir.js';

let server: KnownServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function tempProfile(): Promise<string> {
  const { writeFile } = await import('node:fs/promises');
  const dir = tempDir('ac-prof-');
  const file = path.join(dir, 'tiny.yaml');
  await writeFile(file, 'name: tiny\ndescription: two short phases\ntimeScale: 2\nmix: { browse: 1, viewProduct: 1 }\nphases:\n  - { name: one, duration: 2s, rate: 20 }\n  - { name: two, duration: 2s, rate: 40 }\n');
  return file;
}

describe('bench service', () => {
  it('benches every deployed model from the registry and saves one result per model', async () => {
    server = await startKnownServer({ delayMs: 2 });
    const root = tempDir('ac-state-');
    const now = new Date().toISOString();
    await upsertDeployment(
      { model: 'serverless', target: 'local', runId: 'dep1', status: 'deployed', createdAt: now, updatedAt: now, url: server.url, outputs: {}, stateDir: path.join(root, 'deployments', 'serverless'), local: { supervisorPid: 1, metricsDir: path.join(root, 'none'), timeScale: 4 } },
      root,
    );
    const lines: string[] = [];
    const renderer = plainRenderer((l) => lines.push(l));
    const outcome = await bench({ profile: await tempProfile(), stateRoot: root, onProgress: (p) => renderer.progress(p), onResult: (f, r) => renderer.result(f, r) });
    expect(outcome.files).toEqual([path.join(root, 'results', outcome.runId, 'serverless.json')]);
    const saved = await readResult(outcome.files[0]!);
    expect(saved.model).toBe('serverless');
    expect(saved.target).toMatchObject({ kind: 'local', url: server.url, deploymentRunId: 'dep1' });
    // The deployment's time scale wins over the profile's: 2 s phases run for 0.5 s.
    expect(saved.timeScale).toBe(4);
    expect(saved.phases.map((p) => [p.name, p.schedule.scheduled])).toEqual([
      ['one', 10],
      ['two', 20],
    ]);
    expect(saved.scalingTimeline.source).toBe('none');
    expect(lines.filter((l) => l.includes('] phase '))).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('  saved '))).toBe(true);
    expect(await readdir(path.join(root, 'results', outcome.runId))).toEqual(['serverless.json']);
  });

  it('records an AWS deployment’s server-side metrics from CloudWatch, after saying it reads them', async () => {
    server = await startKnownServer({ delayMs: 2 });
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const resources = monitoredResources('traditional');
    const cloudwatch = await startCloudWatchReplay(replayData([resources], start, 4));
    try {
      const root = tempDir('ac-state-');
      const now = new Date().toISOString();
      await upsertDeployment({ ...awsRecord('traditional', cloudwatch.url, resources), runId: 'dep2', createdAt: now, updatedAt: now, url: server.url, stateDir: path.join(root, 'deployments', 'traditional') }, root);
      const lines: string[] = [];
      const renderer = plainRenderer((l) => lines.push(l));
      const outcome = await bench({ profile: await tempProfile(), stateRoot: root, timeScale: 4, onProgress: (p) => renderer.progress(p) });
      const saved = await readResult(outcome.files[0]!);
      expect(saved.target).toMatchObject({ kind: 'aws', url: server.url, region: 'us-east-1', deploymentRunId: 'dep2' });
      expect(saved.scalingTimeline).toMatchObject({ source: 'cloudwatch', partial: false });
      expect(saved.scalingTimeline.datapoints.some((d) => d.metric === 'GroupInServiceInstances' && d.dimensions.AutoScalingGroupName === resources.AutoScalingGroupName)).toBe(true);
      expect(saved.scalingTimeline.windowStatistics?.find((d) => d.metric === 'TargetResponseTime')?.percentiles?.p95).toBe(0.019);
      expect(lines).toContain('[traditional] reading CloudWatch metrics');
    } finally {
      await cloudwatch.stop();
    }
  });

  it('refuses a model that is not deployed, and an empty registry, in one line', async () => {
    const root = tempDir('ac-state-');
    const profile = await tempProfile();
    await expect(bench({ profile, stateRoot: root })).rejects.toThrow(/nothing is deployed/);
    const err = await bench({ profile, stateRoot: root, models: ['traditional'] }).catch((e: unknown) => e as UserError);
    expect((err as UserError).oneLine).toMatch(/traditional is not deployed\. Fix: run 'archcompare deploy --model traditional'/);
    await expect(bench({ profile, stateRoot: root, url: 'not a url' })).rejects.toThrow(/--url/);
    await expect(bench({ profile, stateRoot: root, url: 'http://127.0.0.1:1', timeScale: 0 })).rejects.toThrow(/--time-scale/);
  });

  it('refuses a projection profile before touching any target, pointing to archcompare project', async () => {
    // Nothing deployed and a URL nobody serves: the profile is refused first.
    const err = await bench({ profile: 'black-friday', stateRoot: tempDir('ac-state-'), url: 'http://127.0.0.1:1' }).catch((e: unknown) => e as UserError);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).oneLine).toMatch(/^--profile black-friday: black-friday is a projection profile \(50,000 req\/s at its peak\), beyond what one machine's load generator can send\. Fix: project it with 'archcompare project --profile black-friday'/);
    await expect(bench({ profile: 'month', stateRoot: tempDir('ac-state-'), url: 'http://127.0.0.1:1' })).rejects.toThrow(/month is a projection profile/);
  });

  it('chooses the time scale: flag, then the local deployment, then the profile (local only)', () => {
    const local = { model: 'serverless' as const, kind: 'local' as const, url: 'http://x' };
    expect(chooseTimeScale(3, local, 10, 5)).toBe(3);
    expect(chooseTimeScale(undefined, local, 10, 5)).toBe(10);
    expect(chooseTimeScale(undefined, local, undefined, 5)).toBe(5);
    expect(chooseTimeScale(undefined, { ...local, kind: 'aws' }, undefined, 5)).toBe(1);
  });
});

describe('live progress view', () => {
  it('shows phase, time, rate vs target, p95, errors, 429s, cold starts and capacity', () => {
    const { lastFrame } = render(
      React.createElement(BenchProgressView, {
        state: {
          lines: ['[serverless] phase baseline · 30.0s · 750 req'],
          progress: { model: 'serverless', stage: 'phase', phase: 'peak', phaseIndex: 2, phaseCount: 5, warmup: false, phaseElapsedS: 30, phaseDurationS: 60, runElapsedS: 70, runRemainingS: 66, targetRps: 250, currentRps: 247, p95Ms: 12.345, errors: 3, throttled: 7, coldStarts: 11, capacity: 4 },
        },
      }),
    );
    const frame = lastFrame() ?? '';
    expect(frame).toContain('phase baseline');
    expect(frame).toMatch(/serverless phase peak/);
    expect(frame).toContain('(3/5)');
    expect(frame).toContain('30s/1m00s');
    expect(frame).toMatch(/rate 247\/250 req\/s/);
    expect(frame).toContain('p95 12.3 ms');
    expect(frame).toMatch(/errors 3 · 429s 7 · cold starts 11 · capacity 4/);
  });
});
