import { spawn } from 'node:child_process';
import { jwtVerify } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedPostgresUnavailable, startTestPostgres, type TestPostgres } from './harness/postgres.js';
import { startLocalSecretsManager, type LocalSecretsManager } from './harness/secrets-manager.js';
import { REPO_ROOT, spawnServer, stopProcess, TEST_APP_ENV } from './harness/runtimes.js';

/**
 * The server on AWS reads its secrets from Secrets Manager itself: the JWT key, which the deploy may
 * write after the instance booted, and the RDS-managed database password, which RDS rotates. Both
 * against a real PostgreSQL and a real HTTP server speaking Secrets Manager's protocol.
 */

const JWT_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:acshop-jwt-AbCdEf';
const DB_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf';
const SIGNING_KEY = 'signing-key-written-by-the-deploy-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server's environment as the instance user data writes it: no JWT_SECRET, no password. */
function awsLikeEnv(secrets: LocalSecretsManager, extra: Record<string, string>): Record<string, string> {
  const { JWT_SECRET: _ignored, ...rest } = TEST_APP_ENV;
  return { ...rest, ...secrets.env, JWT_SECRET: '', JWT_SECRET_ARN: JWT_ARN, ...extra };
}

describe('server process: a JWT secret without a value yet', () => {
  it('waits for the secret with retries, then exits with one line once the wait is over', async () => {
    const secrets = await startLocalSecretsManager();
    secrets.set(JWT_ARN, undefined);
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/runtimes/server/main.ts'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', ...awsLikeEnv(secrets, { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db', SECRET_WAIT_SECONDS: '4' }) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      const lines = stderr.trim().split('\n');
      expect(lines.filter((l) => /^JWT secret .*: it has no value yet; retry \d+ in \d+ ms$/.test(l)).length).toBeGreaterThanOrEqual(2);
      expect(lines.at(-1)).toMatch(new RegExp(`^Error: the JWT secret ${JWT_ARN.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not usable after [1-4] s: it has no value yet\\. Fix: `));
      expect(secrets.reads(JWT_ARN)).toBeGreaterThanOrEqual(3);
    } finally {
      await secrets.stop();
    }
  });
});

const pgUnavailable = await embeddedPostgresUnavailable();
describe.skipIf(pgUnavailable !== undefined && process.env.CI !== 'true')('server process: secrets read from Secrets Manager', () => {
  let db: TestPostgres;
  let admin: pg.Pool;
  beforeAll(async () => {
    db = await startTestPostgres();
    admin = new pg.Pool({ connectionString: db.url, max: 2 });
    admin.on('error', () => undefined);
  });
  afterAll(async () => {
    await admin?.end();
    await db?.stop();
  });

  it('starts before its JWT secret has a value and becomes healthy once the deploy writes it', async () => {
    const secrets = await startLocalSecretsManager();
    secrets.set(JWT_ARN, undefined);
    // The deploy writes the value while the server is already waiting for it.
    const deploy = (async () => {
      while (secrets.reads(JWT_ARN) < 2) await sleep(20);
      secrets.set(JWT_ARN, JSON.stringify({ jwtSecret: SIGNING_KEY }));
    })();
    const server = await spawnServer(awsLikeEnv(secrets, db.env));
    try {
      await deploy;
      expect(server.child.exitCode).toBeNull();
      expect(server.output()).toMatch(/JWT secret .*: it has no value yet; retry 1 in \d+ ms/);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      // Tokens are signed with the value the deploy wrote.
      const res = await fetch(`${server.url}/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'late-secret@example.com', password: 'late-secret-pw', name: 'L' }) });
      expect(res.status).toBe(201);
      const { token } = (await res.json()) as { token: string };
      await expect(jwtVerify(token, new TextEncoder().encode(SIGNING_KEY))).resolves.toBeTruthy();
    } finally {
      await stopProcess(server.child);
      await secrets.stop();
    }
  });

  it('keeps serving while the database password rotates under load: new connections use the new one', async () => {
    const role = 'shop_rotating';
    const first = 'first-password-0123';
    const second = 'second-password-4567';
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${first}'`);
    await admin.query(`CREATE DATABASE rotation OWNER ${role}`);
    const secrets = await startLocalSecretsManager();
    secrets.set(JWT_ARN, SIGNING_KEY);
    secrets.set(DB_ARN, JSON.stringify({ username: role, password: first }));
    const { port } = new URL(db.url);
    const server = await spawnServer(
      awsLikeEnv(secrets, {
        PGHOST: '127.0.0.1',
        PGPORT: port,
        PGDATABASE: 'rotation',
        PGUSER: role,
        DB_SECRET_ARN: DB_ARN,
        PG_POOL_MAX: '4',
        // Connections are replaced every second, so the rotation is met by new connections during the run.
        PG_CONNECTION_MAX_LIFETIME_SECONDS: '1',
      }),
    );
    try {
      const results: Array<{ at: number; status: number }> = [];
      let running = true;
      const worker = async () => {
        while (running) {
          const status = await fetch(`${server.url}/products?pageSize=5`).then((r) => r.status, () => 0);
          results.push({ at: Date.now(), status });
        }
      };
      const workers = Array.from({ length: 4 }, worker);
      await sleep(1500);
      // RDS's rotation order: the database first, the secret's AWSCURRENT a moment later.
      const readsBefore = secrets.reads(DB_ARN);
      await admin.query(`ALTER ROLE ${role} PASSWORD '${second}'`);
      const rotatedAt = Date.now();
      await sleep(50);
      secrets.set(DB_ARN, JSON.stringify({ username: role, password: second }));
      await sleep(3000);
      running = false;
      await Promise.all(workers);

      const failed = results.filter((r) => r.status !== 200);
      expect(results.filter((r) => r.at < rotatedAt).length).toBeGreaterThan(20);
      const settled = results.filter((r) => r.at > rotatedAt + 1500);
      expect(settled.length).toBeGreaterThan(20);
      expect(settled.every((r) => r.status === 200)).toBe(true);
      // Only requests that needed a new connection while the database and the secret disagreed may fail.
      expect(failed.length).toBeLessThanOrEqual(3);
      // The old password was refused and the secret read again: new connections really used the new one.
      expect(server.output()).toContain('postgres: password refused (28P01), reading the database secret again');
      expect(secrets.reads(DB_ARN)).toBeGreaterThan(readsBefore);
      const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1 AND backend_start > to_timestamp($2 / 1000.0)`, [role, rotatedAt]);
      expect(Number(rows[0]!.n)).toBeGreaterThan(0);
      expect(server.child.exitCode).toBeNull();
    } finally {
      await stopProcess(server.child);
      await secrets.stop();
    }
  });
});
