import { and, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import { apiKeys, profiles, usageEvents, type Tier } from '../../drizzle/schema.ts';
import { type Db, transaction } from '../db/client.ts';
import { quotaPeriod, type TierLimits } from './tiers.ts';

export type QuotaSeed = {
  tier: Tier;
  overrides: Partial<TierLimits> | null;
  used: number;
  keys: Array<{ id: string; hash: string }>;
  /** The user's custom instructions and when they were saved (epoch ms; 0 when never). */
  instructions: { text: string | null; updatedAt: number };
};

/**
 * What a Limiter starts a period from: the user's tier, the tokens already recorded this
 * period, the user's live API keys and custom instructions. Service role: the Limiter acts for the system, not the user. A user without a profile
 * yet is on the free tier with nothing used.
 */
export async function quotaSeed(db: Db, userId: string, now: Date): Promise<QuotaSeed> {
  const { start, end } = quotaPeriod(now);
  const [profile, used, keys] = await transaction(db, (q) => [
    q
      .select({
        tier: profiles.tier,
        limits: profiles.limits,
        instructions: profiles.customInstructions,
        instructionsAt: profiles.customInstructionsUpdatedAt,
      })
      .from(profiles)
      .where(eq(profiles.id, userId))
      .limit(1),
    q
      .select({ used: sql<string>`coalesce(sum(${usageEvents.inputTokens} + ${usageEvents.outputTokens}), 0)` })
      .from(usageEvents)
      .where(and(eq(usageEvents.userId, userId), gte(usageEvents.occurredAt, start), lt(usageEvents.occurredAt, end))),
    q
      .select({ id: apiKeys.id, hash: apiKeys.keyHash })
      .from(apiKeys)
      .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt))),
  ]);
  return {
    tier: profile[0]?.tier ?? 'free',
    overrides: limitOverrides(profile[0]?.limits),
    used: Number(used[0]?.used ?? 0),
    keys,
    instructions: {
      text: profile[0]?.instructions ?? null,
      updatedAt: profile[0]?.instructionsAt?.getTime() ?? 0,
    },
  };
}

const LIMIT_KEYS = [
  'monthlyTokens',
  'requestsPerMinute',
  'concurrentStreams',
  'widgetConcurrentStreams',
  'maxOutputPricePerMillion',
  'fileMaxBytes',
  'filesPerMessage',
  'storageBytes',
] as const;

/** The overrides a profile carries, keeping only known limits with sane values (a number >= 0, or null for unlimited). */
export function limitOverrides(raw: Record<string, number | null> | null | undefined): Partial<TierLimits> | null {
  if (!raw) return null;
  const kept: Partial<Record<(typeof LIMIT_KEYS)[number], number | null>> = {};
  for (const key of LIMIT_KEYS) {
    const value = raw[key];
    if (value === null || (typeof value === 'number' && Number.isFinite(value) && value >= 0)) kept[key] = value;
  }
  const {
    requestsPerMinute,
    concurrentStreams,
    widgetConcurrentStreams,
    fileMaxBytes,
    filesPerMessage,
    storageBytes,
    ...rest
  } = kept;
  // Rate limits cannot be unlimited: null there means "the tier's".
  return {
    ...rest,
    ...(typeof requestsPerMinute === 'number' ? { requestsPerMinute } : {}),
    ...(typeof concurrentStreams === 'number' ? { concurrentStreams } : {}),
    ...(typeof widgetConcurrentStreams === 'number' ? { widgetConcurrentStreams } : {}),
    // File limits cannot be unlimited either: null there means "the tier's".
    ...(typeof fileMaxBytes === 'number' ? { fileMaxBytes } : {}),
    ...(typeof filesPerMessage === 'number' ? { filesPerMessage } : {}),
    ...(typeof storageBytes === 'number' ? { storageBytes } : {}),
  } as Partial<TierLimits>;
}
