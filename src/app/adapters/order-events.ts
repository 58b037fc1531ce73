import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { orderPlacedMessage, shipBacklog, type FulfilmentService } from '../core/orders.js';
import type { Clock, OrderEvents, ShipmentBacklog, StoredOrder } from '../core/ports.js';

/** Lambda: the orders function puts "order placed" on the orders queue; orders-consumer ships it once paid. */
export class SqsOrderEvents implements OrderEvents {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async orderPlaced(order: StoredOrder): Promise<void> {
    try {
      await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(orderPlacedMessage(order)) }));
    } catch (err) {
      // The order is stored and its stock reserved: answering 500 would invite a duplicate order. The
      // log line carries what is needed to re-send the message.
      console.error(`orders: could not enqueue order-placed for ${order.id} (user ${order.userId}): ${String(err)}`);
    }
  }
}

/** No queue configured (a local run without SQS): orders stay where payment leaves them. */
export const noOrderEvents: OrderEvents = { orderPlaced: async () => undefined };

/**
 * Server: the same fulfilment step as the queue consumer, run in-process. An order not yet paid is
 * retried after `retryMs`, up to `maxAttempts` times, as SQS redelivers after the visibility timeout.
 * Timers die with their instance, so every `retryMs` (and once at start) a sweep also ships the paid
 * orders that have waited longer than that: an instance killed between payment and shipping, or a
 * payment after the last retry. Instances sweep independently; shipping is a conditional paid ->
 * shipped transition, so an order ships once whoever gets there first.
 */
export class InProcessFulfilment implements OrderEvents {
  private readonly timers = new Set<NodeJS.Timeout>();
  private sweeper?: NodeJS.Timeout;
  private sweeping?: Promise<number>;

  constructor(
    private readonly fulfilment: FulfilmentService,
    private readonly retryMs: number,
    private readonly maxAttempts: number,
    private readonly logError: (err: unknown) => void = (err) => console.error(err),
    private readonly backlog?: { orders: ShipmentBacklog; clock: Clock },
  ) {}

  /** Starts the periodic sweep (with one right away). */
  start(): void {
    if (!this.backlog || this.sweeper) return;
    void this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), this.retryMs);
    this.sweeper.unref();
  }

  /** Ships paid orders unchanged for longer than `retryMs`; resolves with how many it shipped. */
  sweep(): Promise<number> {
    // One sweep at a time per instance: a slow database must not stack them up.
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    if (!this.backlog) return 0;
    try {
      return (await shipBacklog(this.backlog.orders, this.fulfilment, this.backlog.clock, this.retryMs)).length;
    } catch (err) {
      this.logError(err);
      return 0;
    }
  }

  async orderPlaced(order: StoredOrder): Promise<void> {
    this.schedule(order.userId, order.id, 1);
  }

  private schedule(userId: string, orderId: string, attempt: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.fulfilment.fulfil(userId, orderId).then(
        (outcome) => {
          if (outcome === 'awaiting-payment' && attempt < this.maxAttempts) this.schedule(userId, orderId, attempt + 1);
        },
        (err) => {
          this.logError(err);
          if (attempt < this.maxAttempts) this.schedule(userId, orderId, attempt + 1);
        },
      );
    }, this.retryMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Stops the timers; resolves once a sweep in progress has finished (before the pool closes). */
  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.sweeping;
  }
}
