import { Decimal as DecimalJs } from 'decimal.js';

/** Money and quantities: decimal arithmetic with 34 significant digits, never binary floats. */
export const Decimal = DecimalJs.clone({ precision: 34, rounding: DecimalJs.ROUND_HALF_UP });
export type Decimal = InstanceType<typeof Decimal>;

export const ZERO = new Decimal(0);

export function dec(value: DecimalJs.Value): Decimal {
  return new Decimal(value);
}
