import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STACK } from '../../src/architecture/modelled-parameters.js';
import { StackConfigSchema } from '../../src/config/stack-config.js';
import { describeGracePeriod, instanceBoot, measuredGracePeriod, p95, withMeasuredGracePeriod } from '../../src/deploy/instance-boots.js';
import { appendBootHistory, bootHistoryPath, bootsFor, BOOTS_KEPT_PER_KEY, readBootHistory, type BootHistoryEntry } from '../../src/state/boot-history.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../support/temp-dir.js';

const boot = (bootSeconds: number, day = '2026-12-04') => ({ bootSeconds, healthyAt: `${day}T10:00:00.000Z` });

describe('the health-check grace period from measured boots', () => {
  it('takes the nearest-rank p95: with few boots the slowest, never below it', () => {
    expect(p95([80])).toBe(80);
    expect(p95([91, 80])).toBe(91);
    expect(p95(Array.from({ length: 20 }, (_, i) => i + 1))).toBe(19);
    expect(p95(Array.from({ length: 21 }, (_, i) => i + 1))).toBe(20);
  });

  it('a boot runs from EC2 launch to the first poll that saw the target healthy', () => {
    const b = instanceBoot({ instanceId: 'i-1', instanceType: 't3.small', launchedAt: new Date('2026-12-04T10:00:00Z') }, new Date('2026-12-04T10:01:23.400Z'), 5);
    expect(b).toEqual({ instanceId: 'i-1', instanceType: 't3.small', launchedAt: '2026-12-04T10:00:00.000Z', healthyAt: '2026-12-04T10:01:23.400Z', bootSeconds: 83, resolutionSeconds: 5 });
  });

  it('is p95 × the stated margin plus the health checks, and says so with the date and the count', () => {
    const t = StackConfigSchema.parse({}).traditional;
    const measured = measuredGracePeriod([boot(60, '2026-12-01'), boot(80, '2026-12-04'), boot(70, '2026-12-03')], t)!;
    // Independent arithmetic: 80 s × 1.5 = 120 s, then 2 healthy checks 15 s apart.
    expect(STACK.measuredBootMargin).toBe(1.5);
    expect(measured.seconds).toBe(120 + 2 * 15);
    expect(measured.basis).toEqual({ kind: 'measured', label: 'measured on 2026-12-04 from 3 boots: p95 80 s × 1.5 (stack.measuredBootMargin) + 2 × 15 s health checks' });
    expect(measuredGracePeriod([], t)).toBeUndefined();
  });

  it('replaces the modelled grace period, never one set in the config, and leaves it without boots', () => {
    const modelled = { traditional: StackConfigSchema.parse({}).traditional };
    expect(modelled.traditional.healthCheckGracePeriodSeconds).toBe(STACK.instanceBootSeconds + 2 * 15);
    expect(describeGracePeriod(modelled.traditional)).toBe('health-check grace period 180 s (modelled: boot 150 s (stack.instanceBootSeconds) + 2 × 15 s health checks)');
    const measured = withMeasuredGracePeriod(modelled, [boot(40), boot(44)]);
    expect(describeGracePeriod(measured.traditional)).toBe('health-check grace period 96 s (measured on 2026-12-04 from 2 boots: p95 44 s × 1.5 (stack.measuredBootMargin) + 2 × 15 s health checks)');
    expect(withMeasuredGracePeriod(modelled, [])).toBe(modelled);

    const explicit = { traditional: StackConfigSchema.parse({ traditional: { healthCheckGracePeriodSeconds: 400 } }).traditional };
    expect(withMeasuredGracePeriod(explicit, [boot(40)]).traditional.healthCheckGracePeriodSeconds).toBe(400);
    expect(describeGracePeriod(explicit.traditional)).toBe('health-check grace period 400 s (set in the config (traditional.healthCheckGracePeriodSeconds))');
  });
});

describe('the boot history across deployments', () => {
  const entry = (i: number, over: Partial<BootHistoryEntry> = {}): BootHistoryEntry => ({
    instanceId: `i-${i}`,
    instanceType: 't3.small',
    launchedAt: new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString(),
    healthyAt: new Date(Date.UTC(2026, 11, 1, 0, i, 50)).toISOString(),
    bootSeconds: 50,
    resolutionSeconds: 5,
    account: '111122223333',
    region: 'us-east-1',
    runId: 'ac-1',
    ...over,
  });

  it('keeps the newest boots per account, region and instance type, and finds them by that key', async () => {
    const root = tempDir('archcompare-boots-');
    expect(await readBootHistory(root)).toEqual([]);
    await appendBootHistory(root, Array.from({ length: BOOTS_KEPT_PER_KEY + 3 }, (_, i) => entry(i)));
    await appendBootHistory(root, [entry(1, { instanceType: 'm7g.large' }), entry(2, { account: '444455556666' })]);
    const history = await readBootHistory(root);
    const kept = bootsFor(history, { account: '111122223333', region: 'us-east-1', instanceType: 't3.small' });
    expect(kept.map((b) => b.instanceId)).toEqual(Array.from({ length: BOOTS_KEPT_PER_KEY }, (_, i) => `i-${i + 3}`));
    expect(bootsFor(history, { account: '111122223333', region: 'us-east-1', instanceType: 'm7g.large' })).toHaveLength(1);
    expect(bootsFor(history, { account: '111122223333', region: 'eu-west-1', instanceType: 't3.small' })).toEqual([]);
    expect(JSON.parse(readFileSync(bootHistoryPath(root), 'utf8')).version).toBe(1);
  });

  it('a damaged history file is one line naming it, with the fix', async () => {
    const root = tempDir('archcompare-boots-');
    writeFileSync(bootHistoryPath(root), '{"version": 1, "boots": [');
    const err = await readBootHistory(root).catch((e: unknown) => e as UserError);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).oneLine).toBe(`${bootHistoryPath(root)} is not valid JSON. Fix: remove the file: the next traditional deploy on aws measures the boots again`);
  });
});
