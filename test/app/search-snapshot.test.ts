import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSearchIndex, encodeSearchIndex, matchSearch, sortedEntries } from '../../src/app/adapters/dynamodb/search-index.js';
import { DynamoProductRepository } from '../../src/app/adapters/dynamodb/store.js';
import { key, SEARCH_INDEX_PK } from '../../src/app/adapters/dynamodb/tables.js';
import { generateCatalog } from '../../src/app/seed.js';
import { seedDynamoDB } from '../../src/app/seed-stores.js';
import { startDynalite, type TestDynamo } from './harness/dynamo.js';

describe('the search index format', () => {
  const catalog = generateCatalog(500);

  it('round-trips in catalog order through as many shards as the size limit needs', async () => {
    const entries = sortedEntries(catalog);
    const one = await encodeSearchIndex(entries);
    expect(one).toHaveLength(1);
    const many = await encodeSearchIndex(entries, 2_000);
    expect(many.length).toBeGreaterThan(3);
    for (const shard of many) expect(shard.byteLength).toBeLessThanOrEqual(2_000);
    expect(await decodeSearchIndex(many)).toEqual(entries);
    expect(await decodeSearchIndex(one)).toEqual(entries);
  });

  it('refuses a product that cannot fit in one item rather than dropping it', async () => {
    const huge = { ...catalog[0]!, description: Array.from({ length: 4000 }, (_, i) => `word${i * 7919}`).join(' ') };
    await expect(encodeSearchIndex(sortedEntries([huge]), 2_000)).rejects.toThrow(/prod-000001 alone takes/);
  });

  it('matches as the live filter does: case-insensitive substring, category and price bounds, catalog order', () => {
    const entries = sortedEntries(catalog);
    const hits = matchSearch(entries, { q: 'WOOL', category: 'outdoors', minPrice: 1000, maxPrice: 40_000 });
    const expected = catalog.filter((p) => p.category === 'outdoors' && p.priceCents >= 1000 && p.priceCents <= 40_000 && `${p.name}\n${p.description}`.toLowerCase().includes('wool'));
    expect(hits.map((e) => e.id).sort()).toEqual(expected.map((p) => p.id).sort());
    expect(hits.length).toBeGreaterThan(0);
    const order = entries.map((e) => e.id);
    expect(hits.map((e) => order.indexOf(e.id))).toEqual([...hits.map((e) => order.indexOf(e.id))].sort((a, b) => a - b));
  });
});

describe('DynamoDB text search from the published index', () => {
  let dynamo: TestDynamo;
  let table: string;
  beforeAll(async () => {
    dynamo = await startDynalite('snap');
    table = dynamo.tables.TABLE_PRODUCTS;
    await seedDynamoDB({ productsTable: table, endpoint: dynamo.endpoint, region: 'us-east-1' }, 300);
  });
  afterAll(async () => dynamo?.stop());

  /** Counts the Query calls of `run`: on the index's partition, and through the category index (full reads). */
  async function countQueries(run: () => Promise<unknown>): Promise<{ index: number; category: number }> {
    const seen = { index: 0, category: 0 };
    dynamo.doc.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { IndexName?: string; ExpressionAttributeValues?: Record<string, unknown> };
        if (context.commandName === 'QueryCommand' && input.ExpressionAttributeValues?.[':pk'] === SEARCH_INDEX_PK) seen.index += 1;
        if (context.commandName === 'QueryCommand' && input.IndexName === 'gsi1') seen.category += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countQueries' },
    );
    try {
      await run();
    } finally {
      dynamo.doc.middlewareStack.remove('countQueries');
    }
    return seen;
  }

  const QUERIES = [{ q: 'wool' }, { q: 'COOKBOOK', category: 'books' }, { q: 'a', minPrice: 500, maxPrice: 5000, page: 2 }];

  it('answers exactly what a live read answers, then sees a re-published catalog after the snapshot age', async () => {
    let now = 1_000_000;
    const live = new DynamoProductRepository(dynamo.doc, table, 0);
    const cached = new DynamoProductRepository(dynamo.doc, table, 60, () => now);
    for (const q of QUERIES) {
      const query = { page: 1, pageSize: 7, ...q };
      expect(await cached.list(query)).toEqual(await live.list(query));
    }
    // A product renamed through the catalog's write path: not found until the snapshot is 60 s old.
    const renamed = { ...(await live.list({ page: 1, pageSize: 1 })).items[0]!, name: 'Zyzzyva lamp' };
    await live.putMany([renamed]);
    expect((await cached.list({ page: 1, pageSize: 5, q: 'zyzzyva' })).total).toBe(0);
    expect((await live.list({ page: 1, pageSize: 5, q: 'zyzzyva' })).total).toBe(1);
    now += 60_000;
    expect((await cached.list({ page: 1, pageSize: 5, q: 'zyzzyva' })).items).toEqual([renamed]);
  });

  it('reads the index once for concurrent searches, and no product beyond each page', async () => {
    const repo = new DynamoProductRepository(dynamo.doc, table, 60);
    const seen = await countQueries(() => Promise.all(Array.from({ length: 8 }, (_, i) => repo.list({ page: 1, pageSize: 5, q: i % 2 ? 'wool' : 'steel' }))));
    expect(seen).toEqual({ index: 1, category: 0 });
  });

  it('falls back to a full read while the index is missing or half rewritten, with the same answers', async () => {
    const live = new DynamoProductRepository(dynamo.doc, table, 0);
    const shards = (await dynamo.doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SEARCH_INDEX_PK } }))).Items!;
    expect(shards).toHaveLength(1);
    // Half rewritten: a second shard from another write.
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: { ...key.searchIndexShard(1), build: 'another-write', shards: 2, data: new Uint8Array([1]) } }));
    const torn = new DynamoProductRepository(dynamo.doc, table, 60);
    let answers: unknown[] = [];
    const seen = await countQueries(async () => (answers = await Promise.all(QUERIES.map((q) => torn.list({ page: 1, pageSize: 7, ...q })))));
    expect(seen.category).toBeGreaterThan(0);
    expect(answers).toEqual(await Promise.all(QUERIES.map((q) => live.list({ page: 1, pageSize: 7, ...q }))));
    // Missing altogether.
    for (const s of [...shards, key.searchIndexShard(1)]) await dynamo.doc.send(new DeleteCommand({ TableName: table, Key: { pk: s.pk, sk: s.sk } }));
    const bare = new DynamoProductRepository(dynamo.doc, table, 60);
    expect(await bare.list({ page: 1, pageSize: 7, q: 'wool' })).toEqual(await live.list({ page: 1, pageSize: 7, q: 'wool' }));
    // Publishing again replaces the stray shard rather than leaving it beside the new one.
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: { ...key.searchIndexShard(3), build: 'stale', shards: 4, data: new Uint8Array([1]) } }));
    await live.putMany([]);
    const after = (await dynamo.doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SEARCH_INDEX_PK } }))).Items!;
    expect(after.map((s) => s.sk)).toEqual([key.searchIndexShard(0).sk]);
  });
});
