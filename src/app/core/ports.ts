import type { Order, OrderStatus, Payment, Product, ProductQuery } from './schemas.js';

/**
 * What the domain core needs from the outside world. Each store (PostgreSQL for the server runtime,
 * DynamoDB for the Lambda runtime) implements the repositories; the guarantees written here are the
 * ones the contract suite checks on both.
 */

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  createdAt: string;
}

/** Who the caller is, from a verified token. Both ids are carried so each store can use its own key. */
export interface Caller {
  id: string;
  email: string;
}

export interface UserRepository {
  /** Creates the user unless the email is already registered (atomically: one winner per email). */
  create(user: UserRecord): Promise<'created' | 'email-taken'>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  find(caller: Caller): Promise<UserRecord | undefined>;
  updateName(caller: Caller, name: string): Promise<UserRecord | undefined>;
}

/** Store-backed so the limit holds across server instances and Lambda environments. */
export interface LoginThrottle {
  /** Atomically counts one attempt in the window containing `nowMs`; false once `limit` is reached. */
  consumeAttempt(email: string, nowMs: number, windowSeconds: number, limit: number): Promise<boolean>;
}

export interface CategoryCount {
  name: string;
  productCount: number;
}

export interface ProductRepository {
  /** Products ordered by (category, priceCents, id), the page selected, plus the total match count. */
  list(query: ProductQuery): Promise<{ items: Product[]; total: number }>;
  get(id: string): Promise<Product | undefined>;
  getMany(ids: readonly string[]): Promise<Product[]>;
  categories(): Promise<CategoryCount[]>;
  /** Seed/admin path: inserts or replaces products and refreshes category counts. */
  putMany(products: readonly Product[]): Promise<void>;
}

export interface CartLineRecord {
  productId: string;
  quantity: number;
}

export interface CartRepository {
  get(userId: string): Promise<CartLineRecord[]>;
  setQuantity(userId: string, productId: string, quantity: number): Promise<void>;
  /** false when the line was not in the cart. */
  remove(userId: string, productId: string): Promise<boolean>;
}

export interface StoredOrder extends Order {
  userId: string;
}

export type PlaceOrderResult = { ok: true } | { ok: false; outOfStockProductId: string };

export interface OrderRepository {
  /**
   * Reserves stock for every line, stores the order and removes the ordered lines from the cart, such
   * that stock never goes negative and two orders for the last unit cannot both succeed.
   */
  place(order: StoredOrder): Promise<PlaceOrderResult>;
  get(userId: string, orderId: string): Promise<StoredOrder | undefined>;
  /** The owner of an order, whoever asks (tells 403 from 404). */
  ownerOf(orderId: string): Promise<string | undefined>;
  /** Newest first. */
  list(userId: string, limit: number): Promise<StoredOrder[]>;
  /** Moves status `from` -> `to` only if the order is still in `from`; false otherwise. */
  transition(userId: string, orderId: string, from: OrderStatus, to: OrderStatus, fields: { paymentId?: string; updatedAt: string }): Promise<boolean>;
}

/**
 * Paid orders still waiting to ship. The server runtime ships through in-process timers, which die
 * with their instance; a periodic sweep of this backlog ships what a lost timer (or a payment after
 * the last retry) left behind.
 */
export interface ShipmentBacklog {
  /** Paid orders last changed before `updatedBefore` (ISO time), oldest first. */
  awaitingShipment(updatedBefore: string, limit: number): Promise<Array<{ userId: string; orderId: string }>>;
}

export interface StoredPayment extends Payment {
  userId: string;
  idempotencyKey: string;
  providerRef: string;
}

export interface IdempotencyRecord {
  orderId: string;
  state: 'processing' | 'completed';
  payment?: Payment;
}

export interface PaymentRepository {
  /** First caller with this (user, key) wins; every other caller gets the existing record. */
  claimKey(userId: string, key: string, orderId: string, nowMs: number): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }>;
  getKey(userId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Forgets a claim whose request failed before any charge, so the key can be retried. */
  releaseKey(userId: string, key: string): Promise<void>;
  /** At most one charge in flight or approved per order, whatever the key; false if one exists. */
  lockOrder(orderId: string, paymentId: string): Promise<boolean>;
  /** Stores the payment, completes the key, and releases the order lock if the charge was declined. */
  complete(payment: StoredPayment): Promise<void>;
  listForOrder(orderId: string): Promise<StoredPayment[]>;
}

export interface ChargeRequest {
  paymentId: string;
  orderId: string;
  amountCents: number;
  idempotencyKey: string;
}
export interface ChargeResult {
  status: 'approved' | 'declined';
  providerRef: string;
  declineReason?: string;
}
export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeResult>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

export interface TokenService {
  issue(caller: Caller): Promise<string>;
  /** undefined for a missing, malformed, expired or forged token. */
  verify(token: string): Promise<Caller | undefined>;
}

/** Tells fulfilment that an order was placed (SQS on Lambda, an in-process queue on the server). */
export interface OrderEvents {
  orderPlaced(order: StoredOrder): Promise<void>;
}

export interface Clock {
  nowMs(): number;
}
export const systemClock: Clock = { nowMs: () => Date.now() };
