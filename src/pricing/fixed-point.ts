import { Decimal } from './money.js';

/**
 * Exact decimal fixed-point for the engine's hot path: prices in units of 10^-10 USD (the Price
 * List publishes 10 decimal places), quantities in 10^-9 of their unit, costs in 10^-19 USD. Products
 * and sums of BigInts are exact, so money is never a binary float; decimal.js only formats results.
 * A quantity enters as the float it was measured or computed as, rounded to 10^-9 of a unit.
 */
export const PRICE_DECIMALS = 10;
export const QUANTITY_DECIMALS = 9;
const QUANTITY_SCALE = 10n ** BigInt(QUANTITY_DECIMALS);

export function priceToFixed(text: string): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal price: ${text}`);
  const frac = (m[2] ?? '').padEnd(PRICE_DECIMALS, '0');
  if (frac.length > PRICE_DECIMALS && /[1-9]/.test(frac.slice(PRICE_DECIMALS))) throw new Error(`price ${text} has more than ${PRICE_DECIMALS} decimal places`);
  return BigInt(m[1]!) * 10n ** BigInt(PRICE_DECIMALS) + BigInt(frac.slice(0, PRICE_DECIMALS));
}

export function quantityToFixed(q: number): bigint {
  if (!Number.isFinite(q) || q < 0) throw new Error(`quantity must be a finite number ≥ 0, got ${q}`);
  const whole = Math.trunc(q);
  return BigInt(whole) * QUANTITY_SCALE + BigInt(Math.round((q - whole) * 1e9));
}

/** A tier bound ("6000000000", "Inf" → null) at quantity scale. */
export function rangeToFixed(text: string): bigint | null {
  if (text === 'Inf') return null;
  const [whole, frac = ''] = text.split('.');
  return BigInt(whole!) * QUANTITY_SCALE + BigInt(frac.padEnd(QUANTITY_DECIMALS, '0').slice(0, QUANTITY_DECIMALS));
}

export function fixedToDecimal(value: bigint, decimals: number): Decimal {
  // Exponent notation is exact and skips a division per call (the cost curve calls this thousands of times).
  return new Decimal(`${value.toString()}e-${decimals}`);
}

export const costToDecimal = (cost: bigint) => fixedToDecimal(cost, PRICE_DECIMALS + QUANTITY_DECIMALS);
export const quantityToDecimal = (q: bigint) => fixedToDecimal(q, QUANTITY_DECIMALS);
