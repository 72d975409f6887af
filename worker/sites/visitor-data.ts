// Deleting widget visitors' data for a site's owner: every conversation of one visitor (a request
// such as the GDPR's right to erasure), and, hourly, the conversations a site's retention has
// outlived. Postgres says which conversations there are; each one's room erases it (its storage
// and, written through at once, its rows: ConversationRoom.erase). Only visitors' conversations are
// ever touched, and repeating either changes nothing.
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import { conversations, sites } from '../../drizzle/schema.ts';
import { AppError, notFound } from '../errors.ts';
import type { Db } from '../db/client.ts';
import { asUser, type UserClaims } from '../db/as-user.ts';
import { findSite } from '../db/sites.ts';
import { conversationRoom } from '../chat/rooms.ts';
import { log } from '../log.ts';

/** Rooms erased at once. */
const PARALLEL = 8;
/** Conversations the retention job looks at per query, and per run at most (the next run goes on). */
const RETENTION_BATCH = 100;
const RETENTION_MAX_PER_RUN = 2000;

type Target = { id: string; userId: string };

/**
 * Erases every conversation of `visitorId` on the owner's site `siteId` (404 when the site is not
 * theirs). Answers how many there were; 503 when some could not be erased now (those erased stay
 * erased, and repeating the request finishes the rest).
 */
export async function eraseVisitor(
  env: Pick<Env, 'CONVERSATION_ROOM'>,
  db: Db,
  owner: { userId: string; claims: UserClaims },
  siteId: string,
  visitorId: string,
): Promise<{ deleted: number }> {
  if (!(await findSite(db, owner.claims, siteId))) throw notFound('Site not found');
  const [rows] = await asUser(db, owner.claims, (q) => [
    q
      .select({ id: conversations.id, userId: conversations.userId })
      .from(conversations)
      .where(
        and(
          eq(conversations.userId, owner.userId),
          eq(conversations.siteId, siteId),
          eq(conversations.visitorId, visitorId),
        ),
      ),
  ]);
  const { erased, failed } = await eraseAll(env, rows);
  if (failed > 0)
    throw new AppError(
      503,
      'database_unavailable',
      `${failed} of this visitor's ${rows.length} conversations could not be deleted right now: try again shortly`,
    );
  return { deleted: erased };
}

/**
 * The retention job: erases the visitors' conversations of every site with a retention whose last
 * activity is older than that many days before `now`, oldest first, in batches, up to a bound per
 * run (the next run goes on). Runs as the Worker (no user): each room still checks the owner.
 */
export async function eraseExpiredVisitorConversations(
  env: Pick<Env, 'CONVERSATION_ROOM'>,
  db: Db,
  now: Date,
): Promise<{ erased: number; failed: number }> {
  let erased = 0;
  let failed = 0;
  // Ids that failed this run are not asked for again in it (they stay for the next run).
  const skip = new Set<string>();
  while (erased + failed < RETENTION_MAX_PER_RUN) {
    const expired = (await expiredConversations(db, now, RETENTION_BATCH + skip.size)).filter((c) => !skip.has(c.id));
    if (expired.length === 0) break;
    const outcome = await eraseAll(env, expired.slice(0, RETENTION_BATCH), (id) => skip.add(id));
    erased += outcome.erased;
    failed += outcome.failed;
  }
  return { erased, failed };
}

/** Visitors' conversations past their site's retention, oldest first (per site on its (site_id, active_at) index). */
async function expiredConversations(db: Db, now: Date, limit: number): Promise<Target[]> {
  const rows = await db
    .select({ id: sql<string>`expired.id`, userId: sql<string>`expired.user_id` })
    .from(sites)
    .innerJoinLateral(
      db
        .select({ id: conversations.id, userId: conversations.userId, activeAt: conversations.activeAt })
        .from(conversations)
        .where(
          and(
            eq(conversations.siteId, sites.id),
            isNotNull(conversations.visitorId),
            sql`${conversations.activeAt} < ${now.toISOString()}::timestamptz - make_interval(days => ${sites.retentionDays})`,
          ),
        )
        .orderBy(asc(conversations.activeAt))
        .limit(limit)
        .as('expired'),
      sql`true`,
    )
    .where(isNotNull(sites.retentionDays))
    .orderBy(sql`expired.active_at`)
    .limit(limit);
  return rows;
}

/** Erases each conversation through its room, a few at a time; counts what was erased and what failed (logged). */
async function eraseAll(env: Pick<Env, 'CONVERSATION_ROOM'>, targets: Target[], onFailed?: (id: string) => void) {
  let erased = 0;
  let failed = 0;
  for (let i = 0; i < targets.length; i += PARALLEL) {
    await Promise.all(
      targets.slice(i, i + PARALLEL).map(async (target) => {
        try {
          const result = await conversationRoom(env, target.id).erase({
            conversationId: target.id,
            userId: target.userId,
          });
          if (result.ok) {
            erased++;
            return;
          }
          log.warn('visitor conversation not erased', { conversationId: target.id, code: result.code });
        } catch (error) {
          log.warn('visitor conversation not erased', { conversationId: target.id }, error);
        }
        failed++;
        onFailed?.(target.id);
      }),
    );
  }
  return { erased, failed };
}
