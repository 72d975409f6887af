// The `files` table (migration 0019): written behind by the owner's Limiter (uploads, deletions) and
// by a conversation's room (the conversation a file was first attached in). Every write is
// idempotent and commutes with the others, so they may land in any order and be repeated.
import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { files, type MessageAttachment, profiles } from '../../drizzle/schema.ts';
import type { Db } from './client.ts';

/** A user's file as its row records it (the Limiter's catalogue entry, worker/files/types.ts). */
type FileRecord = Omit<MessageAttachment, 'url'> & { createdAt: number };

/** A file uploaded (with its owner's profile, which the row's foreign key needs); repeating it changes nothing. */
export function upsertFile(db: Db, userId: string, file: FileRecord): BatchItem<'pg'>[] {
  return [
    db.insert(profiles).values({ id: userId }).onConflictDoNothing(),
    db
      .insert(files)
      .values({
        id: file.id,
        userId,
        name: file.name,
        mediaType: file.mediaType,
        kind: file.kind,
        size: file.size,
        createdAt: new Date(file.createdAt),
      })
      .onConflictDoNothing(),
  ];
}

/** Files attached in a conversation: the row made if the upload's has not landed yet, else marked with the conversation (the first one kept). */
export function attachFiles(
  db: Db,
  userId: string,
  conversationId: string,
  attached: MessageAttachment[],
): BatchItem<'pg'>[] {
  return attached.map((file) =>
    db
      .insert(files)
      .values({
        id: file.id,
        userId,
        name: file.name,
        mediaType: file.mediaType,
        kind: file.kind,
        size: file.size,
        conversationId,
      })
      .onConflictDoUpdate({
        target: [files.userId, files.id],
        set: { conversationId: sql`coalesce(${files.conversationId}, excluded.conversation_id)` },
      }),
  );
}

export function deleteFile(db: Db, userId: string, id: string): BatchItem<'pg'> {
  return db.delete(files).where(and(eq(files.userId, userId), eq(files.id, id)));
}

/** Owners with uploads never attached that are older than `before`: the orphan sweep asks their Limiters. */
export async function ownersOfUnattached(db: Db, before: Date): Promise<string[]> {
  const rows = await db
    .selectDistinct({ userId: files.userId })
    .from(files)
    .where(and(isNull(files.conversationId), lt(files.createdAt, before)))
    .limit(1000);
  return rows.map((row) => row.userId);
}

/** Which of `ids` of one owner have a row. */
export async function existingFiles(db: Db, userId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: files.id })
    .from(files)
    .where(and(eq(files.userId, userId), inArray(files.id, ids)));
  return new Set(rows.map((row) => row.id));
}

/** A user's files, for their account export. */
export async function listFiles(db: Db, userId: string) {
  return db.select().from(files).where(eq(files.userId, userId)).orderBy(files.createdAt);
}
