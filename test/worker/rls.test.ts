// Row Level Security is the tenant boundary: proven here through asUser against every backend.
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { conversations, messages, profiles } from '../../drizzle/schema.ts';
import { asUser } from '../../worker/db/as-user.ts';
import { createDb, type Db } from '../../worker/db/client.ts';

const backends = Object.entries(inject('dbEndpoints'));

describe.each(backends)('row level security (%s)', (_backend, endpoint) => {
  let db: Db;
  const alice = { sub: crypto.randomUUID(), email: 'alice@example.com' };
  const bob = { sub: crypto.randomUUID(), email: 'bob@example.com' };
  let bobConversationId: string;
  let bobMessageId: string;

  beforeAll(async () => {
    db = createDb({ DATABASE_URL: env.DATABASE_URL, DATABASE_HTTP_ENDPOINT: endpoint });
    await db.insert(profiles).values([
      { id: alice.sub, email: alice.email },
      { id: bob.sub, email: bob.email },
    ]);
    const [conversation] = await db
      .insert(conversations)
      .values({ userId: bob.sub, title: "Bob's secret plans" })
      .returning();
    bobConversationId = conversation!.id;
    const [message] = await db
      .insert(messages)
      .values({ conversationId: bobConversationId, userId: bob.sub, role: 'user', content: 'top secret' })
      .returning();
    bobMessageId = message!.id;
  });

  it("hides another user's conversations and messages from lists and reads", async () => {
    const [ownList, byId, bobMessages] = await asUser(db, alice, [
      db.select().from(conversations),
      db.select().from(conversations).where(eq(conversations.id, bobConversationId)),
      db.select().from(messages).where(eq(messages.conversationId, bobConversationId)),
    ]);
    expect(ownList.map((c) => c.userId)).not.toContain(bob.sub);
    expect(byId).toEqual([]);
    expect(bobMessages).toEqual([]);
  });

  it("cannot update or delete another user's conversation or message", async () => {
    const [renamed, deleted, editedMessage, deletedMessage] = await asUser(db, alice, [
      db.update(conversations).set({ title: 'pwned' }).where(eq(conversations.id, bobConversationId)).returning(),
      db.delete(conversations).where(eq(conversations.id, bobConversationId)).returning(),
      db.update(messages).set({ content: 'pwned' }).where(eq(messages.id, bobMessageId)).returning(),
      db.delete(messages).where(eq(messages.id, bobMessageId)).returning(),
    ]);
    expect([renamed, deleted, editedMessage, deletedMessage]).toEqual([[], [], [], []]);
    const [conversation] = await db.select().from(conversations).where(eq(conversations.id, bobConversationId));
    const [message] = await db.select().from(messages).where(eq(messages.id, bobMessageId));
    expect(conversation?.title).toBe("Bob's secret plans");
    expect(message?.content).toBe('top secret');
  });

  it('cannot insert a conversation owned by someone else', async () => {
    await expect(
      asUser(db, alice, [db.insert(conversations).values({ userId: bob.sub, title: 'forged' })]),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it("cannot add a message to another user's conversation, even as its own author", async () => {
    await expect(
      asUser(db, alice, [
        db
          .insert(messages)
          .values({ conversationId: bobConversationId, userId: alice.sub, role: 'user', content: 'hi' }),
      ]),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      asUser(db, alice, [
        db.insert(messages).values({ conversationId: bobConversationId, userId: bob.sub, role: 'user', content: 'hi' }),
      ]),
    ).rejects.toMatchObject({ code: '42501' });
    const bobMessages = await db.select().from(messages).where(eq(messages.conversationId, bobConversationId));
    expect(bobMessages).toHaveLength(1);
  });

  it('lets owners create, read, rename and delete their own rows', async () => {
    const [created] = await asUser(db, alice, [
      db.insert(conversations).values({ userId: alice.sub, title: 'mine' }).returning(),
    ]);
    const id = created[0]!.id;
    const [, mine, renamed, deleted, after] = await asUser(db, alice, [
      db.insert(messages).values({ conversationId: id, userId: alice.sub, role: 'user', content: 'hello' }),
      db.select().from(messages).where(eq(messages.conversationId, id)),
      db.update(conversations).set({ title: 'renamed' }).where(eq(conversations.id, id)).returning(),
      db.delete(conversations).where(eq(conversations.id, id)).returning(),
      db.select().from(messages).where(eq(messages.conversationId, id)),
    ]);
    expect(mine.map((m) => m.content)).toEqual(['hello']);
    expect(renamed[0]?.title).toBe('renamed');
    expect(deleted).toHaveLength(1);
    expect(after).toEqual([]);
  });

  it("cannot read another user's profile or change its own tier", async () => {
    const [visible] = await asUser(db, alice, [db.select().from(profiles)]);
    expect(visible.map((p) => p.id)).toEqual([alice.sub]);
    await expect(
      asUser(db, alice, [
        db.update(profiles).set({ tier: 'enterprise' }).where(eq(profiles.id, alice.sub)).returning(),
      ]),
    ).resolves.toEqual([[]]);
  });

  it('lets the service role see and change every row', async () => {
    const rows = await db.select().from(conversations).where(eq(conversations.userId, bob.sub));
    expect(rows.map((r) => r.id)).toContain(bobConversationId);
    const [updated] = await db
      .update(messages)
      .set({ status: 'complete' })
      .where(eq(messages.id, bobMessageId))
      .returning();
    expect(updated?.id).toBe(bobMessageId);
  });
});
