// ConversationRoom internals that no HTTP client can reach: recovery after the object restarts.
import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { conversationRoom } from '../../worker/chat/rooms.ts';
import { call, createConversation, eventually, signIn } from './helpers.ts';

describe('ConversationRoom', () => {
  it('marks a reply interrupted, with the text checkpointed so far, when the object restarted mid-reply', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    const room = conversationRoom(env, id);
    // What a previous instance left behind: its reply still `streaming` locally, with its last checkpoint, and its heartbeat alarm.
    const replyId = crypto.randomUUID();
    await runInDurableObject(room, async (_instance, state) => {
      state.storage.sql.exec(
        `insert into messages (id, role, content, model, provider, status, created_at) values (?, 'assistant', 'half a thou', 'anthropic/claude-sonnet-5-5', 'anthropic', 'streaming', ?)`,
        replyId,
        Date.now(),
      );
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(room)).toBe(true);

    const read = await (await call(`/api/conversations/${id}`, { token })).json<{
      messages: { id: string; content: string; status: string; errorCode: string }[];
    }>();
    expect(read.messages).toEqual([
      expect.objectContaining({ id: replyId, status: 'error', errorCode: 'interrupted', content: 'half a thou' }),
    ]);
    const [saved] = await eventually(
      () => createDb(env).select().from(messages).where(eq(messages.id, replyId)),
      (rows) => rows.length === 1,
    );
    expect(saved).toMatchObject({ status: 'error', errorCode: 'interrupted', content: 'half a thou' });
  });
});
