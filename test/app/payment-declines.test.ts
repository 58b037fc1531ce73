import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedPostgresUnavailable } from './harness/postgres.js';
import { startLambdaRuntime, startServerRuntime, type AppUnderTest } from './harness/runtimes.js';

/** With a provider that declines everything: a declined payment leaves the order payable again. */
function declineSuite(label: string, start: () => Promise<AppUnderTest>) {
  describe(`declined payments: ${label}`, () => {
    let app: AppUnderTest;
    beforeAll(async () => {
      app = await start();
    });
    afterAll(async () => app?.stop());

    it('records the decline, keeps the order pending, and lets a new key try again', async () => {
      await app.store.products.putMany([{ id: 'prod-decline', name: 'D', description: 'd', category: 'home', priceCents: 1234, stock: 3 }]);
      const reg = await app.request('POST', '/users/register', { json: { email: 'decline@example.com', password: 'decline-pass', name: 'D' } });
      const token = reg.body.token as string;
      await app.request('POST', '/cart/items', { token, json: { productId: 'prod-decline', quantity: 2 } });
      const order = (await app.request('POST', '/orders', { token })).body.order;
      const first = await app.request('POST', '/payments', { token, json: { orderId: order.id }, headers: { 'Idempotency-Key': 'try-1' } });
      expect(first.status).toBe(201);
      expect(first.body.payment).toMatchObject({ status: 'declined', declineReason: 'card_declined', amountCents: 2468 });
      expect((await app.request('GET', `/orders/${order.id}`, { token })).body.order.status).toBe('pending');
      const replay = await app.request('POST', '/payments', { token, json: { orderId: order.id }, headers: { 'Idempotency-Key': 'try-1' } });
      expect(replay.status).toBe(200);
      expect(replay.body.payment.id).toBe(first.body.payment.id);
      const second = await app.request('POST', '/payments', { token, json: { orderId: order.id }, headers: { 'Idempotency-Key': 'try-2' } });
      expect(second.status).toBe(201);
      expect(second.body.payment.id).not.toBe(first.body.payment.id);
      expect(await app.store.payments.listForOrder(order.id)).toHaveLength(2);
    });
  });
}

declineSuite('lambda runtime', () => startLambdaRuntime({ PAYMENT_DECLINE_RATE: '1' }));
const pgUnavailable = await embeddedPostgresUnavailable();
if (pgUnavailable && process.env.CI !== 'true') console.warn(`SKIPPING declined payments on the server runtime: ${pgUnavailable}`);
else declineSuite('server runtime', () => startServerRuntime({ PAYMENT_DECLINE_RATE: '1' }));
