// Numbers, money and times as people read them.
const integer = new Intl.NumberFormat('en');

export const count = (n: number) => integer.format(n);

/** USD with enough digits that a cent-fraction reply still shows what it cost; a loss as −$1.50. */
export function usd(amount: string | number): string {
  const n = Number(amount);
  if (n === 0) return '$0';
  if (n < 0) return `−${usd(-n)}`;
  return n < 0.01 ? `$${n.toFixed(6).replace(/0+$/, '')}` : `$${n.toFixed(n < 1 ? 4 : 2)}`;
}

/** An amount in a currency's minor unit (Stripe's cents; yen have none) as money: 2000 usd is $20.00. */
export function money(minorUnits: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() });
  return format.format(minorUnits / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

const share = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 2 });

/** A share of 1 as a percentage: 0.0125 is 1.25%. */
export const percent = (fraction: number) => share.format(fraction);

export const ms = (value: number | null) =>
  value === null ? '—' : value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(1)} s`;

export const day = (iso: string) =>
  new Date(iso).toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

/** A moment in the reader's own language and time zone. */
export const dateTime = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));

/** A moment in the reader's own language and time zone, short (a date in a list, an expiry). */
export const shortDateTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Text from the server with its ISO 8601 timestamps ("resets at 2027-01-01T00:00:00.000Z") written in the reader's locale. */
export const localTimes = (text: string) =>
  text.replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)/g, (iso) =>
    Number.isNaN(Date.parse(iso)) ? iso : dateTime(iso),
  );
