// Issue 7: quotas and rate limits on the send path, through the Worker, the ConversationRoom and
// the owner's Limiter.
import { env } from 'cloudflare:workers';
import { and, eq, gte, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { profiles, usageEvents } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { quotaPeriod, TIER_LIMITS } from '../../worker/usage/tiers.ts';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import {
  call,
  complete,
  createConversation,
  eventually,
  type OpenAiErrorBody,
  sendMessage,
  signIn,
  type ErrorEnvelope,
  userWithKey,
} from './helpers.ts';
import { collectEvents } from './sse.ts';

const FREE_QUOTA = TIER_LIMITS.free.monthlyTokens!;

/** A signed-in free user with `used` tokens already recorded this month (before their Limiter is first asked). */
async function userWithUsage(used: number) {
  const user = await signIn();
  const db = createDb(env);
  await db.insert(profiles).values({ id: user.userId }).onConflictDoNothing();
  await db.insert(usageEvents).values({
    id: crypto.randomUUID(),
    userId: user.userId,
    subjectType: 'user',
    subjectId: user.userId,
    model: 'anthropic/claude-sonnet-5-5',
    provider: 'anthropic',
    inputTokens: used,
    outputTokens: 0,
    costUsd: '0',
    occurredAt: new Date(),
  });
  return user;
}

/** Rate limits out of the way (a contract's overrides, before the Limiter first seeds), so every refusal is the quota's. */
async function withoutRateLimits(userId: string) {
  await createDb(env)
    .update(profiles)
    .set({ limits: { concurrentStreams: 200, requestsPerMinute: 600 } })
    .where(eq(profiles.id, userId));
}

/** Once every admitted reply's usage event has landed (beside the one seeded), the tokens recorded are within the quota. */
async function expectWithinQuota(userId: string, replies: number) {
  const recorded = await eventually(
    () => tokensRecorded(userId),
    (r) => r.events === 1 + replies,
    10_000,
  );
  expect(recorded.events).toBe(1 + replies);
  expect(recorded.used).toBeLessThanOrEqual(FREE_QUOTA);
}

async function tokensRecorded(userId: string) {
  const [row] = await createDb(env)
    .select({
      used: sql<string>`coalesce(sum(${usageEvents.inputTokens} + ${usageEvents.outputTokens}), 0)`,
      events: sql<string>`count(*)`,
    })
    .from(usageEvents)
    .where(and(eq(usageEvents.userId, userId), gte(usageEvents.occurredAt, quotaPeriod(new Date()).start)));
  return { used: Number(row!.used), events: Number(row!.events) };
}

describe('the send path under a quota', () => {
  it('100 concurrent sends for a user with room for a few: never more tokens than the quota, every refusal a 402 or 429', async () => {
    const { token, userId } = await userWithUsage(FREE_QUOTA - 3_000);
    const ids = await Promise.all(Array.from({ length: 100 }, () => createConversation(token)));
    const responses = await Promise.all(
      ids.map((id, i) => sendMessage(token, id, `[[fake tokens=400 tps=0]] message ${i}`)),
    );

    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => ![200, 402, 429].includes(s))).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    for (const res of responses.filter((r) => r.status !== 200)) {
      const { error } = await res.json<ErrorEnvelope>();
      expect(
        res.status === 402
          ? error.code === 'quota_exceeded'
          : ['rate_limited', 'quota_in_use'].includes(error.code) && Number(res.headers.get('retry-after')) >= 1,
      ).toBe(true);
    }
    const replies = await Promise.all(responses.filter((r) => r.status === 200).map((r) => collectEvents(r.body!)));
    expect(replies.every((events) => events.at(-1)?.event === 'done')).toBe(true);

    await expectWithinQuota(userId, replies.length);
  });

  it('cuts a reply off when it reaches the quota: kept as stopped, stop reason quota', async () => {
    const { token, userId } = await userWithUsage(FREE_QUOTA - 320);
    const id = await createConversation(token);
    const events = await collectEvents(
      (await sendMessage(token, id, '[[fake tokens=1000 tps=0]] a long answer please')).body!,
    );
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { stopReason: 'quota' } });
    const usage = events.find((e) => e.event === 'usage')!.data;
    expect(usage.inputTokens + usage.outputTokens).toBeLessThanOrEqual(320);
    const reply = (
      await (
        await call(`/api/conversations/${id}`, { token })
      ).json<{ messages: { status: string; stopReason: string; content: string }[] }>()
    ).messages[1]!;
    expect(reply).toMatchObject({ status: 'stopped', stopReason: 'quota' });
    expect(reply.content.length).toBeLessThan(expectedReplyText('anthropic', 1000).length);
    const next = await sendMessage(token, id, 'and more?');
    expect({ status: next.status, ...(await next.json<ErrorEnvelope>()).error }).toMatchObject({
      status: 402,
      code: 'quota_exceeded',
    });
    await eventually(
      () => tokensRecorded(userId),
      (r) => r.events === 2,
      10_000,
    );
    expect((await tokensRecorded(userId)).used).toBeLessThanOrEqual(FREE_QUOTA);
  });

  it('GET /api/me shows the plan, and the tokens used rising as soon as a reply has ended', async () => {
    const { token } = await userWithUsage(1_000);
    const before = await (await call('/api/me', { token })).json<any>();
    expect(before).toMatchObject({
      tier: 'free',
      plan: { requestsPerMinute: 20, concurrentStreams: 2 },
      quota: { limit: FREE_QUOTA, used: 1_000, reserved: 0 },
    });
    const id = await createConversation(token);
    const events = await collectEvents((await sendMessage(token, id, '[[fake tokens=30 tps=0]] count me')).body!);
    const usage = events.find((e) => e.event === 'usage')!.data;
    const after = await eventually(
      async () => (await call('/api/me', { token })).json<any>(),
      (me) => me.quota.used > 1_000,
    );
    expect(after.quota).toMatchObject({ used: 1_000 + usage.inputTokens + usage.outputTokens, reserved: 0 });
  });

  it('refuses a model the plan does not include with 403, before anything is stored', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    const res = await sendMessage(token, id, 'hello', 'anthropic/claude-opus-4-7');
    expect({ status: res.status, ...(await res.json<ErrorEnvelope>()).error }).toMatchObject({
      status: 403,
      code: 'model_not_in_plan',
    });
    expect(
      (await (await call(`/api/conversations/${id}`, { token })).json<{ messages: unknown[] }>()).messages,
    ).toEqual([]);
  });
});

describe('refusals that tell the truth (issue 18)', () => {
  it('100 parallel sends with 52,751 tokens left: those refused are told to retry shortly and how much is left, never "used up"', async () => {
    const { token, userId } = await userWithUsage(FREE_QUOTA - 52_751);
    await withoutRateLimits(userId);
    const ids = await Promise.all(Array.from({ length: 100 }, () => createConversation(token)));
    const responses = await Promise.all(ids.map((id, i) => sendMessage(token, id, `[[fake tokens=50 tps=0]] hi ${i}`)));
    const refused = responses.filter((r) => r.status !== 200);
    expect(responses.length - refused.length).toBeGreaterThan(0);
    const kinds = new Set<string>();
    for (const res of refused) {
      const { error } = await res.json<ErrorEnvelope>();
      kinds.add(`${res.status} ${error.code}`);
      expect(error.message).not.toMatch(/used up/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      if (error.code === 'quota_in_use') expect(error.message).toMatch(/52,751 tokens left this month/);
    }
    expect([...kinds]).toEqual(['429 quota_in_use']);
    await Promise.all(responses.filter((r) => r.status === 200).map((r) => r.text()));
  });

  it('says "used up" when nothing is left, and how little is left when it is too little for a reply (402)', async () => {
    const spent = await userWithUsage(FREE_QUOTA);
    const none = await sendMessage(spent.token, await createConversation(spent.token), 'hello');
    expect(none.status).toBe(402);
    expect((await none.json<ErrorEnvelope>()).error).toMatchObject({
      code: 'quota_exceeded',
      message: expect.stringMatching(/200,000 tokens are used up/),
    });
    const almost = await userWithUsage(FREE_QUOTA - 100);
    const little = await sendMessage(almost.token, await createConversation(almost.token), 'hello');
    expect(little.status).toBe(402);
    expect((await little.json<ErrorEnvelope>()).error).toMatchObject({
      code: 'quota_exceeded',
      message: expect.stringMatching(/^Only 100 tokens are left this month/),
    });
  });

  it('answers a message longer than the model can read 400 context_length_exceeded, reserving and storing nothing', async () => {
    const { token } = await userWithUsage(0);
    const id = await createConversation(token);
    // 40,000 CJK characters: about 60,000 tokens, past llama-test's 32,768-token window.
    const res = await sendMessage(token, id, '字'.repeat(40_000), 'openai-compat/llama-test');
    expect(res.status).toBe(400);
    expect((await res.json<ErrorEnvelope>()).error.code).toBe('context_length_exceeded');
    const me = await (await call('/api/me', { token })).json<{ quota: { used: number; reserved: number } }>();
    expect(me.quota).toMatchObject({ used: 0, reserved: 0 });
    const { messages } = await (await call(`/api/conversations/${id}`, { token })).json<{ messages: unknown[] }>();
    expect(messages).toEqual([]);
  });

  it("answers /v1 with a prompt over the model's context window 400 context_length_exceeded, as OpenAI does, not insufficient_quota", async () => {
    const { key, token } = await userWithKey();
    const res = await complete(key, {
      model: 'openai-compat/llama-test',
      messages: [{ role: 'user', content: 'word '.repeat(40_000) }],
    });
    expect(res.status).toBe(400);
    const body = await res.json<OpenAiErrorBody>();
    expect(body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      param: 'messages',
    });
    expect(res.headers.get('x-should-retry')).toBeNull();
    const me = await (await call('/api/me', { token })).json<{ quota: { used: number; reserved: number } }>();
    expect(me.quota).toMatchObject({ used: 0, reserved: 0 });
  });
});

describe('vendor-counted tokens never overshoot the quota (issue 18)', () => {
  it('100 concurrent CJK sends near the quota, counted by the vendor a token a character, record no more than the quota', async () => {
    const { token, userId } = await userWithUsage(FREE_QUOTA - 6_000);
    await withoutRateLimits(userId);
    const ids = await Promise.all(Array.from({ length: 100 }, () => createConversation(token)));
    // ~600 characters each: 150 tokens by the rough guide, 600 as the vendor counts them; each
    // reply would write far past what is left, so it runs to the cap its reservation gave it.
    const prompt = (i: number) => `[[fake cjk=1 tokens=8000 tps=0]] ${'你好世界，'.repeat(120)} ${i}`;
    const responses = await Promise.all(ids.map((id, i) => sendMessage(token, id, prompt(i))));
    const admitted = responses.filter((r) => r.status === 200);
    expect(admitted.length).toBeGreaterThan(0);
    const replies = await Promise.all(admitted.map((r) => collectEvents(r.body!)));
    const vendorInput = replies.map((events) => events.find((e) => e.event === 'usage')?.data.inputTokens ?? 0);
    // The vendor did count more than four characters a token: the case the estimate must cover.
    expect(Math.min(...vendorInput)).toBeGreaterThan(600);
    await Promise.all(responses.filter((r) => r.status !== 200).map((r) => r.text()));
    await expectWithinQuota(userId, replies.length);
  });
});
