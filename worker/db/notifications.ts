// Emails sent once: a `notifications` row (user, kind, period) is claimed before an email is sent
// and given back if the send fails, so a repeated run sends nothing twice and a failed one is
// retried. Quota warnings (jobs/quota-warnings.ts) keep their own claims; a plan change's site
// notices use these.
import { and, eq, inArray } from 'drizzle-orm';
import { notifications } from '../../drizzle/schema.ts';
import type { Db } from './client.ts';

/** The periods of `kind` already claimed for the user. */
export async function claimedPeriods(db: Db, userId: string, kind: string): Promise<Set<string>> {
  const rows = await db
    .select({ period: notifications.period })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.kind, kind)));
  return new Set(rows.map((r) => r.period));
}

/** Claims each period not yet claimed; the periods this call claimed (a concurrent call keeps the others). */
export async function claimPeriods(db: Db, userId: string, kind: string, periods: string[]): Promise<string[]> {
  if (periods.length === 0) return [];
  const rows = await db
    .insert(notifications)
    .values(periods.map((period) => ({ userId, kind, period })))
    .onConflictDoNothing()
    .returning({ period: notifications.period });
  return rows.map((r) => r.period);
}

/** Gives claims back after a failed send, so the next attempt sends the email. */
export async function releasePeriods(db: Db, userId: string, kind: string, periods: string[]): Promise<void> {
  if (periods.length === 0) return;
  await db
    .delete(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.kind, kind), inArray(notifications.period, periods)));
}
