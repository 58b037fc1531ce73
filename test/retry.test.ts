import { describe, expect, it } from 'vitest';
import { backoffMs, RetriesExhaustedError, retry, TRY_AGAIN, type RetryPolicy } from '../src/retry.js';

const policy: RetryPolicy = { attempts: 5, firstDelayMs: 40, maxDelayMs: 100 };

/** Runs retry with a recording wait instead of real timers. */
async function run<T>(outcomes: Array<T | typeof TRY_AGAIN | Error>, opts: { onExhausted?: () => T } = {}) {
  const waits: number[] = [];
  const attempts: number[] = [];
  const result = retry(
    'the thing',
    policy,
    async (n) => {
      attempts.push(n);
      const o = outcomes[n]!;
      if (o instanceof Error) throw o;
      return o;
    },
    { detail: () => 'still pending', wait: async (ms) => void waits.push(ms), ...opts },
  );
  return { result, waits, attempts };
}

describe('retry', () => {
  it('backs off exponentially from the first delay, capped', () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffMs(policy, n))).toEqual([0, 40, 80, 100, 100]);
  });

  it('returns the first answer and waits only between attempts', async () => {
    const { result, waits, attempts } = await run([TRY_AGAIN, TRY_AGAIN, 'done']);
    await expect(result).resolves.toBe('done');
    expect(attempts).toEqual([0, 1, 2]);
    expect(waits).toEqual([40, 80]);
  });

  it('stops after the policy’s attempts with an error naming what and why', async () => {
    const { result, attempts } = await run(Array(10).fill(TRY_AGAIN));
    await expect(result).rejects.toThrow(new RetriesExhaustedError('the thing', 5, 'still pending'));
    await expect(result).rejects.toThrow('the thing: gave up after 5 attempts (still pending)');
    expect(attempts).toHaveLength(5);
  });

  it('returns onExhausted’s value instead of throwing when given', async () => {
    const { result } = await run<string | undefined>(Array(10).fill(TRY_AGAIN), { onExhausted: () => undefined });
    await expect(result).resolves.toBeUndefined();
  });

  it('does not retry a thrown error', async () => {
    const { result, attempts } = await run([new Error('boom'), 'never']);
    await expect(result).rejects.toThrow('boom');
    expect(attempts).toEqual([0]);
  });
});
