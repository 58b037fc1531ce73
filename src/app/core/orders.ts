import { priceLines, totalCents } from './cart.js';
import { DomainError, notFound } from './errors.js';
import { uuidv7 } from './ids.js';
import type { CartRepository, Clock, OrderEvents, OrderRepository, ProductRepository, ShipmentBacklog, StoredOrder } from './ports.js';
import type { Order } from './schemas.js';

export const ORDER_HISTORY_LIMIT = 50;

export const toOrder = ({ userId: _userId, ...order }: StoredOrder): Order => order;

export class OrderService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly carts: CartRepository,
    private readonly products: ProductRepository,
    private readonly events: OrderEvents,
    private readonly clock: Clock,
  ) {}

  /** Places the caller's whole cart as one order: all lines reserved, or none. */
  async place(userId: string): Promise<Order> {
    const lines = await this.carts.get(userId);
    if (lines.length === 0) throw new DomainError('CART_EMPTY', 'the cart is empty');
    const priced = priceLines(lines, await this.products.getMany(lines.map((l) => l.productId)));
    const missing = lines.find((l) => !priced.some((p) => p.productId === l.productId));
    if (missing) throw new DomainError('INSUFFICIENT_STOCK', `product ${missing.productId} is no longer sold`, 'productId');
    const now = new Date(this.clock.nowMs()).toISOString();
    const order: StoredOrder = { id: uuidv7(this.clock.nowMs()), userId, status: 'pending', items: priced, totalCents: totalCents(priced), createdAt: now, updatedAt: now };
    const result = await this.orders.place(order);
    if (!result.ok) throw new DomainError('INSUFFICIENT_STOCK', `product ${result.outOfStockProductId} has not enough stock for this order`, 'productId');
    await this.events.orderPlaced(order);
    return toOrder(order);
  }

  async get(userId: string, orderId: string): Promise<Order> {
    const order = await this.orders.get(userId, orderId);
    if (!order) throw await missingOrder(this.orders, orderId, 'id');
    return toOrder(order);
  }

  async history(userId: string): Promise<Order[]> {
    return (await this.orders.list(userId, ORDER_HISTORY_LIMIT)).map(toOrder);
  }
}

/** 403 when the order exists but is someone else's, 404 when it does not exist. */
export async function missingOrder(orders: OrderRepository, orderId: string, field: string): Promise<DomainError> {
  return (await orders.ownerOf(orderId)) ? new DomainError('FORBIDDEN', 'this order belongs to another user', field) : notFound('order', field);
}

export type FulfilmentOutcome = 'shipped' | 'awaiting-payment' | 'already-shipped' | 'unknown-order';

/** Ships a paid order. The queue redelivers an order placed but not yet paid, until it is paid. */
export class FulfilmentService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly clock: Clock,
  ) {}

  async fulfil(userId: string, orderId: string): Promise<FulfilmentOutcome> {
    const order = await this.orders.get(userId, orderId);
    if (!order) return 'unknown-order';
    if (order.status === 'shipped') return 'already-shipped';
    if (order.status === 'pending') return 'awaiting-payment';
    const moved = await this.orders.transition(userId, orderId, 'paid', 'shipped', { updatedAt: new Date(this.clock.nowMs()).toISOString() });
    return moved ? 'shipped' : 'already-shipped';
  }
}

/** Orders one sweep ships at most; the next sweep takes the rest. */
export const SHIPMENT_SWEEP_BATCH = 100;

/**
 * The outbox sweep of both runtimes: ships the paid orders unchanged for longer than `retryMs` (the
 * queue's redelivery interval on Lambda, the timers' on the server), whose message or timer was lost
 * or gave up before the payment. Shipping is the conditional paid -> shipped transition, so sweeps
 * running at once (instances, execution environments) and the queue consumer ship each order once.
 * Resolves with the ids this sweep shipped.
 */
export async function shipBacklog(backlog: ShipmentBacklog, fulfilment: FulfilmentService, clock: Clock, retryMs: number, limit = SHIPMENT_SWEEP_BATCH): Promise<string[]> {
  const shipped: string[] = [];
  const before = new Date(clock.nowMs() - retryMs).toISOString();
  for (const { userId, orderId } of await backlog.awaitingShipment(before, limit)) {
    if ((await fulfilment.fulfil(userId, orderId)) === 'shipped') shipped.push(orderId);
  }
  return shipped;
}

/** The message the orders function puts on the orders queue, and the consumer reads. */
export interface OrderPlacedMessage {
  type: 'order-placed';
  orderId: string;
  userId: string;
  totalCents: number;
}
export const orderPlacedMessage = (o: StoredOrder): OrderPlacedMessage => ({ type: 'order-placed', orderId: o.id, userId: o.userId, totalCents: o.totalCents });
