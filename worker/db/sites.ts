// Site rows: the record. The owner's routes write here first (as the Worker, scoped to the owner's
// user id: the signed-in role only reads, see migration 0004), then tell the site's
// Durable Object (worker/sites/manage-sites.ts); visitors' requests never read this table, except
// once per site the object has never held (loadSiteByKey).
import { and, desc, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import { type SiteModelNotice, sites } from '../../drizzle/schema.ts';
import type { Db } from './client.ts';
import { asUser, type UserClaims } from './as-user.ts';

/** A site as Postgres holds it. */
export type SiteRow = typeof sites.$inferSelect;
/** A site as its owner may read it: everything but the Turnstile secret (migration 0016 grants no more). */
export type OwnedSite = Omit<SiteRow, 'turnstileSecret'>;

const { turnstileSecret: _secret, ...ownedColumns } = getTableColumns(sites);
/** The columns a signed-in user may select from `sites`. */
export const ownedSiteColumns = ownedColumns;

/** The limits an owner sets on a site: columns of their own, each with its default (migration 0015). */
type LimitColumns =
  | 'visitorRequestsPerMinute'
  | 'sessionsPerIpPerMinute'
  | 'conversationsPerVisitorPerHour'
  | 'dailyTokenBudget';
export type NewSite = Pick<SiteRow, 'name' | 'publicKey' | 'allowedOrigins' | 'model' | 'systemPrompt' | 'greeting'> &
  Partial<Pick<SiteRow, LimitColumns | 'retentionDays' | 'turnstileSiteKey' | 'turnstileSecret'>> & {
    theme: Record<string, string>;
  };
export type SitePatch = Partial<
  Pick<
    SiteRow,
    | 'name'
    | 'allowedOrigins'
    | 'model'
    | 'systemPrompt'
    | 'greeting'
    | LimitColumns
    | 'retentionDays'
    | 'modelNotice'
    | 'turnstileSiteKey'
    | 'turnstileSecret'
  >
> & { theme?: Record<string, string> };

/** `updated_at` after a change: at least a millisecond past the last, so the site's object keeps the newest. */
const nextUpdatedAt = sql`greatest(now(), ${sites.updatedAt} + interval '1 millisecond')`;

export async function insertSite(db: Db, claims: UserClaims, site: NewSite): Promise<SiteRow> {
  const rows = await db
    .insert(sites)
    .values({ ...site, userId: claims.sub })
    .returning();
  return rows[0]!;
}

/** The caller's sites, newest first. */
export async function listSites(db: Db, claims: UserClaims): Promise<OwnedSite[]> {
  const [rows] = await asUser(db, claims, (q) => [
    q
      .select(ownedColumns)
      .from(sites)
      .where(eq(sites.userId, claims.sub))
      .orderBy(desc(sites.createdAt), desc(sites.id)),
  ]);
  return rows;
}

export async function findSite(db: Db, claims: UserClaims, id: string): Promise<OwnedSite | undefined> {
  const [rows] = await asUser(db, claims, (q) => [
    q
      .select(ownedColumns)
      .from(sites)
      .where(and(eq(sites.id, id), eq(sites.userId, claims.sub)))
      .limit(1),
  ]);
  return rows[0];
}

/**
 * Applies a change (a theme change is merged into the stored theme) and returns the row as it is
 * now. `updated_at` moves forward by at least a millisecond each time, even for two changes in the
 * same instant: the site's Durable Object keeps whichever configuration is newest by it.
 */
export async function updateSite(
  db: Db,
  claims: UserClaims,
  id: string,
  patch: SitePatch,
): Promise<SiteRow | undefined> {
  const { theme, ...fields } = patch;
  const rows = await db
    .update(sites)
    .set({
      ...fields,
      ...(theme ? { theme: sql`${sites.theme} || ${JSON.stringify(theme)}::jsonb` } : {}),
      updatedAt: nextUpdatedAt,
    })
    .where(and(eq(sites.id, id), eq(sites.userId, claims.sub)))
    .returning();
  return rows[0];
}

/** Every site of one owner, as the system (a plan change acts for Stripe, not for the signed-in owner). */
export async function sitesOfOwner(db: Db, userId: string): Promise<SiteRow[]> {
  return db.select().from(sites).where(eq(sites.userId, userId)).orderBy(sites.createdAt, sites.id);
}

/**
 * Switches a site's model from `from` (null: none named) to `to` with the notice that says why,
 * as the system, only if the model is still `from`: a change the owner made meanwhile wins, and a
 * repeated call changes nothing. The row as it is now, or undefined when nothing was changed.
 */
export async function switchSiteModel(
  db: Db,
  siteId: string,
  from: string | null,
  to: string,
  notice: SiteModelNotice,
): Promise<SiteRow | undefined> {
  const rows = await db
    .update(sites)
    .set({ model: to, modelNotice: notice, updatedAt: nextUpdatedAt })
    .where(and(eq(sites.id, siteId), from === null ? isNull(sites.model) : eq(sites.model, from)))
    .returning();
  return rows[0];
}

export async function deleteSite(db: Db, claims: UserClaims, id: string): Promise<void> {
  await db.delete(sites).where(and(eq(sites.id, id), eq(sites.userId, claims.sub)));
}

/** A site by its public key, as the system: what a Site object loads once when it has never held its site. */
export async function loadSiteByKey(db: Db, publicKey: string): Promise<SiteRow | undefined> {
  const rows = await db.select().from(sites).where(eq(sites.publicKey, publicKey)).limit(1);
  return rows[0];
}
