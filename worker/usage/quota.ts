import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { profiles, usageEvents, type Tier } from '../../drizzle/schema.ts';
import type { Db } from '../db/client.ts';
import { asUser, type UserClaims } from '../db/as-user.ts';
import { MONTHLY_TOKEN_QUOTA, quotaPeriod } from './tiers.ts';

export type Quota = { limit: number | null; used: number; resetsAt: string };

/** The user's token allowance this month and how much of it is used. */
export async function monthlyQuota(db: Db, claims: UserClaims, tier: Tier, now = new Date()): Promise<Quota> {
  const { start, end } = quotaPeriod(now);
  const [rows] = await asUser(db, claims, [
    db
      .select({ used: sql<string>`coalesce(sum(${usageEvents.inputTokens} + ${usageEvents.outputTokens}), 0)` })
      .from(usageEvents)
      .where(and(eq(usageEvents.userId, claims.sub), gte(usageEvents.occurredAt, start), lt(usageEvents.occurredAt, end))),
  ]);
  return { limit: MONTHLY_TOKEN_QUOTA[tier], used: Number(rows[0]?.used ?? 0), resetsAt: end.toISOString() };
}

/**
 * What a Limiter starts a period from: the user's tier and the tokens already recorded this
 * period. Service role: the Limiter acts for the system, not the user. A user without a profile
 * yet is on the free tier with nothing used.
 */
export async function quotaSeed(db: Db, userId: string, now: Date): Promise<{ tier: Tier; used: number }> {
  const { start, end } = quotaPeriod(now);
  const [profile, used] = await db.batch([
    db.select({ tier: profiles.tier }).from(profiles).where(eq(profiles.id, userId)).limit(1),
    db.select({ used: sql<string>`coalesce(sum(${usageEvents.inputTokens} + ${usageEvents.outputTokens}), 0)` })
      .from(usageEvents)
      .where(and(eq(usageEvents.userId, userId), gte(usageEvents.occurredAt, start), lt(usageEvents.occurredAt, end))),
  ]);
  return { tier: profile[0]?.tier ?? 'free', used: Number(used[0]?.used ?? 0) };
}
