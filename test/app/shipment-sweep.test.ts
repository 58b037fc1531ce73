import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessFulfilment, noOrderEvents } from '../../src/app/adapters/order-events.js';
import { migrate } from '../../src/app/adapters/postgres/migrations.js';
import { createPgStore, type PgStore } from '../../src/app/adapters/postgres/store.js';
import { FulfilmentService, OrderService } from '../../src/app/core/orders.js';
import { seedCatalog } from '../../src/app/seed.js';
import { embeddedPostgresUnavailable, startTestPostgres, type TestPostgres } from './harness/postgres.js';

const pgUnavailable = await embeddedPostgresUnavailable();
const RETRY_MS = 60_000;

/**
 * The server ships paid orders from in-process timers, which die with their instance. The sweep of
 * the shipment backlog (paid orders unchanged for longer than the retry interval) ships what they
 * left behind, once, whichever instance gets there first. Real PostgreSQL; the clock is the only
 * thing set by hand, so "an hour ago" needs no waiting.
 */
describe.skipIf(pgUnavailable !== undefined && process.env.CI !== 'true')('shipment backlog sweep (server runtime, PostgreSQL)', () => {
  let db: TestPostgres;
  let pool: pg.Pool;
  let store: PgStore;
  let nowMs = Date.now();
  const clock = { nowMs: () => nowMs };

  beforeAll(async () => {
    db = await startTestPostgres();
    pool = new pg.Pool({ connectionString: db.url });
    pool.on('error', () => undefined); // pool.end() resolves before its sockets close
    await migrate(pool);
    store = createPgStore(pool);
    await seedCatalog(store, 20);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.stop();
  });

  /** An order placed at `placedAtMs` by a new user, with no shipping timer (nothing scheduled it). */
  async function placedOrder(placedAtMs: number): Promise<{ userId: string; orderId: string }> {
    const userId = randomUUID();
    await store.carts.setQuantity(userId, 'prod-000003', 1);
    const order = await new OrderService(store.orders, store.carts, store.products, noOrderEvents, { nowMs: () => placedAtMs }).place(userId);
    return { userId, orderId: order.id };
  }

  /** A placed order, paid at `paidAtMs`, whose shipping timer was lost. */
  async function paidOrder(paidAtMs: number): Promise<{ userId: string; orderId: string }> {
    const placed = await placedOrder(paidAtMs - 1000);
    expect(await store.orders.transition(placed.userId, placed.orderId, 'pending', 'paid', { updatedAt: new Date(paidAtMs).toISOString() })).toBe(true);
    return placed;
  }

  const fulfilmentInstance = () => new InProcessFulfilment(new FulfilmentService(store.orders, clock), RETRY_MS, 5, (err) => expect.fail(String(err)), { orders: store.orders, clock });

  it('ships paid orders older than the retry interval, leaves recent ones to their timers, and ships each once', async () => {
    nowMs = Date.now();
    const stale = await paidOrder(nowMs - 3_600_000);
    const recent = await paidOrder(nowMs - 1_000);
    const unpaid = await placedOrder(nowMs - 3_600_000);

    // Two instances sweep at once: the conditional paid -> shipped transition ships the order once.
    const [a, b] = [fulfilmentInstance(), fulfilmentInstance()];
    const shipped = await Promise.all([a.sweep(), b.sweep()]);
    expect(shipped[0]! + shipped[1]!).toBe(1);
    expect((await store.orders.get(stale.userId, stale.orderId))!.status).toBe('shipped');
    expect((await store.orders.get(recent.userId, recent.orderId))!.status).toBe('paid');
    expect((await store.orders.get(unpaid.userId, unpaid.orderId))!.status).toBe('pending'); // only paid orders ship

    // Past the retry interval the recent one is in the backlog too; nothing is shipped twice.
    nowMs += RETRY_MS + 1;
    expect(await a.sweep()).toBe(1);
    expect((await store.orders.get(recent.userId, recent.orderId))!.status).toBe('shipped');
    expect(await b.sweep()).toBe(0);
    await Promise.all([a.stop(), b.stop()]);
  });
});
