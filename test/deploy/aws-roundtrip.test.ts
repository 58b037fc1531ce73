import { CreateLogGroupCommand, CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG_CREATED_AT, TAG_RUN_ID, createdAtTagValue } from '../../src/architecture/tags.js';
import { leftovers } from '../support/aws-leftovers.js';
import { requireBinary } from '../support/binaries.js';
import { runCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { tempDir } from '../support/temp-dir.js';
import { archcompareSteps } from '../support/workflows.js';

const terraform = requireBinary('terraform', 'the deploy/destroy round trip');
const motoBin = requireBinary('moto_server', 'the deploy/destroy round trip');

type StatusRow = { model: string; status: string; runId: string; target: string; endpointUrl: string; remoteState?: string; outputs: Record<string, string> };

/**
 * The AWS example workflow's own commands (examples/github-actions/aws.yml) against moto_server, one
 * terraform apply per stack for the whole file: they take minutes. moto does not serve the app, so
 * bench and report are left out; everything around them runs as CI runs it, plus what CI relies on:
 * the cost guardrail, the state in S3 surviving the runner, the sweep, and the stale sweep.
 */
describe.skipIf(!terraform || !motoBin)('the AWS workflow against moto_server: deploy both, status, destroy from another runner, sweep, stale', () => {
  let moto: Moto;
  const runner = { a: '', b: '', c: '' };
  const bucket = 'archcompare-ci-state';
  const cfg = () => ({ region: 'us-east-1', endpoint: moto.url, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  beforeAll(async () => {
    moto = await startMoto(motoBin!);
    runner.a = tempDir('archcompare-runner-a-');
    runner.b = tempDir('archcompare-runner-b-');
    runner.c = tempDir('archcompare-runner-c-');
    await new S3Client(cfg()).send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    for (const cwd of Object.values(runner)) if (cwd) await runCli(['destroy', '--all', '--state', `s3://${bucket}/ci`, '--endpoint-url', moto.url], { cwd });
    await moto?.stop();
  });
  const vars = () => ({ AWS_REGION: 'us-east-1', ARCHCOMPARE_STATE: `s3://${bucket}/ci`, 'inputs.profile': 'steady' });
  const workflow = () => archcompareSteps('aws.yml', vars());
  /** A workflow step's command pointed at the emulator. */
  const onMoto = (argv: string[]) => [...argv, '--endpoint-url', moto.url];

  it('refuses a plan above --max-hourly-cost before anything is created', async () => {
    const deploy = workflow().find((s) => s.argv[0] === 'deploy' && s.argv.includes('traditional'))!;
    const argv = onMoto(deploy.argv.map((a, i, all) => (all[i - 1] === '--max-hourly-cost' ? '0.01' : a)));
    const r = await runCli([...argv, '--run-id', 'ac-toodear'], { cwd: runner.c });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/\[deploy traditional\] the plan creates \d+ resources costing \$\d+\.\d{4}\/hour, \$\d+\.\d{2}\/month at list price \(us-east-1, prices as of/);
    expect(r.stderr).toMatch(/^Error: the plan costs \$\d+\.\d{4}\/hour \(\$\d+\.\d{2}\/month\) at list price, above --max-hourly-cost \$0\.0100\. Fix: /m);
    expect(r.stderr).not.toMatch(/terraform apply/);
    expect(await leftovers(moto.url, 'ac-toodear')).toEqual([]);
    expect(JSON.parse((await runCli(['status', '--json'], { cwd: runner.c })).stdout)).toEqual([]);
  }, 600_000);

  it("deploys both with the workflow's commands, and a second runner destroys them from the S3 state, sweeping what terraform did not make", async () => {
    const deploys = workflow().filter((s) => s.job === 'compare' && s.argv[0] === 'deploy');
    expect(deploys.map((s) => s.argv[2])).toEqual(['traditional', 'serverless']);
    const results = await Promise.all(deploys.map((s) => runCli(onMoto(s.argv), { cwd: runner.a })));
    for (const d of results) expect(d.code, d.stderr).toBe(0);
    expect(results[0]!.stderr).toMatch(/the plan creates \d+ resources costing \$/);
    expect(results[0]!.stderr).toMatch(/terraform apply \d+\/\d+: created aws_/);
    expect(results[0]!.stdout).toMatch(/traditional is up: http:\/\/acshop-ac-[a-z0-9]+-alb/);
    expect(results[1]!.stderr).toMatch(/Lambda concurrency not checked: the emulator at http:\/\/127\.0\.0\.1:\d+ does not answer GetAccountSettings/);
    expect(results[1]!.stdout).toMatch(/serverless is up: https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com/);
    // The grace period is modelled until boots were measured here; deploy waits for healthy targets and measures them.
    expect(results[0]!.stderr).toMatch(/health-check grace period 180 s \(modelled: boot 150 s \(stack\.instanceBootSeconds\) \+ 2 × 15 s health checks\)/);
    expect(results[0]!.stderr).toMatch(/2 instance boots, EC2 launch → healthy target: i-[0-9a-f]+ \d+ s, i-[0-9a-f]+ \d+ s \(polled every 5 s\)/);
    expect(results[1]!.stderr).not.toMatch(/grace period|instance boot/);
    const history = JSON.parse(readFileSync(path.join(runner.a, '.archcompare', 'instance-boots.json'), 'utf8')) as { boots: Array<Record<string, unknown>> };
    expect(history.boots.map((b) => [b.account, b.region, b.instanceType])).toEqual([['123456789012', 'us-east-1', 't3.small'], ['123456789012', 'us-east-1', 't3.small']]);
    // No certificateArn: deploy says the ALB is HTTP-only; the HTTPS API gets no such warning.
    expect(results[0]!.stderr).toMatch(/HTTP-only \(no traditional\.certificateArn\): fit for benchmarking/);
    expect(results[1]!.stderr).not.toMatch(/HTTP-only/);

    const status = await runCli(['status', '--json'], { cwd: runner.a });
    const rows = JSON.parse(status.stdout) as StatusRow[];
    expect(rows.map((r) => [r.model, r.status, r.target, r.endpointUrl, r.remoteState]).sort()).toEqual([
      ['serverless', 'deployed', 'aws', moto.url, `s3://${bucket}/ci`],
      ['traditional', 'deployed', 'aws', moto.url, `s3://${bucket}/ci`],
    ]);
    const byModel = Object.fromEntries(rows.map((r) => [r.model, r]));
    expect(byModel.traditional!.outputs.alb_dns_name).toMatch(/elb\.amazonaws\.com$/);
    expect(byModel.serverless!.outputs.api_id).toBeTruthy();
    expect((await runCli(['status'], { cwd: runner.a })).stdout).toMatch(/traditional\s+deployed\s+aws us-east-1 via http:\/\/127\.0\.0\.1/);
    // Terraform's state and the records live in S3 (S3 native locking: no lock left once terraform is done).
    const keys = ((await new S3Client(cfg()).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'ci/' }))).Contents ?? []).map((o) => o.Key).sort();
    expect(keys).toEqual(['ci/serverless/deployment.json', 'ci/serverless/terraform.tfstate', 'ci/traditional/deployment.json', 'ci/traditional/terraform.tfstate']);
    // The JWT key was written during the apply (deploy writes nothing after it), and no state file holds it.
    for (const row of rows) {
      const { SecretString } = await new SecretsManagerClient(cfg()).send(new GetSecretValueCommand({ SecretId: row.outputs.jwt_secret_arn }));
      expect(SecretString, `${row.model} JWT key`).toMatch(/^[A-Za-z0-9]{64}$/);
      const state = await (await new S3Client(cfg()).send(new GetObjectCommand({ Bucket: bucket, Key: `ci/${row.model}/terraform.tfstate` }))).Body!.transformToString();
      expect(state).toContain('"secret_string_wo_version": 1');
      expect(state.includes(SecretString!), `${row.model} state holds the JWT key`).toBe(false);
    }
    expect(results.map((r) => r.stderr).join('\n')).not.toMatch(/writing the JWT signing key/);
    const runIds = rows.map((r) => r.runId);
    for (const id of runIds) expect((await leftovers(moto.url, id)).length, `resources of ${id} exist before destroy`).toBeGreaterThan(5);

    // Made outside terraform, by hand: the run's tag, a name without the run id.
    const traditionalRun = byModel.traditional!.runId;
    await new SQSClient(cfg()).send(new CreateQueueCommand({ QueueName: 'made-by-hand', tags: { [TAG_RUN_ID]: traditionalRun } }));

    // Runner A dies; runner B has no registry and no local state, only the workflow's always-run step.
    const destroyStep = workflow().find((s) => s.job === 'compare' && s.argv[0] === 'destroy')!;
    expect(destroyStep.always).toBe(true);
    const destroyed = await runCli(onMoto(destroyStep.argv), { cwd: runner.b });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stderr).toMatch(new RegExp(`found traditional \\(run ${traditionalRun}\\) in s3://${bucket}/ci`));
    expect(destroyed.stderr).toMatch(new RegExp(`left behind after terraform destroy, deleted: sqs queue made-by-hand \\(by tag\\) \\(run ${traditionalRun}\\)`));
    expect(destroyed.stdout).toMatch(/Destroyed: .*Nothing is left\./);
    for (const id of runIds) expect(await leftovers(moto.url, id)).toEqual([]);
    await expect(new SQSClient(cfg()).send(new GetQueueUrlCommand({ QueueName: 'made-by-hand' }))).rejects.toThrow();
    expect((await new S3Client(cfg()).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'ci/' }))).Contents ?? []).toEqual([]);

    // Runner A comes back: destroying again is safe and leaves its registry empty.
    const again = await runCli(onMoto(destroyStep.argv), { cwd: runner.a });
    expect(again.code, again.stderr).toBe(0);
    expect((await runCli(onMoto(destroyStep.argv), { cwd: runner.a })).stdout.trim()).toBe('Nothing is deployed.');
  }, 1_200_000);

  it('the next traditional deploy to the same account, region and instance type takes its grace period from the measured boots', async () => {
    // Another runner with the boot history of the first (its deployment is gone; what the boots taught stays).
    const runnerD = tempDir('archcompare-runner-d-');
    mkdirSync(path.join(runnerD, '.archcompare'));
    copyFileSync(path.join(runner.a, '.archcompare', 'instance-boots.json'), path.join(runnerD, '.archcompare', 'instance-boots.json'));
    const deploy = workflow().find((s) => s.argv[0] === 'deploy' && s.argv.includes('traditional'))!;
    const r = await runCli([...onMoto(deploy.argv.map((a, i, all) => (all[i - 1] === '--max-hourly-cost' ? '0.01' : a))), '--run-id', 'ac-measured'], { cwd: runnerD });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/health-check grace period \d+ s \(measured on \d{4}-\d\d-\d\d from 2 boots: p95 \d+ s × 1\.5 \(stack\.measuredBootMargin\) \+ 2 × 15 s health checks\)/);
  }, 600_000);

  it("the nightly stale sweep finds an old run from its tags alone and keeps a young one", async () => {
    const logs = new CloudWatchLogsClient(cfg());
    const tagged = (runId: string, ageMs: number) => ({ [TAG_RUN_ID]: runId, [TAG_CREATED_AT]: createdAtTagValue(new Date(Date.now() - ageMs)) });
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/acshop-ac-oldrun1-users', tags: tagged('ac-oldrun1', 3 * 3600_000) }));
    await new SQSClient(cfg()).send(new CreateQueueCommand({ QueueName: 'acshop-ac-oldrun1-orders', tags: tagged('ac-oldrun1', 3 * 3600_000) }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/acshop-ac-newrun1-users', tags: tagged('ac-newrun1', 5 * 60_000) }));
    const sweep = workflow().find((s) => s.job === 'stale-sweep')!;
    expect(sweep.argv).toEqual(['destroy', '--stale', '--older-than', '2h', '--region', 'us-east-1']);
    const r = await runCli(onMoto(sweep.argv), { cwd: tempDir('archcompare-runner-nightly-') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Destroyed run ac-oldrun1 \(unknown model, 180 min old\): 2 resource\(s\) deleted\.$/m);
    expect(r.stdout).toMatch(/^Kept run ac-newrun1 \(unknown model\): 5 min old, younger than 2h\.$/m);
  }, 120_000);
});
