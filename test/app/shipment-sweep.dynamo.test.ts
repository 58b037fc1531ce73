import http from 'node:http';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../src/app/adapters/dynamodb/store.js';
import { AWAITING_SHIPMENT } from '../../src/app/adapters/dynamodb/tables.js';
import { noOrderEvents } from '../../src/app/adapters/order-events.js';
import { OrderService } from '../../src/app/core/orders.js';
import { createShipmentSweeper } from '../../src/app/runtimes/lambda/runtime.js';
import { seed, startLambdaRuntime } from './harness/runtimes.js';
import { listen, readBody, recordingProxy } from '../support/http-server.js';

/**
 * The serverless outbox. The orders function's "order placed" message fails to send (the queue
 * answers 503, as an unavailable SQS does), so no consumer will ever ship the order; the scheduled
 * shipment sweeper finds it in the orders table's sparse index once the queue's redelivery interval
 * has passed, and ships it once, however many sweepers run at once. Real handlers, real dynalite,
 * a recording DynamoDB endpoint in front of the sweepers to see what they ask for.
 */


/** An SQS endpoint (AWS JSON protocol) that is down: every call answers 503 ServiceUnavailable. */
async function unavailableSqs(attempts: string[]): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(async (req, res) => {
    await readBody(req);
    attempts.push(String(req.headers['x-amz-target'] ?? ''));
    res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'com.amazonaws.sqs#ServiceUnavailable', message: 'Service is unavailable' }));
  });
  return { url: await listen(server), server };
}

/** A DynamoDB endpoint that forwards to dynalite and records each operation with the index it names. */
function recordingDynamo(target: string, calls: Array<{ op: string; index?: string }>): Promise<{ url: string; server: http.Server }> {
  return recordingProxy(target, (req, body) => {
    const input = JSON.parse(body.toString() || '{}') as { IndexName?: string };
    calls.push({ op: String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '', ...(input.IndexName ? { index: input.IndexName } : {}) });
  });
}

describe('serverless outbox: the scheduled shipment sweeper (real handlers, dynalite)', () => {
  let app: Awaited<ReturnType<typeof startLambdaRuntime>>;
  const servers: http.Server[] = [];
  const sendAttempts: string[] = [];
  const sweeperCalls: Array<{ op: string; index?: string }> = [];
  let sweeperEnv: Record<string, string>;

  beforeAll(async () => {
    const sqs = await unavailableSqs(sendAttempts);
    servers.push(sqs.server);
    app = await startLambdaRuntime({ ORDERS_QUEUE_URL: `${sqs.url}/000000000000/orders` });
    await seed(app, 20);
    const proxy = await recordingDynamo(app.dynamo.endpoint, sweeperCalls);
    servers.push(proxy.server);
    sweeperEnv = { ...app.env, AWS_ENDPOINT_URL_DYNAMODB: proxy.url };
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
    await app?.stop();
  });

  it('ships a paid order whose queue send failed, once, with two sweepers at once and the consumer after them', async () => {
    const credentials = { email: `sweep-${Date.now()}@example.com`, password: 'outbox-password-1' };
    expect((await app.request('POST', '/users/register', { json: { ...credentials, name: 'Sweep' } })).status).toBe(201);
    const { token } = (await app.request('POST', '/users/login', { json: credentials })).body as { token: string };
    expect((await app.request('POST', '/cart/items', { token, json: { productId: 'prod-000003', quantity: 1 } })).status).toBe(200);
    const placed = await app.request('POST', '/orders', { token });
    // The order stands (its stock is reserved) although its message never reached the queue.
    expect(placed.status).toBe(201);
    expect(sendAttempts.length).toBeGreaterThan(0);
    expect(new Set(sendAttempts)).toEqual(new Set(['AmazonSQS.SendMessage']));
    const order = placed.body.order as { id: string };
    expect((await app.request('POST', '/payments', { token, json: { orderId: order.id }, headers: { 'Idempotency-Key': `k-${order.id}` } })).status).toBe(201);
    const status = async () => ((await app.request('GET', `/orders/${order.id}`, { token })).body.order as { status: string }).status;
    expect(await status()).toBe('paid');

    // Within the queue's redelivery interval the order is the queue's to ship, not the sweeper's.
    const patient = createShipmentSweeper({ ...sweeperEnv, FULFILMENT_RETRY_MS: String(3_600_000) });
    expect(await patient.handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' })).toEqual({ shipped: [] });
    expect(await status()).toBe('paid');

    // Past it, two execution environments sweep at once (overlapping scheduled runs): one ships it.
    await new Promise((r) => setTimeout(r, 50));
    const [a, b] = [createShipmentSweeper({ ...sweeperEnv, FULFILMENT_RETRY_MS: '20' }), createShipmentSweeper({ ...sweeperEnv, FULFILMENT_RETRY_MS: '20' })];
    const runs = await Promise.all([a.handler(), b.handler()]);
    expect(runs.flatMap((r) => r.shipped)).toEqual([order.id]);
    expect(await status()).toBe('shipped');

    // Nothing ships twice: the next run finds nothing, and a late message is acknowledged, not re-shipped.
    expect(await a.handler()).toEqual({ shipped: [] });
    const userId = (await app.store.orders.ownerOf(order.id))!;
    expect(await app.deliverOrderPlaced({ id: order.id, userId, totalCents: 0 })).toBe('acked');
    expect(await status()).toBe('shipped');
  }, 60_000);

  it('reads the backlog with Query on the sparse index, never a Scan', () => {
    const reads = sweeperCalls.filter((c) => c.op === 'Query' || c.op === 'Scan');
    expect(reads.length).toBeGreaterThanOrEqual(4);
    expect(reads.every((c) => c.op === 'Query' && c.index === AWAITING_SHIPMENT.index), JSON.stringify(reads)).toBe(true);
    // Besides the index: the consistent re-read and the conditional ship of the one order found.
    expect(new Set(sweeperCalls.map((c) => c.op))).toEqual(new Set(['Query', 'GetItem', 'UpdateItem']));
  });

  it('holds only paid orders in the sparse index, and gives back those paid before the cut-off, oldest first', async () => {
    const store = createDynamoStore(app.dynamo.doc, { orders: app.dynamo.tables.TABLE_ORDERS, carts: app.dynamo.tables.TABLE_CARTS, products: app.dynamo.tables.TABLE_PRODUCTS });
    const orders = store.orders!;
    const place = async (user: string) => {
      await store.carts!.setQuantity(user, 'prod-000004', 1);
      return (await new OrderService(orders, store.carts!, store.products!, noOrderEvents, { nowMs: () => Date.now() }).place(user)).id;
    };
    const at = (isoMinute: number) => new Date(Date.UTC(2026, 0, 1, 0, isoMinute)).toISOString();
    const pending = await place('u-pending');
    const older = await place('u-older');
    const newer = await place('u-newer');
    const shipped = await place('u-shipped');
    expect(await orders.transition('u-older', older, 'pending', 'paid', { updatedAt: at(10) })).toBe(true);
    expect(await orders.transition('u-newer', newer, 'pending', 'paid', { updatedAt: at(20) })).toBe(true);
    expect(await orders.transition('u-shipped', shipped, 'pending', 'paid', { updatedAt: at(5) })).toBe(true);
    expect(await orders.transition('u-shipped', shipped, 'paid', 'shipped', { updatedAt: at(6) })).toBe(true);

    // The whole index, read by its key alone: only the orders that are paid now are in it.
    const { Items } = await app.dynamo.doc.send(
      new QueryCommand({ TableName: app.dynamo.tables.TABLE_ORDERS, IndexName: AWAITING_SHIPMENT.index, KeyConditionExpression: '#f = :paid', ExpressionAttributeNames: { '#f': AWAITING_SHIPMENT.flag }, ExpressionAttributeValues: { ':paid': AWAITING_SHIPMENT.flagValue } }),
    );
    expect((Items ?? []).map((i) => String(i.sk).slice('ORDER#'.length)).sort()).toEqual([older, newer].sort());
    expect((Items ?? []).some((i) => String(i.sk).endsWith(pending) || String(i.sk).endsWith(shipped))).toBe(false);

    expect(await orders.awaitingShipment(at(15), 10)).toEqual([{ userId: 'u-older', orderId: older }]);
    expect(await orders.awaitingShipment(at(30), 10)).toEqual([
      { userId: 'u-older', orderId: older },
      { userId: 'u-newer', orderId: newer },
    ]);
    expect(await orders.awaitingShipment(at(30), 1)).toEqual([{ userId: 'u-older', orderId: older }]);
  });
});
