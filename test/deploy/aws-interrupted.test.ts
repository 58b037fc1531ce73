import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers } from '../support/aws-leftovers.js';
import { requireBinary } from '../support/binaries.js';
import { runCli, startCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { tempDir } from '../support/temp-dir.js';

const terraform = requireBinary('terraform', 'the interrupted-deploy test');
const motoBin = requireBinary('moto_server', 'the interrupted-deploy test');

describe.skipIf(!terraform || !motoBin)('a deploy interrupted midway', () => {
  let moto: Moto;
  let cwd: string;
  beforeAll(async () => {
    moto = await startMoto(motoBin!);
    cwd = tempDir('archcompare-interrupt-');
  });
  afterAll(async () => {
    await runCli(['destroy', '--all'], { cwd });
    await moto?.stop();
  });

  it('stops on SIGINT keeping state, and destroy then removes everything it created', async () => {
    const deploy = startCli(['deploy', '--model', 'serverless', '--target', 'aws', '--endpoint-url', moto.url, '--run-id', 'ac-interrupt', '--yes'], { cwd });
    // Interrupt once terraform has created a handful of resources (bounded wait).
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('deploy never reached the apply phase')), 240_000);
      let seen = '';
      deploy.child.stderr?.on('data', (d: Buffer) => {
        seen += d.toString();
        const created = [...seen.matchAll(/terraform apply (\d+)\/\d+/g)].map((m) => Number(m[1]));
        if (created.some((n) => n >= 5)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    deploy.child.kill('SIGINT');
    const result = await deploy.result;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/Error: deploy interrupted; terraform stopped and kept its state\. Fix: run `archcompare destroy`/);

    expect((await leftovers(moto.url, 'ac-interrupt')).length, 'the interrupted deploy created resources').toBeGreaterThan(0);
    const status = JSON.parse((await runCli(['status', '--json'], { cwd })).stdout) as Array<{ model: string; status: string }>;
    expect(status).toEqual([expect.objectContaining({ model: 'serverless', status: 'failed' })]);

    const destroyed = await runCli(['destroy', '--model', 'serverless'], { cwd });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(await leftovers(moto.url, 'ac-interrupt')).toEqual([]);
  }, 600_000);
});
