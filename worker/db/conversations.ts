// Conversation and message queries. Lists run under RLS as the caller; the rest serve the
// ConversationRoom, which owns each conversation and writes Postgres behind through its outbox.
// Every write here is an idempotent upsert keyed by id, so a flush repeated after a crash changes nothing.
import { and, asc, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { conversations, messages, profiles, sites } from '../../drizzle/schema.ts';
import { type Db, transaction } from './client.ts';
import { asUser, type UserClaims } from './as-user.ts';

export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type ConversationPatch = Partial<Pick<Conversation, 'title' | 'model' | 'systemPrompt'>>;
export type PageCursor = { updatedAt: Date; id: string };

/** The caller's conversations, newest first, a page at a time; with `titleContains`, only those whose title contains it (any case). */
export async function listConversationsForUser(
  db: Db,
  claims: UserClaims,
  page: { limit: number; after?: PageCursor; titleContains?: string },
) {
  const { after, titleContains } = page;
  const [rows] = await asUser(db, claims, (q) => [
    q
      .select()
      .from(conversations)
      .where(
        and(
          eq(conversations.userId, claims.sub),
          after
            ? or(
                lt(conversations.updatedAt, after.updatedAt),
                and(eq(conversations.updatedAt, after.updatedAt), lt(conversations.id, after.id)),
              )
            : undefined,
          titleContains ? sql`${conversations.title} ilike ${`%${escapeLike(titleContains)}%`} escape '\\'` : undefined,
        ),
      )
      .orderBy(desc(conversations.updatedAt), desc(conversations.id))
      .limit(page.limit + 1),
  ]);
  return { items: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

/** `text` as a LIKE pattern that matches itself: its backslashes, `%` and `_` lose their meaning. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A conversation and every message, oldest first: what a room loads once, when it has nothing of its own. */
export async function loadConversation(db: Db, id: string) {
  const [found, history] = await transaction(db, (q) => [
    q.select().from(conversations).where(eq(conversations.id, id)).limit(1),
    q.select().from(messages).where(eq(messages.conversationId, id)).orderBy(asc(messages.createdAt), asc(messages.id)),
  ]);
  return found[0] ? { conversation: found[0], messages: history } : undefined;
}

/**
 * The conversation as the room has it now, with its owner's profile (foreign keys need it, and
 * nothing on the send path creates profiles any more). Repeating it is harmless.
 */
export function upsertConversation(
  db: Db,
  conversation: Conversation,
  ownerEmail: string | null,
): [BatchItem<'pg'>, BatchItem<'pg'>] {
  return [
    // A profile made earlier without an email (by the usage consumer) gets it now.
    db
      .insert(profiles)
      .values({ id: conversation.userId, email: ownerEmail })
      .onConflictDoUpdate({
        target: profiles.id,
        set: { email: sql`coalesce(${profiles.email}, excluded.email)` },
      }),
    // A site deleted before this conversation first landed leaves it to the owner (site_id null), as the foreign key does later.
    db
      .insert(conversations)
      .values({
        ...conversation,
        siteId:
          conversation.siteId === null
            ? null
            : sql`(select ${sites.id} from ${sites} where ${sites.id} = ${conversation.siteId})`,
      })
      .onConflictDoUpdate({
        target: conversations.id,
        set: {
          title: conversation.title,
          model: conversation.model,
          systemPrompt: conversation.systemPrompt,
          branchLeafId: conversation.branchLeafId,
          updatedAt: conversation.updatedAt,
        },
      }),
  ];
}

/** A message as the room has it now: created, checkpointed or finished. */
export function upsertMessage(db: Db, message: Message): BatchItem<'pg'> {
  const { id: _id, conversationId: _c, userId: _u, role: _r, createdAt: _t, ...changing } = message;
  return db.insert(messages).values(message).onConflictDoUpdate({ target: messages.id, set: changing });
}

/** A message the room no longer has (a reply replaced by a regenerate, before regenerate kept every version); deleting it again changes nothing. */
export function deleteMessage(db: Db, conversationId: string, id: string): BatchItem<'pg'> {
  return db.delete(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.id, id)));
}

export function deleteConversation(db: Db, id: string): BatchItem<'pg'> {
  return db.delete(conversations).where(eq(conversations.id, id));
}
