import type { Payment } from '../app/core/schemas.js';
import type { RunLedger } from './journeys.js';
import type { InvariantOutcome } from './result-schema.js';

/**
 * Application invariants checked after the run through the public API, from what the run itself saw
 * (the ledger). Pluggable: the harness takes any list of Invariant; defaultInvariants is what ships.
 */

export interface InvariantContext {
  baseUrl: string;
  ledger: RunLedger;
  /** JSON over HTTP against the target (path relative to baseUrl). */
  request(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: unknown }>;
  /** A bearer token for one of the run's accounts (logs in, retrying on 429), or undefined. */
  tokenFor(email: string): Promise<string | undefined>;
  /** Upper bound on accounts/orders each check looks at, to keep the check's own load bounded. */
  sampleLimit: number;
}

export interface Invariant {
  id: string;
  description: string;
  check(ctx: InvariantContext): Promise<Omit<InvariantOutcome, 'id' | 'description'>>;
}

const MAX_EXAMPLES = 10;

function ordersOf(body: unknown): { id: string; status?: string; totalCents?: number }[] {
  const b = body as Record<string, unknown> | undefined;
  const list = Array.isArray(b) ? b : Array.isArray(b?.orders) ? b.orders : Array.isArray(b?.items) ? b.items : [];
  return (list as Record<string, unknown>[])
    .filter((o) => o && (typeof o.id === 'string' || typeof o.id === 'number'))
    .map((o) => ({ id: String(o.id), status: typeof o.status === 'string' ? o.status : undefined, totalCents: typeof o.totalCents === 'number' ? o.totalCents : undefined }));
}

function usersWithOrders(ledger: RunLedger, limit: number): string[] {
  const emails = new Set<string>();
  for (const o of ledger.acceptedOrders.values()) emails.add(o.email);
  for (const e of ledger.orderAttempts.keys()) emails.add(e);
  return [...emails].sort().slice(0, limit);
}

/** Every order the API accepted (201) is in its user's order history; none appears that was never attempted. */
export const acceptedOrdersStored: Invariant = {
  id: 'orders-accepted-equal-stored',
  description: 'every accepted order is stored, and no user has more stored orders than order attempts',
  async check(ctx) {
    const users = usersWithOrders(ctx.ledger, ctx.sampleLimit);
    if (users.length === 0) return { status: 'skipped', checked: 0, violations: [], detail: 'the run placed no orders' };
    const violations: string[] = [];
    let checked = 0;
    for (const email of users) {
      const token = await ctx.tokenFor(email);
      if (!token) {
        violations.push(`${email}: could not log in to read the order history`);
        continue;
      }
      const res = await ctx.request('GET', '/orders', { token });
      if (res.status !== 200) {
        violations.push(`${email}: GET /orders answered ${res.status}`);
        continue;
      }
      const stored = new Set(ordersOf(res.body).map((o) => o.id));
      const accepted = [...ctx.ledger.acceptedOrders.entries()].filter(([, o]) => o.email === email).map(([id]) => id);
      checked += accepted.length;
      for (const id of accepted) if (!stored.has(id)) violations.push(`order ${id} of ${email} was accepted but is not stored`);
      const attempts = ctx.ledger.orderAttempts.get(email) ?? 0;
      if (stored.size > attempts) violations.push(`${email} has ${stored.size} stored orders but made ${attempts} attempts`);
    }
    return { status: violations.length ? 'fail' : 'pass', checked, violations: violations.slice(0, MAX_EXAMPLES), detail: `${users.length} users, ${checked} accepted orders checked` };
  },
};

/**
 * No order is charged twice: every answer seen for an order's idempotency key named the same payment, and
 * replaying the key once more after the run (the contract's retry) returns that payment again.
 */
export const noDoubleCharge: Invariant = {
  id: 'no-double-charge',
  description: 'each order has one payment: retries with the same Idempotency-Key (during and after the run) return the same payment, for the order total',
  async check(ctx) {
    const entries = [...ctx.ledger.payments.entries()];
    if (entries.length === 0) return { status: 'skipped', checked: 0, violations: [], detail: 'the run made no payments' };
    const violations: string[] = [];
    for (const [orderId, p] of entries) {
      if (p.paymentIds.size > 1) violations.push(`order ${orderId} was charged by ${p.paymentIds.size} payments: ${[...p.paymentIds].join(', ')}`);
      const total = ctx.ledger.acceptedOrders.get(orderId)?.totalCents;
      const wrong = p.amounts.find((a) => total !== null && total !== undefined && a !== total);
      if (wrong !== undefined) violations.push(`order ${orderId}: payment of ${wrong} cents for an order of ${total} cents`);
    }
    const replayed = entries.slice(0, ctx.sampleLimit);
    for (const [orderId, p] of replayed) {
      const token = await ctx.tokenFor(p.email);
      if (!token) continue;
      const res = await ctx.request('POST', '/payments', { token, body: { orderId }, headers: { 'idempotency-key': p.idempotencyKey } });
      const id = ((res.body as Record<string, unknown> | undefined)?.payment as Record<string, unknown> | undefined)?.id;
      if (res.status >= 200 && res.status < 300 && id !== undefined && p.paymentIds.size > 0 && !p.paymentIds.has(String(id))) {
        violations.push(`order ${orderId} was charged by 2 payments: replaying its idempotency key created payment ${String(id)}`);
      }
    }
    return { status: violations.length ? 'fail' : 'pass', checked: entries.length, violations: violations.slice(0, MAX_EXAMPLES), detail: `${replayed.length} idempotency keys replayed` };
  },
};

/** The shop contract's successful payment (PaymentSchema's status). */
const APPROVED: Payment['status'] = 'approved';

/** An order with a successful payment is no longer pending. */
export const paidOrdersNotPending: Invariant = {
  id: 'paid-orders-not-pending',
  description: 'orders with a successful payment are marked paid (or later), not pending',
  async check(ctx) {
    const paid = [...ctx.ledger.payments.entries()]
      .filter(([, p]) => p.statuses.some((s) => s === APPROVED))
      .slice(0, ctx.sampleLimit);
    if (paid.length === 0) return { status: 'skipped', checked: 0, violations: [], detail: 'no successful payments to check' };
    const violations: string[] = [];
    for (const [orderId, p] of paid) {
      const token = await ctx.tokenFor(p.email);
      if (!token) {
        violations.push(`${p.email}: could not log in to read order ${orderId}`);
        continue;
      }
      const res = await ctx.request('GET', `/orders/${encodeURIComponent(orderId)}`, { token });
      const order = ((res.body as Record<string, unknown> | undefined)?.order ?? res.body) as Record<string, unknown> | undefined;
      if (res.status !== 200) violations.push(`GET /orders/${orderId} answered ${res.status}`);
      else if (order?.status === 'pending') violations.push(`order ${orderId} was paid but is still pending`);
    }
    return { status: violations.length ? 'fail' : 'pass', checked: paid.length, violations: violations.slice(0, MAX_EXAMPLES) };
  },
};

export const defaultInvariants: Invariant[] = [acceptedOrdersStored, noDoubleCharge, paidOrdersNotPending];

/** Runs every invariant; a check that throws is a failure with its message, not a crash of the run. */
export async function checkInvariants(invariants: Invariant[], ctx: InvariantContext): Promise<InvariantOutcome[]> {
  const outcomes: InvariantOutcome[] = [];
  for (const inv of invariants) {
    try {
      outcomes.push({ id: inv.id, description: inv.description, ...(await inv.check(ctx)) });
    } catch (err) {
      outcomes.push({ id: inv.id, description: inv.description, status: 'fail', checked: 0, violations: [`check failed: ${(err as Error).message}`] });
    }
  }
  return outcomes;
}
