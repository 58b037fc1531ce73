import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { CreateLogGroupCommand, CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricKind } from '../../src/architecture/metrics.js';
import { monitoredResourcesOf } from '../../src/architecture/monitored-resources.js';
import { TAG_CREATED_AT, TAG_RUN_ID, createdAtTagValue } from '../../src/architecture/tags.js';
import { metricSeriesOf } from '../../src/targets/cloudwatch/metric-queries.js';
import { leftovers } from '../support/aws-leftovers.js';
import { requireBinary } from '../support/binaries.js';
import { runCli, startCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { tempDir } from '../support/temp-dir.js';
import { archcompareSteps } from '../support/workflows.js';

const terraform = requireBinary('terraform', 'the compare round trip');
const motoBin = requireBinary('moto_server', 'the compare round trip');

type StatusRow = { model: string; status: string; runId: string; target: string; endpointUrl: string; remoteState?: string; outputs: Record<string, string> };

/**
 * The AWS example workflow's own commands (examples/github-actions/aws.yml) against moto_server, one
 * terraform apply per stack for the whole file: they take minutes. The workflow's one `compare` step
 * runs whole: cost guardrail, deploy both with the state in S3, bench (moto does not serve the app:
 * no traffic, said on one line), CloudWatch read from moto (PutMetricData fixtures for the window,
 * put while bench waits for CloudWatch), report with gates, teardown with the sweep; then the
 * always-run destroy step of another runner, and the nightly stale sweep.
 */
describe.skipIf(!terraform || !motoBin)('the AWS workflow against moto_server: compare as one step, destroy from another runner, sweep, stale', () => {
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
  const compareStep = () => workflow().find((s) => s.job === 'compare' && s.argv[0] === 'compare')!;
  const stateKeys = async () => ((await new S3Client(cfg()).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'ci/' }))).Contents ?? []).map((o) => o.Key).sort();

  /** Every count and gauge series the aws target reads for a deployment, one datum per minute around now, as CloudWatch would publish them. */
  async function putMetricFixtures(outputs: Record<string, string>): Promise<void> {
    const resources = monitoredResourcesOf(outputs);
    if (!resources) throw new Error('the deployment records no monitored resources');
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const cw = new CloudWatchClient(cfg());
    const byNamespace = new Map<string, MetricDatum[]>();
    // Not the timing series: moto answers a percentile statistic over stored data with a server error (the replay tests cover them).
    for (const s of metricSeriesOf(resources).filter((x) => metricKind(x.namespace, x.metric) !== 'timing'))
      for (const m of [-1, 0, 1]) {
        const value = s.metric === 'GroupInServiceInstances' || s.metric === 'GroupDesiredCapacity' ? 2 : 3;
        byNamespace.set(s.namespace, [...(byNamespace.get(s.namespace) ?? []), { MetricName: s.metric, Dimensions: s.dimensions, Timestamp: new Date(minute + m * 60_000 + 10_000), StatisticValues: { SampleCount: 1, Sum: value, Minimum: value, Maximum: value }, Unit: s.unit }]);
      }
    for (const [Namespace, data] of byNamespace) for (let i = 0; i < data.length; i += 20) await cw.send(new PutMetricDataCommand({ Namespace, MetricData: data.slice(i, i + 20) }));
  }

  it('refuses both plans when their sum is above --max-hourly-cost, before either is applied', async () => {
    // 0.01/hour: below the traditional plan (about $0.15), above the serverless one (about $0.001). Both are priced before either
    // applies, so neither is (each deployment checked on its own used to let the serverless one apply).
    const argv = onMoto(compareStep().argv.map((a, i, all) => (all[i - 1] === '--max-hourly-cost' ? '0.01' : a)));
    const r = await runCli(argv, { cwd: runner.c });
    expect(r.code, r.stderr).toBe(2);
    for (const model of ['traditional', 'serverless']) expect(r.stderr).toMatch(new RegExp(`\\[deploy ${model}\\] the plan creates \\d+ resources costing \\$\\d+\\.\\d{4}/hour, \\$\\d+\\.\\d{2}/month at list price \\(us-east-1, prices as of`));
    expect(r.stderr).toMatch(/^Error: the plans cost \$\d+\.\d{4}\/hour \(\$\d+\.\d{2}\/month\) together at list price \(traditional \$\d+\.\d{4}, serverless \$\d+\.\d{4}\), above --max-hourly-cost \$0\.0100: nothing was applied\. Fix: /m);
    expect(r.stderr).not.toMatch(/terraform apply/);
    expect(await stateKeys()).toEqual([]);
    expect(JSON.parse((await runCli(['status', '--json'], { cwd: runner.c })).stdout)).toEqual([]);
  }, 600_000);

  it("runs the workflow's compare step whole: no traffic on the emulator, CloudWatch read, report with gates, teardown with the sweep; the always-run destroy of another runner finds nothing", async () => {
    const compare = startCli(onMoto(compareStep().argv), { cwd: runner.a });
    let stderr = '';
    compare.child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    /** Resolves once compare's stderr matches (polled; bounded). */
    const seen = async (pattern: RegExp, what: string, timeoutMs = 900_000) => {
      for (const started = Date.now(); !pattern.test(stderr); await new Promise((resolve) => setTimeout(resolve, 200)))
        if (Date.now() - started > timeoutMs || compare.child.exitCode !== null) throw new Error(`compare never said ${what}:\n${stderr}`);
    };

    // Both deployed; bench's first model sent nothing and waits for CloudWatch to publish its window.
    await seen(/\[bench traditional\] NO TRAFFIC SENT to traditional/, 'the traditional bench sent no traffic');
    const rows = JSON.parse((await runCli(['status', '--json'], { cwd: runner.a })).stdout) as StatusRow[];
    expect(rows.map((r) => [r.model, r.status, r.target, r.endpointUrl, r.remoteState]).sort()).toEqual([
      ['serverless', 'deployed', 'aws', moto.url, `s3://${bucket}/ci`],
      ['traditional', 'deployed', 'aws', moto.url, `s3://${bucket}/ci`],
    ]);
    const byModel = Object.fromEntries(rows.map((r) => [r.model, r]));
    // Terraform's state and the records live in S3 while the run goes on (S3 native locking: no lock left once terraform is done).
    expect(await stateKeys()).toEqual(['ci/serverless/deployment.json', 'ci/serverless/terraform.tfstate', 'ci/traditional/deployment.json', 'ci/traditional/terraform.tfstate']);
    // The JWT key was written during the apply (nothing writes it after), and no state file holds it.
    for (const row of rows) {
      const { SecretString } = await new SecretsManagerClient(cfg()).send(new GetSecretValueCommand({ SecretId: row.outputs.jwt_secret_arn }));
      expect(SecretString, `${row.model} JWT key`).toMatch(/^[A-Za-z0-9]{64}$/);
      const state = await (await new S3Client(cfg()).send(new GetObjectCommand({ Bucket: bucket, Key: `ci/${row.model}/terraform.tfstate` }))).Body!.transformToString();
      expect(state).toContain('"secret_string_wo_version": 1');
      expect(state.includes(SecretString!), `${row.model} state holds the JWT key`).toBe(false);
    }
    // The traditional deploy waited for healthy targets and recorded each instance's boot.
    const history = JSON.parse(readFileSync(path.join(runner.a, '.archcompare', 'instance-boots.json'), 'utf8')) as { boots: Array<Record<string, unknown>> };
    expect(history.boots.map((b) => [b.account, b.region, b.instanceType])).toEqual([['123456789012', 'us-east-1', 't3.small'], ['123456789012', 'us-east-1', 't3.small']]);
    const runIds = rows.map((r) => r.runId);
    for (const id of runIds) expect((await leftovers(moto.url, id)).length, `resources of ${id} exist before teardown`).toBeGreaterThan(5);
    // Made outside terraform, by hand: the run's tag, a name without the run id.
    const traditionalRun = byModel.traditional!.runId;
    await new SQSClient(cfg()).send(new CreateQueueCommand({ QueueName: 'made-by-hand', tags: { [TAG_RUN_ID]: traditionalRun } }));
    await putMetricFixtures(byModel.traditional!.outputs);
    await seen(/\[bench serverless\] NO TRAFFIC SENT to serverless/, 'the serverless bench sent no traffic');
    await putMetricFixtures(byModel.serverless!.outputs);

    const r = await compare.result;
    // A gate on latency fails for want of a figure: nothing was measured that could prove it holds.
    expect(r.code, r.stderr).toBe(99);
    expect(r.stderr).toMatch(/\[deploy traditional\] the plan creates \d+ resources costing \$/);
    // The grace period is modelled until boots were measured here; deploy waits for healthy targets and measures them.
    expect(r.stderr).toMatch(/health-check grace period 180 s \(modelled: boot 150 s \(stack\.instanceBootSeconds\) \+ 2 × 15 s health checks\)/);
    expect(r.stderr).toMatch(/2 instance boots, EC2 launch → healthy target: i-[0-9a-f]+ \d+ s, i-[0-9a-f]+ \d+ s \(polled every 5 s\)/);
    expect(r.stderr).not.toMatch(/writing the JWT signing key/);
    // The shipped t3.small in standard credit mode under a 50% target: said before the apply.
    expect(r.stderr).toMatch(/\[deploy traditional\] warning: traditional\.instanceType t3\.small in standard credit mode is held at 20% of each vCPU/);
    expect(r.stderr).toMatch(/\[deploy serverless\] Lambda concurrency not checked: the emulator at http:\/\/127\.0\.0\.1:\d+ does not answer GetAccountSettings/);
    expect(r.stderr).toMatch(/^\[bench traditional\] NO TRAFFIC SENT to traditional: its front door http:\/\/acshop-ac-[a-z0-9]+-alb\S* does not answer \(.+\); it was deployed on the AWS emulator at http:\/\/127\.0\.0\.1:\d+, which does not serve the app\./m);
    expect(r.stderr).toMatch(/^\[bench serverless\] NO TRAFFIC SENT to serverless: its front door https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com/m);
    expect(r.stderr).toMatch(/^FAIL traditional: p95>300ms \(no figure, from --fail-if\)$/m);
    expect(r.stderr).toMatch(/^FAIL serverless: errors>0\.1% \(no figure, from --fail-if\)$/m);
    expect(r.stderr).toMatch(/^(pass|FAIL) traditional: cost>500\/mo \(\$[\d.]+\/mo, from --fail-if\)$/m);
    expect(r.stderr).toMatch(new RegExp(`\\[destroy\\] left behind after terraform destroy, deleted: sqs queue made-by-hand \\(by tag\\) \\(run ${traditionalRun}\\)`));

    // The report: no client-side figure, CloudWatch's timeline, cost priced from that usage, the gates.
    const md = readFileSync(path.join(runner.a, 'report.md'), 'utf8');
    expect(md).toMatch(/AWS \(us-east-1\): NO TRAFFIC SENT \(the front doors did not answer on the AWS emulator\): no latency, errors or cold starts measured client-side; capacity, server-side latency and Lambda's REPORT lines read from CloudWatch/);
    expect(md).toMatch(/\| all measured phases \|  \| – \| – \|/);
    expect(md).toMatch(/\| p95 latency over the measured phases \| – \| – \| tie \|/);
    expect(md).toMatch(/\| Monthly AWS cost at the measured rate \| \$[\d,.]+\/mo \| \$[\d,.]+\/mo \| .+ \| priced \|/);
    expect(md).toMatch(/### Gates: failed/);
    expect(md).toContain('| `p95>300ms` | --fail-if | ❌ fails no figure | ❌ fails no figure |');
    expect(md).toMatch(/2 → 2 instances/);

    // Nothing left: not what terraform made, not the queue made by hand, not the state in S3.
    for (const id of runIds) expect(await leftovers(moto.url, id)).toEqual([]);
    await expect(new SQSClient(cfg()).send(new GetQueueUrlCommand({ QueueName: 'made-by-hand' }))).rejects.toThrow();
    expect(await stateKeys()).toEqual([]);

    // The workflow's always-run step, on another runner (no registry, no local state): nothing to do.
    const destroyStep = workflow().find((s) => s.job === 'compare' && s.argv[0] === 'destroy')!;
    expect(destroyStep.always).toBe(true);
    const destroyed = await runCli(onMoto(destroyStep.argv), { cwd: runner.b });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout.trim()).toBe('Nothing is deployed.');
  }, 1_500_000);

  it('the next traditional deploy to the same account, region and instance type takes its grace period from the measured boots', async () => {
    // Another runner with the boot history of the first (its deployment is gone; what the boots taught stays).
    const runnerD = tempDir('archcompare-runner-d-');
    mkdirSync(path.join(runnerD, '.archcompare'));
    copyFileSync(path.join(runner.a, '.archcompare', 'instance-boots.json'), path.join(runnerD, '.archcompare', 'instance-boots.json'));
    // A plan-only deploy: the guardrail refuses it after synth, which is where the grace period is chosen.
    const r = await runCli(onMoto(['deploy', '--model', 'traditional', '--target', 'aws', '--region', 'us-east-1', '--yes', '--max-hourly-cost', '0.01', '--run-id', 'ac-measured']), { cwd: runnerD });
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
