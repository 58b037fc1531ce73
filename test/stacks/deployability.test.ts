import { beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../../src/config/load-config.js';
import { UserError } from '../../src/errors.js';
import { isBurstable, lambdaRuntimeProblem, postgresVersionProblem, StackConfigSchema } from '../../src/config/stack-config.js';
import { resource, synthJson, type TerraformJson } from '../support/synth.js';

/** What AWS accepts today (issue 13): runtimes, engine versions, credit mode, and instances that boot on their own. */

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
const configError = (input: unknown) => {
  const r = StackConfigSchema.safeParse(input);
  return r.success ? undefined : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
};

describe('config: only what AWS still lets you create', () => {
  it('runs Node.js 22 on Lambda by default and refuses a deprecated runtime with its date', () => {
    expect(StackConfigSchema.parse({}).serverless.lambdaRuntime).toBe('nodejs22.x');
    expect(configError({ serverless: { lambdaRuntime: 'nodejs20.x' } })).toBe(
      'serverless.lambdaRuntime: nodejs20.x was deprecated by AWS Lambda on 2026-04-30 (creating functions on it is then blocked): use nodejs22.x',
    );
    // The pinned provider (5.100.0) does not know nodejs24.x.
    expect(configError({ serverless: { lambdaRuntime: 'nodejs24.x' } })).toMatch(/^serverless\.lambdaRuntime: is not a Node\.js runtime the pinned AWS provider accepts/);
  });

  it('judges a runtime by the day: nodejs22.x is refused from its own deprecation date', () => {
    expect(lambdaRuntimeProblem('nodejs22.x', day('2027-04-29'))).toBeUndefined();
    expect(lambdaRuntimeProblem('nodejs22.x', day('2027-04-30'))).toMatch(/^nodejs22\.x was deprecated by AWS Lambda on 2027-04-30 .*: use a newer runtime$/);
    expect(lambdaRuntimeProblem('nodejs20.x', day('2026-04-29'))).toBeUndefined();
  });

  it('defaults to PostgreSQL 17 and refuses a major past RDS standard support with its date', () => {
    expect(StackConfigSchema.parse({}).traditional.dbEngineVersion).toBe('17');
    expect(configError({ traditional: { dbEngineVersion: '13' } })).toBe(
      'traditional.dbEngineVersion: PostgreSQL 13 left RDS standard support on 2026-02-28 (RDS would bill Extended Support): use 14, 15, 16, 17, 18 (RDS standard support)',
    );
    expect(configError({ traditional: { dbEngineVersion: '13.20' } })).toMatch(/PostgreSQL 13 left RDS standard support on 2026-02-28/);
    expect(configError({ traditional: { dbEngineVersion: '12' } })).toMatch(/PostgreSQL 12 is not a major RDS supports here/);
    expect(configError({ traditional: { dbEngineVersion: '16.6' } })).toBeUndefined();
    expect(postgresVersionProblem('14', day('2027-02-28'))).toBeUndefined();
    expect(postgresVersionProblem('14', day('2027-03-01'))).toMatch(/^PostgreSQL 14 left RDS standard support on 2027-02-28 .*: use 15, 16, 17, 18/);
  });

  it('says field, date and fix in one line when loading a config', async () => {
    const err = await loadStackConfig(undefined, { traditional: { dbEngineVersion: '13' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).oneLine).toMatch(/^stack config: traditional\.dbEngineVersion: PostgreSQL 13 left RDS standard support on 2026-02-28 [^\n]*\. Fix: /);
  });

  it('knows the burstable families', () => {
    expect(['t2.micro', 't3.small', 't3a.medium', 't4g.large'].map(isBurstable)).toEqual([true, true, true, true]);
    expect(['m7g.large', 'c6i.xlarge', 'm5.large'].map(isBurstable)).toEqual([false, false, false]);
  });
});

describe('traditional stack: deployable on a fresh account', () => {
  let json: TerraformJson;
  let userData: string;
  beforeAll(async () => {
    ({ json } = await synthJson('traditional'));
    userData = String(resource(json, 'aws_launch_template', 'app').user_data);
  });

  it('installs the Node.js major Lambda runs and starts the server with it', () => {
    expect(userData).toContain('dnf install -y nodejs22\\n');
    expect(userData).toContain('ExecStart=/usr/bin/node-22 server/index.mjs');
    expect(userData).not.toMatch(/node(js)?-?20/);
  });

  it('writes no secret to the instance: the server reads both secrets itself', () => {
    expect(userData).not.toMatch(/PGPASSWORD|get-secret-value|jq /);
    expect(userData).toContain('DB_SECRET_ARN=${aws_db_instance.main.master_user_secret[0].secret_arn}');
    expect(userData).toContain('PGUSER=${aws_db_instance.main.username}');
    expect(userData).toContain('JWT_SECRET_ARN=${aws_secretsmanager_secret.jwt.arn}');
  });

  it('restarts the server with a delay and without a start limit', () => {
    const unit = /\[Unit\](.*?)\[Service\](.*?)\[Install\]/s.exec(userData.replace(/\\n/g, '\n'));
    expect(unit).not.toBeNull();
    expect(unit![1]).toMatch(/^StartLimitIntervalSec=0$/m);
    expect(unit![2]).toMatch(/^Restart=always$/m);
    expect(unit![2]).toMatch(/^RestartSec=[1-9]\d*$/m);
  });

  it('never enrols the database in paid Extended Support', () => {
    expect(resource(json, 'aws_db_instance', 'main')).toMatchObject({ engine_version: '17', engine_lifecycle_support: 'open-source-rds-extended-support-disabled' });
  });

  it('launches burstable instances in standard credit mode unless unlimited is asked for', async () => {
    expect(resource(json, 'aws_launch_template', 'app').credit_specification).toEqual({ cpu_credits: 'standard' });
    const unlimited = (await synthJson('traditional', { traditional: { cpuCredits: 'unlimited', instanceType: 't4g.small' } })).json;
    expect(resource(unlimited, 'aws_launch_template', 'app').credit_specification).toEqual({ cpu_credits: 'unlimited' });
    // Not burstable: no credit specification at all (EC2 rejects one).
    const fixed = (await synthJson('traditional', { traditional: { instanceType: 'm7g.large' } })).json;
    expect(resource(fixed, 'aws_launch_template', 'app')).not.toHaveProperty('credit_specification');
  });
});

describe('serverless stack: the Lambda runtime', () => {
  it('deploys every function on nodejs22.x by default', async () => {
    const { json } = await synthJson('serverless');
    const runtimes = Object.values(json.resource.aws_lambda_function ?? {}).map((f) => f.runtime);
    expect(runtimes.length).toBeGreaterThanOrEqual(6);
    expect(new Set(runtimes)).toEqual(new Set(['nodejs22.x']));
  });
});
