/**
 * Bounded retries with capped exponential backoff, for every loop that tries again: a fixed number of
 * attempts, then a clear error. Deliberately tiny and dependency-free: the Lambda bundles include it.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; each later wait doubles, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
}

/** What an attempt returns when it made no final answer and should run again after the backoff. */
export const TRY_AGAIN: unique symbol = Symbol('try again');
export type Attempt<T> = (attempt: number) => Promise<T | typeof TRY_AGAIN>;

export class RetriesExhaustedError extends Error {
  constructor(
    what: string,
    readonly attempts: number,
    detail?: string,
  ) {
    super(`${what}: gave up after ${attempts} attempts${detail ? ` (${detail})` : ''}`);
    this.name = 'RetriesExhaustedError';
  }
}

/** The wait before attempt `attempt` (0-based; attempt 0 does not wait). */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return attempt === 0 ? 0 : Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it returns a value other than TRY_AGAIN, at most `policy.attempts` times, waiting
 * backoffMs between. Thrown errors are not retried: they end the loop at once.
 * When the attempts run out it throws RetriesExhaustedError naming `what` and `detail()` (e.g. what is
 * still pending), unless `onExhausted` gives a value to return instead.
 */
export async function retry<T>(
  what: string,
  policy: RetryPolicy,
  attempt: Attempt<T>,
  opts: { detail?: () => string; onExhausted?: () => T; wait?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const wait = opts.wait ?? sleep;
  for (let n = 0; n < policy.attempts; n += 1) {
    if (n > 0) await wait(backoffMs(policy, n));
    const result = await attempt(n);
    if (result !== TRY_AGAIN) return result as T;
  }
  if (opts.onExhausted) return opts.onExhausted();
  throw new RetriesExhaustedError(what, policy.attempts, opts.detail?.());
}
