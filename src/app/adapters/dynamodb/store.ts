import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { retry, TRY_AGAIN, type RetryPolicy } from '../../../retry.js';
import { uuidv4 } from '../../core/ids.js';
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
import { decodeSearchIndex, encodeSearchIndex, matchSearch, sortedEntries, type SearchEntry } from './search-index.js';
import { AWAITING_SHIPMENT, CART_TTL_SECONDS, IDEMPOTENCY_TTL_SECONDS, key, orderOfKey, priceSortKey, SEARCH_INDEX_PK, type TableNames } from './tables.js';

type Doc = DynamoDBDocumentClient;
type Item = Record<string, unknown>;

const isConditionFailure = (err: unknown) => (err as { name?: string }).name === 'ConditionalCheckFailedException';
const epochSeconds = (ms: number) => Math.floor(ms / 1000);

function requireTable(name: string | undefined, which: string): string {
  if (!name) throw new Error(`the ${which} table is not configured for this function`);
  return name;
}

export function createDocumentClient(config: DynamoDBClientConfig = {}): Doc {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } });
}

async function queryAll(doc: Doc, input: QueryCommandInput, maxItems = Number.POSITIVE_INFINITY): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start, ...(Number.isFinite(maxItems) ? { Limit: maxItems - items.length } : {}) }));
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey as Item | undefined;
  } while (start && items.length < maxItems);
  return items;
}

async function countAll(doc: Doc, input: QueryCommandInput): Promise<number> {
  let count = 0;
  let start: Item | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: start }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey as Item | undefined;
  } while (start);
  return count;
}

/**
 * Batch calls resend what DynamoDB leaves unprocessed (throttling, size limits) with exponential backoff,
 * as the API reference asks; 8 attempts wait 3.2 s in all, well inside an API request's time.
 */
export const UNPROCESSED_RETRY: RetryPolicy = { attempts: 8, firstDelayMs: 40, maxDelayMs: 1000 };

/** BatchWrite in chunks of 25, retrying what DynamoDB leaves unprocessed. */
export async function batchWrite(doc: Doc, table: string, requests: Item[], policy = UNPROCESSED_RETRY): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: Item[] = requests.slice(i, i + 25);
    await retry(
      `DynamoDB BatchWriteItem on ${table}`,
      policy,
      async () => {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
        pending = (out.UnprocessedItems?.[table] ?? []) as Item[];
        return pending.length > 0 ? TRY_AGAIN : undefined;
      },
      { detail: () => `${pending.length} writes still unprocessed` },
    );
  }
}

// ---------------------------------------------------------------- users
const toUser = (i: Item): UserRecord => ({ id: i.id as string, email: i.email as string, name: i.name as string, passwordHash: i.passwordHash as string, createdAt: i.createdAt as string });

export class DynamoUserRepository implements UserRepository, LoginThrottle {
  constructor(
    private readonly doc: Doc,
    private readonly table: string,
  ) {}

  async create(u: UserRecord): Promise<'created' | 'email-taken'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key.user(u.email), gsi1pk: `USERID#${u.id}`, gsi1sk: 'PROFILE', ...u },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (err) {
      if (isConditionFailure(err)) return 'email-taken';
      throw err;
    }
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: key.user(email), ConsistentRead: true }));
    return Item ? toUser(Item) : undefined;
  }

  async find(caller: { id: string; email: string }): Promise<UserRecord | undefined> {
    const user = await this.findByEmail(caller.email);
    return user && user.id === caller.id ? user : undefined;
  }

  async updateName(caller: { id: string; email: string }, name: string): Promise<UserRecord | undefined> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key.user(caller.email),
          UpdateExpression: 'SET #name = :name',
          ConditionExpression: 'id = :id',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':name': name, ':id': caller.id },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toUser(Attributes) : undefined;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  async consumeAttempt(email: string, nowMs: number, windowSeconds: number, limit: number): Promise<boolean> {
    const windowMs = windowSeconds * 1000;
    const windowStart = nowMs - (nowMs % windowMs);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key.loginWindow(email, windowStart),
          UpdateExpression: 'ADD attempts :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :limit',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': epochSeconds(windowStart + 2 * windowMs) },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}

// ---------------------------------------------------------------- catalog
const toProduct = (i: Item): Product => ({
  id: i.id as string,
  name: i.name as string,
  description: i.description as string,
  category: i.category as string,
  priceCents: i.priceCents as number,
  stock: i.stock as number,
});
const productItem = (p: Product): Item => ({ ...key.product(p.id), gsi1pk: `CATEGORY#${p.category}`, gsi1sk: priceSortKey(p.priceCents, p.id), ...p, searchText: searchText(p) });

export class DynamoProductRepository implements ProductRepository {
  /** The search index as this environment read it, shared by its searches until `searchSnapshotSeconds` old. */
  private searchIndex?: { loadedAtMs: number; entries: Promise<SearchEntry[]> };

  constructor(
    private readonly doc: Doc,
    private readonly table: string,
    /**
     * DynamoDB has no text index: putMany publishes one (search-index.ts), and each execution
     * environment keeps what it read for this long (warm environments serve many searches), so a
     * search reads only its page's products. 0 reads every product of the categories in range on
     * every search, with a filter expression.
     */
    private readonly searchSnapshotSeconds = 0,
    private readonly nowMs: () => number = Date.now,
  ) {}

  private searchEntries(categories: Array<{ name: string }>): Promise<SearchEntry[]> {
    const fresh = this.searchIndex && this.nowMs() - this.searchIndex.loadedAtMs < this.searchSnapshotSeconds * 1000;
    if (this.searchIndex && fresh) return this.searchIndex.entries;
    // A catalog written without the index (or while it is being rewritten) is searched from a full read.
    const entries = this.readSearchIndex().then((published) => published ?? this.readCatalog(categories).then(sortedEntries));
    // A failed read is not kept: the next search tries again.
    entries.catch(() => (this.searchIndex = undefined));
    this.searchIndex = { loadedAtMs: this.nowMs(), entries };
    return entries;
  }

  /** The published index, or undefined when there is none or its shards come from two different writes. */
  private async readSearchIndex(): Promise<SearchEntry[] | undefined> {
    const shards = await queryAll(this.doc, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SEARCH_INDEX_PK } });
    const first = shards[0];
    if (!first || shards.length !== first.shards || shards.some((s) => s.build !== first.build || s.shards !== first.shards)) return undefined;
    return decodeSearchIndex(shards.map((s) => s.data as Uint8Array));
  }

  /** Replaces the published index; shards of the previous one past the new count are deleted after. */
  private async writeSearchIndex(entries: readonly SearchEntry[]): Promise<void> {
    const shards = await encodeSearchIndex(entries);
    const build = uuidv4();
    const before = await queryAll(this.doc, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SEARCH_INDEX_PK }, ProjectionExpression: 'pk, sk' });
    for (const [n, data] of shards.entries()) await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...key.searchIndexShard(n), build, shards: shards.length, data } }));
    const kept = new Set(shards.map((_, n) => key.searchIndexShard(n).sk));
    for (const stale of before.filter((i) => !kept.has(i.sk as string))) await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: stale.pk, sk: stale.sk } }));
  }

  /** Every product of the given categories, through the category index. */
  private async readCatalog(categories: Array<{ name: string }>): Promise<Product[]> {
    const everything: ProductQuery = { page: 1, pageSize: 1 };
    const pages = await Promise.all(categories.map((c) => queryAll(this.doc, this.categoryQuery(c.name, everything))));
    return pages.flat().map(toProduct);
  }

  /** The key-ordered read of one category, with the price range as a key condition. */
  private categoryQuery(category: string, q: ProductQuery): QueryCommandInput {
    const names: Record<string, string> = {};
    const values: Item = { ':pk': `CATEGORY#${category}` };
    let range = '';
    if (q.minPrice !== undefined || q.maxPrice !== undefined) {
      values[':lo'] = `${String(q.minPrice ?? 0).padStart(10, '0')}#`;
      values[':hi'] = `${String(q.maxPrice ?? 9_999_999_999).padStart(10, '0')}#\uffff`;
      range = ' AND gsi1sk BETWEEN :lo AND :hi';
    }
    const input: QueryCommandInput = { TableName: this.table, IndexName: 'gsi1', KeyConditionExpression: `gsi1pk = :pk${range}`, ExpressionAttributeValues: values };
    if (q.q !== undefined) {
      names['#st'] = 'searchText';
      values[':q'] = q.q.toLowerCase();
      input.FilterExpression = 'contains(#st, :q)';
      input.ExpressionAttributeNames = names;
    }
    return input;
  }

  async list(q: ProductQuery): Promise<{ items: Product[]; total: number }> {
    const counted = await this.categories();
    const categories = q.category !== undefined ? counted.filter((c) => c.name === q.category) : counted;
    const offset = (q.page - 1) * q.pageSize;

    if (q.q !== undefined && this.searchSnapshotSeconds > 0) {
      const matches = matchSearch(await this.searchEntries(counted), q);
      // The page's products read fresh by key: stock and prices as of now, not as of the index.
      const items = await this.getMany(matches.slice(offset, offset + q.pageSize).map((e) => e.id));
      return { items, total: matches.length };
    }
    if (q.q !== undefined) {
      // Text search reads every product of the categories in range (DynamoDB has no text index; on AWS
      // a search service would take this). Matches are few, so they are ordered and paged here.
      const matches = (await Promise.all(categories.map((c) => queryAll(this.doc, this.categoryQuery(c.name, q))))).flat().map(toProduct).sort(compareProducts);
      return { items: matches.slice(offset, offset + q.pageSize), total: matches.length };
    }

    const ranged = q.minPrice !== undefined || q.maxPrice !== undefined;
    const counts = ranged ? await Promise.all(categories.map((c) => countAll(this.doc, this.categoryQuery(c.name, q)))) : categories.map((c) => c.productCount);
    const total = counts.reduce((a, b) => a + b, 0);
    const items: Product[] = [];
    let skip = offset;
    for (let i = 0; i < categories.length && items.length < q.pageSize; i += 1) {
      const inCategory = counts[i]!;
      // Whole categories before the page are skipped by their count, without reading them.
      if (skip >= inCategory) {
        skip -= inCategory;
        continue;
      }
      const read = await queryAll(this.doc, this.categoryQuery(categories[i]!.name, q), skip + (q.pageSize - items.length));
      items.push(...read.slice(skip).map(toProduct));
      skip = 0;
    }
    return { items, total };
  }

  async get(id: string): Promise<Product | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: key.product(id), ConsistentRead: true }));
    return Item ? toProduct(Item) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<Product[]> {
    const unique = [...new Set(ids)];
    const found: Product[] = [];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Item[] = unique.slice(i, i + 100).map((id) => key.product(id));
      await retry(
        `DynamoDB BatchGetItem on ${this.table}`,
        UNPROCESSED_RETRY,
        async () => {
          const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
          found.push(...((out.Responses?.[this.table] ?? []) as Item[]).map(toProduct));
          keys = (out.UnprocessedKeys?.[this.table]?.Keys ?? []) as Item[];
          return keys.length > 0 ? TRY_AGAIN : undefined;
        },
        { detail: () => `${keys.length} keys still unprocessed` },
      );
    }
    return found.sort(compareProducts);
  }

  async categories(): Promise<CategoryCount[]> {
    const items = await queryAll(this.doc, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'CATALOG' } });
    return items.map((i) => ({ name: i.name as string, productCount: i.productCount as number })).filter((c) => c.productCount > 0);
  }

  async putMany(products: readonly Product[]): Promise<void> {
    await batchWrite(this.doc, this.table, products.map((p) => ({ PutRequest: { Item: productItem(p) } })));
    // Recount every category touched or known, from the index itself, so counts stay exact on re-seeding.
    const known = (await queryAll(this.doc, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'CATALOG' } })).map((i) => i.name as string);
    const names = [...new Set([...known, ...products.map((p) => p.category)])];
    for (const name of names) {
      const productCount = await countAll(this.doc, { TableName: this.table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `CATEGORY#${name}` } });
      await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...key.categoryCount(name), name, productCount } }));
    }
    // Rebuilt from the catalog as stored now (every category), so it stays exact on re-seeding.
    await this.writeSearchIndex(sortedEntries(await this.readCatalog(names.map((name) => ({ name })))));
  }
}

// ---------------------------------------------------------------- carts
export class DynamoCartRepository implements CartRepository {
  constructor(
    private readonly doc: Doc,
    private readonly table: string,
  ) {}

  async get(userId: string): Promise<CartLineRecord[]> {
    const items = await queryAll(this.doc, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CART#${userId}` }, ConsistentRead: true });
    return items.map((i) => ({ productId: i.productId as string, quantity: i.quantity as number }));
  }

  async setQuantity(userId: string, productId: string, quantity: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...key.cartLine(userId, productId), productId, quantity, updatedAt: new Date().toISOString(), ttl: epochSeconds(Date.now()) + CART_TTL_SECONDS },
      }),
    );
  }

  async remove(userId: string, productId: string): Promise<boolean> {
    const { Attributes } = await this.doc.send(new DeleteCommand({ TableName: this.table, Key: key.cartLine(userId, productId), ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  }
}

// ---------------------------------------------------------------- orders
export type StockReservation = 'auto' | 'on' | 'off';
interface PlacementTables {
  orders: string;
  products: string;
  carts: string;
}

const orderItem = (o: StoredOrder): Item => ({ ...key.order(o.userId, o.id), gsi1pk: `ORDER#${o.id}`, gsi1sk: 'ORDER', ...o });
const toOrder = (i: Item): StoredOrder => ({
  id: i.id as string,
  userId: i.userId as string,
  status: i.status as OrderStatus,
  items: i.items as StoredOrder['items'],
  totalCents: i.totalCents as number,
  ...(i.paymentId ? { paymentId: i.paymentId as string } : {}),
  createdAt: i.createdAt as string,
  updatedAt: i.updatedAt as string,
});

export class DynamoOrderRepository implements OrderRepository, ShipmentBacklog {
  constructor(
    private readonly doc: Doc,
    private readonly tables: { orders: string; products?: string | undefined; carts?: string | undefined },
    /** TransactWriteItems (`on`), per-item conditional writes (`off`), or transactions when the server has them. */
    private transactions: StockReservation = 'auto',
  ) {}

  /** Which way stock is reserved right now (after `auto` has seen what the server supports). */
  get reservationMode(): StockReservation {
    return this.transactions;
  }

  async place(order: StoredOrder): Promise<PlaceOrderResult> {
    const tables = { orders: this.tables.orders, products: requireTable(this.tables.products, 'products'), carts: requireTable(this.tables.carts, 'carts') };
    if (this.transactions !== 'off') {
      try {
        return await this.placeTransactionally(order, tables);
      } catch (err) {
        const unsupported = (err as { name?: string }).name === 'UnknownOperationException';
        // Several first orders may be in flight when the server says it has no transactions: all fall back.
        if (!unsupported || this.transactions === 'on') throw err;
        if (this.transactions === 'auto') console.warn('orders: this DynamoDB endpoint has no TransactWriteItems; reserving stock with conditional writes');
        this.transactions = 'off';
      }
    }
    return this.placeWithConditionalWrites(order, tables);
  }

  /** All or nothing in one TransactWriteItems: every stock decrement conditional, the order, the cart lines. */
  private async placeTransactionally(order: StoredOrder, tables: PlacementTables): Promise<PlaceOrderResult> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            ...order.items.map((l) => ({
              Update: {
                TableName: tables.products,
                Key: key.product(l.productId),
                UpdateExpression: 'SET stock = stock - :q',
                ConditionExpression: 'attribute_exists(pk) AND stock >= :q',
                ExpressionAttributeValues: { ':q': l.quantity },
              },
            })),
            { Put: { TableName: tables.orders, Item: orderItem(order), ConditionExpression: 'attribute_not_exists(pk)' } },
            ...order.items.map((l) => ({ Delete: { TableName: tables.carts, Key: key.cartLine(order.userId, l.productId) } })),
          ],
        }),
      );
      return { ok: true };
    } catch (err) {
      const reasons = (err as { name?: string; CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
      if ((err as { name?: string }).name === 'TransactionCanceledException' && reasons) {
        const failed = reasons.findIndex((r, i) => i < order.items.length && r.Code === 'ConditionalCheckFailed');
        if (failed >= 0) return { ok: false, outOfStockProductId: order.items[failed]!.productId };
      }
      throw err;
    }
  }

  /**
   * For servers without transactions: each decrement is one conditional UpdateItem (so stock never goes
   * negative and the last unit has one winner); a line that fails gives back the ones reserved before it.
   */
  private async placeWithConditionalWrites(order: StoredOrder, tables: PlacementTables): Promise<PlaceOrderResult> {
    const reserved: StoredOrder['items'] = [];
    const giveBack = () =>
      Promise.all(
        reserved.map((l) =>
          this.doc.send(new UpdateCommand({ TableName: tables.products, Key: key.product(l.productId), UpdateExpression: 'ADD stock :q', ExpressionAttributeValues: { ':q': l.quantity } })),
        ),
      );
    try {
      for (const line of order.items) {
        try {
          await this.doc.send(
            new UpdateCommand({
              TableName: tables.products,
              Key: key.product(line.productId),
              UpdateExpression: 'SET stock = stock - :q',
              ConditionExpression: 'attribute_exists(pk) AND stock >= :q',
              ExpressionAttributeValues: { ':q': line.quantity },
            }),
          );
          reserved.push(line);
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
          await giveBack();
          return { ok: false, outOfStockProductId: line.productId };
        }
      }
      await this.doc.send(new PutCommand({ TableName: tables.orders, Item: orderItem(order), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      await giveBack().catch(() => undefined);
      throw err;
    }
    await batchWrite(this.doc, tables.carts, order.items.map((l) => ({ DeleteRequest: { Key: key.cartLine(order.userId, l.productId) } })));
    return { ok: true };
  }

  async get(userId: string, orderId: string): Promise<StoredOrder | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tables.orders, Key: key.order(userId, orderId), ConsistentRead: true }));
    return Item ? toOrder(Item) : undefined;
  }

  async ownerOf(orderId: string): Promise<string | undefined> {
    const items = await queryAll(this.doc, { TableName: this.tables.orders, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` } }, 1);
    return items[0]?.userId as string | undefined;
  }

  async list(userId: string, limit: number): Promise<StoredOrder[]> {
    const items = await queryAll(
      this.doc,
      { TableName: this.tables.orders, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :order)', ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':order': 'ORDER#' }, ScanIndexForward: false, ConsistentRead: true },
      limit,
    );
    return items.map(toOrder);
  }

  /**
   * The same conditional update moves the order in and out of the sparse awaiting-shipment index: the
   * index keys are set when it becomes paid and removed when it leaves paid (tables.ts).
   */
  async transition(userId: string, orderId: string, from: OrderStatus, to: OrderStatus, fields: { paymentId?: string; updatedAt: string }): Promise<boolean> {
    const set = ['#status = :to', 'updatedAt = :at', ...(fields.paymentId ? ['paymentId = :pid'] : []), ...(to === 'paid' ? ['#flag = :paid', '#since = :at'] : [])];
    const leavesPaid = from === 'paid' && to !== 'paid';
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tables.orders,
          Key: key.order(userId, orderId),
          UpdateExpression: `SET ${set.join(', ')}${leavesPaid ? ' REMOVE #flag, #since' : ''}`,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status', ...(to === 'paid' || leavesPaid ? { '#flag': AWAITING_SHIPMENT.flag, '#since': AWAITING_SHIPMENT.since } : {}) },
          ExpressionAttributeValues: { ':to': to, ':from': from, ':at': fields.updatedAt, ...(fields.paymentId ? { ':pid': fields.paymentId } : {}), ...(to === 'paid' ? { ':paid': AWAITING_SHIPMENT.flagValue } : {}) },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** One key-ordered Query of the sparse index (only paid orders are in it), oldest payment first. */
  async awaitingShipment(updatedBefore: string, limit: number): Promise<Array<{ userId: string; orderId: string }>> {
    const items = await queryAll(
      this.doc,
      {
        TableName: this.tables.orders,
        IndexName: AWAITING_SHIPMENT.index,
        KeyConditionExpression: '#flag = :paid AND #since < :before',
        ExpressionAttributeNames: { '#flag': AWAITING_SHIPMENT.flag, '#since': AWAITING_SHIPMENT.since },
        ExpressionAttributeValues: { ':paid': AWAITING_SHIPMENT.flagValue, ':before': updatedBefore },
        ScanIndexForward: true,
      },
      limit,
    );
    return items.map(orderOfKey).filter((o): o is { userId: string; orderId: string } => o !== undefined);
  }
}

// ---------------------------------------------------------------- payments
export class DynamoPaymentRepository implements PaymentRepository {
  constructor(
    private readonly doc: Doc,
    private readonly table: string,
  ) {}

  async claimKey(userId: string, idemKey: string, orderId: string, nowMs: number): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key.idempotency(userId, idemKey), orderId, state: 'processing', createdAt: new Date(nowMs).toISOString(), ttl: epochSeconds(nowMs) + IDEMPOTENCY_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { claimed: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const record = await this.getKey(userId, idemKey);
      if (!record) return this.claimKey(userId, idemKey, orderId, nowMs);
      return { claimed: false, record };
    }
  }

  async getKey(userId: string, idemKey: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: key.idempotency(userId, idemKey), ConsistentRead: true }));
    if (!Item) return undefined;
    return { orderId: Item.orderId as string, state: Item.state as IdempotencyRecord['state'], ...(Item.payment ? { payment: Item.payment as Payment } : {}) };
  }

  async releaseKey(userId: string, idemKey: string): Promise<void> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.table, Key: key.idempotency(userId, idemKey), ConditionExpression: '#state = :processing', ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: { ':processing': 'processing' } }));
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async lockOrder(orderId: string, paymentId: string): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...key.orderLock(orderId), paymentId, orderId }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async complete(p: StoredPayment): Promise<void> {
    const payment: Payment = { id: p.id, orderId: p.orderId, status: p.status, amountCents: p.amountCents, ...(p.declineReason ? { declineReason: p.declineReason } : {}), createdAt: p.createdAt };
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...key.payment(p.id), gsi1pk: `ORDER#${p.orderId}`, gsi1sk: `${p.createdAt}#${p.id}`, ...p } }));
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key.idempotency(p.userId, p.idempotencyKey),
        UpdateExpression: 'SET #state = :completed, payment = :payment',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':completed': 'completed', ':payment': payment },
      }),
    );
    if (p.status === 'declined') {
      try {
        await this.doc.send(new DeleteCommand({ TableName: this.table, Key: key.orderLock(p.orderId), ConditionExpression: 'paymentId = :id', ExpressionAttributeValues: { ':id': p.id } }));
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
  }

  async listForOrder(orderId: string): Promise<StoredPayment[]> {
    const items = await queryAll(this.doc, { TableName: this.table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` } });
    return items.map(({ pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...p }) => p as unknown as StoredPayment);
  }
}

/** The repositories of the tables given (a Lambda function gets only the tables its role allows). */
export function createDynamoStore(doc: Doc, tables: TableNames, reservation: StockReservation = 'auto', options: { searchSnapshotSeconds?: number } = {}) {
  const users = tables.users ? new DynamoUserRepository(doc, tables.users) : undefined;
  return {
    users,
    loginThrottle: users,
    products: tables.products ? new DynamoProductRepository(doc, tables.products, options.searchSnapshotSeconds) : undefined,
    carts: tables.carts ? new DynamoCartRepository(doc, tables.carts) : undefined,
    // The payments function and the orders consumer read and move orders but never place them.
    orders: tables.orders ? new DynamoOrderRepository(doc, { orders: tables.orders, products: tables.products, carts: tables.carts }, reservation) : undefined,
    payments: tables.payments ? new DynamoPaymentRepository(doc, tables.payments) : undefined,
  };
}
export type DynamoStore = ReturnType<typeof createDynamoStore>;
