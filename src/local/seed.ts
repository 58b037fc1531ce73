import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { TABLES } from '../architecture/system.js';
import { LOCAL_CREDENTIALS } from './dynamo.js';
import type { TableSpec } from './topology.js';

/**
 * Loads the application's deterministic catalog into a fresh local deployment through the app's own
 * store adapters (so the data has exactly the shape the app reads), like a seeding step after deploy.
 * Imported lazily: the app's modules are only needed when a catalog is requested.
 */

export async function seedPostgres(conn: pg.PoolConfig, products: number): Promise<number> {
  const [{ createPgStore }, { seedCatalog }] = await Promise.all([import('../app/adapters/postgres/store.js'), import('../app/seed.js')]);
  const pool = new pg.Pool({ ...conn, max: 2 });
  pool.on('error', () => undefined);
  try {
    return (await seedCatalog(createPgStore(pool), products)).products;
  } finally {
    await pool.end();
  }
}

export async function seedDynamo(endpoint: string, region: string, tables: readonly TableSpec[], products: number): Promise<number> {
  const [{ createDynamoStore }, { seedCatalog }] = await Promise.all([import('../app/adapters/dynamodb/store.js'), import('../app/seed.js')]);
  const client = new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const name = (id: string) => tables.find((t) => t.logicalId === id)?.name;
  try {
    const store = createDynamoStore(doc, Object.fromEntries(TABLES.map((t) => [t, name(t)])));
    return (await seedCatalog(store, products)).products;
  } finally {
    client.destroy();
  }
}
