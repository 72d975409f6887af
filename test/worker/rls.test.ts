// Row Level Security is the tenant boundary: proven here through asUser against every backend.
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { conversations, messages, profiles } from '../../drizzle/schema.ts';
import { asUser } from '../../worker/db/as-user.ts';
import { createDb, type DatabaseEnv, type Db } from '../../worker/db/client.ts';

// Every backend, over the transport this project's Worker uses: the HTTP gateway in front of each,
// or (the hyperdrive project) a Hyperdrive binding to each, named HYPERDRIVE_<BACKEND>.
const bindings = env as unknown as Record<string, { connectionString: string } | undefined>;
const backends: [string, DatabaseEnv][] =
  'HYPERDRIVE' in env
    ? Object.keys(inject('hyperdriveUrls')).map((backend) => [
        `${backend}, hyperdrive`,
        { DATABASE_URL: env.DATABASE_URL, HYPERDRIVE: bindings[`HYPERDRIVE_${backend.toUpperCase()}`] },
      ])
    : Object.entries(inject('dbEndpoints')).map(([backend, endpoint]) => [
        `${backend}, neon-http`,
        { DATABASE_URL: env.DATABASE_URL, DATABASE_HTTP_ENDPOINT: endpoint },
      ]);

describe.each(backends)('row level security (%s)', (_backend, databaseEnv) => {
  let db: Db;
  const alice = { sub: crypto.randomUUID(), email: 'alice@example.com' };
  const bob = { sub: crypto.randomUUID(), email: 'bob@example.com' };
  let bobConversationId: string;
  let bobMessageId: string;

  beforeAll(async () => {
    db = createDb(databaseEnv);
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
    const [ownList, byId, bobMessages] = await asUser(db, alice, (q) => [
      q.select().from(conversations),
      q.select().from(conversations).where(eq(conversations.id, bobConversationId)),
      q.select().from(messages).where(eq(messages.conversationId, bobConversationId)),
    ]);
    expect(ownList.map((c) => c.userId)).not.toContain(bob.sub);
    expect(byId).toEqual([]);
    expect(bobMessages).toEqual([]);
  });

  it("cannot update or delete another user's conversation or message", async () => {
    const [renamed, deleted, editedMessage, deletedMessage] = await asUser(db, alice, (q) => [
      q.update(conversations).set({ title: 'pwned' }).where(eq(conversations.id, bobConversationId)).returning(),
      q.delete(conversations).where(eq(conversations.id, bobConversationId)).returning(),
      q.update(messages).set({ content: 'pwned' }).where(eq(messages.id, bobMessageId)).returning(),
      q.delete(messages).where(eq(messages.id, bobMessageId)).returning(),
    ]);
    expect([renamed, deleted, editedMessage, deletedMessage]).toEqual([[], [], [], []]);
    const [conversation] = await db.select().from(conversations).where(eq(conversations.id, bobConversationId));
    const [message] = await db.select().from(messages).where(eq(messages.id, bobMessageId));
    expect(conversation?.title).toBe("Bob's secret plans");
    expect(message?.content).toBe('top secret');
  });

  it('cannot insert a conversation owned by someone else', async () => {
    await expect(
      asUser(db, alice, (q) => [q.insert(conversations).values({ userId: bob.sub, title: 'forged' })]),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it("cannot add a message to another user's conversation, even as its own author", async () => {
    await expect(
      asUser(db, alice, (q) => [
        q
          .insert(messages)
          .values({ conversationId: bobConversationId, userId: alice.sub, role: 'user', content: 'hi' }),
      ]),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      asUser(db, alice, (q) => [
        q.insert(messages).values({ conversationId: bobConversationId, userId: bob.sub, role: 'user', content: 'hi' }),
      ]),
    ).rejects.toMatchObject({ code: '42501' });
    const bobMessages = await db.select().from(messages).where(eq(messages.conversationId, bobConversationId));
    expect(bobMessages).toHaveLength(1);
  });

  it('lets owners create, read, rename and delete their own rows', async () => {
    const [created] = await asUser(db, alice, (q) => [
      q.insert(conversations).values({ userId: alice.sub, title: 'mine' }).returning(),
    ]);
    const id = created[0]!.id;
    const [, mine, renamed, deleted, after] = await asUser(db, alice, (q) => [
      q.insert(messages).values({ conversationId: id, userId: alice.sub, role: 'user', content: 'hello' }),
      q.select().from(messages).where(eq(messages.conversationId, id)),
      q.update(conversations).set({ title: 'renamed' }).where(eq(conversations.id, id)).returning(),
      q.delete(conversations).where(eq(conversations.id, id)).returning(),
      q.select().from(messages).where(eq(messages.conversationId, id)),
    ]);
    expect(mine.map((m) => m.content)).toEqual(['hello']);
    expect(renamed[0]?.title).toBe('renamed');
    expect(deleted).toHaveLength(1);
    expect(after).toEqual([]);
  });

  it("cannot read another user's profile or change its own tier", async () => {
    const [visible] = await asUser(db, alice, (q) => [q.select().from(profiles)]);
    expect(visible.map((p) => p.id)).toEqual([alice.sub]);
    await expect(
      asUser(db, alice, (q) => [
        q.update(profiles).set({ tier: 'enterprise' }).where(eq(profiles.id, alice.sub)).returning(),
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
