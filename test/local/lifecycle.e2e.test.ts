import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { StackConfigSchema, type ResolvedStackConfig } from '../../src/config/stack-config.js';
import { deployLocal, formatLocalStatus } from '../../src/local/index.js';
import { pidAlive, sleep } from '../../src/local/processes.js';
import { client, deployFromStack, destroyLocal, expectNothingLeft, footprint, localStatus } from './support.js';

// `--db system` needs PostgreSQL server binaries under /usr/lib/postgresql; without them this runs on the
// embedded binaries instead (loudly), except in CI where the deploy must then fail.
const systemPg = existsSync('/usr/lib/postgresql');
const db = systemPg || process.env.CI === 'true' ? 'system' : 'embedded';
if (db === 'embedded') console.warn('lifecycle.e2e: no system PostgreSQL (/usr/lib/postgresql): the --db system path is NOT tested here (apt-get install postgresql)');

describe('local lifecycle', () => {
  it('runs both models at once on different ports; a crashed supervisor is detected by status and cleaned by destroy', async () => {
    const [trad, sls] = await Promise.all([
      deployFromStack('traditional', { traditional: { minInstances: 1, desiredInstances: 1 } }, { seedProducts: 0, db }),
      deployFromStack('serverless', {}, { seedProducts: 0 }),
    ]);
    try {
      expect(trad.url).not.toBe(sls.url);
      for (const d of [trad, sls]) expect((await client(d.url)('GET', '/health')).status).toBe(200);
      expect((await localStatus(trad.rec)).snapshot).toMatchObject({ db: { source: db } });

      // A second deploy of a running model is refused with one line and a fix.
      await expect(
        deployLocal({ model: 'serverless', config: { ...StackConfigSchema.parse({}), runId: 'x-y-z1' } as ResolvedStackConfig, terraformJsonPath: 'unused', stateDir: sls.stateDir, timeScale: 60, db: 'embedded' }),
      ).rejects.toThrow();

      const fp = await footprint(trad.stateDir);
      const children = fp.pids.filter((p) => p !== trad.local.supervisorPid);
      expect(children.length).toBeGreaterThanOrEqual(2); // instance + postgres
      process.kill(trad.local.supervisorPid, 'SIGKILL');
      await sleep(300);
      const status = await localStatus(trad.rec);
      expect(status).toMatchObject({ state: 'crashed', alive: false });
      expect(formatLocalStatus(status).join('\n')).toMatch(/crashed .*archcompare destroy --model traditional/s);
      expect(children.some((p) => pidAlive(p))).toBe(true); // orphans are still there until destroy
      await destroyLocal(trad.rec);
      await expectNothingLeft(fp);

      // the other model was untouched; then its supervisor crashes too (workers go with it, dynalite stays orphaned)
      expect((await client(sls.url)('GET', '/health')).status).toBe(200);
      const sfp = await footprint(sls.stateDir);
      process.kill(sls.local.supervisorPid, 'SIGKILL');
      await sleep(300);
      expect((await localStatus(sls.rec)).state).toBe('crashed');
      await destroyLocal(sls.rec);
      await expectNothingLeft(sfp);
    } finally {
      await destroyLocal(trad.rec);
      await destroyLocal(sls.rec);
      await rm(trad.root, { recursive: true, force: true });
      await rm(sls.root, { recursive: true, force: true });
    }
  }, 180_000);

  it('refuses a bad time scale with one line naming the flag', async () => {
    await expect(
      deployLocal({ model: 'serverless', config: { ...StackConfigSchema.parse({}), runId: 'x-y-z1' } as ResolvedStackConfig, terraformJsonPath: 'unused', stateDir: '/tmp/unused', timeScale: 0, db: 'embedded' }),
    ).rejects.toThrow(/--time-scale: '0' is not a number from 1 to 3600/);
  });
});
