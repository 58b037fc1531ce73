import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { orderPlacedMessage, type FulfilmentService } from '../core/orders.js';
import type { OrderEvents, StoredOrder } from '../core/ports.js';

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
 */
export class InProcessFulfilment implements OrderEvents {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly fulfilment: FulfilmentService,
    private readonly retryMs: number,
    private readonly maxAttempts: number,
    private readonly logError: (err: unknown) => void = (err) => console.error(err),
  ) {}

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

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
