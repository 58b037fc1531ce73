import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoProductRepository } from '../../src/app/adapters/dynamodb/store.js';
import { key } from '../../src/app/adapters/dynamodb/tables.js';
import { seedDynamoDB } from '../../src/app/seed-stores.js';
import { startDynalite, type TestDynamo } from './harness/dynamo.js';

describe('DynamoDB text search from a per-environment catalog snapshot', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startDynalite('snap');
    await seedDynamoDB({ productsTable: dynamo.tables.TABLE_PRODUCTS, endpoint: dynamo.endpoint, region: 'us-east-1' }, 300);
  });
  afterAll(async () => dynamo?.stop());

  it('answers exactly what a live read answers, then refreshes after the snapshot age', async () => {
    let now = 1_000_000;
    const live = new DynamoProductRepository(dynamo.doc, dynamo.tables.TABLE_PRODUCTS, 0);
    const cached = new DynamoProductRepository(dynamo.doc, dynamo.tables.TABLE_PRODUCTS, 60, () => now);
    for (const q of [{ q: 'wool' }, { q: 'COOKBOOK', category: 'books' }, { q: 'a', minPrice: 500, maxPrice: 5000, page: 2 }]) {
      const query = { page: 1, pageSize: 7, ...q };
      expect(await cached.list(query)).toEqual(await live.list(query));
    }
    // A product renamed after the snapshot: not seen until the snapshot is 60 s old, then seen.
    const renamed = (await live.list({ page: 1, pageSize: 1 })).items[0]!;
    const item = { ...renamed, name: 'Zyzzyva lamp' };
    await dynamo.doc.send(new PutCommand({ TableName: dynamo.tables.TABLE_PRODUCTS, Item: { ...key.product(item.id), gsi1pk: `CATEGORY#${item.category}`, gsi1sk: `${String(item.priceCents).padStart(10, '0')}#${item.id}`, ...item, searchText: `${item.name} ${item.description} ${item.category}`.toLowerCase() } }));
    expect((await cached.list({ page: 1, pageSize: 5, q: 'zyzzyva' })).total).toBe(0);
    expect((await live.list({ page: 1, pageSize: 5, q: 'zyzzyva' })).total).toBe(1);
    now += 60_000;
    expect((await cached.list({ page: 1, pageSize: 5, q: 'zyzzyva' })).items.map((p) => p.id)).toEqual([item.id]);
  });

  it('shares one catalog read among concurrent searches', async () => {
    const repo = new DynamoProductRepository(dynamo.doc, dynamo.tables.TABLE_PRODUCTS, 60);
    let queries = 0;
    const counter = dynamo.doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand') queries += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countQueries' },
    );
    void counter;
    await Promise.all(Array.from({ length: 8 }, (_, i) => repo.list({ page: 1, pageSize: 5, q: i % 2 ? 'wool' : 'steel' })));
    dynamo.doc.middlewareStack.remove('countQueries');
    const categories = (await repo.categories()).length;
    // One query per category for the snapshot (plus the category-count reads), not one per search.
    expect(queries).toBeLessThanOrEqual(categories + 8 + 2);
    expect(queries).toBeGreaterThanOrEqual(categories);
  });
});
