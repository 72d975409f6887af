// Conversation and message queries. Lists run under RLS as the caller; the rest serve the
// ConversationRoom, which owns each conversation and writes Postgres behind through its outbox.
// Every write here is an idempotent upsert keyed by id, so a flush repeated after a crash changes nothing.
import { and, asc, desc, eq, getTableColumns, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { conversations, messages, profiles, sites } from '../../drizzle/schema.ts';
import { type Db, transaction } from './client.ts';
import { asUser, type UserClaims } from './as-user.ts';

// The search documents are Postgres's own (generated from the text); nothing outside search reads them.
const { search: _conversationSearch, ...conversationColumns } = getTableColumns(conversations);
const { search: _messageSearch, ...messageColumns } = getTableColumns(messages);

export type Conversation = Omit<typeof conversations.$inferSelect, 'search'>;
export type Message = Omit<typeof messages.$inferSelect, 'search'>;
export type ConversationPatch = Partial<
  Pick<Conversation, 'title' | 'model' | 'systemPrompt' | 'temperature' | 'maxReplyTokens' | 'pinnedAt'>
>;
export type PageCursor = { activeAt: Date; id: string };

/**
 * Which of the caller's conversations a list shows: their own (the default), or their widget
 * visitors' (all sites, or one); and of those, pinned ones only or unpinned ones only.
 */
export type ListScope = { visitors?: boolean; siteId?: string; pinned?: boolean };

/**
 * The caller's conversations, most recently active first (a rename or a pin moves nothing), a page
 * at a time; with `titleContains`, only those whose title contains it (any case).
 */
export async function listConversationsForUser(
  db: Db,
  claims: UserClaims,
  page: { limit: number; after?: PageCursor; titleContains?: string } & ListScope,
) {
  const { after, titleContains } = page;
  const [rows] = await asUser(db, claims, (q) => [
    q
      .select(conversationColumns)
      .from(conversations)
      .where(
        and(
          eq(conversations.userId, claims.sub),
          ...scopeFilter(page),
          after
            ? or(
                lt(conversations.activeAt, after.activeAt),
                and(eq(conversations.activeAt, after.activeAt), lt(conversations.id, after.id)),
              )
            : undefined,
          titleContains ? sql`${conversations.title} ilike ${`%${escapeLike(titleContains)}%`} escape '\\'` : undefined,
        ),
      )
      .orderBy(desc(conversations.activeAt), desc(conversations.id))
      .limit(page.limit + 1),
  ]);
  return { items: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

/** The conditions `scope` puts on conversations (a visitor's belongs to the site's owner, but is listed apart). */
export function scopeFilter(scope: ListScope) {
  const visitors = scope.visitors || scope.siteId !== undefined;
  return [
    visitors ? isNotNull(conversations.visitorId) : isNull(conversations.visitorId),
    scope.siteId !== undefined ? eq(conversations.siteId, scope.siteId) : undefined,
    scope.pinned === undefined
      ? undefined
      : scope.pinned
        ? isNotNull(conversations.pinnedAt)
        : isNull(conversations.pinnedAt),
  ];
}

/** `text` as a LIKE pattern that matches itself: its backslashes, `%` and `_` lose their meaning. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A conversation and every message, oldest first: what a room loads once, when it has nothing of its own. */
export async function loadConversation(db: Db, id: string) {
  const [found, history] = await transaction(db, (q) => [
    q.select(conversationColumns).from(conversations).where(eq(conversations.id, id)).limit(1),
    q
      .select(messageColumns)
      .from(messages)
      .where(eq(messages.conversationId, id))
      .orderBy(asc(messages.createdAt), asc(messages.id)),
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
          temperature: conversation.temperature,
          maxReplyTokens: conversation.maxReplyTokens,
          branchLeafId: conversation.branchLeafId,
          pinnedAt: conversation.pinnedAt,
          activeAt: conversation.activeAt,
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
