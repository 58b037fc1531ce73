import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_FUNCTIONS } from '../../src/architecture/system.js';
import { StackConfigSchema } from '../../src/config/stack-config.js';
import { checkLambdaConcurrency, concurrencyProblem, readAccountConcurrency, UNRESERVED_CONCURRENCY_FLOOR } from '../../src/deploy/lambda-concurrency.js';
import { UserError } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { serveRecorded, type RecordedAws } from '../support/recorded-aws.js';
import { tempDir } from '../support/temp-dir.js';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8')) as Record<string, unknown>;
const NEW_ACCOUNT = fixture('get-account-settings.new-account.json');
const DEFAULT_ACCOUNT = fixture('get-account-settings.default-quota.json');

describe('the Lambda concurrency pre-flight against recorded GetAccountSettings answers', () => {
  let account: Record<string, unknown> = NEW_ACCOUNT;
  let server: RecordedAws;
  beforeAll(async () => {
    // The real Lambda client, pointed at a server that answers GET /2016-08-19/account-settings as Lambda does.
    server = await serveRecorded((req) => (req.method === 'GET' && req.path === '/2016-08-19/account-settings/' ? { body: account } : req.path === '/2016-08-19/account-settings' ? { body: account } : undefined));
  });
  afterAll(() => server.close());
  const conn = () => ({ region: 'us-east-1', endpointUrl: server.url });

  it('reads the account limit with the real SDK client', async () => {
    account = DEFAULT_ACCOUNT;
    expect(await readAccountConcurrency(conn())).toEqual({ concurrentExecutions: 1000, unreservedConcurrentExecutions: 950 });
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: expect.stringMatching(/^\/2016-08-19\/account-settings\/?$/) });
  });

  it('refuses a low-quota account, naming the quota to raise', async () => {
    account = NEW_ACCOUNT;
    const err = await checkLambdaConcurrency(conn(), { reservedConcurrency: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(e.problem).toMatch(new RegExp(`reservedConcurrency 5 × ${LAMBDA_FUNCTIONS.length} functions = ${5 * LAMBDA_FUNCTIONS.length}`));
    expect(e.problem).toMatch(/10 unreserved of 10/);
    expect(e.fix).toMatch(/"Concurrent executions" \(Service Quotas code L-B99A9384\)/);
    // 30 reserved + the 100 AWS keeps unreserved.
    expect(e.fix).toMatch(new RegExp(`at least ${5 * LAMBDA_FUNCTIONS.length + UNRESERVED_CONCURRENCY_FLOOR}`));
  });

  it('refuses a peak the account pool cannot carry, and accepts one it can', async () => {
    account = NEW_ACCOUNT;
    const busy = await checkLambdaConcurrency(conn(), {}, { peakRps: 1000, source: 'peak of profile test' }).catch((e: unknown) => e);
    expect((busy as UserError).problem).toMatch(/at the peak of profile test \(1000 requests\/s\) the functions need about \d+ concurrent executions .* 10 unreserved of 10: the bench would measure throttling/);
    expect((busy as UserError).fix).toMatch(/L-B99A9384/);
    const quiet = await checkLambdaConcurrency(conn(), {}, { peakRps: 5, source: 'peak of profile test' });
    expect(quiet.note).toMatch(/10 unreserved of 10/);
  });

  it('passes a fitting reservation on a default account', async () => {
    account = DEFAULT_ACCOUNT;
    expect((await checkLambdaConcurrency(conn(), { reservedConcurrency: 100 })).note).toMatch(/950 unreserved of 1000 in the account, 100 reserved per function/);
  });

  it('deploy --target aws refuses before terraform runs, in one line, leaving no record', async () => {
    account = NEW_ACCOUNT;
    const cwd = tempDir('archcompare-preflight-');
    writeFileSync(path.join(cwd, 'shop.yml'), 'serverless:\n  reservedConcurrency: 5\n');
    const r = await runCli(['deploy', '--model', 'serverless', '--target', 'aws', '--endpoint-url', server.url, '--config', 'shop.yml', '--yes'], { cwd });
    expect(r.code, r.stderr).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/reservedConcurrency 5 .*Fix: .*L-B99A9384/);
    expect(r.stderr).not.toMatch(/terraform init/);
    const status = await runCli(['status', '--json'], { cwd });
    expect(JSON.parse(status.stdout)).toEqual([]);
  }, 120_000);
});

describe('concurrency rules', () => {
  const account = { concurrentExecutions: 1000, unreservedConcurrentExecutions: 1000 };

  it('accepts exactly the reservable amount and refuses one more', () => {
    const per = Math.floor((1000 - UNRESERVED_CONCURRENCY_FLOOR) / LAMBDA_FUNCTIONS.length);
    expect(concurrencyProblem(account, { reservedConcurrency: per })).toBeUndefined();
    const over = Math.ceil((1000 - UNRESERVED_CONCURRENCY_FLOOR + 1) / LAMBDA_FUNCTIONS.length);
    expect(concurrencyProblem(account, { reservedConcurrency: over })?.problem).toMatch(/can reserve 900/);
  });

  it('names the function a reservation throttles at the peak', () => {
    const e = concurrencyProblem(account, { reservedConcurrency: 1 }, { peakRps: 500, source: 'peak of profile spike' });
    expect(e?.problem).toMatch(/the catalog function needs about \d+ concurrent executions .* above serverless\.reservedConcurrency 1/);
  });

  it('the config refuses reservedConcurrency 0, which would disable every function', () => {
    const r = StackConfigSchema.safeParse({ serverless: { reservedConcurrency: 0 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/≥ 1 \(0 throttles every invocation/);
    expect(StackConfigSchema.parse({ serverless: { reservedConcurrency: 1 } }).serverless.reservedConcurrency).toBe(1);
  });
});
