import type { ScheduleRate } from './system.js';

/**
 * EventBridge rate expressions, both ways: the stack writes one from the system description, the
 * local target and the cost model read it back from the synthesized stack. Syntax (singular unit for
 * 1, plural otherwise): https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
 * Pure.
 */

const UNIT_SECONDS: Record<ScheduleRate['unit'], number> = { minute: 60, hour: 3600, day: 86_400 };

/** `{ every: 1, unit: 'minute' }` -> `rate(1 minute)`; `{ every: 5, unit: 'minute' }` -> `rate(5 minutes)`. */
export function rateExpression(rate: ScheduleRate): string {
  if (!Number.isInteger(rate.every) || rate.every < 1) throw new Error(`a schedule rate must be a whole number ≥ 1 (got ${rate.every})`);
  return `rate(${rate.every} ${rate.unit}${rate.every === 1 ? '' : 's'})`;
}

/** The rate of `rate(5 minutes)`; undefined for a cron expression or anything EventBridge would refuse. */
export function parseRateExpression(expression: string): ScheduleRate | undefined {
  const m = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression.trim());
  if (!m) return undefined;
  const every = Number(m[1]);
  // EventBridge refuses "rate(1 minutes)" and "rate(5 minute)".
  if (every < 1 || (every === 1) !== (m[3] === '')) return undefined;
  return { every, unit: m[2] as ScheduleRate['unit'] };
}

export const rateSeconds = (rate: ScheduleRate): number => rate.every * UNIT_SECONDS[rate.unit];
