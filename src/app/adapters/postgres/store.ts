import pg from 'pg';
import { compareProducts, searchText } from '../../core/catalog.js';
import type {
  CartLineRecord,
  CartRepository,
  CategoryCount,
  IdempotencyRecord,
  LoginThrottle,
  OrderRepository,
  PaymentRepository,
  PlaceOrderResult,
  ProductRepository,
  ShipmentBacklog,
  StoredOrder,
  StoredPayment,
  UserRecord,
  UserRepository,
} from '../../core/ports.js';
import type { OrderStatus, Payment, Product, ProductQuery } from '../../core/schemas.js';

type Pool = pg.Pool;

const UNIQUE_VIOLATION = '23505';
const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();
const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === UNIQUE_VIOLATION;

/** Runs `work` in one transaction on one pooled connection. */
export async function inTransaction<T>(pool: Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

interface UserRow { id: string; email: string; name: string; password_hash: string; created_at: Date }
const toUser = (r: UserRow): UserRecord => ({ id: r.id, email: r.email, name: r.name, passwordHash: r.password_hash, createdAt: iso(r.created_at) });

export class PgUserRepository implements UserRepository, LoginThrottle {
  constructor(private readonly pool: Pool) {}

  async create(u: UserRecord): Promise<'created' | 'email-taken'> {
    try {
      await this.pool.query('INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)', [u.id, u.email, u.name, u.passwordHash, u.createdAt]);
      return 'created';
    } catch (err) {
      if (isUniqueViolation(err)) return 'email-taken';
      throw err;
    }
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users WHERE email = $1', [email]);
    return rows[0] && toUser(rows[0]);
  }

  async find(caller: { id: string }): Promise<UserRecord | undefined> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users WHERE id = $1', [caller.id]);
    return rows[0] && toUser(rows[0]);
  }

  async updateName(caller: { id: string }, name: string): Promise<UserRecord | undefined> {
    const { rows } = await this.pool.query<UserRow>('UPDATE users SET name = $2 WHERE id = $1 RETURNING *', [caller.id, name]);
    return rows[0] && toUser(rows[0]);
  }

  async consumeAttempt(email: string, nowMs: number, windowSeconds: number, limit: number): Promise<boolean> {
    const windowMs = windowSeconds * 1000;
    const windowStart = new Date(nowMs - (nowMs % windowMs));
    // One statement: the row lock serialises concurrent attempts, so the count is exact.
    const { rowCount } = await this.pool.query(
      `INSERT INTO login_attempts (email, window_start, attempts, expires_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (email, window_start) DO UPDATE SET attempts = login_attempts.attempts + 1
       WHERE login_attempts.attempts < $4`,
      [email, windowStart, new Date(windowStart.getTime() + 2 * windowMs), limit],
    );
    if (Math.random() < 0.01) void this.pool.query('DELETE FROM login_attempts WHERE expires_at < now()').catch(() => undefined);
    return rowCount === 1;
  }
}

interface ProductRow { id: string; name: string; description: string; category: string; price_cents: number; stock: number }
const toProduct = (r: ProductRow): Product => ({ id: r.id, name: r.name, description: r.description, category: r.category, priceCents: r.price_cents, stock: r.stock });
const PRODUCT_COLUMNS = 'id, name, description, category, price_cents, stock';

export class PgProductRepository implements ProductRepository {
  constructor(private readonly pool: Pool) {}

  async list(q: ProductQuery): Promise<{ items: Product[]; total: number }> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown) => `$${args.push(v)}`;
    if (q.category !== undefined) where.push(`category = ${arg(q.category)}`);
    if (q.minPrice !== undefined) where.push(`price_cents >= ${arg(q.minPrice)}`);
    if (q.maxPrice !== undefined) where.push(`price_cents <= ${arg(q.maxPrice)}`);
    // strpos, not LIKE: the user's text is matched literally (no % or _ wildcards).
    if (q.q !== undefined) where.push(`strpos(search_text, ${arg(q.q.toLowerCase())}) > 0`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // Page and count as two statements: the page alone can walk the (category, price, id) index and stop early.
    const [page, count] = await Promise.all([
      this.pool.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products ${filter} ORDER BY category, price_cents, id LIMIT $${args.length + 1} OFFSET $${args.length + 2}`, [
        ...args,
        q.pageSize,
        (q.page - 1) * q.pageSize,
      ]),
      this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM products ${filter}`, args),
    ]);
    return { items: page.rows.map(toProduct), total: Number(count.rows[0]?.n ?? 0) };
  }

  async get(id: string): Promise<Product | undefined> {
    const { rows } = await this.pool.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1`, [id]);
    return rows[0] && toProduct(rows[0]);
  }

  async getMany(ids: readonly string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ANY($1::text[])`, [ids]);
    return rows.map(toProduct).sort(compareProducts);
  }

  async categories(): Promise<CategoryCount[]> {
    const { rows } = await this.pool.query<{ category: string; n: string }>('SELECT category, count(*) AS n FROM products GROUP BY category ORDER BY category');
    return rows.map((r) => ({ name: r.category, productCount: Number(r.n) }));
  }

  async putMany(products: readonly Product[]): Promise<void> {
    for (let i = 0; i < products.length; i += 1000) {
      const chunk = products.slice(i, i + 1000);
      await this.pool.query(
        `INSERT INTO products (id, name, description, category, price_cents, stock, search_text)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[])
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, category = EXCLUDED.category,
           price_cents = EXCLUDED.price_cents, stock = EXCLUDED.stock, search_text = EXCLUDED.search_text`,
        [
          chunk.map((p) => p.id),
          chunk.map((p) => p.name),
          chunk.map((p) => p.description),
          chunk.map((p) => p.category),
          chunk.map((p) => p.priceCents),
          chunk.map((p) => p.stock),
          chunk.map((p) => searchText(p)),
        ],
      );
    }
  }
}

export class PgCartRepository implements CartRepository {
  constructor(private readonly pool: Pool) {}

  async get(userId: string): Promise<CartLineRecord[]> {
    const { rows } = await this.pool.query<{ product_id: string; quantity: number }>('SELECT product_id, quantity FROM cart_items WHERE user_id = $1 ORDER BY product_id', [userId]);
    return rows.map((r) => ({ productId: r.product_id, quantity: r.quantity }));
  }

  async setQuantity(userId: string, productId: string, quantity: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO cart_items (user_id, product_id, quantity) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = now()`,
      [userId, productId, quantity],
    );
  }

  async remove(userId: string, productId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM cart_items WHERE user_id = $1 AND product_id = $2', [userId, productId]);
    return rowCount === 1;
  }
}

interface OrderRow { id: string; user_id: string; status: OrderStatus; items: StoredOrder['items']; total_cents: number; payment_id: string | null; created_at: Date; updated_at: Date }
const toOrder = (r: OrderRow): StoredOrder => ({
  id: r.id,
  userId: r.user_id,
  status: r.status,
  items: r.items,
  totalCents: r.total_cents,
  ...(r.payment_id ? { paymentId: r.payment_id } : {}),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

class OutOfStock extends Error {
  constructor(readonly productId: string) {
    super(`out of stock: ${productId}`);
  }
}

export class PgOrderRepository implements OrderRepository, ShipmentBacklog {
  constructor(private readonly pool: Pool) {}

  async awaitingShipment(updatedBefore: string, limit: number): Promise<Array<{ userId: string; orderId: string }>> {
    const { rows } = await this.pool.query<{ id: string; user_id: string }>(
      "SELECT id, user_id FROM orders WHERE status = 'paid' AND updated_at < $1 ORDER BY updated_at LIMIT $2",
      [updatedBefore, limit],
    );
    return rows.map((r) => ({ userId: r.user_id, orderId: r.id }));
  }

  async place(order: StoredOrder): Promise<PlaceOrderResult> {
    try {
      await inTransaction(this.pool, async (tx) => {
        // Lines are sorted by product id, so concurrent orders lock rows in one order and cannot deadlock.
        for (const line of order.items) {
          const { rowCount } = await tx.query('UPDATE products SET stock = stock - $2 WHERE id = $1 AND stock >= $2', [line.productId, line.quantity]);
          if (rowCount !== 1) throw new OutOfStock(line.productId);
        }
        await tx.query(
          'INSERT INTO orders (id, user_id, status, items, total_cents, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [order.id, order.userId, order.status, JSON.stringify(order.items), order.totalCents, order.createdAt, order.updatedAt],
        );
        await tx.query('DELETE FROM cart_items WHERE user_id = $1 AND product_id = ANY($2::text[])', [order.userId, order.items.map((l) => l.productId)]);
      });
      return { ok: true };
    } catch (err) {
      if (err instanceof OutOfStock) return { ok: false, outOfStockProductId: err.productId };
      throw err;
    }
  }

  async get(userId: string, orderId: string): Promise<StoredOrder | undefined> {
    const { rows } = await this.pool.query<OrderRow>('SELECT * FROM orders WHERE id = $1 AND user_id = $2', [orderId, userId]);
    return rows[0] && toOrder(rows[0]);
  }

  async ownerOf(orderId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ user_id: string }>('SELECT user_id FROM orders WHERE id = $1', [orderId]);
    return rows[0]?.user_id;
  }

  async list(userId: string, limit: number): Promise<StoredOrder[]> {
    const { rows } = await this.pool.query<OrderRow>('SELECT * FROM orders WHERE user_id = $1 ORDER BY id DESC LIMIT $2', [userId, limit]);
    return rows.map(toOrder);
  }

  async transition(userId: string, orderId: string, from: OrderStatus, to: OrderStatus, fields: { paymentId?: string; updatedAt: string }): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE orders SET status = $4, payment_id = COALESCE($5, payment_id), updated_at = $6 WHERE id = $1 AND user_id = $2 AND status = $3',
      [orderId, userId, from, to, fields.paymentId ?? null, fields.updatedAt],
    );
    return rowCount === 1;
  }
}

interface PaymentRow { id: string; order_id: string; user_id: string; status: Payment['status']; amount_cents: number; decline_reason: string | null; provider_ref: string; idempotency_key: string; created_at: Date }

export class PgPaymentRepository implements PaymentRepository {
  constructor(private readonly pool: Pool) {}

  async claimKey(userId: string, key: string, orderId: string, nowMs: number): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO idempotency_keys (user_id, key, order_id, state, created_at) VALUES ($1, $2, $3, 'processing', $4) ON CONFLICT DO NOTHING`,
      [userId, key, orderId, new Date(nowMs)],
    );
    if (rowCount === 1) return { claimed: true };
    const record = await this.getKey(userId, key);
    // Released between our insert and read: claim again.
    if (!record) return this.claimKey(userId, key, orderId, nowMs);
    return { claimed: false, record };
  }

  async getKey(userId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const { rows } = await this.pool.query<{ order_id: string; state: IdempotencyRecord['state']; payment: Payment | null }>(
      'SELECT order_id, state, payment FROM idempotency_keys WHERE user_id = $1 AND key = $2',
      [userId, key],
    );
    const r = rows[0];
    return r && { orderId: r.order_id, state: r.state, ...(r.payment ? { payment: r.payment } : {}) };
  }

  async releaseKey(userId: string, key: string): Promise<void> {
    await this.pool.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND state = 'processing'`, [userId, key]);
  }

  async lockOrder(orderId: string, paymentId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('INSERT INTO order_charge_locks (order_id, payment_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [orderId, paymentId]);
    return rowCount === 1;
  }

  complete(p: StoredPayment): Promise<void> {
    const payment: Payment = { id: p.id, orderId: p.orderId, status: p.status, amountCents: p.amountCents, ...(p.declineReason ? { declineReason: p.declineReason } : {}), createdAt: p.createdAt };
    return inTransaction(this.pool, async (tx) => {
      await tx.query(
        `INSERT INTO payments (id, order_id, user_id, status, amount_cents, decline_reason, provider_ref, idempotency_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [p.id, p.orderId, p.userId, p.status, p.amountCents, p.declineReason ?? null, p.providerRef, p.idempotencyKey, p.createdAt],
      );
      await tx.query(`UPDATE idempotency_keys SET state = 'completed', payment = $3 WHERE user_id = $1 AND key = $2`, [p.userId, p.idempotencyKey, JSON.stringify(payment)]);
      if (p.status === 'declined') await tx.query('DELETE FROM order_charge_locks WHERE order_id = $1 AND payment_id = $2', [p.orderId, p.id]);
    });
  }

  async listForOrder(orderId: string): Promise<StoredPayment[]> {
    const { rows } = await this.pool.query<PaymentRow>('SELECT * FROM payments WHERE order_id = $1 ORDER BY created_at', [orderId]);
    return rows.map((r) => ({
      id: r.id,
      orderId: r.order_id,
      userId: r.user_id,
      status: r.status,
      amountCents: r.amount_cents,
      ...(r.decline_reason ? { declineReason: r.decline_reason } : {}),
      createdAt: iso(r.created_at),
      idempotencyKey: r.idempotency_key,
      providerRef: r.provider_ref,
    }));
  }
}

/** Every repository over one pool: the server runtime's store. */
export function createPgStore(pool: Pool) {
  const users = new PgUserRepository(pool);
  return {
    users,
    loginThrottle: users,
    products: new PgProductRepository(pool),
    carts: new PgCartRepository(pool),
    orders: new PgOrderRepository(pool),
    payments: new PgPaymentRepository(pool),
  };
}
export type PgStore = ReturnType<typeof createPgStore>;
