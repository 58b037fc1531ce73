import { durationSeconds, DurationSchema } from '../bench/profile-schema.js';
import { UserError } from '../errors.js';

/** An age such as "2h", "90m", "30s" (the profile duration syntax), in seconds. */
export function parseAge(input: string, flag: string): number {
  const parsed = DurationSchema.safeParse(/^\d+(\.\d+)?$/.test(input) ? Number(input) : input);
  if (!parsed.success) throw new UserError(`${flag} ${input}: not a duration`, `pass e.g. ${flag} 2h (250ms, 30s, 5m, 1h, or a number of seconds)`);
  return durationSeconds(parsed.data);
}
