// What each tier may do, in one place. Quotas are monthly (UTC) token allowances, input plus
// output; rate limits are per subject (a user, an API key, a widget site or visitor).
import type { Tier } from '../../drizzle/schema.ts';

export type TierLimits = {
  /** Tokens (input + output) per calendar month, UTC; null means unlimited. */
  monthlyTokens: number | null;
  /** Sustained requests per minute; a burst of this many is allowed at once (token bucket). */
  requestsPerMinute: number;
  /** The owner's own replies (app and API) streaming at the same time. */
  concurrentStreams: number;
  /** Widget visitors' replies streaming at the same time: a budget of their own, so visitors never lock the owner out. */
  widgetConcurrentStreams: number;
  /** The most a model may charge per million output tokens on this tier; null means any model. */
  maxOutputPricePerMillion: number | null;
  /** The largest file one upload may be, in bytes. */
  fileMaxBytes: number;
  /** The most files one message may carry. */
  filesPerMessage: number;
  /** All of the owner's uploaded files together, in bytes. */
  storageBytes: number;
};

const MB = 1024 * 1024;

export const TIER_LIMITS: Record<Tier, TierLimits> = {
  free: {
    monthlyTokens: 200_000,
    requestsPerMinute: 20,
    concurrentStreams: 2,
    widgetConcurrentStreams: 2,
    maxOutputPricePerMillion: 10,
    fileMaxBytes: 5 * MB,
    filesPerMessage: 3,
    storageBytes: 50 * MB,
  },
  pro: {
    monthlyTokens: 10_000_000,
    requestsPerMinute: 120,
    concurrentStreams: 8,
    widgetConcurrentStreams: 10,
    maxOutputPricePerMillion: null,
    fileMaxBytes: 20 * MB,
    filesPerMessage: 10,
    storageBytes: 2 * 1024 * MB,
  },
  enterprise: {
    monthlyTokens: null,
    requestsPerMinute: 600,
    concurrentStreams: 32,
    widgetConcurrentStreams: 50,
    maxOutputPricePerMillion: null,
    fileMaxBytes: 50 * MB,
    filesPerMessage: 20,
    storageBytes: 20 * 1024 * MB,
  },
};

/** A user's plan: their tier's limits, with their own overrides (an enterprise contract) on top. */
export function planLimits(tier: Tier, overrides: Partial<TierLimits> | null | undefined): TierLimits {
  return { ...TIER_LIMITS[tier], ...overrides };
}

/** Whether a plan may use a model, by its output price (the free tier is kept off the most expensive ones). */
export function planAllowsModel(limits: TierLimits, outputPricePerMillion: number): boolean {
  return limits.maxOutputPricePerMillion === null || outputPricePerMillion <= limits.maxOutputPricePerMillion;
}

/** The standard plans (no overrides) that include a model, by its output price: what the model picker's lock says to upgrade to. */
export function tiersIncluding(outputPricePerMillion: number): Tier[] {
  return (Object.keys(TIER_LIMITS) as Tier[]).filter((tier) =>
    planAllowsModel(TIER_LIMITS[tier], outputPricePerMillion),
  );
}

/** Quotas reset at the start of each calendar month, UTC. */
export function quotaPeriod(now: Date) {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end };
}
