import { createHash } from 'node:crypto';
import type { ChargeRequest, ChargeResult, PaymentProvider } from '../core/ports.js';

/**
 * A payment provider that needs no network and answers deterministically: whether an order is
 * declined depends only on its id and the decline rate, so runs are reproducible; every charge takes
 * `latencyMs`, standing in for the provider round trip. `charges` counts real charges, for tests.
 */
export class LocalPaymentProvider implements PaymentProvider {
  charges = 0;

  constructor(
    private readonly declineRate: number,
    private readonly latencyMs: number,
  ) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    this.charges += 1;
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const digest = createHash('sha256').update(request.orderId).digest();
    const draw = digest.readUInt32BE(0) / 0x1_0000_0000;
    const providerRef = `local_${digest.subarray(4, 16).toString('hex')}`;
    if (draw < this.declineRate) return { status: 'declined', providerRef, declineReason: 'card_declined' };
    return { status: 'approved', providerRef };
  }
}
