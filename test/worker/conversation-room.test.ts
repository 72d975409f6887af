// ConversationRoom internals that no HTTP client can reach: recovery after the object restarts.
import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { conversations, messages, profiles } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { conversationRoom } from '../../worker/chat/rooms.ts';
import type { ConversationRoom } from '../../durable-objects/conversation-room.ts';

/** A user with one empty conversation, written straight to the database. */
async function seedConversation() {
  const db = createDb(env);
  const userId = crypto.randomUUID();
  await db.insert(profiles).values({ id: userId });
  const [conversation] = await db.insert(conversations).values({ userId }).returning();
  return { db, userId, conversation: conversation! };
}

describe('ConversationRoom', () => {
  it('marks a reply interrupted, with the text saved so far, when the object restarted mid-reply', async () => {
    const { db, userId, conversation } = await seedConversation();
    const [reply] = await db.insert(messages).values({ conversationId: conversation.id, userId, role: 'assistant', content: '', status: 'streaming' }).returning();

    // What a previous instance left behind: the in-flight row with its last checkpoint, and its heartbeat alarm.
    const room = conversationRoom(env, conversation.id);
    await runInDurableObject(room, async (_instance, state) => {
      state.storage.sql.exec('insert into inflight (message_id, started_at, text) values (?, ?, ?)', reply!.id, Date.now() - 60_000, 'half a thou');
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(room)).toBe(true);

    const [saved] = await db.select().from(messages).where(eq(messages.id, reply!.id));
    expect(saved).toMatchObject({ status: 'error', errorCode: 'interrupted', content: 'half a thou' });
    const left = await runInDurableObject(room, (_instance, state) => state.storage.sql.exec('select count(*) as n from inflight').one());
    expect(left.n).toBe(0);
  });
});

describe('ConversationRoom when the database is down', () => {
  it('answers 503 database_unavailable, saves nothing, and takes the next send normally', async () => {
    const { db, userId, conversation } = await seedConversation();
    const room = conversationRoom(env, conversation.id);
    const input = { conversationId: conversation.id, userId, subject: { type: 'user' as const, id: userId }, content: '[[fake tokens=2]] hello' };

    const refused = await runInDurableObject(room, async (instance: ConversationRoom) => {
      const healthyEnv = (instance as unknown as { env: Env }).env;
      (instance as unknown as { env: Env }).env = { ...healthyEnv, DATABASE_HTTP_ENDPOINT: 'http://127.0.0.1:9/sql' };
      try {
        return await instance.send(input);
      } finally {
        (instance as unknown as { env: Env }).env = healthyEnv;
        createDb(healthyEnv); // points the driver back at the test database
      }
    });
    expect(refused).toMatchObject({ ok: false, status: 503, code: 'database_unavailable' });
    expect(await db.select().from(messages).where(eq(messages.conversationId, conversation.id))).toEqual([]);

    const accepted = await room.send(input);
    expect(accepted.ok).toBe(true);
    if (accepted.ok) await new Response(accepted.stream).text();
    expect(await db.select().from(messages).where(eq(messages.conversationId, conversation.id))).toHaveLength(2);
  });
});
