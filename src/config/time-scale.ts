import { z } from 'zod';
import { UserError } from '../errors.js';

/**
 * How many times faster than real time a run goes: profile durations and the local target's modelled
 * AWS delays are divided by it. 1 is real time; 3600 plays an hour in a second, beyond which the
 * modelled delays fall below what timers on one machine resolve.
 */
export const TIME_SCALE_RANGE = { min: 1, max: 3600 } as const;

export const TimeScaleSchema = z.number().min(TIME_SCALE_RANGE.min).max(TIME_SCALE_RANGE.max);

/** The one rule for --time-scale (and a profile's timeScale): a number from 1 to 3600. */
export function parseTimeScale(input: string | number): number {
  const value = typeof input === 'number' ? input : input.trim() === '' ? Number.NaN : Number(input);
  const r = TimeScaleSchema.safeParse(value);
  if (!r.success)
    throw new UserError(
      `--time-scale: '${input}' is not a number from ${TIME_SCALE_RANGE.min} to ${TIME_SCALE_RANGE.max}`,
      `pass e.g. --time-scale 10 to run 10x faster than real time (${TIME_SCALE_RANGE.min} is real time)`,
    );
  return r.data;
}
