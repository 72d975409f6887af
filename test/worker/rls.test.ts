// Row Level Security is the tenant boundary: proven here through asUser against every backend.
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { conversations, files, messages, profiles } from '../../drizzle/schema.ts';
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

  it("shows each user their own files' rows only (issue 24)", async () => {
    const file = (userId: string, id: string) => ({
      id,
      userId,
      name: `${id}.png`,
      mediaType: 'image/png',
      kind: 'image' as const,
      size: 70,
    });
    await db.insert(files).values([file(alice.sub, 'a'.repeat(64)), file(bob.sub, 'b'.repeat(64))]);
    const [aliceSees, bobSees] = await Promise.all([
      asUser(db, alice, (q) => [q.select().from(files)]),
      asUser(db, bob, (q) => [q.select().from(files)]),
    ]);
    expect(aliceSees[0].map((f) => [f.userId, f.id])).toEqual([[alice.sub, 'a'.repeat(64)]]);
    expect(bobSees[0].map((f) => [f.userId, f.id])).toEqual([[bob.sub, 'b'.repeat(64)]]);
  });

  // Supabase's Data API gives this same role to anyone holding the user's JWT (issue 17), so it
  // reads and nothing more: every write is the Worker's, as the owner role.
  it.each([
    [
      'renames its own conversation',
      (q: Db) => q.update(conversations).set({ title: 'x' }).where(eq(conversations.userId, alice.sub)),
    ],
    [
      "renames another user's conversation",
      (q: Db) => q.update(conversations).set({ title: 'pwned' }).where(eq(conversations.id, bobConversationId)),
    ],
    [
      "deletes another user's conversation",
      (q: Db) => q.delete(conversations).where(eq(conversations.id, bobConversationId)),
    ],
    [
      'creates a conversation of its own',
      (q: Db) => q.insert(conversations).values({ userId: alice.sub, title: 'mine' }),
    ],
    [
      'creates a conversation owned by someone else',
      (q: Db) => q.insert(conversations).values({ userId: bob.sub, title: 'forged' }),
    ],
    [
      "adds a message to another user's conversation",
      (q: Db) =>
        q.insert(messages).values({ conversationId: bobConversationId, userId: bob.sub, role: 'user', content: 'hi' }),
    ],
    [
      "edits another user's message",
      (q: Db) => q.update(messages).set({ content: 'pwned' }).where(eq(messages.id, bobMessageId)),
    ],
    [
      'raises its own tier',
      (q: Db) => q.update(profiles).set({ tier: 'enterprise' }).where(eq(profiles.id, alice.sub)),
    ],
  ])('is refused when it %s (42501), and nothing changes', async (_what, write) => {
    await expect(asUser(db, alice, (q) => [write(q)])).rejects.toMatchObject({ code: '42501' });
    const [conversation] = await db.select().from(conversations).where(eq(conversations.id, bobConversationId));
    const [message] = await db.select().from(messages).where(eq(messages.id, bobMessageId));
    const [profile] = await db.select().from(profiles).where(eq(profiles.id, alice.sub));
    expect(conversation?.title).toBe("Bob's secret plans");
    expect(message?.content).toBe('top secret');
    expect(profile?.tier).toBe('free');
    expect(await db.select().from(conversations).where(eq(conversations.userId, alice.sub))).toEqual([]);
  });

  it("reads its own profile and no one else's", async () => {
    const [visible] = await asUser(db, alice, (q) => [q.select().from(profiles)]);
    expect(visible.map((p) => p.id)).toEqual([alice.sub]);
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
