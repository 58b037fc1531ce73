import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../src/app/adapters/dynamodb/store.js';
import { seedDynamoDB, seedPostgres } from '../../src/app/seed-stores.js';
import { generateCatalog } from '../../src/app/seed.js';
import { startDynalite, type TestDynamo } from './harness/dynamo.js';
import { embeddedPostgresUnavailable, startTestPostgres, type TestPostgres } from './harness/postgres.js';
import pg from 'pg';
import { createPgStore } from '../../src/app/adapters/postgres/store.js';

const N = 600;
const pgUnavailable = await embeddedPostgresUnavailable();

describe('seeding both stores with the same catalog', () => {
  let dynamo: TestDynamo;
  let db: TestPostgres | undefined;
  beforeAll(async () => {
    dynamo = await startDynalite('seed');
    if (!pgUnavailable || process.env.CI === 'true') db = await startTestPostgres();
  });
  afterAll(async () => {
    await dynamo?.stop();
    await db?.stop();
  });

  it('loads N products into DynamoDB, idempotently, with exact category counts', async () => {
    const target = { productsTable: dynamo.tables.TABLE_PRODUCTS, endpoint: dynamo.endpoint, region: 'us-east-1' };
    expect(await seedDynamoDB(target, N)).toEqual({ products: N, categories: 12 });
    await seedDynamoDB(target, N);
    const store = createDynamoStore(dynamo.doc, { products: dynamo.tables.TABLE_PRODUCTS });
    const counts = await store.products!.categories();
    expect(counts.reduce((s, c) => s + c.productCount, 0)).toBe(N);
    expect((await store.products!.list({ page: 1, pageSize: 1 })).total).toBe(N);
  });

  it.skipIf(pgUnavailable !== undefined && process.env.CI !== 'true')('loads the same products into PostgreSQL (migrating first)', async () => {
    expect(await seedPostgres({ connectionString: db!.url }, N)).toEqual({ products: N, categories: 12 });
    await seedPostgres({ connectionString: db!.url }, N);
    const pool = new pg.Pool({ connectionString: db!.url });
    // pool.end() resolves before its connections have closed: the server stopping in afterAll may still end one.
    pool.on('error', () => undefined);
    try {
      const store = createPgStore(pool);
      const page = await store.products.list({ page: 2, pageSize: 50 });
      expect(page.total).toBe(N);
      const dyn = await createDynamoStore(dynamo.doc, { products: dynamo.tables.TABLE_PRODUCTS }).products!.list({ page: 2, pageSize: 50 });
      expect(page.items).toEqual(dyn.items);
      expect(await store.products.get('prod-000007')).toEqual(generateCatalog(7)[6]);
    } finally {
      await pool.end();
    }
  });
});
