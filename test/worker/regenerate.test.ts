// POST /api/conversations/:id/regenerate (issue 22: versions and branches): a new version of the
// last reply for the same history, stored beside the earlier one (which stays, and stays billed),
// through the same room, Limiter, vendor stream and outbox as a send.
import { env } from 'cloudflare:workers';
import { asc, eq, inArray } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { conversations, messages, usageEvents } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { call, createConversation, eventually, sendMessage, signIn, type ErrorEnvelope } from './helpers.ts';
import { collectEvents, readEvents, textOf, type ParsedEvent } from './sse.ts';

type StoredMessage = {
  id: string;
  parentId: string | null;
  siblings: { index: number; count: number; ids: string[] };
  role: string;
  content: string;
  status: string;
  model: string;
  stopReason: string | null;
  outputTokens: number;
};

const fake = inject('fakeUpstreamUrl');

function regenerate(token: string, id: string, body?: Record<string, unknown>, headers: Record<string, string> = {}) {
  return call(`/api/conversations/${id}/regenerate`, {
    method: 'POST',
    token,
    headers,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

async function roomMessages(token: string, id: string) {
  return (await (await call(`/api/conversations/${id}`, { token })).json<{ messages: StoredMessage[] }>()).messages;
}

async function postgresMessages(id: string) {
  return createDb(env)
    .select()
    .from(messages)
    .where(eq(messages.conversationId, id))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

async function fakeRequests(key: string) {
  return (await fetch(`${fake}/__control/requests?key=${key}`)).json<Array<{ status: string; messages: number }>>();
}

async function errorOf(res: Response) {
  return { status: res.status, ...(await res.json<ErrorEnvelope>()).error };
}

describe('regenerate', () => {
  it('adds a new version of the last reply for the same history: the earlier one stays beside it (2 of 2), here and in Postgres', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'openai/gpt-4.1-mini' });
    const key = `regen-${crypto.randomUUID()}`;
    const first = await collectEvents((await sendMessage(token, id, '[[fake tokens=3]] first')).body!);
    const second = await collectEvents((await sendMessage(token, id, `[[fake tokens=6 key=${key}]] second`)).body!);
    const replacedId = second[0]!.data.messageId;

    const res = await regenerate(token, id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await collectEvents(res.body!);
    const newId = events[0]!.data.messageId;
    expect(res.headers.get('x-message-id')).toBe(newId);
    expect(newId).not.toBe(replacedId);
    expect(events[0]).toMatchObject({
      event: 'message.start',
      data: { conversationId: id, model: 'openai/gpt-4.1-mini' },
    });
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { stopReason: 'end_turn' } });
    expect(textOf(events)).toBe(expectedReplyText('openai', 6));
    expect(events.every((e) => e.id!.startsWith(`${newId}:`))).toBe(true);

    // The model was asked the same history again: user, assistant, user (not the earlier version).
    expect((await fakeRequests(key)).map((r) => r.messages)).toEqual([3, 3]);

    const room = await roomMessages(token, id);
    expect(room.map((m) => [m.role, m.id])).toEqual([
      ['user', expect.any(String)],
      ['assistant', first[0]!.data.messageId],
      ['user', expect.any(String)],
      ['assistant', newId],
    ]);
    expect(room.at(-1)).toMatchObject({
      status: 'complete',
      content: expectedReplyText('openai', 6),
      outputTokens: 6,
      parentId: room[2]!.id,
      siblings: { index: 1, count: 2, ids: [replacedId, newId] },
    });
    expect(room.slice(0, 3).map((m) => m.siblings.count)).toEqual([1, 1, 1]);

    // Postgres has both versions, each under the same question, and the branch in view.
    const saved = await eventually(
      () => postgresMessages(id),
      (rows) => rows.at(-1)?.id === newId && rows.at(-1)?.status === 'complete',
    );
    expect(saved.map((m) => [m.id, m.parentId])).toEqual([
      [room[0]!.id, null],
      [room[1]!.id, room[0]!.id],
      [room[2]!.id, room[1]!.id],
      [replacedId, room[2]!.id],
      [newId, room[2]!.id],
    ]);
    expect(saved[3]).toMatchObject({ status: 'complete', content: expectedReplyText('openai', 6) });
    const [conversation] = await eventually(
      () => createDb(env).select().from(conversations).where(eq(conversations.id, id)),
      (rows) => rows[0]?.branchLeafId === newId,
    );
    expect(conversation?.branchLeafId).toBe(newId);

    // The replaced reply's tokens stay billed; the new reply is billed too.
    const usage = await eventually(
      () =>
        createDb(env)
          .select()
          .from(usageEvents)
          .where(inArray(usageEvents.id, [replacedId, newId])),
      (rows) => rows.length === 2,
      10_000,
    );
    expect(usage.map((u) => u.outputTokens)).toEqual([6, 6]);
  });

  it('regenerates again and again, and with the model asked for, each a version more; the body may be left out or empty', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'anthropic/claude-haiku-4-5' });
    await collectEvents((await sendMessage(token, id, '[[fake tokens=4]] once more')).body!);

    const other = await collectEvents((await regenerate(token, id, { model: 'google/gemini-2.5-flash' })).body!);
    expect(other[0]).toMatchObject({ event: 'message.start', data: { model: 'google/gemini-2.5-flash' } });
    expect(textOf(other)).toBe(expectedReplyText('gemini', 4));
    const empty = await regenerate(token, id, undefined, { 'content-type': 'application/json' });
    expect(empty.status).toBe(200);
    const again = await collectEvents(empty.body!);
    expect(again[0]).toMatchObject({ event: 'message.start', data: { model: 'anthropic/claude-haiku-4-5' } }); // the conversation's model

    const room = await roomMessages(token, id);
    expect(room.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(room[1]).toMatchObject({
      id: again[0]!.data.messageId,
      model: 'anthropic/claude-haiku-4-5',
      status: 'complete',
      siblings: { index: 2, count: 3 },
    });
    expect(room[1]!.siblings.ids.slice(1)).toEqual([other[0]!.data.messageId, again[0]!.data.messageId]);
    const saved = await eventually(
      () => postgresMessages(id),
      (rows) => rows.length === 4 && rows[3]!.id === again[0]!.data.messageId && rows[3]!.status === 'complete',
    );
    expect(saved.map((m) => m.model)).toEqual([
      null,
      'anthropic/claude-haiku-4-5',
      'google/gemini-2.5-flash',
      'anthropic/claude-haiku-4-5',
    ]);
  });

  it('regenerates a reply further up with messageId: the new version starts a branch of its own, and what followed the earlier one stays one version away', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'openai/gpt-4.1-mini' });
    const key = `regen-up-${crypto.randomUUID()}`;
    const first = await collectEvents((await sendMessage(token, id, `[[fake tokens=3 key=${key}]] first`)).body!);
    await collectEvents((await sendMessage(token, id, '[[fake tokens=3]] second')).body!);
    const before = await roomMessages(token, id);

    const events = await collectEvents((await regenerate(token, id, { messageId: first[0]!.data.messageId })).body!);
    const newId = events[0]!.data.messageId;
    expect(events.at(-1)).toMatchObject({ event: 'done' });
    // Asked with the first question only.
    expect((await fakeRequests(key)).map((r) => r.messages)).toEqual([1, 1]);
    const room = await roomMessages(token, id);
    expect(room.map((m) => m.id)).toEqual([before[0]!.id, newId]);
    expect(room[1]!.siblings).toEqual({ index: 1, count: 2, ids: [first[0]!.data.messageId, newId] });

    // A user message is edited, not regenerated; an id from elsewhere is not here.
    expect(await errorOf(await regenerate(token, id, { messageId: before[0]!.id }))).toMatchObject({
      status: 400,
      code: 'not_a_reply',
    });
    expect(await errorOf(await regenerate(token, id, { messageId: crypto.randomUUID() }))).toMatchObject({
      status: 404,
      code: 'message_not_found',
    });
  });

  it('refuses an unknown model or field with 400, and a regenerate while a reply streams with 409 reply_in_progress', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    const streaming = await sendMessage(token, id, '[[fake tokens=300 tps=100]] a long one');
    expect(await errorOf(await regenerate(token, id))).toMatchObject({ status: 409, code: 'reply_in_progress' });
    expect(await errorOf(await regenerate(token, id, { model: 'acme/nope' }))).toMatchObject({
      status: 400,
      code: 'unknown_model',
    });
    expect(await errorOf(await regenerate(token, id, { content: 'no' }))).toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
    await call(`/api/conversations/${id}/stop`, { method: 'POST', token });
    await collectEvents(streaming.body!);

    // A regenerate's own reply holds the room just the same, against sends and regenerates.
    const regenerating = await regenerate(token, id);
    expect(regenerating.status).toBe(200);
    expect(await errorOf(await regenerate(token, id))).toMatchObject({ status: 409, code: 'reply_in_progress' });
    expect(await errorOf(await sendMessage(token, id, 'meanwhile'))).toMatchObject({
      status: 409,
      code: 'reply_in_progress',
    });
    await call(`/api/conversations/${id}/stop`, { method: 'POST', token });
    await collectEvents(regenerating.body!);
  });

  it('answers 409 nothing_to_regenerate on an empty conversation, and stores nothing', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    expect(await errorOf(await regenerate(token, id))).toMatchObject({ status: 409, code: 'nothing_to_regenerate' });
    expect(await roomMessages(token, id)).toEqual([]);
  });

  it("is a 404 for someone else's conversation, and their reply stays", async () => {
    const owner = await signIn();
    const intruder = await signIn();
    const id = await createConversation(owner.token);
    const events = await collectEvents((await sendMessage(owner.token, id, '[[fake tokens=2]] mine')).body!);
    expect(await errorOf(await regenerate(intruder.token, id))).toMatchObject({ status: 404, code: 'not_found' });
    expect((await roomMessages(owner.token, id)).at(-1)!.id).toBe(events[0]!.data.messageId);
    expect((await regenerate(owner.token, crypto.randomUUID())).status).toBe(404);
  });

  it('a regenerated reply stopped midway keeps its partial text as stopped, beside the version before it', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'google/gemini-2.5-flash' });
    const key = `regen-stop-${crypto.randomUUID()}`;
    const content = `[[fake tokens=2000 tps=100 key=${key}]] never ending`;
    // The first reply is stopped at once: a stopped reply can be regenerated too.
    const first = await sendMessage(token, id, content);
    const firstEvents: ParsedEvent[] = [];
    for await (const event of readEvents(first.body!)) {
      firstEvents.push(event);
      if (event.event === 'delta') await call(`/api/conversations/${id}/stop`, { method: 'POST', token });
    }

    const res = await regenerate(token, id);
    const seen: ParsedEvent[] = [];
    const reading = (async () => {
      for await (const event of readEvents(res.body!)) seen.push(event);
    })();
    await eventually(
      async () => seen.filter((e) => e.event === 'delta').length,
      (n) => n >= 3,
    );
    expect(await (await call(`/api/conversations/${id}/stop`, { method: 'POST', token })).json()).toEqual({
      stopped: true,
    });
    await reading;
    expect(seen.at(-1)).toMatchObject({ event: 'done', data: { stopReason: 'stopped' } });

    const room = await roomMessages(token, id);
    expect(room.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(room[1]).toMatchObject({
      id: seen[0]!.data.messageId,
      status: 'stopped',
      stopReason: 'stopped',
      content: textOf(seen),
      siblings: { index: 1, count: 2, ids: [firstEvents[0]!.data.messageId, seen[0]!.data.messageId] },
    });
    expect(room[1]!.content.length).toBeGreaterThan(0);
    expect(room[1]!.content.length).toBeLessThan(expectedReplyText('gemini', 2000).length);
    const requests = await eventually(
      () => fakeRequests(key),
      (r) => r.length === 2 && r[1]!.status !== 'in_progress',
    );
    expect(requests.map((r) => r.status)).toEqual(['client_closed', 'client_closed']);
    const saved = await eventually(
      () => postgresMessages(id),
      (rows) => rows.length === 3 && rows.every((m) => m.status === 'stopped' || m.role === 'user'),
    );
    expect(saved.map((m) => [m.id, m.status])).toEqual([
      [room[0]!.id, 'complete'],
      [firstEvents[0]!.data.messageId, 'stopped'],
      [seen[0]!.data.messageId, 'stopped'],
    ]);
  });

  it('is described in the OpenAPI document: an optional body, an event stream, its two conflicts', async () => {
    const doc = await (await call('/api/openapi.json')).json<any>();
    const op = doc.paths['/api/conversations/{id}/regenerate'].post;
    expect(op.requestBody).toMatchObject({
      required: false,
      content: {
        'application/json': {
          schema: {
            properties: { model: expect.any(Object), messageId: expect.any(Object) },
            additionalProperties: false,
          },
        },
      },
    });
    expect(op.summary).toMatch(/earlier one stays/);
    expect(op.responses['200'].content).toHaveProperty('text/event-stream');
    expect(op.responses['409'].description).toMatch(/reply_in_progress.*nothing_to_regenerate/);
    expect(doc.paths['/api/conversations/{id}/messages'].post.requestBody.required).toBe(true);
  });
});
