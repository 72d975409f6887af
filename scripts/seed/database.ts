// The seed's writes to Postgres, through the local gateway as the Worker reaches it (Neon's HTTP
// protocol, Drizzle neon-http), as the database owner. Nothing here ever overwrites: a seeded
// conversation is written whole (with its messages) only when Postgres does not have it, since
// from its first open it belongs to its ConversationRoom, which writes Postgres behind.
import { neon, neonConfig } from '@neondatabase/serverless';
import { inArray, isNull, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { drizzle } from 'drizzle-orm/neon-http';
import {
  conversations,
  invoices,
  messages,
  profiles,
  refusalsDaily,
  replyTimings,
  sites,
  tierChanges,
  usageEvents,
} from '../../drizzle/schema.ts';
import { aggregateSiteUsage, aggregateUsage } from '../../worker/jobs/aggregate-usage.ts';
import { aggregateTimings } from '../../worker/jobs/aggregate-timings.ts';
import type { SeedRows } from './rows.ts';
import type { CommunityRows } from './community.ts';
import type { OperationsRows } from './operations.ts';

// The driver checks the connection string's shape; the gateway ignores what it says (scripts/lib/stack.ts uses the same).
const CONNECTION_STRING = 'postgresql://parley@127.0.0.1/parley';

export type SeedDb = ReturnType<typeof connectSeedDb>;

/** Drizzle over the gateway at `endpoint` (`http://127.0.0.1:4444/sql` under `npm start`). */
export function connectSeedDb(endpoint: string) {
  // The driver takes its endpoint from global config only; this process talks to one gateway.
  neonConfig.fetchEndpoint = endpoint;
  return drizzle(neon(CONNECTION_STRING));
}

export type DatabaseResult = {
  conversationsAdded: number;
  messagesAdded: number;
  usageEventsAdded: number;
  usageDailyRowsWritten: number;
  /** Reply timings, refusal totals, tier changes and invoices added for the operators' page. */
  operatorRowsAdded: number;
};

/**
 * The demo user's profile and the community's, the conversations Postgres lacks (with their
 * messages), every usage event it lacks, what the operators' page reads (operations.ts), then the
 * hourly roll-ups.
 */
export async function writeSeedRows(
  db: SeedDb,
  user: { id: string; email: string },
  rows: SeedRows,
  community: CommunityRows,
  operations: OperationsRows,
  now: Date,
): Promise<DatabaseResult> {
  const ids = rows.conversations.map((c) => c.id!);
  const present = new Set(
    (await db.select({ id: conversations.id }).from(conversations).where(inArray(conversations.id, ids))).map(
      (r) => r.id,
    ),
  );
  const missing = rows.conversations.filter((c) => !present.has(c.id!));
  const missingIds = new Set(missing.map((c) => c.id));
  const newMessages = rows.messages.filter((m) => missingIds.has(m.conversationId));

  // One transaction: a conversation never lands without its messages.
  const writes: [BatchItem<'pg'>, ...BatchItem<'pg'>[]] = [
    db
      .insert(profiles)
      .values({ id: user.id, email: user.email })
      .onConflictDoUpdate({ target: profiles.id, set: { email: user.email }, setWhere: isNull(profiles.email) }),
    // The community's profiles before their events: written once, never changed by a rerun.
    db.insert(profiles).values(community.profiles).onConflictDoNothing(),
    db.insert(sites).values(operations.site).onConflictDoNothing(),
  ];
  if (missing.length) writes.push(db.insert(conversations).values(missing).onConflictDoNothing());
  if (newMessages.length) writes.push(db.insert(messages).values(newMessages).onConflictDoNothing());
  // Usage stays even when its conversation was deleted (as after a real delete), so events are checked on their own.
  const events = [...rows.usageEvents, ...community.usageEvents, ...operations.visitorEvents];
  const operatorWrites = [
    db.insert(replyTimings).values(operations.timings).onConflictDoNothing().returning({ id: replyTimings.id }),
    db.insert(refusalsDaily).values(operations.refusals).onConflictDoNothing().returning({ day: refusalsDaily.day }),
    db.insert(tierChanges).values(operations.tierChanges).onConflictDoNothing().returning({ id: tierChanges.id }),
    db.insert(invoices).values(operations.invoices).onConflictDoNothing().returning({ id: invoices.id }),
  ];
  writes.push(...operatorWrites);
  writes.push(db.insert(usageEvents).values(events).onConflictDoNothing().returning({ id: usageEvents.id }));
  const results = await db.batch(writes);
  const addedEvents = results.at(-1) as Array<{ id: string }>;
  const operatorRowsAdded = results
    .slice(-1 - operatorWrites.length, -1)
    .reduce((n, added) => n + (added as unknown[]).length, 0);

  // The hourly job's own aggregation, looking back far enough to reach the oldest seeded event
  // (they landed when they happened): it writes totals, so a rerun writes nothing.
  const oldest = Math.min(...events.map((e) => (e.createdAt as Date).getTime()));
  const lookbackHours = Math.ceil((now.getTime() - oldest) / 3_600_000) + 2;
  const rollUp = await aggregateUsage(db, lookbackHours);
  await aggregateSiteUsage(db, lookbackHours);
  await aggregateTimings(db, lookbackHours);

  return {
    conversationsAdded: missing.length,
    messagesAdded: newMessages.length,
    usageEventsAdded: addedEvents.length,
    usageDailyRowsWritten: rollUp.rowsUpserted,
    operatorRowsAdded,
  };
}

/** What the seed's tables hold for this user: the counts a rerun must leave alone. */
export async function seedCounts(db: SeedDb, userId: string) {
  const count = (table: string) =>
    sql`(select count(*)::int from ${sql.identifier(table)} where user_id = ${userId}) as ${sql.identifier(table)}`;
  const { rows } = await db.execute<Record<string, number>>(
    sql`select ${sql.join(['conversations', 'messages', 'usage_events', 'usage_daily', 'api_keys', 'sites'].map(count), sql`, `)}`,
  );
  return rows[0] as {
    conversations: number;
    messages: number;
    usage_events: number;
    usage_daily: number;
    api_keys: number;
    sites: number;
  };
}
