import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { usageEvents, type Tier } from '../../drizzle/schema.ts';
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
