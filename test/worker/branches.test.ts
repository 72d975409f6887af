// Versions and branches (issue 22, item 1): editing a user message adds a version of it and
// streams a new reply exactly as a send does; POST …/branch switches the branch in view, which the
// room remembers and writes behind; the model is sent the branch in view only; nothing is deleted.
import { env } from 'cloudflare:workers';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { conversations, messages, usageEvents } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { call, createConversation, eventually, sendMessage, signIn, type ErrorEnvelope } from './helpers.ts';
import { collectEvents, readEvents, textOf, type ParsedEvent } from './sse.ts';

type Siblings = { index: number; count: number; ids: string[] };
type BranchMessage = {
  id: string;
  parentId: string | null;
  role: string;
  content: string;
  status: string;
  model: string;
  siblings: Siblings;
};
type LoggedRequest = { status: string; messages: number; prompt?: string };

const fake = inject('fakeUpstreamUrl');

function edit(token: string, id: string, messageId: string, content: string, model?: string) {
  return call(`/api/conversations/${id}/messages/${messageId}/edit`, {
    method: 'POST',
    token,
    body: JSON.stringify({ content, model }),
  });
}

function selectBranch(token: string, id: string, messageId: string) {
  return call(`/api/conversations/${id}/branch`, { method: 'POST', token, body: JSON.stringify({ messageId }) });
}

async function branchOf(res: Response) {
  return (await res.json<{ messages: BranchMessage[] }>()).messages;
}

async function roomBranch(token: string, id: string) {
  return branchOf(await call(`/api/conversations/${id}`, { token }));
}

async function postgresMessages(id: string) {
  return createDb(env)
    .select()
    .from(messages)
    .where(eq(messages.conversationId, id))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

async function postgresLeaf(id: string) {
  const [row] = await createDb(env).select().from(conversations).where(eq(conversations.id, id));
  return row?.branchLeafId;
}

async function fakeRequests(key: string) {
  return (await fetch(`${fake}/__control/requests?key=${key}`)).json<LoggedRequest[]>();
}

async function errorOf(res: Response) {
  return { status: res.status, ...(await res.json<ErrorEnvelope>()).error };
}

/** Sends and reads the reply to its end; the reply's message id. */
async function exchange(token: string, id: string, content: string, model?: string) {
  const events = await collectEvents((await sendMessage(token, id, content, model)).body!);
  return events[0]!.data.messageId as string;
}

describe('editing a message', () => {
  it('adds a version of it and streams the reply as a send does; the model gets the history up to it and the new text only; both versions stay, here and in Postgres', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'openai/gpt-4.1-mini' });
    const firstReply = await exchange(token, id, '[[fake tokens=3]] the first question');
    const secondReply = await exchange(token, id, '[[fake tokens=3]] the second question');
    const [question, , second] = await roomBranch(token, id);
    const key = `edit-${crypto.randomUUID()}`;

    const res = await edit(token, id, second!.id, `[[fake tokens=5 prompt=1 key=${key}]] the second, reworded`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await collectEvents(res.body!);
    const replyId = events[0]!.data.messageId;
    expect(res.headers.get('x-message-id')).toBe(replyId);
    expect(events.map((e) => e.event)).toEqual(['message.start', ...Array(5).fill('delta'), 'usage', 'done']);
    expect(events[0]!.data).toMatchObject({ conversationId: id, model: 'openai/gpt-4.1-mini' });
    expect(events.every((e) => e.id!.startsWith(`${replyId}:`))).toBe(true);
    expect(textOf(events)).toBe(expectedReplyText('openai', 5));

    // The model was sent the first exchange and the new text: not the message edited, nor its reply.
    const [asked] = await fakeRequests(key);
    expect(asked!.messages).toBe(3);
    expect(asked!.prompt).toContain('the first question');
    expect(asked!.prompt).toContain('the second, reworded');
    expect(asked!.prompt).not.toContain('the second question');

    const branch = await roomBranch(token, id);
    expect(branch.map((m) => [m.role, m.id])).toEqual([
      ['user', question!.id],
      ['assistant', firstReply],
      ['user', expect.any(String)],
      ['assistant', replyId],
    ]);
    const edited = branch[2]!;
    expect(edited).toMatchObject({
      content: `[[fake tokens=5 prompt=1 key=${key}]] the second, reworded`,
      parentId: firstReply,
      siblings: { index: 1, count: 2, ids: [second!.id, edited.id] },
    });
    expect(branch[3]).toMatchObject({ parentId: edited.id, status: 'complete', siblings: { index: 0, count: 1 } });

    // Nothing was deleted: Postgres has every message, each under its parent, and the branch in view.
    const saved = await eventually(
      () => postgresMessages(id),
      (rows) => rows.length === 6 && rows.every((m) => m.status === 'complete'),
    );
    expect(saved.map((m) => [m.id, m.parentId])).toEqual([
      [question!.id, null],
      [firstReply, question!.id],
      [second!.id, firstReply],
      [secondReply, second!.id],
      [edited.id, firstReply],
      [replyId, edited.id],
    ]);
    expect(
      await eventually(
        () => postgresLeaf(id),
        (leaf) => leaf === replyId,
      ),
    ).toBe(replyId);
    // The edit's reply is billed as a send's is.
    const usage = await eventually(
      () => createDb(env).select().from(usageEvents).where(eq(usageEvents.id, replyId)),
      (rows) => rows.length === 1,
      10_000,
    );
    expect(usage[0]).toMatchObject({ outputTokens: 5, conversationId: id });
  });

  it('edits the first message: a second first message, and the conversation keeps its title', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    await exchange(token, id, '[[fake tokens=2]] Plan a trip to Lisbon');
    const [first] = await roomBranch(token, id);
    const events = await collectEvents(
      (await edit(token, id, first!.id, '[[fake tokens=2]] Plan a trip to Porto')).body!,
    );
    expect(events.at(-1)).toMatchObject({ event: 'done' });
    const branch = await roomBranch(token, id);
    expect(branch.map((m) => m.content)).toEqual(['[[fake tokens=2]] Plan a trip to Porto', expect.any(String)]);
    expect(branch[0]).toMatchObject({
      parentId: null,
      siblings: { index: 1, count: 2, ids: [first!.id, branch[0]!.id] },
    });
    const conversation = await (await call(`/api/conversations/${id}`, { token })).json<{ title: string }>();
    expect(conversation.title).toMatch(/Lisbon/);
  });

  it('refuses what cannot be edited with the right status and stores nothing', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    const replyId = await exchange(token, id, '[[fake tokens=2]] hello');
    const [question] = await roomBranch(token, id);

    expect(await errorOf(await edit(token, id, replyId, 'a reply is not mine to edit'))).toMatchObject({
      status: 400,
      code: 'not_editable',
    });
    expect(await errorOf(await edit(token, id, crypto.randomUUID(), 'no such message'))).toMatchObject({
      status: 404,
      code: 'message_not_found',
    });
    expect(await errorOf(await edit(token, id, 'not-a-uuid', 'bad id'))).toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
    expect(await errorOf(await edit(token, id, question!.id, '   '))).toMatchObject({ status: 400 });
    expect(await errorOf(await edit(token, id, question!.id, 'x'.repeat(100_001)))).toMatchObject({
      status: 413,
      code: 'content_too_large',
    });
    const intruder = await signIn();
    expect(await errorOf(await edit(intruder.token, id, question!.id, 'mine now'))).toMatchObject({
      status: 404,
      code: 'not_found',
    });

    // While a reply streams, an edit waits its turn as a send does.
    const streaming = await sendMessage(token, id, '[[fake tokens=300 tps=100]] a long one');
    expect(await errorOf(await edit(token, id, question!.id, 'meanwhile'))).toMatchObject({
      status: 409,
      code: 'reply_in_progress',
    });
    await call(`/api/conversations/${id}/stop`, { method: 'POST', token });
    await collectEvents(streaming.body!);

    const all = await roomBranch(token, id);
    expect(all.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(all.every((m) => m.siblings.count === 1)).toBe(true);
  });

  it("an edit's reply resumes from Last-Event-ID and stops like any other, saved as stopped in its branch", async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'google/gemini-2.5-flash' });
    await exchange(token, id, '[[fake tokens=2]] first');
    const [question] = await roomBranch(token, id);
    const key = `edit-stop-${crypto.randomUUID()}`;

    const res = await edit(token, id, question!.id, `[[fake tokens=2000 tps=100 key=${key}]] never ending`);
    const seen: ParsedEvent[] = [];
    for await (const event of readEvents(res.body!)) {
      seen.push(event);
      if (seen.filter((e) => e.event === 'delta').length === 3) break; // the reader leaves
    }
    const resumed = await call(`/api/conversations/${id}/stream`, {
      token,
      headers: { 'last-event-id': seen.at(-1)!.id! },
    });
    expect(resumed.status).toBe(200);
    const rest: ParsedEvent[] = [];
    for await (const event of readEvents(resumed.body!)) {
      rest.push(event);
      if (rest.length === 2)
        expect(await (await call(`/api/conversations/${id}/stop`, { method: 'POST', token })).json()).toEqual({
          stopped: true,
        });
    }
    // Picked up exactly where the reader left: the events after the last one it saw, once each.
    const seqs = [...seen, ...rest].map((e) => Number(e.id!.split(':')[1]));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(rest.at(-1)).toMatchObject({ event: 'done', data: { stopReason: 'stopped' } });

    const branch = await roomBranch(token, id);
    expect(branch).toHaveLength(2);
    expect(branch[0]!.siblings).toMatchObject({ index: 1, count: 2 });
    expect(branch[1]).toMatchObject({
      id: seen[0]!.data.messageId,
      status: 'stopped',
      content: textOf([...seen, ...rest]),
    });
    const requests = await eventually(
      () => fakeRequests(key),
      (r) => r[0]?.status !== 'in_progress',
    );
    expect(requests.map((r) => r.status)).toEqual(['client_closed']);
  });
});

describe('switching branches', () => {
  it('shows the branch through the version chosen, down to its newest message; remembered across reads and in Postgres; the next send continues it and the model gets that branch only', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { model: 'openai/gpt-4.1-mini' });
    const r1 = await exchange(token, id, '[[fake tokens=9]] Q one');
    const r2 = await exchange(token, id, '[[fake tokens=9]] Q two');
    // A second version of the last reply, from another vendor so its text differs.
    const regenerated = await collectEvents(
      (
        await call(`/api/conversations/${id}/regenerate`, {
          method: 'POST',
          token,
          body: JSON.stringify({ model: 'google/gemini-2.5-flash' }),
        })
      ).body!,
    );
    const r2b = regenerated[0]!.data.messageId as string;
    const [q1, , q2] = await roomBranch(token, id);
    // A second version of the first question, with its own reply.
    const edited = await collectEvents((await edit(token, id, q1!.id, '[[fake tokens=9]] Q one, again')).body!);
    const r1b = edited[0]!.data.messageId as string;
    expect((await roomBranch(token, id)).map((m) => m.id)).toEqual([expect.any(String), r1b]);

    // Back to the first question's first version: its branch as last continued (the regenerated reply).
    const back = await selectBranch(token, id, q1!.id);
    expect(back.status).toBe(200);
    const backBranch = await branchOf(back);
    expect(backBranch.map((m) => m.id)).toEqual([q1!.id, r1, q2!.id, r2b]);
    expect(backBranch[0]!.siblings).toMatchObject({ index: 0, count: 2 });
    expect(backBranch[3]!.siblings).toEqual({ index: 1, count: 2, ids: [r2, r2b] });

    // ‹ on the reply: its first version.
    const previous = await branchOf(await selectBranch(token, id, r2));
    expect(previous.map((m) => m.id)).toEqual([q1!.id, r1, q2!.id, r2]);
    expect(previous[3]).toMatchObject({ siblings: { index: 0, count: 2 }, content: expectedReplyText('openai', 9) });
    // Remembered: a read (a reload) shows the same branch, and so does Postgres, behind.
    expect((await roomBranch(token, id)).map((m) => m.id)).toEqual([q1!.id, r1, q2!.id, r2]);
    expect(
      await eventually(
        () => postgresLeaf(id),
        (leaf) => leaf === r2,
      ),
    ).toBe(r2);

    // The next message continues the branch in view, and the model is sent that branch only.
    const key = `branch-${crypto.randomUUID()}`;
    const r3 = await exchange(token, id, `[[fake tokens=2 prompt=1 key=${key}]] Q three`);
    const [asked] = await fakeRequests(key);
    expect(asked!.messages).toBe(5);
    expect(asked!.prompt).toContain('Q one');
    expect(asked!.prompt).not.toContain('Q one, again');
    expect(asked!.prompt).toContain(expectedReplyText('openai', 9));
    expect(asked!.prompt).not.toContain(expectedReplyText('gemini', 9));
    const branch = await roomBranch(token, id);
    expect(branch.map((m) => m.id)).toEqual([q1!.id, r1, q2!.id, r2, expect.any(String), r3]);
    expect(branch[4]).toMatchObject({ parentId: r2, siblings: { index: 0, count: 1 } });

    // Nothing was ever deleted: every version is in Postgres.
    const saved = await eventually(
      () => postgresMessages(id),
      (rows) => rows.length === 9 && rows.every((m) => m.status === 'complete'),
    );
    expect(saved.map((m) => m.id)).toEqual(expect.arrayContaining([r1, r2, r2b, r1b, r3]));
  });

  it('does not move the conversation up the list, and a repeated switch changes nothing', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    const first = await exchange(token, id, '[[fake tokens=2]] one');
    await collectEvents((await call(`/api/conversations/${id}/regenerate`, { method: 'POST', token })).body!);
    const before = await (await call(`/api/conversations/${id}`, { token })).json<{ updatedAt: string }>();
    const switched = await (await selectBranch(token, id, first)).json<{
      updatedAt: string;
      messages: BranchMessage[];
    }>();
    expect(switched.updatedAt).toBe(before.updatedAt);
    expect(switched.messages.at(-1)!.id).toBe(first);
    expect((await branchOf(await selectBranch(token, id, first))).at(-1)!.id).toBe(first);
  });

  it('refuses an unknown message, a bad body, a switch while a reply streams, and someone else', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    const replyId = await exchange(token, id, '[[fake tokens=2]] one');
    expect(await errorOf(await selectBranch(token, id, crypto.randomUUID()))).toMatchObject({
      status: 404,
      code: 'message_not_found',
    });
    expect(
      await errorOf(
        await call(`/api/conversations/${id}/branch`, { method: 'POST', token, body: JSON.stringify({ id: replyId }) }),
      ),
    ).toMatchObject({ status: 400, code: 'invalid_request' });
    const intruder = await signIn();
    expect(await errorOf(await selectBranch(intruder.token, id, replyId))).toMatchObject({
      status: 404,
      code: 'not_found',
    });

    const streaming = await sendMessage(token, id, '[[fake tokens=300 tps=100]] a long one');
    expect(await errorOf(await selectBranch(token, id, replyId))).toMatchObject({
      status: 409,
      code: 'reply_in_progress',
    });
    await call(`/api/conversations/${id}/stop`, { method: 'POST', token });
    await collectEvents(streaming.body!);
  });

  it('is described in the OpenAPI document, with each message’s versions', async () => {
    const doc = await (await call('/api/openapi.json')).json<any>();
    const branch = doc.paths['/api/conversations/{id}/branch'].post;
    expect(branch.requestBody.content['application/json'].schema).toMatchObject({
      properties: { messageId: expect.any(Object) },
      required: ['messageId'],
    });
    expect(branch.responses['409'].description).toMatch(/reply_in_progress/);
    const editOp = doc.paths['/api/conversations/{id}/messages/{messageId}/edit'].post;
    expect(editOp.responses['200'].content).toHaveProperty('text/event-stream');
    expect(editOp.summary).toMatch(/another version/);
    const read = doc.paths['/api/conversations/{id}'].get.responses['200'].content['application/json'].schema;
    const message = JSON.stringify(read);
    expect(message).toContain('siblings');
    expect(message).toContain('parentId');
  });
});
