// A range of UTC days asked for in a query (`from`, `to`, both YYYY-MM-DD, both included), with its
// defaults and bounds: what the usage and operator reports read.
import { badRequest } from '../errors.ts';

const DAY_MS = 86_400_000;

export type DayRange = { from: string; to: string };

/** `to` defaults to today, `from` to `defaultDays` days ending at `to`; refused when reversed or longer than `maxDays`. */
export function dayRange(
  query: { from?: string; to?: string },
  limits: { defaultDays: number; maxDays: number },
): DayRange {
  const to = query.to ?? new Date().toISOString().slice(0, 10);
  const from = query.from ?? new Date(Date.parse(to) - (limits.defaultDays - 1) * DAY_MS).toISOString().slice(0, 10);
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days < 1) throw badRequest(`from (${from}) is after to (${to})`);
  if (days > limits.maxDays) throw badRequest(`A range is at most ${limits.maxDays} days; this one has ${days}`);
  return { from, to };
}
