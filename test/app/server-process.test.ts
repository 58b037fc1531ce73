import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { embeddedPostgresUnavailable } from './harness/postgres.js';
import { REPO_ROOT, startServerRuntime, stopProcess, TEST_APP_ENV } from './harness/runtimes.js';

function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/runtimes/server/main.ts'], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('server process: configuration', () => {
  it('refuses to start without JWT_SECRET: one line naming the variable and the fix, exit 2', async () => {
    const { code, stderr } = await runMain({ DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db' });
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('Error: server environment: JWT_SECRET: is required (or JWT_SECRET_ARN on AWS). Fix: set the variable named (see the README, "Application configuration")');
  });

  it('names a malformed variable', async () => {
    const { code, stderr } = await runMain({ ...TEST_APP_ENV, DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db', PAYMENT_DECLINE_RATE: '1.5' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^Error: server environment: PAYMENT_DECLINE_RATE: Too big: expected number to be <=1\. Fix: /);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

const pgUnavailable = await embeddedPostgresUnavailable();
describe.skipIf(pgUnavailable !== undefined && process.env.CI !== 'true')('server process: graceful shutdown', () => {
  it('drains in-flight requests on SIGTERM, then exits 0', async () => {
    // A slow payment provider keeps a request in flight while SIGTERM arrives.
    const app = await startServerRuntime({ PAYMENT_LATENCY_MS: '1500' });
    try {
      const reg = await app.request('POST', '/users/register', { json: { email: 'drain@example.com', password: 'drain-password', name: 'D' } });
      await app.store.products.putMany([{ id: 'prod-drain', name: 'Drain', description: 'd', category: 'home', priceCents: 500, stock: 5 }]);
      await app.request('POST', '/cart/items', { token: reg.body.token, json: { productId: 'prod-drain', quantity: 1 } });
      const order = (await app.request('POST', '/orders', { token: reg.body.token })).body.order;
      const inFlight = app.request('POST', '/payments', { token: reg.body.token, json: { orderId: order.id }, headers: { 'Idempotency-Key': 'drain' } });
      await new Promise((r) => setTimeout(r, 300));
      const exited = stopProcess(app.child, 'SIGTERM');
      const res = await inFlight;
      expect(res.status).toBe(201);
      expect(res.body.payment.status).toBe('approved');
      expect(await exited).toBe(0);
      await expect(fetch(`${app.url}/health`)).rejects.toThrow();
    } finally {
      await app.stop();
    }
  });
});
