// Issue 23 items 6 and 7: a site's owner view (its visitors' conversations, searchable; the
// questions asked most; tokens and cost per day; refusals by reason) and privacy (a site's
// retention, and one visitor's data deleted on request), through the Worker's real routes.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { conversations, messages, siteRefusalsDaily, usageEvents } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { asUser } from '../../worker/db/as-user.ts';
import { conversationRoom } from '../../worker/chat/rooms.ts';
import { eraseExpiredVisitorConversations } from '../../worker/sites/visitor-data.ts';
import { call, createConversation, eventually, sendMessage, signIn, type ErrorEnvelope } from './helpers.ts';
import { collectEvents } from './sse.ts';
import { createSite, requestSession, visit, visitorConversation, visitorSend, widgetCall } from './widget-support.ts';

const db = createDb(env);

type Insights = {
  from: string;
  to: string;
  topQuestions: Array<{ question: string; count: number }>;
  usage: Array<{ day: string; requests: number; inputTokens: number; outputTokens: number; costUsd: string }>;
  refusals: Array<{ day: string; reason: string; count: number }>;
};
type SiteConversations = {
  items: Array<{
    id: string;
    title: string | null;
    visitorId: string | null;
    activeAt: string;
    match: { id: string; snippet: { text: string } } | null;
  }>;
  hasMore: boolean;
};

const insights = async (token: string, siteId: string) =>
  (await call(`/api/sites/${siteId}/insights`, { token })).json<Insights>();
const siteConversations = async (token: string, siteId: string, q?: string) =>
  (
    await call(`/api/sites/${siteId}/conversations${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}`, { token })
  ).json<SiteConversations>();

/** A visitor's conversation with one exchange per message, written behind to Postgres before this returns. */
async function visitorChat(visitor: Awaited<ReturnType<typeof visit>>, ...contents: string[]) {
  const id = await visitorConversation(visitor);
  for (const content of contents) {
    const events = await collectEvents((await visitorSend(visitor, id, content)).body!);
    expect(events.at(-1)!.event).toBe('done');
  }
  await landed(id, contents.length * 2);
  return id;
}

/** Waits until Postgres holds `count` finished messages of the conversation. */
async function landed(id: string, count: number) {
  const rows = await eventually(
    () =>
      db
        .select({ status: messages.status })
        .from(messages)
        .where(and(eq(messages.conversationId, id), eq(messages.status, 'complete'))),
    (found) => found.length >= count,
    10_000,
  );
  expect(rows.length).toBe(count);
}

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

describe("a site's owner view", () => {
  it("counts the site's visitors' most frequent first questions, normalised, and no other site's", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const other = await createSite(owner.token, { name: 'Other' });
    await visitorChat(await visit(site.publicKey), 'How much is shipping?', 'And to Canada?');
    await visitorChat(await visit(site.publicKey), '  how much is   SHIPPING ');
    await visitorChat(await visit(site.publicKey), '¿How much is shipping?!');
    await visitorChat(await visit(site.publicKey), 'Do you ship to Canada?');
    await visitorChat(await visit(other.publicKey), 'Where is my order?');
    // The owner's own chat is no visitor's question.
    await collectEvents(
      (await sendMessage(owner.token, await createConversation(owner.token), 'Where is my order?')).body!,
    );

    const seen = await insights(owner.token, site.id);
    expect(seen.topQuestions).toEqual([
      { question: 'how much is shipping', count: 3 },
      { question: 'do you ship to canada', count: 1 },
    ]);
    expect(seen.to).toBe(today());
    expect(seen.from).toBe(daysAgo(29).toISOString().slice(0, 10));
    expect((await insights(owner.token, other.id)).topQuestions).toEqual([{ question: 'where is my order', count: 1 }]);
  });

  it("gives tokens, requests and cost per day as the site's usage events record them, over the last 30 days only", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const visitor = await visit(site.publicKey);
    await visitorChat(visitor, 'one', 'two');
    const recorded = await eventually(
      () => db.select().from(usageEvents).where(eq(usageEvents.siteId, site.id)),
      (rows) => rows.length === 2,
      10_000,
    );
    expect(recorded.map((event) => event.subjectId)).toEqual([
      `${site.id}:${visitor.visitorId}`,
      `${site.id}:${visitor.visitorId}`,
    ]);
    // Older usage of the site: one day inside the window, one outside it; and another site's today.
    const older = (occurredAt: Date, subjectId: string, inputTokens: number) => ({
      id: crypto.randomUUID(),
      userId: owner.userId,
      subjectType: 'visitor' as const,
      subjectId,
      model: 'openai/gpt-4.1-mini',
      provider: 'openai',
      inputTokens,
      outputTokens: 5,
      costUsd: '0.00100000',
      occurredAt,
    });
    await db
      .insert(usageEvents)
      .values([
        older(daysAgo(5), `${site.id}:someone`, 100),
        older(daysAgo(5), `${site.id}:someone-else`, 50),
        older(daysAgo(31), `${site.id}:someone`, 1000),
        older(new Date(), `${crypto.randomUUID()}:someone`, 7),
      ]);

    const { usage } = await insights(owner.token, site.id);
    const sum = (field: 'inputTokens' | 'outputTokens') => recorded.reduce((total, row) => total + row[field], 0);
    const cost = recorded.reduce((total, row) => total + Number(row.costUsd), 0);
    expect(usage).toEqual([
      {
        day: daysAgo(5).toISOString().slice(0, 10),
        requests: 2,
        inputTokens: 150,
        outputTokens: 10,
        costUsd: '0.00200000',
      },
      {
        day: today(),
        requests: 2,
        inputTokens: sum('inputTokens'),
        outputTokens: sum('outputTokens'),
        costUsd: expect.any(String),
      },
    ]);
    expect(Number(usage[1]!.costUsd)).toBeCloseTo(cost, 8);
    expect(usage[1]!.inputTokens).toBeGreaterThan(0);
  });

  it('counts refusals per day and reason: a visitor over the rate, and a page on an origin not allowed', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { visitorRequestsPerMinute: 1 });
    const visitor = await visit(site.publicKey);
    const id = await visitorConversation(visitor);
    await collectEvents((await visitorSend(visitor, id, '[[fake tokens=2]] first')).body!);
    expect((await visitorSend(visitor, id, 'too soon')).status).toBe(429);
    expect((await visitorSend(visitor, id, 'still too soon')).status).toBe(429);
    expect((await requestSession(site.publicKey, 'https://elsewhere.example')).status).toBe(403);

    const seen = await eventually(
      () => insights(owner.token, site.id),
      (answer) => answer.refusals.length === 2 && answer.refusals.every((r) => r.count > 0),
      10_000,
    );
    expect(seen.refusals).toEqual([
      { day: today(), reason: 'origin_not_allowed', count: 1 },
      { day: today(), reason: 'requests_per_minute', count: 2 },
    ]);
  });

  it("lists the site's visitors' conversations with their visitor, and searches them only", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const other = await createSite(owner.token, { name: 'Other' });
    const ada = await visit(site.publicKey);
    const bob = await visit(site.publicKey);
    const canada = await visitorChat(ada, 'Do you deliver to Canada?');
    const returns = await visitorChat(bob, 'How do returns work?');
    await visitorChat(await visit(other.publicKey), 'Canada too?');
    await collectEvents((await sendMessage(owner.token, await createConversation(owner.token), 'Canada')).body!);

    const listed = await siteConversations(owner.token, site.id);
    expect(listed.items.map((c) => [c.id, c.visitorId])).toEqual([
      [returns, bob.visitorId],
      [canada, ada.visitorId],
    ]);
    expect(listed.hasMore).toBe(false);

    const found = await eventually(
      () => siteConversations(owner.token, site.id, 'canada'),
      (answer) => answer.items.length > 0,
    );
    expect(found.items.map((c) => [c.id, c.visitorId])).toEqual([[canada, ada.visitorId]]);
    expect(found.items[0]!.match?.snippet.text).toContain('Canada');
    expect((await siteConversations(owner.token, site.id, 'nothing-like-this')).items).toEqual([]);
    // Read-only for the owner: they read it, and cannot send to it.
    expect((await call(`/api/conversations/${canada}`, { token: owner.token })).status).toBe(200);
    expect((await sendMessage(owner.token, canada, 'owner here')).status).toBe(403);
  });

  it("shows another owner nothing of a site: 404 on every read and on deleting a visitor's data", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, { visitorRequestsPerMinute: 1 });
    const visitor = await visit(site.publicKey);
    const id = await visitorChat(visitor, 'private question');
    expect((await visitorSend(visitor, id, 'too soon')).status).toBe(429);
    await eventually(
      () => db.select().from(siteRefusalsDaily).where(eq(siteRefusalsDaily.siteId, site.id)),
      (rows) => rows.length > 0,
      10_000,
    );

    const stranger = await signIn();
    for (const path of ['insights', 'conversations', 'conversations?q=private']) {
      const res = await call(`/api/sites/${site.id}/${path}`, { token: stranger.token });
      expect(res.status).toBe(404);
      expect((await res.json<ErrorEnvelope>()).error.code).toBe('not_found');
    }
    const erase = await call(`/api/sites/${site.id}/visitors/${visitor.visitorId}`, {
      method: 'DELETE',
      token: stranger.token,
    });
    expect(erase.status).toBe(404);
    expect((await call(`/api/conversations/${id}`, { token: owner.token })).status).toBe(200);
    // Under RLS, the stranger's own reads of the tables find nothing of the site either.
    const [refusals, usage] = await asUser(db, { sub: stranger.userId }, (q) => [
      q.select().from(siteRefusalsDaily).where(eq(siteRefusalsDaily.siteId, site.id)),
      q.select().from(usageEvents).where(eq(usageEvents.siteId, site.id)),
    ]);
    expect([refusals.length, usage.length]).toEqual([0, 0]);
    const [mine] = await asUser(db, { sub: owner.userId }, (q) => [
      q.select().from(siteRefusalsDaily).where(eq(siteRefusalsDaily.siteId, site.id)),
    ]);
    expect(mine.length).toBe(1);
  });

  it('refuses an API key (403), a bad site id (400) and a bad retention (400)', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    expect((await call('/api/sites/not-a-uuid/insights', { token: owner.token })).status).toBe(400);
    for (const retentionDays of [0, 3651, 1.5, '30']) {
      const res = await call(`/api/sites/${site.id}`, {
        method: 'PATCH',
        token: owner.token,
        body: JSON.stringify({ retentionDays }),
      });
      expect(res.status).toBe(400);
      expect((await res.json<ErrorEnvelope>()).error.message).toContain('retentionDays');
    }
  });
});

describe("deleting one visitor's data", () => {
  it("erases every conversation of the visitor on the site, room and rows, and nobody else's; repeating it deletes nothing more", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const visitor = await visit(site.publicKey);
    const theirs = [await visitorChat(visitor, 'first chat'), await visitorChat(visitor, 'second chat')];
    const someoneElse = await visitorChat(await visit(site.publicKey), 'not me');

    const res = await call(`/api/sites/${site.id}/visitors/${visitor.visitorId}`, {
      method: 'DELETE',
      token: owner.token,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: 2 });

    for (const id of theirs) {
      expect((await call(`/api/conversations/${id}`, { token: owner.token })).status).toBe(404);
      expect((await widgetCall(visitor, `conversations/${id}`)).status).toBe(404);
      // Nothing of it stays in the room's storage.
      const stored = await runInDurableObject(conversationRoom(env, id), async (_room, state) => ({
        conversations: state.storage.sql.exec('select count(*) as n from conversation').one().n,
        messages: state.storage.sql.exec('select count(*) as n from messages').one().n,
        outbox: state.storage.sql.exec('select count(*) as n from outbox').one().n,
      }));
      expect(stored).toEqual({ conversations: 0, messages: 0, outbox: 0 });
    }
    expect(await db.select().from(conversations).where(inArray(conversations.id, theirs))).toEqual([]);
    expect(await db.select().from(messages).where(inArray(messages.conversationId, theirs))).toEqual([]);
    expect((await call(`/api/conversations/${someoneElse}`, { token: owner.token })).status).toBe(200);
    expect((await siteConversations(owner.token, site.id)).items.map((c) => c.id)).toEqual([someoneElse]);

    const again = await call(`/api/sites/${site.id}/visitors/${visitor.visitorId}`, {
      method: 'DELETE',
      token: owner.token,
    });
    expect(await again.json()).toEqual({ deleted: 0 });
  });
});

describe("a site's retention", () => {
  it("deletes only that site's visitors' conversations inactive longer than its retention, room and rows", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const patched = await call(`/api/sites/${site.id}`, {
      method: 'PATCH',
      token: owner.token,
      body: JSON.stringify({ retentionDays: 30 }),
    });
    expect((await patched.json<{ retentionDays: number | null }>()).retentionDays).toBe(30);
    const keepsAll = await createSite(owner.token, { name: 'Keeps all' });
    expect(keepsAll).toMatchObject({ retentionDays: null });

    const old = await visitorChat(await visit(site.publicKey), 'an old question');
    const recent = await visitorChat(await visit(site.publicKey), 'a recent question');
    const oldElsewhere = await visitorChat(await visit(keepsAll.publicKey), 'kept for ever');
    const ownOld = await createConversation(owner.token);
    await collectEvents((await sendMessage(owner.token, ownOld, '[[fake tokens=2]] mine')).body!);
    await landed(ownOld, 2);
    // Their last activity, as Postgres records it: 40 days ago for all but `recent`.
    await db
      .update(conversations)
      .set({ activeAt: daysAgo(40) })
      .where(inArray(conversations.id, [old, oldElsewhere, ownOld]));

    await eraseExpiredVisitorConversations(env, db, new Date());
    expect((await call(`/api/conversations/${old}`, { token: owner.token })).status).toBe(404);
    expect(await db.select().from(messages).where(eq(messages.conversationId, old))).toEqual([]);
    for (const id of [recent, oldElsewhere, ownOld])
      expect((await call(`/api/conversations/${id}`, { token: owner.token })).status).toBe(200);

    // A month on (time injected), the recent one has outlived the retention too; the rest stay.
    await eraseExpiredVisitorConversations(env, db, new Date(Date.now() + 31 * 86_400_000));
    expect((await call(`/api/conversations/${recent}`, { token: owner.token })).status).toBe(404);
    expect(await db.select().from(conversations).where(eq(conversations.id, recent))).toEqual([]);
    for (const id of [oldElsewhere, ownOld])
      expect((await call(`/api/conversations/${id}`, { token: owner.token })).status).toBe(200);
    const [{ n }] = (
      await db.execute<{ n: number }>(sql`select count(*)::int as n from messages where conversation_id = ${ownOld}`)
    ).rows as [{ n: number }];
    expect(Number(n)).toBe(2);
  });
});
