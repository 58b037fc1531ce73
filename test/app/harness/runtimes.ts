import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { API_ROUTES } from '../../../src/architecture/system.js';
import { createDynamoStore } from '../../../src/app/adapters/dynamodb/store.js';
import { createPgStore } from '../../../src/app/adapters/postgres/store.js';
import type { OrderRepository, PaymentRepository, ProductRepository } from '../../../src/app/core/ports.js';
import { createHttpFunction, createOrdersConsumer, type SqsEvent } from '../../../src/app/runtimes/lambda/runtime.js';
import type { Domain } from '../../../src/app/http/routes.js';
import { seedCatalog } from '../../../src/app/seed.js';
import { startDynalite, type TestDynamo } from './dynamo.js';
import { startTestPostgres, type TestPostgres } from './postgres.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}
export interface RequestOptions {
  json?: unknown;
  /** a raw body, sent as is (malformed JSON, huge bodies) */
  body?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** One runtime of the app as the contract suite sees it: requests in, responses out, the store beside. */
export interface AppUnderTest {
  runtime: 'server' | 'lambda';
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** Like request, but each call is served by a brand-new runtime environment (a new Lambda environment / server process). */
  requestInNewEnvironment(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** Lets fulfilment run for a placed order (the server's in-process queue, or one SQS delivery to the consumer). */
  deliverOrderPlaced(order: { id: string; userId: string; totalCents: number }): Promise<'acked' | 'retry'>;
  /** True while the runtime still answers (the server process is alive). */
  alive(): Promise<boolean>;
  store: { products: ProductRepository; orders: OrderRepository; payments: PaymentRepository };
  stop(): Promise<void>;
}

export const TEST_APP_ENV = {
  JWT_SECRET: 'contract-test-secret-0123456789abcdef',
  // Cheaper scrypt in tests only (the default is 2^15): the suite registers many users.
  PASSWORD_SCRYPT_LOG2N: '12',
  LOGIN_RATE_LIMIT: '5',
  // A fixed window: a day long here, so a test's attempts do not straddle two windows.
  LOGIN_RATE_WINDOW_SECONDS: '86400',
  PAYMENT_LATENCY_MS: '20',
  PAYMENT_DECLINE_RATE: '0',
};

const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- server runtime
export async function spawnServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/runtimes/server/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m?.[1]) resolve(m[1]);
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
    setTimeout(() => reject(new Error(`server did not start in 30 s:\n${output}`)), 30_000).unref();
  });
  return { url, child, output: () => output };
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill(signal);
  });
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * Real HTTP through node:http, which (unlike fetch) reads an early answer such as a 413 even when the
 * server stops reading the upload, and sends any body with any method, as a fuzzer must.
 */
function httpRequest(base: string, method: string, p: string, o: RequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined = o.body;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers['content-type'] ??= 'application/json';
  }
  const payload = body === undefined ? undefined : Buffer.from(body);
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(p, base), { method, headers, agent: keepAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: flat, body: parseBody(text), text });
      });
      res.on('error', reject);
    });
    let answered = false;
    req.on('response', () => (answered = true));
    // An upload cut short after the server already answered is not a failure.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(payload);
  });
}

export async function startServerRuntime(extraEnv: Record<string, string> = {}): Promise<AppUnderTest & { url: string; child: ChildProcess; db: TestPostgres; env: Record<string, string> }> {
  const db = await startTestPostgres();
  const env = { ...TEST_APP_ENV, ...db.env, FULFILMENT_RETRY_MS: '300', FULFILMENT_MAX_ATTEMPTS: '50', ...extraEnv };
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => undefined); // the database stopping at teardown ends idle connections
  const children: ChildProcess[] = [];
  try {
    const { url, child } = await spawnServer(env);
    children.push(child);
    const store = createPgStore(pool);
    return {
      runtime: 'server',
      url,
      child,
      db,
      env,
      request: (m, p, o) => httpRequest(url, m, p, o),
      requestInNewEnvironment: async (m, p, o) => {
        const fresh = await spawnServer(env);
        children.push(fresh.child);
        try {
          return await httpRequest(fresh.url, m, p, o);
        } finally {
          await stopProcess(fresh.child);
        }
      },
      // The server's own in-process fulfilment retries every 300 ms here: wait for it to act.
      deliverOrderPlaced: async (order) => {
        for (let i = 0; i < 40; i += 1) {
          const o = await store.orders.get(order.userId, order.id);
          if (o?.status === 'shipped') return 'acked';
          await new Promise((r) => setTimeout(r, 50));
        }
        return 'retry';
      },
      alive: async () => child.exitCode === null && child.signalCode === null,
      store,
      stop: async () => {
        for (const c of children) await stopProcess(c);
        await pool.end();
        await db.stop();
      },
    };
  } catch (err) {
    for (const c of children) await stopProcess(c);
    await pool.end();
    await db.stop();
    throw err;
  }
}

// ---------------------------------------------------------------- lambda runtime
/** The function whose API route covers the path (the system description's routes, as the serverless stack deploys them). */
export function functionFor(p: string): Domain | undefined {
  const covers = (routeKey: string) => new RegExp(`^${routeKey.split(' ')[1]!.replace(/\{[a-z]+\+\}/g, '.+').replace(/\{[a-z]+\}/g, '[^/]+')}$`).test(p);
  return API_ROUTES.find((r) => covers(r.routeKey))?.fn;
}

let requestCounter = 0;

/** A real API Gateway HTTP API payload v2 event, as the service sends it to an integration. */
export function apiGatewayV2Event(method: string, rawPath: string, rawQueryString: string, headers: Record<string, string>, body?: string) {
  const now = new Date();
  requestCounter += 1;
  const query = new URLSearchParams(rawQueryString);
  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of query) queryStringParameters[k] = queryStringParameters[k] !== undefined ? `${queryStringParameters[k]},${v}` : v;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', 'x-forwarded-proto': 'https', 'x-forwarded-port': '443', 'user-agent': 'contract-test', ...lower(headers) },
    ...(rawQueryString ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'contract-test' },
      requestId: `req-${requestCounter}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined ? { body, isBase64Encoded: false } : { isBase64Encoded: false }),
  };
}

interface V2Result {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body?: string;
  isBase64Encoded?: boolean;
}

export async function startLambdaRuntime(extraEnv: Record<string, string> = {}): Promise<AppUnderTest & { dynamo: TestDynamo; env: Record<string, string> }> {
  const dynamo = await startDynalite();
  const env = { ...TEST_APP_ENV, ...dynamo.env, ...extraEnv };
  const environments = new Map<Domain, ReturnType<typeof createHttpFunction>>();
  const fnEnvironment = (fn: Domain) => {
    let e = environments.get(fn);
    if (!e) environments.set(fn, (e = createHttpFunction(fn, env, performance.now())));
    return e;
  };
  const consumer = createOrdersConsumer(env, performance.now());

  const invoke = async (fnHandler: (event: never) => Promise<unknown>, method: string, target: string, o: RequestOptions = {}): Promise<ApiResponse> => {
    const [rawPath = '/', rawQuery = ''] = target.split('?');
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body = o.body;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers['content-type'] ??= 'application/json';
    }
    const result = (await fnHandler(apiGatewayV2Event(method, rawPath, rawQuery, headers, body) as never)) as V2Result;
    const text = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString() : (result.body ?? '');
    return { status: result.statusCode, headers: lower(result.headers ?? {}), body: parseBody(text), text };
  };
  // API Gateway answers unrouted requests itself, without invoking a function.
  const notRouted = (): ApiResponse => ({ status: 404, headers: {}, body: { message: 'Not Found' }, text: '{"message":"Not Found"}' });
  const route = (p: string): Domain | undefined => functionFor(p.split('?')[0]!);

  const store = createDynamoStore(dynamo.doc, { products: dynamo.tables.TABLE_PRODUCTS, orders: dynamo.tables.TABLE_ORDERS, carts: dynamo.tables.TABLE_CARTS, payments: dynamo.tables.TABLE_PAYMENTS });
  return {
    runtime: 'lambda',
    dynamo,
    env,
    request: async (m, p, o) => {
      const fn = route(p);
      return fn ? invoke(fnEnvironment(fn).handler, m, p, o) : notRouted();
    },
    requestInNewEnvironment: async (m, p, o) => {
      const fn = route(p);
      return fn ? invoke(createHttpFunction(fn, env, performance.now()).handler, m, p, o) : notRouted();
    },
    deliverOrderPlaced: async (order) => {
      const event: SqsEvent = { Records: [{ messageId: `msg-${order.id}`, body: JSON.stringify({ type: 'order-placed', orderId: order.id, userId: order.userId, totalCents: order.totalCents }) }] };
      const out = await consumer.handler(event);
      return out.batchItemFailures.length === 0 ? 'acked' : 'retry';
    },
    alive: async () => true,
    store: { products: store.products!, orders: store.orders!, payments: store.payments! },
    stop: async () => {
      await dynamo.stop();
    },
  };
}

export async function seed(app: AppUnderTest, n: number): Promise<void> {
  await seedCatalog({ products: app.store.products }, n);
}
