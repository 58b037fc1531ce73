import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers } from '../support/aws-leftovers.js';
import { requireBinary } from '../support/binaries.js';
import { runCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { tempDir } from '../support/temp-dir.js';

const terraform = requireBinary('terraform', 'the deploy/destroy round trip');
const motoBin = requireBinary('moto_server', 'the deploy/destroy round trip');

// One terraform round trip per stack for the whole suite: they take minutes against moto.
describe.skipIf(!terraform || !motoBin)('deploy --target aws against moto_server, then destroy', () => {
  let moto: Moto;
  let cwd: string;
  beforeAll(async () => {
    moto = await startMoto(motoBin!);
    cwd = tempDir('archcompare-roundtrip-');
  });
  afterAll(async () => {
    await runCli(['destroy', '--all'], { cwd });
    await moto?.stop();
  });

  it('deploys both stacks, shows them in status, destroys both and leaves nothing', async () => {
    const deploys = await Promise.all(
      (['traditional', 'serverless'] as const).map((model) => runCli(['deploy', '--model', model, '--target', 'aws', '--endpoint-url', moto.url], { cwd })),
    );
    for (const d of deploys) expect(d.code, d.stderr).toBe(0);
    expect(deploys[0]!.stderr).toMatch(/terraform apply \d+\/\d+: created aws_/);
    expect(deploys[0]!.stdout).toMatch(/traditional is up: http:\/\/acshop-ac-[a-z0-9]+-alb/);
    expect(deploys[1]!.stdout).toMatch(/serverless is up: https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com/);
    // No certificateArn: deploy says the ALB is HTTP-only; the HTTPS API gets no such warning.
    expect(deploys[0]!.stderr).toMatch(/HTTP-only \(no traditional\.certificateArn\): fit for benchmarking/);
    expect(deploys[1]!.stderr).not.toMatch(/HTTP-only/);

    const status = await runCli(['status', '--json'], { cwd });
    expect(status.code).toBe(0);
    const rows = JSON.parse(status.stdout) as Array<{ model: string; status: string; runId: string; target: string; endpointUrl: string; outputs: Record<string, string> }>;
    expect(rows.map((r) => [r.model, r.status, r.target, r.endpointUrl]).sort()).toEqual([
      ['serverless', 'deployed', 'aws', moto.url],
      ['traditional', 'deployed', 'aws', moto.url],
    ]);
    const byModel = Object.fromEntries(rows.map((r) => [r.model, r]));
    expect(byModel.traditional!.outputs.alb_dns_name).toMatch(/elb\.amazonaws\.com$/);
    expect(byModel.serverless!.outputs.api_id).toBeTruthy();
    const plain = await runCli(['status'], { cwd });
    expect(plain.stdout).toMatch(/traditional\s+deployed\s+aws us-east-1 via http:\/\/127\.0\.0\.1/);

    const runIds = rows.map((r) => r.runId);
    for (const id of runIds) expect((await leftovers(moto.url, id)).length, `resources of ${id} exist before destroy`).toBeGreaterThan(5);

    const destroyed = await runCli(['destroy', '--all'], { cwd });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toMatch(/Nothing is left/);
    for (const id of runIds) expect(await leftovers(moto.url, id)).toEqual([]);

    const again = await runCli(['destroy', '--all'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('Nothing is deployed.');
  }, 900_000);
});
