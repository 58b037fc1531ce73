import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchWrite, createDynamoStore } from '../../src/app/adapters/dynamodb/store.js';
import type { Product } from '../../src/app/core/schemas.js';
import { startDynalite, type TestDynamo } from './harness/dynamo.js';

/**
 * DynamoDB may answer a batch call with part of it unprocessed (throttling). dynalite never does, so an
 * SDK middleware on the real client makes it: each throttled BatchWriteItem sends dynalite only the first
 * request per table and reports the rest as UnprocessedItems, as DynamoDB would.
 */
type Requests = Record<string, unknown[]>;
let d: TestDynamo;
const throttle = { calls: 0, remaining: 0, writeNone: false };

beforeAll(async () => {
  d = await startDynalite('unprocessed');
  d.doc.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { RequestItems?: Requests };
      const isBatchWrite = input.RequestItems && Object.values(input.RequestItems).every(Array.isArray);
      if (!isBatchWrite) return next(args);
      throttle.calls += 1;
      if (throttle.remaining <= 0) return next(args);
      throttle.remaining -= 1;
      const sent: Requests = {};
      const left: Requests = {};
      for (const [table, requests] of Object.entries(input.RequestItems!)) {
        const cut = throttle.writeNone ? 0 : 1;
        if (cut > 0) sent[table] = requests.slice(0, cut);
        if (requests.length > cut) left[table] = requests.slice(cut);
      }
      if (Object.keys(sent).length === 0) return { output: { UnprocessedItems: left, $metadata: {} }, response: {} } as never;
      const out = await next({ ...args, input: { ...input, RequestItems: sent } });
      return { ...out, output: { ...(out.output as object), UnprocessedItems: left } };
    },
    { step: 'initialize', name: 'throttleBatchWrites' },
  );
}, 60_000);
afterAll(async () => d?.stop());

const products: Product[] = Array.from({ length: 4 }, (_, i) => ({ id: `p${i}`, name: `P${i}`, description: 'd', category: 'home', priceCents: 100, stock: 1 }));

describe('batch writes left unprocessed', () => {
  it('resends only what was left until everything is stored', async () => {
    const store = createDynamoStore(d.doc, { products: d.tables.TABLE_PRODUCTS });
    Object.assign(throttle, { calls: 0, remaining: 3, writeNone: false });
    await store.products!.putMany(products);
    expect(throttle.calls).toBe(4);
    expect((await store.products!.getMany(products.map((p) => p.id))).map((p) => p.id)).toEqual(['p0', 'p1', 'p2', 'p3']);
  });

  it('gives up after the policy’s attempts with an error naming the call and what is left', async () => {
    Object.assign(throttle, { calls: 0, remaining: Number.POSITIVE_INFINITY, writeNone: true });
    const requests = products.map((p) => ({ DeleteRequest: { Key: { pk: `PRODUCT#${p.id}`, sk: 'A' } } }));
    await expect(batchWrite(d.doc, d.tables.TABLE_PRODUCTS, requests, { attempts: 3, firstDelayMs: 1, maxDelayMs: 1 })).rejects.toThrow(
      `DynamoDB BatchWriteItem on ${d.tables.TABLE_PRODUCTS}: gave up after 3 attempts (4 writes still unprocessed)`,
    );
    expect(throttle.calls).toBe(3);
  });
});
