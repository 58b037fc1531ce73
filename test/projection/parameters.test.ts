import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELLED_PARAMETERS } from '../../src/architecture/modelled-parameters.js';
import { StackConfigSchema } from '../../src/config/stack-config.js';
import { applyCalibration, CalibrationFileSchema, modelledParameters, parameterRows } from '../../src/projection/parameters.js';
import { project } from '../../src/projection/project-service.js';
import { meanMs } from '../../src/projection/service-time.js';

const config = { ...StackConfigSchema.parse({}), runId: 'projected' };
const base = modelledParameters(config, { value: 10, unit: 's', origin: { kind: 'config', source: 'the test’s request timeout' } });

describe('projection parameters', () => {
  it('lists every parameter with an origin and a source; modelled ones name a registry entry', () => {
    const rows = parameterRows(base);
    expect(rows.length).toBe(Object.keys(base).length);
    const ids = new Set(MODELLED_PARAMETERS.map((p) => p.id));
    for (const [name, p] of Object.entries(base)) {
      expect(p.origin.source.length, name).toBeGreaterThan(5);
      if (p.origin.kind === 'modelled') expect(ids.has(p.origin.id), `${name}: ${p.origin.id}`).toBe(true);
    }
    // The stack config's values, not copies: a different config changes them.
    const other = modelledParameters({ ...StackConfigSchema.parse({ traditional: { instanceType: 'm7g.xlarge', dbInstanceClass: 'db.r7g.large' } }), runId: 'projected' }, base.requestTimeoutSeconds);
    expect(other.instanceVcpus.value).toBe(4);
    expect(other.dbMaxConnections.value).toBe(Math.floor((16 * 1024 ** 3) / 9531392));
  });

  it('a calibration file overrides any parameter, including the service-time family, each marked override', () => {
    const file = CalibrationFileSchema.parse({
      serviceTimeFamily: 'exponential',
      cpuServiceTime: { catalog: 5 },
      lambdaDuration: { family: 'empirical', quantilesMs: [10, 20, 30] },
      accountConcurrencyLimit: 3000,
    });
    const p = applyCalibration(base, file, 'my.yaml');
    expect(p.accountConcurrencyLimit).toMatchObject({ value: 3000, origin: { kind: 'override' } });
    expect(p.cpuServiceTime.value.catalog).toEqual({ family: 'exponential', meanMs: 5 });
    expect(p.cpuServiceTime.value.users.family).toBe('exponential');
    expect(p.dbServiceTime.value.orders.family).toBe('exponential');
    expect(meanMs(p.lambdaDuration.value.cart)).toBe(20);
    expect(p.cpuServiceTime.origin.source).toMatch(/my\.yaml/);
  });

  it('names the field and the fix of a bad calibration file in one line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'archcompare-calibration-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'accountConcurrencyLimit: -5\n');
    await expect(project({ profile: 'black-friday', calibrationFile: file, cost: false, resultsDir: path.join(dir, 'none'), projectionsDir: dir })).rejects.toThrow(/calibration file .*bad\.yaml: accountConcurrencyLimit/);
  });
});
