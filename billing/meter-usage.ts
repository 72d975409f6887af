// Monthly (1st, 00:30 UTC): each paying user's tokens of the month just ended go to Stripe's meter.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { profiles, usageReports } from '../drizzle/schema.ts';
import type { Db } from '../worker/db/client.ts';
import { log } from '../worker/log.ts';
import { stripeClient, type StripeEnv } from './stripe.ts';

export type MeterUsageResult = { period: string; recorded: number; sent: number; failed: number; skipped?: string };

/**
 * Records first, then sends: one `usage_reports` row per user and month (unique on both, and on
 * the identifier) fixes the tokens and the identifier; only rows not yet marked reported are sent,
 * then marked. A rerun therefore sends nothing twice. A crash between Stripe accepting an event
 * and the mark makes the next run send it again with the same `identifier`, which Stripe dedupes
 * (it enforces uniqueness of identifiers over a rolling window of at least 24 hours).
 */
export async function meterUsage(db: Db, env: StripeEnv, now = new Date()): Promise<MeterUsageResult> {
  const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const period = periodStart.toISOString().slice(0, 7);
  if (!env.STRIPE_SECRET_KEY || !env.STRIPE_METER_EVENT)
    return { period, recorded: 0, sent: 0, failed: 0, skipped: 'billing not configured' };

  const recorded = await db.execute(sql`
    insert into usage_reports (user_id, period_start, period_end, tokens, cost_usd, identifier)
    select e.user_id, ${periodStart.toISOString()}::timestamptz, ${periodEnd.toISOString()}::timestamptz,
           sum(e.input_tokens + e.output_tokens)::bigint, sum(e.cost_usd),
           'parley:' || e.user_id || ':' || ${period}::text
    from usage_events e
    join profiles p on p.id = e.user_id and p.stripe_customer_id is not null
    where e.occurred_at >= ${periodStart.toISOString()}::timestamptz and e.occurred_at < ${periodEnd.toISOString()}::timestamptz
    group by e.user_id
    having sum(e.input_tokens + e.output_tokens) > 0
    on conflict do nothing
  `);

  const pending = await db
    .select({
      id: usageReports.id,
      tokens: usageReports.tokens,
      identifier: usageReports.identifier,
      customerId: profiles.stripeCustomerId,
    })
    .from(usageReports)
    .innerJoin(profiles, eq(profiles.id, usageReports.userId))
    .where(and(eq(usageReports.periodStart, periodStart), isNull(usageReports.reportedAt)));

  const stripe = stripeClient(env);
  // Stripe takes meter events up to 35 days old: the month's last second keeps the event in it.
  const timestamp = Math.floor(periodEnd.getTime() / 1000) - 1;
  let sent = 0;
  let failed = 0;
  for (const report of pending) {
    if (!report.customerId) continue;
    try {
      await stripe.billing.meterEvents.create({
        event_name: env.STRIPE_METER_EVENT,
        payload: { stripe_customer_id: report.customerId, value: String(report.tokens) },
        identifier: report.identifier,
        timestamp,
      });
      await db.update(usageReports).set({ reportedAt: sql`now()` }).where(eq(usageReports.id, report.id));
      sent++;
    } catch (error) {
      // Left unmarked: the next run (or a manual one) sends it again under the same identifier.
      failed++;
      log.error('meter event not sent', { identifier: report.identifier }, error);
    }
  }
  if (failed > 0)
    throw new Error(`meter-usage ${period}: ${failed} of ${pending.length} report(s) not sent; rerun to retry`);
  return { period, recorded: recorded.rowCount ?? 0, sent, failed };
}
