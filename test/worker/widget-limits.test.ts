// Issue 23, item 1: limits a site owner sets and abuse cannot pass. The floods (one visitor
// token made 150 conversations in 9.7 s; 100 sessions all passed) are refused with the defaults,
// each refusal with its own code and words a visitor reads; the owner changes a cap and it applies
// at once; a site's daily token budget refuses visitors until the next UTC day; widget replies have
// their own slots, so visitors never lock the owner out of their own chat; restarts keep the counts.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Limiter } from '../../durable-objects/limiter.ts';
import { LimiterStore } from '../../durable-objects/limiter-store.ts';
import type { Site } from '../../durable-objects/site.ts';
import { SiteStore } from '../../durable-objects/site-store.ts';
import { siteObject } from '../../worker/sites/site-objects.ts';
import { userLimiter } from '../../worker/usage/limiters.ts';
import { TIER_LIMITS } from '../../worker/usage/tiers.ts';
import { call, createConversation, sendMessage, signIn, type ErrorEnvelope } from './helpers.ts';
import { collectEvents, readEvents } from './sse.ts';
import {
  HOST,
  createSite,
  requestSession,
  visit,
  visitorConversation,
  visitorSend,
  widgetCall,
  type SiteJson,
} from './widget-support.ts';

async function errorOf(res: Response) {
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    ...(await res.json<ErrorEnvelope>()).error,
  };
}

const newConversation = (visitor: { token: string; origin: string }) =>
  widgetCall(visitor, 'conversations', { method: 'POST' });

/**
 * What a restart leaves an object: only its storage. Its in-memory state is replaced by what a new
 * instance builds from storage (as the Limiter's own restart test does).
 */
async function restartSite(publicKey: string) {
  await runInDurableObject(siteObject(env, publicKey), (instance: Site, state) => {
    (instance as unknown as { store: SiteStore }).store = new SiteStore(state.storage);
  });
}
async function restartLimiter(userId: string) {
  await runInDurableObject(userLimiter(env, userId), (instance: Limiter, state) => {
    (instance as unknown as { store: LimiterStore }).store = new LimiterStore(state.storage);
  });
}

function patchSite(token: string, site: SiteJson, body: Record<string, unknown>) {
  return call(`/api/sites/${site.id}`, { method: 'PATCH', token, body: JSON.stringify(body) });
}

describe('conversations per visitor per hour', () => {
  it("refuses the issue's flood with the defaults: of 150 at once from one visitor token, exactly 20 pass, the rest 429 visitor_conversation_limit", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    expect(site.conversationsPerVisitorPerHour).toBe(20);
    const visitor = await visit(site.publicKey);
    const answers = await Promise.all(Array.from({ length: 150 }, () => newConversation(visitor)));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(20);
    const refused = answers.filter((r) => r.status !== 201);
    expect(new Set(refused.map((r) => r.status))).toEqual(new Set([429]));
    const error = await errorOf(refused[0]!);
    expect(error).toMatchObject({
      code: 'visitor_conversation_limit',
      message:
        'You have started 20 conversations in the last hour, the most this chat allows: please continue one of them, or try again in 1 hour',
    });
    // The oldest of the 20 leaves the hour's window in about an hour.
    expect(Number(error.retryAfter)).toBeGreaterThan(3500);
    expect(Number(error.retryAfter)).toBeLessThanOrEqual(3600);

    // Another visitor of the same site starts theirs.
    expect((await newConversation(await visit(site.publicKey))).status).toBe(201);
  });

  it('applies a cap the owner lowers at once, and one they raise', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const visitor = await visit(site.publicKey);
    for (let i = 0; i < 3; i++) expect((await newConversation(visitor)).status).toBe(201);

    expect((await patchSite(owner.token, site, { conversationsPerVisitorPerHour: 3 })).status).toBe(200);
    expect(await errorOf(await newConversation(visitor))).toMatchObject({
      status: 429,
      code: 'visitor_conversation_limit',
      message: expect.stringContaining('started 3 conversations'),
    });

    expect((await patchSite(owner.token, site, { conversationsPerVisitorPerHour: 4 })).status).toBe(200);
    expect((await newConversation(visitor)).status).toBe(201);
    expect((await newConversation(visitor)).status).toBe(429);
  });

  it("keeps the count across a restart of the site's object", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { conversationsPerVisitorPerHour: 2 });
    const visitor = await visit(site.publicKey);
    for (let i = 0; i < 2; i++) expect((await newConversation(visitor)).status).toBe(201);
    await restartSite(site.publicKey);
    expect((await newConversation(visitor)).status).toBe(429);
  });
});

describe('sessions per minute from one IP address', () => {
  it("refuses the issue's flood with the defaults: of 100 sessions at once from one IP, exactly 10 pass; another IP still passes", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    expect(site.sessionsPerIpPerMinute).toBe(10);
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        requestSession(site.publicKey, HOST, {}, { 'cf-connecting-ip': '203.0.113.7' }),
      ),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(10);
    const refused = answers.filter((r) => r.status !== 200);
    expect(new Set(refused.map((r) => r.status))).toEqual(new Set([429]));
    const error = await errorOf(refused[0]!);
    expect(error).toMatchObject({
      code: 'site_session_rate_limited',
      message: expect.stringMatching(
        /^Too many chat sessions were started from your network just now: please try again in (\d+ seconds|1 minute)$/,
      ),
    });
    expect(Number(error.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(error.retryAfter)).toBeLessThanOrEqual(60);

    expect((await requestSession(site.publicKey, HOST, {}, { 'cf-connecting-ip': '198.51.100.23' })).status).toBe(200);
    expect((await requestSession(site.publicKey, HOST, {}, { 'cf-connecting-ip': '2001:db8::1' })).status).toBe(200);
  });

  it('counts requests without CF-Connecting-IP (local development) as one shared address', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { sessionsPerIpPerMinute: 2 });
    for (let i = 0; i < 2; i++) expect((await requestSession(site.publicKey, HOST)).status).toBe(200);
    expect(await errorOf(await requestSession(site.publicKey, HOST))).toMatchObject({
      status: 429,
      code: 'site_session_rate_limited',
    });
    expect((await requestSession(site.publicKey, HOST, {}, { 'cf-connecting-ip': '203.0.113.8' })).status).toBe(200);
  });

  it('applies a cap the owner lowers at once; counts only sessions a site admits (a wrong origin is refused as before)', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const ip = '203.0.113.9';
    for (let i = 0; i < 3; i++)
      expect((await requestSession(site.publicKey, HOST, {}, { 'cf-connecting-ip': ip })).status).toBe(200);
    for (let i = 0; i < 20; i++)
      expect(
        (await requestSession(site.publicKey, 'https://elsewhere.example', {}, { 'cf-connecting-ip': ip })).status,
      ).toBe(403);
    expect((await patchSite(owner.token, site, { sessionsPerIpPerMinute: 4 })).status).toBe(200);
    expect((await requestSession(site.publicKey, HOST, {}, { 'cf-connecting-ip': ip })).status).toBe(200);
    expect((await requestSession(site.publicKey, HOST, {}, { 'cf-connecting-ip': ip })).status).toBe(429);
    expect((await patchSite(owner.token, site, { sessionsPerIpPerMinute: 3 })).status).toBe(200);
    expect((await requestSession(site.publicKey, HOST, {}, { 'cf-connecting-ip': '198.51.100.9' })).status).toBe(200);
    expect((await requestSession(site.publicKey, HOST, {}, { 'cf-connecting-ip': ip })).status).toBe(429);
  });

  it("keeps the count across a restart of the site's object", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { sessionsPerIpPerMinute: 1 });
    expect((await requestSession(site.publicKey, HOST, {}, { 'cf-connecting-ip': '203.0.113.10' })).status).toBe(200);
    await restartSite(site.publicKey);
    expect((await requestSession(site.publicKey, HOST, {}, { 'cf-connecting-ip': '203.0.113.10' })).status).toBe(429);
  });
});

describe("a site's daily token budget", () => {
  /** A UTC day ago: what the owner's Limiter holds for the site is made a day old, as the clock moving past midnight would. */
  async function yesterday(userId: string, siteId: string) {
    const previous = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await runInDurableObject(userLimiter(env, userId), (instance: Limiter, state) => {
      const { store } = instance as unknown as { store: LimiterStore };
      const held = store.siteDays.get(siteId)!;
      store.siteDays.set(siteId, { ...held, day: previous });
      state.storage.sql.exec('update site_days set day = ? where site_id = ?', previous, siteId);
    });
  }

  it('refuses visitors once spent (429 site_daily_budget_spent until midnight UTC), leaves the owner chatting, survives a restart, and passes again the next UTC day', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { dailyTokenBudget: 1_000 });
    const visitor = await visit(site.publicKey);
    const id = await visitorConversation(visitor);
    const events = await collectEvents((await visitorSend(visitor, id, '[[fake tokens=800]] a long answer')).body!);
    expect(events.at(-1)!.event).toBe('done');

    const spent = await errorOf(await visitorSend(visitor, id, '[[fake tokens=5]] more?'));
    expect(spent).toMatchObject({
      status: 429,
      code: 'site_daily_budget_spent',
      message: 'This chat has answered all it can for today: please come back tomorrow',
    });
    const midnight = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`) + 86_400_000;
    expect(Number(spent.retryAfter)).toBeCloseTo((midnight - Date.now()) / 1000, -1);
    // Every visitor of the site: the budget is the site's.
    const other = await visit(site.publicKey);
    expect(
      await errorOf(await visitorSend(other, await visitorConversation(other), '[[fake tokens=5]] me?')),
    ).toMatchObject({ status: 429, code: 'site_daily_budget_spent' });

    // The owner's own chat is not the site's budget.
    const mine = await createConversation(owner.token);
    expect(
      (await collectEvents((await sendMessage(owner.token, mine, '[[fake tokens=5]] hi')).body!)).at(-1)!.event,
    ).toBe('done');

    await restartLimiter(owner.userId);
    expect(await errorOf(await visitorSend(visitor, id, '[[fake tokens=5]] still?'))).toMatchObject({
      status: 429,
      code: 'site_daily_budget_spent',
    });

    await yesterday(owner.userId, site.id);
    // (A new conversation: this one's history alone is now most of a 1,000-token day.)
    const next = await visitorSend(visitor, await visitorConversation(visitor), '[[fake tokens=5]] a new day');
    expect(next.status).toBe(200);
    expect((await collectEvents(next.body!)).at(-1)!.event).toBe('done');
  });

  it('an owner who raises the budget lets visitors on at once', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { dailyTokenBudget: 1_000 });
    const visitor = await visit(site.publicKey);
    const id = await visitorConversation(visitor);
    await collectEvents((await visitorSend(visitor, id, '[[fake tokens=900]] spend it')).body!);
    expect((await visitorSend(visitor, id, '[[fake tokens=5]] more?')).status).toBe(429);
    expect((await patchSite(owner.token, site, { dailyTokenBudget: 5_000 })).status).toBe(200);
    expect((await collectEvents((await visitorSend(visitor, id, '[[fake tokens=5]] more?')).body!)).at(-1)!.event).toBe(
      'done',
    );
  });

  it('never lets replies at once overrun it: concurrent visitors share what is left, the rest are told to wait', async () => {
    const owner = await signIn();
    // Room for one reply of the smallest size (a prompt and 256 tokens), not two.
    const site = await createSite(owner.token, { dailyTokenBudget: 1_000, conversationsPerVisitorPerHour: 5 });
    const visitors = await Promise.all([visit(site.publicKey), visit(site.publicKey)]);
    const firstId = await visitorConversation(visitors[0]!);
    const first = await visitorSend(visitors[0]!, firstId, '[[fake tokens=2000 tps=40]] a');
    expect(first.status).toBe(200);
    const reader = readEvents(first.body!);
    await reader.next();
    const second = await errorOf(
      await visitorSend(visitors[1]!, await visitorConversation(visitors[1]!), '[[fake tokens=5]] b'),
    );
    expect(second).toMatchObject({ status: 429, code: 'widget_busy', retryAfter: '5' });
    await widgetCall(visitors[0]!, `conversations/${firstId}/stop`, { method: 'POST' });
    await reader.return?.(undefined);
  });
});

describe("the widget's own reply slots", () => {
  it("two visitors streaming (free: 2 widget replies at once) leave the owner's chat streaming; a third visitor gets 429 widget_busy", async () => {
    expect(TIER_LIMITS.free.widgetConcurrentStreams).toBe(2);
    const owner = await signIn();
    const site = await createSite(owner.token);
    const held: Array<{ visitor: Awaited<ReturnType<typeof visit>>; id: string }> = [];
    const readers = [];
    for (let i = 0; i < 2; i++) {
      const visitor = await visit(site.publicKey);
      const id = await visitorConversation(visitor);
      const res = await visitorSend(visitor, id, `[[fake tokens=3000 tps=50]] hold ${i}`);
      expect(res.status).toBe(200);
      const reader = readEvents(res.body!);
      expect((await reader.next()).value?.event).toBe('message.start');
      held.push({ visitor, id });
      readers.push(reader);
    }

    const third = await visit(site.publicKey);
    const busy = await errorOf(await visitorSend(third, await visitorConversation(third), '[[fake tokens=5]] me too'));
    expect(busy).toMatchObject({
      status: 429,
      code: 'widget_busy',
      message: 'This chat is busy answering other visitors: please try again in a moment',
      retryAfter: '5',
    });

    // The owner's app send streams to the end, twice at once (their own plan's 2 slots).
    const mine = await Promise.all([createConversation(owner.token), createConversation(owner.token)]);
    const replies = await Promise.all(mine.map((id) => sendMessage(owner.token, id, '[[fake tokens=5]] mine')));
    expect(replies.map((r) => r.status)).toEqual([200, 200]);
    for (const reply of replies) expect((await collectEvents(reply.body!)).at(-1)!.event).toBe('done');

    // A visitor's slot comes back when their reply ends.
    for (const { visitor, id } of held)
      expect((await widgetCall(visitor, `conversations/${id}/stop`, { method: 'POST' })).status).toBe(200);
    for (const reader of readers) await reader.return?.(undefined);
    const again = await visitorSend(third, await visitorConversation(third), '[[fake tokens=5]] now?');
    expect(again.status).toBe(200);
    expect((await collectEvents(again.body!)).at(-1)!.event).toBe('done');
  });
});

describe("a site's limits through PATCH /api/sites/:id", () => {
  it('are validated in their ranges, each named when wrong', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    for (const [field, value] of [
      ['sessionsPerIpPerMinute', 0],
      ['sessionsPerIpPerMinute', 1001],
      ['conversationsPerVisitorPerHour', 0],
      ['conversationsPerVisitorPerHour', 2.5],
      ['dailyTokenBudget', 999],
      ['dailyTokenBudget', 1_000_000_001],
      ['dailyTokenBudget', '5000'],
    ] as const) {
      const res = await patchSite(owner.token, site, { [field]: value });
      expect([field, value, res.status]).toEqual([field, value, 400]);
      expect((await res.json<ErrorEnvelope>()).error.message).toContain(field);
    }
    const res = await patchSite(owner.token, site, {
      sessionsPerIpPerMinute: 1000,
      conversationsPerVisitorPerHour: 1,
      dailyTokenBudget: 1_000_000_000,
    });
    expect(await res.json()).toMatchObject({
      sessionsPerIpPerMinute: 1000,
      conversationsPerVisitorPerHour: 1,
      dailyTokenBudget: 1_000_000_000,
    });
  });
});
