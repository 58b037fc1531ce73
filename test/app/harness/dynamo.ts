import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../../src/app/adapters/dynamodb/store.js';
import { tableDefinition } from '../../../src/app/adapters/dynamodb/tables.js';
import { TABLES, tableVariable } from '../../../src/architecture/system.js';

export interface TestDynamo {
  endpoint: string;
  tables: { TABLE_USERS: string; TABLE_PRODUCTS: string; TABLE_CARTS: string; TABLE_ORDERS: string; TABLE_PAYMENTS: string };
  env: Record<string, string>;
  doc: ReturnType<typeof createDocumentClient>;
  stop(): Promise<void>;
}

// The SDK insists on credentials and a region even for a local server; these never leave 127.0.0.1.
export const LOCAL_AWS_ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

/** Creates the five tables in the shared key schema on a DynamoDB-compatible endpoint. */
export async function createTables(endpoint: string, prefix: string): Promise<TestDynamo['tables']> {
  const tables = {
    TABLE_USERS: `${prefix}-users`,
    TABLE_PRODUCTS: `${prefix}-products`,
    TABLE_CARTS: `${prefix}-carts`,
    TABLE_ORDERS: `${prefix}-orders`,
    TABLE_PAYMENTS: `${prefix}-payments`,
  };
  const client = new DynamoDBClient({ endpoint, region: LOCAL_AWS_ENV.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const table of TABLES) await client.send(new CreateTableCommand(tableDefinition(tables[tableVariable(table)], table)));
  client.destroy();
  return tables;
}

/** dynalite (a DynamoDB-compatible server on LevelDB, in memory here) on a free loopback port. */
export async function startDynalite(prefix = 'shop'): Promise<TestDynamo> {
  for (const [k, v] of Object.entries(LOCAL_AWS_ENV)) process.env[k] ??= v;
  const { default: dynalite } = (await import('dynalite' as string)) as { default: (opts: Record<string, unknown>) => Server };
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tables = await createTables(endpoint, prefix);
  const doc = createDocumentClient({ endpoint, region: LOCAL_AWS_ENV.AWS_REGION });
  return {
    endpoint,
    tables,
    env: { ...tables, AWS_ENDPOINT_URL_DYNAMODB: endpoint, ...LOCAL_AWS_ENV },
    doc,
    stop: async () => {
      doc.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
