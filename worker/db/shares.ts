// Share link rows. The owner's list is read under RLS as the caller; creating and revoking are the
// Worker's (the signed-in role only reads, see migration 0012), scoped to the caller by user id;
// the public page reads one link by its token as the Worker, since its reader is nobody.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { conversations, profiles, type SharedMessage, shares } from '../../drizzle/schema.ts';
import { type Db, transaction } from './client.ts';
import { asUser, type UserClaims } from './as-user.ts';
import type { Conversation } from './conversations.ts';

export type ShareRow = Pick<
  typeof shares.$inferSelect,
  'id' | 'conversationId' | 'token' | 'title' | 'expiresAt' | 'createdAt'
>;
export type PublicShare = Pick<
  typeof shares.$inferSelect,
  'title' | 'messages' | 'expiresAt' | 'revokedAt' | 'createdAt'
>;

const listed = {
  id: shares.id,
  conversationId: shares.conversationId,
  token: shares.token,
  title: shares.title,
  expiresAt: shares.expiresAt,
  createdAt: shares.createdAt,
};

/**
 * Stores a link and its snapshot, unless the caller already has `maxLive` live links (not revoked,
 * not expired): then nothing is stored and the answer is undefined. The count and the insert are
 * one statement, after a lock on the caller's links for the transaction, so links made at once
 * cannot pass the cap together. The conversation's row may not have reached Postgres yet (its room
 * writes it behind): it is written here as the room has it, unless already there (never over a
 * newer one), so the link has its foreign key and goes when the conversation is deleted.
 */
export async function insertShare(
  db: Db,
  claims: UserClaims,
  share: { conversation: Conversation; token: string; messages: SharedMessage[]; expiresAt: Date | null },
  maxLive: number,
): Promise<ShareRow | undefined> {
  const { conversation } = share;
  const live = sql`(select count(*) from ${shares} where ${shares.userId} = ${claims.sub}
    and ${shares.revokedAt} is null and (${shares.expiresAt} is null or ${shares.expiresAt} > now()))`;
  const [, , , rows] = await transaction(db, (q) => [
    q.insert(profiles).values({ id: claims.sub, email: claims.email }).onConflictDoNothing(),
    q.insert(conversations).values(conversation).onConflictDoNothing(),
    q.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`shares:${claims.sub}`}, 0))`),
    // Every column in the table's order (what insert … select takes), the row only while under the cap.
    q
      .insert(shares)
      .select(
        sql`select gen_random_uuid(), ${claims.sub}::uuid, ${conversation.id}::uuid, ${share.token}, ${conversation.title},
          ${JSON.stringify(share.messages)}::jsonb, ${share.expiresAt?.toISOString() ?? null}::timestamptz, null::timestamptz, now()
          where ${live} < ${maxLive}`,
      )
      .returning(listed),
  ]);
  return rows[0];
}

/** The caller's live links (not revoked; expired ones included), newest first, with each conversation's current title. */
export async function listShares(db: Db, claims: UserClaims) {
  const [rows] = await asUser(db, claims, (q) => [
    q
      .select({ ...listed, conversationTitle: conversations.title })
      .from(shares)
      .leftJoin(conversations, eq(conversations.id, shares.conversationId))
      .where(and(eq(shares.userId, claims.sub), isNull(shares.revokedAt)))
      .orderBy(desc(shares.createdAt), desc(shares.id)),
  ]);
  return rows;
}

/** Revokes one of the caller's links and drops its snapshot; false when the caller has no such link. Repeating it is harmless. */
export async function revokeShare(db: Db, claims: UserClaims, id: string): Promise<boolean> {
  const rows = await db
    .update(shares)
    .set({ revokedAt: sql`coalesce(${shares.revokedAt}, now())`, messages: null, title: null })
    .where(and(eq(shares.id, id), eq(shares.userId, claims.sub)))
    .returning({ id: shares.id });
  return rows.length > 0;
}

/** A link by its token, as the system: what the public page shows (or why it shows nothing). */
export async function findShareByToken(db: Db, token: string): Promise<PublicShare | undefined> {
  const rows = await db
    .select({
      title: shares.title,
      messages: shares.messages,
      expiresAt: shares.expiresAt,
      revokedAt: shares.revokedAt,
      createdAt: shares.createdAt,
    })
    .from(shares)
    .where(eq(shares.token, token))
    .limit(1);
  return rows[0];
}
