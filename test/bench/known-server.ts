import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PaymentSchema } from '../../src/app/core/schemas.js';

/**
 * A known server for the harness tests: a real node:http server on 127.0.0.1 that speaks the shared
 * contract (in memory) with a fixed injected delay, and counts what it served so tests compare the
 * harness's figures with the server's own.
 */
export interface KnownServerOptions {
  delayMs?: number;
  /** Serve `x-archcompare-cold-start: true` on the first request of every "environment" (every N requests). */
  coldStartEvery?: number;
  initMs?: number;
  /** Answer 429 to this fraction of requests (deterministic: every k-th request). */
  throttleEvery?: number;
  products?: number;
  /** Make POST /payments lose its first answer for an order (the server stores the payment, then 503s). */
  flakyPayments?: boolean;
  /** Charge twice on a retry with the same key (a broken app, for the invariant test). */
  doubleCharge?: boolean;
  /** Approve payments but leave their orders pending (a broken app, for the invariant test). */
  paidStaysPending?: boolean;
}

export interface KnownServer {
  url: string;
  counts: { requests: number; coldStarts: number; throttled: number; byRoute: Map<string, number> };
  close(): Promise<void>;
}

export async function startKnownServer(opts: KnownServerOptions = {}): Promise<KnownServer> {
  const counts = { requests: 0, coldStarts: 0, throttled: 0, byRoute: new Map<string, number>() };
  const products = Array.from({ length: opts.products ?? 30 }, (_, i) => ({
    id: `p${i + 1}`,
    name: `Sturdy ${['lamp', 'chair', 'shirt'][i % 3]} ${i + 1}`,
    category: ['home', 'office', 'apparel'][i % 3],
    priceCents: 1000 + i * 10,
  }));
  const users = new Map<string, { id: string; email: string; password: string; name: string }>();
  const carts = new Map<string, Map<string, number>>();
  const orders = new Map<string, { id: string; email: string; status: string; totalCents: number; items: unknown[] }>();
  const paymentsByKey = new Map<string, { id: string; orderId: string; status: string; amountCents: number }>();
  const paymentsByOrder = new Map<string, number>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      counts.requests += 1;
      const n = counts.requests;
      const cold = opts.coldStartEvery ? (n - 1) % opts.coldStartEvery === 0 : false;
      if (cold) counts.coldStarts += 1;
      const send = (status: number, body: unknown) => {
        const reply = () => {
          res.writeHead(status, {
            'content-type': 'application/json',
            'x-archcompare-cold-start': String(cold),
            'x-archcompare-init-ms': String(opts.initMs ?? 0),
          });
          res.end(JSON.stringify(body));
        };
        if (opts.delayMs) replyAfter(opts.delayMs, reply);
        else reply();
      };
      const url = new URL(req.url ?? '/', 'http://x');
      const route = `${req.method} ${url.pathname.replace(/\/(p\d+|o-[\w-]+)$/, '/:id')}`;
      counts.byRoute.set(route, (counts.byRoute.get(route) ?? 0) + 1);
      if (opts.throttleEvery && n % opts.throttleEvery === 0) {
        counts.throttled += 1;
        return send(429, { error: 'throttled' });
      }
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
      } catch {
        return send(400, { error: 'bad json' });
      }
      const auth = /^Bearer tok-(.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const user = auth ? users.get(auth) : undefined;
      const path = url.pathname;
      if (path === '/health') return send(200, { status: 'ok' });
      if (req.method === 'GET' && path === '/products') {
        const page = Number(url.searchParams.get('page') ?? 1);
        const size = Number(url.searchParams.get('pageSize') ?? 20);
        const cat = url.searchParams.get('category');
        const q = url.searchParams.get('q');
        const all = products.filter((p) => (!cat || p.category === cat) && (!q || p.name.toLowerCase().includes(q.toLowerCase())));
        return send(200, { items: all.slice((page - 1) * size, page * size), page, pageSize: size, total: all.length });
      }
      const productMatch = /^\/products\/(.+)$/.exec(path);
      if (req.method === 'GET' && productMatch) {
        const p = products.find((x) => x.id === productMatch[1]);
        return p ? send(200, p) : send(404, { error: 'not found' });
      }
      if (req.method === 'POST' && path === '/users/register') {
        const email = String(body.email);
        if (users.has(email)) return send(409, { error: 'exists' });
        const u = { id: randomUUID(), email, password: String(body.password), name: String(body.name) };
        users.set(email, u);
        return send(201, { user: { id: u.id, email, name: u.name }, token: `tok-${email}` });
      }
      if (req.method === 'POST' && path === '/users/login') {
        const u = users.get(String(body.email));
        if (!u || u.password !== body.password) return send(401, { error: 'bad credentials' });
        return send(200, { token: `tok-${u.email}`, user: { id: u.id, email: u.email } });
      }
      if (!user) return send(401, { error: 'unauthorized' });
      if (req.method === 'GET' && path === '/users/me') return send(200, { user: { id: user.id, email: user.email } });
      const cart = carts.get(user.email) ?? new Map<string, number>();
      carts.set(user.email, cart);
      if (req.method === 'GET' && path === '/cart') return send(200, { items: [...cart.entries()].map(([productId, quantity]) => ({ productId, quantity })) });
      if (req.method === 'POST' && path === '/cart/items') {
        cart.set(String(body.productId), (cart.get(String(body.productId)) ?? 0) + Number(body.quantity ?? 1));
        return send(201, { items: [...cart.entries()] });
      }
      if (req.method === 'POST' && path === '/orders') {
        if (cart.size === 0) return send(400, { error: 'empty cart' });
        let total = 0;
        for (const [pid, q] of cart) total += (products.find((p) => p.id === pid)?.priceCents ?? 0) * q;
        const order = { id: `o-${randomUUID()}`, email: user.email, status: 'pending', totalCents: total, items: [...cart.entries()] };
        orders.set(order.id, order);
        cart.clear();
        return send(201, { order });
      }
      if (req.method === 'GET' && path === '/orders') return send(200, { orders: [...orders.values()].filter((o) => o.email === user.email) });
      const orderMatch = /^\/orders\/(.+)$/.exec(path);
      if (req.method === 'GET' && orderMatch) {
        const o = orders.get(orderMatch[1]!);
        return o && o.email === user.email ? send(200, { order: o }) : send(404, { error: 'not found' });
      }
      if (req.method === 'POST' && path === '/payments') {
        const key = String(req.headers['idempotency-key'] ?? '');
        const o = orders.get(String(body.orderId));
        if (!o || !key) return send(400, { error: 'bad payment' });
        const existing = paymentsByKey.get(key);
        if (existing && !opts.doubleCharge) return send(200, { payment: existing });
        // Shaped by the app's own schema, so this fake cannot drift from the contract the invariants read.
        const payment = PaymentSchema.parse({ id: randomUUID(), orderId: o.id, status: 'approved', amountCents: o.totalCents, createdAt: new Date().toISOString() });
        paymentsByKey.set(key, payment);
        paymentsByOrder.set(o.id, (paymentsByOrder.get(o.id) ?? 0) + 1);
        if (!opts.paidStaysPending) o.status = 'paid';
        if (opts.flakyPayments && !existing) return send(503, { error: 'provider hiccup' });
        return send(201, { payment });
      }
      return send(404, { error: 'no route' });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * At least `ms` by the high-resolution clock. setTimeout counts from the event loop's cached time, so it
 * can fire up to ~1 ms early: the injected delay must be a true lower bound for the latency tests.
 */
function replyAfter(ms: number, reply: () => void): void {
  const due = performance.now() + ms;
  const check = () => {
    const left = due - performance.now();
    if (left <= 0) reply();
    else setTimeout(check, Math.max(1, Math.ceil(left)));
  };
  setTimeout(check, ms);
}
