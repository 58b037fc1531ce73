import pg from 'pg';
import { createDocumentClient, createDynamoStore } from './adapters/dynamodb/store.js';
import { migrate } from './adapters/postgres/migrations.js';
import { createPgStore } from './adapters/postgres/store.js';
import { DEFAULT_CATALOG_SIZE, seedCatalog } from './seed.js';

/**
 * Loading the deterministic catalog into either runtime's store, for the CLI and the local target:
 * the same N products, so both architectures are benchmarked on the same data.
 */

/** PostgreSQL: applies the migrations first (idempotent), then upserts the catalog. */
export async function seedPostgres(connection: pg.PoolConfig, n = DEFAULT_CATALOG_SIZE): Promise<{ products: number; categories: number }> {
  const pool = new pg.Pool({ ...connection, max: 2 });
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
    return await seedCatalog(createPgStore(pool), n);
  } finally {
    await pool.end();
  }
}

/** DynamoDB (AWS or a local DynamoDB-compatible endpoint): writes the products table. */
export async function seedDynamoDB(target: { productsTable: string; endpoint?: string; region?: string }, n = DEFAULT_CATALOG_SIZE): Promise<{ products: number; categories: number }> {
  const doc = createDocumentClient({ ...(target.endpoint ? { endpoint: target.endpoint } : {}), ...(target.region ? { region: target.region } : {}) });
  try {
    return await seedCatalog(createDynamoStore(doc, { products: target.productsTable }), n);
  } finally {
    doc.destroy();
  }
}
