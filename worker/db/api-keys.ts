// API key rows. Postgres is the record (lists, last use); the owner's Limiter holds the live keys
// that requests are verified against, so nothing here is on a request's path. Lists are read under
// RLS as the caller; writes and the hash are the Worker's alone (the signed-in role may not touch
// them: see migration 0004), scoped to the caller by their user id.
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { apiKeys } from '../../drizzle/schema.ts';
import type { Db } from './client.ts';
import { asUser, type UserClaims } from './as-user.ts';

export type ApiKeyRow = Pick<typeof apiKeys.$inferSelect, 'id' | 'name' | 'prefix' | 'createdAt' | 'lastUsedAt'>;

const listed = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
};

export async function insertApiKey(
  db: Db,
  claims: UserClaims,
  key: { name: string; prefix: string; hash: string },
): Promise<ApiKeyRow> {
  const rows = await db
    .insert(apiKeys)
    .values({ userId: claims.sub, name: key.name, prefix: key.prefix, keyHash: key.hash })
    .returning(listed);
  return rows[0]!;
}

/** The caller's live keys, newest first. */
export async function listApiKeys(db: Db, claims: UserClaims): Promise<ApiKeyRow[]> {
  const [rows] = await asUser(db, claims, (q) => [
    q
      .select(listed)
      .from(apiKeys)
      .where(and(eq(apiKeys.userId, claims.sub), isNull(apiKeys.revokedAt)))
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)),
  ]);
  return rows;
}

/** One of the caller's keys, revoked or not (a revocation repeated after a failure finds it again). */
export async function findApiKey(db: Db, claims: UserClaims, id: string) {
  const rows = await db
    .select({ id: apiKeys.id, hash: apiKeys.keyHash, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, claims.sub)))
    .limit(1);
  return rows[0];
}

export async function markApiKeyRevoked(db: Db, claims: UserClaims, id: string) {
  await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, claims.sub)));
}

/** Takes back a key whose creation could not finish; its secret was never shown. */
export async function deleteApiKey(db: Db, claims: UserClaims, id: string) {
  await db.delete(apiKeys).where(and(eq(apiKeys.id, id), eq(apiKeys.userId, claims.sub)));
}

/** Records a key's use; written at most once a minute per key (the where clause), as the system. */
export async function touchApiKey(db: Db, id: string, at: Date) {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: at })
    .where(
      and(
        eq(apiKeys.id, id),
        or(
          isNull(apiKeys.lastUsedAt),
          lt(apiKeys.lastUsedAt, sql`${at.toISOString()}::timestamptz - interval '1 minute'`),
        ),
      ),
    );
}
