// Conversation and message queries. The `...ForUser` functions run under RLS as the caller;
// the rest are for the ConversationRoom, which has already checked ownership.
import { and, asc, desc, eq, lt, or, sql } from 'drizzle-orm';
import { conversations, messages, type MessageStatus } from '../../drizzle/schema.ts';
import type { Db } from './client.ts';
import { asUser, type UserClaims } from './as-user.ts';

export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type ConversationPatch = Partial<Pick<Conversation, 'title' | 'model' | 'systemPrompt'>>;
export type PageCursor = { updatedAt: Date; id: string };

export async function listConversationsForUser(db: Db, claims: UserClaims, page: { limit: number; after?: PageCursor }) {
  const after = page.after;
  const [rows] = await asUser(db, claims, [
    db.select().from(conversations)
      .where(and(
        eq(conversations.userId, claims.sub),
        after ? or(lt(conversations.updatedAt, after.updatedAt), and(eq(conversations.updatedAt, after.updatedAt), lt(conversations.id, after.id))) : undefined,
      ))
      .orderBy(desc(conversations.updatedAt), desc(conversations.id))
      .limit(page.limit + 1),
  ]);
  return { items: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

export async function createConversationForUser(db: Db, claims: UserClaims, values: ConversationPatch) {
  const [rows] = await asUser(db, claims, [db.insert(conversations).values({ ...values, userId: claims.sub }).returning()]);
  return rows[0]!;
}

export async function getConversationForUser(db: Db, claims: UserClaims, id: string) {
  const [rows] = await asUser(db, claims, [db.select().from(conversations).where(eq(conversations.id, id)).limit(1)]);
  return rows[0];
}

export async function getConversationWithMessagesForUser(db: Db, claims: UserClaims, id: string) {
  const [found, history] = await asUser(db, claims, [
    db.select().from(conversations).where(eq(conversations.id, id)).limit(1),
    db.select().from(messages).where(eq(messages.conversationId, id)).orderBy(asc(messages.createdAt), asc(messages.id)),
  ]);
  return found[0] ? { conversation: found[0], messages: history } : undefined;
}

export async function updateConversationForUser(db: Db, claims: UserClaims, id: string, patch: ConversationPatch) {
  const [rows] = await asUser(db, claims, [
    db.update(conversations).set({ ...patch, updatedAt: sql`now()` }).where(eq(conversations.id, id)).returning(),
  ]);
  return rows[0];
}

export async function deleteConversationForUser(db: Db, claims: UserClaims, id: string) {
  const [rows] = await asUser(db, claims, [db.delete(conversations).where(eq(conversations.id, id)).returning({ id: conversations.id })]);
  return rows.length > 0;
}

/** Everything a send needs: the conversation and its history, oldest first. */
export async function loadConversation(db: Db, id: string) {
  const [found, history] = await db.batch([
    db.select().from(conversations).where(eq(conversations.id, id)).limit(1),
    db.select({ role: messages.role, content: messages.content, status: messages.status })
      .from(messages).where(eq(messages.conversationId, id)).orderBy(asc(messages.createdAt), asc(messages.id)),
  ]);
  return found[0] ? { conversation: found[0], history } : undefined;
}

/**
 * Saves the user's message and the assistant's placeholder (status `streaming`) in one
 * transaction, before the vendor is called, so an accepted message is never lost.
 */
export async function startExchange(db: Db, input: {
  conversation: Conversation; userMessageId: string; assistantMessageId: string; content: string;
  model: string; provider: string; title?: string;
}) {
  const now = Date.now();
  await db.batch([
    db.insert(messages).values({
      id: input.userMessageId, conversationId: input.conversation.id, userId: input.conversation.userId,
      role: 'user', content: input.content, createdAt: new Date(now),
    }),
    // A millisecond later, so history order never depends on the id.
    db.insert(messages).values({
      id: input.assistantMessageId, conversationId: input.conversation.id, userId: input.conversation.userId,
      role: 'assistant', content: '', status: 'streaming', model: input.model, provider: input.provider,
      createdAt: new Date(now + 1),
    }),
    db.update(conversations)
      .set({ updatedAt: new Date(now + 1), ...(input.title ? { title: input.title } : {}) })
      .where(eq(conversations.id, input.conversation.id)),
  ]);
}

export type ReplyOutcome = {
  content: string; status: Exclude<MessageStatus, 'streaming'>; model: string; provider: string;
  stopReason: string | null; errorCode: string | null;
  inputTokens: number; outputTokens: number; cachedTokens: number; costUsd: string;
  timeToFirstTokenMs: number | null; durationMs: number;
};

export async function finishReply(db: Db, messageId: string, outcome: ReplyOutcome) {
  await db.update(messages).set({ ...outcome, completedAt: sql`now()` }).where(eq(messages.id, messageId));
}

/** A reply whose Durable Object restarted mid-stream: kept with the text saved so far, marked as an error. */
export async function markInterrupted(db: Db, messageId: string, text: string) {
  await db.update(messages)
    .set({ content: text, status: 'error', errorCode: 'interrupted', completedAt: sql`now()` })
    .where(and(eq(messages.id, messageId), eq(messages.status, 'streaming')));
}
