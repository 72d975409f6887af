// Issue 7: the Limiter holds quotas exactly under concurrency, rate-limits per subject, and keeps
// its state across restarts, seeded from Postgres once per period.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { profiles, usageEvents, type Tier } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { TIER_LIMITS } from '../../worker/usage/tiers.ts';
import type { Limiter } from '../../durable-objects/limiter.ts';
import { probeLimiter } from '../../worker/bench/limiter-probe.ts';
import { LimiterStore } from '../../durable-objects/limiter-store.ts';
import { userLimiter } from '../../worker/usage/limiters.ts';
import { call } from './helpers.ts';

const FREE_QUOTA = TIER_LIMITS.free.monthlyTokens!;

/** A user with `used` tokens already recorded in Postgres this month, and their Limiter. */
async function userWithUsage(used: number, tier: Tier = 'free') {
  const userId = crypto.randomUUID();
  const db = createDb(env);
  await db.insert(profiles).values({ id: userId, tier });
  if (used > 0) {
    await db.insert(usageEvents).values({
      id: crypto.randomUUID(),
      userId,
      subjectType: 'user',
      subjectId: userId,
      model: 'anthropic/claude-sonnet-5-5',
      provider: 'anthropic',
      inputTokens: used,
      outputTokens: 0,
      costUsd: '0',
      occurredAt: new Date(),
    });
  }
  return { userId, limiter: userLimiter(env, userId) };
}

const reserve = (
  limiter: DurableObjectStub<Limiter>,
  userId: string,
  options: { promptTokens?: number; maxOutputTokens?: number; rateLimit?: boolean } = {},
) =>
  limiter.reserve({
    userId,
    reservationId: crypto.randomUUID(),
    promptTokens: options.promptTokens ?? 100,
    maxOutputTokens: options.maxOutputTokens ?? 4000,
    rateLimit: options.rateLimit ?? false,
  });

describe('quota by reservation', () => {
  it('100 concurrent reservations for a user with room for a few never reserve more than is left; the rest are told to retry (429 quota_in_use)', async () => {
    const left = 9_000;
    const { userId, limiter } = await userWithUsage(FREE_QUOTA - left);
    const decisions = await Promise.all(
      Array.from({ length: 100 }, () => reserve(limiter, userId, { promptTokens: 100, maxOutputTokens: 2_000 })),
    );
    const admitted = decisions.filter((d) => d.ok);
    const refused = decisions.filter((d) => !d.ok);
    // 9,000 left: four replies of 2,100, then one of the remaining 600 (500 output tokens, cut off at the quota), then nothing.
    expect(admitted.map((d) => d.ok && d.outputTokens)).toEqual([2000, 2000, 2000, 2000, 500]);
    expect(admitted.at(-1)).toMatchObject({ boundedByQuota: true });
    // What is left is held by replies in progress, not used: issue 18's refusal that tells the truth.
    expect(
      refused.every((d) => !d.ok && d.status === 429 && d.code === 'quota_in_use' && d.retryAfterSeconds! >= 1),
    ).toBe(true);
    const quota = await limiter.quota(userId);
    expect(quota).toMatchObject({ limit: FREE_QUOTA, used: FREE_QUOTA - left, reserved: left });
  });

  it('settling counts what was used once and releases the rest of the reservation', async () => {
    const { userId, limiter } = await userWithUsage(1_000);
    const reservationId = crypto.randomUUID();
    expect(
      await limiter.reserve({ userId, reservationId, promptTokens: 50, maxOutputTokens: 4_000, rateLimit: false }),
    ).toMatchObject({ ok: true, outputTokens: 4_000 });
    expect(await limiter.quota(userId)).toMatchObject({ used: 1_000, reserved: 4_050 });
    await limiter.settle(userId, reservationId, 300);
    await limiter.settle(userId, reservationId, 300);
    expect(await limiter.quota(userId)).toMatchObject({ used: 1_300, reserved: 0 });
  });

  it('refuses with 402 once the quota is used up, and says when it resets', async () => {
    const { userId, limiter } = await userWithUsage(FREE_QUOTA - 100);
    const decision = await reserve(limiter, userId, { promptTokens: 50 });
    expect(decision).toMatchObject({
      ok: false,
      status: 402,
      code: 'quota_exceeded',
      message: expect.stringMatching(/resets at \d{4}-\d\d-01T00:00:00.000Z/),
    });
  });

  it('never limits an unlimited tier', async () => {
    const { userId, limiter } = await userWithUsage(50_000_000, 'enterprise');
    expect(await reserve(limiter, userId, { maxOutputTokens: 32_000 })).toMatchObject({
      ok: true,
      outputTokens: 32_000,
      boundedByQuota: false,
    });
  });

  it('a tier change takes effect at once', async () => {
    const { userId, limiter } = await userWithUsage(FREE_QUOTA);
    expect(await reserve(limiter, userId)).toMatchObject({ ok: false, status: 402 });
    await limiter.setTier(userId, 'pro');
    expect(await reserve(limiter, userId)).toMatchObject({ ok: true });
  });
});

describe('rate limits', () => {
  it("allows the plan's concurrent streams and refuses the rest with 429 and a Retry-After", async () => {
    const { userId, limiter } = await userWithUsage(0);
    const decisions = await Promise.all(
      Array.from({ length: 100 }, () => reserve(limiter, userId, { rateLimit: true, maxOutputTokens: 500 })),
    );
    expect(decisions.filter((d) => d.ok)).toHaveLength(TIER_LIMITS.free.concurrentStreams);
    for (const d of decisions.filter((d) => !d.ok))
      expect(d).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: expect.any(Number) });
  });

  it('refuses more requests a minute than the plan allows, even when each finishes at once', async () => {
    const { userId, limiter } = await userWithUsage(0);
    const outcomes: string[] = [];
    for (let i = 0; i < TIER_LIMITS.free.requestsPerMinute + 5; i++) {
      const reservationId = crypto.randomUUID();
      const d = await limiter.reserve({
        userId,
        reservationId,
        promptTokens: 10,
        maxOutputTokens: 100,
        rateLimit: true,
      });
      outcomes.push(d.ok ? 'ok' : `${d.status}`);
      if (d.ok) await limiter.settle(userId, reservationId, 20);
    }
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(TIER_LIMITS.free.requestsPerMinute);
    expect(outcomes.slice(TIER_LIMITS.free.requestsPerMinute)).toEqual(['429', '429', '429', '429', '429']);
  });
});

describe("the Limiter's state", () => {
  it('survives a restart: a new instance reads the same account, bucket and reservations from storage', async () => {
    const { userId, limiter } = await userWithUsage(2_000);
    await reserve(limiter, userId, { rateLimit: true, promptTokens: 100, maxOutputTokens: 1_000 });
    const reloaded = await runInDurableObject(limiter, (instance: Limiter, state) => {
      // Changes are written a turn after the decision; a restart sees what was written.
      (instance as unknown as { store: LimiterStore }).store.write();
      const store = new LimiterStore(state.storage);
      return {
        account: store.account,
        open: [...store.open.values()].map((r) => r.tokens),
        bucket: store.buckets.get('user'),
      };
    });
    expect(reloaded.account).toMatchObject({ tier: 'free', used: 2_000, seeded: true });
    expect(reloaded.open).toEqual([1_100]);
    expect(reloaded.bucket!.tokens).toBeCloseTo(TIER_LIMITS.free.requestsPerMinute - 1, 0);
  });

  it('lets a reservation that never settled expire, so it stops holding quota', async () => {
    const { userId, limiter } = await userWithUsage(FREE_QUOTA - 2_000);
    expect(await reserve(limiter, userId, { promptTokens: 100, maxOutputTokens: 1_900 })).toMatchObject({ ok: true });
    expect(await reserve(limiter, userId, { promptTokens: 100, maxOutputTokens: 1_900 })).toMatchObject({
      ok: false,
      status: 429,
      code: 'quota_in_use',
    });
    await runInDurableObject(limiter, (instance: Limiter) => {
      const store = (instance as unknown as { store: LimiterStore }).store;
      for (const reservation of store.open.values()) reservation.expiresAt = Date.now() - 1;
    });
    expect(await reserve(limiter, userId, { promptTokens: 100, maxOutputTokens: 1_900 })).toMatchObject({ ok: true });
  });

  it('reads Postgres once per period: usage recorded later is not read again', async () => {
    const { userId, limiter } = await userWithUsage(1_000);
    expect(await limiter.quota(userId)).toMatchObject({ used: 1_000 });
    await createDb(env).update(profiles).set({ tier: 'pro' }).where(eq(profiles.id, userId));
    expect(await limiter.quota(userId)).toMatchObject({ tier: 'free', used: 1_000 });
  });
});

describe('the bench probes (issue 19: not in the production Worker)', () => {
  it('time reserve-and-settle pairs inside the Worker, per subject and all at once', async () => {
    const probe = await probeLimiter(env, 3, 4);
    expect(probe.latencyMs).toHaveLength(3);
    expect(probe.latencyMs.every((ms) => ms >= 0)).toBe(true);
    expect(probe.parallelDecisionsPerSecond).toBeGreaterThan(0);
  });

  it('are not routes of the production Worker, even in dev mode on a loopback host (404)', async () => {
    for (const path of ['/api/dev/limiter-probe', '/api/dev/db-probe']) {
      const res = await call(path, { method: 'POST', body: JSON.stringify({ subjects: 1, rounds: 1 }) });
      expect([path, res.status]).toEqual([path, 404]);
    }
  });
});
