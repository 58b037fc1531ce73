/**
 * DynamoDB table design. Every table has the same key schema (the stacks create them so): hash key
 * `pk` (S), range key `sk` (S), one GSI `gsi1` (`gsi1pk`/`gsi1sk`, projection ALL) and TTL on `ttl`.
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

/** CreateTable input for one table in the shared key schema (tests and local servers use it). */
export function tableDefinition(TableName: string) {
  return {
    TableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' as const },
      { AttributeName: 'sk', AttributeType: 'S' as const },
      { AttributeName: 'gsi1pk', AttributeType: 'S' as const },
      { AttributeName: 'gsi1sk', AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' as const },
      { AttributeName: 'sk', KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' as const },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      },
    ],
  };
}
