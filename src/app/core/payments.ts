import { DomainError } from './errors.js';
import { missingOrder } from './orders.js';
import { uuidv4 } from './ids.js';
import type { Caller, Clock, IdempotencyRecord, OrderRepository, PaymentProvider, PaymentRepository, StoredOrder, StoredPayment } from './ports.js';
import type { Payment } from './schemas.js';

export interface PaymentOutcome {
  payment: Payment;
  /** true when this answer replays an earlier request with the same idempotency key. */
  replayed: boolean;
}

const toPayment = ({ userId: _u, idempotencyKey: _k, providerRef: _r, ...p }: StoredPayment): Payment => p;

export class PaymentService {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly orders: OrderRepository,
    private readonly provider: PaymentProvider,
    private readonly clock: Clock,
    /** How long a duplicate waits for the first request with its key to finish. */
    private readonly duplicateWaitMs = 10_000,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async pay(caller: Caller, orderId: string, idempotencyKey: string): Promise<PaymentOutcome> {
    const claim = await this.payments.claimKey(caller.id, idempotencyKey, orderId, this.clock.nowMs());
    if (!claim.claimed) return this.replay(caller, idempotencyKey, orderId, claim.record);

    const paymentId = uuidv4();
    let order: StoredOrder | undefined;
    try {
      order = await this.orders.get(caller.id, orderId);
      if (!order) throw await missingOrder(this.orders, orderId, 'orderId');
      if (order.status !== 'pending') throw new DomainError('ORDER_NOT_PAYABLE', `order is ${order.status}, only a pending order can be paid`, 'orderId');
      if (!(await this.payments.lockOrder(orderId, paymentId)))
        throw new DomainError('ORDER_NOT_PAYABLE', 'order already has a payment in progress or approved', 'orderId');
    } catch (err) {
      // Nothing was charged: let the same key be retried.
      await this.payments.releaseKey(caller.id, idempotencyKey);
      throw err;
    }
    const charge = await this.provider.charge({ paymentId, orderId, amountCents: order.totalCents, idempotencyKey });
    const stored: StoredPayment = {
      id: paymentId,
      orderId,
      userId: caller.id,
      status: charge.status,
      amountCents: order.totalCents,
      ...(charge.declineReason ? { declineReason: charge.declineReason } : {}),
      createdAt: new Date(this.clock.nowMs()).toISOString(),
      idempotencyKey,
      providerRef: charge.providerRef,
    };
    await this.payments.complete(stored);
    if (stored.status === 'approved')
      await this.orders.transition(caller.id, orderId, 'pending', 'paid', { paymentId, updatedAt: stored.createdAt });
    return { payment: toPayment(stored), replayed: false };
  }

  private async replay(caller: Caller, key: string, orderId: string, first: IdempotencyRecord): Promise<PaymentOutcome> {
    let record: IdempotencyRecord | undefined = first;
    const deadline = this.clock.nowMs() + this.duplicateWaitMs;
    for (let delay = 10; record; delay = Math.min(delay * 2, 200)) {
      if (record.orderId !== orderId)
        throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for another order', 'Idempotency-Key');
      if (record.state === 'completed' && record.payment) {
        // Finishes what a first request may not have (it stopped after charging): a no-op once paid.
        if (record.payment.status === 'approved')
          await this.orders.transition(caller.id, orderId, 'pending', 'paid', { paymentId: record.payment.id, updatedAt: record.payment.createdAt });
        return { payment: record.payment, replayed: true };
      }
      if (this.clock.nowMs() >= deadline) break;
      await this.sleep(delay);
      record = await this.payments.getKey(caller.id, key);
    }
    if (!record) {
      // The first request failed before charging and released the key: this one starts afresh.
      return this.pay(caller, orderId, key);
    }
    throw new DomainError('PAYMENT_IN_PROGRESS', 'a payment with this Idempotency-Key is still being processed; retry later', 'Idempotency-Key');
  }
}
