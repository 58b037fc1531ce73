import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCatalog } from '../../src/app/seed.js';
import type { Product } from '../../src/app/core/schemas.js';
import { TEST_APP_ENV, seed, type ApiResponse, type AppUnderTest, type RequestOptions } from './harness/runtimes.js';

/**
 * The one contract suite both runtimes must pass: the server process over PostgreSQL, and the Lambda
 * handlers (API Gateway v2 events) over a DynamoDB-compatible server.
 */

const CATALOG_SIZE = 240;
const byCatalogOrder = (a: Product, b: Product) =>
  a.category.localeCompare(b.category, 'en') || a.priceCents - b.priceCents || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

let emailCounter = 0;
const uniqueEmail = (tag: string) => `${tag}-${Date.now().toString(36)}-${(emailCounter += 1)}@example.test`;

export function contractSuite(label: string, start: () => Promise<AppUnderTest>): void {
  describe(`contract: ${label}`, () => {
    let app: AppUnderTest;
    const catalog = generateCatalog(CATALOG_SIZE).sort(byCatalogOrder);

    /** Every response a function served carries the cold-start headers. */
    async function call(method: string, path: string, options?: RequestOptions): Promise<ApiResponse> {
      const res = await app.request(method, path, options);
      expect(res.headers['x-archcompare-cold-start'], `${method} ${path}: cold-start header`).toMatch(/^(true|false)$/);
      expect(Number(res.headers['x-archcompare-init-ms']), `${method} ${path}: init-ms header`).toBeGreaterThanOrEqual(0);
      expect(res.status, `${method} ${path}: no 5xx (${res.text})`).toBeLessThan(500);
      return res;
    }

    async function register(tag = 'user'): Promise<{ token: string; id: string; email: string; password: string }> {
      const email = uniqueEmail(tag);
      const password = 'correct horse battery';
      const res = await call('POST', '/users/register', { json: { email, password, name: `Name ${tag}` } });
      expect(res.status).toBe(201);
      return { token: res.body.token, id: res.body.user.id, email, password };
    }

    async function setStock(productId: string, stock: number): Promise<void> {
      const p = catalog.find((c) => c.id === productId)!;
      await app.store.products.putMany([{ ...p, stock }]);
    }

    const expectError = (res: ApiResponse, status: number, code: string, field?: string) => {
      expect(res.status, res.text).toBe(status);
      expect(res.body?.error?.code, res.text).toBe(code);
      if (field) expect(res.body.error.field, res.text).toBe(field);
    };

    beforeAll(async () => {
      app = await start();
    });
    afterAll(async () => {
      await app?.stop();
    });

    // First: nothing else may have been served by this environment yet.
    it('reports a cold start exactly once per runtime environment, with its init time', async () => {
      const first = await app.request('GET', '/health');
      expect(first.status).toBe(200);
      expect(first.body.status).toBe('ok');
      expect(first.body.runtime).toBe(app.runtime);
      expect(first.headers['x-archcompare-cold-start']).toBe('true');
      const initMs = Number(first.headers['x-archcompare-init-ms']);
      expect(initMs).toBeGreaterThan(0);
      for (let i = 0; i < 3; i += 1) {
        const warm = await app.request('GET', '/health');
        expect(warm.headers['x-archcompare-cold-start']).toBe('false');
        expect(Number(warm.headers['x-archcompare-init-ms'])).toBe(initMs);
      }
      const fresh = await app.requestInNewEnvironment('GET', '/health');
      expect(fresh.headers['x-archcompare-cold-start']).toBe('true');
      await seed(app, CATALOG_SIZE);
    });

    describe('users', () => {
      it('registers, logs in, reads and updates the profile', async () => {
        const email = uniqueEmail('Alice').toUpperCase();
        const reg = await call('POST', '/users/register', { json: { email, password: 'sesame-open-1', name: 'Alice' } });
        expect(reg.status).toBe(201);
        expect(reg.body.user).toMatchObject({ email: email.toLowerCase(), name: 'Alice' });
        expect(reg.body.user.passwordHash).toBeUndefined();
        expect(reg.body.token.split('.')).toHaveLength(3);

        const login = await call('POST', '/users/login', { json: { email: email.toLowerCase(), password: 'sesame-open-1' } });
        expect(login.status).toBe(200);
        expect(login.body.user.id).toBe(reg.body.user.id);

        const me = await call('GET', '/users/me', { token: login.body.token });
        expect(me.status).toBe(200);
        expect(me.body.user).toMatchObject({ id: reg.body.user.id, name: 'Alice' });

        const patched = await call('PATCH', '/users/me', { token: reg.body.token, json: { name: 'Alice B. ✓' } });
        expect(patched.status).toBe(200);
        expect(patched.body.user.name).toBe('Alice B. ✓');
        expect((await call('GET', '/users/me', { token: reg.body.token })).body.user.name).toBe('Alice B. ✓');
      });

      it('rejects a second registration of the same email (409)', async () => {
        const u = await register('dup');
        expectError(await call('POST', '/users/register', { json: { email: u.email, password: 'another-password', name: 'X' } }), 409, 'EMAIL_TAKEN', 'email');
      });

      it('names the field that fails validation (400)', async () => {
        expectError(await call('POST', '/users/register', { json: { password: 'long-enough', name: 'N' } }), 400, 'VALIDATION_FAILED', 'email');
        expectError(await call('POST', '/users/register', { json: { email: 'not-an-email', password: 'long-enough', name: 'N' } }), 400, 'VALIDATION_FAILED', 'email');
        expectError(await call('POST', '/users/register', { json: { email: uniqueEmail('v'), password: 'short', name: 'N' } }), 400, 'VALIDATION_FAILED', 'password');
        expectError(await call('POST', '/users/register', { json: { email: uniqueEmail('v'), password: 'long-enough', name: 42 } }), 400, 'VALIDATION_FAILED', 'name');
        expectError(await call('POST', '/users/register', { body: '{"email":', headers: { 'content-type': 'application/json' } }), 400, 'MALFORMED_JSON');
        const u = await register('patch');
        expectError(await call('PATCH', '/users/me', { token: u.token, json: { name: '' } }), 400, 'VALIDATION_FAILED', 'name');
        expectError(await call('PATCH', '/users/me', { token: u.token, json: { email: 'x@y.z' } }), 400, 'VALIDATION_FAILED');
      });

      it('refuses wrong credentials and bad tokens (401)', async () => {
        const u = await register('creds');
        expectError(await call('POST', '/users/login', { json: { email: u.email, password: 'wrong password' } }), 401, 'INVALID_CREDENTIALS');
        expectError(await call('POST', '/users/login', { json: { email: uniqueEmail('nobody'), password: 'whatever1' } }), 401, 'INVALID_CREDENTIALS');
        expectError(await call('GET', '/users/me'), 401, 'UNAUTHENTICATED', 'Authorization');
        expectError(await call('GET', '/users/me', { token: 'not.a.jwt' }), 401, 'UNAUTHENTICATED');
        expectError(await call('GET', '/users/me', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }), 401, 'UNAUTHENTICATED');
        const forged = await new SignJWT({ email: u.email }).setProtectedHeader({ alg: 'HS256' }).setSubject(u.id).setIssuer('archcompare-shop').setExpirationTime('1h').sign(new TextEncoder().encode('some-other-secret-0123456789abcdef'));
        expectError(await call('GET', '/users/me', { token: forged }), 401, 'UNAUTHENTICATED');
        const expired = await new SignJWT({ email: u.email }).setProtectedHeader({ alg: 'HS256' }).setSubject(u.id).setIssuer('archcompare-shop').setIssuedAt(1_600_000_000).setExpirationTime(1_600_000_600).sign(new TextEncoder().encode(TEST_APP_ENV.JWT_SECRET));
        expectError(await call('GET', '/users/me', { token: expired }), 401, 'UNAUTHENTICATED');
      });

      it('rate-limits logins per user across runtime environments (429), leaving other users alone', async () => {
        const windowMs = Number(TEST_APP_ENV.LOGIN_RATE_WINDOW_SECONDS) * 1000;
        const leftInWindow = windowMs - (Date.now() % windowMs);
        if (leftInWindow < 60_000) await new Promise((r) => setTimeout(r, leftInWindow + 100));
        const u = await register('limited');
        const other = await register('unlimited');
        const limit = Number(TEST_APP_ENV.LOGIN_RATE_LIMIT);
        for (let i = 0; i < limit; i += 1) {
          // Alternate environments: the count lives in the store, not in one process.
          const send = i % 2 === 0 ? app.request : app.requestInNewEnvironment;
          const res = await send('POST', '/users/login', { json: { email: u.email, password: 'wrong password' } });
          expect(res.status, res.text).toBe(401);
        }
        const limited = await app.requestInNewEnvironment('POST', '/users/login', { json: { email: u.email, password: u.password } });
        expectError(limited, 429, 'RATE_LIMITED', 'email');
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        expect((await call('POST', '/users/login', { json: { email: other.email, password: other.password } })).status).toBe(200);
      }, 150_000);
    });

    describe('catalog', () => {
      it('lists products in catalog order with pagination and a total', async () => {
        const first = await call('GET', '/products');
        expect(first.status).toBe(200);
        expect(first.body).toMatchObject({ page: 1, pageSize: 20, total: CATALOG_SIZE });
        expect(first.body.items).toEqual(catalog.slice(0, 20));
        const page = await call('GET', '/products?page=3&pageSize=7');
        expect(page.body.items).toEqual(catalog.slice(14, 21));
        const last = await call('GET', `/products?page=${Math.ceil(CATALOG_SIZE / 50)}&pageSize=50`);
        expect(last.body.items).toEqual(catalog.slice(Math.floor(CATALOG_SIZE / 50) * 50));
        const beyond = await call('GET', '/products?page=1000&pageSize=100');
        expect(beyond.body).toMatchObject({ items: [], total: CATALOG_SIZE });
      });

      it('filters by category, price range and text, and combines them', async () => {
        const category = catalog[100]!.category;
        const inCategory = catalog.filter((p) => p.category === category);
        const res = await call('GET', `/products?category=${category}&pageSize=100`);
        expect(res.body.total).toBe(inCategory.length);
        expect(res.body.items).toEqual(inCategory.slice(0, 100));

        const ranged = catalog.filter((p) => p.priceCents >= 10_000 && p.priceCents <= 20_099);
        const r2 = await call('GET', '/products?minPrice=10000&maxPrice=20099&pageSize=10&page=2');
        expect(r2.body.total).toBe(ranged.length);
        expect(r2.body.items).toEqual(ranged.slice(10, 20));

        const both = inCategory.filter((p) => p.priceCents <= 25_000);
        const r3 = await call('GET', `/products?category=${category}&maxPrice=25000&pageSize=100`);
        expect(r3.body.total).toBe(both.length);
        expect(r3.body.items).toEqual(both);

        const term = catalog[5]!.name.split(' ').at(-1)!.toUpperCase();
        const matches = catalog.filter((p) => `${p.name} ${p.description}`.toLowerCase().includes(term.toLowerCase()));
        const r4 = await call('GET', `/products?q=${encodeURIComponent(term)}&pageSize=100`);
        expect(matches.length).toBeGreaterThan(0);
        expect(r4.body.total).toBe(matches.length);
        expect(r4.body.items).toEqual(matches.slice(0, 100));

        const r5 = await call('GET', '/products?q=%25_nothing-like-this_%25');
        expect(r5.body).toMatchObject({ items: [], total: 0 });
        const r6 = await call('GET', '/products?category=no-such-category');
        expect(r6.body).toMatchObject({ items: [], total: 0 });
      });

      it('validates query parameters (400 naming the parameter)', async () => {
        expectError(await call('GET', '/products?pageSize=0'), 400, 'VALIDATION_FAILED', 'pageSize');
        expectError(await call('GET', '/products?pageSize=101'), 400, 'VALIDATION_FAILED', 'pageSize');
        expectError(await call('GET', '/products?page=abc'), 400, 'VALIDATION_FAILED', 'page');
        expectError(await call('GET', '/products?minPrice=-1'), 400, 'VALIDATION_FAILED', 'minPrice');
        expectError(await call('GET', '/products?minPrice=500&maxPrice=100'), 400, 'VALIDATION_FAILED', 'maxPrice');
      });

      it('gets one product (404 for an unknown id) and lists categories', async () => {
        const p = catalog[17]!;
        const res = await call('GET', `/products/${p.id}`);
        expect(res.status).toBe(200);
        expect(res.body.product).toEqual(p);
        expectError(await call('GET', '/products/prod-999999'), 404, 'NOT_FOUND', 'id');
        expectError(await call('GET', '/products/bad%20id'), 400, 'VALIDATION_FAILED', 'id');
        const cats = await call('GET', '/categories');
        const expected = [...new Set(catalog.map((c) => c.category))].sort().map((name) => ({ name, productCount: catalog.filter((c) => c.category === name).length }));
        expect(cats.body.categories).toEqual(expected);
      });
    });

    describe('cart', () => {
      it('adds, updates and removes items, priced at catalog prices', async () => {
        const u = await register('cart');
        const [a, b] = [catalog[3]!, catalog[4]!];
        expect((await call('GET', '/cart', { token: u.token })).body.cart).toEqual({ items: [], totalCents: 0, itemCount: 0 });
        await call('POST', '/cart/items', { token: u.token, json: { productId: a.id, quantity: 2 } });
        const added = await call('POST', '/cart/items', { token: u.token, json: { productId: a.id, quantity: 1 } });
        expect(added.status).toBe(200);
        expect(added.body.cart.items).toEqual([{ productId: a.id, name: a.name, priceCents: a.priceCents, quantity: 3, lineTotalCents: 3 * a.priceCents }]);
        await call('POST', '/cart/items', { token: u.token, json: { productId: b.id, quantity: 1 } });
        const updated = await call('PATCH', `/cart/items/${a.id}`, { token: u.token, json: { quantity: 5 } });
        expect(updated.body.cart.totalCents).toBe(5 * a.priceCents + b.priceCents);
        expect(updated.body.cart.itemCount).toBe(6);
        const removed = await call('DELETE', `/cart/items/${b.id}`, { token: u.token });
        expect(removed.body.cart.items.map((i: { productId: string }) => i.productId)).toEqual([a.id]);
        expectError(await call('DELETE', `/cart/items/${b.id}`, { token: u.token }), 404, 'NOT_FOUND', 'productId');
        expectError(await call('PATCH', `/cart/items/${b.id}`, { token: u.token, json: { quantity: 1 } }), 404, 'NOT_FOUND', 'productId');
      });

      it('validates quantities against stock and input (400/404/409) and requires a token (401)', async () => {
        const u = await register('cartv');
        const p = catalog[30]!;
        expectError(await call('GET', '/cart'), 401, 'UNAUTHENTICATED');
        expectError(await call('POST', '/cart/items', { json: { productId: p.id, quantity: 1 } }), 401, 'UNAUTHENTICATED');
        expectError(await call('POST', '/cart/items', { token: u.token, json: { productId: p.id, quantity: 0 } }), 400, 'VALIDATION_FAILED', 'quantity');
        expectError(await call('POST', '/cart/items', { token: u.token, json: { productId: p.id, quantity: 1.5 } }), 400, 'VALIDATION_FAILED', 'quantity');
        expectError(await call('POST', '/cart/items', { token: u.token, json: { quantity: 1 } }), 400, 'VALIDATION_FAILED', 'productId');
        expectError(await call('POST', '/cart/items', { token: u.token, json: { productId: 'prod-999999', quantity: 1 } }), 404, 'NOT_FOUND', 'productId');
        await setStock(p.id, 3);
        expectError(await call('POST', '/cart/items', { token: u.token, json: { productId: p.id, quantity: 4 } }), 409, 'INSUFFICIENT_STOCK', 'quantity');
        await call('POST', '/cart/items', { token: u.token, json: { productId: p.id, quantity: 2 } });
        expectError(await call('POST', '/cart/items', { token: u.token, json: { productId: p.id, quantity: 2 } }), 409, 'INSUFFICIENT_STOCK', 'quantity');
        expectError(await call('PATCH', `/cart/items/${p.id}`, { token: u.token, json: { quantity: 4 } }), 409, 'INSUFFICIENT_STOCK', 'quantity');
        expect((await call('PATCH', `/cart/items/${p.id}`, { token: u.token, json: { quantity: 3 } })).status).toBe(200);
      });
    });

    describe('orders', () => {
      it('places the cart as a pending order, reserves stock, empties the cart, and lists history', async () => {
        const u = await register('order');
        expectError(await call('POST', '/orders', { token: u.token }), 409, 'CART_EMPTY');
        const [a, b] = [catalog[40]!, catalog[41]!];
        await setStock(a.id, 10);
        await setStock(b.id, 10);
        await call('POST', '/cart/items', { token: u.token, json: { productId: a.id, quantity: 2 } });
        await call('POST', '/cart/items', { token: u.token, json: { productId: b.id, quantity: 3 } });
        const placed = await call('POST', '/orders', { token: u.token });
        expect(placed.status, placed.text).toBe(201);
        const order = placed.body.order;
        expect(order.status).toBe('pending');
        expect(order.totalCents).toBe(2 * a.priceCents + 3 * b.priceCents);
        expect(order.items.map((i: { productId: string; quantity: number }) => [i.productId, i.quantity]).sort()).toEqual([[a.id, 2], [b.id, 3]].sort());
        expect((await call('GET', `/products/${a.id}`)).body.product.stock).toBe(8);
        expect((await call('GET', `/products/${b.id}`)).body.product.stock).toBe(7);
        expect((await call('GET', '/cart', { token: u.token })).body.cart.items).toEqual([]);

        const got = await call('GET', `/orders/${order.id}`, { token: u.token });
        expect(got.body.order).toEqual(order);
        await call('POST', '/cart/items', { token: u.token, json: { productId: a.id, quantity: 1 } });
        const second = (await call('POST', '/orders', { token: u.token })).body.order;
        const history = await call('GET', '/orders', { token: u.token });
        expect(history.body.orders.map((o: { id: string }) => o.id)).toEqual([second.id, order.id]);
      });

      it('answers 403 for another user’s order, 404 for none, 400 for a malformed id, 401 without a token', async () => {
        const owner = await register('owner');
        const stranger = await register('stranger');
        await call('POST', '/cart/items', { token: owner.token, json: { productId: catalog[50]!.id, quantity: 1 } });
        const order = (await call('POST', '/orders', { token: owner.token })).body.order;
        expectError(await call('GET', `/orders/${order.id}`, { token: stranger.token }), 403, 'FORBIDDEN', 'id');
        expectError(await call('GET', '/orders/0190c8a4-7b1e-7cc0-8a5e-3f1f0e2d9c11', { token: owner.token }), 404, 'NOT_FOUND', 'id');
        expectError(await call('GET', '/orders/not-an-id', { token: owner.token }), 400, 'VALIDATION_FAILED', 'id');
        expectError(await call('GET', '/orders'), 401, 'UNAUTHENTICATED');
        expectError(await call('POST', '/orders'), 401, 'UNAUTHENTICATED');
        expect((await call('GET', '/orders', { token: stranger.token })).body.orders).toEqual([]);
      });

      it('lets exactly one of N concurrent orders take the last unit', async () => {
        const last = catalog[60]!;
        const buyers = await Promise.all(Array.from({ length: 8 }, (_, i) => register(`racer${i}`)));
        await setStock(last.id, 1);
        for (const b of buyers) expect((await call('POST', '/cart/items', { token: b.token, json: { productId: last.id, quantity: 1 } })).status).toBe(200);
        // Each buyer in its own runtime environment, all at once.
        const results = await Promise.all(buyers.map((b) => app.requestInNewEnvironment('POST', '/orders', { token: b.token })));
        const statuses = results.map((r) => r.status).sort();
        expect(statuses, results.map((r) => r.text).join('\n')).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
        for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('INSUFFICIENT_STOCK');
        expect((await app.store.products.get(last.id))!.stock).toBe(0);
      });

      it('reserves all lines of an order or none', async () => {
        const [plenty, scarce] = [catalog[70]!, catalog[71]!];
        await setStock(plenty.id, 5);
        await setStock(scarce.id, 1);
        const slow = await register('slow');
        const fast = await register('fast');
        await call('POST', '/cart/items', { token: slow.token, json: { productId: plenty.id, quantity: 2 } });
        await call('POST', '/cart/items', { token: slow.token, json: { productId: scarce.id, quantity: 1 } });
        await call('POST', '/cart/items', { token: fast.token, json: { productId: scarce.id, quantity: 1 } });
        expect((await call('POST', '/orders', { token: fast.token })).status).toBe(201);
        const failed = await call('POST', '/orders', { token: slow.token });
        expectError(failed, 409, 'INSUFFICIENT_STOCK', 'productId');
        expect((await app.store.products.get(plenty.id))!.stock).toBe(5);
        expect((await app.store.products.get(scarce.id))!.stock).toBe(0);
        expect((await call('GET', '/cart', { token: slow.token })).body.cart.items).toHaveLength(2);
      });
    });

    describe('payments', () => {
      async function pendingOrder(tag: string, productIndex: number) {
        const u = await register(tag);
        await setStock(catalog[productIndex]!.id, 50);
        await call('POST', '/cart/items', { token: u.token, json: { productId: catalog[productIndex]!.id, quantity: 2 } });
        const order = (await call('POST', '/orders', { token: u.token })).body.order;
        return { u, order };
      }

      it('charges a pending order once, moves it to paid, and replays the same key (200, same payment)', async () => {
        const { u, order } = await pendingOrder('payer', 80);
        const pay = await call('POST', '/payments', { token: u.token, json: { orderId: order.id }, headers: { 'Idempotency-Key': 'key-1' } });
        expect(pay.status, pay.text).toBe(201);
        expect(pay.body.payment).toMatchObject({ orderId: order.id, status: 'approved', amountCents: order.totalCents });
        const again = await call('POST', '/payments', { token: u.token, json: { orderId: order.id }, headers: { 'Idempotency-Key': 'key-1' } });
        expect(again.status).toBe(200);
        expect(again.body.payment).toEqual(pay.body.payment);
        const paid = (await call('GET', `/orders/${order.id}`, { token: u.token })).body.order;
        expect(paid.paymentId).toBe(pay.body.payment.id);
        // The server's in-process fulfilment may already have shipped it; the Lambda consumer runs only when delivered.
        expect(app.runtime === 'lambda' ? ['paid'] : ['paid', 'shipped']).toContain(paid.status);
        expectError(await call('POST', '/payments', { token: u.token, json: { orderId: order.id }, headers: { 'Idempotency-Key': 'key-2' } }), 409, 'ORDER_NOT_PAYABLE', 'orderId');
        expect(await app.store.payments.listForOrder(order.id)).toHaveLength(1);

        // Fulfilment ships it: pending -> paid -> shipped.
        expect(await app.deliverOrderPlaced({ id: order.id, userId: u.id, totalCents: order.totalCents })).toBe('acked');
        expect((await call('GET', `/orders/${order.id}`, { token: u.token })).body.order.status).toBe('shipped');
      });

      it('charges once under N concurrent duplicates of one request', async () => {
        const { u, order } = await pendingOrder('dupes', 81);
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 === 0 ? app.request : app.requestInNewEnvironment)('POST', '/payments', { token: u.token, json: { orderId: order.id }, headers: { 'Idempotency-Key': 'same-key' } }),
          ),
        );
        const ids = new Set(results.map((r) => r.body?.payment?.id));
        expect(ids.size, results.map((r) => r.text).join('\n')).toBe(1);
        expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
        expect(await app.store.payments.listForOrder(order.id)).toHaveLength(1);
      });

      it('charges once when different keys race for one order', async () => {
        const { u, order } = await pendingOrder('keys', 82);
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => app.requestInNewEnvironment('POST', '/payments', { token: u.token, json: { orderId: order.id }, headers: { 'Idempotency-Key': `k-${i}` } })),
        );
        expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
        expect(await app.store.payments.listForOrder(order.id)).toHaveLength(1);
      });

      it('keeps an unpaid order pending through fulfilment', async () => {
        const { u, order } = await pendingOrder('unpaid', 83);
        expect(await app.deliverOrderPlaced({ id: order.id, userId: u.id, totalCents: order.totalCents })).toBe('retry');
        expect((await call('GET', `/orders/${order.id}`, { token: u.token })).body.order.status).toBe('pending');
      });

      it('refuses bad payment requests (400/401/403/404/422)', async () => {
        const { u, order } = await pendingOrder('badpay', 84);
        const other = await register('otherpayer');
        expectError(await call('POST', '/payments', { token: u.token, json: { orderId: order.id } }), 400, 'VALIDATION_FAILED', 'Idempotency-Key');
        expectError(await call('POST', '/payments', { token: u.token, json: { orderId: 'nope' }, headers: { 'Idempotency-Key': 'a' } }), 400, 'VALIDATION_FAILED', 'orderId');
        expectError(await call('POST', '/payments', { json: { orderId: order.id }, headers: { 'Idempotency-Key': 'a' } }), 401, 'UNAUTHENTICATED');
        expectError(await call('POST', '/payments', { token: other.token, json: { orderId: order.id }, headers: { 'Idempotency-Key': 'a' } }), 403, 'FORBIDDEN', 'orderId');
        expectError(await call('POST', '/payments', { token: u.token, json: { orderId: '0190c8a4-7b1e-7cc0-8a5e-3f1f0e2d9c11' }, headers: { 'Idempotency-Key': 'b' } }), 404, 'NOT_FOUND', 'orderId');
        // The failed attempts charged nothing and released their keys: key "a" still works.
        expect((await call('POST', '/payments', { token: u.token, json: { orderId: order.id }, headers: { 'Idempotency-Key': 'a' } })).status).toBe(201);
        await call('POST', '/cart/items', { token: u.token, json: { productId: catalog[85]!.id, quantity: 1 } });
        const secondOrder = (await call('POST', '/orders', { token: u.token })).body.order;
        expectError(await call('POST', '/payments', { token: u.token, json: { orderId: secondOrder.id }, headers: { 'Idempotency-Key': 'a' } }), 422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key');
      });
    });

    it('answers unknown routes with 404', async () => {
      const res = await app.request('GET', '/no-such-route');
      expect(res.status).toBe(404);
    });
  });
}
