import type { Tier } from '../../drizzle/schema.ts';

/** Monthly token allowance per tier (input + output); null means unlimited. */
export const MONTHLY_TOKEN_QUOTA: Record<Tier, number | null> = {
  free: 200_000,
  pro: 10_000_000,
  enterprise: null,
};

/** Quotas reset at the start of each calendar month, UTC. */
export function quotaPeriod(now: Date) {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end };
}
