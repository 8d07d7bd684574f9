// Money as integer cents, tax rates as basis points: no floating-point amounts anywhere.
export type Cents = number & { readonly __brand: 'Cents' };
export type Bps = number & { readonly __brand: 'Bps' };

export function cents(value: number): Cents {
  if (!Number.isInteger(value)) throw new Error(`cents must be an integer, got ${value}`);
  return value as Cents;
}

/** Rounds half away from zero: 0.5 -> 1, -0.5 -> -1. */
export function roundHalfAwayFromZero(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

export function applyTax(amount: Cents, rate: Bps): Cents {
  return cents(roundHalfAwayFromZero((amount * rate) / 10_000));
}

export function formatCents(amount: Cents, currency = 'USD'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount / 100);
}
