// Money as Parley stores and bills it: USD with eight decimal places (the columns are numeric(16, 8)),
// computed in integers of 1e-8 USD so costs and their sums never carry float drift.

const SCALE = 100_000_000n;

/** A price in USD per million tokens, in 1e-8 USD per million tokens. */
export const unitsPerMillion = (usdPerMillion: number): bigint => BigInt(Math.round(usdPerMillion * Number(SCALE)));

/** A decimal USD string (`"12.5"`, `"0.00020000"`) in 1e-8 USD; places past the eighth are dropped. */
export function usdToUnits(usd: string): bigint {
  const [whole = '0', fraction = ''] = usd.split('.');
  return BigInt(whole || '0') * SCALE + BigInt(fraction.padEnd(8, '0').slice(0, 8) || '0');
}

/** 1e-8 USD as the decimal string the columns hold, eight places always (`"0.00020000"`). */
export function unitsToUsd(units: bigint): string {
  return `${units / SCALE}.${(units % SCALE).toString().padStart(8, '0')}`;
}

/** The exact sum of decimal USD strings. */
export const sumUsd = (amounts: string[]): string =>
  unitsToUsd(amounts.reduce((sum, usd) => sum + usdToUnits(usd), 0n));
