import type { TableName } from '../../../architecture/system.js';

/**
 * DynamoDB table design. Every table has the same key schema (the stacks create them so, from
 * `tableKeySchema` below): hash key `pk` (S), range key `sk` (S), one GSI `gsi1` (`gsi1pk`/`gsi1sk`,
 * projection ALL) and TTL on `ttl`; the orders table also has the sparse index `awaiting_shipment`.
 * Items per table (why in brackets):
 *
 * users
 *   USER#<email> / PROFILE        the user; gsi1 USERID#<id> / PROFILE  [login reads by email: one GetItem;
 *                                 the conditional put on the email key makes registration race-free]
 *   LOGIN#<email> / WINDOW#<ms>   login attempts in one fixed window, ttl = window end + window
 *                                 [an atomic ADD with a condition: the limit holds across environments]
 * products
 *   PRODUCT#<id> / PRODUCT        the product with its stock; gsi1 CATEGORY#<category> / <price:10>#<id>
 *                                 [a category page, a price range in a category and the catalog order
 *                                 (category, price, id) are key-ordered Query reads, no Scan]
 *   CATALOG / CATEGORY#<name>     product count per category [page-number pagination with a total, and
 *                                 skipping whole categories to reach page N, without reading them]
 *   SEARCH_INDEX / SHARD#<n>      the text-search index, gzipped (search-index.ts) [DynamoDB has no text
 *                                 index: an environment reads this in one Query, not every product]
 * carts
 *   CART#<userId> / ITEM#<productId>  one cart line, ttl 30 days [the cart is one Query]
 * orders
 *   USER#<userId> / ORDER#<orderId>   the order; gsi1 ORDER#<orderId> / ORDER [history is one strongly
 *                                 consistent Query, newest first, because order ids are UUIDv7; the GSI
 *                                 only tells 403 from 404 for someone else's order]
 *                                 While paid (and only then) the order also carries awaitingShipment =
 *                                 PAID and awaitingShipmentSince = the time it was paid, set and removed
 *                                 by the same conditional status update that moves it in and out of
 *                                 `paid`; the sparse GSI awaiting_shipment (those two keys, KEYS_ONLY)
 *                                 holds only these orders, so the shipment sweeper finds the paid orders
 *                                 older than the retry interval with one key-ordered Query, never a Scan,
 *                                 however many orders the table holds. [A second GSI, not gsi1: gsi1 of
 *                                 an order is already ORDER#<id> for ownerOf, and an item has one gsi1
 *                                 key. One partition key value is enough: two index writes per order
 *                                 (paid, shipped) stay below the 1,000 WCU/s of one partition
 *                                 (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html)
 *                                 up to ~500 payments/s, 60x the profiles' peak; past that, shard the
 *                                 value, or the throttled index fails the order's own writes
 *                                 (https://repost.aws/knowledge-center/dynamodb-gsi-throttling-table).
 *                                 KEYS_ONLY: pk/sk name the order, and the sweeper re-reads it
 *                                 consistently before the conditional ship.]
 * payments
 *   PAYMENT#<id> / PAYMENT        the payment; gsi1 ORDER#<orderId> / <createdAt>#<id>
 *   IDEMPOTENCY#<userId>#<key> / KEY  the idempotency record, ttl 24 h [conditional put = one winner]
 *   ORDERLOCK#<orderId> / LOCK    at most one charge in flight or approved per order [conditional put]
 */
export interface TableNames {
  users?: string;
  products?: string;
  carts?: string;
  orders?: string;
  payments?: string;
}

export const SEARCH_INDEX_PK = 'SEARCH_INDEX';

export const key = {
  user: (email: string) => ({ pk: `USER#${email}`, sk: 'PROFILE' }),
  loginWindow: (email: string, windowStartMs: number) => ({ pk: `LOGIN#${email}`, sk: `WINDOW#${windowStartMs}` }),
  product: (id: string) => ({ pk: `PRODUCT#${id}`, sk: 'PRODUCT' }),
  categoryCount: (name: string) => ({ pk: 'CATALOG', sk: `CATEGORY#${name}` }),
  /** Shards of the catalog's text-search index (search-index.ts), in order. */
  searchIndexShard: (n: number) => ({ pk: SEARCH_INDEX_PK, sk: `SHARD#${String(n).padStart(4, '0')}` }),
  cartLine: (userId: string, productId: string) => ({ pk: `CART#${userId}`, sk: `ITEM#${productId}` }),
  order: (userId: string, orderId: string) => ({ pk: `USER#${userId}`, sk: `ORDER#${orderId}` }),
  payment: (id: string) => ({ pk: `PAYMENT#${id}`, sk: 'PAYMENT' }),
  idempotency: (userId: string, idemKey: string) => ({ pk: `IDEMPOTENCY#${userId}#${idemKey}`, sk: 'KEY' }),
  orderLock: (orderId: string) => ({ pk: `ORDERLOCK#${orderId}`, sk: 'LOCK' }),
};

/** Zero-padded so string order is numeric order (prices up to 10 digits of cents). */
export const priceSortKey = (priceCents: number, id: string) => `${String(priceCents).padStart(10, '0')}#${id}`;

export const CART_TTL_SECONDS = 30 * 24 * 3600;
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** The order of `USER#<userId>` / `ORDER#<orderId>` keys (what a KEYS_ONLY index returns). */
export function orderOfKey(item: Record<string, unknown>): { userId: string; orderId: string } | undefined {
  const pk = item.pk;
  const sk = item.sk;
  if (typeof pk !== 'string' || typeof sk !== 'string' || !pk.startsWith('USER#') || !sk.startsWith('ORDER#')) return undefined;
  return { userId: pk.slice('USER#'.length), orderId: sk.slice('ORDER#'.length) };
}

/** The sparse index of paid orders (see the orders table above). */
export const AWAITING_SHIPMENT = {
  index: 'awaiting_shipment',
  /** Its hash key attribute, present only while the order is paid. */
  flag: 'awaitingShipment',
  /** Its range key attribute: when the order was paid (ISO time). */
  since: 'awaitingShipmentSince',
  flagValue: 'PAID',
} as const;

export interface IndexSchema {
  name: string;
  hashKey: string;
  rangeKey: string;
  projection: 'ALL' | 'KEYS_ONLY';
}
export interface TableKeySchema {
  hashKey: 'pk';
  rangeKey: 'sk';
  ttlAttribute: 'ttl';
  /** Every key attribute (table and indexes), all strings. */
  attributes: string[];
  indexes: IndexSchema[];
}

const GSI1: IndexSchema = { name: 'gsi1', hashKey: 'gsi1pk', rangeKey: 'gsi1sk', projection: 'ALL' };
const AWAITING_SHIPMENT_INDEX: IndexSchema = { name: AWAITING_SHIPMENT.index, hashKey: AWAITING_SHIPMENT.flag, rangeKey: AWAITING_SHIPMENT.since, projection: 'KEYS_ONLY' };

/** The keys and indexes of one table: the stack, the local target and the tests create tables from this. */
export function tableKeySchema(table: TableName): TableKeySchema {
  const indexes = table === 'orders' ? [GSI1, AWAITING_SHIPMENT_INDEX] : [GSI1];
  return { hashKey: 'pk', rangeKey: 'sk', ttlAttribute: 'ttl', attributes: ['pk', 'sk', ...indexes.flatMap((i) => [i.hashKey, i.rangeKey])], indexes };
}

/** CreateTable input for one table (tests and local servers use it). */
export function tableDefinition(TableName: string, table: TableName) {
  const schema = tableKeySchema(table);
  return {
    TableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: schema.attributes.map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: schema.hashKey, KeyType: 'HASH' as const },
      { AttributeName: schema.rangeKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: schema.indexes.map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.hashKey, KeyType: 'HASH' as const },
        { AttributeName: i.rangeKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: i.projection },
    })),
  };
}
