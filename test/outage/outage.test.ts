// Issue 6: chat keeps working while Postgres is away, and no accepted word is lost whatever fails
// at the end. This suite's database sits behind a switch (test/support/db-fault-proxy.ts) that
// cuts every connection while "down" or fails the next N requests; the tests compare what the
// client saw with what Postgres ends up holding, message by message.
import { env, exports } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { conversations, files, messages, profiles, usageEvents } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { conversationRoom } from '../../worker/chat/rooms.ts';
import type { ConversationRoom } from '../../durable-objects/conversation-room.ts';
import type { Limiter } from '../../durable-objects/limiter.ts';
import { userLimiter } from '../../worker/usage/limiters.ts';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import {
  BASE,
  call,
  complete,
  createConversation,
  eventually,
  sendMessage,
  signIn,
  userWithKey,
  type ErrorEnvelope,
} from '../worker/helpers.ts';
import { collectEvents, readEvents, textOf, type ParsedEvent } from '../worker/sse.ts';
import { createSite, visit, visitorConversation, visitorSend, widgetCall } from '../worker/widget-support.ts';

const faults = inject('dbFaultControlUrl');

async function database(change: { down?: boolean; failNext?: number; hang?: boolean }) {
  const res = await fetch(faults, { method: 'POST', body: JSON.stringify(change) });
  return res.json<{ down: boolean; failNext: number; passed: number; cut: number; hung: number }>();
}

afterEach(async () => {
  await database({ down: false, failNext: 0, hang: false });
});

/** One exchange as the client saw it. */
type Seen = {
  content: string;
  messageId: string;
  text: string;
  status: string;
  inputTokens: number;
  outputTokens: number;
  errorCode?: string;
};

function seenFrom(content: string, events: ParsedEvent[]): Seen {
  const last = events.at(-1)!;
  const usage = events.find((e) => e.event === 'usage')?.data ?? { inputTokens: 0, outputTokens: 0 };
  const status = last.event === 'error' ? 'error' : last.data.stopReason === 'stopped' ? 'stopped' : 'complete';
  return {
    content,
    messageId: events[0]!.data.messageId,
    text: textOf(events),
    status,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    ...(last.event === 'error' ? { errorCode: last.data.code } : {}),
  };
}

async function exchange(token: string, conversationId: string, content: string): Promise<Seen> {
  const res = await sendMessage(token, conversationId, content);
  expect(res.status).toBe(200);
  return seenFrom(content, await collectEvents(res.body!));
}

/** What Postgres holds for a conversation, oldest first, in the shape the client saw. */
async function inPostgres(conversationId: string) {
  const rows = await createDb(env)
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  return rows.map((m) => ({
    id: m.id,
    role: m.role,
    content: m.content,
    status: m.status,
    errorCode: m.errorCode,
    inputTokens: m.inputTokens,
    outputTokens: m.outputTokens,
  }));
}

/** The rows Postgres must end up with for these exchanges, exactly once each and in order. */
function expectedRows(seen: Seen[]) {
  return seen.flatMap((s) => [
    {
      id: expect.any(String),
      role: 'user',
      content: s.content,
      status: 'complete',
      errorCode: null,
      inputTokens: 0,
      outputTokens: 0,
    },
    {
      id: s.messageId,
      role: 'assistant',
      content: s.text,
      status: s.status,
      errorCode: s.errorCode ?? null,
      inputTokens: s.inputTokens,
      outputTokens: s.outputTokens,
    },
  ]);
}

/** Runs the room's alarm now instead of waiting out its backoff: the retry a real outage would get later. */
async function retryFlush(conversationId: string) {
  await runDurableObjectAlarm(conversationRoom(env, conversationId));
}

describe('while Postgres is down', () => {
  it('creating, sending (one reply caught mid-stream) and reading keep working, and Postgres gets every change exactly once when it is back', async () => {
    const { token, userId } = await signIn();
    const a = await createConversation(token);
    const seenA = [await exchange(token, a, '[[fake tokens=5]] before the outage')];

    // The database goes away while a reply streams.
    const res = await sendMessage(token, a, '[[fake tokens=60 tps=100]] through the outage');
    const events: ParsedEvent[] = [];
    for await (const event of readEvents(res.body!)) {
      events.push(event);
      if (events.filter((e) => e.event === 'delta').length === 5) await database({ down: true });
    }
    seenA.push(seenFrom('[[fake tokens=60 tps=100]] through the outage', events));
    expect(seenA[1]).toMatchObject({ status: 'complete', text: expectedReplyText('anthropic', 60) });

    seenA.push(await exchange(token, a, '[[fake tokens=7]] during the outage'));
    const b = await createConversation(token, { title: 'made while down' });
    const seenB = [await exchange(token, b, '[[fake tokens=4]] a new conversation, during the outage')];
    expect([...seenA, ...seenB].map((s) => s.status)).toEqual(['complete', 'complete', 'complete', 'complete']);

    // Reads of a conversation come from its room; what needs Postgres says so, in the envelope.
    const readA = await (await call(`/api/conversations/${a}`, { token })).json<{
      messages: { content: string; status: string }[];
    }>();
    expect(readA.messages.map((m) => m.content)).toEqual(seenA.flatMap((s) => [s.content, s.text]));
    const list = await call('/api/conversations', { token });
    expect({ status: list.status, ...(await list.json<ErrorEnvelope>()).error }).toMatchObject({
      status: 503,
      code: 'database_unavailable',
    });
    const stranger = await signIn();
    const me = await call('/api/me', { token: stranger.token });
    expect({ status: me.status, ...(await me.json<ErrorEnvelope>()).error }).toMatchObject({
      status: 503,
      code: 'database_unavailable',
    });
    expect(await (await call('/api/health')).json()).toMatchObject({ ok: false, db: 'down' });

    await database({ down: false });
    await retryFlush(a);
    await retryFlush(b);
    expect(await inPostgres(a)).toEqual(expectedRows(seenA));
    expect(await inPostgres(b)).toEqual(expectedRows(seenB));
    const db = createDb(env);
    const [conversationB] = await db.select().from(conversations).where(eq(conversations.id, b));
    expect(conversationB).toMatchObject({ userId, title: 'made while down' });
    for (const seen of [...seenA, ...seenB]) {
      const usage = await eventually(
        () => db.select().from(usageEvents).where(eq(usageEvents.id, seen.messageId)),
        (rows) => rows.length > 0,
        10_000,
      );
      expect(usage).toEqual([
        expect.objectContaining({ userId, conversationId: seen === seenB[0] ? b : a, outputTokens: seen.outputTokens }),
      ]);
    }
    const listed = await (await call('/api/conversations', { token })).json<{ items: { id: string }[] }>();
    expect(listed.items.map((c) => c.id)).toEqual([b, a]);
  });

  it('a conversation no room has held yet cannot be loaded: 503 database_unavailable, and it loads once Postgres is back', async () => {
    const { token, userId } = await signIn();
    const old = await seedInPostgres(userId, 'only in Postgres');
    await database({ down: true });
    const res = await call(`/api/conversations/${old}`, { token });
    expect({ status: res.status, ...(await res.json<ErrorEnvelope>()).error }).toMatchObject({
      status: 503,
      code: 'database_unavailable',
    });
    await database({ down: false });
    expect((await (await call(`/api/conversations/${old}`, { token })).json<{ title: string }>()).title).toBe(
      'only in Postgres',
    );
  });
});

describe('versions and branches while Postgres is down', () => {
  it('Postgres ends with every version (regenerated, edited), each under its parent, and the branch chosen; every reply stays billed', async () => {
    const { token, userId } = await signIn();
    const id = await createConversation(token);
    const content = '[[fake tokens=5]] again, please';
    const landed = await exchange(token, id, content);
    await eventually(
      () => inPostgres(id),
      (rows) => rows.length === 2 && rows[1]!.status === 'complete',
    );

    await database({ down: true });
    const regenerate = async () => {
      const res = await call(`/api/conversations/${id}/regenerate`, { method: 'POST', token });
      expect(res.status).toBe(200);
      return seenFrom(content, await collectEvents(res.body!));
    };
    const neverLanded = await regenerate(); // beside the reply Postgres has
    const newest = await regenerate(); // beside one Postgres never saw
    type Read = { messages: { id: string; siblings: { count: number } }[] };
    const read = await (await call(`/api/conversations/${id}`, { token })).json<Read>();
    expect(read.messages.map((m) => m.id)).toEqual([expect.any(String), newest.messageId]);
    expect(read.messages[1]!.siblings.count).toBe(3);
    const question = read.messages[0]!.id;
    // An edit and a switch back, still without Postgres: the room answers both.
    const editedContent = '[[fake tokens=5]] once more, differently';
    const edit = await call(`/api/conversations/${id}/messages/${question}/edit`, {
      method: 'POST',
      token,
      body: JSON.stringify({ content: editedContent }),
    });
    expect(edit.status).toBe(200);
    const edited = seenFrom(editedContent, await collectEvents(edit.body!));
    const switched = await call(`/api/conversations/${id}/branch`, {
      method: 'POST',
      token,
      body: JSON.stringify({ messageId: neverLanded.messageId }),
    });
    expect(switched.status).toBe(200);
    expect((await switched.json<Read>()).messages.map((m) => m.id)).toEqual([question, neverLanded.messageId]);

    await database({ down: false });
    await retryFlush(id);
    const [landedQuestion, ...rest] = expectedRows([landed, edited]);
    expect(await inPostgres(id)).toEqual([
      landedQuestion,
      rest[0],
      ...expectedRows([neverLanded, newest]).filter((row) => row.role === 'assistant'),
      ...rest.slice(1),
    ]);
    const rows = await createDb(env).select().from(messages).where(eq(messages.conversationId, id));
    const parentOf = new Map(rows.map((m) => [m.id, m.parentId]));
    for (const reply of [landed, neverLanded, newest]) expect(parentOf.get(reply.messageId)).toBe(question);
    const editedQuestion = rows.find((m) => m.content === editedContent)!;
    expect(editedQuestion.parentId).toBeNull();
    expect(parentOf.get(edited.messageId)).toBe(editedQuestion.id);
    const [conversation] = await createDb(env).select().from(conversations).where(eq(conversations.id, id));
    expect(conversation!.branchLeafId).toBe(neverLanded.messageId);
    const db = createDb(env);
    for (const seen of [landed, neverLanded, newest, edited]) {
      const usage = await eventually(
        () => db.select().from(usageEvents).where(eq(usageEvents.id, seen.messageId)),
        (rows) => rows.length > 0,
        10_000,
      );
      expect(usage).toEqual([expect.objectContaining({ userId, conversationId: id, outputTokens: 5 })]);
    }
  });
});

/** A conversation as one made before rooms owned them: in Postgres only. */
async function seedInPostgres(
  userId: string,
  title: string,
  history: Array<Pick<typeof messages.$inferInsert, 'role' | 'content' | 'status' | 'model'>> = [],
) {
  const db = createDb(env);
  await db.insert(profiles).values({ id: userId }).onConflictDoNothing();
  const [conversation] = await db.insert(conversations).values({ userId, title }).returning();
  const t = Date.now() - 60_000;
  if (history.length > 0) {
    await db
      .insert(messages)
      .values(history.map((m, i) => ({ ...m, conversationId: conversation!.id, userId, createdAt: new Date(t + i) })));
  }
  return conversation!.id;
}

describe('a room loads from Postgres once', () => {
  it('adopts a conversation that only Postgres has, marks a reply left streaming as interrupted, and never reads Postgres for it again', async () => {
    const { token, userId } = await signIn();
    const id = await seedInPostgres(userId, 'from before', [
      { role: 'user', content: 'an old question' },
      { role: 'assistant', content: 'half an ans', status: 'streaming', model: 'anthropic/claude-sonnet-5-5' },
    ]);

    const first = await (await call(`/api/conversations/${id}`, { token })).json<{
      title: string;
      messages: { content: string; status: string; errorCode: string | null }[];
    }>();
    expect(first.title).toBe('from before');
    expect(first.messages.map((m) => [m.content, m.status, m.errorCode])).toEqual([
      ['an old question', 'complete', null],
      ['half an ans', 'error', 'interrupted'],
    ]);

    await database({ down: true });
    const seen = await exchange(token, id, '[[fake tokens=3]] and a new one');
    expect(seen.status).toBe('complete');
    const again = await call(`/api/conversations/${id}`, { token });
    expect(again.status).toBe(200);
    expect((await again.json<{ messages: unknown[] }>()).messages).toHaveLength(4);

    await database({ down: false });
    await retryFlush(id);
    expect((await inPostgres(id)).map((m) => [m.content, m.status])).toEqual([
      ['an old question', 'complete'],
      ['half an ans', 'error'],
      ['[[fake tokens=3]] and a new one', 'complete'],
      [seen.text, 'complete'],
    ]);
    // Written with no parents, it reads as one line, and Postgres now has the line too.
    const rows = await createDb(env)
      .select()
      .from(messages)
      .where(eq(messages.conversationId, id))
      .orderBy(asc(messages.createdAt), asc(messages.id));
    expect(rows.map((m) => m.parentId)).toEqual([null, rows[0]!.id, rows[1]!.id, rows[2]!.id]);
  });
});

describe('no accepted word is lost, whatever fails at the end', () => {
  it('a Postgres write that fails once is retried: both stores end up with what the client saw', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    await eventually(
      () => createDb(env).select().from(conversations).where(eq(conversations.id, id)),
      (rows) => rows.length === 1,
    );
    const before = await database({ failNext: 1 });
    const seen = await exchange(token, id, '[[fake tokens=6]] fail once');
    expect(seen.status).toBe('complete');
    expect((await database({})).cut).toBe(before.cut + 1);
    const stored = await eventually(
      () => inPostgres(id),
      (rows) => rows[1]?.status === 'complete',
    );
    expect(stored).toEqual(expectedRows([seen]));
  });

  it('a Postgres that stays away is retried with growing backoff until it answers; the room keeps the reply meanwhile', async () => {
    const { token } = await signIn();
    const operator = (await signIn('ops@parley.example')).token;
    const id = await createConversation(token);
    await database({ down: true });
    const seen = await exchange(token, id, '[[fake tokens=9]] a long outage');
    expect(seen).toMatchObject({ status: 'complete', text: expectedReplyText('anthropic', 9), outputTokens: 9 });

    const room = conversationRoom(env, id);
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      await runDurableObjectAlarm(room);
      const next = await runInDurableObject(room, (_r, state) => state.storage.getAlarm());
      expect(next).not.toBeNull();
      gaps.push(next! - Date.now());
    }
    // Each failed retry waits longer than the one before (1 s, 2 s, 4 s, … up to a minute).
    expect(gaps[3]!).toBeGreaterThan(gaps[1]!);
    const read = await (await call(`/api/conversations/${id}`, { token })).json<{
      messages: { id: string; content: string; status: string }[];
    }>();
    expect(read.messages.at(-1)).toMatchObject({ id: seen.messageId, content: seen.text, status: 'complete' });
    // Operators see the backlog: Postgres down, and this room among those holding writes since the outage began.
    const backlogOf = () =>
      runInDurableObject(env.BACKLOG.get(env.BACKLOG.idFromName('outboxes')), (_b, state) =>
        state.storage.sql
          .exec<{ pending: number }>('select pending from sources where source = ?', `room:${id}`)
          .toArray(),
      );
    expect((await eventually(backlogOf, (rows) => rows.length === 1))[0]!.pending).toBeGreaterThanOrEqual(2);
    const health = await (await call('/api/ops/health', { token: operator })).json<{
      database: string;
      outboxes: { rooms: { sources: number; pending: number }; since: string };
    }>();
    expect(health.database).toBe('down');
    expect(health.outboxes.rooms.sources).toBeGreaterThanOrEqual(1);
    expect(health.outboxes.rooms.pending).toBeGreaterThanOrEqual(2);
    expect(Date.parse(health.outboxes.since)).toBeLessThanOrEqual(Date.now());

    await database({ down: false });
    await retryFlush(id);
    expect(await inPostgres(id)).toEqual(expectedRows([seen]));
    // Once it landed, the room is no longer in the backlog.
    expect(await eventually(backlogOf, (rows) => rows.length === 0)).toEqual([]);
    const pending = await runInDurableObject(
      room,
      (_r, state) => state.storage.sql.exec('select count(*) as n from outbox').one().n,
    );
    expect(pending).toBe(0);
  });

  it('when the usage queue refuses the event, it is written straight to Postgres, once', async () => {
    const { token, userId } = await signIn();
    const id = await createConversation(token);
    const room = conversationRoom(env, id);
    const messageId = await runInDurableObject(room, async (instance: ConversationRoom) => {
      const holder = instance as unknown as { env: Env };
      const healthy = holder.env;
      const refusing = {
        send: () => Promise.reject(new Error('queue unavailable')),
        sendBatch: () => Promise.reject(new Error('queue unavailable')),
      };
      holder.env = { ...healthy, USAGE_EVENTS: refusing as unknown as Queue };
      try {
        const sent = await instance.send({
          conversationId: id,
          userId,
          subject: { type: 'user', id: userId },
          content: '[[fake tokens=4]] bill me',
        });
        if (!sent.ok) throw new Error(sent.message);
        await new Response(sent.stream).text();
        await instance.alarm();
        return sent.messageId;
      } finally {
        holder.env = healthy;
      }
    });
    const rows = await createDb(env).select().from(usageEvents).where(eq(usageEvents.id, messageId));
    expect(rows).toEqual([expect.objectContaining({ userId, conversationId: id, outputTokens: 4 })]);
    // Both stores agree, and nothing is left to send.
    expect((await inPostgres(id)).at(-1)).toMatchObject({ id: messageId, status: 'complete', outputTokens: 4 });
    const read = await (await call(`/api/conversations/${id}`, { token })).json<{
      messages: { id: string; status: string }[];
    }>();
    expect(read.messages.at(-1)).toMatchObject({ id: messageId, status: 'complete' });
    expect(
      await runInDurableObject(room, (_r, state) => state.storage.sql.exec('select count(*) as n from outbox').one().n),
    ).toBe(0);
  });

  it('a vendor that goes silent mid-reply is given up on: the text so far is kept as an error and the conversation is free again', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'openai/gpt-4.1-mini' });
    const started = Date.now();
    const seen = await exchange(token, id, '[[fake tokens=50 hangafter=5]] then silence');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(seen).toMatchObject({
      status: 'error',
      errorCode: 'upstream_timeout',
      text: expectedReplyText('openai', 5),
    });
    expect((await exchange(token, id, '[[fake tokens=2]] still there?')).status).toBe('complete');
    const stored = await eventually(
      () => inPostgres(id),
      (rows) => rows.length === 4 && rows[3]!.status === 'complete',
    );
    expect(stored[1]).toMatchObject({
      status: 'error',
      errorCode: 'upstream_timeout',
      content: expectedReplyText('openai', 5),
    });
  });
});

describe('the /v1 API while Postgres is down (issue 8)', () => {
  it('a key keeps authenticating and completions keep answering; their usage lands once Postgres is back', async () => {
    const { key, keyId, userId } = await userWithKey();
    expect(
      (
        await complete(key, {
          model: 'openai/gpt-4.1-mini',
          messages: [{ role: 'user', content: '[[fake tokens=2]] warm' }],
        })
      ).status,
    ).toBe(200);

    await database({ down: true });
    expect((await call('/v1/models', { token: key })).status).toBe(200);
    const res = await complete(key, {
      model: 'openai/gpt-4.1-mini',
      messages: [{ role: 'user', content: '[[fake tokens=6]] during the outage' }],
    });
    expect(res.status).toBe(200);
    const body = await res.json<{
      choices: Array<{ message: { content: string } }>;
      usage: { completion_tokens: number };
    }>();
    expect(body.choices[0]!.message.content).toBe(expectedReplyText('openai', 6));

    await database({ down: false });
    const rows = await eventually(
      () => createDb(env).select().from(usageEvents).where(eq(usageEvents.userId, userId)),
      (r) => r.some((row) => row.outputTokens === 6),
      60_000,
    );
    expect(rows.filter((row) => row.outputTokens === 6)).toEqual([
      expect.objectContaining({ subjectType: 'api_key', subjectId: keyId, conversationId: null }),
    ]);
  });

  it("when neither the queue nor Postgres takes a completion's usage event, the owner's Limiter keeps it and publishes it later, once", async () => {
    const { userId } = await userWithKey();
    const limiter = userLimiter(env, userId);
    const event = {
      id: crypto.randomUUID(),
      userId,
      subjectType: 'api_key' as const,
      subjectId: crypto.randomUUID(),
      conversationId: null,
      messageId: null,
      model: 'openai/gpt-4.1-mini',
      provider: 'openai',
      inputTokens: 11,
      outputTokens: 22,
      cachedTokens: 0,
      costUsd: '0.00003960',
      occurredAt: new Date().toISOString(),
    };
    const count = (state: DurableObjectState) =>
      state.storage.sql.exec<{ n: number }>('select count(*) as n from usage_outbox').one().n;
    const pending = () => runInDurableObject(limiter, (_l, state) => count(state));
    await runInDurableObject(limiter, async (instance: Limiter, state) => {
      const holder = instance as unknown as { env: Env };
      const healthy = holder.env;
      const refusing = {
        send: () => Promise.reject(new Error('queue unavailable')),
        sendBatch: () => Promise.reject(new Error('queue unavailable')),
      };
      holder.env = { ...healthy, USAGE_EVENTS: refusing as unknown as Queue };
      try {
        await database({ down: true });
        await instance.settle(userId, crypto.randomUUID(), 33, { usage: event });
        await new Promise((r) => setTimeout(r, 200));
        expect(count(state)).toBe(1);
        await database({ down: false });
        await instance.alarm();
      } finally {
        holder.env = healthy;
      }
    });
    expect(await pending()).toBe(0);
    const rows = await createDb(env).select().from(usageEvents).where(eq(usageEvents.id, event.id));
    expect(rows).toEqual([
      expect.objectContaining({ userId, inputTokens: 11, outputTokens: 22, subjectType: 'api_key' }),
    ]);
  });
});

describe('the widget while Postgres is down (issue 10)', () => {
  it('a visitor gets a session, starts a conversation, is answered and reads it; Postgres gets it all, with its site and visitor, once back', async () => {
    const { token, userId } = await signIn();
    const site = await createSite(token);
    await database({ down: true });

    const visitor = await visit(site.publicKey);
    const id = await visitorConversation(visitor);
    const content = '[[fake tokens=6]] anyone there?';
    const res = await visitorSend(visitor, id, content);
    expect(res.status).toBe(200);
    const seen = seenFrom(content, await collectEvents(res.body!));
    expect(seen).toMatchObject({ status: 'complete', text: expectedReplyText('anthropic', 6) });
    const read = await (await widgetCall(visitor, `conversations/${id}`)).json<{ messages: { content: string }[] }>();
    expect(read.messages.map((m) => m.content)).toEqual([content, seen.text]);
    // The owner's management calls write Postgres first, and say when they cannot.
    const list = await call('/api/sites', { token });
    expect({ status: list.status, ...(await list.json<ErrorEnvelope>()).error }).toMatchObject({
      status: 503,
      code: 'database_unavailable',
    });

    await database({ down: false });
    await retryFlush(id);
    expect(await inPostgres(id)).toEqual(expectedRows([seen]));
    const db = createDb(env);
    const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
    expect(row).toMatchObject({ userId, siteId: site.id, visitorId: visitor.visitorId });
    const usage = await eventually(
      () => db.select().from(usageEvents).where(eq(usageEvents.id, seen.messageId)),
      (rows) => rows.length > 0,
      10_000,
    );
    expect(usage).toEqual([
      expect.objectContaining({
        userId,
        subjectType: 'visitor',
        subjectId: `${site.id}:${visitor.visitorId}`,
        outputTokens: 6,
      }),
    ]);
  });
});

describe('a database that hangs instead of failing (issue 18)', () => {
  it('answers lists and the profile 503 database_unavailable within the deadline, then works again', async () => {
    const user = await signIn();
    await createConversation(user.token);
    await database({ hang: true });
    for (const path of ['/api/conversations', '/api/me', '/api/usage']) {
      const started = Date.now();
      const res = await call(path, { token: user.token });
      const waited = Date.now() - started;
      const body = await res.json<ErrorEnvelope>();
      expect([path, res.status, body.error.code]).toEqual([path, 503, 'database_unavailable']);
      // DATABASE_TIMEOUT_MS is 1000 for this suite (vitest.config.ts): one deadline, not the 36 s a hung socket took.
      expect(waited).toBeLessThan(3000);
    }
    expect((await database({})).hung).toBeGreaterThan(0);
    await database({ hang: false });
    expect((await call('/api/conversations', { token: user.token })).status).toBe(200);
  });
});

// Issue 24 with Postgres away: uploading, sending a message with files and reading it keep working
// (nothing on those paths waits on Postgres), and the files' rows and the message's attachments
// land once it is back. In this file, not one of its own: the database switch is shared, and
// files of a project run at the same time.
const FILE_PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);
const FILE_PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj<</Type/Page>>endobj\n%%EOF\n');

async function uploadFile(token: string, bytes: Uint8Array, name: string) {
  const form = new FormData();
  form.set('file', new File([bytes], name));
  const request = new Request(`${BASE}/api/files`, { method: 'POST', body: form });
  request.headers.set('authorization', `Bearer ${token}`);
  return exports.default.fetch(request);
}

describe('files while Postgres is down', () => {
  it('uploads, a send with attachments and its read all work; the rows land when Postgres is back', async () => {
    const { token, userId } = await signIn();
    await database({ down: true });
    // Postgres is away indeed: a list (which reads it) cannot be answered.
    expect((await call('/api/conversations', { token })).status).toBe(503);

    const png = await uploadFile(token, FILE_PNG, 'dot.png');
    expect(png.status).toBe(201);
    const pdf = await uploadFile(token, FILE_PDF, 'paper.pdf');
    expect(pdf.status).toBe(201);
    const ids = [(await png.json<{ id: string }>()).id, (await pdf.json<{ id: string }>()).id];

    const conversation = await createConversation(token);
    const res = await call(`/api/conversations/${conversation}/messages`, {
      method: 'POST',
      token,
      body: JSON.stringify({ content: 'What are these? [[fake ttft=0 tps=0]]', attachments: ids }),
    });
    expect(res.status).toBe(200);
    expect((await collectEvents(res.body!)).at(-1)?.event).toBe('done');
    const read = await (await call(`/api/conversations/${conversation}`, { token })).json<{
      messages: Array<{ attachments: Array<{ id: string }> }>;
    }>();
    expect(read.messages[0]!.attachments.map((a) => a.id)).toEqual(ids);
    const served = await call(`/api/files/${ids[0]}`, { token });
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(FILE_PNG);

    await database({ down: false });
    // The retries a real outage would get later, now.
    await runDurableObjectAlarm(userLimiter(env, userId));
    await runDurableObjectAlarm(conversationRoom(env, conversation));
    const db = createDb(env);
    const rows = await eventually(
      () => db.select().from(files).where(eq(files.userId, userId)),
      (r) => r.length === 2 && r.every((f) => f.conversationId === conversation),
      15_000,
    );
    expect(rows.map((f) => f.name).sort()).toEqual(['dot.png', 'paper.pdf']);
    const stored = await eventually(
      () => db.select().from(messages).where(eq(messages.conversationId, conversation)),
      (m) => m.some((row) => row.role === 'user' && row.attachments?.length === 2),
      15_000,
    );
    expect(stored.find((m) => m.role === 'user')!.attachments!.map((a) => a.id)).toEqual(ids);
  });
});
