import { eq, sql } from 'drizzle-orm';
import { profiles } from '../../drizzle/schema.ts';
import type { Db } from './client.ts';
import { asUser, type UserClaims } from './as-user.ts';

// Profiles this isolate has already seen exist, so a signed-in request costs no extra write.
const knownProfiles = new Set<string>();
const KNOWN_PROFILES_MAX = 10_000;

/** Creates the profile (free tier) on a user's first request; later calls are free. */
export async function ensureProfile(db: Db, userId: string, email: string | undefined): Promise<void> {
  if (knownProfiles.has(userId)) return;
  // A profile made without an email (by a room or the usage consumer) gets it now.
  await db
    .insert(profiles)
    .values({ id: userId, email })
    .onConflictDoUpdate({ target: profiles.id, set: { email: sql`coalesce(${profiles.email}, excluded.email)` } });
  if (knownProfiles.size >= KNOWN_PROFILES_MAX) knownProfiles.clear();
  knownProfiles.add(userId);
}

/** The caller's own profile, read under RLS. */
export async function getOwnProfile(db: Db, claims: UserClaims) {
  const [rows] = await asUser(db, claims, (q) => [
    q.select().from(profiles).where(eq(profiles.id, claims.sub)).limit(1),
  ]);
  return rows[0];
}

/** Saves the user's custom instructions (null clears them) with when; repeating it changes nothing but that time. */
export async function saveCustomInstructions(
  db: Db,
  userId: string,
  text: string | null,
  updatedAt: Date,
): Promise<void> {
  await db
    .insert(profiles)
    .values({ id: userId, customInstructions: text, customInstructionsUpdatedAt: updatedAt })
    .onConflictDoUpdate({
      target: profiles.id,
      set: { customInstructions: text, customInstructionsUpdatedAt: updatedAt },
    });
}

/** A user's email address as the system knows it (null when none was ever given), for the service's emails. */
export async function profileEmail(db: Db, userId: string): Promise<string | null> {
  const [row] = await db.select({ email: profiles.email }).from(profiles).where(eq(profiles.id, userId)).limit(1);
  return row?.email ?? null;
}
