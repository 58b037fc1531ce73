/**
 * Application benchmark: requests/s and latency percentiles of GET /products and of the checkout
 * journey, on the server runtime (one Node process over PostgreSQL) and on one warm Lambda handler
 * per function invoked in-process over a DynamoDB-compatible server (dynalite, in its own process);
 * plus the cold initialisation of each bundled Lambda handler (process start and module load to
 * first response). Run: `npx tsx benchmarks/app-bench.ts [--seconds 8] [--products 10000]`.
 *
 * Latencies go into HDR histograms at microsecond resolution (autocannon has no p95). Load is a
 * closed loop of N concurrent clients, bounded in time; the generator shares this 2-core machine
 * with the server under test, so figures are for comparing runtimes on one machine, not capacity.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as hdr from 'hdr-histogram-js';
import { createDocumentClient, createDynamoStore } from '../src/app/adapters/dynamodb/store.js';
import { createHttpFunction } from '../src/app/runtimes/lambda/runtime.js';
import { generateCatalog, seedCatalog } from '../src/app/seed.js';
import { buildArtifacts } from '../src/build/build-artifacts.js';
import { createTables, LOCAL_AWS_ENV } from '../test/app/harness/dynamo.js';
import { freePort, startTestPostgres } from '../test/app/harness/postgres.js';
import { apiGatewayV2Event, REPO_ROOT, stopProcess } from '../test/app/harness/runtimes.js';
import pg from 'pg';
import { createPgStore } from '../src/app/adapters/postgres/store.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 8);
const PRODUCTS = arg('products', 10_000);
const USERS = 16;
// Idempotency keys must be new in every journey of every run.
const RUN = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
let runSeq = 0;
const APP_ENV = { JWT_SECRET: 'benchmark-secret-0123456789abcdef-xyz', PAYMENT_LATENCY_MS: '0', PAYMENT_DECLINE_RATE: '0', LOGIN_RATE_LIMIT: '1000' };

interface Response {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}
type Send = (method: string, p: string, o?: { json?: unknown; token?: string; headers?: Record<string, string> }) => Promise<Response>;

interface Figures {
  label: string;
  concurrency: number;
  count: number;
  errors: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

/** N clients in a closed loop for `seconds`; each iteration's latency (ms) lands in a histogram. */
async function closedLoop(label: string, concurrency: number, seconds: number, iteration: (client: number, i: number) => Promise<boolean>): Promise<Figures> {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  let count = 0;
  let errors = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i += 1) {
        const t0 = performance.now();
        const ok = await iteration(client, i).catch(() => false);
        histogram.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000)));
        count += 1;
        if (!ok) errors += 1;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const ms = (p: number) => histogram.getValueAtPercentile(p) / 1000;
  return { label, concurrency, count, errors, perSecond: count / elapsed, p50: ms(50), p95: ms(95), p99: ms(99) };
}

const browse = (send: Send) => async (_c: number, i: number) => {
  const page = 1 + (i % 50);
  const res = await send('GET', `/products?page=${page}&pageSize=20`);
  return res.status === 200 && res.body.items.length === 20;
};

/** add to cart -> place order -> pay (fresh idempotency key) -> read the order. */
export const failures = new Map<string, number>();
const failed = (step: string, res: Response) => {
  const k = `${step} ${res.status} ${res.body?.error?.code ?? ''}`;
  failures.set(k, (failures.get(k) ?? 0) + 1);
  return false;
};
const checkout = (send: Send, tokens: string[]) => {
  const run = (runSeq += 1);
  return async (client: number, i: number) => {
    const token = tokens[client % tokens.length]!;
    const productId = `prod-${String(1 + ((client * 7919 + i * 104_729) % PRODUCTS)).padStart(6, '0')}`;
    const add = await send('POST', '/cart/items', { token, json: { productId, quantity: 1 } });
    if (add.status !== 200) return failed('add', add);
    const placed = await send('POST', '/orders', { token });
    if (placed.status !== 201) return failed('order', placed);
    const paid = await send('POST', '/payments', { token, json: { orderId: placed.body.order.id }, headers: { 'Idempotency-Key': `bench-${RUN}-${run}-${client}-${i}` } });
    if (paid.status !== 201) return failed('pay', paid);
    const read = await send('GET', `/orders/${placed.body.order.id}`, { token });
    return read.status === 200 || failed('read', read);
  };
};

async function registerUsers(send: Send): Promise<string[]> {
  const tokens: string[] = [];
  for (let u = 0; u < USERS; u += 1) {
    const res = await send('POST', '/users/register', { json: { email: `bench-${u}-${Date.now()}@example.com`, password: 'benchmark-password', name: `Bench ${u}` } });
    tokens.push(res.body.token);
  }
  return tokens;
}

function httpSender(base: string): { send: Send; agent: http.Agent } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const send: Send = (method, p, o = {}) =>
    new Promise((resolve, reject) => {
      const body = o.json === undefined ? undefined : Buffer.from(JSON.stringify(o.json));
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      if (body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(body.length) });
      const req = http.request(new URL(p, base), { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  return { send, agent };
}

async function benchServer(): Promise<Figures[]> {
  const db = await startTestPostgres();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/runtimes/server/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...APP_ENV, ...db.env, PORT: '0', HOST: '127.0.0.1', PG_POOL_MAX: '10' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stderr!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', () => reject(new Error(out)));
    });
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    await seedCatalog(createPgStore(pool), PRODUCTS);
    await pool.end();
    const { send, agent } = httpSender(url);
    const tokens = await registerUsers(send);
    await closedLoop('warm-up', 4, 2, browse(send));
    const out = [
      await closedLoop('server  GET /products', 1, SECONDS, browse(send)),
      await closedLoop('server  GET /products', 16, SECONDS, browse(send)),
      await closedLoop('server  checkout journey', 1, SECONDS, checkout(send, tokens)),
      await closedLoop('server  checkout journey', 16, SECONDS, checkout(send, tokens)),
    ];
    agent.destroy();
    return out;
  } finally {
    await stopProcess(child as ChildProcess);
    await db.stop();
  }
}

/** dynalite in its own process, so it does not share the handler's event loop. */
async function startDynaliteProcess(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules/dynalite/cli.js'), '--port', String(port), '--host', '127.0.0.1', '--createTableMs', '0'], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    if (await fetch(endpoint).then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { endpoint, stop: async () => void (await stopProcess(child)) };
}

async function benchLambda(): Promise<{ figures: Figures[]; tableEnv: Record<string, string> ; stop: () => Promise<void> }> {
  Object.assign(process.env, LOCAL_AWS_ENV);
  const dynamo = await startDynaliteProcess();
  const tables = await createTables(dynamo.endpoint, 'bench');
  const env = { ...APP_ENV, ...LOCAL_AWS_ENV, ...tables, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint };
  const doc = createDocumentClient({ endpoint: dynamo.endpoint, region: LOCAL_AWS_ENV.AWS_REGION });
  await seedCatalog(createDynamoStore(doc, { products: tables.TABLE_PRODUCTS }), PRODUCTS);
  doc.destroy();
  const fns = { users: createHttpFunction('users', env), catalog: createHttpFunction('catalog', env), cart: createHttpFunction('cart', env), orders: createHttpFunction('orders', env), payments: createHttpFunction('payments', env) };
  const fnFor = (p: string) => (p.startsWith('/users') ? fns.users : p.startsWith('/products') ? fns.catalog : p.startsWith('/cart') ? fns.cart : p.startsWith('/orders') ? fns.orders : fns.payments);
  const send: Send = async (method, target, o = {}) => {
    const [rawPath = '/', rawQuery = ''] = target.split('?');
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.json !== undefined) headers['content-type'] = 'application/json';
    const res = (await fnFor(rawPath).handler(apiGatewayV2Event(method, rawPath, rawQuery, headers, o.json === undefined ? undefined : JSON.stringify(o.json)) as never)) as { statusCode: number; body: string };
    return { status: res.statusCode, body: JSON.parse(res.body || 'null') };
  };
  const tokens = await registerUsers(send);
  await closedLoop('warm-up', 1, 2, browse(send));
  // One Lambda environment serves one request at a time: concurrency 1 is what one warm environment does.
  const figures = [await closedLoop('lambda  GET /products', 1, SECONDS, browse(send)), await closedLoop('lambda  checkout journey', 1, SECONDS, checkout(send, tokens))];
  return { figures, tableEnv: { ...tables, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint }, stop: dynamo.stop };
}

/** Fresh process per sample: process start -> import of the bundled index.mjs -> first response. */
async function coldStarts(tableEnv: Record<string, string>): Promise<Array<{ fn: string; importMs: number; firstResponseMs: number; processToResponseMs: number; initHeaderMs: number }>> {
  if (!existsSync(path.join(REPO_ROOT, 'dist/artifacts/lambda/catalog.zip'))) await buildArtifacts();
  const work = await mkdtemp(path.join(os.tmpdir(), 'archcompare-cold-'));
  const rows = [];
  try {
    for (const [fn, route] of [['catalog', '/products'], ['users', '/health'], ['orders', '/health'], ['payments', '/health'], ['cart', '/health']] as const) {
      const dir = path.join(work, fn);
      execFileSync('unzip', ['-q', path.join(REPO_ROOT, `dist/artifacts/lambda/${fn}.zip`), '-d', dir]);
      const samples: Array<Record<string, number>> = [];
      for (let s = 0; s < 5; s += 1) {
        const script = `const t0 = performance.now();
          const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'index.mjs')).href)});
          const t1 = performance.now();
          const res = await handler(${JSON.stringify(apiGatewayV2Event('GET', route, route === '/products' ? 'pageSize=20' : '', {}))});
          const t2 = performance.now();
          process.stdout.write(JSON.stringify({ status: res.statusCode, importMs: t1 - t0, firstResponseMs: t2 - t0, processToResponseMs: t2, initHeaderMs: Number(res.headers['x-archcompare-init-ms']) }));`;
        const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...APP_ENV, ...LOCAL_AWS_ENV, ...tableEnv } }).toString());
        if (out.status !== 200) throw new Error(`${fn} cold start answered ${out.status}`);
        samples.push(out);
      }
      const median = (k: string) => samples.map((x) => x[k]!).sort((a, b) => a - b)[2]!;
      rows.push({ fn: `${fn} (${route})`, importMs: median('importMs'), firstResponseMs: median('firstResponseMs'), processToResponseMs: median('processToResponseMs'), initHeaderMs: median('initHeaderMs') });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return rows;
}

const f1 = (n: number) => n.toFixed(1).padStart(8);
function printFigures(rows: Figures[]): void {
  console.log(`${'runtime / workload'.padEnd(28)} ${'conc'.padStart(4)} ${'count'.padStart(7)} ${'errors'.padStart(6)} ${'per s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
  for (const r of rows) console.log(`${r.label.padEnd(28)} ${String(r.concurrency).padStart(4)} ${String(r.count).padStart(7)} ${String(r.errors).padStart(6)} ${f1(r.perSecond)} ${f1(r.p50)} ${f1(r.p95)} ${f1(r.p99)}`);
}

console.log(`archcompare app benchmark: ${PRODUCTS} products, ${SECONDS}s per run, node ${process.version}, ${os.cpus().length} cores (generator and runtime share them)`);
console.log(`catalog check: ${generateCatalog(3).map((p) => p.id).join(',')}…`);
const server = await benchServer();
const lambda = await benchLambda();
printFigures([...server, ...lambda.figures]);
if (failures.size > 0) console.log(`failed journey steps: ${[...failures].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
console.log('\ncold init of each bundled Lambda handler (fresh node process, median of 5):');
console.log(`${'function (first route)'.padEnd(26)} ${'import ms'.padStart(10)} ${'import→1st response'.padStart(20)} ${'process start→1st response'.padStart(27)} ${'x-archcompare-init-ms'.padStart(22)}`);
for (const c of await coldStarts(lambda.tableEnv)) console.log(`${c.fn.padEnd(26)} ${f1(c.importMs).padStart(10)} ${f1(c.firstResponseMs).padStart(20)} ${f1(c.processToResponseMs).padStart(27)} ${f1(c.initHeaderMs).padStart(22)}`);
await lambda.stop();
process.exit(0);
