// Daily cron: emails each user who crossed 80%, 90% or 100% of their monthly token quota this
// period, once per threshold and period. The `notifications` row is claimed before the email is
// sent and given back if the send fails, so a rerun sends nothing twice and a failure is retried
// by the next run. A user who jumped several thresholds at once gets the highest one's email; the
// lower ones are recorded with it as covered, so they are never sent later.
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { notifications, profiles, usageEvents, type Tier } from '../../drizzle/schema.ts';
import type { Db } from '../db/client.ts';
import { quotaWarningEmail } from '../email/quota-warning.ts';
import { EmailSendError, emailConfigured, sendEmail, type ResendEnv } from '../email/resend.ts';
import { limitOverrides } from '../usage/quota.ts';
import { planLimits, quotaPeriod } from '../usage/tiers.ts';
import { log } from '../log.ts';

const QUOTA_THRESHOLDS = [80, 90, 100] as const;
const quotaKind = (threshold: number) => `quota_${threshold}`;
/** The `notifications.period` of a quota period: its UTC month, `YYYY-MM`. */
export const periodKey = (start: Date) => start.toISOString().slice(0, 7);

/** How often a rate-limited (429) send is tried again, and the longest wait between tries. */
const RATE_LIMIT_RETRIES = 2;
const MAX_RETRY_WAIT_MS = 5000;
/** How many skipped user ids and failure messages the log line carries. */
const LOGGED_SAMPLE = 10;

export type QuotaWarningsResult = {
  emailConfigured: boolean;
  period: string;
  usersChecked: number;
  emailsSent: number;
  failures: number;
  skippedNoEmail: number;
  skippedUserIds?: string[];
  errors?: string[];
};

type Candidate = {
  userId: string;
  email: string | null;
  tier: Tier;
  limits: Record<string, number | null> | null;
  used: string;
  notified: string | null;
};

/** Runs the warnings for the period containing `now`. Service role: reads every user's usage. */
export async function sendQuotaWarnings(
  db: Db,
  env: Partial<ResendEnv>,
  now = new Date(),
): Promise<QuotaWarningsResult> {
  const { start, end } = quotaPeriod(now);
  const period = periodKey(start);
  const result: QuotaWarningsResult = {
    emailConfigured: emailConfigured(env),
    period,
    usersChecked: 0,
    emailsSent: 0,
    failures: 0,
    skippedNoEmail: 0,
  };
  if (!result.emailConfigured) {
    log.warn('quota warnings: email is not configured (set RESEND_API_KEY); nothing sent');
    return result;
  }

  const candidates = await usersWithUsage(db, start, end, period);
  result.usersChecked = candidates.length;
  const skipped: string[] = [];
  const errors: string[] = [];
  for (const user of candidates) {
    const limit = monthlyLimit(user);
    if (limit === null) continue; // unlimited: never warned
    const used = Number(user.used);
    const crossed = QUOTA_THRESHOLDS.filter((t) => used * 100 >= limit * t);
    const top = crossed.at(-1);
    const notified = new Set(user.notified ? user.notified.split(',') : []);
    if (top === undefined || notified.has(quotaKind(top))) continue;
    if (!user.email) {
      result.skippedNoEmail += 1;
      skipped.push(user.userId);
      continue;
    }

    const claimed = await claim(
      db,
      user.userId,
      period,
      crossed.filter((t) => !notified.has(quotaKind(t))),
    );
    if (!claimed.includes(quotaKind(top))) continue; // another run holds it and sends it
    const email = quotaWarningEmail({
      threshold: top,
      used,
      limit,
      resetsAt: end,
      tier: user.tier,
      custom: user.limits?.monthlyTokens !== undefined,
    });
    try {
      await sendWithRetry(env, {
        to: user.email,
        ...email,
        idempotencyKey: `${quotaKind(top)}/${user.userId}/${period}`,
      });
      result.emailsSent += 1;
    } catch (error) {
      result.failures += 1;
      errors.push(`${user.userId}: ${error instanceof Error ? error.message : String(error)}`);
      // Given back, so the next run tries again (the lower thresholds claimed with it too).
      await db
        .delete(notifications)
        .where(
          and(
            eq(notifications.userId, user.userId),
            eq(notifications.period, period),
            inArray(notifications.kind, claimed),
          ),
        );
    }
  }
  if (skipped.length) result.skippedUserIds = skipped.slice(0, LOGGED_SAMPLE);
  if (errors.length) result.errors = errors.slice(0, LOGGED_SAMPLE);
  if (result.failures > 0) {
    throw new Error(
      `quota warnings: ${result.failures} email(s) failed and will be retried on the next run: ${JSON.stringify(result)}`,
    );
  }
  return result;
}

/**
 * Every user with usage this period, with what they used, their tier, overrides and the quota
 * notifications already recorded this period. One statement.
 */
function usersWithUsage(db: Db, start: Date, end: Date, period: string): Promise<Candidate[]> {
  const usage = db
    .select({
      userId: usageEvents.userId,
      used: sql<string>`sum(${usageEvents.inputTokens} + ${usageEvents.outputTokens})`.as('used'),
    })
    .from(usageEvents)
    .where(and(gte(usageEvents.occurredAt, start), lt(usageEvents.occurredAt, end)))
    .groupBy(usageEvents.userId)
    .as('usage');
  return db
    .select({
      userId: profiles.id,
      email: profiles.email,
      tier: profiles.tier,
      limits: profiles.limits,
      used: usage.used,
      notified: sql<
        string | null
      >`(select string_agg(n.kind, ',') from ${notifications} n where n.user_id = ${profiles.id} and n.period = ${period} and n.kind in ${QUOTA_THRESHOLDS.map(quotaKind)})`,
    })
    .from(usage)
    .innerJoin(profiles, eq(profiles.id, usage.userId));
}

/** The tier's monthly tokens with the user's override on top; null is unlimited. */
function monthlyLimit(user: Candidate): number | null {
  return planLimits(user.tier, limitOverrides(user.limits)).monthlyTokens;
}

/** Inserts the rows not yet there; the kinds this call inserted (a concurrent run keeps the others). */
async function claim(db: Db, userId: string, period: string, thresholds: number[]): Promise<string[]> {
  const rows = await db
    .insert(notifications)
    .values(thresholds.map((t) => ({ userId, kind: quotaKind(t), period })))
    .onConflictDoNothing()
    .returning({ kind: notifications.kind });
  return rows.map((r) => r.kind);
}

async function sendWithRetry(env: Partial<ResendEnv>, email: Parameters<typeof sendEmail>[1]) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendEmail(env, email);
    } catch (error) {
      if (!(error instanceof EmailSendError) || error.status !== 429 || attempt >= RATE_LIMIT_RETRIES) throw error;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min((error.retryAfterSeconds ?? 1) * 1000, MAX_RETRY_WAIT_MS)),
      );
    }
  }
}
