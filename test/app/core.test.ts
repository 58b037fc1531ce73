import { describe, expect, it } from 'vitest';
import { LocalPaymentProvider } from '../../src/app/adapters/local-payment-provider.js';
import { ScryptPasswordHasher } from '../../src/app/adapters/scrypt-hasher.js';
import { parseLambdaEnv, parseServerEnv } from '../../src/app/config/env.js';
import { uuidv7 } from '../../src/app/core/ids.js';
import { generateCatalog, SEED_CATEGORIES } from '../../src/app/seed.js';

describe('seed catalog', () => {
  it('is deterministic, prefix-stable and spread over every category', () => {
    const a = generateCatalog(1000);
    expect(generateCatalog(1000)).toEqual(a);
    expect(generateCatalog(10)).toEqual(a.slice(0, 10));
    expect(new Set(a.map((p) => p.category))).toEqual(new Set(SEED_CATEGORIES));
    expect(new Set(a.map((p) => p.id)).size).toBe(1000);
    for (const p of a) {
      expect(Number.isInteger(p.priceCents) && p.priceCents % 100 === 99).toBe(true);
      expect(p.stock).toBeGreaterThanOrEqual(10);
    }
    expect(generateCatalog().length).toBe(10_000);
    expect(() => generateCatalog(-1)).toThrow(/catalog size/);
  });
});

describe('local payment provider', () => {
  it('declines deterministically at the configured rate and takes the configured latency', async () => {
    const orders = Array.from({ length: 400 }, (_, i) => `order-${i}`);
    const decide = async (rate: number) => Promise.all(orders.map((orderId) => new LocalPaymentProvider(rate, 0).charge({ orderId, paymentId: 'p', amountCents: 1, idempotencyKey: 'k' })));
    const half = await decide(0.5);
    expect((await decide(0.5)).map((r) => r.status)).toEqual(half.map((r) => r.status));
    const declined = half.filter((r) => r.status === 'declined').length;
    expect(declined).toBeGreaterThan(150);
    expect(declined).toBeLessThan(250);
    expect((await decide(0)).every((r) => r.status === 'approved')).toBe(true);
    expect((await decide(1)).every((r) => r.status === 'declined' && r.declineReason === 'card_declined')).toBe(true);
    const t0 = performance.now();
    await new LocalPaymentProvider(0, 60).charge({ orderId: 'x', paymentId: 'p', amountCents: 1, idempotencyKey: 'k' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
  });
});

describe('password hashing', () => {
  it('verifies the right password only, and hashes carry their own cost', async () => {
    const hasher = new ScryptPasswordHasher(12);
    const hash = await hasher.hash('correct horse');
    expect(hash).toMatch(/^scrypt\$12\$8\$1\$/);
    expect(await hasher.hash('correct horse')).not.toBe(hash);
    expect(await hasher.verify('correct horse', hash)).toBe(true);
    expect(await hasher.verify('correct horsf', hash)).toBe(false);
    expect(await new ScryptPasswordHasher(14).verify('correct horse', hash)).toBe(true);
    expect(await hasher.verify('x', 'garbage')).toBe(false);
  });
});

describe('ids', () => {
  it('uuidv7 sorts by creation time', () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(a < b).toBe(true);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('environment', () => {
  const secret = { JWT_SECRET: 'x'.repeat(32) };
  it('applies defaults and accepts PG* variables instead of DATABASE_URL', () => {
    const env = parseServerEnv({ ...secret, PGHOST: '127.0.0.1', PGPORT: '5433' });
    expect(env).toMatchObject({ PORT: 8080, HOST: '0.0.0.0', PGPORT: 5433, PG_POOL_MAX: 10, PAYMENT_DECLINE_RATE: 0, LOGIN_RATE_LIMIT: 10 });
  });
  it('names the variable at fault', () => {
    expect(() => parseServerEnv({ ...secret })).toThrow(/server environment: DATABASE_URL: is required/);
    expect(() => parseServerEnv({ JWT_SECRET: 'short', DATABASE_URL: 'postgres://x' })).toThrow(/JWT_SECRET: must be at least 32 characters/);
    expect(() => parseServerEnv({ ...secret, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(() => parseServerEnv({ ...secret, DATABASE_URL: 'postgres://x', PORT: 'eighty' })).toThrow(/PORT: must be a number/);
    expect(() => parseLambdaEnv(['TABLE_ORDERS'], { ...secret }, { jwtSecret: true })).toThrow(/lambda environment: TABLE_ORDERS: is required for this function/);
    expect(() => parseLambdaEnv([], { ...secret, DYNAMODB_TRANSACTIONS: 'maybe' }, { jwtSecret: true })).toThrow(/DYNAMODB_TRANSACTIONS/);
    expect(() => parseLambdaEnv([], { JWT_SECRET_ARN: 'not-an-arn' }, { jwtSecret: true })).toThrow(/JWT_SECRET_ARN: must be a Secrets Manager ARN/);
  });
});
