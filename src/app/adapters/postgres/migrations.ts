import type { Pool } from 'pg';

/**
 * SQL migrations, applied in order at server start. Kept in TypeScript so the bundled server carries
 * them; an advisory lock makes instances that start together apply each migration exactly once.
 * Never edit an applied migration: add the next one.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE login_attempts (
  email text NOT NULL,
  window_start timestamptz NOT NULL,
  attempts integer NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (email, window_start)
);
CREATE INDEX login_attempts_expiry ON login_attempts (expires_at);
CREATE TABLE products (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL,
  category text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  stock integer NOT NULL CHECK (stock >= 0),
  search_text text NOT NULL
);
-- The catalog order (category, price, id) and category/price-range filters use this index.
CREATE INDEX products_catalog_order ON products (category, price_cents, id);
CREATE INDEX products_price_order ON products (price_cents);
CREATE TABLE cart_items (
  user_id uuid NOT NULL,
  product_id text NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  quantity integer NOT NULL CHECK (quantity > 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, product_id)
);
CREATE TABLE orders (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'paid', 'shipped')),
  items jsonb NOT NULL,
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  payment_id uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX orders_history ON orders (user_id, id DESC);
CREATE TABLE payments (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id),
  user_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('approved', 'declined')),
  amount_cents integer NOT NULL,
  decline_reason text,
  provider_ref text NOT NULL,
  idempotency_key text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX payments_by_order ON payments (order_id);
-- One row per (user, key): the unique key is what makes concurrent duplicates charge once.
CREATE TABLE idempotency_keys (
  user_id uuid NOT NULL,
  key text NOT NULL,
  order_id uuid NOT NULL,
  state text NOT NULL CHECK (state IN ('processing', 'completed')),
  payment jsonb,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, key)
);
-- At most one charge in flight or approved per order, whatever the key.
CREATE TABLE order_charge_locks (
  order_id uuid PRIMARY KEY,
  payment_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 2,
    name: 'shipment backlog index',
    // Partial: only paid orders (a handful at any time) are in it, so the periodic sweep is an index scan.
    sql: `CREATE INDEX orders_awaiting_shipment ON orders (updated_at) WHERE status = 'paid';`,
  },
];

const LOCK_ID = 7_251_004_113; // any constant: serialises migrators across instances

export async function migrate(pool: Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
    client.release();
  }
}
