// The daily quota warning emails (cron "0 8 * * *") end to end inside workerd: the Worker's
// scheduled handler, Postgres through the gateway, and the fake Resend (scripts/fake-resend.ts),
// which records what it was sent. Other suites share the fake and the database, so every check
// looks only at this test's own users and recipients.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notifications, profiles, usageEvents, type Tier } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { periodKey } from '../../worker/jobs/quota-warnings.ts';
import { quotaPeriod } from '../../worker/usage/tiers.ts';
import worker from '../../worker/index.ts';
import type { RecordedEmail } from '../../scripts/fake-resend.ts';

const DAILY = '0 8 * * *';
const FREE_LIMIT = 200_000;
const db = createDb(env);
const period = () => periodKey(quotaPeriod(new Date()).start);

/** Runs the daily cron through the Worker's scheduled handler; the error it threw, if any. */
async function runDaily(cronEnv: Env = env): Promise<unknown> {
  try {
    await worker.scheduled(createScheduledController({ cron: DAILY, scheduledTime: new Date() }), cronEnv);
    return undefined;
  } catch (error) {
    return error;
  }
}

async function user(options: {
  tier?: Tier;
  used: number;
  limits?: Record<string, number | null>;
  email?: string | null;
}) {
  const id = crypto.randomUUID();
  const email = options.email === undefined ? `quota-${id}@example.com` : options.email;
  await db.insert(profiles).values({ id, email, tier: options.tier ?? 'free', limits: options.limits ?? null });
  await addUsage(id, options.used);
  return { id, email };
}

async function addUsage(userId: string, tokens: number) {
  const id = crypto.randomUUID();
  await db.insert(usageEvents).values({
    id,
    userId,
    subjectType: 'user',
    subjectId: userId,
    model: 'anthropic/claude-haiku-4-5',
    provider: 'anthropic',
    inputTokens: Math.floor(tokens / 2),
    outputTokens: tokens - Math.floor(tokens / 2),
    occurredAt: new Date(),
  });
}

async function emailsTo(address: string | null): Promise<RecordedEmail[]> {
  const res = await fetch(`${env.RESEND_BASE_URL}/__control/emails?to=${encodeURIComponent(address ?? '')}`);
  expect(res.status).toBe(200);
  return res.json();
}

async function notified(userId: string) {
  const rows = await db
    .select({ kind: notifications.kind })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.period, period())));
  return rows.map((r) => r.kind).sort();
}

describe('daily quota warning emails', () => {
  it('sends one 80% email at 85%, nothing on a rerun, and only the 100% email once usage passes the limit', async () => {
    const alice = await user({ used: 170_000 }); // 85% of the free tier

    await runDaily();
    const first = await emailsTo(alice.email);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      to: [alice.email],
      from: env.EMAIL_FROM,
      subject: 'You have used 80% of your Parley tokens for this month',
    });
    expect(first[0]!.text).toContain('Used this month: 170,000 tokens (85%)');
    expect(first[0]!.text).toContain('Monthly limit: 200,000 tokens');
    expect(first[0]!.text).toMatch(/Resets: \w+ 1, \d{4} at 00:00 UTC/);
    expect(first[0]!.text).toContain('upgrade to Pro');
    expect(first[0]!.html).toContain('<p>Used this month: 170,000 tokens (85%)</p>');
    expect(await notified(alice.id)).toEqual(['quota_80']);

    await runDaily();
    expect(await emailsTo(alice.email)).toHaveLength(1);

    await addUsage(alice.id, 32_000); // 202,000: 101%, past 90% and 100% since the last run
    await runDaily();
    const after = await emailsTo(alice.email);
    expect(after.map((e) => e.subject)).toEqual([
      'You have used 80% of your Parley tokens for this month',
      'You have used all of your Parley tokens for this month',
    ]);
    expect(after[1]!.text).toContain('Used this month: 202,000 tokens (101%)');
    // 90% is recorded as covered by the 100% email, so it is never sent later.
    expect(await notified(alice.id)).toEqual(['quota_100', 'quota_80', 'quota_90']);
    await runDaily();
    expect(await emailsTo(alice.email)).toHaveLength(2);
  });

  it('warns nobody at 50%, nor an enterprise (unlimited) user, nor a user whose override is unlimited', async () => {
    const half = await user({ used: FREE_LIMIT / 2 });
    const enterprise = await user({ tier: 'enterprise', used: 50_000_000 });
    const unlimited = await user({ used: 3 * FREE_LIMIT, limits: { monthlyTokens: null } });
    const control = await user({ used: FREE_LIMIT }); // proves the run happened

    await runDaily();

    expect(await emailsTo(control.email)).toHaveLength(1);
    for (const quiet of [half, enterprise, unlimited]) {
      expect(await emailsTo(quiet.email)).toEqual([]);
      expect(await notified(quiet.id)).toEqual([]);
    }
  });

  it("measures against the user's own monthly limit when profiles.limits overrides the tier's", async () => {
    const custom = await user({ tier: 'pro', used: 9_500, limits: { monthlyTokens: 10_000 } }); // 95% of 10,000; 0.1% of pro

    await runDaily();

    const sent = await emailsTo(custom.email);
    expect(sent.map((e) => e.subject)).toEqual(['You have used 90% of your Parley tokens for this month']);
    expect(sent[0]!.text).toContain('Monthly limit: 10,000 tokens');
    expect(await notified(custom.id)).toEqual(['quota_80', 'quota_90']);
  });

  it('gives the claim back when Resend cannot be reached, so the next healthy run sends the email', async () => {
    const bob = await user({ used: 190_000 }); // 95%
    const broken = { ...env, RESEND_BASE_URL: 'http://127.0.0.1:9' }; // nothing listens on port 9

    const failure = await runDaily(broken);

    expect(String(failure)).toContain('failed');
    expect(await notified(bob.id)).toEqual([]);
    expect(await emailsTo(bob.email)).toEqual([]);

    await runDaily();
    expect((await emailsTo(bob.email)).map((e) => e.subject)).toEqual([
      'You have used 90% of your Parley tokens for this month',
    ]);
    expect(await notified(bob.id)).toEqual(['quota_80', 'quota_90']);
  });

  it('sends and claims nothing when RESEND_API_KEY is not set', async () => {
    const carol = await user({ used: FREE_LIMIT });

    expect(await runDaily({ ...env, RESEND_API_KEY: '' })).toBeUndefined();

    expect(await notified(carol.id)).toEqual([]);
    expect(await emailsTo(carol.email)).toEqual([]);
  });

  it('skips a user without an email address and claims nothing for them', async () => {
    const nameless = await user({ used: FREE_LIMIT, email: null });
    const control = await user({ used: FREE_LIMIT });

    await runDaily();

    expect(await emailsTo(control.email)).toHaveLength(1);
    expect(await notified(nameless.id)).toEqual([]);
  });
});
