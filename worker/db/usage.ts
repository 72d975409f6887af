import { and, asc, eq, gte, lte } from 'drizzle-orm';
import { usageDaily } from '../../drizzle/schema.ts';
import type { Db } from './client.ts';
import { asUser, type UserClaims } from './as-user.ts';

/** The caller's daily usage by model between two UTC days (both included), under RLS. */
export async function dailyUsageForUser(db: Db, claims: UserClaims, range: { from: string; to: string }) {
  const [rows] = await asUser(db, claims, (q) => [
    q
      .select()
      .from(usageDaily)
      .where(and(eq(usageDaily.userId, claims.sub), gte(usageDaily.day, range.from), lte(usageDaily.day, range.to)))
      .orderBy(asc(usageDaily.day), asc(usageDaily.model)),
  ]);
  return rows;
}
