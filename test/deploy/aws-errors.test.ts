import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetAccountSettingsCommand, LambdaClient, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProfileExists } from '../../src/deploy/aws-connection.js';
import { classifyAwsFailure, classifySdkError } from '../../src/deploy/aws-errors.js';
import type { UserError } from '../../src/errors.js';
import { requireBinary } from '../support/binaries.js';
import { runCli } from '../support/cli.js';
import { serveRecorded, type RecordedAws } from '../support/recorded-aws.js';
import { tempDir } from '../support/temp-dir.js';

/** An environment with no AWS credentials anywhere: empty config files, no keys, no instance metadata. */
function noCredentialsEnv(dir: string): Record<string, string | undefined> {
  const empty = path.join(dir, 'empty-aws-config');
  writeFileSync(empty, '');
  return {
    AWS_CONFIG_FILE: empty,
    AWS_SHARED_CREDENTIALS_FILE: empty,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  };
}

async function withEnv<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

const failure = (p: Promise<unknown>) => p.then(() => new Error('no failure'), (e: unknown) => e);

describe('AWS SDK failures as one line', () => {
  let server: RecordedAws;
  let answer: { status: number; type: string; message: string } = { status: 403, type: 'UnrecognizedClientException', message: '' };
  beforeAll(async () => {
    // Lambda's REST-JSON errors: the code in x-amzn-ErrorType, the message in the body.
    server = await serveRecorded(() => ({ status: answer.status, headers: { 'x-amzn-errortype': answer.type }, body: { Type: 'User', message: answer.message } }));
  });
  afterAll(() => server.close());
  const lambda = (extra: Record<string, unknown> = {}) => new LambdaClient({ region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wrong' }, maxAttempts: 1, ...extra });

  it('a named profile that does not exist', async () => {
    const dir = tempDir('archcompare-awserr-');
    const env = noCredentialsEnv(dir);
    const err = await failure(checkProfileExists('shop-dev', env as NodeJS.ProcessEnv));
    expect((err as UserError).problem).toBe(`AWS profile "shop-dev" is not in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE}`);
    expect((err as UserError).fix).toMatch(/aws configure list-profiles/);
    writeFileSync(env.AWS_CONFIG_FILE!, '[default]\nregion = us-east-1\n\n[profile shop-dev]\nregion = eu-west-1\n');
    await expect(checkProfileExists('shop-dev', env as NodeJS.ProcessEnv)).resolves.toBeUndefined();
    // terraform's own wording of the same problem.
    expect(classifyAwsFailure('Error: failed to get shared config profile, shop-dev')?.problem).toBe('AWS profile "shop-dev" is not in ~/.aws/config or ~/.aws/credentials');
  });

  it('no credentials at all', async () => {
    const dir = tempDir('archcompare-awserr-');
    const err = await withEnv(noCredentialsEnv(dir), () => failure(new LambdaClient({ region: 'us-east-1', maxAttempts: 1 }).send(new GetAccountSettingsCommand({}))));
    expect(classifySdkError(err)?.problem, String(err)).toBe('no AWS credentials were found');
  });

  it('an unknown access key, an expired session, a reservation over the account quota', async () => {
    answer = { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    expect(classifySdkError(await failure(lambda().send(new GetAccountSettingsCommand({}))))?.problem).toMatch(/AWS rejected the credentials/);
    answer = { status: 403, type: 'ExpiredTokenException', message: 'The security token included in the request is expired' };
    expect(classifySdkError(await failure(lambda().send(new GetAccountSettingsCommand({}))), { profile: 'ci' })?.problem).toBe('the AWS credentials of profile "ci" have expired');
    answer = { status: 400, type: 'InvalidParameterValueException', message: "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]." };
    const quota = classifySdkError(await failure(lambda().send(new PutFunctionConcurrencyCommand({ FunctionName: 'f', ReservedConcurrentExecutions: 500 })))) as UserError;
    expect(quota.problem).toMatch(/fewer than 100 unreserved/);
    expect(quota.fix).toMatch(/L-B99A9384/);
  });

  it('anything else is left alone', () => {
    expect(classifyAwsFailure('Error: creating ALB: ValidationError: name too long')).toBeUndefined();
    expect(classifySdkError(new Error('socket hang up'))).toBeUndefined();
  });
});

const terraform = requireBinary('terraform', 'the terraform error mapping');

describe.skipIf(!terraform)('deploy --target aws without usable credentials', () => {
  it('says so in one line, leaving no record: a missing profile, and (terraform) no credentials', async () => {
    const cwd = tempDir('archcompare-awserr-cli-');
    const env = noCredentialsEnv(cwd);
    const errorsOf = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('Error:'));
    const missing = await runCli(['deploy', '--model', 'traditional', '--target', 'aws', '--aws-profile', 'shop-dev', '--yes'], { cwd, env });
    expect(missing.code, missing.stderr).toBe(2);
    expect(errorsOf(missing.stderr), missing.stderr).toEqual([expect.stringMatching(/^Error: AWS profile "shop-dev" is not in .*empty-aws-config\. Fix: list the profiles/)]);
    // terraform's AWS provider finds no credential source when it plans.
    const none = await runCli(['deploy', '--model', 'traditional', '--target', 'aws', '--yes'], { cwd, env });
    expect(none.code, none.stderr).not.toBe(0);
    expect(none.stderr).toMatch(/terraform plan/);
    expect(errorsOf(none.stderr), none.stderr).toEqual([expect.stringMatching(/^Error: no AWS credentials were found\. Fix: sign in/)]);
    expect(JSON.parse((await runCli(['status', '--json'], { cwd })).stdout)).toEqual([]);
  }, 300_000);
});
