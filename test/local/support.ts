import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { StackConfigSchema, type Model, type ResolvedStackConfig, type StackConfigInput } from '../../src/config/stack-config.js';
import { deployLocal, destroyLocal, localStatus, type DeployLocalOptions } from '../../src/local/index.js';
import { pidAlive, portIsListening } from '../../src/local/processes.js';
import { readSupervisorState } from '../../src/local/state-file.js';
import { synthesizeStack } from '../../stacks/synth.js';
import { tempDir } from '../support/temp-dir.js';

/** Deploys a model locally from a freshly synthesized stack (the stack is the single source of truth). */
export async function deployFromStack(model: Model, input: StackConfigInput, options: Partial<DeployLocalOptions> = {}) {
  const root = tempDir(`ac-local-${model}-`);
  const config = { ...StackConfigSchema.parse(input), runId: `t-${model.slice(0, 4)}` } as ResolvedStackConfig;
  const { terraformJsonPath } = await synthesizeStack(model, config, path.join(root, 'cdktf.out'));
  const stateDir = path.join(root, 'deployments', model);
  const lines: string[] = [];
  const deployed = await deployLocal({
    model,
    config,
    terraformJsonPath,
    stateDir,
    timeScale: 60,
    db: 'embedded',
    seedProducts: 60,
    appEnv: { PASSWORD_SCRYPT_LOG2N: '12', PAYMENT_LATENCY_MS: '5', PAYMENT_DECLINE_RATE: '0' },
    onProgress: (l) => lines.push(l),
    ...options,
  });
  const rec = { model, stateDir, url: deployed.url, local: deployed.local };
  return { ...deployed, rec, stateDir, root, progress: lines };
}

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export function client(base: string) {
  return async function call(method: string, p: string, body?: unknown, token?: string, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await fetch(base + p, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}

let n = 0;
/** The shop's main journey through the front door: register, profile, browse, cart, order, pay (idempotent), track. */
export async function shopJourney(base: string): Promise<{ token: string; orderId: string }> {
  const call = client(base);
  const email = `e2e-${Date.now().toString(36)}-${(n += 1)}@example.test`;
  const reg = await call('POST', '/users/register', { email, password: 'correct horse battery', name: 'E2E' });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
  for (const h of ['x-archcompare-cold-start', 'x-archcompare-init-ms']) expect(reg.headers.get(h)).not.toBeNull();
  const login = await call('POST', '/users/login', { email, password: 'correct horse battery' });
  expect(login.status).toBe(200);
  const token = login.body.token as string;
  expect((await call('GET', '/users/me', undefined, token)).body.user.email).toBe(email);
  expect((await call('PATCH', '/users/me', { name: 'Renamed' }, token)).status).toBe(200);
  expect((await call('GET', '/users/me')).status).toBe(401);
  const page = await call('GET', '/products?page=1&pageSize=5');
  expect(page.status).toBe(200);
  expect(page.body.items).toHaveLength(5);
  expect(page.body.total).toBeGreaterThanOrEqual(5);
  const product = page.body.items.find((p: { stock: number }) => p.stock > 2) ?? page.body.items[0];
  expect((await call('GET', `/products/${product.id}`)).body.product.id).toBe(product.id);
  expect((await call('GET', '/products/does-not-exist')).status).toBe(404);
  expect((await call('POST', '/cart/items', { productId: product.id, quantity: 1 }, token)).status).toBeLessThan(300);
  expect((await call('GET', '/cart', undefined, token)).body.cart.items).toHaveLength(1);
  const order = await call('POST', '/orders', undefined, token);
  expect(order.status).toBe(201);
  expect(order.body.order.status).toBe('pending');
  const orderId = order.body.order.id as string;
  const pay = await call('POST', '/payments', { orderId }, token, { 'Idempotency-Key': `k-${orderId}` });
  expect(pay.status).toBe(201);
  const again = await call('POST', '/payments', { orderId }, token, { 'Idempotency-Key': `k-${orderId}` });
  expect(again.status).toBe(200);
  expect(again.body.payment.id).toBe(pay.body.payment.id);
  expect((await call('GET', `/orders/${orderId}`, undefined, token)).body.order.status).toMatch(/paid|shipped/);
  expect((await call('GET', '/orders', undefined, token)).status).toBe(200);
  return { token, orderId };
}

/** Everything the deployment started: supervisor, its children, ports, runtime and temp dirs. */
export async function footprint(stateDir: string): Promise<{ pids: number[]; ports: number[]; dirs: string[] }> {
  const st = await readSupervisorState(stateDir);
  const status = await localStatus({ model: st!.model, stateDir });
  const snap = (status.snapshot ?? {}) as { db?: { pid?: number }; dynamodb?: { pid?: number } };
  const pids = [st!.pid, ...(status.instances ?? []).map((i) => i.pid), ...(status.environments ?? []).map((e) => e.pid), snap.db?.pid, snap.dynamodb?.pid].filter(
    (p): p is number => typeof p === 'number',
  );
  return { pids, ports: Object.values(st!.ports), dirs: [path.join(stateDir, 'runtime'), ...st!.tempDirs] };
}

export async function expectNothingLeft(fp: { pids: number[]; ports: number[]; dirs: string[] }): Promise<void> {
  for (const pid of fp.pids) expect(pidAlive(pid), `pid ${pid} still alive`).toBe(false);
  for (const port of fp.ports) expect(await portIsListening(port), `port ${port} still listening`).toBe(false);
  for (const dir of fp.dirs) expect(existsSync(dir), `${dir} still exists`).toBe(false);
}

export { destroyLocal, localStatus };
